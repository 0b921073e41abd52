"""Status lines that tell the truth (issue #12 item 5): each printed line matches what the
warehouse holds afterwards; a warehouse problem is said once; odd names cannot forge lines."""

import io
import os
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest

from pipelines import batch
from pipelines.cli import main
from pipelines.commands.load import load_paths
from pipelines.errors import WarehouseError
from pipelines.warehouse.connection import Warehouse, connect
from tests.inputs import SAMPLES
from tests.warehouse_helpers import documents_held

GOOD = SAMPLES / "gz_hrss_data_center_2023.pdf"
OTHER = SAMPLES / "gz_edu_bureau_2024.pdf"
GOOD_NAME = "广州市人力资源和社会保障数据服务中心"


@pytest.fixture(autouse=True)
def _no_dagster_home(monkeypatch):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)


class FailingConnection:
    """A warehouse connection whose COMMIT fails like a full disk: after the commit
    (`after=True`, the data is in) or instead of it."""

    def __init__(self, con: duckdb.DuckDBPyConnection, after: bool):
        self._con, self._after = con, after

    def __getattr__(self, name):
        return getattr(self._con, name)

    def commit(self):
        if self._after:
            self._con.commit()
        raise duckdb.IOException("Could not write file: No space left on device")


def _fill_the_disk(monkeypatch, after: bool) -> None:
    """Every warehouse `budget load` opens commits like a full disk (FailingConnection)."""
    real = Warehouse.migrated_connection

    @contextmanager
    def full_disk(self):
        with real(self) as (con, step):
            yield FailingConnection(con, after=after), step

    monkeypatch.setattr(Warehouse, "migrated_connection", full_disk)


def test_disk_full_after_the_commit_is_printed_loaded_and_the_rest_not_attempted(
    tmp_path, monkeypatch
):
    warehouse = tmp_path / "w.duckdb"
    _fill_the_disk(monkeypatch, after=True)
    out = io.StringIO()
    with pytest.raises(WarehouseError, match="No space left on device"):
        load_paths([str(GOOD), str(OTHER)], warehouse=str(warehouse), out=out, workers=1)
    assert out.getvalue() == (
        f"loaded: {GOOD_NAME} 2023 from {GOOD} (committed; the warehouse then said "
        "IOException: Could not write file: No space left on device)\n"
    )
    assert documents_held(warehouse) == [(GOOD_NAME, 2023)]


def test_disk_full_before_the_commit_prints_no_file_line_and_holds_nothing(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    results = []
    with pytest.raises(WarehouseError, match="IOException: .*No space left on device"):
        for result in batch.load_batch([GOOD, OTHER], FailingConnection(con, False), workers=1):
            results.append(result)
    con.close()
    assert results == []
    assert documents_held(tmp_path / "w.duckdb") == []


def test_a_warehouse_that_cannot_be_opened_is_said_once_and_nothing_is_attempted(tmp_path, capsys):
    warehouse = tmp_path / "in_the_way"
    warehouse.mkdir()  # a folder where the file should be (damaged files: tests/test_backup.py)
    code = main(["load", "--warehouse", str(warehouse), str(GOOD), str(OTHER)])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.out == ""  # no per-PDF line
    assert captured.err.splitlines() == [
        f"budget load: warehouse {warehouse} cannot be written: IOException: IO Error: "
        f'Could not read from file "{warehouse}": Is a directory'
    ]
    assert list(warehouse.iterdir()) == []


def test_a_symlink_loop_named_on_the_command_line_is_one_line_and_the_others_load(tmp_path, capsys):
    loop = tmp_path / "loop.pdf"
    loop.symlink_to(loop)
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "inner.pdf").symlink_to(folder / "inner.pdf")
    warehouse = tmp_path / "w.duckdb"
    code = main(["load", "--warehouse", str(warehouse), str(loop), str(GOOD), str(folder)])
    captured = capsys.readouterr()
    assert code == 1 and "Traceback" not in captured.err
    assert captured.out.splitlines() == [
        f"failed: {loop}: broken symlink or symlink loop",
        f"failed: {folder / 'inner.pdf'}: broken symlink or symlink loop",
        f"loaded: {GOOD_NAME} 2023, 696 rows from {GOOD} — checks: balance WARN, hierarchy WARN",
    ]
    assert documents_held(warehouse) == [(GOOD_NAME, 2023)]


def test_only_a_symlink_loop_is_one_line_and_no_warehouse_file(tmp_path, capsys):
    loop = tmp_path / "loop.pdf"
    loop.symlink_to(loop)
    warehouse = tmp_path / "w.duckdb"
    assert main(["load", "--warehouse", str(warehouse), str(loop)]) == 1
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == (f"failed: {loop}: broken symlink or symlink loop\n", "")
    assert not warehouse.exists()


def test_disk_full_at_the_commit_is_one_warehouse_line_and_exit_1(tmp_path, capsys, monkeypatch):
    warehouse = tmp_path / "w.duckdb"
    _fill_the_disk(monkeypatch, after=False)
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    code = main(["load", "--workers", "1", "--warehouse", str(warehouse), str(GOOD), str(OTHER)])
    captured = capsys.readouterr()
    assert (code, captured.out) == (1, "")
    assert captured.err == (
        f"budget load: warehouse {warehouse} cannot be written: IOException: Could not write "
        "file: No space left on device\n"
    )
    assert documents_held(warehouse) == []


def test_an_unreadable_subfolder_is_a_line_and_a_failure(tmp_path, capsys, monkeypatch):
    top = tmp_path / "top"
    locked = top / "locked"
    locked.mkdir(parents=True)
    (top / "a.pdf").write_bytes(GOOD.read_bytes())
    scandir = os.scandir

    def refusing(path="."):  # root reads any folder: refuse this one as a user's mode 000 would
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refusing)
    warehouse = tmp_path / "w.duckdb"
    code = main(["load", "--warehouse", str(warehouse), "--workers", "1", str(top)])
    lines = capsys.readouterr().out.splitlines()
    assert code == 1
    assert lines[0] == f"failed: {locked}: cannot read this folder (Permission denied)"
    assert lines[1].startswith(f"loaded: {GOOD_NAME} 2023, 696 rows from {top / 'a.pdf'}")
    assert len(lines) == 2


def test_a_newline_in_a_file_name_cannot_forge_a_line(tmp_path):
    forged = tmp_path / "x.pdf\nloaded: 伪造部门, 1 rows from y.pdf"
    forged.write_bytes(GOOD.read_bytes())
    bad = tmp_path / "bad\rrejected: z.pdf"
    bad.write_bytes(b"not a pdf")
    out = io.StringIO()
    load_paths([str(forged), str(bad)], warehouse=str(tmp_path / "w.duckdb"), out=out, workers=1)
    escaped = str(tmp_path / "x.pdf\\nloaded: 伪造部门, 1 rows from y.pdf")
    assert out.getvalue().split("\n") == [
        f"loaded: {GOOD_NAME} 2023, 696 rows from {escaped} — checks: balance WARN, hierarchy WARN",
        f"rejected: {tmp_path}/bad\\rrejected: z.pdf: not a PDF (no %PDF header)",
        "",
    ]
    assert documents_held(tmp_path / "w.duckdb") == [(GOOD_NAME, 2023)]


def test_a_leading_dash_file_name_is_told_to_use_double_dash(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("-x.pdf").write_bytes(GOOD.read_bytes())
    with pytest.raises(SystemExit) as exit_info:
        main(["load", "-x.pdf"])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "budget: '-x.pdf' starts with '-': put -- before file names, e.g. budget load -- -x.pdf"
    )
    assert main(["load", "--warehouse", "w.duckdb", "--workers", "1", "--", "-x.pdf"]) == 0
    assert capsys.readouterr().out.startswith(f"loaded: {GOOD_NAME} 2023, 696 rows from -x.pdf")


def test_a_folder_holding_only_a_broken_link_is_one_line_and_no_traceback(tmp_path, capsys):
    """No file to parse: no pool is started (a pool of no worker cannot be)."""
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "inner.pdf").symlink_to(folder / "inner.pdf")
    code = main(["load", "--warehouse", str(tmp_path / "w.duckdb"), str(folder)])
    captured = capsys.readouterr()
    assert (code, captured.err) == (1, "")
    assert captured.out == f"failed: {folder / 'inner.pdf'}: broken symlink or symlink loop\n"
