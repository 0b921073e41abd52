-- one row per figure the narrative (说明) states: budget-doc/1 narrative_figures
-- (topic: income_total, three_public_total, income_total_change, …; unit: 元, 万元 or %)
create table if not exists fact_narrative_figure (
    document_id integer not null,
    figure_index integer not null,
    topic varchar not null,
    figure decimal(20, 4) not null,
    unit varchar not null,
    page integer,
    sentence varchar not null
)
