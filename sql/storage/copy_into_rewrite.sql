-- every schema, table (with its rows, constraints and defaults), view, macro, sequence (at
-- its current value) and comment of the open warehouse into the file attached as
-- storage_rewrite; {source} is the open warehouse's database name (an identifier, so no
-- $param), its double quotes doubled
copy from database "{source}" to storage_rewrite
