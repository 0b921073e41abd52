-- one row per data-quality check and document (department × fiscal year × kind × stage),
-- latest run only; sha256 and loaded_at name the edition it judged; severity ERROR or WARN
-- for a failed check, NULL for a passed one
create table if not exists fact_dq_check (
    department varchar not null,
    fiscal_year integer not null,
    sha256 varchar,
    check_name varchar not null,
    severity varchar check (severity in ('ERROR', 'WARN')),
    passed boolean not null,
    detail varchar not null,
    checked_at timestamp not null,
    document_kind varchar not null default 'department',
    loaded_at timestamp,
    stage varchar not null default 'budget'
)
