delete from fact_generic_cell
where document_id = $document_id
