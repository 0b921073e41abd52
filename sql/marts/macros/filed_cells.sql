-- the staged cells (stg_budget_cells) of every table the vocabulary (seed_budget_tables) files
-- under `target` (as its fact table, subject dimension or column dimension), with the fund
-- and expenditure type its line gives the table: what each mart of sql/marts/ selects from
create or replace temp macro filed_cells(target) as table
select
    cells.*,
    tables.fund,
    tables.expenditure_type
from stg_budget_cells as cells
inner join seed_budget_tables as tables using (table_key)
where target in (tables.fact_table, tables.subject_dimension, tables.column_dimension)
