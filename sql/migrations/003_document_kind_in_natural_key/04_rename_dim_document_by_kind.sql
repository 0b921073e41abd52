alter table dim_document_by_kind rename to dim_document
