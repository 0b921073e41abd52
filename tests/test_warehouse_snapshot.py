"""The samples' warehouse is identical, row for row, to the one kept in the repository.

Guards refactors of the loader, the SQL and the checks: a change meant to alter the
warehouse rewrites tests/fixtures/sample_warehouse/ (`python -m tests.warehouse_snapshot`)
and its diff is reviewed with the change.
"""

import pytest

from tests.warehouse_snapshot import fresh_snapshot, kept_snapshot


@pytest.fixture(scope="module")
def fresh():
    return fresh_snapshot()


def test_same_tables_and_views(fresh):
    assert sorted(fresh) == sorted(kept_snapshot())


@pytest.mark.parametrize("relation", sorted(kept_snapshot()))
def test_relation_identical(fresh, relation):
    kept = kept_snapshot()[relation].splitlines()
    now = fresh[relation].splitlines()
    assert now[0] == kept[0], f"{relation}: columns changed"
    assert now == kept, f"{relation}: {len(set(now) ^ set(kept))} rows differ"
