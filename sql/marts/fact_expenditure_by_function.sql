-- t03, t05, t08, t09 (vocabulary fact_table fact_expenditure_by_function): one row per
-- printed function row × expenditure-type cell; `fund` is the budget the table covers
insert into fact_expenditure_by_function by name
select
    $document_id as document_id,
    fund,
    code,
    label as subject_name,
    column_name as expenditure_type,
    columns(printed_cell_columns())
from filed_cells('fact_expenditure_by_function')
