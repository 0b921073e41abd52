delete from fact_project_fund
where document_id = $document_id
