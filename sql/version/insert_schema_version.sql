insert into schema_version (version, views_sha256, upgraded_at)
values ($version, $views_sha256, $upgraded_at)
