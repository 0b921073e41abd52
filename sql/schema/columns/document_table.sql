-- the printed table of a loaded document a row was read from: dim_source_table's key
    document_id integer not null,
    table_key varchar not null
