-- one row per finding of a data-quality check on a document (department × fiscal year × kind
-- × stage): a row that broke the check's rule, with the figures compared exact (DECIMAL, in
-- `unit`; NULL for a structural finding, whose expected_text / actual_text say what is
-- missing) and the page printing the row; replaced with the document's check rows
create table if not exists fact_dq_finding (
    department varchar not null,
    fiscal_year integer not null,
    document_kind varchar not null,
    stage varchar not null,
    check_name varchar not null,
    finding_index integer not null,
    severity varchar not null check (severity in ('ERROR', 'WARN')),
    finding_kind varchar not null check (
        finding_kind in ('mismatch', 'rounding', 'unverified', 'structure')
    ),
    table_key varchar not null,
    row_label varchar not null,
    column_name varchar not null,
    rule varchar not null,
    expected decimal(38, 10),
    actual decimal(38, 10),
    difference decimal(38, 10),
    tolerance decimal(38, 10),
    expected_text varchar not null,
    actual_text varchar not null,
    tolerance_text varchar,
    unit varchar,
    page integer,
    sha256 varchar,
    checked_at timestamp not null,
    loaded_at timestamp,
    primary key (department, fiscal_year, document_kind, stage, check_name, finding_index)
)
