-- the latest data-quality check results, one row per document (department × year × kind ×
-- stage) × check, with the edition checked (sha256) and when that edition was loaded
-- (loaded_at)
create or replace view dq_check_result as
select
    department,
    fiscal_year,
    check_name,
    severity,
    passed,
    detail,
    document_kind,
    stage,
    sha256,
    loaded_at
from fact_dq_check
order by department, fiscal_year, document_kind, stage, check_name
