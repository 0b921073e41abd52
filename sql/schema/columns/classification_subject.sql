-- a subject (科目) of a budget classification in one fiscal year: its code, its name that
-- year and its place in the hierarchy (names and codes change between years)
    code varchar not null,
    fiscal_year integer not null,
    name varchar not null,
    level integer,
    parent_code varchar,
    primary key (code, fiscal_year)
