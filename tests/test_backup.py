"""`budget backup` / `budget restore`, and one line with the recovery step when the
warehouse file is damaged (issue #12 item 8)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.cli import main
from pipelines.warehouse.connection import connect
from pipelines.warehouse.load import load_document
from pipelines.warehouse.migrations import LATEST_VERSION
from tests.inputs import REPO
from tests.warehouse_helpers import base_tables, loaded, make_extraction, read_doc, truth_paths

SAMPLE_PDF = REPO / "data" / "samples" / "gz_hrss_data_center_2023.pdf"
RECOVERY = "restore a backup with `budget restore BACKUP_DIR --warehouse"


def every_row(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, ids and timestamps included: a restore is exact."""
    con = connect(path, read_only=True)
    try:
        return {
            t: sorted(con.execute(f'select * from "{t}"').fetchall(), key=repr)
            for t in base_tables(con)
        }
    finally:
        con.close()


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def warehouse(tmp_path) -> Path:
    """A warehouse holding one sample document."""
    loaded(tmp_path, read_doc()).close()
    return tmp_path / "warehouse" / "budget.duckdb"


def test_backup_then_restore_gives_identical_rows(capsys, tmp_path, warehouse):
    before = every_row(warehouse)
    backups = tmp_path / "backups"
    code, out, err = run(capsys, "backup", str(backups), "--warehouse", str(warehouse))
    assert (code, err) == (0, "")
    (copy,) = backups.glob("*/budget.duckdb")
    assert out == f"backup: {copy} (1 documents, schema version {LATEST_VERSION})\n"

    # the warehouse moves on: another document is loaded
    con = connect(warehouse)
    other = read_doc(next(p for p in truth_paths() if "water_works" in p.name))
    load_document(con, make_extraction(other, "water.pdf"))
    con.close()
    assert every_row(warehouse) != before

    code, out, err = run(capsys, "restore", str(backups), "--warehouse", str(warehouse))
    assert (code, err) == (0, "")
    (kept,) = warehouse.parent.glob("budget.duckdb.replaced-*")
    assert out == (
        f"restored: {warehouse} from {copy} (1 documents, schema version {LATEST_VERSION}); "
        f"the file it replaced is kept as {kept}\n"
    )
    assert every_row(warehouse) == before
    assert len(every_row(kept)["dim_document"]) == 2  # nothing deleted by the restore


def _damage(warehouse: Path, how: str) -> None:
    if how == "truncated":
        data = warehouse.read_bytes()
        warehouse.write_bytes(data[: len(data) // 80])
    else:
        warehouse.write_text("this is not a database\n", encoding="utf-8")


@pytest.mark.parametrize("how", ["truncated", "not_duckdb"])
def test_a_damaged_warehouse_is_one_line_naming_the_recovery_step(capsys, warehouse, how):
    _damage(warehouse, how)
    commands = [
        ["query", "select count(*) from dim_document", "--warehouse", str(warehouse)],
        ["load", str(SAMPLE_PDF), "--warehouse", str(warehouse)],
        ["backup", str(warehouse.parent / "backups"), "--warehouse", str(warehouse)],
    ]
    for argv in commands:
        code, out, err = run(capsys, *argv)
        assert code == 1, argv
        assert out == "", argv
        (line,) = err.splitlines()
        assert line.startswith(f"budget {argv[0]}: {warehouse}: the warehouse file is damaged (")
        assert f"{RECOVERY} {warehouse}`, or load the PDFs again" in line
    assert not list(warehouse.parent.rglob("backups/*/*.duckdb"))  # no backup of a bad file


def test_restore_replaces_a_damaged_warehouse_and_keeps_it(capsys, tmp_path, warehouse):
    before = every_row(warehouse)
    backups = tmp_path / "backups"
    assert run(capsys, "backup", str(backups), "--warehouse", str(warehouse))[0] == 0
    _damage(warehouse, "truncated")
    damaged = warehouse.read_bytes()
    code, _, err = run(capsys, "restore", str(backups), "--warehouse", str(warehouse))
    assert (code, err) == (0, "")
    assert every_row(warehouse) == before
    (kept,) = warehouse.parent.glob("budget.duckdb.replaced-*")
    assert kept.read_bytes() == damaged


def test_restore_refuses_what_is_not_a_backup(capsys, tmp_path, warehouse):
    empty = tmp_path / "nothing"
    empty.mkdir()
    code, out, err = run(capsys, "restore", str(empty), "--warehouse", str(warehouse))
    assert (code, out) == (1, "")
    assert err == f"budget restore: {empty}: no backup here (made by `budget backup {empty}`)\n"
    assert not list(warehouse.parent.glob("*.replaced-*"))
