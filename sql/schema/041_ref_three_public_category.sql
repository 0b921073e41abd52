-- one row per 三公 item pattern (data/reference/three_public_categories.csv): an item
-- containing `pattern` gets `category`, the lowest `position` winning
create table if not exists ref_three_public_category (
    position integer primary key,
    pattern varchar not null,
    category varchar not null
)
