-- one document's findings, replaced with its check rows
delete from fact_dq_finding
where department = $department
    and fiscal_year = $fiscal_year
    and document_kind = $document_kind
    and stage = $stage
