-- one row per loaded document: department × fiscal year × kind × stage (the current edition
-- only); a body's department budget (部门预算), its own unit budget (单位预算) and the final
-- accounts (决算) of each for one year are separate documents
create table if not exists dim_document (
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
