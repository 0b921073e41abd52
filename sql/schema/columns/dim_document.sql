-- dim_document's columns and natural key (sql/schema/011_dim_document.sql, and the table
-- sql/migrations/013_text_source rebuilds)
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
    text_source varchar not null default 'text layer',
    unique (department_id, fiscal_year, document_kind, stage)
