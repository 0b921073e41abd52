-- one row per non-null cell of a document's extra (non-standard) tables
create table if not exists fact_generic_cell (
    document_id integer not null,
    table_index integer not null,
    table_title varchar not null,
    row_index integer not null,
    row_label varchar,
    column_index integer not null,
    column_name varchar not null,
    is_total_row boolean not null,
    is_total_column boolean not null,
    printed_value varchar not null,
    printed_amount decimal(18, 2),
    unit varchar,
    amount_yuan decimal(22, 2),
    {{ schema/columns/provenance }}
)
