-- one document's stored findings, each check's in its order (what the UI shows of a check)
select * exclude (department, fiscal_year, document_kind, stage, sha256, loaded_at)
from dq_finding
where department = $department
    and fiscal_year = $fiscal_year
    and document_kind = $document_kind
    and stage = $stage
order by check_name, finding_index
