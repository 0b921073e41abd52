-- a cell of a row × column table: whether its row and its column are totals of others,
-- its amount and where it is printed
    is_total_row boolean not null,
    is_total_column boolean not null,
    {{ schema/columns/printed_amount }},
    {{ schema/columns/provenance }}
