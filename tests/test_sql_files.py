"""The sql/ folder as the product runs it: one lowercase statement per file, every view and
analysis answering on an empty and a loaded warehouse, every load statement used."""

import copy
import re

import duckdb
import pytest

from pipelines.warehouse import load as load_module
from pipelines.warehouse import sql_files
from pipelines.warehouse.checks import record_check_results
from pipelines.warehouse.load import load_document
from tests.warehouse_helpers import (
    ROUNDING_TAIL,
    make_extraction,
    read_doc,
    warehouse,
)


def _sql_files(folder: str) -> list[str]:
    return sql_files.sql_names(folder)


# a column group of sql/schema/columns is no statement: it is checked in the DDL including it
@pytest.mark.parametrize(
    "name",
    sorted(
        str(p.relative_to(sql_files.SQL_ROOT).with_suffix(""))
        for p in sql_files.SQL_ROOT.rglob("*.sql")
        if p.parent.relative_to(sql_files.SQL_ROOT).as_posix() != "schema/columns"
    ),
)
def test_every_sql_file_is_one_lowercase_statement(name):
    text = sql_files.read_sql(name)
    statements = duckdb.connect().extract_statements(text)
    assert len(statements) == 1, name
    code = re.sub(r"--[^\n]*|'[^']*'", "", text)
    assert code == code.lower(), f"{name}: SQL keywords and names are lowercase"


@pytest.mark.parametrize("name", _sql_files("views") + _sql_files("analyses"))
def test_views_and_analyses_run_on_an_empty_and_a_loaded_warehouse(tmp_path, name):
    con = warehouse(tmp_path)
    query = sql_files.read_sql(name)
    if name.startswith("views/"):
        con.execute(query)  # create or replace: rerunnable
        query = f"select * from {name.removeprefix('views/')}"
    assert con.execute(query).fetchall() == []
    doc = copy.deepcopy(read_doc())  # the seed prints no other table: one, for v_other_table
    doc["extra_tables"] = [
        {
            "title": "机关运行经费预算表",
            "columns": ["金额"],
            "rows": [{"label": "合计", "values": ["1.00"]}],
        }
    ]
    load_document(con, make_extraction(doc))
    if name == "views/v_budget_vs_actual":  # plan against spending: the final accounts too
        load_document(con, make_extraction(doc | {"stage": "final"}))
    record_check_results(con, doc["department"], 2023, [ROUNDING_TAIL])
    assert con.execute(query).fetchall()


def test_every_load_statement_runs_during_load_and_check_recording(tmp_path, monkeypatch):
    used = set()
    real = sql_files.read_sql

    def spy(name):
        used.add(name)
        return real(name)

    monkeypatch.setattr(load_module, "read_sql", spy)
    monkeypatch.setattr("pipelines.warehouse.checks.read_sql", spy)
    monkeypatch.setattr("pipelines.warehouse.relations.read_sql", spy)
    doc = copy.deepcopy(read_doc())
    doc["extra_tables"] = [
        {"title": "t", "columns": ["a"], "rows": [{"label": "x", "values": ["1.00"]}]}
    ]
    doc["narrative_figures"] = [
        {"topic": "income_total", "figure": "1.00", "unit": "万元", "page": 1, "sentence": "s"}
    ]
    con = warehouse(tmp_path)
    load_document(con, make_extraction(doc))
    load_document(con, make_extraction(doc, name="again.pdf"))
    edition = copy.deepcopy(doc)  # a new edition: weighed against the loaded one
    edition["tables"]["t07_three_public"]["rows"][1]["values"][0] = "99.99"
    load_document(con, make_extraction(edition, name="revised.pdf"))
    record_check_results(con, doc["department"], 2023, [ROUNDING_TAIL])
    folders = ("load", "marts", "marts/macros")
    assert used == {name for folder in folders for name in _sql_files(folder)}
