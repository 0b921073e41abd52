-- the description of every warehouse column, one per column name, for each table and view
-- that has it: `中文名 — English description` from the seed data/reference/column_descriptions.csv
-- ($descriptions); the Chinese name (before ` — `) is the header `budget export` prints, the
-- whole text the Dagster column description
select
    column_name,
    chinese_name || ' — ' || description as comment
from read_csv(
    $descriptions,
    header = true,
    auto_detect = false,
    columns = {'column_name': 'varchar', 'chinese_name': 'varchar', 'description': 'varchar'}
)
