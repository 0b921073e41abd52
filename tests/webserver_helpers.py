"""Talking to a Dagster webserver started by a test: a free loopback port, a GraphQL query."""

import json
import socket
import urllib.request

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def graphql(port: int, query: str) -> dict:
    """The `data` of one GraphQL query to the webserver on 127.0.0.1:`port`."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())["data"]


# The code locations and whether each loaded: part of a query's top-level selection.
WORKSPACE_STATE = """
  workspaceOrError {
    __typename
    ... on Workspace {
      locationEntries {
        name
        loadStatus
        locationOrLoadError {
          __typename
          ... on PythonError { message }
        }
      }
    }
  }
"""


def locations_loaded(data: dict) -> bool:
    """True once every code location has loaded; fails the test on a location's load error."""
    entries = data["workspaceOrError"].get("locationEntries") or []
    for entry in entries:
        error = entry.get("locationOrLoadError") or {}
        if error.get("__typename") == "PythonError":
            pytest.fail(f"code location failed to load: {error['message']}")
    return bool(entries) and all(e["loadStatus"] == "LOADED" for e in entries)
