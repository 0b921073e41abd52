insert into dim_source_table (
    document_id, table_key, table_title, kind, unit, pages, note, row_count
)
select
    document_id,
    table_key,
    table_title,
    kind,
    unit,
    cast(string_split(nullif(pages, ''), ',') as integer[]) as pages,
    note,
    row_count
from frame
