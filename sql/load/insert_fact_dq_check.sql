insert into fact_dq_check (
    department, fiscal_year, sha256, check_name, severity, passed, detail, checked_at,
    document_kind, loaded_at, stage
)
select
    department,
    fiscal_year,
    sha256,
    check_name,
    severity,
    passed,
    detail,
    cast(checked_at as timestamp) as checked_at,
    document_kind,
    cast(loaded_at as timestamp) as loaded_at,
    stage
from frame
