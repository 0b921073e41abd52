-- fact rows of one document whose keys have no dimension row: one row per fact table,
-- key column and missing key value (an empty result means every key resolves)
with document as (
    select
        document_id,
        department_id,
        fiscal_year
    from dim_document
    where document_id = $document_id
),

fact_documents as (
    select 'fact_summary_line' as fact_table, document_id from fact_summary_line
    union all
    select 'fact_income_by_function', document_id from fact_income_by_function
    union all
    select 'fact_expenditure_by_function', document_id from fact_expenditure_by_function
    union all
    select 'fact_economic_expenditure', document_id from fact_economic_expenditure
    union all
    select 'fact_three_public', document_id from fact_three_public
    union all
    select 'fact_basic_by_unit', document_id from fact_basic_by_unit
    union all
    select 'fact_project_fund', document_id from fact_project_fund
    union all
    select 'fact_generic_cell', document_id from fact_generic_cell
    union all
    select 'dim_source_table', document_id from dim_source_table
    union all
    select 'dim_project', document_id from dim_project
),

-- rows claiming this document id although dim_document has no such row
missing_document as (
    select
        fact_table,
        'document_id' as key_column,
        cast(document_id as varchar) as key_value,
        count(*) as orphan_rows
    from fact_documents
    where document_id = $document_id
        and document_id not in (select document_id from document)
    group by fact_table, document_id
),

missing_department as (
    select
        'dim_document' as fact_table,
        'department_id' as key_column,
        cast(document.department_id as varchar) as key_value,
        1 as orphan_rows
    from document
    left join dim_department on dim_department.department_id = document.department_id
    where dim_department.department_id is null
),

function_codes as (
    select 'fact_income_by_function' as fact_table, code
    from fact_income_by_function
    where document_id = $document_id and code is not null
    union all
    select 'fact_expenditure_by_function', code
    from fact_expenditure_by_function
    where document_id = $document_id and code is not null
),

missing_function_subject as (
    select
        function_codes.fact_table,
        'code' as key_column,
        function_codes.code as key_value,
        count(*) as orphan_rows
    from function_codes
    cross join document
    left join dim_function_subject
        on dim_function_subject.code = function_codes.code
        and dim_function_subject.fiscal_year = document.fiscal_year
    where dim_function_subject.code is null
    group by function_codes.fact_table, function_codes.code
),

missing_economic_subject as (
    select
        'fact_economic_expenditure' as fact_table,
        'code' as key_column,
        fact.code as key_value,
        count(*) as orphan_rows
    from fact_economic_expenditure as fact
    cross join document
    left join dim_economic_subject
        on dim_economic_subject.code = fact.code
        and dim_economic_subject.fiscal_year = document.fiscal_year
    where fact.document_id = $document_id
        and fact.code is not null
        and dim_economic_subject.code is null
    group by fact.code
),

fund_sources as (
    select 'fact_income_by_function' as fact_table, fund_source
    from fact_income_by_function where document_id = $document_id
    union all
    select 'fact_three_public', fund_source
    from fact_three_public where document_id = $document_id
    union all
    select 'fact_basic_by_unit', fund_source
    from fact_basic_by_unit where document_id = $document_id
    union all
    select 'fact_project_fund', fund_source
    from fact_project_fund where document_id = $document_id
),

missing_fund_source as (
    select
        fund_sources.fact_table,
        'fund_source' as key_column,
        fund_sources.fund_source as key_value,
        count(*) as orphan_rows
    from fund_sources
    left join dim_fund_source on dim_fund_source.fund_source = fund_sources.fund_source
    where dim_fund_source.fund_source is null
    group by fund_sources.fact_table, fund_sources.fund_source
),

missing_expenditure_type as (
    select
        'fact_expenditure_by_function' as fact_table,
        'expenditure_type' as key_column,
        fact.expenditure_type as key_value,
        count(*) as orphan_rows
    from fact_expenditure_by_function as fact
    left join dim_expenditure_type
        on dim_expenditure_type.expenditure_type = fact.expenditure_type
    where fact.document_id = $document_id
        and dim_expenditure_type.expenditure_type is null
    group by fact.expenditure_type
),

missing_project as (
    select
        'fact_project_fund' as fact_table,
        'project_id' as key_column,
        cast(fact.project_id as varchar) as key_value,
        count(*) as orphan_rows
    from fact_project_fund as fact
    left join dim_project
        on dim_project.project_id = fact.project_id
        and dim_project.document_id = fact.document_id
    where fact.document_id = $document_id
        and dim_project.project_id is null
    group by fact.project_id
),

table_keys as (
    select 'fact_summary_line' as fact_table, table_key
    from fact_summary_line where document_id = $document_id
    union all
    select 'fact_income_by_function', table_key
    from fact_income_by_function where document_id = $document_id
    union all
    select 'fact_expenditure_by_function', table_key
    from fact_expenditure_by_function where document_id = $document_id
    union all
    select 'fact_economic_expenditure', table_key
    from fact_economic_expenditure where document_id = $document_id
    union all
    select 'fact_three_public', table_key
    from fact_three_public where document_id = $document_id
    union all
    select 'fact_basic_by_unit', table_key
    from fact_basic_by_unit where document_id = $document_id
),

missing_source_table as (
    select
        table_keys.fact_table,
        'table_key' as key_column,
        table_keys.table_key as key_value,
        count(*) as orphan_rows
    from table_keys
    left join dim_source_table
        on dim_source_table.document_id = $document_id
        and dim_source_table.table_key = table_keys.table_key
    where dim_source_table.table_key is null
    group by table_keys.fact_table, table_keys.table_key
),

orphans as (
    select * from missing_document
    union all
    select * from missing_department
    union all
    select * from missing_function_subject
    union all
    select * from missing_economic_subject
    union all
    select * from missing_fund_source
    union all
    select * from missing_expenditure_type
    union all
    select * from missing_project
    union all
    select * from missing_source_table
)

select
    fact_table,
    key_column,
    key_value,
    orphan_rows
from orphans
order by fact_table, key_column, key_value
