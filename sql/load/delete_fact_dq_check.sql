delete from fact_dq_check
where department = $department
    and fiscal_year = $fiscal_year
    and document_kind = $document_kind
    and stage = $stage
