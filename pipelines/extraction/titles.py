"""Which standard table a printed title names.

Provinces print the same national standard tables under different titles; one alias
table maps every known spelling to a budget-doc/1 table key, so they land in the same
facts. Matching is on NFKC text without whitespace, longest alias first, so that
财政拨款收支总体情况表 is not mistaken for 收支总体情况表.
"""

import re

from pipelines.budget_doc import TABLE_KEYS
from pipelines.cleaning import normalise_name

GUANGZHOU, SHANGHAI, JIANGSU, NATIONAL = "guangzhou", "shanghai", "jiangsu", "national"

# Each province's spellings of the standard tables; the family a document's titles come
# from also says which standard tables that province publishes (budget_doc.PUBLISHED).
ALIASES_BY_LAYOUT: dict[str, dict[str, str]] = {
    GUANGZHOU: {
        "收支总体情况表": "t01_summary",
        "收入总体情况表": "t02_income",
        "支出总体情况表": "t03_expenditure",
        "财政拨款收支总体情况表": "t04_fiscal_summary",
        "一般公共预算支出情况表(按功能分类科目)": "t05_gpb_function",
        "一般公共预算支出情况表": "t05_gpb_function",
        "一般公共预算基本支出情况表(按经济分类科目)": "t06_gpb_basic_economic",
        "一般公共预算基本支出情况表": "t06_gpb_basic_economic",
        "财政拨款安排的行政经费及“三公”经费预算表": "t07_three_public",
        "政府性基金预算支出情况表": "t08_gov_fund",
        "国有资本经营预算支出情况表": "t09_state_capital",
        "一般公共预算项目支出情况表(按经济分类科目)": "t10_gpb_project_economic",
        "一般公共预算项目支出情况表": "t10_gpb_project_economic",
        "部门预算基本支出预算表": "t11_basic_by_unit",
        "部门预算项目支出及其他支出预算表": "t12_projects",
    },
    SHANGHAI: {  # 区级部门预算
        "部门财务收支预算总表": "t01_summary",
        "财务收支预算总表": "t01_summary",
        "部门收入预算总表": "t02_income",
        "部门支出预算总表": "t03_expenditure",
        "部门财政拨款收支预算总表": "t04_fiscal_summary",
        "部门一般公共预算支出功能分类预算表": "t05_gpb_function",
        "一般公共预算支出功能分类预算表": "t05_gpb_function",
        "部门一般公共预算基本支出部门预算经济分类预算表": "t06_gpb_basic_economic",
        "一般公共预算基本支出部门预算经济分类预算表": "t06_gpb_basic_economic",
        "“三公”经费和机关运行经费预算表": "t07_three_public",
        "部门政府性基金预算支出功能分类预算表": "t08_gov_fund",
        "政府性基金预算支出功能分类预算表": "t08_gov_fund",
        "部门国有资本经营预算支出功能分类预算表": "t09_state_capital",
        "国有资本经营预算支出功能分类预算表": "t09_state_capital",
    },
    JIANGSU: {  # 省级部门预算
        "收支预算总表": "t01_summary",
        "收入预算总表": "t02_income",
        "支出预算总表": "t03_expenditure",
        "财政拨款收支预算总表": "t04_fiscal_summary",
        "一般公共预算支出预算表(功能科目)": "t05_gpb_function",
        "一般公共预算支出预算表": "t05_gpb_function",
        "一般公共预算基本支出预算表(经济科目)": "t06_gpb_basic_economic",
        "一般公共预算基本支出预算表": "t06_gpb_basic_economic",
        "一般公共预算“三公”经费、会议费、培训费支出预算表": "t07_three_public",
        "“三公”经费、会议费、培训费支出预算表": "t07_three_public",
        "“三公”经费支出预算表": "t07_three_public",  # 一般公共预算…, without 会议费、培训费
        "“三公”经费预算表": "t07_three_public",  # 财政拨款…, 一般公共预算…
        "政府性基金预算财政拨款支出预算表": "t08_gov_fund",
        "政府性基金预算支出预算表": "t08_gov_fund",
        "政府性基金支出预算表": "t08_gov_fund",
        "财政拨款政府性基金支出预算表": "t08_gov_fund",
        "国有资本经营预算支出预算表": "t09_state_capital",
    },
    # The Ministry of Finance's nine-table template for departments' budgets (中央部门 and
    # the provinces that follow it): 部门收支总表 … 国有资本经营预算支出表.
    NATIONAL: {
        "部门收支总表": "t01_summary",
        "收支总表": "t01_summary",
        "部门收入总表": "t02_income",
        "收入总表": "t02_income",
        "部门支出总表": "t03_expenditure",
        "支出总表": "t03_expenditure",
        "财政拨款收支总表": "t04_fiscal_summary",
        "一般公共预算支出表": "t05_gpb_function",
        "一般公共预算基本支出表": "t06_gpb_basic_economic",
        "一般公共预算“三公”经费支出表": "t07_three_public",
        "政府性基金预算支出表": "t08_gov_fund",
        "国有资本经营预算支出表": "t09_state_capital",
        # the same tables where a province names the appropriation (财政拨款) in the title
        "一般公共预算财政拨款支出表": "t05_gpb_function",
        "一般公共预算财政拨款基本支出表": "t06_gpb_basic_economic",
        "一般公共预算财政拨款“三公”经费支出表": "t07_three_public",
        "政府性基金预算财政拨款支出表": "t08_gov_fund",
        "国有资本经营预算财政拨款支出表": "t09_state_capital",
    },
}
# A unit budget (单位预算) titles its tables 预算单位… or 单位… where a department budget
# says 部门… (预算单位财务收支预算总表): the same table under another scope word.
UNIT_SCOPE_WORDS = ("预算单位", "单位")


def _with_unit_spellings(aliases: dict[str, str]) -> dict[str, str]:
    """Each 部门… alias also under every unit scope word."""
    unit = {
        scope + alias.removeprefix("部门"): key
        for alias, key in aliases.items()
        if alias.startswith("部门")
        for scope in UNIT_SCOPE_WORDS
    }
    return aliases | unit


# The title each standard table is filed under (dim_source_table.table_title, staging): its
# Guangzhou spelling, the shortest (一般公共预算支出情况表, without 按功能分类科目).
TABLE_TITLES: dict[str, str] = {
    key: min((a for a, k in ALIASES_BY_LAYOUT[GUANGZHOU].items() if k == key), key=len)
    for key in TABLE_KEYS
}
ALIASES_BY_LAYOUT = {layout: _with_unit_spellings(a) for layout, a in ALIASES_BY_LAYOUT.items()}
TITLE_ALIASES: dict[str, str] = {
    alias: key for aliases in ALIASES_BY_LAYOUT.values() for alias, key in aliases.items()
}
_LAYOUT_OF = {alias: layout for layout, aliases in ALIASES_BY_LAYOUT.items() for alias in aliases}

# Quotes around 三公 are printed curly, straight, as corner brackets or not at all.
_QUOTES = str.maketrans("", "", "“”\"'‘’「」『』")


def _unquoted(text: str) -> str:
    return text.translate(_QUOTES)


# Longest alias first, each beside its unquoted spelling (what a title line is matched on).
_BY_LENGTH = [(alias, _unquoted(alias)) for alias in sorted(TITLE_ALIASES, key=len, reverse=True)]


_TABLE_NUMBER = re.compile(r"^(?:公开|附)?(?:表)?[0-9一二三四五六七八九十]+(?:-\d+)?表?$")
_ENDS_LIKE_TITLE = re.compile(r"表(?:\([^)]*\))?$")  # …表 or …表(功能科目)
_YEAR_PREFIX = re.compile(r"^20\d{2}年(?:度)?")
# Sequence labels printed before a title: 三、 / 十二、 / 公开03表: / 表1
_SEQUENCE_LABEL = re.compile(r"^(?:[一二三四五六七八九十]+、|公开\d+表[:：]?|表\d+[:：]?)")
_YEAR_AND_SCOPE_SUFFIX = re.compile(
    r"(?:20\d{2}年度?)?(?:部门|" + "|".join(UNIT_SCOPE_WORDS) + r")?$"
)
_NAME_CHARACTERS = re.compile(r"[\u4e00-\u9fff()]{4,40}")  # NFKC turns （） into ()
_BUDGET_WORDS = ("预算", "拨款", "经费", "支出", "收入")


def generic_title(line: str) -> str | None:
    """A title line of a table with no standard twin (机关运行经费, 政府采购 …), else None.

    Kept so that such tables land in the warehouse as generic tables, not dropped.
    """
    text = normalise_name(line)
    if not _ENDS_LIKE_TITLE.search(text) or len(text) > 40 or text.startswith("注"):
        return None
    if _TABLE_NUMBER.match(text) or "单位" in text[:4] or text.startswith("第"):
        return None
    return title_body(text)


def title_body(line: str) -> str:
    """The title without its sequence label and year prefix (三、2026年部门… → 部门…)."""
    return _YEAR_PREFIX.sub("", _SEQUENCE_LABEL.sub("", normalise_name(line)))


def department_in_title(line: str) -> str | None:
    """The department a standard title names before the table's own name, else None.

    江苏省高级人民法院部门收支预算总表 → 江苏省高级人民法院: the text before the alias,
    without a year and the scope word (部门 / 预算单位 / 单位) that starts the table name.
    """
    body = _unquoted(title_body(line))
    alias = _alias_in(body)
    if alias is None:
        return None
    name = _YEAR_AND_SCOPE_SUFFIX.sub("", body[: body.index(_unquoted(alias))])
    if not _NAME_CHARACTERS.fullmatch(name) or any(w in name for w in _BUDGET_WORDS):
        return None  # a label, or a qualifier such as 财政拨款 that is part of the title
    return name


def _alias_in(line: str) -> str | None:
    text = normalise_name(line)
    if len(text) > 60:  # a narrative sentence quoting a title is not a title
        return None
    text = _unquoted(text)
    return next((alias for alias, unquoted in _BY_LENGTH if unquoted in text), None)


def table_key_for_title(line: str) -> str | None:
    """The table key whose alias the line contains (longest alias wins), else None."""
    alias = _alias_in(line)
    return None if alias is None else TITLE_ALIASES[alias]


def layout_of_title(line: str) -> str | None:
    """Which province's spelling the title uses (guangzhou, shanghai, jiangsu)."""
    alias = _alias_in(line)
    return None if alias is None else _LAYOUT_OF[alias]
