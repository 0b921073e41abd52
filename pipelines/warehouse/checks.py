"""Record data-quality check results per document: one row per check (fact_dq_check, view
dq_check_result) and one per finding (fact_dq_finding, view dq_finding), written together."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

import duckdb

from pipelines.budget_doc import BUDGET_STAGE, DEPARTMENT_BUDGET, DOCUMENT_KIND_WORDS, STAGES
from pipelines.warehouse.findings import (
    SEVERITIES,
    as_dict,
    create_findings_relation,
    validated_findings,
)
from pipelines.warehouse.relations import create_relation, drop_relation
from pipelines.warehouse.sql_files import read_sql

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
            `check_name` (str), `passed` (bool), `severity` ('ERROR' or 'WARN': how a
            failed check failed; a passed check is stored without one, whatever it says)
            `detail` (str, may be empty) and optionally `findings`: the rows it found
            broken, as `pipelines.warehouse.findings.check_rows` gives them
            (`validated_findings` says what a finding needs). Check names must be unique
            within the call.
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

    Every previous check and finding row of that department × fiscal_year × kind × stage is
    deleted and the given results and their findings inserted, atomically (a reload
    replaces, never duplicates); an empty `results` clears the document's checks. Returns
    the number of check rows written. Raises ValueError for a malformed result or an
    unknown kind or stage (nothing written).
    `load_document` never touches these rows.
    """
    if document_kind not in DOCUMENT_KIND_WORDS:
        kinds = ", ".join(DOCUMENT_KIND_WORDS)
        raise ValueError(f"document_kind {document_kind!r} is not one of {kinds}")
    if stage not in STAGES:
        raise ValueError(f"stage {stage!r} is not one of {', '.join(STAGES)}")
    checked_at = checked_at or datetime.now(UTC).replace(tzinfo=None)
    rows, findings = [], []
    seen: set[str] = set()
    for result in results:
        item = as_dict(result)
        missing = {"check_name", "passed"} - item.keys()
        if missing:
            raise ValueError(f"check result without {', '.join(sorted(missing))}: {item!r}")
        name = str(item["check_name"])
        if name in seen:
            raise ValueError(f"check {name!r} given twice")
        seen.add(name)
        severity = None if item["passed"] else str(item.get("severity")).upper()
        if severity not in (None, *SEVERITIES):
            raise ValueError(f"check {name!r}: severity {item.get('severity')!r} not ERROR/WARN")
        findings += validated_findings(name, severity, item.get("findings") or ())
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
        _replace_rows(con, key, rows, findings, sha256, checked_at)
        return len(rows)
    con.begin()
    try:
        _replace_rows(con, key, rows, findings, sha256, checked_at)
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return len(rows)


def _replace_rows(
    con, key: dict, rows: list[dict], findings: list[dict], sha256, checked_at
) -> None:
    _, loaded_sha256, loaded_at = con.execute(
        read_sql("load/select_document_edition"), key
    ).fetchone() or (None, None, None)
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
    con.execute(read_sql("load/delete_fact_dq_finding"), key)
    edition = {"sha256": sha256, "checked_at": checked_at, "loaded_at": loaded_at}
    _insert_findings(con, key, findings, edition)


def _insert_findings(con, key: Mapping, findings: list[dict], edition: Mapping) -> None:
    if not findings:
        return
    create_findings_relation(con, "frame", key, findings, edition)
    con.execute(read_sql("load/insert_fact_dq_finding"))
    drop_relation(con, "frame")  # on an error the caller's rollback drops it


def replace_check_result(
    con: duckdb.DuckDBPyConnection, key: Mapping, result: Mapping, checked_at: datetime
) -> None:
    """Replace one stored check row of a document (`key`: department, fiscal_year,
    document_kind, stage) and its findings, inside the caller's transaction: a writer check
    judged again once the document it is set against is loaded. The row keeps the edition
    it judged (sha256, loaded_at); nothing is written when the document has no such row."""
    name = str(result["check_name"])
    severity = None if result["passed"] else result["severity"]
    findings = validated_findings(name, severity, result.get("findings") or ())
    where = dict(key) | {"check_name": name}
    con.execute(
        read_sql("checks/update_writer_check"),
        where
        | {
            "severity": severity,
            "passed": bool(result["passed"]),
            "detail": str(result.get("detail") or ""),
            "checked_at": checked_at,
        },
    )
    con.execute(read_sql("checks/delete_check_findings"), where)
    edition = con.execute(read_sql("checks/select_check_edition"), where).fetchall()
    if edition:  # fetched to the end: the connection registers the findings next
        ((sha256, loaded_at),) = edition
        stamps = {"sha256": sha256, "checked_at": checked_at, "loaded_at": loaded_at}
        _insert_findings(con, key, findings, stamps)
