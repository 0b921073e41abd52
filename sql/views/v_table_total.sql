-- the 合计 row of every subject table a document prints (收入预算表, 支出预算表, 财政拨款支出
-- 预算表, 一般公共预算支出表 …), one row per printed column: the totals a table publishes,
-- whichever table the other views chose; fund: the budget a function-spending table covers
-- (全部资金, 一般公共预算, 财政拨款 …), column_name: the column as printed; source_page: the
-- page of the source PDF the amount is printed on
create or replace view v_table_total as
with totals as (
    select
        document_id,
        table_key,
        fund,
        column_index,
        expenditure_type as column_name,
        is_total_column,
        amount_yuan,
        source_page
    from fact_expenditure_by_function
    where is_total_row
    union all
    select
        document_id,
        table_key,
        null as fund,
        column_index,
        fund_source as column_name,
        is_total_column,
        amount_yuan,
        source_page
    from fact_income_by_function
    where is_total_row
    union all
    select
        document_id,
        table_key,
        null as fund,
        column_index,
        column_name,
        is_total_column,
        amount_yuan,
        source_page
    from fact_economic_expenditure
    where is_total_row
)

select
    documents.department,
    documents.fiscal_year,
    totals.table_key,
    tables.table_title,
    totals.fund,
    totals.column_name,
    totals.is_total_column,
    totals.amount_yuan,
    wan(totals.amount_yuan) as amount_wan,
    documents.document_kind,
    documents.stage,
    totals.source_page
from totals
inner join dim_source_table as tables
    on tables.document_id = totals.document_id
    and tables.table_key = totals.table_key
inner join document_keys() as documents on documents.document_id = totals.document_id
order by
    documents.department, documents.fiscal_year, documents.document_kind, documents.stage,
    totals.table_key, totals.column_index
