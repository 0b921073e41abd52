-- the 1-based page of the source PDF the amount is printed on; NULL on rows loaded
-- before provenance (reload the PDF to fill it)
alter table fact_project_fund add column if not exists source_page integer
