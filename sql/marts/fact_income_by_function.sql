-- t02 (vocabulary fact_table fact_income_by_function): one row per printed function row ×
-- fund-source cell
insert into fact_income_by_function by name
select
    $document_id as document_id,
    code,
    label as subject_name,
    column_name as fund_source,
    columns(printed_cell_columns())
from filed_cells('fact_income_by_function')
