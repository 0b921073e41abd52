-- 支出总体情况表 (t03): one row per function subject × expenditure type, totals excluded
create or replace view v_expenditure_by_function as
with documents as (
    select
        dim_document.document_id,
        dim_department.department,
        dim_document.fiscal_year
    from dim_document
    inner join dim_department on dim_department.department_id = dim_document.department_id
),

cells as (
    select
        document_id,
        row_index,
        column_index,
        code,
        subject_name,
        expenditure_type,
        amount_yuan
    from fact_expenditure_by_function
    where table_key = 't03_expenditure'
        and not is_total_row
        and not is_total_column
)

select
    documents.department,
    documents.fiscal_year,
    cells.code,
    cells.subject_name as name,
    dim_function_subject.level,
    cells.expenditure_type,
    cells.amount_yuan,
    cast(cells.amount_yuan * 0.0001 as decimal(24, 6)) as amount_wan
from cells
inner join documents on documents.document_id = cells.document_id
left join dim_function_subject
    on dim_function_subject.code = cells.code
    and dim_function_subject.fiscal_year = documents.fiscal_year
order by documents.department, documents.fiscal_year, cells.row_index, cells.column_index
