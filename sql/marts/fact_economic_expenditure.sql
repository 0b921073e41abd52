-- t06, t10 (vocabulary fact_table fact_economic_expenditure): one row per printed economic
-- row × column; `expenditure_type` is the one the table covers (基本支出, 项目支出)
insert into fact_economic_expenditure by name
select
    $document_id as document_id,
    expenditure_type,
    code,
    label as subject_name,
    column_name,
    columns(printed_cell_columns())
from filed_cells('fact_economic_expenditure')
