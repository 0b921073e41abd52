-- every document keeps its row and document_id (the facts refer to it), its columns in
-- the same order; every one loaded so far was read from its text layer
insert into dim_document_by_text_source
select *, 'text layer' as text_source
from dim_document
