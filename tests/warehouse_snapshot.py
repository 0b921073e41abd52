"""The warehouse `budget load data/samples` builds, as one CSV per table and view.

tests/test_warehouse_snapshot.py compares a fresh load against the CSVs kept in
tests/fixtures/sample_warehouse/, so a refactor that changes a single row, column or
value of any table or view fails. A change meant to alter the warehouse rewrites them
(`python -m tests.warehouse_snapshot`) and the diff of the CSVs shows what it altered.
Columns that hold the time of the load are left out; source paths are kept relative.
"""

import csv
import io
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb

from tests.inputs import REPO

SNAPSHOT = REPO / "tests" / "fixtures" / "sample_warehouse"
# when the load ran, and the fingerprint of the view text: not the warehouse's content
VOLATILE = {"loaded_at", "checked_at", "upgraded_at", "views_sha256"}

_RELATIONS = "select table_name from information_schema.tables order by table_name"


def load_samples(warehouse: Path) -> None:
    """`budget load data/samples` from the repository root, as a user runs it."""
    subprocess.run(
        [str(Path(sys.executable).parent / "budget"), "load", "data/samples"]
        + ["--warehouse", str(warehouse)],
        cwd=REPO,
        check=True,
        capture_output=True,
    )


def snapshot(warehouse: Path) -> dict[str, str]:
    """Every table and view as CSV text (header + rows ordered by every column)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        out = {}
        for (name,) in con.execute(_RELATIONS).fetchall():
            columns = [
                c for (c,) in con.execute(
                    "select column_name from information_schema.columns "
                    "where table_name = ? order by ordinal_position",
                    [name],
                ).fetchall()
                if c not in VOLATILE
            ]  # fmt: skip
            quoted = ", ".join(f'"{c}"' for c in columns)
            rows = con.execute(f'select {quoted} from "{name}" order by all').fetchall()
            text = io.StringIO()
            writer = csv.writer(text, lineterminator="\n")
            writer.writerow(columns)
            writer.writerows(["" if v is None else str(v) for v in row] for row in rows)
            out[name] = text.getvalue()
        return out
    finally:
        con.close()


def fresh_snapshot() -> dict[str, str]:
    with tempfile.TemporaryDirectory() as tmp:
        warehouse = Path(tmp) / "budget.duckdb"
        load_samples(warehouse)
        return snapshot(warehouse)


def kept_snapshot() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(SNAPSHOT.glob("*.csv"))}


if __name__ == "__main__":
    SNAPSHOT.mkdir(parents=True, exist_ok=True)
    for old in SNAPSHOT.glob("*.csv"):
        old.unlink()
    for name, text in fresh_snapshot().items():
        (SNAPSHOT / f"{name}.csv").write_text(text, encoding="utf-8")
    print(f"wrote {len(list(SNAPSHOT.glob('*.csv')))} relations to {SNAPSHOT}")
