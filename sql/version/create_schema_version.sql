-- one row per upgrade of this warehouse: the schema version reached and the views created
create table if not exists schema_version (
    version integer not null,
    views_sha256 varchar not null,
    upgraded_at timestamp not null
)
