-- the 说明's 三公 topics take the names of the warehouse's 三公 categories
update fact_narrative_figure
set topic = three_public_topic(topic)
