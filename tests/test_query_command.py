"""`budget query`: table / csv / json output with exact decimals, one-line errors."""

import csv
import io
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipelines.cli import main
from pipelines.warehouse.sql_files import SQL_ROOT, sql_names
from tests.warehouse_helpers import loaded, read_doc

THREE_PUBLIC = (
    "select item, fund_source, amount_yuan, amount_wan from v_three_public "
    "where amount_yuan > 0 order by amount_yuan desc"
)


@pytest.fixture(scope="module")
def warehouse_file(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("query")
    con = loaded(tmp, read_doc())
    con.close()
    return tmp / "warehouse" / "budget.duckdb"


def run(capsys, *argv):
    code = main(["query", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_csv_output_is_exact(capsys, warehouse_file):
    code, out, err = run(
        capsys, THREE_PUBLIC, "--warehouse", str(warehouse_file), "--format", "csv"
    )
    assert (code, err) == (0, "")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["item", "fund_source", "amount_yuan", "amount_wan"]
    assert rows[1] == ["“三公”经费", "一般公共预算", "328000.00", "32.800000"]
    assert rows[-1] == ["(三)公务接待费支出", "一般公共预算", "10000.00", "1.000000"]
    assert len(rows) == 6


def test_json_output_keeps_decimals_as_exact_strings(capsys, warehouse_file):
    code, out, err = run(
        capsys,
        "select fiscal_year, amount_yuan, amount_wan from v_project_budget "
        "where project_name = '机构运行辅助经费'",
        "--warehouse",
        str(warehouse_file),
        "--format",
        "json",
    )
    assert (code, err) == (0, "")
    assert json.loads(out) == [
        {"fiscal_year": 2023, "amount_yuan": "397500.00", "amount_wan": "39.750000"}
    ]


def test_table_output_is_duckdbs_box_aligned_for_cjk_with_exact_decimals(capsys, warehouse_file):
    code, out, err = run(capsys, THREE_PUBLIC, "--warehouse", str(warehouse_file))
    assert (code, err) == (0, "")
    assert out == (
        "┌────────────────────────────────┬──────────────┬───────────────┬───────────────┐\n"
        "│              item              │ fund_source  │  amount_yuan  │  amount_wan   │\n"
        "│            varchar             │   varchar    │ decimal(22,2) │ decimal(24,6) │\n"
        "├────────────────────────────────┼──────────────┼───────────────┼───────────────┤\n"
        "│ “三公”经费                     │ 一般公共预算 │     328000.00 │     32.800000 │\n"
        "│ (二)公务用车购置及运行维护支出 │ 一般公共预算 │     318000.00 │     31.800000 │\n"
        "│ 1.公务用车购置                 │ 一般公共预算 │     240000.00 │     24.000000 │\n"
        "│ 2.公务用车运行维护费           │ 一般公共预算 │      78000.00 │      7.800000 │\n"
        "│ (三)公务接待费支出             │ 一般公共预算 │      10000.00 │      1.000000 │\n"
        "└────────────────────────────────┴──────────────┴───────────────┴───────────────┘\n"
    )


def test_table_output_cuts_no_row_and_no_character(capsys, warehouse_file):
    code, out, err = run(
        capsys,
        "select repeat('长', 200) || '尾' as long_text, range as n from range(60)",
        "--warehouse",
        str(warehouse_file),
    )
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert sum("长" * 200 + "尾" in line for line in lines) == 60
    assert [line.split("│")[2].strip() for line in lines[4:64]] == [str(n) for n in range(60)]
    assert lines[-1].split() == ["60", "rows", "2", "columns"]


def test_warehouse_from_environment(capsys, warehouse_file, monkeypatch):
    monkeypatch.setenv("BUDGET_WAREHOUSE", str(warehouse_file))
    code, out, _ = run(capsys, "select count(*) as n from v_project_budget", "--format", "csv")
    assert (code, out) == (0, "n\n22\n")


@pytest.mark.parametrize("name", sql_names("analyses"))
def test_analysis_files_run(capsys, warehouse_file, name):
    path = SQL_ROOT / f"{name}.sql"
    code, out, err = run(capsys, "--file", str(path), "--warehouse", str(warehouse_file))
    assert (code, err) == (0, "")
    _, as_csv, _ = run(capsys, "--file", str(path), "--warehouse", str(warehouse_file),
                       "--format", "csv")  # fmt: skip
    header, *rows = list(csv.reader(io.StringIO(as_csv)))
    cells = [[cell.strip() for cell in line.split("│")[1:-1]] for line in out.splitlines()]
    assert rows and cells[1] == header
    assert [c for c in cells[4:] if c] == [[value or "NULL" for value in row] for row in rows]


def test_missing_sql_file(capsys, warehouse_file, tmp_path):
    code, out, err = run(
        capsys, "--file", str(tmp_path / "nope.sql"), "--warehouse", str(warehouse_file)
    )
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "nope.sql" in err


def test_sql_error_is_one_line(capsys, warehouse_file):
    code, out, err = run(capsys, "select * from no_such_table", "--warehouse", str(warehouse_file))
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "no_such_table" in err and "Traceback" not in err


def test_missing_warehouse(capsys, tmp_path):
    code, _, err = run(capsys, "select 1", "--warehouse", str(tmp_path / "none.duckdb"))
    assert code == 1 and err.count("\n") == 1 and "none.duckdb" in err
    assert not (tmp_path / "none.duckdb").exists()


def test_warehouse_is_opened_read_only(capsys, warehouse_file):
    code, _, err = run(capsys, "create table x (a integer)", "--warehouse", str(warehouse_file))
    assert code == 1 and err.count("\n") == 1


def test_no_sql_given(capsys, warehouse_file):
    code, _, err = run(capsys, "--warehouse", str(warehouse_file))
    assert code == 1 and err.count("\n") == 1


# --- the connection is locked down: no files, no extensions, a time limit (issue #12 item 4)


@pytest.mark.parametrize(
    "sql",
    [
        "COPY (select 1) TO '{tmp}/x.csv'",
        "select * from read_csv('/etc/passwd')",
        "ATTACH '{tmp}/other.duckdb' (READ_WRITE)",
        "INSTALL httpfs",
    ],
    ids=["copy_to", "read_csv", "attach", "install"],
)
def test_sql_reaches_no_file(capsys, warehouse_file, tmp_path, sql):
    code, out, err = run(capsys, sql.format(tmp=tmp_path), "--warehouse", str(warehouse_file))
    assert code == 1 and out == ""
    assert err.startswith("budget query: not allowed: Permission Error: Cannot access")
    assert err.rstrip().endswith("file access is off (pass --allow-files DIR)")
    assert len(err.splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_sql_cannot_unlock_the_connection(capsys, warehouse_file):
    code, _, err = run(
        capsys, "SET enable_external_access = true", "--warehouse", str(warehouse_file)
    )
    assert code == 1
    assert "the configuration has been locked" in err


def test_views_still_answer_when_locked(capsys, warehouse_file):
    code, out, err = run(
        capsys,
        "select amount_yuan from v_three_public where item = '“三公”经费' "
        "and fund_source = '一般公共预算'",
        "--warehouse",
        str(warehouse_file),
        "--format",
        "csv",
    )
    assert (code, err) == (0, "")
    assert out == "amount_yuan\n328000.00\n"


def test_allow_files_writes_inside_that_folder_only(capsys, warehouse_file, tmp_path):
    allowed = tmp_path / "exports"
    allowed.mkdir()
    inside = allowed / "three_public.csv"
    copy = f"COPY ({THREE_PUBLIC}) TO '{inside}' (HEADER)"
    code, _, err = run(
        capsys, copy, "--warehouse", str(warehouse_file), "--allow-files", str(allowed)
    )
    assert (code, err) == (0, "")
    assert inside.read_text(encoding="utf-8").splitlines()[1].startswith("“三公”经费,一般公共预算,")

    for outside in (tmp_path / "x.csv", allowed / ".." / "y.csv"):
        code, _, err = run(
            capsys,
            f"COPY (select 1) TO '{outside}'",
            "--warehouse",
            str(warehouse_file),
            "--allow-files",
            str(allowed),
        )
        assert code == 1
        assert err.rstrip().endswith(f"file access is off outside {allowed}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exports"]


def test_long_query_stops_at_the_timeout(capsys, warehouse_file):
    started = time.monotonic()
    code, out, err = run(
        capsys,
        "select count(*) from range(1000000000) a, range(1000000000) b",
        "--warehouse",
        str(warehouse_file),
        "--timeout",
        "1",
    )
    assert time.monotonic() - started < 20
    assert (code, out) == (1, "")
    assert err == "budget query: query stopped after the --timeout of 1 s\n"


def test_a_runaway_query_stops_at_the_memory_limit_in_one_line(warehouse_file):
    """`len(list(range))` over 400 million rows reached 6.6 GB before the timeout; by
    default the query stops at 500MB, the whole process well under 1 GiB."""
    script = (
        "import resource, subprocess, sys; "
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss; "
        "print(done.returncode, peak, repr(done.stderr))"
    )
    budget = [sys.executable, "-m", "pipelines.cli", "query", "--warehouse", str(warehouse_file)]
    sql = "select len(list(range)) from range(400000000)"
    done = subprocess.run(
        [sys.executable, "-c", script, *budget, sql], capture_output=True, text=True, check=True
    )
    code, peak_kib, err = done.stdout.split(" ", 2)
    assert code == "1" and int(peak_kib) < 2**20, done.stdout
    assert eval(err).startswith("budget query: query stopped at the --memory of 500MB: ")


def test_a_memory_that_is_no_amount_is_one_line(capsys, warehouse_file):
    code, out, err = run(capsys, "select 1", "--warehouse", str(warehouse_file),
                         "--memory", "lots")  # fmt: skip
    assert (code, out) == (1, "")
    assert err == "budget query: --memory must be an amount like 500MB or 2GB, not 'lots'\n"


def test_the_sql_cannot_write_into_the_warehouses_temp_folder(capsys, warehouse_file):
    """DuckDB lets SQL write into its temp folder: a query's is one of its own, removed after."""
    target = f"{warehouse_file}.tmp/x.csv"
    code, out, err = run(capsys, f"copy (select 1) to '{target}'",
                         "--warehouse", str(warehouse_file))  # fmt: skip
    assert code == 1 and err.startswith("budget query: not allowed: Permission Error: ")
    assert not Path(target).exists()
