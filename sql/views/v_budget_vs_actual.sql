-- plan against spending: one row per final account (决算) × measure × subject code. measure:
-- expenditure_total (本年支出合计), gp_appropriation_total (一般公共预算财政拨款支出),
-- function_class / function_item (a 类 / 项 of the appropriation spending by function:
-- 一般公共预算 t05, else a university's 财政拨款 t13), three_public_<category> (三公).
-- budget_yuan: the 年初预算 from the loaded budget of the same department, year and kind
-- (budget_source 'budget document'), else what the final account states itself ('final
-- accounts statement': its 说明; 'final accounts table': its 三公 table's 预算数); a 三公
-- 决算数 printed blank is 0 (the final account reports no such spending);
-- execution_pct = actual ÷ budget × 100 (2 places, exact), null when the budget is 0 or
-- unknown;
-- budget_page / actual_page: the pages the two figures are printed on; stage: the final
-- account's (every row pairs one)
create or replace view v_budget_vs_actual as
with pairs as (
    select
        finals.document_id as final_id,
        budgets.document_id as budget_id,
        finals.department,
        finals.fiscal_year,
        finals.document_kind
    from document_keys() as finals
    left join document_keys() as budgets
        on budgets.department = finals.department
        and budgets.fiscal_year = finals.fiscal_year
        and budgets.document_kind = finals.document_kind
        and budgets.stage = 'budget'
    where finals.stage = 'final'
),

year_spending as (
    select
        document_id,
        amount_yuan,
        source_page
    from fact_summary_line
    where table_key = 't01_summary'
        and side = 'expenditure'
        and item in ('本年支出合计', '当年支出小计')
),

spending_table as (
    select
        document_id,
        min(table_key) as table_key
    from fact_expenditure_by_function
    where table_key in ('t05_gpb_function', 't13_fiscal_function')
    group by document_id
),

spending as (
    select
        cells.document_id,
        cells.table_key,
        cells.code,
        cells.subject_name,
        cells.is_total_row,
        cells.amount_yuan,
        cells.source_page
    from fact_expenditure_by_function as cells
    inner join spending_table
        on spending_table.document_id = cells.document_id
        and spending_table.table_key = cells.table_key
    where cells.column_index = 0
),

stated as (
    select
        document_id,
        topic,
        code,
        figure * case unit when '万元' then 10000 else 1 end as amount_yuan,
        page
    from fact_narrative_figure
    where unit in ('元', '万元')
),

three_public as (
    select
        cells.document_id,
        cells.category,
        arg_min(cells.item, cells.row_index) as item,
        sum(cells.amount_yuan) filter (where cells.fund_source = '预算数') as planned_yuan,
        sum(cells.amount_yuan) filter (where cells.fund_source <> '预算数') as spent_yuan,
        min(cells.source_page) as source_page
    from three_public_cells() as cells
    where cells.category is not null
    group by cells.document_id, cells.category
),

-- the appropriation spending's total and its 类 / 项 in the final account, each with the
-- budget's figure where the budget is loaded, and the 说明 topic stating its 年初预算
function_rows as (
    select
        pairs.final_id,
        pairs.department,
        pairs.fiscal_year,
        pairs.document_kind,
        'gp_appropriation_total' as measure,
        null as code,
        '一般公共预算财政拨款支出' as name,
        'gp_appropriation_budget' as stated_topic,
        plan.amount_yuan as plan_yuan,
        plan.source_page as plan_page,
        actual.amount_yuan as actual_yuan,
        actual.source_page as actual_page
    from pairs
    inner join spending as actual
        on actual.document_id = pairs.final_id
        and actual.table_key = 't05_gpb_function'
        and actual.is_total_row
    left join spending as plan
        on plan.document_id = pairs.budget_id
        and plan.table_key = 't05_gpb_function'
        and plan.is_total_row
    union all
    select
        pairs.final_id,
        pairs.department,
        pairs.fiscal_year,
        pairs.document_kind,
        case length(actual.code) when 3 then 'function_class' else 'function_item' end,
        actual.code,
        actual.subject_name,
        'item_budget',
        plan.amount_yuan,
        plan.source_page,
        actual.amount_yuan,
        actual.source_page
    from pairs
    inner join spending as actual
        on actual.document_id = pairs.final_id
        and length(actual.code) in (3, 7)
    left join spending as plan
        on plan.document_id = pairs.budget_id
        and plan.code = actual.code
),

measures as (
    select
        pairs.department,
        pairs.fiscal_year,
        pairs.document_kind,
        'expenditure_total' as measure,
        null as code,
        '本年支出合计' as name,
        plan.amount_yuan as budget_yuan,
        actual.amount_yuan as actual_yuan,
        case when plan.amount_yuan is not null then 'budget document' end as budget_source,
        plan.source_page as budget_page,
        actual.source_page as actual_page
    from pairs
    inner join year_spending as actual on actual.document_id = pairs.final_id
    left join year_spending as plan on plan.document_id = pairs.budget_id
    union all
    select
        rows.department,
        rows.fiscal_year,
        rows.document_kind,
        rows.measure,
        rows.code,
        rows.name,
        coalesce(rows.plan_yuan, statement.amount_yuan) as budget_yuan,
        rows.actual_yuan,
        case
            when rows.plan_yuan is not null then 'budget document'
            when statement.amount_yuan is not null then 'final accounts statement'
        end as budget_source,
        coalesce(rows.plan_page, statement.page) as budget_page,
        rows.actual_page
    from function_rows as rows
    left join stated as statement
        on statement.document_id = rows.final_id
        and statement.topic = rows.stated_topic
        and (rows.code is null or statement.code = rows.code)
    union all
    select
        pairs.department,
        pairs.fiscal_year,
        pairs.document_kind,
        'three_public_' || actual.category as measure,
        null as code,
        actual.item as name,
        coalesce(actual.planned_yuan, plan.spent_yuan) as budget_yuan,
        coalesce(actual.spent_yuan, 0) as actual_yuan,
        case
            when actual.planned_yuan is not null then 'final accounts table'
            when plan.spent_yuan is not null then 'budget document'
        end as budget_source,
        case when actual.planned_yuan is not null then actual.source_page else plan.source_page end
            as budget_page,
        actual.source_page as actual_page
    from pairs
    inner join three_public as actual on actual.document_id = pairs.final_id
    left join three_public as plan
        on plan.document_id = pairs.budget_id
        and plan.category = actual.category
)

select
    department,
    fiscal_year,
    document_kind,
    'final' as stage,
    measure,
    code,
    name,
    cast(budget_yuan as decimal(22, 2)) as budget_yuan,
    cast(actual_yuan as decimal(22, 2)) as actual_yuan,
    cast(actual_yuan - budget_yuan as decimal(22, 2)) as difference_yuan,
    case
        -- in whole fen, half away from zero: exact (DuckDB divides DECIMALs as DOUBLE)
        when budget_yuan <> 0 then sign(actual_yuan) * sign(budget_yuan) * cast(
            (cast(abs(actual_yuan) * 100 as hugeint) * 20000 + cast(abs(budget_yuan) * 100 as hugeint))
            // (2 * cast(abs(budget_yuan) * 100 as hugeint)) as decimal(18, 0)
        ) * 0.01
    end as execution_pct,
    budget_source,
    budget_page,
    actual_page
from measures
order by department, fiscal_year, document_kind, measure, code
