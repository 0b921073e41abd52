"""`dagster-webserver -w workspace.yaml` serves the whole graph: every asset and check."""

import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from pipelines.definitions import defs
from tests.inputs import REPO
from tests.webserver_helpers import WORKSPACE_STATE, free_port, graphql, locations_loaded

pytestmark = pytest.mark.ui

QUERY = (
    "{"
    + WORKSPACE_STATE
    + """
  repositoriesOrError {
    __typename
    ... on RepositoryConnection {
      nodes {
        name
        location { name }
        assetNodes {
          assetKey { path }
          groupName
          assetChecksOrError {
            __typename
            ... on AssetChecks { checks { name } }
          }
        }
      }
    }
  }
}
"""
)


def test_webserver_serves_every_asset_and_check(tmp_path):
    webserver = Path(sys.executable).with_name("dagster-webserver")
    if not webserver.exists():
        pytest.skip("dagster-webserver not installed")
    shutil.copy(REPO / "dagster.yaml", tmp_path / "dagster.yaml")
    port = free_port()
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path)}
    log = (tmp_path / "webserver.log").open("w")
    proc = subprocess.Popen(
        [str(webserver), "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        data = None
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail((tmp_path / "webserver.log").read_text())
            try:
                data = graphql(port, QUERY)
                if locations_loaded(data):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError, KeyError):
                pass
            time.sleep(0.5)
        else:
            pytest.fail("code location did not load within 60 s")
        (repo,) = data["repositoriesOrError"]["nodes"]
        assert repo["location"]["name"] == "budget_etl"
        served = {"/".join(n["assetKey"]["path"]): n for n in repo["assetNodes"]}
        graph = defs.resolve_asset_graph()
        expected = {k.to_user_string() for k in graph.get_all_asset_keys()}
        assert set(served) == expected
        assert {n["groupName"] for n in served.values()} == {
            "raw",
            "staging",
            "warehouse",
            "reporting",
        }
        checks = {
            (key, check["name"])
            for key, node in served.items()
            for check in (node["assetChecksOrError"].get("checks") or [])
        }
        assert checks == {(k.asset_key.to_user_string(), k.name) for k in graph.asset_check_keys}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
