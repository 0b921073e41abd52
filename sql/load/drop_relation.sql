-- a temp table of pipelines.warehouse.relations, dropped once the statements reading it
-- have run; {relation} is one of the writer's fixed relation names, never input
drop table if exists "{relation}"
