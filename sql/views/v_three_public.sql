-- 行政经费及“三公”经费预算表 (t07): one row per item × fund source, 合计 column excluded;
-- category from the first pattern of data/reference/three_public_categories.csv in the item;
-- a final account's own 预算数 column (the plan printed beside its 决算数) is left to
-- v_budget_vs_actual, so the amounts here are what each document spent or plans to spend;
-- source_page: the page of the source PDF the amount is printed on
create or replace view v_three_public as
select
    documents.department,
    documents.fiscal_year,
    cells.item,
    cells.fund_source,
    cells.amount_yuan,
    wan(cells.amount_yuan) as amount_wan,
    cells.category,
    documents.document_kind,
    documents.stage,
    cells.source_page
from three_public_cells() as cells
inner join document_keys() as documents on documents.document_id = cells.document_id
where not (documents.stage = 'final' and cells.fund_source = '预算数')
order by
    documents.department, documents.fiscal_year, documents.document_kind, documents.stage,
    cells.row_index, cells.column_index
