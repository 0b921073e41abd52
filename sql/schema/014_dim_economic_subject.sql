-- one row per 经济分类科目 code and fiscal year (3 digits = 类, 5 digits = 款)
create table if not exists dim_economic_subject (
    {{ schema/columns/classification_subject }}
)
