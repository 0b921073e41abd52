-- a printed table of a loaded document: dim_source_table's key, and in a fact the table
-- the row was read from
    document_id integer not null,
    table_key varchar not null
