"""The budget-doc/1 vocabulary: table keys, their shapes and unit factors.

Every stage (extractor, loader, checks, fixtures) imports these names instead of
spelling table keys again.
"""

from decimal import Decimal

FORMAT = "budget-doc/1"

# Two-sided tables (收入 | 支出): {"income": [{item, amount}], "expenditure": [...]}
TWO_SIDED = ("t01_summary", "t04_fiscal_summary")
# Their sides; Jiangsu adds a third pair (支出用途: 基本支出, 项目支出 …).
SUMMARY_SIDES = ("income", "expenditure", "expenditure_by_use")
# Tables keyed by a subject code: {"columns": [...], "rows": [{code, name, values}]}
CODED = (
    "t02_income",
    "t03_expenditure",
    "t05_gpb_function",
    "t06_gpb_basic_economic",
    "t08_gov_fund",
    "t09_state_capital",
    "t10_gpb_project_economic",
)
# Tables keyed by an item text: {"columns": [...], "rows": [{item, values}]}
ITEMISED = ("t07_three_public", "t11_basic_by_unit")
PROJECTS = "t12_projects"  # rows: {name, values, performance_goal}

TABLE_KEYS = (
    "t01_summary",
    "t02_income",
    "t03_expenditure",
    "t04_fiscal_summary",
    "t05_gpb_function",
    "t06_gpb_basic_economic",
    "t07_three_public",
    "t08_gov_fund",
    "t09_state_capital",
    "t10_gpb_project_economic",
    "t11_basic_by_unit",
    "t12_projects",
)

# The standard tables each province's layout publishes (other tables go to extra_tables).
# Guangzhou prints all twelve; the others print no t10-t12; Jiangsu prints no t09, and
# its 收入预算总表 lists fund sources rather than subjects (kept as a generic table).
PUBLISHED_TABLES = {
    "guangzhou": TABLE_KEYS,
    "shanghai": TABLE_KEYS[:9],
    "jiangsu": tuple(k for k in TABLE_KEYS[:8] if k != "t02_income"),
}
DEFAULT_LAYOUT = "guangzhou"

# `document_kind`: a department budget (部门预算, the default, absent from the document) or
# a unit budget (单位预算) that one budget unit publishes on its own.
DEPARTMENT_BUDGET, UNIT_BUDGET = "department", "unit"
# How a document of each kind calls itself (in messages and in partition keys).
DOCUMENT_KIND_WORDS = {DEPARTMENT_BUDGET: "部门预算", UNIT_BUDGET: "单位预算"}

FUNCTION_TABLES = (
    "t02_income",
    "t03_expenditure",
    "t05_gpb_function",
    "t08_gov_fund",
    "t09_state_capital",
)
ECONOMIC_TABLES = ("t06_gpb_basic_economic", "t10_gpb_project_economic")

YUAN_PER_UNIT = {"元": Decimal(1), "万元": Decimal(10000)}

# The extension saying where each amount is printed (docs/extraction.md): shaped like
# `tables` / `extra_tables`, one [page, x0, top, x1, bottom] per value. The truth files
# hold the printed figures only, so comparisons leave it out (`without_cell_boxes`).
CELL_BOXES = "cell_boxes"


def without_cell_boxes(doc: dict) -> dict:
    """The document's printed content: all of it but the `cell_boxes` extension."""
    return {key: value for key, value in doc.items() if key != CELL_BOXES}


# Column names that are totals of the other leaf columns of the same row.
TOTAL_COLUMNS = frozenset({"合计", "总计", "小计"})
EMPTY_TABLE_NOTE = "本表本年无发生额。"


def subject_level(code: str | None) -> int | None:
    """类 = 1, 款 = 2, 项 = 3, from the length of a printed subject code (3 / 5 / 7 digits)."""
    if not code:
        return None
    return {3: 1, 5: 2, 7: 3}.get(len(code))


def parent_code(code: str | None) -> str | None:
    """The code one level up (2080104 -> 20801 -> 208), None for a 类."""
    level = subject_level(code)
    if level is None or level == 1:
        return None
    return code[: len(code) - 2]


def document_name(department: str, fiscal_year: int, kind: str = DEPARTMENT_BUDGET) -> str:
    """`上海市普陀区司法局 2026 单位预算` for one line about a document.

    A department budget is named without its kind word, as before unit budgets loaded;
    a unit budget says so, since the same body and year may also have a department budget.
    """
    name = f"{department} {fiscal_year}"
    return name if kind == DEPARTMENT_BUDGET else f"{name} {DOCUMENT_KIND_WORDS[kind]}"
