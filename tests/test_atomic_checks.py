"""A document's facts and its check results commit in one transaction (issue #12 item 3).

A process killed (SIGKILL, no cleanup) between a document's facts and its check rows, or
between its check rows and the commit, leaves every document whole: the ones written
before with their own check rows, the one in flight not at all (or its previous edition
with that edition's check rows). Every check row names the edition it judged (sha256) and
when that edition was loaded (loaded_at), and they match dim_document.
"""

from __future__ import annotations

import copy
import pickle
import signal
import subprocess
import sys
import textwrap
from datetime import datetime
from pathlib import Path

import pytest

from pipelines import batch, parsing, quality
from pipelines.warehouse.checks import record_check_results
from pipelines.warehouse.connection import connect
from pipelines.warehouse.load import load_document
from tests.inputs import REPO
from tests.warehouse_helpers import make_extraction, read_doc

pytestmark = pytest.mark.slow

CHECKS_PER_DOCUMENT = len(quality.DOCUMENT_CHECKS) + len(batch.WRITER_CHECKS)


def _parsed(doc: dict, name: str) -> parsing.ParsedDocument:
    extraction = make_extraction(doc, name)
    return parsing.ParsedDocument(
        extraction.path,
        "parsed",
        extraction=extraction,
        checks=quality.run_document_checks(doc),
    )


@pytest.fixture(scope="module")
def documents() -> list[parsing.ParsedDocument]:
    """The four samples' truth documents, parsed and checked as the batch workers do."""
    samples = sorted((REPO / "data" / "samples").glob("*.json"))
    return [_parsed(read_doc(p), p.with_suffix(".pdf").name) for p in samples]


def editions(con) -> dict[tuple, tuple]:
    """(department, fiscal_year, kind) -> (sha256, loaded_at) of each loaded document."""
    rows = con.execute(
        "select department, fiscal_year, document_kind, sha256, loaded_at "
        "from dim_document join dim_department using (department_id)"
    ).fetchall()
    return {tuple(r[:3]): tuple(r[3:]) for r in rows}


def checked(con) -> dict[tuple, set[tuple]]:
    """(department, fiscal_year, kind) -> {(sha256, loaded_at)} over its check rows, and
    the number of rows."""
    rows = con.execute(
        "select department, fiscal_year, document_kind, sha256, loaded_at, count(*) "
        "from dq_check_result group by all"
    ).fetchall()
    out: dict[tuple, set[tuple]] = {}
    for *key, sha256, loaded_at, n in rows:
        out.setdefault(tuple(key), set()).add((sha256, loaded_at, n))
    return out


def assert_whole(con) -> dict[tuple, tuple]:
    """Every loaded document has exactly its own check rows, and no check row is orphaned."""
    loaded = editions(con)
    assert checked(con) == {
        key: {(sha256, loaded_at, CHECKS_PER_DOCUMENT)}
        for key, (sha256, loaded_at) in loaded.items()
    }
    return loaded


_KILLED_BATCH = textwrap.dedent(
    """
    import os, pickle, signal, sys
    from pipelines import batch
    from pipelines.warehouse.connection import connect

    warehouse, documents, victim, when = sys.argv[1:5]
    parsed = pickle.loads(open(documents, "rb").read())
    record = batch.record_check_results

    def record_then_maybe_die(con, department, *args, **kwargs):
        hit = department == parsed[int(victim)].extraction.doc["department"]
        if hit and when == "before_checks":
            os.kill(os.getpid(), signal.SIGKILL)
        written = record(con, department, *args, **kwargs)
        if hit and when == "before_commit":
            os.kill(os.getpid(), signal.SIGKILL)
        return written

    batch.record_check_results = record_then_maybe_die
    con = connect(warehouse)
    for document in parsed:
        batch.write_document(con, document)
    sys.exit(3)  # not reached: the victim kills the process
    """
)


def _run_killed_batch(tmp_path: Path, warehouse: Path, parsed: list, victim: int, when: str):
    pickled = tmp_path / "documents.pickle"
    pickled.write_bytes(pickle.dumps(parsed))
    result = subprocess.run(
        [sys.executable, "-c", _KILLED_BATCH, str(warehouse), str(pickled), str(victim), when],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == -signal.SIGKILL, result.stderr


@pytest.mark.parametrize("when", ["before_checks", "before_commit"])
def test_sigkill_mid_batch_leaves_whole_documents_with_their_own_checks(tmp_path, documents, when):
    warehouse = tmp_path / "w.duckdb"
    _run_killed_batch(tmp_path, warehouse, documents, victim=2, when=when)
    con = connect(warehouse)
    try:
        loaded = assert_whole(con)
        assert {key[0] for key in loaded} == {d.extraction.doc["department"] for d in documents[:2]}
        assert {sha for sha, _ in loaded.values()} == {d.extraction.sha256 for d in documents[:2]}
    finally:
        con.close()


@pytest.mark.parametrize("when", ["before_checks", "before_commit"])
def test_sigkill_while_replacing_an_edition_keeps_the_old_one_with_its_checks(
    tmp_path, documents, when
):
    warehouse = tmp_path / "w.duckdb"
    old = documents[0]
    con = connect(warehouse)
    batch.write_document(con, old)
    before = assert_whole(con)
    con.close()

    doc = copy.deepcopy(old.extraction.doc)
    doc["tables"]["t07_three_public"]["rows"][0]["values"][0] = "999.99"
    new = _parsed(doc, "new_edition.pdf")
    assert new.extraction.sha256 != old.extraction.sha256
    _run_killed_batch(tmp_path, warehouse, [new], victim=0, when=when)

    con = connect(warehouse)
    try:
        assert assert_whole(con) == before
    finally:
        con.close()


def test_a_failure_between_facts_and_checks_leaves_nothing_of_the_document(
    tmp_path, documents, monkeypatch
):
    con = connect(tmp_path / "w.duckdb")
    try:

        def disk_full(*args, **kwargs):
            raise OSError("No space left on device")

        monkeypatch.setattr(batch, "record_check_results", disk_full)
        with pytest.raises(OSError, match="No space left"):
            batch.write_document(con, documents[0])
        assert con.execute("select count(*) from dim_document").fetchone() == (0,)
        assert con.execute("select count(*) from fact_summary_line").fetchone() == (0,)
        assert con.execute("select count(*) from fact_dq_check").fetchone() == (0,)
    finally:
        con.close()


def test_check_rows_carry_the_edition_and_its_load_time(tmp_path, documents):
    con = connect(tmp_path / "w.duckdb")
    try:
        result = batch.write_document(con, documents[0])
        ((sha256, loaded_at),) = editions(con).values()
        assert sha256 == documents[0].extraction.sha256 == result.report.sha256
        assert isinstance(loaded_at, datetime)
        assert_whole(con)
        # checks of another edition than the loaded one keep its sha256 but no loaded_at
        doc = documents[0].extraction.doc
        record_check_results(
            con,
            doc["department"],
            doc["fiscal_year"],
            [{"check_name": "balance", "severity": "ERROR", "passed": True}],
            sha256="0" * 64,
        )
        assert con.execute("select sha256, loaded_at from dq_check_result").fetchall() == [
            ("0" * 64, None)
        ]
    finally:
        con.close()


def test_upgrade_fills_loaded_at_of_check_rows_of_the_loaded_edition(tmp_path, documents):
    """A warehouse of schema version 3 had no loaded_at on its check rows; migration 004
    gives the rows of the loaded edition its load time and leaves others NULL."""
    path = tmp_path / "w.duckdb"
    con = connect(path)
    doc = documents[0].extraction.doc
    load_document(con, documents[0].extraction, loaded_at=datetime(2025, 5, 6, 7, 8, 9))
    rows = [{"check_name": "balance", "severity": "ERROR", "passed": True}]
    record_check_results(con, doc["department"], doc["fiscal_year"], rows)
    record_check_results(con, "别的部门", 2023, rows, sha256="f" * 64)
    # back to version 3: no loaded_at column, no table typing columns (version 7), no check
    # row stage (version 8, which rebuilds dim_document whatever columns it has), no stated
    # figure's subject (version 9)
    con.execute("alter table fact_dq_check drop column loaded_at")
    con.execute("alter table fact_dq_check drop column stage")
    for column in ("confidence", "typed_by", "typing_evidence"):
        con.execute(f"alter table dim_source_table drop column {column}")
    for column in ("subject", "code"):
        con.execute(f"alter table fact_narrative_figure drop column {column}")
    con.execute("drop view dq_check_result")
    con.execute("update schema_version set version = 3")
    con.close()

    con = connect(path)
    try:
        assert con.execute(
            "select department, sha256, loaded_at from dq_check_result order by department"
        ).fetchall() == [
            ("别的部门", "f" * 64, None),
            (doc["department"], documents[0].extraction.sha256, datetime(2025, 5, 6, 7, 8, 9)),
        ]
    finally:
        con.close()
