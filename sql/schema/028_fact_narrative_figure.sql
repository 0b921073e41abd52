-- one row per figure the narrative (说明) states: budget-doc/1 narrative_figures
-- (topic: income_total, three_public_total, income_total_change, gp_appropriation_budget,
-- item_actual, share …; unit: 元, 万元, % or sign); subject: what a statement about one of
-- several things is about (a 项's 类/款/项 names, a share's part), code: that 项's function code
create table if not exists fact_narrative_figure (
    document_id integer not null,
    figure_index integer not null,
    topic varchar not null,
    figure decimal(20, 4) not null,
    unit varchar not null,
    page integer,
    sentence varchar not null,
    subject varchar,
    code varchar
)
