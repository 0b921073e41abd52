-- the department name as the document prints it (dim_department holds the canonical name)
alter table dim_document add column printed_department varchar
