-- one row per printed line of 收支总体情况表 (t01) / 财政拨款收支总体情况表 (t04), by side
-- (expenditure_by_use: Jiangsu's third pair, 基本支出 / 项目支出 … beside the functional one)
create table if not exists fact_summary_line (
    document_id integer not null,
    table_key varchar not null,
    side varchar not null check (side in ('income', 'expenditure', 'expenditure_by_use')),
    line_index integer not null,
    item varchar not null,
    is_total boolean not null,
    printed_amount decimal(18, 2) not null,
    unit varchar not null,
    amount_yuan decimal(22, 2) not null
)
