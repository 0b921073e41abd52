-- one row per figure the narrative states, with its page and sentence
insert into fact_narrative_figure by name
select
    $document_id as document_id,
    *
from stg_narrative_figures
