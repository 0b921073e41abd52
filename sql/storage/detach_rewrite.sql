-- close the rewritten file: DuckDB checkpoints it, so it is whole without a write-ahead log
detach storage_rewrite
