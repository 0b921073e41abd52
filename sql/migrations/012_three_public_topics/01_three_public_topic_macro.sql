-- an old 说明 topic name (three_public_abroad_change …) as the 三公 category it states
-- (pipelines/three_public.py: outbound_change …); any other name unchanged
create or replace temp macro three_public_topic(name) as case
    when regexp_matches(name, '^three_public_abroad(_change(_pct)?)?$')
        then regexp_replace(name, '^three_public_abroad', 'outbound')
    when regexp_matches(name, '^three_public_vehicle(_change(_pct)?)?$')
        then regexp_replace(name, '^three_public_vehicle', 'vehicle_total')
    when regexp_matches(name, '^three_public_(vehicle_purchase|vehicle_operation|reception)')
        then regexp_replace(name, '^three_public_', '')
    when regexp_matches(name, '^admin_operation(_change(_pct)?)?$')
        then regexp_replace(name, '^admin_operation', 'admin_operating')
    else name
end
