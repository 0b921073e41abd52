-- dim_document with text_source: where each document's text was read, its PDF's text layer
-- or OCR of a scan's images (pipelines/extraction/ocr.py). Rebuilt (02-04) rather than
-- altered, so its constraints stand in the order of a new warehouse's (sql/schema/).
create table dim_document_by_text_source (
    {{ schema/columns/dim_document }}
)
