insert into dim_document (
    document_id, department_id, fiscal_year, source_file, sha256, page_count, unit, format,
    loaded_at, document_kind, printed_department, stage, text_source
)
values (
    nextval('seq_document_id'), $department_id, $fiscal_year, $source_file, $sha256,
    $page_count, $unit, $format, $loaded_at, $document_kind, $printed_department, $stage,
    $text_source
)
returning document_id
