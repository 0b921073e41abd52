-- one row per printed line of 收支总体情况表 (t01) / 财政拨款收支总体情况表 (t04), by side
-- (expenditure_by_use: Jiangsu's third pair, 基本支出 / 项目支出 … beside the functional one)
create table if not exists fact_summary_line (
    {{ schema/columns/document_table }},
    side varchar not null check (side in ('income', 'expenditure', 'expenditure_by_use')),
    line_index integer not null,
    item varchar not null,
    is_total boolean not null,
    {{ schema/columns/printed_amount }},
    {{ schema/columns/provenance }}
)
