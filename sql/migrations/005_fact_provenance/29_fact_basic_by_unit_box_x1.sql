-- the right border of the amount's cell, as box_x0; NULL before provenance
alter table fact_basic_by_unit add column if not exists box_x1 decimal(8, 2)
