-- check rows are keyed like their document: department × fiscal year × kind × stage (every
-- row so far judged a budget)
alter table fact_dq_check add column stage varchar not null default 'budget'
