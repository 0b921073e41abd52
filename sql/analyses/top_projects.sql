-- the 20 largest projects (t12) over all loaded documents, with their share of the project
-- budget of their document (department × year × kind × stage) that year
with project_totals as (
    select
        department,
        fiscal_year,
        document_kind,
        stage,
        project_name,
        sum(amount_yuan) as amount_yuan,
        string_agg(fund_source, '、' order by fund_source) as fund_sources
    from v_project_budget
    group by department, fiscal_year, document_kind, stage, project_name
),

ranked as (
    select
        project_totals.*,
        sum(amount_yuan) over (
            partition by department, fiscal_year, document_kind, stage
        ) as department_yuan,
        row_number() over (
            order by
                amount_yuan desc, department, fiscal_year, document_kind, stage, project_name
        ) as rank
    from project_totals
)

select
    rank,
    department,
    fiscal_year,
    project_name,
    wan(amount_yuan) as amount_wan,
    cast(round(100 * amount_yuan / department_yuan, 2) as decimal(9, 2)) as share_of_department_pct,
    fund_sources,
    document_kind,
    stage
from ranked
where rank <= 20
order by rank
