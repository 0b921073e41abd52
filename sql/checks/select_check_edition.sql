-- the edition a stored check row judged (sha256) and when it was loaded: its findings, judged
-- again, keep them
select
    sha256,
    loaded_at
from fact_dq_check
where department = $department
    and fiscal_year = $fiscal_year
    and document_kind = $document_kind
    and stage = $stage
    and check_name = $check_name
