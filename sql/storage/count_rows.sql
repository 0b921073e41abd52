-- the rows of one table, named by a qualified name such as 'storage_rewrite.main.dim_document'
select count(*) as row_count
from query_table($table)
