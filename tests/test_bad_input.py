"""Bad input: one clear line naming the file and the reason, no traceback, nothing loaded
under wrong names, and the rest of a batch still loads.

Every bad file is made here, under pytest's tmp dirs, from a good sample with pip-only
tools (pypdf, pypdfium2, Pillow): 0 bytes, text renamed .pdf, truncated, encrypted with a
user password, restricted by an owner password only, scanned (image only), fonts without
ToUnicode maps, ToUnicode maps that name the wrong Chinese characters, a PDF of narrative
pages only, and a budget with one table's pages taken out.

Over 400 lines: every kind of bad input is made and its one line asserted side by side.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipelines.errors import BudgetInputError
from pipelines.extraction.document import extract_document
from pipelines.quality import ERROR, check_completeness
from pipelines.rejects import REASON_SUFFIX
from pipelines.warehouse.connection import connect
from pipelines.warehouse.load import load_document
from tests.bad_pdfs import (
    PASSWORD,
    SAMPLE,
    make_empty,
    make_encrypted,
    make_not_a_budget,
    make_pages,
    make_scanned,
    make_text_as_pdf,
    make_truncated,
    make_without_tounicode,
    make_wrong_chinese,
)
from tests.inputs import REPO, extracted
from tests.warehouse_helpers import expected_fact_rows

pypdf = pytest.importorskip("pypdf")

DROPPED_TABLE = "t07_three_public"


# -- fixtures made at test time ------------------------------------------------------
@dataclass(frozen=True)
class Bad:
    """A bad file and the reason its line must give."""

    name: str
    reason: re.Pattern


BAD = {
    "empty": Bad("empty.pdf", re.compile(r"empty file \(0 bytes\)")),
    "text": Bad("notes.pdf", re.compile(r"not a PDF \(no %PDF header\)")),
    "truncated": Bad("truncated.pdf", re.compile(r"damaged or truncated PDF")),
    "user_password": Bad(
        "locked.pdf", re.compile(r"encrypted PDF: it needs a user password \(pass --password\)")
    ),
    "scanned": Bad("scanned.pdf", re.compile(r"page 1: the scan is 54 dpi, too coarse to read")),
    "no_tounicode": Bad(
        "no_tounicode.pdf",
        re.compile(r"text layer unreadable \(broken font ToUnicode map\?\): page \d+: "),
    ),
    "wrong_chinese": Bad(
        "wrong_chinese.pdf", re.compile(r"not a budget, or its text is unreadable")
    ),
    "not_a_budget": Bad("notice.pdf", re.compile(r"not a budget: no standard budget table")),
    # a budget's cover and narrative without its tables: a companion file, nothing to load
    "narrative_only": Bad("narrative.pdf", re.compile(r"narrative only: .* nothing to load$")),
}


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bad")
    return {
        "empty": make_empty(folder / BAD["empty"].name),
        "text": make_text_as_pdf(folder / BAD["text"].name),
        "truncated": make_truncated(folder / BAD["truncated"].name),
        "user_password": make_encrypted(folder / BAD["user_password"].name, PASSWORD),
        "scanned": make_scanned(folder / BAD["scanned"].name),
        "no_tounicode": make_without_tounicode(folder / BAD["no_tounicode"].name),
        "wrong_chinese": make_wrong_chinese(folder / BAD["wrong_chinese"].name),
        "not_a_budget": make_not_a_budget(folder / BAD["not_a_budget"].name),
        "narrative_only": make_pages(folder / BAD["narrative_only"].name, lambda n: n <= 3),
    }


@pytest.fixture(scope="module")
def original():
    return extracted(SAMPLE)


def budget(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        env=_env(cwd),
    )


def _env(tmp: Path) -> dict:
    env = dict(os.environ)
    env.pop("DAGSTER_HOME", None)  # an ephemeral instance: nothing written outside tmp
    env["BUDGET_WAREHOUSE"] = str(tmp / "never-used.duckdb")
    env["BUDGET_INBOX"] = str(tmp / "inbox")
    return env


# -- budget extract ------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(BAD))
def test_extract_gives_one_line_naming_file_and_reason(kind, bad_files, tmp_path):
    path = bad_files[kind]
    result = budget("extract", str(path), "-o", str(tmp_path / "out.json"), cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    prefix = f"budget extract: {path}: "
    assert lines[0].startswith(prefix), lines[0]
    assert BAD[kind].reason.search(lines[0][len(prefix) :]), lines[0]
    assert result.stdout == ""
    assert not (tmp_path / "out.json").exists()


@pytest.mark.parametrize("kind", list(BAD))
def test_extract_document_raises_budget_input_error(kind, bad_files):
    with pytest.raises(BudgetInputError) as caught:
        extract_document(bad_files[kind])
    assert caught.value.path == bad_files[kind]
    assert "\n" not in caught.value.reason
    assert BAD[kind].reason.search(caught.value.reason)


def test_owner_password_only_loads_normally(tmp_path, original):
    restricted = make_encrypted(tmp_path / "restricted.pdf", user_password="")
    assert pypdf.PdfReader(str(restricted)).is_encrypted
    extraction = extract_document(restricted)
    assert extraction.doc == original.doc
    assert extraction.warnings == original.warnings
    result = budget("extract", str(restricted), "-o", str(tmp_path / "out.json"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_user_password_loads_with_password_only(tmp_path, original, bad_files):
    locked = bad_files["user_password"]
    assert extract_document(locked, password=PASSWORD).doc == original.doc
    with pytest.raises(BudgetInputError, match="the password is wrong"):
        extract_document(locked, password="wrong")
    out = tmp_path / "out.json"
    ok = budget("extract", str(locked), "--password", PASSWORD, "-o", str(out), cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert out.is_file()
    wrong = budget("extract", str(locked), "--password", "nope", cwd=tmp_path)
    assert wrong.returncode == 2
    assert wrong.stderr.strip() == (
        f"budget extract: {locked}: encrypted PDF: the password is wrong"
    )


def test_truncation_at_any_length_is_refused_cleanly(tmp_path):
    for share in (0.01, 0.5, 0.9, 0.99):
        path = make_truncated(tmp_path / f"cut{int(share * 100)}.pdf", share)
        try:
            extraction = extract_document(path)
        except BudgetInputError as exc:
            assert "\n" not in exc.reason
            continue
        # pdfium repairs a file cut after its last page: then it must be the whole budget.
        assert extraction.doc == extracted(SAMPLE).doc, share


# -- garbled text is never loaded under wrong names ----------------------------------


def test_partly_unreadable_document_drops_the_tables_it_touches(tmp_path, original):
    """One table's page replaced by the same page without ToUnicode maps: that table is
    dropped with a warning, the others come through unchanged."""
    garbled = make_without_tounicode(tmp_path / "all_garbled.pdf")
    page = original.table_pages[DROPPED_TABLE][0]
    reader_good = pypdf.PdfReader(str(SAMPLE))
    reader_bad = pypdf.PdfReader(str(garbled))
    writer = pypdf.PdfWriter()
    for index in range(len(reader_good.pages)):
        source = reader_bad if index + 1 == page else reader_good
        writer.add_page(source.pages[index])
    mixed = tmp_path / "one_page_garbled.pdf"
    writer.write(mixed)

    extraction = extract_document(mixed)
    assert DROPPED_TABLE not in extraction.doc["tables"]
    assert any(
        w.startswith(f"table {DROPPED_TABLE} ")
        and "unreadable" in w
        or w.startswith(f"unreadable text on page {page}")
        for w in extraction.warnings
    ), extraction.warnings
    for key, table in extraction.doc["tables"].items():
        assert table == original.doc["tables"][key], key


# -- a table missing: load what is valid, completeness fails loudly ------------------


def test_missing_table_loads_the_rest_and_fails_completeness(tmp_path, original):
    pages = set(original.table_pages[DROPPED_TABLE])
    short = make_pages(tmp_path / "short.pdf", lambda n: n not in pages)
    extraction = extract_document(short)
    tables = extraction.doc["tables"]
    assert DROPPED_TABLE not in tables
    assert (
        f"table {DROPPED_TABLE} (财政拨款安排的行政经费及“三公”经费预算表) is listed in "
        "目录 p.2 but not printed" in extraction.warnings
    )
    assert set(tables) == set(original.doc["tables"]) - {DROPPED_TABLE}
    for key, table in tables.items():
        assert table == original.doc["tables"][key], key  # nothing invented, nothing shifted

    outcome = check_completeness(extraction.doc)
    assert not outcome.passed
    assert outcome.severity == ERROR
    assert any(
        f.table == DROPPED_TABLE and f.actual == "missing" and f.severity == ERROR
        for f in outcome.findings
    )

    con = connect(tmp_path / "wh.duckdb")
    try:
        report = load_document(con, extraction)
        assert report.fact_rows == expected_fact_rows(extraction.doc)
        (three_public,) = con.execute("select count(*) from fact_three_public").fetchone()
        assert three_public == 0
        (source_tables,) = con.execute(
            "select count(*) from dim_source_table where table_key = ?", [DROPPED_TABLE]
        ).fetchone()
        assert source_tables == 0
    finally:
        con.close()


# -- budget load: the rest of the batch still loads ----------------------------------


def test_load_batch_rejects_bad_files_and_loads_the_good_one(tmp_path, bad_files):
    pytest.importorskip("pipelines.commands.load")
    batch = tmp_path / "batch"
    batch.mkdir()
    files = {}
    for kind, path in bad_files.items():
        files[kind] = batch / path.name
        files[kind].write_bytes(path.read_bytes())
    good = batch / "zz_good.pdf"
    good.write_bytes(SAMPLE.read_bytes())
    warehouse = tmp_path / "wh.duckdb"
    before = {p: p.read_bytes() for p in batch.iterdir()}

    result = budget("load", str(batch), "--warehouse", str(warehouse), cwd=tmp_path)
    assert result.returncode != 0
    out = result.stdout + result.stderr
    assert "Traceback" not in out
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    for kind, path in files.items():
        mine = [line for line in lines if str(path) in line]
        assert len(mine) == 1, (kind, lines)
        verdict = "skipped" if kind == "narrative_only" else "rejected"
        assert mine[0].startswith(f"{verdict}: {path}: "), mine[0]
        assert BAD[kind].reason.search(mine[0]), mine[0]
    loaded = [line for line in lines if str(good) in line]
    assert len(loaded) == 1 and loaded[0].startswith("loaded: "), lines
    # explicit paths are never moved or changed
    assert {p: p.read_bytes() for p in batch.iterdir()} == before

    con = connect(warehouse, read_only=True)
    try:
        (documents,) = con.execute("select count(*) from dim_document").fetchone()
    finally:
        con.close()
    assert documents == 1


def test_load_with_password_loads_the_encrypted_file(tmp_path, bad_files):
    pytest.importorskip("pipelines.commands.load")
    locked = bad_files["user_password"]
    warehouse = tmp_path / "wh.duckdb"
    refused = budget("load", str(locked), "--warehouse", str(warehouse), cwd=tmp_path)
    assert refused.returncode != 0
    assert refused.stdout.strip().splitlines() == [
        f"rejected: {locked}: encrypted PDF: it needs a user password (pass --password)"
    ]
    ok = budget(
        "load", str(locked), "--warehouse", str(warehouse), "--password", PASSWORD, cwd=tmp_path
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.startswith("loaded: "), ok.stdout


# -- rejected files (the rest: test_rejections.py) -------------------------------------


def test_a_run_moves_a_settled_bad_inbox_file_to_rejected(tmp_path, bad_files):
    from pipelines.batch import load_batch

    inbox = tmp_path / "data" / "inbox"
    inbox.mkdir(parents=True)
    bad = inbox / "locked.pdf"
    bad.write_bytes(bad_files["user_password"].read_bytes())
    os.utime(bad, (1_000_000, 1_000_000))
    fresh = inbox / "fresh.pdf"
    fresh.write_bytes(b"")  # just arrived: reported, left in place for now
    con = connect(tmp_path / "w.duckdb")
    try:
        locked, empty = load_batch([bad, fresh], con, workers=1, inbox=inbox)
    finally:
        con.close()
    rejected = tmp_path / "data" / "rejected"
    assert locked.rejection.line == (
        f"rejected: {bad}: encrypted PDF: it needs a user password (pass --password) "
        f"(moved to {rejected.resolve() / 'locked.pdf'})"
    )
    assert not bad.exists() and (rejected / "locked.pdf").is_file()
    note = (rejected / ("locked.pdf" + REASON_SUFFIX)).read_text(encoding="utf-8")
    assert "reason: encrypted PDF: it needs a user password (pass --password)" in note
    assert empty.rejection.line == f"rejected: {fresh}: empty file (0 bytes)"
    assert fresh.exists()
