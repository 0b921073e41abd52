-- department budget (部门预算) or unit budget (单位预算); every earlier document is a department's
alter table dim_document add column document_kind varchar not null default 'department'
