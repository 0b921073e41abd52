-- 项目支出预算表 (t12): one row per project × non-zero fund source (no 合计, no unit rows);
-- source_page: the page of the source PDF the amount is printed on
create or replace view v_project_budget as
with projects as (
    select
        project_id,
        row_index,
        project_name,
        performance_goal
    from dim_project
    where row_kind = 'project'
),

cells as (
    select
        document_id,
        project_id,
        column_index,
        fund_source,
        amount_yuan,
        source_page
    from fact_project_fund
    where not is_total_column
        and amount_yuan <> 0
)

select
    documents.department,
    documents.fiscal_year,
    projects.project_name,
    projects.performance_goal,
    cells.fund_source,
    cells.amount_yuan,
    wan(cells.amount_yuan) as amount_wan,
    documents.document_kind,
    documents.stage,
    cells.source_page
from cells
inner join projects on projects.project_id = cells.project_id
inner join document_keys() as documents on documents.document_id = cells.document_id
order by
    documents.department, documents.fiscal_year, documents.document_kind, documents.stage,
    projects.row_index, cells.column_index
