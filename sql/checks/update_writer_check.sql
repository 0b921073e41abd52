-- a loaded document's stored writer-check result ($check_name: year_over_year,
-- final_vs_budget), judged again now that the document it is set against is loaded: the row
-- keeps the edition (sha256, loaded_at) it judges
update fact_dq_check
set severity = $severity, passed = $passed, detail = $detail, checked_at = $checked_at
where department = $department
    and fiscal_year = $fiscal_year
    and document_kind = $document_kind
    and stage = $stage
    and check_name = $check_name
