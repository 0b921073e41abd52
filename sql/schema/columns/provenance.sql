-- where the amount is printed: the 1-based page of the source PDF and its cell's borders in
-- PDF points of the page as shown (the /Rotate applied, as pdfplumber measures: x from the
-- left edge, top/bottom down from the top); NULL on rows loaded before provenance
-- (schema version 5; reload the PDF to fill it)
    source_page integer,
    box_x0 decimal(8, 2),
    box_top decimal(8, 2),
    box_x1 decimal(8, 2),
    box_bottom decimal(8, 2)
