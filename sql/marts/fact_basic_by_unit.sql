-- t11 (vocabulary fact_table fact_basic_by_unit): one row per printed row × fund-source cell,
-- the row's kind (total / unit / category) from staging's t11 rule
insert into fact_basic_by_unit by name
select
    $document_id as document_id,
    label as item,
    row_kind,
    column_name as fund_source,
    columns(printed_cell_columns())
from filed_cells('fact_basic_by_unit')
