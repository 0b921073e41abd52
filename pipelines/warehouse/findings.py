"""Check findings as warehouse rows (fact_dq_finding, view dq_finding): one row per offending
row a check reports, with the figures it compared exact, so "which rows failed, by how much"
is a query.

`check_rows` turns check outcomes into the rows `record_check_results` writes, each check
with its findings: the batch writer, the Parquet hand-off and its publisher all pass these.
`validated_findings` is what the writer accepts of them; `stored_findings` reads a document's
findings back (what the UI shows of a check is rendered from those rows).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

import duckdb

from pipelines.quality.outcome import ERROR, WARN, CheckOutcome, finding_kind
from pipelines.warehouse.relations import create_relation
from pipelines.warehouse.sql_files import read_sql

SEVERITIES = (ERROR, WARN)
# The columns of one finding, in the order of the view dq_finding (after the document's key
# and the check's name); the hand-off file carries the same.
FINDING_FIELDS = (
    "finding_index",
    "severity",
    "finding_kind",
    "table_key",
    "row_label",
    "column_name",
    "rule",
    "expected",
    "actual",
    "difference",
    "tolerance",
    "unit",
    "page",
    "expected_text",
    "actual_text",
    "tolerance_text",
)
DECIMAL_FIELDS = ("expected", "actual", "difference", "tolerance")
_REQUIRED = ("severity", "table_key", "row_label", "column_name", "rule")
_TEXTS = ("expected_text", "actual_text", "tolerance_text", "unit")
# fact_dq_finding's DECIMAL(38, 10): figures in a document's unit, converted (a 元 table in
# a 万元 document: 6 decimals; its rounding allowance: 7), never rounded to fit.
PRECISION, SCALE = 38, 10
_QUANTUM = Decimal(1).scaleb(-SCALE)
_LIMIT = Decimal(10) ** (PRECISION - SCALE)
_DOCUMENT_KEY = ("department", "fiscal_year", "document_kind", "stage")
_KEY_TYPES = {
    "department": "varchar",
    "fiscal_year": "integer",
    "document_kind": "varchar",
    "stage": "varchar",
    "check_name": "varchar",
}
_FIELD_TYPES = dict.fromkeys(FINDING_FIELDS, "varchar") | {
    "finding_index": "integer",
    "page": "integer",
} | dict.fromkeys(DECIMAL_FIELDS, f"decimal({PRECISION},{SCALE})")  # fmt: skip
_EDITION_TYPES = {"sha256": "varchar", "checked_at": "timestamp", "loaded_at": "timestamp"}
# fact_dq_finding's columns as the writer hands them to DuckDB (name -> type)
FINDING_COLUMNS = _KEY_TYPES | _FIELD_TYPES | _EDITION_TYPES


def finding_rows(outcome: CheckOutcome) -> list[dict]:
    """The outcome's findings as fact_dq_finding rows (without the document's key)."""
    return [
        {
            "finding_index": index,
            "severity": f.severity,
            "finding_kind": f.kind,
            "table_key": f.table,
            "row_label": f.row,
            "column_name": f.column,
            "rule": f.rule,
            "expected": f.expected_value,
            "actual": f.actual_value,
            "difference": f.difference,
            "tolerance": f.tolerance_value,
            "expected_text": f.expected,
            "actual_text": f.actual,
            "tolerance_text": f.tolerance or None,
            "unit": f.unit or None,
            "page": f.page,
        }
        for index, f in enumerate(outcome.findings)
    ]


def check_rows(outcomes: Mapping[str, CheckOutcome]) -> list[dict]:
    """Check outcomes as the rows `record_check_results` writes: fact_dq_check's (severity
    None when passed; `detail` the one-line summary) each with its `findings`."""
    return [
        {
            "check_name": name,
            "severity": outcome.severity,
            "passed": outcome.passed,
            "detail": outcome.summary(),
            "findings": finding_rows(outcome),
        }
        for name, outcome in outcomes.items()
    ]


def as_dict(item: object) -> dict:
    """A check result or finding given as a mapping or a dataclass, as a dict."""
    if isinstance(item, Mapping):
        return dict(item)
    if dataclasses.is_dataclass(item) and not isinstance(item, type):
        return dataclasses.asdict(item)
    raise TypeError(f"a check result must be a mapping or a dataclass, not {type(item).__name__}")


def _exact(check: str, field: str, value: object) -> Decimal | None:
    """A figure as an exact Decimal that fact_dq_finding holds without rounding."""
    if value is None:
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"check {check!r}: {field} {value!r} is not a number") from None
    if not number.is_finite() or number != number.quantize(_QUANTUM) or abs(number) >= _LIMIT:
        raise ValueError(
            f"check {check!r}: {field} {value} does not fit DECIMAL({PRECISION}, {SCALE}) exactly"
        )
    return number


def validated_findings(check: str, severity: str | None, findings: Iterable) -> list[dict]:
    """A check result's findings as fact_dq_finding rows, in the order given, or ValueError:
    a passed check has none; a failed check's severity is ERROR if one of its findings is,
    else WARN; each finding has its severity, table, row, column and rule, its figures exact,
    `difference` = `actual` − `expected`, its page a page number (or None). `finding_kind`
    is derived, as the check outcome derives it."""
    rows = []
    for index, item in enumerate(findings):
        given = as_dict(item)
        missing = [field for field in _REQUIRED if given.get(field) is None]
        if missing:
            raise ValueError(f"check {check!r}: a finding without {', '.join(missing)}")
        row = {"check_name": check, "finding_index": index}
        row |= {field: str(given[field]) for field in _REQUIRED}
        row |= {f: _exact(check, f, given.get(f)) for f in DECIMAL_FIELDS}
        row |= {f: None if given.get(f) is None else str(given[f]) for f in _TEXTS}
        row["expected_text"] = row["expected_text"] or ""
        row["actual_text"] = row["actual_text"] or ""
        if row["severity"] not in SEVERITIES:
            raise ValueError(
                f"check {check!r}: finding severity {row['severity']!r} not ERROR/WARN"
            )
        expected, actual, difference = (row[f] for f in ("expected", "actual", "difference"))
        if None not in (expected, actual) and difference != actual - expected:
            raise ValueError(
                f"check {check!r}: difference {difference} is not {actual} − {expected}"
            )
        page = given.get("page")
        if page is not None and (type(page) is not int or page < 1):
            raise ValueError(f"check {check!r}: page {page!r} is not a page number")
        row["page"] = page
        row["finding_kind"] = finding_kind(row["severity"], row["rule"], difference)
        rows.append(row)
    if rows and severity is None:
        raise ValueError(f"check {check!r} passed but has findings")
    worst = ERROR if any(r["severity"] == ERROR for r in rows) else WARN
    if rows and severity != worst:
        raise ValueError(f"check {check!r}: severity {severity} but its worst finding is {worst}")
    return rows


def create_findings_relation(
    con: duckdb.DuckDBPyConnection, name: str, key: Mapping, rows: list[dict], edition: Mapping
) -> None:
    """Validated finding rows of one document as the temp table `name` of fact_dq_finding's
    types (the figures DECIMAL from their exact text), with the document's key and the
    edition checked."""
    records = []
    for row in rows:
        record = {c: row.get(c, key.get(c, edition.get(c))) for c in FINDING_COLUMNS}
        for field in DECIMAL_FIELDS:
            if record[field] is not None:
                record[field] = str(record[field])
        records.append(record)
    create_relation(con, name, FINDING_COLUMNS, records)


def document_key(document: object) -> dict:
    """The key check rows and findings are filed under, of a LoadReport or StoredDocument."""
    return {name: getattr(document, name) for name in _DOCUMENT_KEY}


def stored_findings(con: duckdb.DuckDBPyConnection, key: Mapping) -> dict[str, list[dict]]:
    """The findings fact_dq_finding holds for one document (department, fiscal_year,
    document_kind, stage), by check name, each in the check's order."""
    cursor = con.execute(read_sql("checks/select_document_findings"), dict(key))
    names = [column[0] for column in cursor.description]
    found: dict[str, list[dict]] = {}
    for values in cursor.fetchall():
        row = dict(zip(names, values, strict=True))
        found.setdefault(row.pop("check_name"), []).append(row)
    return found


def finding_filter(key: Mapping, **more: object) -> str:
    """The `where` clause that lists these findings in dq_finding, to show a reader (never
    run: a query to copy)."""
    terms = {**{k: key[k] for k in _KEY_TYPES if k in key}, **more}
    return " and ".join(f"{name} = {_literal(value)}" for name, value in terms.items())


def _literal(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"
