delete from fact_three_public
where document_id = $document_id
