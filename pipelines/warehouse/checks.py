"""Record data-quality check results per document (fact_dq_check, view dq_check_result)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

import duckdb

from pipelines.budget_doc import BUDGET_STAGE, DEPARTMENT_BUDGET, DOCUMENT_KIND_WORDS, STAGES
from pipelines.warehouse.relations import create_relation, drop_relation
from pipelines.warehouse.sql_files import read_sql

SEVERITIES = ("ERROR", "WARN")
# A check row as handed to sql/load/insert_fact_dq_check.sql (times as text, cast there).
_ROW_COLUMNS = {
    "department": "varchar",
    "fiscal_year": "integer",
    "sha256": "varchar",
    "check_name": "varchar",
    "severity": "varchar",
    "passed": "boolean",
    "detail": "varchar",
    "checked_at": "varchar",
    "document_kind": "varchar",
    "loaded_at": "varchar",
    "stage": "varchar",
}


def _as_dict(result: object) -> dict:
    if isinstance(result, Mapping):
        return dict(result)
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        return dataclasses.asdict(result)
    raise TypeError(f"check result must be a mapping or a dataclass, not {type(result).__name__}")


def record_check_results(
    con: duckdb.DuckDBPyConnection,
    department: str,
    fiscal_year: int,
    results: Iterable[Mapping | object],
    *,
    document_kind: str = DEPARTMENT_BUDGET,
    stage: str = BUDGET_STAGE,
    sha256: str | None = None,
    checked_at: datetime | None = None,
    in_open_transaction: bool = False,
) -> int:
    """Replace the check rows of one document (department × fiscal_year × document_kind ×
    stage) in one transaction.

    Args:
        con: a writable warehouse connection (`pipelines.warehouse.connection.connect`).
        department: the document's department, exactly as in budget-doc/1 `department`.
        fiscal_year: the document's fiscal year.
        results: dicts or dataclass instances, each with
            `check_name` (str), `severity` ('ERROR' or 'WARN'), `passed` (bool) and
            `detail` (str, may be empty). Check names must be unique within the call.
        document_kind: 'department' (部门预算) or 'unit' (单位预算), as in dim_document; a
            body's two kinds of one year keep their own check rows.
        stage: 'budget' (预算) or 'final' (决算), as in dim_document; a budget and the final
            accounts of one year keep their own check rows.
        sha256: the edition the checks ran on; defaults to the loaded document's sha256
            (None when the document is not loaded yet: checks may run before the load).
            Each row also gets that edition's dim_document.loaded_at (NULL when the
            edition checked is not the one loaded), so a row shows which load it judged.
        checked_at: timestamp stored with each row (default: now, UTC).
        in_open_transaction: write inside the caller's open transaction instead of one of
            its own (the batch service commits a document and its checks together).

    Every previous row of that department × fiscal_year × kind × stage is deleted and the
    given results inserted, atomically; an empty `results` clears the document's checks.
    Returns the number of rows written. Raises ValueError for a malformed result or an
    unknown kind or stage (nothing written).
    `load_document` never touches these rows.
    """
    if document_kind not in DOCUMENT_KIND_WORDS:
        kinds = ", ".join(DOCUMENT_KIND_WORDS)
        raise ValueError(f"document_kind {document_kind!r} is not one of {kinds}")
    if stage not in STAGES:
        raise ValueError(f"stage {stage!r} is not one of {', '.join(STAGES)}")
    checked_at = checked_at or datetime.now(UTC).replace(tzinfo=None)
    rows = []
    seen: set[str] = set()
    for result in results:
        item = _as_dict(result)
        missing = {"check_name", "severity", "passed"} - item.keys()
        if missing:
            raise ValueError(f"check result without {', '.join(sorted(missing))}: {item!r}")
        name = str(item["check_name"])
        if name in seen:
            raise ValueError(f"check {name!r} given twice")
        seen.add(name)
        severity = str(item["severity"]).upper()
        if severity not in SEVERITIES:
            raise ValueError(f"check {name!r}: severity {item['severity']!r} not ERROR/WARN")
        rows.append(
            {
                "department": department,
                "fiscal_year": int(fiscal_year),
                "check_name": name,
                "severity": severity,
                "passed": bool(item["passed"]),
                "detail": "" if item.get("detail") is None else str(item["detail"]),
                "checked_at": checked_at.isoformat(sep=" "),
                "document_kind": document_kind,
                "stage": stage,
            }
        )

    key = {
        "department": department,
        "fiscal_year": int(fiscal_year),
        "document_kind": document_kind,
        "stage": stage,
    }
    if in_open_transaction:
        _replace_rows(con, key, rows, sha256)
        return len(rows)
    con.begin()
    try:
        _replace_rows(con, key, rows, sha256)
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return len(rows)


def _replace_rows(con: duckdb.DuckDBPyConnection, key: dict, rows: list[dict], sha256) -> None:
    loaded_sha256, loaded_at = con.execute(
        read_sql("load/select_document_edition"), key
    ).fetchone() or (None, None)
    if sha256 is None:
        sha256 = loaded_sha256
    if sha256 != loaded_sha256:
        loaded_at = None
    con.execute(read_sql("load/delete_fact_dq_check"), key)
    if rows:
        stamp = loaded_at.isoformat(sep=" ") if loaded_at else None
        edition = {"sha256": sha256, "loaded_at": stamp}
        create_relation(con, "frame", _ROW_COLUMNS, [row | edition for row in rows])
        con.execute(read_sql("load/insert_fact_dq_check"))
        drop_relation(con, "frame")  # on an error the caller's rollback drops it
