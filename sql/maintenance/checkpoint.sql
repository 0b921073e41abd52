-- Fold the write-ahead log into the file and reuse freed blocks: reloading the same bytes does
-- not grow the warehouse (run once at the end of a batch).
checkpoint
