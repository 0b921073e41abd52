-- the values of one key column of one document's rows that name no dimension row: one row
-- per missing value with the number of rows naming it (an empty result: every key
-- resolves). A template: pipelines/quality/referential_integrity.py fills each quoted
-- placeholder from its fixed list of references; the scope is a column the dimension row
-- must also share (the document's fiscal year, the fact's own document, or the key itself)
select
    '{fact}' as fact_table,
    '{key}' as key_column,
    cast(fact."{key}" as varchar) as key_value,
    count(*) as orphan_rows
from "{fact}" as fact
left join dim_document as document on document.document_id = fact.document_id
left join "{dimension}" as dimension
    on dimension."{dimension_key}" = fact."{key}"
    and dimension."{scope}" = "{scope_owner}"."{scope}"
where fact.document_id = $document_id
    and fact."{key}" is not null
    and dimension."{dimension_key}" is null
group by fact."{key}"
