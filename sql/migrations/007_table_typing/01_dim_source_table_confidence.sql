-- how sure the parser is of the table type (certain, probable, doubtful, untyped, generic); null before release 7
alter table dim_source_table add column confidence varchar
