-- the pages each table of a loaded document was printed on
select
    table_key,
    pages
from dim_source_table
where document_id = $document_id
