-- one document's hand-off rows (staged as handoff_rows) into its Parquet file, with the
-- content digest the publisher verifies in the file's key-value metadata
copy (select * from handoff_rows) to $path (
    format parquet, kv_metadata {budget_handoff_digest: $digest}
)
