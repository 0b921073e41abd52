-- the hand-off rows staged for the file, read back as the Parquet file will hold them
select * from handoff_rows
