-- the new file a rewrite copies the warehouse into, written in $storage_version
attach $path as storage_rewrite (storage_version $storage_version)
