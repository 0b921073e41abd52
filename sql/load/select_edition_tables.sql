-- how many printed tables a loaded edition read: a new edition reading fewer does not
-- replace it
select count(*)
from dim_source_table
where document_id = $document_id
