"""The one reader of budget-doc/1 (`BudgetDoc`) and the concepts decided once beside it:
total row, project row, a document's amount, the standard tables' titles, a file's sha256."""

import copy
import hashlib
import json
from decimal import Decimal

import pytest

from pipelines.budget_doc import PROJECTS, BudgetDocError, doc_amount, is_total_label
from pipelines.doc_reader import BudgetDoc, Row
from pipelines.extraction.document import extract_document
from pipelines.extraction.titles import TABLE_TITLES, table_key_for_title
from pipelines.file_hash import file_sha256
from pipelines.warehouse.vocabulary import vocabulary
from tests.inputs import SAMPLES, extracted

HRSS = SAMPLES / "gz_hrss_data_center_2023"


@pytest.fixture(scope="module")
def hrss() -> dict:
    return json.loads(HRSS.with_suffix(".json").read_text(encoding="utf-8"))


def test_reads_fields_sides_rows_and_notes_as_printed(hrss):
    doc = BudgetDoc.of(hrss)
    assert (doc.department, doc.fiscal_year, doc.unit) == (
        "广州市人力资源和社会保障数据服务中心",
        2023,
        "万元",
    )
    assert (doc.layout, doc.document_kind) == ("guangzhou", "department")
    t01 = doc.table("t01_summary")
    assert [(i.item, i.amount) for i in t01.side("income")[:2]] == [
        ("一、预算拨款", "13004.92"),
        ("二、财政专户拨款", "0.00"),
    ]
    assert (t01.side("expenditure")[-1].item, t01.side("expenditure")[-1].amount) == (
        "支出总计",
        "13004.92",
    )
    assert t01.side("expenditure_by_use") == () and not t01.has_rows
    t05 = doc.table("t05_gpb_function")
    assert t05.rows[1] == Row(("12203.40", "2585.69", "9617.71"), "208", "社会保障和就业支出")
    assert (t05.rows[0].title, t05.rows[0].is_total) == ("合计", True)
    assert (t05.rows[1].title, t05.rows[1].is_total) == ("208 社会保障和就业支出", False)
    t08 = doc.table("t08_gov_fund")
    assert (t08.note, t08.columns, t08.prints_amounts()) == (
        "本表本年无发生额。",
        ("小计", "基本支出", "项目支出"),
        True,
    )
    assert doc.table("t99") is None and doc.rows("t99") == ()
    assert doc.unit_of(t05) == "万元"


def test_reads_the_extensions_of_an_extracted_document():
    extraction = extracted(HRSS.with_suffix(".pdf"))
    doc = BudgetDoc.of(extraction.doc)
    assert doc.table_pages == {k: tuple(v) for k, v in extraction.table_pages.items()}
    assert doc.narrative_figures and doc.narrative_figures[0].topic == "income_total"
    assert doc.narrative_figures[0].figure == "13004.92"
    # “三公”经费 32.80 (合计) on p.13, as the samples' warehouse snapshot stores its box
    assert doc.table("t07_three_public").rows[1].values[0] == "32.80"
    assert doc.cell_box("tables", "t07_three_public", 1, 0) == (13, 351.58, 136.97, 464.98, 153.17)
    assert doc.cell_box("tables", "t99", 1, 0) is None
    assert (
        BudgetDoc.of(json.loads(HRSS.with_suffix(".json").read_text())).cell_box(
            "tables", "t07_three_public", 1, 0
        )
        is None
    )  # a truth file holds no boxes


def test_a_malformed_cell_box_is_refused():
    doc = BudgetDoc.of({"cell_boxes": {"tables": {"t07_three_public": [[[0, 1, 2, 3, 4]]]}}})
    with pytest.raises(BudgetDocError, match=r"cell box \[0, 1, 2, 3, 4\] is not"):
        doc.cell_box("tables", "t07_three_public", 0, 0)


def test_an_empty_document_reads_as_nothing_printed():
    doc = BudgetDoc.of({"format": "budget-doc/1"})
    assert (doc.tables, doc.extra_tables, doc.narrative_figures) == ({}, (), ())
    assert (doc.unit, doc.main_unit) == (None, "万元")
    assert BudgetDoc.of(doc) is doc


def test_total_label_rule():
    for label in (
        "合计",
        "总计",
        "小计",
        "本年收入合计",
        "支出总计",
        "当年收入小计",
        "当年支出小计",
        "一般公共预算资金/小计",  # an extra table's label cells, joined
        "合计/式",
    ):
        assert is_total_label(label), label
    for label in (
        "",
        None,
        "合计数说明",
        "其中:小计项目",
        "社会保障和就业支出",
        "302/商品和服务支出",
    ):
        assert not is_total_label(label), label
    assert not Row(("1.00",), code="208", name="合计").is_total  # a code is a subject


def test_project_rule_on_every_sample(hrss):
    """One rule: a t12 row is the total, a budget unit's row (the department, or a t11
    unit), or a project. On the samples exactly the rows with a performance goal are
    projects (the goal rule the loader used before the rule was shared)."""
    for truth in sorted(SAMPLES.glob("*.json")):
        doc = BudgetDoc.of(json.loads(truth.read_text(encoding="utf-8")))
        for row in doc.rows(PROJECTS):
            goal_rule = "project" if row.performance_goal else ("total" if row.is_total else "unit")
            assert doc.t12_row_kind(row) == goal_rule, (truth.name, row.name)
    doc = BudgetDoc.of(hrss)
    assert [r.name for r in doc.project_rows()][:2] == [
        "广州市人力资源和社会保障信息中心2021年运维项目",
        "GZIT2021-QM-N-B-028044",
    ]


def test_a_project_without_a_goal_is_still_a_project(hrss):
    blank = copy.deepcopy(hrss)
    blank["tables"][PROJECTS]["rows"][2]["performance_goal"] = None
    doc = BudgetDoc.of(blank)
    assert doc.t12_row_kind(doc.rows(PROJECTS)[2]) == "project"
    assert len(doc.project_rows()) == len(BudgetDoc.of(hrss).project_rows())


def test_doc_amount_reads_exactly_and_refuses_the_rest():
    assert doc_amount("13004.92") == Decimal("13004.92")
    assert doc_amount("-0.50") == Decimal("-0.50")
    for bad, reason in (
        (13004.92, "is not a string"),
        ("1,234.00", "not an amount"),
        ("1.005", "not a two-decimal amount"),
        ("NaN", "not a two-decimal amount"),
    ):
        with pytest.raises(BudgetDocError, match=reason):
            doc_amount(bad)


def test_table_titles_are_the_guangzhou_spellings():
    assert set(TABLE_TITLES) == {line["table_key"] for line in vocabulary()}
    assert TABLE_TITLES["t05_gpb_function"] == "一般公共预算支出情况表"
    assert all(table_key_for_title(title) == key for key, title in TABLE_TITLES.items())


def test_one_sha256_for_documents_inbox_and_rejects(tmp_path):
    pdf = HRSS.with_suffix(".pdf")
    expected = hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert file_sha256(pdf) == expected == extract_document(pdf).sha256
    with pytest.raises(OSError):
        file_sha256(tmp_path / "missing.pdf")
