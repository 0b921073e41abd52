-- Whether the document a write just failed on was committed after all (a disk filling up can
-- fail the statement after the commit): its bytes, stamped with this write's loaded_at.
select count(*) > 0 from dim_document where sha256 = $sha256 and loaded_at = $loaded_at
