"""A clone works wherever it sits: no file names a path of the machine it was written on,
and the tests that need ../shared say so instead of failing."""

import re

import pytest

from tests.inputs import REPO, shared_absent

# Home and work folders of the machines the repo was written on, and a user's own home.
MACHINE_PATH = re.compile("|".join(("/" + "work/", "/" + "home/[a-z]", "/" + "Users/")))
SKIPPED_DIRS = {".git", ".venv", ".hypothesis", ".ruff_cache", ".pytest_cache", "__pycache__"}
TEXT_SUFFIXES = {".py", ".md", ".sql", ".csv", ".toml", ".yaml", ".yml", ".json", ".sh", ""}


def _text_files():
    for path in REPO.rglob("*"):
        parts = set(path.relative_to(REPO).parts)
        if path.is_file() and not parts & SKIPPED_DIRS and path.suffix in TEXT_SUFFIXES:
            yield path


def test_no_file_names_a_machine_path():
    found = [
        f"{path.relative_to(REPO)}:{number}"
        for path in _text_files()
        for number, line in enumerate(path.read_text("utf-8", "replace").splitlines(), 1)
        if MACHINE_PATH.search(line)
    ]
    assert not found, f"machine paths: {found}"


def test_the_skip_reason_names_the_absent_folder(monkeypatch):
    monkeypatch.setattr("tests.inputs.REAL", REPO.parent / "elsewhere" / "real")
    assert shared_absent() == "elsewhere/real absent (it sits beside the repo: ../shared)"


@pytest.mark.real
def test_shared_is_complete_where_it_is_present():
    assert shared_absent() == ""
