-- one row per table the document prints (standard t01…t12, or extra_NN)
insert into dim_source_table by name
select
    $document_id as document_id,
    table_key,
    table_title,
    kind,
    unit,
    cast(string_split(nullif(pages, ''), ',') as integer[]) as pages,
    note,
    row_count,
    confidence,
    typed_by,
    typing_evidence
from stg_source_tables
