-- the function subject code of the 项 a statement is about
alter table fact_narrative_figure add column code varchar
