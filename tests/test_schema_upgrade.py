"""A warehouse written by release 1 (no schema version) opens and upgrades in place.

tests/fixtures/warehouse_release1.duckdb.gz was written by release 1's own code (commit
e807093, `python -m tests.fixtures.make_release1_warehouse`): `budget load` of the sample
gz_hrss_data_center_2023.pdf and the real js_party_office_2017_tables.pdf, printed
`中国共产党江苏省委员会办公厅` (an alias of `中共江苏省委办公厅` in data/reference).

Over 400 lines: every path an older warehouse takes (open, migrate, load, refuse) starts
from the one release-1 file.
"""

import gzip
import shutil
from decimal import Decimal

import duckdb
import pytest

from pipelines.warehouse import migrations
from pipelines.warehouse.connection import connect
from pipelines.warehouse.load import load_document
from pipelines.warehouse.migrations import LATEST_VERSION, SchemaVersionError
from tests.inputs import REPO
from tests.warehouse_helpers import make_extraction, read_doc, table_counts

RELEASE_1 = REPO / "tests" / "fixtures" / "warehouse_release1.duckdb.gz"
RELEASE_1_TABLES = (
    "dim_department", "dim_document", "dim_economic_subject", "dim_expenditure_type",
    "dim_function_subject", "dim_fund_source", "dim_project", "dim_source_table",
    "fact_basic_by_unit", "fact_dq_check", "fact_economic_expenditure",
    "fact_expenditure_by_function", "fact_generic_cell", "fact_income_by_function",
    "fact_project_fund", "fact_summary_line", "fact_three_public",
)  # fmt: skip
PROVENANCE_COLUMNS = [
    ("source_page", "INTEGER"),
    ("box_x0", "DECIMAL(8,2)"),
    ("box_top", "DECIMAL(8,2)"),
    ("box_x1", "DECIMAL(8,2)"),
    ("box_bottom", "DECIMAL(8,2)"),
]
STORAGE = "storage v1.0.0 (read by DuckDB 1.0 and later)"
GZ = "广州市人力资源和社会保障数据服务中心"
PARTY_PRINTED = "中国共产党江苏省委员会办公厅"
PARTY = "中共江苏省委办公厅"


@pytest.fixture
def release1(tmp_path):
    """A fresh copy of the release-1 warehouse file."""
    path = tmp_path / "release1.duckdb"
    with gzip.open(RELEASE_1, "rb") as packed, open(path, "wb") as raw:
        shutil.copyfileobj(packed, raw)
    return path


def _columns(con) -> dict[str, list[tuple[str, str]]]:
    rows = con.execute(
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_schema = 'main' order by table_name, ordinal_position"
    ).fetchall()
    out: dict[str, list[tuple[str, str]]] = {}
    for table, column, kind in rows:
        out.setdefault(table, []).append((column, kind))
    return out


def _sums(con) -> dict[tuple[str, str], Decimal]:
    """The sum of every DECIMAL column of every release-1 table."""
    return {
        (table, column): con.execute(f'select sum("{column}") from "{table}"').fetchone()[0]
        for table, columns in _columns(con).items()
        if table in RELEASE_1_TABLES
        for column, kind in columns
        if kind.startswith("DECIMAL")
    }


def _release1_state(path):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return table_counts(con), _sums(con), _columns(con)
    finally:
        con.close()


def test_fixture_is_a_release1_warehouse(release1):
    counts, sums, columns = _release1_state(release1)
    assert set(counts) == set(RELEASE_1_TABLES)  # no schema_version, no ref_* tables
    assert counts["dim_document"] == 2 and counts["fact_dq_check"] == 12
    assert "document_kind" not in dict(columns["dim_document"])
    assert sums[("fact_summary_line", "amount_yuan")] > 0


def test_read_only_open_of_release1_says_it_needs_an_upgrade(release1):
    with pytest.raises(SchemaVersionError) as raised:
        connect(release1, read_only=True)
    message = str(raised.value)
    assert "\n" not in message
    assert message == (
        f"{release1}: warehouse schema version 1 is older than this release's "
        f"{LATEST_VERSION}; run `budget migrate` (or `budget load`, which runs it first) to "
        "upgrade it in place"
    )


def test_writable_open_upgrades_in_place_losing_nothing(release1):
    counts, sums, old_columns = _release1_state(release1)
    con = connect(release1)
    assert con.execute("select version from schema_version").fetchall() == [(LATEST_VERSION,)]
    new_counts = table_counts(con)
    assert {t: new_counts[t] for t in RELEASE_1_TABLES} == counts
    new_sums = _sums(con)
    assert {key: new_sums[key] for key in sums} == sums
    columns = _columns(con)
    for table, old in old_columns.items():
        assert columns[table][: len(old)] == old, table  # old columns kept, in order
    assert columns["dim_document"][len(old_columns["dim_document"]) :] == [
        ("document_kind", "VARCHAR"),
        ("printed_department", "VARCHAR"),
        ("stage", "VARCHAR"),
        ("text_source", "VARCHAR"),
    ]
    # Every fact table gains its rows' provenance; release 1 recorded none, so old rows
    # hold NULL there (a reload of the PDF fills it).
    for table in (t for t in RELEASE_1_TABLES if t.startswith("fact_") and t != "fact_dq_check"):
        assert columns[table][len(old_columns[table]) :] == PROVENANCE_COLUMNS, table
        assert con.execute(
            f"select count(*) from {table} where coalesce(source_page, box_x0, box_top, "
            "box_x1, box_bottom) is not null"
        ).fetchone() == (0,), table
    # Every old document is a department budget read from its text layer, its printed name
    # kept; the 2017 party
    # office is filed under the name data/reference gives it.
    assert con.execute(
        "select dim_department.department, printed_department, document_kind, stage, "
        "fiscal_year, text_source from dim_document join dim_department using (department_id) "
        "order by fiscal_year"
    ).fetchall() == [
        (PARTY, PARTY_PRINTED, "department", "budget", 2017, "text layer"),
        (GZ, GZ, "department", "budget", 2023, "text layer"),
    ]
    assert con.execute("select department from dim_department order by 1").fetchall() == [
        (PARTY,),
        (GZ,),
    ]
    assert con.execute(
        "select department, stage, count(*) from dq_check_result group by all order by 1"
    ).fetchall() == [(PARTY, "budget", 6), (GZ, "budget", 6)]
    # The views answer with this release's columns.
    assert con.execute(
        "select sum(amount_wan) from v_three_public "
        "where department = ? and category = 'three_public_total'",
        [PARTY],
    ).fetchone() == (Decimal("509.20"),)
    assert con.execute(
        "select department, source_table, sum(amount_wan) from v_expenditure_by_function "
        "where level = 1 group by all order by 1"
    ).fetchall() == [
        (PARTY, "t05_gpb_function", Decimal("20702.25")),
        (GZ, "t03_expenditure", Decimal("13004.93")),
    ]
    con.close()
    # Upgraded once: the next opens change nothing and read-only opens work.
    connect(release1).close()
    ro = connect(release1, read_only=True)
    assert ro.execute("select count(*) from schema_version").fetchone() == (1,)
    ro.close()


def test_a_new_load_into_the_upgraded_warehouse(release1):
    con = connect(release1)
    other = {**read_doc(), "fiscal_year": 2024}
    report = load_document(con, make_extraction(other))
    assert (report.action, report.document_id) == ("inserted", 3)  # sequences carried over
    again = load_document(con, make_extraction(read_doc()))  # the seed as another file
    assert again.action == "replaced"
    assert con.execute(
        "select fiscal_year, count(*) from v_project_budget where department = ? "
        "group by 1 order by 1",
        [GZ],
    ).fetchall() == [(2023, 22), (2024, 22)]
    assert con.execute("select count(*) from dim_document").fetchone() == (3,)


# dim_document's release-1 columns but department_id (the alias sync re-files a document)
DOCUMENT_COLUMNS = (
    "document_id, fiscal_year, source_file, sha256, page_count, unit, format, loaded_at"
)


def _unique_keys(con, table: str) -> list[list[str]]:
    return [
        list(columns)
        for (columns,) in con.execute(
            "select constraint_column_names from duckdb_constraints() "
            "where table_name = $table and constraint_type = 'UNIQUE'",
            {"table": table},
        ).fetchall()
    ]


def test_rebuilt_dim_document_keeps_every_row_and_is_keyed_by_kind_and_stage(release1, tmp_path):
    old = duckdb.connect(str(release1), read_only=True)
    before = old.execute(f"select {DOCUMENT_COLUMNS} from dim_document order by 1").fetchall()
    old.close()
    con = connect(release1)
    # every row and document_id as release 1 wrote them (the facts refer to them)
    assert con.execute(f"select {DOCUMENT_COLUMNS} from dim_document order by 1").fetchall() == (
        before
    )
    fresh = connect(tmp_path / "fresh.duckdb")
    for warehouse in (con, fresh):
        assert _unique_keys(warehouse, "dim_document") == [
            ["department_id", "fiscal_year", "document_kind", "stage"]
        ]
    assert con.execute("select distinct document_kind from fact_dq_check").fetchall() == [
        ("department",)
    ]
    # the release-1 department budget gets a unit-budget sibling, not a replacement, and its
    # final accounts (决算) are a third document, replacing neither
    by_document = (
        "select document_kind, stage, count(*) from v_project_budget where department = ? "
        "group by all order by all"
    )
    documents = [("department", "budget", 22)]
    for change, added in (
        ({"document_kind": "unit"}, ("unit", "budget", 22)),
        ({"stage": "final"}, ("department", "final", 22)),
    ):
        report = load_document(con, make_extraction({**read_doc(), **change}))
        assert report.action == "inserted"
        documents.append(added)
        assert con.execute(by_document, [GZ]).fetchall() == sorted(documents)


def _warehouse_at(release1, version: int) -> None:
    """Upgrade the release-1 file to `version` only, as that release's `budget migrate` did."""
    con = duckdb.connect(str(release1))
    for number, folder in migrations.migrations():
        if number <= version:
            for name in migrations.sql_names(folder):
                con.execute(migrations.read_sql(name))
    con.execute(migrations.read_sql("version/create_schema_version"))
    con.execute(
        "insert into schema_version values ($version, 'views of that release', now())",
        {"version": version},
    )
    con.close()


def test_version_2_check_rows_of_a_unit_budget_take_its_kind(release1):
    """A warehouse of schema version 2 already held unit budgets, and their check rows had no
    kind: the upgrade gives them the kind of the document whose edition they checked."""
    _warehouse_at(release1, 2)
    con = duckdb.connect(str(release1))
    con.execute("insert into dim_department values (10, '上海市普陀区司法局')")
    for document_id, year, kind in ((11, 2025, "unit"), (12, 2024, "department")):
        con.execute(
            "insert into dim_document values "
            "(?, 10, ?, 'a.pdf', ?, 30, '元', 'budget-doc/1', now(), ?, '上海市普陀区司法局')",
            [document_id, year, kind[0] * 64, kind],
        )
    for year, sha256 in ((2025, "u" * 64), (2024, "d" * 64), (2023, "x" * 64)):
        con.execute(
            "insert into fact_dq_check values "
            "('上海市普陀区司法局', ?, ?, 'balance', 'ERROR', true, '', now())",
            [year, sha256],
        )
    con.close()
    upgraded = connect(release1)
    # 2023: checks of an edition no longer loaded keep the default
    assert upgraded.execute(
        "select fiscal_year, document_kind from dq_check_result "
        "where department = '上海市普陀区司法局' order by 1"
    ).fetchall() == [(2023, "department"), (2024, "department"), (2025, "unit")]
    assert upgraded.execute("select version from schema_version order by version").fetchall() == [
        (2,),
        (LATEST_VERSION,),
    ]


def test_a_version_7_warehouse_gains_the_stage_losing_nothing(release1):
    """The release before final accounts loaded: every document and check row it holds is a
    budget's; the upgrade keeps each (document_ids too) and a 决算 then loads beside them.
    (Departments aside: the reference sync after the upgrade re-files the party office.)"""
    _warehouse_at(release1, 7)
    documents = f"select {DOCUMENT_COLUMNS}, document_kind, printed_department"
    checks = (
        "select fiscal_year, sha256, check_name, severity, passed, detail, checked_at, "
        "document_kind, loaded_at"
    )
    old = duckdb.connect(str(release1), read_only=True)
    counts = table_counts(old)
    old_documents = old.execute(f"{documents} from dim_document order by 1").fetchall()
    old_checks = old.execute(f"{checks} from fact_dq_check order by all").fetchall()
    old.close()
    con = connect(release1)
    assert con.execute("select max(version) from schema_version").fetchone() == (LATEST_VERSION,)
    new_counts = table_counts(con)
    assert {table: new_counts[table] for table in RELEASE_1_TABLES} == {
        table: counts[table] for table in RELEASE_1_TABLES
    }
    assert con.execute(f"{documents}, stage from dim_document order by 1").fetchall() == [
        (*row, "budget") for row in old_documents
    ]
    assert con.execute(f"{checks}, stage from fact_dq_check order by all").fetchall() == [
        (*_passed_without_severity(row), "budget") for row in old_checks
    ]
    assert _unique_keys(con, "dim_document") == [
        ["department_id", "fiscal_year", "document_kind", "stage"]
    ]
    final = load_document(con, make_extraction({**read_doc(), "stage": "final"}))
    assert (final.action, final.stage) == ("inserted", "final")
    assert con.execute(
        "select fiscal_year, stage from dim_document join dim_department using (department_id) "
        "where department = ? order by all",
        [GZ],
    ).fetchall() == [(2023, "budget"), (2023, "final")]


def _passed_without_severity(row: tuple) -> tuple:
    """A check row (…, check_name, severity, passed, …) as version 10 keeps it: a passed
    check has no severity."""
    at = 3  # severity, then passed
    return row if not row[at + 1] else (*row[:at], None, *row[at + 1 :])


def test_the_previous_releases_check_rows_are_kept_a_passed_one_without_severity(release1):
    """Version 9 stored a passing check with the severity it would have failed with (ERROR);
    the upgrade keeps every row as it was but that, so no passing check has a severity."""
    _warehouse_at(release1, 9)
    old = duckdb.connect(str(release1))
    old.execute(
        "insert into fact_dq_check values ('上海市普陀区司法局', 2026, null, 'hierarchy', "
        "'ERROR', false, 'hierarchy: 2 error(s)', now(), 'unit', null, 'budget')"
    )
    # the department aside: the reference sync after the upgrade re-files the party office
    checks = "select sha256, fiscal_year, check_name, severity, passed, detail, stage"
    before = old.execute(f"{checks} from fact_dq_check order by all").fetchall()
    old.close()
    assert {(row[3], row[4]) for row in before} == {
        ("ERROR", True),
        ("WARN", False),
        ("ERROR", False),
    }
    con = connect(release1)
    after = con.execute(f"{checks} from fact_dq_check order by all").fetchall()
    assert after == [_passed_without_severity(row) for row in before]
    assert con.execute(
        "select count(*) from dq_check_result where passed and severity is not null"
    ).fetchone() == (0,)


def test_a_failed_upgrade_leaves_release1_as_it_was(release1, monkeypatch):
    before = _release1_state(release1)
    real = migrations.read_sql
    last = migrations.sql_names(migrations.migrations()[-1][1])[-1]

    def failing(name):
        if name == last:
            raise RuntimeError("disk full")
        return real(name)

    monkeypatch.setattr(migrations, "read_sql", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        connect(release1)
    assert _release1_state(release1) == before
    monkeypatch.undo()
    connect(release1).close()


# What a warehouse's tables are, as DuckDB's catalog states it (the database name and the
# catalog's own oids and counters aside; a sequence's next value depends on the rows loaded).
CATALOG = {
    "tables": "select table_name, comment, sql from duckdb_tables() where not internal order by 1",
    "columns": (
        "select table_name, column_index, column_name, data_type, is_nullable, column_default, "
        "comment from duckdb_columns() where not internal order by 1, 2"
    ),
    "constraints": (
        "select table_name, constraint_type, constraint_text, expression, "
        "constraint_column_names, constraint_name from duckdb_constraints() "
        "order by table_name, constraint_index"
    ),
    "sequences": (
        "select sequence_name, min_value, max_value, increment_by, cycle "
        "from duckdb_sequences() order by 1"
    ),
    "indexes": (
        "select table_name, index_name, is_unique, is_primary, sql from duckdb_indexes() "
        "order by 1, 2"
    ),
    "views": "select view_name, sql from duckdb_views() where not internal order by 1",
}


def _catalog(con) -> dict[str, list[tuple]]:
    return {what: con.execute(sql).fetchall() for what, sql in CATALOG.items()}


def test_a_new_warehouse_is_the_release1_warehouse_upgraded(release1, tmp_path):
    """sql/schema creates a new warehouse as this release has it, running no migration; the
    migrations bring an old one to exactly the same tables. Editing sql/schema without a
    migration (or the reverse) fails here."""
    connect(release1).close()
    connect(tmp_path / "fresh.duckdb").close()  # both read back from disk (a view's text too)
    upgraded, fresh = connect(release1, True), connect(tmp_path / "fresh.duckdb", True)
    assert fresh.execute("select version from schema_version").fetchall() == [(LATEST_VERSION,)]
    new, old = _catalog(fresh), _catalog(upgraded)
    for what in CATALOG:
        assert new[what] == old[what], what
    assert {table for table, *_ in new["tables"]} == set(RELEASE_1_TABLES) | {
        "fact_dq_finding",
        "fact_narrative_figure",
        "ref_department_alias",
        "ref_three_public_category",
        "schema_version",
    }
    assert len(new["constraints"]) > 100 and new["views"]


def test_a_changed_view_is_recreated_without_a_new_version(release1, monkeypatch):
    connect(release1).close()
    monkeypatch.setattr(migrations, "views_sha256", lambda: "changed")
    con = connect(release1)
    assert con.execute(
        "select version, views_sha256 from schema_version order by upgraded_at"
    ).fetchall()[-1] == (LATEST_VERSION, "changed")


def test_opening_through_the_resource_never_changes_the_schema(release1, monkeypatch):
    """Dagster steps open through DuckDBWarehouse: an old warehouse is refused in one line,
    even for writing, and left as it was; `budget migrate` is the step that upgrades it."""
    from pipelines.cli import main
    from pipelines.resources import DuckDBWarehouse

    warehouse = DuckDBWarehouse(path=str(release1))
    for read_only in (False, True):
        with pytest.raises(SchemaVersionError, match="run `budget migrate`"):
            with warehouse.get_connection(read_only=read_only):
                pass
    counts, _, columns = _release1_state(release1)
    assert "document_kind" not in dict(columns["dim_document"])

    assert main(["migrate", "--warehouse", str(release1)]) == 0
    assert main(["migrate", "--warehouse", str(release1)]) == 0
    monkeypatch.setattr(migrations, "upgrade", lambda *a: pytest.fail("opened with a migration"))
    with warehouse.get_connection() as con:
        assert con.execute("select version from schema_version").fetchall() == [(LATEST_VERSION,)]
        assert table_counts(con)["dim_document"] == counts["dim_document"]
