-- 收支总体情况表 (t01) and 财政拨款收支总体情况表 (t04): one row per printed line with an amount;
-- source_page: the page of the source PDF it is printed on (`budget trace` shows the cell)
create or replace view v_budget_summary as
select
    documents.department,
    documents.fiscal_year,
    lines.table_key,
    lines.side,
    lines.item,
    lines.is_total,
    lines.amount_yuan,
    wan(lines.amount_yuan) as amount_wan,
    documents.document_kind,
    documents.stage,
    lines.source_page
from fact_summary_line as lines
inner join document_keys() as documents on documents.document_id = lines.document_id
order by
    documents.department, documents.fiscal_year, documents.document_kind, documents.stage,
    lines.table_key, lines.side, lines.line_index
