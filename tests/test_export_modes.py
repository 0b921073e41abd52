"""Exported files get the mode any new file gets under the user's umask (issue #22 item
11), not the 0600 of the temporary file they are written as."""

import os

import pytest

from tests.test_export import export, warehouse  # noqa: F401 - the fixture


@pytest.mark.parametrize("fmt", ["parquet", "csv", "xlsx"])
def test_exported_files_follow_the_umask(warehouse, tmp_path, fmt):  # noqa: F811
    previous = os.umask(0o027)
    try:
        assert export(warehouse, tmp_path, fmt) == 0
    finally:
        os.umask(previous)
    modes = {oct(p.stat().st_mode & 0o777) for p in tmp_path.iterdir()}
    assert modes == {oct(0o640)}
