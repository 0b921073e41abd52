-- one row per loaded document: department × fiscal year (the current edition only)
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
    unique (department_id, fiscal_year)
)
