"""Findings as data: each offending row a check reports keeps its figures exact and the page
of the PDF printing it (pipelines.quality.pages), so the warehouse can hold it as a row.

The broken fixture is broken where its truth file says (tests/fixtures/broken_hierarchy.json:
t03 201 一般公共服务支出 printed 10.00 over its 款, on p7); the real 司法局 2026 unit budget
prints 2040601 行政运行's 项目支出 as the whole 项目支出 total (tests/test_real_layouts.py,
PUBLISHED_ERRORS), read here off pages 11 and 14.
"""

import re
from decimal import Decimal
from pathlib import Path

import pytest

from pipelines import quality
from pipelines.extraction import extract_document
from tests.inputs import FIXTURES, REAL, SAMPLES, extracted
from tests.warehouse_helpers import ROUNDING_TAIL

JUSTICE = REAL / "sh_putuo_justice_2026_unit.pdf"


def _findings(path: Path) -> list[tuple[str, quality.Finding]]:
    outcomes = quality.run_document_checks(extracted(path).doc, path.name)
    return [(name, f) for name, outcome in outcomes.items() for f in outcome.findings]


@pytest.fixture(scope="module")
def broken() -> list[tuple[str, quality.Finding]]:
    return _findings(FIXTURES / "broken_hierarchy.pdf")


@pytest.fixture(scope="module")
def justice() -> list[tuple[str, quality.Finding]]:
    return _findings(JUSTICE)


def test_a_finding_that_compared_figures_keeps_them_exact(broken):
    """201 一般公共服务支出 prints 4273.74 (合计) where its 款 add up to 4263.74, on p7."""
    rows = [
        (name, f.table, f.row, f.column, f.expected_value, f.actual_value, f.difference, f.page)
        for name, f in broken
    ]
    assert rows == [
        ("hierarchy", "t03_expenditure", "合计", "合计",
         Decimal("4656.27"), Decimal("4646.27"), Decimal("-10.00"), 7),
        ("hierarchy", "t03_expenditure", "合计", "基本支出",
         Decimal("1617.77"), Decimal("1607.77"), Decimal("-10.00"), 7),
        ("hierarchy", "t03_expenditure", "201 一般公共服务支出", "合计",
         Decimal("4263.74"), Decimal("4273.74"), Decimal("10.00"), 7),
        ("hierarchy", "t03_expenditure", "201 一般公共服务支出", "基本支出",
         Decimal("1225.24"), Decimal("1235.24"), Decimal("10.00"), 7),
    ]  # fmt: skip
    for _, f in broken:
        assert f.difference == f.actual_value - f.expected_value
        assert (f.expected, f.actual) == (str(f.expected_value), str(f.actual_value))
        assert f.tolerance_value == Decimal("0.005") * (4 if f.row == "合计" else 1)


@pytest.mark.parametrize("sample", sorted(SAMPLES.glob("*.pdf")), ids=lambda p: p.stem)
def test_every_finding_of_the_samples_is_exact_or_structural_and_on_its_page(sample):
    """The samples' rounding tails: each with both figures, its allowance and its page."""
    for name, f in _findings(sample):
        assert f.difference is not None, (name, f)
        assert f.difference == f.actual_value - f.expected_value
        assert abs(f.difference) <= f.tolerance_value and f.severity == quality.WARN
        assert f.tolerance.endswith(f" = {quality.outcome.plain(f.tolerance_value)}")
        assert isinstance(f.page, int), (name, f)


@pytest.mark.real
def test_the_justice_bureaus_published_errors_name_their_pages(justice):
    """p11 (支出预算总表, t03) and p14 (一般公共预算支出功能分类预算表, t05) print
    `204 06 01 行政运行 14,348,853.34 14,348,853.34 64,840,547.00`: 合计 misses
    基本支出 + 项目支出 = 79,189,400.34; and 204 06 司法's 项目支出 64,840,547.00 is not the
    sum of its 项 (64,840,547 + 21,703,947 + 1,242,900 + 1,160,000 + 2,278,800 +
    38,454,900 = 129,681,094)."""
    errors = [
        (name, f.table, f.page, f.row, f.column, f.expected_value, f.actual_value, f.difference)
        for name, f in justice
        if f.severity == quality.ERROR
    ]
    assert sorted(errors) == sorted(
        [
            ("hierarchy", table, page, "20406 司法", "项目支出",
             Decimal("129681094.00"), Decimal("64840547.00"), Decimal("-64840547.00"))
            for table, page in (("t03_expenditure", 11), ("t05_gpb_function", 14))
        ] + [
            ("row_identity", table, page, "2040601 行政运行", "合计",
             Decimal("79189400.34"), Decimal("14348853.34"), Decimal("-64840547.00"))
            for table, page in (("t03_expenditure", 11), ("t05_gpb_function", 14))
        ]
    )  # fmt: skip


def test_a_document_without_cell_boxes_gets_no_page_made_up():
    """The truth file has no cell boxes: no page is made up for its findings."""
    import json

    doc = json.loads((FIXTURES / "broken_hierarchy.json").read_text(encoding="utf-8"))
    findings = [f for o in quality.run_document_checks(doc).values() for f in o.findings]
    assert findings and {f.page for f in findings} == {None}


# -- in the warehouse: dq_finding ----------------------------------------------------------

COLUMNS = (
    "check_name, finding_index, severity, finding_kind, table_key, row_label, column_name, "
    "rule, expected, actual, difference, tolerance, expected_text, actual_text, "
    "tolerance_text, unit, page"
)


def _as_rows(name: str, outcome: quality.CheckOutcome) -> list[tuple]:
    """A check outcome's findings as dq_finding would hold them, read off the Finding."""
    return [
        (name, i, f.severity, f.kind, f.table, f.row, f.column, f.rule,
         f.expected_value, f.actual_value, f.difference, f.tolerance_value,
         f.expected, f.actual, f.tolerance or None, f.unit or None, f.page)
        for i, f in enumerate(outcome.findings)
    ]  # fmt: skip


def _load(paths: list[Path], warehouse: Path) -> None:
    import io

    from pipelines.commands.load import load_paths

    outcomes = load_paths([str(p) for p in paths], warehouse=str(warehouse), out=io.StringIO())
    assert all(o.ok for o in outcomes), [o.line for o in outcomes]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> Path:
    """The broken fixture, the seed's sample and (when present) the real 司法局 2026 unit
    budget, loaded with `budget load`'s own code."""
    warehouse = tmp_path_factory.mktemp("findings") / "w.duckdb"
    pdfs = [FIXTURES / "broken_hierarchy.pdf", SAMPLES / "gz_hrss_data_center_2023.pdf"]
    _load(pdfs + ([JUSTICE] if JUSTICE.is_file() else []), warehouse)
    return warehouse


def _read(warehouse: Path, sql: str, params=None) -> list[tuple]:
    from pipelines.warehouse.connection import connect

    con = connect(warehouse, read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.mark.parametrize(
    "pdf", [FIXTURES / "broken_hierarchy.pdf", SAMPLES / "gz_hrss_data_center_2023.pdf"],
    ids=lambda p: p.stem,
)  # fmt: skip
def test_dq_finding_holds_what_the_checks_found_cell_for_cell(loaded, pdf):
    """Every finding of the product's own checks, in order, each cell as the outcome holds
    it: the figures as exact Decimals, the page of the row."""
    doc = extract_document(pdf).doc
    outcomes = quality.run_document_checks(doc, pdf.name)
    want = sorted(row for name, outcome in outcomes.items() for row in _as_rows(name, outcome))
    got = _read(
        loaded,
        f"select {COLUMNS} from dq_finding where department = ? and fiscal_year = ? "
        "order by check_name, finding_index",
        [doc["department"], doc["fiscal_year"]],
    )
    assert got == want and got  # the writer checks (integrity, year over year) found nothing
    assert all(isinstance(row[10], Decimal) for row in got)


@pytest.mark.real
def test_the_justice_bureaus_errors_are_rows_with_their_page(loaded):
    """Read off p11 and p14 of the PDF (see the module's docstring): the four ERRORs."""
    rows = _read(
        loaded,
        "select table_key, page, row_label, column_name, expected, actual, difference, unit "
        "from dq_finding where department = '上海市普陀区司法局' and severity = 'ERROR' "
        "order by check_name, table_key",
    )
    assert rows == [
        ("t03_expenditure", 11, "20406 司法", "项目支出",
         Decimal("129681094.00"), Decimal("64840547.00"), Decimal("-64840547.00"), "元"),
        ("t05_gpb_function", 14, "20406 司法", "项目支出",
         Decimal("129681094.00"), Decimal("64840547.00"), Decimal("-64840547.00"), "元"),
        ("t03_expenditure", 11, "2040601 行政运行", "合计",
         Decimal("79189400.34"), Decimal("14348853.34"), Decimal("-64840547.00"), "元"),
        ("t05_gpb_function", 14, "2040601 行政运行", "合计",
         Decimal("79189400.34"), Decimal("14348853.34"), Decimal("-64840547.00"), "元"),
    ]  # fmt: skip


def test_the_figures_are_decimal_and_a_passed_check_has_no_severity(loaded):
    types = _read(
        loaded,
        "select column_name, data_type from information_schema.columns "
        "where table_name = 'dq_finding' and column_name in "
        "('expected', 'actual', 'difference', 'tolerance', 'page') order by all",
    )
    assert types == [
        ("actual", "DECIMAL(38,10)"),
        ("difference", "DECIMAL(38,10)"),
        ("expected", "DECIMAL(38,10)"),
        ("page", "INTEGER"),
        ("tolerance", "DECIMAL(38,10)"),
    ]
    assert _read(loaded, "select typeof(difference) from dq_finding limit 1") == [
        ("DECIMAL(38,10)",)
    ]
    # a passed check has no severity and no finding; a failed one is as bad as its worst
    assert (
        _read(
            loaded,
            "select c.check_name, c.severity, c.passed, count(f.finding_index) "
            "from dq_check_result as c left join dq_finding as f "
            "using (department, fiscal_year, document_kind, stage, check_name) group by all "
            "having c.passed = (c.severity is not null) "
            "or c.passed = (count(f.finding_index) > 0) "
            "or (not c.passed and (c.severity = 'ERROR') <> bool_or(f.severity = 'ERROR'))",
        )
        == []
    )
    assert _read(loaded, "select count(*) from dq_check_result where passed") != [(0,)]


def test_a_reload_replaces_the_findings_never_duplicates_them(loaded, tmp_path):
    import shutil

    warehouse = tmp_path / "w.duckdb"
    shutil.copy(loaded, warehouse)
    everything = "select * exclude (loaded_at) from dq_finding order by all"
    before = _read(warehouse, everything)
    _load([FIXTURES / "broken_hierarchy.pdf"], warehouse)  # the same bytes: reloaded
    assert _read(warehouse, everything) == before
    # another edition of the same budget (broken_balance): its findings replace the others
    _load([FIXTURES / "broken_balance.pdf"], warehouse)
    archive = "where department = '广州市示范区档案馆'"
    assert _read(
        warehouse, f"select check_name, table_key, row_label from dq_finding {archive}"
    ) == [
        ("balance", "t01_summary", "收入总计 | 支出总计"),
        ("balance", "t01_summary", "income: 收入总计"),
        ("cross_table", "t02_income", "合计"),
    ]
    assert len(_read(warehouse, everything)) == len(before) - 4 + 3


def test_what_the_ui_shows_is_cut_saying_so_and_the_query_that_lists_the_rest(loaded):
    """The seed's ten hierarchy tails shown three at a time: the rest counted, and the
    query named beside them returns every row."""
    from pipelines.quality.markdown import findings_markdown
    from pipelines.warehouse.connection import connect
    from pipelines.warehouse.findings import finding_filter, stored_findings

    key = {
        "department": "广州市人力资源和社会保障数据服务中心",
        "fiscal_year": 2023,
        "document_kind": "department",
        "stage": "budget",
    }
    con = connect(loaded, read_only=True)
    try:
        rows = stored_findings(con, key)["hierarchy"]
        where = finding_filter(key, check_name="hierarchy")
        shown = findings_markdown(rows, where, limit=3)
        query = f"select * from dq_finding where {where}"
        assert shown.endswith(f"\n\n… and 7 more ({query})")
        assert len(shown.split("\n\n")[0].splitlines()) == 2 + 3  # header, rule, three rows
        listed = con.execute(query).fetchall()
    finally:
        con.close()
    assert len(rows) == len(listed) == 10
    assert [row[5] for row in listed] == list(range(10))  # finding_index, in the check's order
    assert where == (
        "department = '广州市人力资源和社会保障数据服务中心' and fiscal_year = 2023 and "
        "document_kind = 'department' and stage = 'budget' and check_name = 'hierarchy'"
    )


def _tail(**changed) -> dict:
    """The seed's t06 rounding tail as a failed check's one finding, with `changed`."""
    (finding,) = ROUNDING_TAIL["findings"]
    return ROUNDING_TAIL | {"check_name": "hierarchy", "findings": [finding | changed]}


@pytest.mark.parametrize(
    ("result", "refused"),
    [
        ({**_tail(), "passed": True, "severity": None}, "'hierarchy' passed but has findings"),
        ({**_tail(), "severity": "ERROR"}, "severity ERROR but its worst finding is WARN"),
        (_tail(difference=Decimal("-0.02")), "difference -0.02 is not 3387.21 − 3387.22"),
        (_tail(actual=Decimal("3387.21000000001")), "actual 3387.21000000001 does not fit"),
        (_tail(page="11"), "page '11' is not a page number"),
        (_tail(rule=None), "a finding without rule"),
        (_tail(severity="INFO"), "finding severity 'INFO' not ERROR/WARN"),
    ],
    ids=["passed", "severity", "difference", "decimals", "page", "rule", "finding-severity"],
)
def test_a_finding_the_warehouse_cannot_hold_exactly_is_refused_and_nothing_changes(
    tmp_path, result, refused
):
    from pipelines.warehouse.checks import record_check_results
    from pipelines.warehouse.connection import connect

    con = connect(tmp_path / "w.duckdb")
    try:
        record_check_results(con, "部门", 2023, [_tail()])
        with pytest.raises(ValueError, match=re.escape(refused)):
            record_check_results(con, "部门", 2023, [result])
        assert con.execute(
            "select check_name, finding_index, finding_kind, expected, difference, page "
            "from dq_finding"
        ).fetchall() == [("hierarchy", 0, "rounding", Decimal("3387.22"), Decimal("-0.01"), 11)]
    finally:
        con.close()


def test_v_document_health_says_each_documents_health(loaded):
    """One row per document: the broken fixture ERROR on its 合计 printed 10.00 under its
    类 (t03 p.7), the seed WARN on its rounding tails; the worst finding is the line the UI
    shows on the document's partition (assets/health.py)."""
    from assets.health import finding_line, worst_finding
    from pipelines.warehouse.connection import connect
    from pipelines.warehouse.findings import stored_findings

    rows = _read(
        loaded,
        "select department, health, checks, checks_passed, checks_warn, checks_error, errors, "
        "warnings, error_checks, warn_checks, worst_check, worst_severity, worst_finding "
        "from v_document_health where department like '广州市%' order by department",
    )
    assert rows == [
        ("广州市人力资源和社会保障数据服务中心", "WARN", 9, 7, 2, 0, 0, 12, None,
         "balance, hierarchy", "balance", "WARN",
         "t01_summary expenditure: 本年支出合计 amount: expected 13004.93, actual 13004.92 万元 "
         "(difference -0.01)"),
        ("广州市示范区档案馆", "ERROR", 9, 8, 0, 1, 4, 0, "hierarchy", None, "hierarchy", "ERROR",
         "t03_expenditure 合计 合计: expected 4656.27, actual 4646.27 万元 (difference -10.00)"),
    ]  # fmt: skip
    con = connect(loaded, read_only=True)
    try:
        for department, *_, check, _, line in rows:
            key = {"department": department, "fiscal_year": 2023}
            stored = stored_findings(con, key | {"document_kind": "department", "stage": "budget"})
            assert finding_line(worst_finding(stored[check])) == line
    finally:
        con.close()
