-- every row of one hand-off file, as written by pipelines.handoff.write_handoff
select * from read_parquet($path)
