-- one document's stored check results (fact_dq_check): what a partition's checks said last
select check_name, severity, passed, detail, sha256, checked_at
from fact_dq_check
where department = $department
    and fiscal_year = $fiscal_year
    and document_kind = $document_kind
    and stage = $stage
order by check_name
