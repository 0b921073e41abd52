-- one row per 功能分类科目 code and fiscal year (names change between years)
create table if not exists dim_function_subject (
    {{ schema/columns/classification_subject }}
)
