delete from fact_basic_by_unit
where document_id = $document_id
