"""The seed budget and the same tables published as its final accounts (决算), for the tests
of a document's stage."""

import copy
from decimal import Decimal

from pipelines.budget_doc import FINAL_STAGE
from tests.warehouse_helpers import SAMPLES, read_doc

SEED = SAMPLES / "gz_hrss_data_center_2023.json"
GZ = "广州市人力资源和社会保障数据服务中心"
FINAL_KEY = f"2023|{GZ}|部门决算"
# What the final accounts print otherwise than the budget, in 万元 (t01's grand totals and
# the 三公 total move by as much; the subject tables stay as budgeted).
FINAL_EXTRA = Decimal("400.00")
THREE_PUBLIC_EXTRA = Decimal("2.50")


def _moved(text: str, by: Decimal) -> str:
    return str(Decimal(text) + by)


def budget(fiscal_year: int = 2023) -> dict:
    """The seed's truth as the budget of `fiscal_year`, with one extra table (for
    v_other_table)."""
    doc = copy.deepcopy(read_doc(SEED))
    doc["fiscal_year"] = fiscal_year
    doc["extra_tables"] = [
        {
            "title": "机关运行经费预算表",
            "columns": ["金额"],
            "rows": [{"label": "合计", "values": ["1.00"]}],
        }
    ]
    return doc


def final_accounts(fiscal_year: int = 2023, extra: Decimal = FINAL_EXTRA) -> dict:
    """The same tables published as final accounts: `stage` final, t01's income and spending
    `extra` 万元 over the budget (收入总计 and 一、预算拨款, 支出总计 and its first line) and
    the “三公” total THREE_PUBLIC_EXTRA over it (合计 and 一般公共预算)."""
    doc = budget(fiscal_year)
    doc["stage"] = FINAL_STAGE
    summary = doc["tables"]["t01_summary"]
    for side, total in (("income", "收入总计"), ("expenditure", "支出总计")):
        lines = summary[side]
        for line in (lines[0], next(line for line in lines if line["item"] == total)):
            line["amount"] = _moved(line["amount"], extra)
    three_public = doc["tables"]["t07_three_public"]
    row = next(row for row in three_public["rows"] if row["item"] == "“三公”经费")
    row["values"][:2] = [_moved(v, THREE_PUBLIC_EXTRA) for v in row["values"][:2]]
    doc["extra_tables"][0]["rows"][0]["values"] = ["2.00"]
    return doc
