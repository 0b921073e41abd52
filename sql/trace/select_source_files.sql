-- the file and edition (sha256) of each loaded document `budget trace` reads figures back from
select
    document_id,
    source_file,
    sha256
from dim_document
where list_contains($ids, document_id)
