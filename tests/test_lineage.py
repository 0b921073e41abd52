"""Each warehouse table's and view's upstream assets are what its SQL reads, and its UI
description is its SQL file's whole leading comment: checked against a plain reading of
the files, independent of pipelines.warehouse.lineage."""

import re
from functools import cache

import dagster as dg
import pytest

from assets.warehouse import WAREHOUSE_TABLES
from pipelines.definitions import defs
from pipelines.warehouse.staging import RELATIONS
from tests.inputs import REPO

SQL = REPO / "sql"
# The staging asset each staging relation is part of: printed cells are the staged cells,
# the rest is the parsed document. A new relation fails here until it is decided.
STAGING = {
    "stg_budget_cells": "stg_budget_cells",
    "stg_extra_cells": "stg_budget_cells",
    "stg_source_tables": "stg_budget_tables",
    "stg_project_rows": "stg_budget_tables",
    "stg_narrative_figures": "stg_budget_tables",
}
# Read but no asset: the loader's hand-off of check results, the table vocabulary.
NOT_ASSETS = {"frame", "seed_budget_tables"}
MACROS = {
    p.stem: p for folder in ("marts/macros", "relations") for p in (SQL / folder).glob("*.sql")
}
SCHEMA = {
    p.stem.split("_", 1)[1]: p
    for p in sorted((SQL / "schema").glob("*.sql"))
    if not p.stem.split("_", 1)[1].startswith(("seq_", "ref_"))
}
VIEWS = {p.stem: p for p in (SQL / "views").glob("*.sql")}


@cache
def graph():
    return defs.resolve_asset_graph()


def parents(asset: str) -> set[str]:
    return {k.to_user_string() for k in graph().get(dg.AssetKey(asset)).parent_keys}


def _code(path) -> str:
    return re.sub(r"--[^\n]*", "", path.read_text(encoding="utf-8"))


def reads(path) -> set[str]:
    """Every `from` / `join` target of a file, through the macros it calls; CTEs, reference
    tables and NOT_ASSETS left out, staging relations as their asset."""
    code = _code(path)
    ctes = set(re.findall(r"(\w+)\s+as\s+\(", code, re.IGNORECASE))
    out: set[str] = set()
    for name in re.findall(r"\b(?:from|join)\s+(\w+)", code, re.IGNORECASE):
        if name in MACROS:
            out |= reads(MACROS[name])
        elif name not in ctes | NOT_ASSETS and not name.startswith("ref_"):
            out.add(STAGING.get(name, name))
    return out


def builds(table: str):
    mart = SQL / "marts" / f"{table}.sql"
    return mart if mart.is_file() else SQL / "load" / f"insert_{table}.sql"


def test_the_tables_are_the_schema_files_in_their_order():
    assert WAREHOUSE_TABLES == tuple(SCHEMA)
    assert set(STAGING) == set(RELATIONS)


@pytest.mark.parametrize("table", list(SCHEMA))
def test_a_tables_upstream_is_what_its_sql_reads(table):
    # a table built from parameters or the loader's frame only is the parsed document's
    assert parents(table) == (reads(builds(table)) or {"stg_budget_tables"})


@pytest.mark.parametrize("view", list(VIEWS))
def test_a_views_upstream_is_what_its_sql_reads(view):
    assert parents(view) == reads(VIEWS[view])


def test_the_derived_lineage_is_the_sqls_not_a_readers_guess():
    # every mart selecting the filed cells reads stg_budget_cells, not the dimensions
    for table in SCHEMA:
        if "filed_cells(" in _code(builds(table)):
            assert "stg_budget_cells" in parents(table), table
    assert parents("fact_project_fund") == {"stg_budget_cells", "dim_project"}
    assert parents("fact_narrative_figure") == {"stg_budget_tables"}
    assert parents("dim_document") == {"stg_budget_tables"}  # parameters only
    assert parents("fact_dq_finding") == {"stg_budget_tables"}  # the loader's frame only
    assert parents("v_year_over_year") == {"v_expenditure_by_function", "v_three_public"}


def test_every_upstream_is_an_asset_and_no_dimension_feeds_a_fact_unread():
    keys = {k.to_user_string() for k in graph().get_all_asset_keys()}
    for asset in [*SCHEMA, *VIEWS]:
        assert parents(asset) <= keys, asset
    for fact in (t for t in SCHEMA if t.startswith("fact_")):
        for dimension in (p for p in parents(fact) if p.startswith("dim_")):
            assert re.search(rf"\b(from|join)\s+{dimension}\b", _code(builds(fact))), fact


def test_the_asset_graph_has_no_cycle():
    done: set[str] = set()

    def visit(asset: str, path: tuple[str, ...]) -> None:
        assert asset not in path, " -> ".join((*path, asset))
        if asset not in done:
            for parent in parents(asset):
                visit(parent, (*path, asset))
            done.add(asset)

    for key in graph().get_all_asset_keys():
        visit(key.to_user_string(), ())


def _leading_comment(path) -> list[str]:
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("--"):
            break
        lines.append(line[2:].strip())
    return lines


@pytest.mark.parametrize("asset", [*SCHEMA, *VIEWS])
def test_a_description_is_the_whole_leading_comment(asset):
    lines = _leading_comment(SCHEMA.get(asset) or VIEWS[asset])
    text = " ".join(lines)
    description = graph().get(dg.AssetKey(asset)).description
    assert description == text[0].upper() + text[1:]
    # its last line, not cut mid-way (a one-line comment's first letter is capitalised)
    assert description.endswith(lines[-1][1:])


def test_the_year_over_year_view_keeps_its_warning():
    description = graph().get(dg.AssetKey("v_year_over_year")).description
    assert description.endswith("null while the previous year is not loaded")
