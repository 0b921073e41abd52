delete from dim_source_table
where document_id = $document_id
