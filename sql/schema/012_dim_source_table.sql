-- one row per table of a document: where it was printed, its unit and its 注 line
create table if not exists dim_source_table (
    document_id integer not null,
    table_key varchar not null,
    table_title varchar,
    unit varchar not null,
    pages integer[],
    note varchar,
    row_count integer not null,
    primary key (document_id, table_key)
)
