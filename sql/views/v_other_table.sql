-- the printed tables the standard twelve do not hold cell for cell (机关运行经费, 政府采购, a
-- 财政拨款支出 table, the fund columns of a 财政拨款收支 table …), one row per non-empty cell:
-- title and position as printed, the amount in 元 and 万元 where the cell is one;
-- source_page: its page in the PDF
create or replace view v_other_table as
select
    documents.department,
    documents.fiscal_year,
    cells.table_index,
    cells.table_title,
    cells.row_index,
    cells.row_label,
    cells.column_index,
    cells.column_name,
    cells.is_total_row,
    cells.is_total_column,
    cells.printed_value,
    cells.amount_yuan,
    wan(cells.amount_yuan) as amount_wan,
    documents.document_kind,
    documents.stage,
    cells.source_page
from fact_generic_cell as cells
inner join document_keys() as documents on documents.document_id = cells.document_id
order by
    documents.department, documents.fiscal_year, documents.document_kind, documents.stage,
    cells.table_index, cells.row_index, cells.column_index
