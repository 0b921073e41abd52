-- the left border of the amount's cell: PDF points from the left edge of the page as
-- shown (the /Rotate applied), as pdfplumber measures; NULL before provenance
alter table fact_project_fund add column if not exists box_x0 decimal(8, 2)
