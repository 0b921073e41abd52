"""Shared helpers of the warehouse tests: truth documents, extractions, tmp warehouses."""

import hashlib
import json
from decimal import Decimal
from pathlib import Path

import duckdb

from pipelines.budget_doc import FORMAT, SUMMARY_SIDES, TABLE_KEYS, TOTAL_COLUMNS, YUAN_PER_UNIT
from pipelines.extraction import document as document_module
from pipelines.extraction.document import Extraction
from pipelines.warehouse.connection import apply_schema, connect
from pipelines.warehouse.load import load_document
from pipelines.warehouse.sql_files import read_sql
from tests.inputs import SAMPLES

# The seed budget's truth as the repo keeps it beside its rendered PDF; test_fixtures_truth
# holds its tables equal to ../shared/seed's wherever that is present.
SEED = SAMPLES / "gz_hrss_data_center_2023.json"


def truth_paths() -> list[Path]:
    """Every budget-doc/1 JSON in data/samples/ (the seed's truth among them)."""
    paths = []
    for path in sorted(SAMPLES.glob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(doc, dict) and doc.get("format") == FORMAT and doc.get("tables"):
            paths.append(path)
    return paths


def truth_ids() -> list[str]:
    return [f"{p.parent.name}/{p.stem}" for p in truth_paths()]


def read_doc(path: Path = SEED) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def make_extraction(doc: dict, name: str = "budget.pdf", sha256: str | None = None) -> Extraction:
    """An Extraction for a truth document, with a made-up path, sha256 and page count."""
    if sha256 is None:
        text = json.dumps(doc, ensure_ascii=False, sort_keys=True)
        sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Extraction(doc=doc, path=Path("/inbox") / name, sha256=sha256, page_count=20)


def warehouse(tmp_path: Path):
    """A fresh writable warehouse under tmp_path."""
    return connect(tmp_path / "warehouse" / "budget.duckdb")


def loaded(tmp_path: Path, *docs: dict):
    """A warehouse under tmp_path with the given documents loaded; returns the connection."""
    con = warehouse(tmp_path)
    for doc in docs:
        load_document(con, make_extraction(doc))
    return con


def duckdb2_only_warehouse(path: Path, *docs: dict) -> Path:
    """A warehouse as releases before the storage setting wrote it: a plain `duckdb.connect`
    (DuckDB 2's own storage version, which DuckDB 1.x refuses), this release's schema,
    `docs` loaded."""
    con = duckdb.connect(str(path))
    try:
        apply_schema(con, path)
        for doc in docs:
            load_document(con, make_extraction(doc))
    finally:
        con.close()
    return path


def facts_by(column: str) -> str:
    """SQL counting the rows of every table fact (not the stated figures or checks) per
    value of a dim_document `column` (document_kind, stage): two documents compared."""
    facts = (
        "fact_summary_line", "fact_income_by_function", "fact_expenditure_by_function",
        "fact_economic_expenditure", "fact_three_public", "fact_basic_by_unit",
        "fact_project_fund", "fact_generic_cell",
    )  # fmt: skip
    rows = "\n    union all ".join(f"select document_id from {table}" for table in facts)
    return (
        f"select dim_document.{column}, count(*) from (\n    {rows}\n) as facts\n"
        "inner join dim_document using (document_id)\ngroup by all\norder by 1"
    )


def factor(doc: dict, table_key: str) -> Decimal:
    """Yuan per printed unit of one table (its own unit, else the document's)."""
    table = doc["tables"][table_key]
    return YUAN_PER_UNIT[table.get("unit") or doc["unit"]]


def yuan(doc: dict, table_key: str, text: str) -> Decimal:
    return Decimal(text) * factor(doc, table_key)


def leaf_columns(columns: list[str]) -> list[tuple[int, str]]:
    return [(i, c) for i, c in enumerate(columns) if c not in TOTAL_COLUMNS]


def base_tables(con) -> list[str]:
    """The warehouse's base tables by name, as the schema migration lists them."""
    return sorted(
        name for (name,) in con.execute(read_sql("version/select_table_names")).fetchall()
    )


def table_counts(con) -> dict[str, int]:
    """Row count of every base table of the warehouse."""
    return {n: con.execute(f'select count(*) from "{n}"').fetchone()[0] for n in base_tables(con)}


def documents_held(path: Path) -> list[tuple[str, int]]:
    """(printed department, fiscal year) of every document a warehouse file holds, by year."""
    con = connect(path, read_only=True)
    try:
        return con.execute(
            "select printed_department, fiscal_year from dim_document order by fiscal_year, 1"
        ).fetchall()
    finally:
        con.close()


# A failed check with its one finding (the seed's t06 rounding tail, p11), as the writer
# records it (pipelines.warehouse.checks.record_check_results).
ROUNDING_TAIL = {
    "check_name": "a",
    "severity": "WARN",
    "passed": False,
    "detail": "a: 0 error(s), 1 rounding warning(s) in 1 comparisons",
    "findings": [
        {
            "severity": "WARN",
            "table_key": "t06_gpb_basic_economic",
            "row_label": "合计",
            "column_name": "预算",
            "rule": "合计 = Σ 类",
            "expected": Decimal("3387.22"),
            "actual": Decimal("3387.21"),
            "difference": Decimal("-0.01"),
            "tolerance": Decimal("0.02"),
            "expected_text": "3387.22",
            "actual_text": "3387.21",
            "tolerance_text": "½ × 0.01 × 4 = 0.02",
            "unit": "万元",
            "page": 11,
        }
    ],
}


def document_keys(con, *columns: str) -> list[tuple]:
    """department, fiscal_year, document_kind, then `columns` (of dim_document) of every
    loaded document, in that order."""
    listed = ", ".join(("dim_department.department", "fiscal_year", "document_kind", *columns))
    return con.execute(
        f"select {listed} from dim_document join dim_department using (department_id) order by all"
    ).fetchall()


def read_file_as(monkeypatch, name: str, edit) -> None:
    """The parse of the file called `name`, in this process (workers=1), reads as
    `edit(extraction, path)`: a twin of a real file as another document publishes it."""
    extract = document_module.extract_document

    def extract_as_published(path, password=None, limits=None):
        extraction = extract(path, password, limits)
        return edit(extraction, Path(path)) if Path(path).name == name else extraction

    monkeypatch.setattr("pipelines.parsing.extract_document", extract_as_published)


def expected_fact_rows(doc: dict) -> int:
    """The number of non-null printed amount cells of a budget-doc/1 dict: the fact rows a
    load of it must write, counted from the document, not from the loader."""
    count = 0
    for key, table in (doc.get("tables") or {}).items():
        if key not in TABLE_KEYS:
            continue
        if "rows" in table:
            count += sum(v is not None for row in table["rows"] for v in row.get("values") or [])
        else:
            for side in SUMMARY_SIDES:
                count += sum(line.get("amount") is not None for line in table.get(side) or [])
    for extra in doc.get("extra_tables") or []:
        count += sum(
            v is not None for row in extra.get("rows") or [] for v in row.get("values") or []
        )
    return count
