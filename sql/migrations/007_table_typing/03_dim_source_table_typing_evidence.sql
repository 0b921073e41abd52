-- what typed the table: its title, header, row codes, totals
alter table dim_source_table add column typing_evidence varchar
