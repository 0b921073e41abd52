-- every finding of the latest data-quality checks, one row per offending row of a document
-- (department × year × kind × stage) × check, in the check's order: what broke, the figures
-- compared (exact) and by how much, and the page printing the row
create or replace view dq_finding as
select
    department,
    fiscal_year,
    document_kind,
    stage,
    check_name,
    finding_index,
    severity,
    finding_kind,
    table_key,
    row_label,
    column_name,
    rule,
    expected,
    actual,
    difference,
    tolerance,
    unit,
    page,
    expected_text,
    actual_text,
    tolerance_text,
    sha256,
    loaded_at
from fact_dq_finding
order by department, fiscal_year, document_kind, stage, check_name, finding_index
