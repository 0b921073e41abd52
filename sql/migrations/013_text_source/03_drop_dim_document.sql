drop table dim_document
