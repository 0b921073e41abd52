"""`{{ folder/name }}` in a sql/ file: the column groups the fact tables share, written once.

The reader expands them (pipelines.warehouse.sql_files); tests/test_schema_upgrade.py proves
the expanded sql/schema creates exactly the tables the migrations give an old warehouse.
"""

import re

import pytest

from pipelines.warehouse import sql_files
from pipelines.warehouse.sql_files import SQL_ROOT, read_sql, sql_names


@pytest.fixture
def sql_root(tmp_path, monkeypatch):
    """A sql/ folder of the test's own, read afresh (read_sql caches what it read)."""
    monkeypatch.setattr(sql_files, "SQL_ROOT", tmp_path)
    read_sql.cache_clear()
    yield tmp_path
    read_sql.cache_clear()


def _write(root, name: str, text: str) -> None:
    path = root / f"{name}.sql"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_an_include_is_the_files_lines_but_its_comments_nested_in_place(sql_root):
    _write(
        sql_root,
        "groups/amount",
        "-- an amount and its unit\n    amount decimal(18, 2),\n    unit varchar\n",
    )
    _write(
        sql_root,
        "groups/cell",
        "-- a cell: where it is and its amount\n    row_index integer not null,\n"
        "    {{ groups/amount }}\n",
    )
    _write(
        sql_root,
        "schema/t",
        "-- one row per cell\ncreate table t (\n    id integer,\n    {{groups/cell}}\n)\n",
    )
    assert read_sql("schema/t") == (
        "-- one row per cell\ncreate table t (\n    id integer,\n    row_index integer not null,\n"
        "    amount decimal(18, 2),\n    unit varchar\n)\n"
    )


def test_a_missing_include_names_both_files(sql_root):
    _write(sql_root, "schema/t", "create table t (\n    {{ groups/nowhere }}\n)\n")
    with pytest.raises(FileNotFoundError) as raised:
        read_sql("schema/t")
    assert str(raised.value) == (
        "sql/schema/t.sql: includes {{ groups/nowhere }}, but sql/groups/nowhere.sql does not exist"
    )


def test_every_include_of_the_repository_resolves_and_every_group_is_used():
    names = [str(p.relative_to(SQL_ROOT).with_suffix("")) for p in SQL_ROOT.rglob("*.sql")]
    included = set()
    for name in names:
        assert "{{" not in read_sql(name), name
        raw = (SQL_ROOT / f"{name}.sql").read_text(encoding="utf-8")
        included |= set(re.findall(r"\{\{\s*([\w/]+)\s*\}\}", raw))
    # a table still as the migration that created it: its sql/schema file includes that DDL
    # as written (migration 011's fact_dq_finding), instead of a second copy of it
    adopted = {name for name in included if name.startswith("migrations/")}
    assert all(read_sql(name).count("create table if not exists") == 1 for name in adopted)
    assert included - adopted == set(sql_names("schema/columns"))
