"""The charts in each document's preview: its function split and 三公 trend as text bars."""

import copy
from decimal import Decimal

import pytest

from assets.charts import bar, document_charts
from pipelines.warehouse.connection import connect
from pipelines.warehouse.load import load_document
from tests.warehouse_helpers import SAMPLES, leaf_columns, make_extraction, read_doc

SAMPLE_DOCS = [read_doc(p) for p in sorted(SAMPLES.glob("*.json"))]
SEED_DEPARTMENT = "广州市人力资源和社会保障数据服务中心"


# --- charts in each document's preview -----------------------------------------------------


@pytest.mark.parametrize(
    ("value", "largest", "drawn"),
    [("10", "10", "█" * 20), ("5", "10", "█" * 10), ("1", "16", "█▎"), ("0", "10", "")],
)
def test_a_bar_is_twenty_cells_at_most_in_eighths(value, largest, drawn):
    assert bar(Decimal(value), Decimal(largest)) == drawn


def _class_totals(doc: dict) -> dict[str, tuple[str, Decimal]]:
    """Level-1 code -> (name, 万元 over the leaf columns) of the document's t03."""
    table = doc["tables"]["t03_expenditure"]
    leaves = leaf_columns(table["columns"])
    return {
        row["code"]: (row["name"], sum(Decimal(row["values"][i]) for i, _ in leaves))
        for row in table["rows"]
        if row.get("code") and len(row["code"]) == 3
    }


def test_each_document_preview_charts_its_function_split_and_three_public_trend(tmp_path):
    seed = next(d for d in SAMPLE_DOCS if d["department"] == SEED_DEPARTMENT)
    next_year = copy.deepcopy(seed) | {"fiscal_year": seed["fiscal_year"] + 1}
    path = tmp_path / "w.duckdb"
    con = connect(path)
    try:
        for i, doc in enumerate([seed, next_year]):
            load_document(con, make_extraction(doc, name=f"{i}.pdf"))
        charts = document_charts(con, SEED_DEPARTMENT, 2023, "department", "budget")
    finally:
        con.close()
    split = charts["function_split"].value.splitlines()
    classes = _class_totals(seed)  # the seed's t03 is in 万元
    assert split[:2] == ["| 类 | 名称 | 万元 | 占比 |", "|---|---|---:|---|"]
    assert len(split) == 2 + len(classes)
    total = sum(amount for _, amount in classes.values())
    for line in split[2:]:
        code, name, wan, drawn = (cell.strip() for cell in line.strip("|").split("|"))
        assert (name, Decimal(wan.replace(",", ""))) == classes[code]
        assert drawn.endswith(f"{classes[code][1] / total * 100:.1f}%")
    # 三公: the “三公”经费 row's 合计, 32.80 万元, printed both years; this year bold
    assert charts["three_public_trend"].value.splitlines()[2:] == [
        f"| **2023** | 32.80 | `{'█' * 20}` |",
        f"| 2024 | 32.80 | `{'█' * 20}` |",
    ]
