-- one document's rows of one table; {table} is one of vocabulary.DOCUMENT_TABLES, never input
delete from "{table}"
where document_id = $document_id
