"""Refused files: where they go (rejected/ beside the inbox, or $BUDGET_REJECTED), the
reason written beside them, and only once they have settled."""

from __future__ import annotations

import os
from pathlib import Path

from pipelines.rejects import REASON_SUFFIX, reject_file, reject_settled, rejected_folder
from tests.bad_pdfs import make_empty, make_text_as_pdf, make_truncated

# -- rejection records ---------------------------------------------------------------


def test_reject_file_moves_nothing_without_a_folder(tmp_path):
    path = make_empty(tmp_path / "empty.pdf")
    rejection = reject_file(path, "empty file (0 bytes)")
    assert path.exists() and rejection.path == path
    assert rejection.line == f"rejected: {path}: empty file (0 bytes)"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.pdf"]


def test_reject_file_moves_inbox_file_and_writes_reason(tmp_path):
    inbox = tmp_path / "data" / "inbox"
    inbox.mkdir(parents=True)
    folder = rejected_folder(inbox)
    assert folder == (tmp_path / "data" / "rejected").resolve()
    first = make_text_as_pdf(inbox / "a.pdf")
    payload = first.read_bytes()
    rejection = reject_file(first, "not a PDF (no %PDF header)\nsecond line", folder)
    assert not first.exists()
    assert rejection.path == folder / "a.pdf"
    assert rejection.path.read_bytes() == payload
    note = (folder / ("a.pdf" + REASON_SUFFIX)).read_text(encoding="utf-8")
    assert "reason: not a PDF (no %PDF header) second line\n" in note
    assert f"sha256: {rejection.sha256}" in note
    assert f"file: {first}" in note
    # the same name rejected again (other bytes) never overwrites the first rejection
    second = make_truncated(inbox / "a.pdf", 0.01)
    again = reject_file(second, "damaged or truncated PDF", folder)
    assert again.path != rejection.path and again.path.exists()
    assert rejection.path.read_bytes() == payload
    assert Path(str(again.path) + REASON_SUFFIX).is_file()
    assert again.line.endswith(f"(moved to {again.path})")


def test_rejected_folder_is_configurable(tmp_path, monkeypatch):
    monkeypatch.setenv("BUDGET_REJECTED", str(tmp_path / "elsewhere"))
    assert rejected_folder(tmp_path / "inbox") == tmp_path / "elsewhere"
    assert rejected_folder(tmp_path / "inbox", tmp_path / "x") == tmp_path / "x"


def test_reject_settled_moves_settled_files_only(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    folder = tmp_path / "rejected"
    old = make_empty(inbox / "old.pdf")
    os.utime(old, (1_000_000, 1_000_000))
    young = make_truncated(inbox / "young.pdf", 0.05)  # maybe still being copied
    moved = reject_settled(old, "empty file (0 bytes)", folder)
    assert moved.path == folder / "old.pdf" and not old.exists()
    note = (folder / ("old.pdf" + REASON_SUFFIX)).read_text(encoding="utf-8")
    assert "reason: empty file (0 bytes)" in note
    kept = reject_settled(young, "damaged or truncated PDF", folder)
    assert kept.path == young and young.exists()
    assert reject_settled(inbox / "gone.pdf", "empty file (0 bytes)", folder).path == (
        inbox / "gone.pdf"
    )
    # once settled, the young file goes too
    later = reject_settled(young, "damaged", folder, now=young.stat().st_mtime + 61)
    assert later.path == folder / "young.pdf" and not young.exists()
