-- the columns of a staged cell every fact row keeps: its amount as printed (with the unit)
-- and in 元, and where it is printed (page and cell box)
create or replace temp macro printed_amount_columns() as
'^(printed_amount|unit|amount_yuan|source_page|box_.+)$'
