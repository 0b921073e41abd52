-- t06 (基本支出) and t10 (项目支出): one row per economic subject × expenditure type;
-- source_page: the page of the source PDF it is printed on
create or replace view v_economic_expenditure as
select
    documents.department,
    documents.fiscal_year,
    cells.code,
    cells.subject_name as name,
    dim_economic_subject.level,
    cells.expenditure_type,
    cells.amount_yuan,
    wan(cells.amount_yuan) as amount_wan,
    documents.document_kind,
    documents.stage,
    cells.source_page
from fact_economic_expenditure as cells
inner join document_keys() as documents on documents.document_id = cells.document_id
left join dim_economic_subject
    on dim_economic_subject.code = cells.code
    and dim_economic_subject.fiscal_year = documents.fiscal_year
where not cells.is_total_row
    and not cells.is_total_column
order by
    documents.department, documents.fiscal_year, documents.document_kind, documents.stage,
    cells.table_key, cells.row_index, cells.column_index
