-- the top border of the amount's cell: PDF points down from the top of the page as
-- shown; NULL before provenance
alter table fact_summary_line add column if not exists box_top decimal(8, 2)
