-- the 年初预算 a final account's 说明 states (一般公共预算财政拨款支出 overall, and per 项 by
-- its code) beside what the loaded budget of the same year prints for it in its 一般公共预算
-- 支出表 (t05: the 合计 row, or the 项's row); budget_yuan is null where the budget prints no
-- such row, budget_prints_table false where it prints no t05 at all
with budget as (
    select
        code,
        is_total_row,
        amount_yuan,
        source_page
    from fact_expenditure_by_function
    where document_id = $budget_id
        and table_key = 't05_gpb_function'
        and column_index = 0
)

select
    stated.topic,
    stated.figure,
    stated.unit,
    stated.page,
    stated.sentence,
    stated.subject,
    stated.code,
    budget.amount_yuan as budget_yuan,
    budget.source_page as budget_page,
    exists (select 1 from budget) as budget_prints_table
from fact_narrative_figure as stated
left join budget
    on (stated.topic = 'gp_appropriation_budget' and budget.is_total_row)
    or (stated.topic = 'item_budget' and budget.code = stated.code)
where stated.document_id = $final_id
    and stated.topic in ('gp_appropriation_budget', 'item_budget')
    and stated.unit in ('元', '万元')
order by stated.figure_index
