-- the latest data-quality check results, one row per document × check
create or replace view dq_check_result as
with checks as (
    select
        department,
        fiscal_year,
        document_kind,
        check_name,
        severity,
        passed,
        detail
    from fact_dq_check
)

select
    department,
    fiscal_year,
    check_name,
    severity,
    passed,
    detail,
    document_kind
from checks
order by department, fiscal_year, document_kind, check_name
