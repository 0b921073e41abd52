"""Markers and the guard that lets a clone without ../shared pass: a test marked `real`
is skipped, naming the absent folder, before any fixture of it runs."""

import pytest

from tests.inputs import shared_absent


def pytest_configure(config):
    for line in (
        "real: reads ../shared (the real PDFs, the seed's truth); skipped when it is absent",
        "ui: drives the Dagster webserver (and Chromium for the browser test)",
        "slow: whole loads in subprocesses, Dagster runs, a venv of an old DuckDB, scans read "
        "by OCR (seconds each)",
    ):
        config.addinivalue_line("markers", line)


def pytest_runtest_setup(item):
    if item.get_closest_marker("real") and (why := shared_absent()):
        pytest.skip(why)


@pytest.fixture(scope="session")
def ui(tmp_path_factory):
    """`dagster dev` with the UI tests' inbox loaded (tests/dagster_dev.py), one per session
    for every UI test module; imported here only when a UI test asks for it."""
    from tests.dagster_dev import start_ui

    yield from start_ui(tmp_path_factory)


@pytest.fixture(scope="session")
def browser(ui, tmp_path_factory):
    from tests.dagster_dev import start_browser

    yield from start_browser(tmp_path_factory)
