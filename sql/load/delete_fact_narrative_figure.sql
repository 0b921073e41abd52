delete from fact_narrative_figure
where document_id = $document_id
