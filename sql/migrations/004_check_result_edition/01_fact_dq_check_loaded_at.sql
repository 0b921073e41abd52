-- when the checked edition was loaded (dim_document.loaded_at): with sha256 it shows which
-- load a check row belongs to
alter table fact_dq_check add column loaded_at timestamp
