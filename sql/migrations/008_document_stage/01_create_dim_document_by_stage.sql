-- dim_document again, its natural key now department × fiscal year × kind × stage: a body's
-- budget (预算) and its final accounts (决算) of one year are two documents. DuckDB cannot
-- drop a unique constraint, so the table is rebuilt (02-04); every loaded document is a
-- budget.
create table dim_document_by_stage (
    document_id integer primary key,
    department_id integer not null,
    fiscal_year integer not null,
    source_file varchar not null,
    sha256 varchar not null,
    page_count integer,
    unit varchar not null,
    format varchar not null,
    loaded_at timestamp not null,
    document_kind varchar not null default 'department',
    printed_department varchar,
    stage varchar not null default 'budget',
    unique (department_id, fiscal_year, document_kind, stage)
)
