-- the warehouse's current schema version and views fingerprint (its latest upgrade)
select
    version,
    views_sha256
from schema_version
order by upgraded_at desc, version desc
limit 1
