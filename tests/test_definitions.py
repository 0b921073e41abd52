"""The Dagster definitions load, through workspace.yaml too, and read as the layers they are."""

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import dagster as dg
import yaml

from assets.warehouse import WAREHOUSE_TABLES
from pipelines.definitions import defs
from pipelines.partitions import budget_document_partitions
from pipelines.warehouse.sql_files import read_sql, sql_names
from tests.inputs import REPO

DOCUMENT_CHECKS = {
    "balance",
    "hierarchy",
    "row_identity",
    "cross_table",
    "completeness",
    "narrative_consistency",
    "year_over_year",  # judged by the writer, but of the document: one per partition too
    "final_vs_budget",  # likewise
}


def _keys(graph) -> set[str]:
    return {k.to_user_string() for k in graph.get_all_asset_keys()}


def test_asset_graph_resolves_with_the_layers_as_groups():
    graph = defs.resolve_asset_graph()
    keys = _keys(graph)
    assert {"raw_budget_pdf", "stg_budget_tables", "stg_budget_cells"} <= keys
    groups = {graph.get(k).group_name for k in graph.get_all_asset_keys()}
    assert groups == {"raw", "staging", "warehouse", "reporting"}
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        name = key.to_user_string()
        if name == "parquet_export":  # the one unpartitioned asset: all documents' views
            assert node.group_name == "reporting" and node.partitions_def is None
            continue
        expected = {
            "raw_budget_pdf": "raw",
            "stg_budget_tables": "staging",
            "stg_budget_cells": "staging",
        }.get(name) or ("warehouse" if name.startswith(("dim_", "fact_")) else "reporting")
        assert node.group_name == expected, name
        # one partition per document for the document's own assets; a table or view holds
        # every document and is recorded once per batch
        per_document = expected in ("raw", "staging")
        assert node.partitions_def == (budget_document_partitions if per_document else None), name
        assert node.description, name
        assert node.kinds, name


def test_every_warehouse_table_and_view_is_an_asset():
    keys = _keys(defs.resolve_asset_graph())
    tables = set()
    for name in sql_names("schema"):
        text = read_sql(name)
        if "create table" in text:
            tables.add(text.split("create table if not exists ")[1].split()[0])
    # sql/schema is every table of this release; the reference tables mirror data/reference
    # (the schema step syncs them)
    not_assets = {"ref_department_alias", "ref_three_public_category"}
    assert tables - not_assets == set(WAREHOUSE_TABLES)
    assert set(WAREHOUSE_TABLES) <= keys
    views = {read_sql(n).split("create or replace view ")[1].split()[0] for n in sql_names("views")}
    assert views <= keys
    assert {"v_project_budget", "dq_check_result"} <= views


def test_lineage_runs_from_the_pdf_to_the_views():
    graph = defs.resolve_asset_graph()

    def parents(name):
        return {k.to_user_string() for k in graph.get(dg.AssetKey(name)).parent_keys}

    assert parents("stg_budget_tables") == {"raw_budget_pdf"}
    assert parents("stg_budget_cells") == {"stg_budget_tables"}
    # read from the SQL (tests/test_lineage.py): a mart reads the staged cells
    assert parents("dim_document") == {"stg_budget_tables"}
    assert parents("fact_project_fund") == {"stg_budget_cells", "dim_project"}
    assert {"fact_project_fund", "dim_project", "dim_document"} <= parents("v_project_budget")
    assert parents("dq_check_result") == {"fact_dq_check"}
    assert parents("dq_finding") == {"fact_dq_finding"}
    assert parents("fact_dq_finding") == {"stg_budget_tables"}


def test_checks_are_named_and_attached():
    graph = defs.resolve_asset_graph()
    checks = {(k.asset_key.to_user_string(), k.name) for k in graph.asset_check_keys}
    assert {("stg_budget_tables", name) for name in DOCUMENT_CHECKS} <= checks
    integrity = {asset for asset, name in checks if name == "referential_integrity"}
    check_results = {"fact_dq_check", "fact_dq_finding"}  # keyed by department, no document_id
    assert integrity == {t for t in WAREHOUSE_TABLES if t.startswith("fact_")} - check_results
    partitioned = {
        (k.asset_key.to_user_string(), k.name)
        for k in graph.asset_check_keys
        if graph.get(k).partitions_def is not None
    }
    assert partitioned == {("stg_budget_tables", name) for name in DOCUMENT_CHECKS}


def test_job_sensor_schedule_resolve():
    job = defs.resolve_job_def("budget_document_job")
    assert job.partitions_def == budget_document_partitions
    assert defs.resolve_sensor_def("budget_inbox_sensor")
    schedule = defs.resolve_schedule_def("budget_yearly_schedule")
    assert schedule.cron_schedule == "0 6 1 3 *"


def test_instance_config_limits_the_warehouse_pool_to_one():
    config = yaml.safe_load((REPO / "dagster.yaml").read_text(encoding="utf-8"))
    assert config["concurrency"]["pools"]["default_limit"] == 1


def test_no_dg_or_dagster_tool_tables_in_pyproject():
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert "dg" not in pyproject.get("tool", {})
    assert "dagster" not in pyproject.get("tool", {})
    workspace = yaml.safe_load((REPO / "workspace.yaml").read_text(encoding="utf-8"))
    assert workspace["load_from"] == [
        {"python_module": {"module_name": "pipelines.definitions", "location_name": "budget_etl"}}
    ]


def test_dagster_definitions_validate_through_the_workspace(tmp_path):
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path)}
    (tmp_path / "dagster.yaml").write_text((REPO / "dagster.yaml").read_text(encoding="utf-8"))
    dagster = Path(sys.executable).with_name("dagster")
    proc = subprocess.run(
        [str(dagster), "definitions", "validate", "-w", "workspace.yaml"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Validation successful for code location budget_etl" in proc.stdout + proc.stderr


def _doc_asset_table() -> dict[str, set[str]]:
    """docs/pipeline.md's asset table: group -> the asset names its rows give."""
    groups: dict[str, set[str]] = {}
    text = (REPO / "docs" / "pipeline.md").read_text(encoding="utf-8")
    section = text.split("| group | assets |", 1)[1].split("\n\n", 1)[0]
    for group, assets in re.findall(r"^\| `(\w+)` \| ([^|]+) \|", section, re.M):
        groups.setdefault(group, set()).update(re.findall(r"`(\w+)`", assets))
    return groups


def test_the_docs_asset_table_names_every_asset_of_each_group():
    graph = defs.resolve_asset_graph()
    in_graph: dict[str, set[str]] = {}
    for key in graph.get_all_asset_keys():
        in_graph.setdefault(graph.get(key).group_name, set()).add(key.to_user_string())
    assert _doc_asset_table() == in_graph


def test_the_readme_names_every_check_a_document_runs():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    bullet = text.split("- Every document runs ", 1)[1].split("`docs/pipeline.md`)", 1)[0]
    count, _ = bullet.split(" named checks", 1)
    names = set(re.findall(r"`(\w+)`", bullet))
    checks = {k.name for k in defs.resolve_asset_graph().asset_check_keys}
    assert names == checks
    assert count == NUMBER_WORDS[len(checks)]


NUMBER_WORDS = dict(enumerate("zero one two three four five six seven eight nine ten".split()))
