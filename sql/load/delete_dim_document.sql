delete from dim_document
where document_id = $document_id
