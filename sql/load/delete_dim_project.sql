delete from dim_project
where document_id = $document_id
