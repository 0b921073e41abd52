"""What a printed title says about its table: the standard table it spells, or the words
that point to one.

Provinces print the same standard tables under different titles. `data/reference/
table_titles.csv` lists every known spelling (`table_key,layout,title`); a title spells
one when, after its sequence label (表1, 附表1, 公开01表, 表一, 三、), year, department name
and scope word (部门 / 单位 / 预算单位) are set aside, what is left *is* that spelling
(quotes around 三公 and a trailing remark such as (功能科目) or (续) ignored). A short
spelling inside a longer title (支出预算表 in 政府采购支出预算表) is no match: the words
before it change the table. A title that spells no known table still points somewhere by
its words (`data/reference/table_title_words.csv`: 三公, 财政拨款 + 收支, …), which the
content of its grid then confirms or not (`table_types`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from pipelines.budget_doc import TABLE_KEYS
from pipelines.cleaning import normalise_name
from pipelines.extraction.header_words import read_reference
from pipelines.package_data import REFERENCE_ROOT

GUANGZHOU, SHANGHAI, JIANGSU, NATIONAL = "guangzhou", "shanghai", "jiangsu", "national"
TITLES_FILE = REFERENCE_ROOT / "table_titles.csv"
TITLE_WORDS_FILE = REFERENCE_ROOT / "table_title_words.csv"
EXTRA = "extra"  # table_title_words.csv: a known table beside the standard ones
# A unit budget (单位预算) titles its tables 预算单位… or 单位… where a department budget
# says 部门… (预算单位财务收支预算总表): the same table under another scope word.
UNIT_SCOPE_WORDS = ("预算单位", "单位")


def _aliases_by_layout() -> dict[str, dict[str, str]]:
    """Each layout's spellings (table_titles.csv), each 部门… spelling also under every
    unit scope word."""
    by_layout: dict[str, dict[str, str]] = {}
    for line in read_reference(TITLES_FILE, ("table_key", "layout", "title")):
        key, title = line["table_key"], normalise_name(line["title"])
        if key not in TABLE_KEYS:
            raise RuntimeError(f"{TITLES_FILE}: {key!r} is no budget-doc table key")
        aliases = by_layout.setdefault(line["layout"], {})
        aliases[title] = key
        if title.startswith("部门"):
            for scope in UNIT_SCOPE_WORDS:
                aliases[scope + title.removeprefix("部门")] = key
    return by_layout


ALIASES_BY_LAYOUT = _aliases_by_layout()
TITLE_ALIASES: dict[str, str] = {
    alias: key for aliases in ALIASES_BY_LAYOUT.values() for alias, key in aliases.items()
}
# The layouts that print each spelling, in the file's order (收支预算总表: jiangsu, university).
_LAYOUTS_OF: dict[str, tuple[str, ...]] = {}
for _layout, _aliases in ALIASES_BY_LAYOUT.items():
    for _alias in _aliases:
        _LAYOUTS_OF[_alias] = (*_LAYOUTS_OF.get(_alias, ()), _layout)


def _filing_title(key: str) -> str:
    """The title a standard table is filed under (dim_source_table.table_title): its
    shortest Guangzhou spelling (一般公共预算支出情况表), else its first listed one."""
    guangzhou = [a for a, k in ALIASES_BY_LAYOUT.get(GUANGZHOU, {}).items() if k == key]
    return (
        min(guangzhou, key=len)
        if guangzhou
        else next(a for a, k in TITLE_ALIASES.items() if k == key)
    )


TABLE_TITLES: dict[str, str] = {key: _filing_title(key) for key in TABLE_KEYS}

# Quotes around 三公 are printed curly, straight, as corner brackets or not at all.
_QUOTES = str.maketrans("", "", "“”\"'‘’「」『』")


def _unquoted(text: str) -> str:
    return text.translate(_QUOTES)


# Longest spelling first, each beside its unquoted form (what a title is matched on).
_BY_LENGTH = [(alias, _unquoted(alias)) for alias in sorted(TITLE_ALIASES, key=len, reverse=True)]

_NUMBER = r"(?:\d+|[一二三四五六七八九十]+)(?:-\d+)?"
# Sequence labels printed before (or after) a title: 三、 / (三) / 3. / 表1 / 表1-2 / 附表1 /
# 公开01表: / 表一. 表一一般公共预算… reads 表一 + 一般…: `_bodies` tries every cut.
_SEQUENCE_LABEL = re.compile(
    r"^(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|\d{1,2}[.、](?=\D|20\d\d年)"
    rf"|(?:附表|表){_NUMBER}[:.]?|公开\d+表[:]?)"
)
_CHINESE_NUMBERED = re.compile(r"^(附表|表)([一二三四五六七八九十]+)[:.]?")
_TRAILING_LABEL = re.compile(rf"(?:(?:附表|表){_NUMBER}|公开\d+表)$")
TABLE_NUMBER = re.compile(r"^(?:公开|附)?(?:表)?[0-9一二三四五六七八九十]+(?:-\d+)?表?$")
# A heading's own label (一、 / （二） / 3.): a line starting so is a heading, not half a title.
HEADING_LABEL = re.compile(
    r"^(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十\d]+\)|\d{1,2}[.、](?=\D|20\d\d年))"
)
_ENDS_LIKE_TITLE = re.compile(r"表(?:\([^)]*\))?$")  # …表 or …表(功能科目)
_YEAR_PREFIX = re.compile(r"^20\d{2}年(?:度)?")
_REMARK = re.compile(r"\((?:续表?|[^()]*(?:科目|分类|年度?|单位)[^()]*)\)$|续表$")
_YEAR_AND_SCOPE_SUFFIX = re.compile(
    r"(?:20\d{2}年度?)?(?:部门|" + "|".join(UNIT_SCOPE_WORDS) + r")?(?:预算)?$"
)
_NAME_CHARACTERS = re.compile(r"[\u4e00-\u9fff()]{2,40}")  # NFKC turns （） into ()
# Words of a table's subject: text before a spelling that holds one is a qualifier
# (财政拨款, 一般公共预算, 政府采购), not the department's name …
_TABLE_WORDS = re.compile(
    "预算|拨款|经费|支出|收入|采购|基本|项目|三公|基金|资本|运行|明细|功能|经济|一般公共|财政|政府性"
)
# 三公 spending is of appropriations whichever fund a title names before it
# (一般公共预算“三公”经费支出预算表, 财政拨款“三公”经费、会议费、培训费支出预算表).
_FUND_NEUTRAL = {"t07_three_public"}
_FUNDS = re.compile(r"(?:一般公共预算|财政拨款|政府性基金预算?|国有资本经营预算)+")
# … unless it ends as a body's name does (上海市普陀区财政局).
_BODY_SUFFIX = re.compile(
    r"(?:局|委|办|厅|院|中心|站|所|馆|会|处|室|队|社|团|署|司|校|大学|学院|政府)$"
)


def title_body(line: str) -> str:
    """The title without its sequence label and year prefix (三、2026年部门… → 部门…)."""
    bodies = _bodies(normalise_name(line))
    spelled = next((body for body in bodies if _spelled(_unquoted(body))), None)
    return spelled or bodies[0]


def _bodies(text: str) -> list[str]:
    """The title's body under each way to read its label: 表一一般… is 表一 + 一般…, never
    表一一 + 般…; the longest label first."""
    cuts = [_SEQUENCE_LABEL.sub("", text)]
    if match := _CHINESE_NUMBERED.match(text):
        label, numeral = match.groups()
        cuts += [text[len(label) + n :] for n in range(len(numeral) - 1, 0, -1)]
    return [_YEAR_PREFIX.sub("", _TRAILING_LABEL.sub("", cut)) for cut in cuts]


def generic_title(line: str) -> str | None:
    """A title line of a table with no standard twin (机关运行经费, 政府采购 …), else None.

    Kept so that such tables land in the warehouse as generic tables, not dropped.
    """
    text = normalise_name(line)
    if not _ENDS_LIKE_TITLE.search(_TRAILING_LABEL.sub("", text)) or len(text) > 40:
        return None
    if text.startswith("注") or TABLE_NUMBER.match(text) or "单位" in text[:4]:
        return None
    if text.startswith("第"):
        return None
    return title_body(text) or None


def _is_name(text: str) -> bool:
    if not _NAME_CHARACTERS.fullmatch(text):
        return False
    return bool(_BODY_SUFFIX.search(text)) or not _TABLE_WORDS.search(text)


@dataclass(frozen=True)
class Spelling:
    """A known spelling found in a title, and the department printed before it."""

    alias: str
    department: str | None


def _spelling(line: str) -> Spelling | None:
    text = normalise_name(line)
    if len(text) > 60:  # a narrative sentence quoting a title is not a title
        return None
    return next(filter(None, (_spelled(_unquoted(b)) for b in _bodies(text))), None)


def _spelled(body: str) -> Spelling | None:
    """The known spelling a title's body ends with, when what is before it is a year, a
    scope word or a department's name (or a fund before a 三公 spelling)."""
    for candidate in dict.fromkeys((body, _REMARK.sub("", body))):
        for alias, unquoted in _BY_LENGTH:
            if not candidate.endswith(unquoted):
                continue
            raw = candidate[: len(candidate) - len(unquoted)]
            before = _YEAR_PREFIX.sub("", _YEAR_AND_SCOPE_SUFFIX.sub("", raw))
            if not before or (TITLE_ALIASES[alias] in _FUND_NEUTRAL and _FUNDS.fullmatch(raw)):
                return Spelling(alias, None)
            if _is_name(before):
                return Spelling(alias, before)
    return None


def department_in_title(line: str) -> str | None:
    """The department a standard title names before the table's own name, else None.

    江苏省高级人民法院部门收支预算总表 → 江苏省高级人民法院: the text before the spelling,
    without a year and the scope word (部门 / 预算单位 / 单位) that starts the table name.
    """
    spelling = _spelling(line)
    return None if spelling is None else spelling.department


def table_key_for_title(line: str) -> str | None:
    """The table key of the spelling the title is (after its label, year and department),
    else None."""
    spelling = _spelling(line)
    return None if spelling is None else TITLE_ALIASES[spelling.alias]


def layout_of_title(line: str) -> str | None:
    """Which layout's spelling the title uses (the first that prints it)."""
    return next(iter(layouts_of_title(line)), None)


def layouts_of_title(line: str) -> tuple[str, ...]:
    """Every layout that prints the title's spelling (收支预算总表: jiangsu, university)."""
    spelling = _spelling(line)
    return () if spelling is None else _LAYOUTS_OF[spelling.alias]


@dataclass(frozen=True)
class _WordRule:
    key: str
    words: tuple[tuple[str, ...], ...]  # every group must be present (any word of a group)
    without: tuple[str, ...]

    def holds(self, text: str) -> bool:
        return all(any(w in text for w in group) for group in self.words) and not any(
            w in text for w in self.without
        )


@cache
def _word_rules() -> tuple[_WordRule, ...]:
    rules = []
    for line in read_reference(TITLE_WORDS_FILE, ("table_key", "words", "without")):
        key = line["table_key"]
        if key not in TABLE_KEYS and key != EXTRA:
            raise RuntimeError(f"{TITLE_WORDS_FILE}: {key!r} is no budget-doc table key")
        words = tuple(tuple(group.split("|")) for group in line["words"].split())
        without = tuple(w for w in line["without"].split("|") if w)
        rules.append(_WordRule(key, words, without))
    return tuple(rules)


def keys_by_words(line: str) -> frozenset[str]:
    """The standard tables a title's words point to (`EXTRA` for a known table beside them,
    such as 机关运行经费 or 政府采购); several when the words alone cannot tell."""
    text = _unquoted(title_body(line))
    return frozenset(rule.key for rule in _word_rules() if rule.holds(text))
