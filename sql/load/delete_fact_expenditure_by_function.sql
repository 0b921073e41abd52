delete from fact_expenditure_by_function
where document_id = $document_id
