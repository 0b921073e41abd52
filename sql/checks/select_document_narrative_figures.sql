-- the figures a loaded document's narrative states, in the order it states them
select
    topic,
    figure,
    unit,
    page,
    sentence
from fact_narrative_figure
where document_id = $document_id
order by figure_index
