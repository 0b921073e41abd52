-- one row per loaded document: department × fiscal year × kind × stage (the current edition
-- only); a body's department budget (部门预算), its own unit budget (单位预算) and the final
-- accounts (决算) of each for one year are separate documents; text_source: 'text layer' or
-- 'ocr' (a scan, read from its images)
create table if not exists dim_document (
    {{ schema/columns/dim_document }}
)
