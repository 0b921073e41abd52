"""Hostile hand-off files (#22 items 2 and 4): a file edited between hand-off and publish
(an amount ×1000, the department renamed, the sha256 zeroed, every check set to passed, a
severity 'OK') is one `rejected:` line naming it, moved to rejected/ with its reason, and
nothing of it reaches the warehouse while the other files publish. Each edit is made twice:
keeping the stored content digest (caught by the digest) and as a forger who recomputes it
(caught by the checks run again on the staged rows, or by what no check gives). And the
operators' `budget handoff` + `budget publish` write what `budget load` writes."""

import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines import handoff
from pipelines.cli import main
from pipelines.handoff_verify import content_digest
from pipelines.warehouse.connection import connect
from pipelines.warehouse.sql_files import read_sql
from tests.inputs import SAMPLE_PDFS, SAMPLES
from tests.test_handoff import everything, handed_off, loaded  # noqa: F401 (fixtures)

HRSS = "gz_hrss_data_center_2023.pdf"  # its balance and hierarchy checks WARN

_DOCUMENT = "handoff_table = 'dim_document'"
_CHECKS = "handoff_table = 'fact_dq_check'"
# one cell: 本年收入 of t01's income side, the first line
_CELL = "handoff_table = 'stg_budget_cells' and table_key = 't01_summary' and row_index = 0"
_DIGEST = "its rows do not match its content digest (edited after hand-off)"

# attack -> ((new value, column), ...), which rows, rows dropped, reason of the forged file
ATTACKS = {
    "amount x1000": (
        (
            ("cast(printed_amount * 1000 as decimal(18, 2))", "printed_amount"),
            ("cast(amount_yuan * 1000 as decimal(22, 2))", "amount_yuan"),
        ),
        _CELL,
        None,
        "check balance: the file says WARN (2 findings), its rows say ERROR (3 findings)",
    ),
    "department renamed": ((("'广州市财政局'", "printed_department"),), _DOCUMENT, None, None),
    "sha256 zeroed": (
        (("repeat('0', 64)", "sha256"),),
        _DOCUMENT,
        None,
        "source sha256 is all zeros",
    ),
    "every check passed": (
        (("true", "passed"), ("null", "severity")),
        _CHECKS,
        "handoff_table = 'fact_dq_finding'",
        "check balance: the file says passed, its rows say WARN (2 findings)",
    ),
    "severity OK": (
        (("'OK'", "severity"),),
        f"{_CHECKS} and check_name = 'completeness'",
        None,
        "check completeness: passed True with severity 'OK'",
    ),
}


def tamper(path: Path, edits, where: str, dropped: str | None, forge: bool) -> None:
    """Edit the file in place as an attacker with DuckDB would: `edits` (value, column) on
    the rows `where` selects, the rows `dropped` selects left out, the stored digest kept
    (or, `forge`, recomputed over the edited rows)."""
    con = duckdb.connect()
    kept = con.execute(read_sql("handoff/select_handoff_digest"), {"path": str(path)})
    (digest,) = kept.fetchone()
    changed = ", ".join(f"case when {where} then {v} else {c} end as {c}" for v, c in edits)
    con.execute(
        f"create table handoff_rows as select * replace ({changed}) "
        f"from read_parquet('{path}') where not ({dropped or 'false'})"
    )
    edited = con.execute("select * from handoff_rows")
    if forge:
        digest = content_digest([c[0] for c in edited.description], edited.fetchall())
    path.unlink()
    con.execute(read_sql("handoff/copy_handoff_file"), {"path": str(path), "digest": digest})
    con.close()


def file_of(folder: Path, pdf_name: str) -> Path:
    """The pending hand-off file of the sample named `pdf_name`."""
    con = duckdb.connect()
    for path in handoff.pending_files(folder):
        (source,) = con.execute(
            f"select source_file from read_parquet('{path}') where {_DOCUMENT}"
        ).fetchone()
        if Path(source).name == pdf_name:
            return path
    raise AssertionError(f"no hand-off file of {pdf_name}")


def _publish(folder: Path, warehouse: Path) -> tuple[list[handoff.Published], list[tuple]]:
    con = connect(warehouse)
    try:
        results = list(handoff.publish_folder(con, folder))
        documents = con.execute("select sha256, source_file from dim_document").fetchall()
        (checked,) = con.execute("select count(distinct sha256) from fact_dq_check").fetchone()
        assert checked == len(documents)  # no check rows of a refused file
    finally:
        con.close()
    return results, documents


def _assert_rejected_alone(folder: Path, results, documents, path: Path, reason: str) -> None:
    """One line naming the file with `reason`, the file in rejected/, the others published."""
    rejected = [r for r in results if r.report is None]
    assert [r.line for r in rejected] == [
        f"rejected: {path}: {reason} (moved to {folder / handoff.REJECTED / path.name})"
    ]
    assert (folder / handoff.REJECTED / path.name).is_file()
    assert reason in (folder / handoff.REJECTED / f"{path.name}.reason.txt").read_text()
    assert path.stem not in {sha256 for sha256, _ in documents}
    assert len(documents) == len(SAMPLE_PDFS) - 1
    assert len(list((folder / handoff.PUBLISHED).iterdir())) == len(SAMPLE_PDFS) - 1


# every attack with the stored digest kept, and as a forger who recomputes it where the
# checks can tell (a renamed department with a recomputed digest is a document no check can
# tell from the PDF's: the gap docs/scaling.md names)
CASES = [(a, False) for a in ATTACKS] + [(a, True) for a, case in ATTACKS.items() if case[3]]


@pytest.mark.parametrize(
    ("attack", "forge"), CASES, ids=[f"{a}, digest {'forged' if f else 'kept'}" for a, f in CASES]
)
def test_an_edited_hand_off_file_is_one_line_and_the_others_publish(
    handed_off,  # noqa: F811
    tmp_path,
    attack,
    forge,
):
    edits, where, dropped, forged_reason = ATTACKS[attack]
    folder = tmp_path / "shared"
    shutil.copytree(handed_off, folder)
    path = file_of(folder, HRSS)
    tamper(path, edits, where, dropped, forge)
    results, documents = _publish(folder, tmp_path / "w.duckdb")
    _assert_rejected_alone(folder, results, documents, path, forged_reason if forge else _DIGEST)
    assert HRSS not in {Path(source).name for _, source in documents}


def test_a_finding_the_writer_refuses_is_one_line_not_an_error_of_every_publish(
    handed_off,  # noqa: F811
    tmp_path,
):
    """#22 item 4: a ValueError of one file's rows (a finding's difference that is not
    actual − expected) rejected that file only; publishing again goes on with the rest."""
    folder = tmp_path / "shared"
    shutil.copytree(handed_off, folder)
    path = file_of(folder, HRSS)
    shifted = (("cast(difference + 1 as decimal(38, 10))", "difference"),)
    tamper(path, shifted, "handoff_table = 'fact_dq_finding'", None, forge=True)
    results, documents = _publish(folder, tmp_path / "w.duckdb")
    (line,) = [r.line for r in results if r.report is None]
    assert line.startswith(f"rejected: {path}: ValueError: check 'balance': difference ")
    assert "\n" not in line
    assert len(documents) == len(SAMPLE_PDFS) - 1
    assert not handoff.pending_files(folder)


def test_budget_handoff_then_budget_publish_write_what_budget_load_writes(
    loaded,  # noqa: F811
    tmp_path,
    capsys,
):
    folder, warehouse = tmp_path / "shared", tmp_path / "w.duckdb"
    assert main(["handoff", str(SAMPLES), "--out", str(folder), "--workers", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(SAMPLE_PDFS) and all(x.startswith("handed off: ") for x in lines)
    assert main(["publish", str(folder), "--warehouse", str(warehouse)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(SAMPLE_PDFS) and all(x.startswith("published: ") for x in lines)
    con = connect(warehouse)
    try:
        assert everything(con) == loaded
    finally:
        con.close()


def test_budget_publish_exits_1_with_one_line_per_refused_file(handed_off, tmp_path, capsys):  # noqa: F811
    folder = tmp_path / "shared"
    shutil.copytree(handed_off, folder)
    path = file_of(folder, HRSS)
    tamper(path, *ATTACKS["sha256 zeroed"][:3], forge=False)
    assert main(["publish", str(folder), "--warehouse", str(tmp_path / "w.duckdb")]) == 1
    captured = capsys.readouterr()
    assert [x for x in captured.out.splitlines() if x.startswith("rejected: ")] == [
        f"rejected: {path}: {_DIGEST} (moved to {folder / handoff.REJECTED / path.name})"
    ]
    assert captured.err == ""
    assert main(["publish", str(tmp_path / "absent")]) == 1
    assert capsys.readouterr().err == f"budget publish: {tmp_path / 'absent'} is not a folder\n"
