-- check rows are keyed like their document: department × fiscal year × kind
alter table fact_dq_check add column document_kind varchar not null default 'department'
