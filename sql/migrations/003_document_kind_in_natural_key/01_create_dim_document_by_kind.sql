-- dim_document again, its natural key now department × fiscal year × kind: a body's
-- department budget (部门预算) and its own unit budget (单位预算) of one year are two
-- documents. DuckDB cannot drop a unique constraint, so the table is rebuilt (02-04).
create table dim_document_by_kind (
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
    unique (department_id, fiscal_year, document_kind)
)
