-- one row per printed value of the document's extra (non-standard) tables, text kept
insert into fact_generic_cell by name
select
    $document_id as document_id,
    *
from stg_extra_cells
