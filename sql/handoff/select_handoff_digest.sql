-- the content digest pipelines.handoff.write_handoff stored in a hand-off file's metadata
select decode(value) as digest
from parquet_kv_metadata($path)
where decode(key) = 'budget_handoff_digest'
