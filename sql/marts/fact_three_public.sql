-- t07 (vocabulary fact_table fact_three_public): one row per printed item × fund-source cell
insert into fact_three_public by name
select
    $document_id as document_id,
    label as item,
    column_name as fund_source,
    columns(printed_cell_columns())
from filed_cells('fact_three_public')
