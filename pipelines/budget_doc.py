"""The budget-doc/1 vocabulary.

Table keys, their shapes and unit factors: every stage (extractor, loader, checks,
fixtures) imports these names instead of spelling table keys again, and this module decides
once what a total row and an amount are. Reading a document is pipelines/doc_reader.py's.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

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
    "t13_fiscal_function",
)
# The appropriation spending by function: 一般公共预算 (t05), else 财政拨款 (t13).
SPENDING_TABLES = ("t05_gpb_function", "t13_fiscal_function")
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
    "t13_fiscal_function",  # 财政拨款 expenditure by function (universities, Jiangsu)
)

# The standard tables each layout publishes (other tables go to extra_tables), asked for
# only when a document does not list its own (目录, table numbers: `declared_tables`).
# Guangzhou prints the first twelve; the others print no t10-t12; Jiangsu prints no t09 but
# its 财政拨款支出预算表 (t13), and its 收入预算总表 lists fund sources rather than subjects
# (kept as a generic table). The national template (the Ministry of Finance's tables) asks
# for t01-t08 everywhere and adds t09 (国有资本经营预算支出表) only in later editions: loaded
# when printed, never required. A university under the Ministry of Education prints four.
UNKNOWN_LAYOUT = "unknown"  # no title spells a known table: nothing asked for
PUBLISHED_TABLES = {
    "guangzhou": TABLE_KEYS[:12],
    "shanghai": TABLE_KEYS[:9],
    "national": TABLE_KEYS[:8],
    "jiangsu": (*(k for k in TABLE_KEYS[:8] if k != "t02_income"), "t13_fiscal_function"),
    "university": ("t01_summary", "t02_income", "t03_expenditure", "t13_fiscal_function"),
    # final accounts (决算): the Ministry of Finance's nine tables (Shanghai prints them), a
    # university's four (表1 高等学校收支决算总表 …)
    "national_final": TABLE_KEYS[:9],
    "university_final": ("t01_summary", "t02_income", "t03_expenditure", "t13_fiscal_function"),
    UNKNOWN_LAYOUT: (),
}
DEFAULT_LAYOUT = "guangzhou"

# `document_kind`: a department budget (部门预算, the default, absent from the document) or
# a unit budget (单位预算) that one budget unit publishes on its own.
DEPARTMENT_BUDGET, UNIT_BUDGET = "department", "unit"
# `stage`: the budget (预算, the plan; the default, absent from the document) or the final
# accounts (决算) published for the same fiscal year once it is over.
BUDGET_STAGE, FINAL_STAGE = "budget", "final"
STAGES = (BUDGET_STAGE, FINAL_STAGE)
# How a document of each kind and stage calls itself (in messages and in partition keys).
DOCUMENT_WORDS = {
    (DEPARTMENT_BUDGET, BUDGET_STAGE): "部门预算",
    (UNIT_BUDGET, BUDGET_STAGE): "单位预算",
    (DEPARTMENT_BUDGET, FINAL_STAGE): "部门决算",
    (UNIT_BUDGET, FINAL_STAGE): "单位决算",
}
# A budget's words by kind: the kinds there are, and what a budget of each is called.
DOCUMENT_KIND_WORDS = {
    kind: words for (kind, stage), words in DOCUMENT_WORDS.items() if stage == BUDGET_STAGE
}

YUAN_PER_UNIT = {"元": Decimal(1), "万元": Decimal(10000)}
DEFAULT_UNIT = "万元"  # the main unit of a document that names none

# The extension saying where each amount is printed (docs/extraction.md): shaped like
# `tables` / `extra_tables`, one [page, x0, top, x1, bottom] per value.
CELL_BOXES = "cell_boxes"
NARRATIVE_FIGURES = "narrative_figures"  # extension: the figures the narrative states
TABLE_PAGES = "table_pages"  # extension: the pages each standard table is on
TABLE_TYPING = "table_typing"  # extension: how each table was typed, how sure, and why
DECLARED_TABLES = "declared_tables"  # extension: the tables its 目录 / numbers list
COLUMN_PARTS = "column_parts"  # extension: columns printed as a 其中 part of the one before
DISAGREEING_HEADINGS = "disagreeing_headings"  # extension: headings naming another year/body
OCR_EXTENSION = "ocr"  # extension: a scan read by OCR, and its texts read with a low score
TEXT_LAYER, OCR = "text layer", "ocr"  # dim_document.text_source: where the text was read
# How sure `table_typing` is of a table: title and content agree (or content and a totals
# tie), one of them alone, they disagree; a standard-looking table no key fits; a table
# beside the standard ones (机关运行经费, 政府采购 …).
CERTAIN, PROBABLE, DOUBTFUL = "certain", "probable", "doubtful"
UNTYPED, GENERIC = "untyped", "generic"
# Whether a table the document lists (`declared_tables`) is printed: read as that table,
# printed under its title but not read as it, only its title printed, not at all.
PRINTED, KEPT_GENERIC, TITLE_ONLY, ABSENT = "printed", "kept generic", "title only", "absent"
# What extraction adds beside the printed tables; the truth files hold the printed figures
# only, so comparisons leave these out (`printed_content`).
EXTENSIONS = (
    CELL_BOXES,
    NARRATIVE_FIGURES,
    TABLE_PAGES,
    TABLE_TYPING,
    DECLARED_TABLES,
    COLUMN_PARTS,
    DISAGREEING_HEADINGS,
    OCR_EXTENSION,
)


def printed_content(doc: dict) -> dict:
    """The document's printed content: all of it but the extensions extraction adds."""
    return {key: value for key, value in doc.items() if key not in EXTENSIONS}


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


def document_name(
    department: str, fiscal_year: int, kind: str = DEPARTMENT_BUDGET, stage: str = BUDGET_STAGE
) -> str:
    """`上海市普陀区司法局 2026 单位预算`, `西南大学 2023 部门决算` for one line about a document.

    A department budget is named without its words, as before unit budgets and final
    accounts loaded; any other document says what it is, since the same body and year may
    also have a department budget.
    """
    name = f"{department} {fiscal_year}"
    if (kind, stage) == (DEPARTMENT_BUDGET, BUDGET_STAGE):
        return name
    return f"{name} {DOCUMENT_WORDS[kind, stage]}"


# -- What a row and an amount are: one rule each, for extraction, checks, staging and loader --

_TOTAL_LABEL = re.compile(r"(合计|总计|小计)$")
# Joins the label cells of one printed row of an extra table: `302/商品和服务支出`.
LABEL_SEPARATOR = "/"
_CENT = Decimal("0.01")


def is_total_label(label: str | None) -> bool:
    """A label that sums other lines: 合计, 总计, 小计, 本年收入合计, 支出总计, 当年收入小计, …;
    a row's label cells joined (`一般公共预算资金/小计`, `合计/式`) when any cell is one."""
    return bool(label) and any(_TOTAL_LABEL.search(p) for p in label.split(LABEL_SEPARATOR))


class BudgetDocError(ValueError):
    """A value that is not what budget-doc/1 says it is: an amount that is not a number
    string with at most two decimals, a `cell_boxes` entry that is not [page, x0, top, x1,
    bottom]. Its reader (staging) names the file and the place."""


def doc_amount(text: object) -> Decimal:
    """A budget-doc/1 amount (a JSON string, two decimals) as an exact Decimal.

    Printed text is read by `cleaning.parse_amount` (separators, dashes, parentheses);
    this reads what extraction wrote from it, and refuses anything else rather than guess.
    """
    if not isinstance(text, str):
        raise BudgetDocError(f"amount {text!r} is not a string")
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise BudgetDocError(f"not an amount: {text!r}") from None
    if not value.is_finite() or value.quantize(_CENT) != value:
        raise BudgetDocError(f"not a two-decimal amount: {text!r}")
    return value
