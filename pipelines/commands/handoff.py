"""`budget handoff PATH... --out DIR` and `budget publish DIR`: the Parquet hand-off of
docs/scaling.md from a shell, through the functions the cluster assets run
(assets/publish.py): `handoff_batch` parses, checks and writes one file per document on any
host; `publish_folder` verifies each pending file and writes it into the one warehouse.
One line per file; exit status 1 when any file was not handed off or not published.
"""

from __future__ import annotations

import sys

import duckdb

from pipelines.errors import WarehouseError, printable
from pipelines.handoff import handoff_batch, handoff_folder, publish_folder
from pipelines.inbox import search_pdfs
from pipelines.limits import ParseLimits
from pipelines.warehouse.connection import Warehouse, warehouse_path
from pipelines.warehouse.storage import StorageRewriteError


def run_handoff(args, out=None) -> int:
    """Parse and check every PDF of `args.paths` and write its hand-off file into --out."""
    out = out or sys.stdout
    files, problems = search_pdfs(args.paths)
    for path, why in problems:
        print(printable(f"failed: {path}: {why}"), file=out, flush=True)
    if not files and not problems:
        print(printable(f"no PDF found in {' '.join(args.paths)}"), file=sys.stderr)
        return 1
    ok = not problems
    folder = handoff_folder(args.out)
    try:
        for result in handoff_batch(
            files, folder, password=args.password, workers=args.workers,
            limits=ParseLimits.from_env(),
        ):  # fmt: skip
            ok = ok and (result.path is not None or result.parsed.status == "skipped")
            print(printable(result.line), file=out, flush=True)
    except OSError as exc:  # the folder cannot be written: every later file would fail too
        print(printable(f"budget handoff: {folder} cannot be written: {exc}"), file=sys.stderr)
        return 1
    return 0 if ok else 1


def run_publish(args, out=None) -> int:
    """Verify every pending hand-off file of `args.folder` and write it into the warehouse."""
    out = out or sys.stdout
    folder = handoff_folder(args.folder)
    if not folder.is_dir():
        print(printable(f"budget publish: {folder} is not a folder"), file=sys.stderr)
        return 1
    ok = True
    try:
        with Warehouse(args.warehouse).migrated_connection() as (con, step):
            if step.rewrite is not None:
                print(printable(f"rewritten: {step.path} {step.rewrite.text}"), file=out)
            for result in publish_folder(con, folder):
                ok = ok and result.report is not None
                print(printable(result.line), file=out, flush=True)
    except (WarehouseError, StorageRewriteError, duckdb.Error, OSError) as exc:
        reason = getattr(exc, "reason", None) or str(exc).strip().splitlines()[0]
        where = warehouse_path(args.warehouse)
        print(
            printable(f"budget publish: warehouse {where} cannot be written: {reason}"),
            file=sys.stderr,
        )
        return 1
    return 0 if ok else 1
