-- the bottom border of the amount's cell, as box_top; NULL before provenance
alter table fact_project_fund add column if not exists box_bottom decimal(8, 2)
