-- one row per table of a document (standard t01…t12, or extra_NN for extra_tables):
-- where it was printed, its unit and its 注 line; kind = the standard table key it stands for;
-- how it was typed: confidence (certain / probable / doubtful / untyped / generic), what
-- decided (typed_by) and the evidence seen (title, header, codes, totals)
create table if not exists dim_source_table (
    {{ schema/columns/document_table }},
    table_title varchar,
    kind varchar,
    unit varchar not null,
    pages integer[],
    note varchar,
    row_count integer not null,
    confidence varchar,
    typed_by varchar,
    typing_evidence varchar,
    primary key (document_id, table_key)
)
