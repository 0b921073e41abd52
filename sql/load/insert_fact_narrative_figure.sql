insert into fact_narrative_figure (
    document_id, figure_index, topic, figure, unit, page, sentence
)
select
    document_id,
    figure_index,
    topic,
    cast(figure as decimal(20, 4)) as figure,
    unit,
    cast(page as integer) as page,
    sentence
from frame
