delete from fact_income_by_function
where document_id = $document_id
