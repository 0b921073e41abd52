"""Settings are read in one place (pipelines/settings.py), the way docs/pipeline.md says."""

import re
from pathlib import Path

import pytest

from pipelines import settings
from pipelines.inbox import inbox_folder
from pipelines.limits import ParseLimits
from pipelines.warehouse.connection import warehouse_path
from tests.inputs import REPO

# Dagster's own variable, which `budget load` only asks about (is there an instance?).
DAGSTER_OWN = {"DAGSTER_HOME"}


def _documented() -> set[str]:
    text = (REPO / "docs" / "pipeline.md").read_text(encoding="utf-8")
    section = text.split("### Settings", 1)[1].split("\n#", 1)[0]
    return set(re.findall(r"^\| `(BUDGET_[A-Z_]+)` \|", section, re.M))


def test_the_docs_table_lists_every_setting_and_no_other():
    assert _documented() == {s.env for s in settings.SETTINGS}


def test_no_other_module_reads_the_environment():
    readers = {}
    for path in [*(REPO / "pipelines").rglob("*.py"), *(REPO / "assets").rglob("*.py")]:
        if path.name == "settings.py":
            continue
        text = path.read_text(encoding="utf-8")
        names = set(re.findall(r"environ(?:\.get)?\(\s*\"([A-Z_]+)\"|getenv\(\"([A-Z_]+)\"", text))
        reads = {n for pair in names for n in pair if n} - DAGSTER_OWN
        if reads or re.search(r"environ\.get\((?!\")|getenv\((?!\")|environ\[", text):
            readers[str(path.relative_to(REPO))] = reads or "a variable by name"
        assert '"BUDGET_' not in text, f"{path.relative_to(REPO)} names a BUDGET_ variable"
    assert readers == {}


def test_a_flag_beats_the_variable_which_beats_the_default(monkeypatch, tmp_path):
    monkeypatch.delenv(settings.WAREHOUSE.env, raising=False)
    assert warehouse_path(None) == Path(settings.WAREHOUSE.default)
    monkeypatch.setenv(settings.WAREHOUSE.env, str(tmp_path / "env.duckdb"))
    assert warehouse_path(None) == tmp_path / "env.duckdb"
    assert warehouse_path(tmp_path / "flag.duckdb") == tmp_path / "flag.duckdb"


def test_an_empty_variable_counts_as_unset(monkeypatch):
    monkeypatch.setenv(settings.INBOX.env, "")
    assert str(inbox_folder()) == settings.INBOX.default
    monkeypatch.setenv(settings.PARSE_LIMITS["max_pages"].env, "")
    assert ParseLimits.from_env().max_pages == ParseLimits().max_pages


@pytest.mark.parametrize("field", settings.PARSE_LIMITS)
def test_each_limit_is_read_from_its_variable_and_a_flag_beats_it(monkeypatch, field):
    setting = settings.PARSE_LIMITS[field]
    monkeypatch.setenv(setting.env, "7")
    assert getattr(ParseLimits.from_env(), field) == 7
    assert getattr(ParseLimits.from_env(**{field: 9}), field) == 9
