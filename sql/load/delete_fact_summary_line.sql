delete from fact_summary_line
where document_id = $document_id
