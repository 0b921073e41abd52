-- a 说明 finding names its topic in column_name
update fact_dq_finding
set column_name = three_public_topic(column_name)
where check_name = 'narrative_consistency'
