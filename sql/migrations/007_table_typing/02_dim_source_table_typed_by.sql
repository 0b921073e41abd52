-- what decided the table type (title and content agree, content alone, totals tie …)
alter table dim_source_table add column typed_by varchar
