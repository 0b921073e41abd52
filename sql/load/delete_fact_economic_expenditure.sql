delete from fact_economic_expenditure
where document_id = $document_id
