-- one row per loaded document (department × fiscal year × kind × stage): its data-quality
-- checks at a glance. health is ERROR when any check found an error, WARN when the checks
-- found only warnings (rounding tails, figures the parser could not verify), else OK; the
-- worst finding is the first error (a structural one, then the largest difference), else
-- the first warning, so "which documents need a look, and why" is one query
create or replace view v_document_health as
with ranked as (
    select
        *,
        table_key || ' ' || row_label || ' ' || column_name || ': expected '
        || expected_text || ', actual ' || actual_text || coalesce(' ' || unit, '')
        || coalesce(
            ' (difference '
            || regexp_replace(difference::varchar, '(\.\d{2}\d*?)0+$', '\1') || ')', ''
        ) as finding,
        row_number() over (
            partition by department, fiscal_year, document_kind, stage
            order by
                severity = 'ERROR' desc,
                difference is null desc,
                abs(difference) desc,
                check_name,
                finding_index
        ) as rank
    from fact_dq_finding
),
findings as (
    select
        department,
        fiscal_year,
        document_kind,
        stage,
        count(*) filter (where severity = 'ERROR') as errors,
        count(*) filter (where severity = 'WARN') as warnings
    from fact_dq_finding
    group by all
)
select
    checks.department,
    checks.fiscal_year,
    checks.document_kind,
    checks.stage,
    case
        when bool_or(checks.severity = 'ERROR') then 'ERROR'
        when bool_or(checks.severity = 'WARN') then 'WARN'
        else 'OK'
    end as health,
    count(*) as checks,
    count(*) filter (where checks.passed) as checks_passed,
    count(*) filter (where checks.severity = 'WARN') as checks_warn,
    count(*) filter (where checks.severity = 'ERROR') as checks_error,
    coalesce(any_value(findings.errors), 0) as errors,
    coalesce(any_value(findings.warnings), 0) as warnings,
    string_agg(checks.check_name, ', ' order by checks.check_name)
        filter (where checks.severity = 'ERROR') as error_checks,
    string_agg(checks.check_name, ', ' order by checks.check_name)
        filter (where checks.severity = 'WARN') as warn_checks,
    any_value(worst.check_name) as worst_check,
    any_value(worst.severity) as worst_severity,
    any_value(worst.finding) as worst_finding,
    any_value(checks.sha256) as sha256,
    max(checks.checked_at) as checked_at
from fact_dq_check as checks
left join findings using (department, fiscal_year, document_kind, stage)
left join ranked as worst
    on worst.rank = 1
    and worst.department = checks.department
    and worst.fiscal_year = checks.fiscal_year
    and worst.document_kind = checks.document_kind
    and worst.stage = checks.stage
group by checks.department, checks.fiscal_year, checks.document_kind, checks.stage
order by checks.fiscal_year, checks.department, checks.document_kind, checks.stage
