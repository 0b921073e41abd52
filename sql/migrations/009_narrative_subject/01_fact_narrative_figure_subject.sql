-- what a statement about one of several things is about (a 项, a share's part)
alter table fact_narrative_figure add column subject varchar
