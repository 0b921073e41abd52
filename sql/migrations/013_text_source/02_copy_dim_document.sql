-- every document keeps its row and document_id (the facts refer to it), column by column
-- by name; one loaded before text_source was read from its text layer (the column's default)
insert into dim_document_by_text_source by name
select *
from dim_document
