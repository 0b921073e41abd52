-- the bottom border of the amount's cell, as box_top; NULL before provenance
alter table fact_basic_by_unit add column if not exists box_bottom decimal(8, 2)
