-- the column headers of the tables whose columns the vocabulary files under dim_fund_source;
-- a name already known keeps its row as it is (updated to itself, so the statement counts
-- every name the document uses)
insert into dim_fund_source by name
select * rename (header as fund_source) from filed_column_headers('dim_fund_source')
on conflict do update set is_total = dim_fund_source.is_total
