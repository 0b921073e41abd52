-- expenditure by function subject × expenditure type, totals excluded, for every document:
-- from 支出总体情况表 (t03) where it prints subjects, else from the function table covering
-- the most money (source_table says which: t05 一般公共预算, a 财政拨款支出 extra table …);
-- source_page: the page of the source PDF the amount is printed on
create or replace view v_expenditure_by_function as
with typed_cells as (
    select
        document_id,
        table_key as source_table,
        row_index,
        column_index,
        code,
        subject_name,
        expenditure_type,
        amount_yuan,
        source_page
    from fact_expenditure_by_function
    where not is_total_row
        and not is_total_column
),

-- extra tables label a row `code/name`; a 支出功能分类 code is 3, 5 or 7 digits from 2
extra_cells as (
    select
        document_id,
        'extra_' || lpad(cast(table_index as varchar), 2, '0') as source_table,
        row_index,
        column_index,
        regexp_extract(row_label, '^(2\d{2}(\d{2}){0,2})/', 1) as code,
        regexp_replace(row_label, '^\d+/', '') as subject_name,
        column_name as expenditure_type,
        amount_yuan,
        source_page
    from fact_generic_cell
    where regexp_matches(row_label, '^2\d{2}(\d{2}){0,2}/')
        and amount_yuan is not null
        and not is_total_column
),

cells as (
    select * from typed_cells
    union all
    select * from extra_cells
),

-- one function table per document: t03 when it prints subjects, else the largest 类 total,
-- a typed table before an extra one on a tie
sources as (
    select
        document_id,
        source_table,
        sum(amount_yuan) filter (where length(code) = 3) as class_total
    from cells
    group by document_id, source_table
    having count(code) > 0
),

chosen as (
    select
        document_id,
        source_table
    from sources
    qualify row_number() over (
        partition by document_id
        order by
            source_table = 't03_expenditure' desc,
            class_total desc nulls last,
            starts_with(source_table, 'extra_'),
            source_table
    ) = 1
)

select
    documents.department,
    documents.fiscal_year,
    cells.code,
    cells.subject_name as name,
    case length(cells.code) when 3 then 1 when 5 then 2 when 7 then 3 end as level,
    cells.expenditure_type,
    cells.amount_yuan,
    wan(cells.amount_yuan) as amount_wan,
    cells.source_table,
    documents.document_kind,
    documents.stage,
    cells.source_page
from cells
inner join chosen
    on chosen.document_id = cells.document_id
    and chosen.source_table = cells.source_table
inner join document_keys() as documents on documents.document_id = cells.document_id
order by
    documents.department, documents.fiscal_year, documents.document_kind, documents.stage,
    cells.row_index, cells.column_index
