-- how many documents a warehouse (or a backup of one) holds, for the backup/restore line
select count(*) as documents from dim_document
