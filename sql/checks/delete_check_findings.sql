-- the findings of one stored check of a document, replaced when it is judged again
delete from fact_dq_finding
where department = $department
    and fiscal_year = $fiscal_year
    and document_kind = $document_kind
    and stage = $stage
    and check_name = $check_name
