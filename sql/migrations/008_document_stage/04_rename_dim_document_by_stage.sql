alter table dim_document_by_stage rename to dim_document
