"""Who published a budget, for which year, and what kind of document it is.

Budgets print their department in different places: a 部门：/编制单位： line over the
tables, a cover, a table title that begins with the name, a running header, only the
narrative's own sentences, or the PDF's metadata title. Each place is one rule below,
ranked by how authoritative it is: the first rule that finds anything decides, and its
most frequent answer wins, so one odd line (a wrapped 部门名称：江苏省人大) cannot outvote
ten. The same wording says whether the document is a department's or one unit's (单位预算)
and whether it is the budget (预算, the plan) or the final accounts (决算, the actuals).
"""

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from pipelines.budget_doc import BUDGET_STAGE, DEPARTMENT_BUDGET, FINAL_STAGE, UNIT_BUDGET
from pipelines.cleaning import normalise_name
from pipelines.extraction.titles import UNIT_SCOPE_WORDS, department_in_title, title_body

# 部门：X / 部门名称：X / 单位名称：X / 编制单位：X / 预算单位：X, and through 部门：
# also 编制部门：X / 预算主管部门：X; often followed on the same line by 单位：万元.
_LABELLED = re.compile(
    r"(?:部门名称|单位名称|编制单位|预算单位|部门)(?:\(盖章\))?:([^:\s]+?)(?:金额单位:|单位:|$)"
)
# A trailing scope qualifier is not part of the name: 江苏省委办公厅(本级).
_SCOPE_QUALIFIER = re.compile(r"\((?:部门|单位|机关)?(?:本级|汇总|合并)\)$")
# A cover names the department, the year and the kind of document, in either order:
# 2018年度江苏省高级人民法院预算公开, 江苏省人民检察院2019年度部门预算公开,
# 2023年 / 广州市…中心 / 部门预算 (three lines), 上海市普陀区财政局 / 2024年度部门决算.
# Before a level (上海市普陀区2026年区级单位预算) the name is the region, not the department.
_DOCUMENT_WORD = (
    r"(?P<level>[省市区县]级)?(?P<scope>部门|单位)?(?P<doc>预算|决算)(?:公开)?(?:文件|报告|报表)?"
)
_COVERS = (
    re.compile(rf"(?P<year>20\d{{2}})年度?(?P<name>.{{2,40}}?){_DOCUMENT_WORD}"),
    re.compile(rf"(?P<name>.{{2,40}}?)(?P<year>20\d{{2}})年度?{_DOCUMENT_WORD}"),
)
_COVER_LINES = 6  # the cover is among the document's first text lines
_COVER_SPAN = 3  # and may wrap over up to three lines
# A narrative sentence about the budget starts with its subject:
# 江苏省委办公厅2019年度收入、支出预算总计27664.22万元.
_NARRATIVE_SUBJECT = re.compile(
    r"(?P<name>[^\d:,。、;()]{3,30}?)(?:部门|单位)?(?P<year>20\d{2})年度?"
    r"(?:收入|支出|财政拨款|一般公共预算|政府性基金|部门预算|单位预算|“三公”|政府采购)"
)
_APPLICATION_PREFIX = re.compile(r"^[A-Za-z ]+-")  # "Microsoft Word - " before a file name
_FILE_SUFFIX = re.compile(r"\.[A-Za-z]{2,4}$")
_YEAR = re.compile(r"(20\d{2})年")
# Sequence labels, pronouns (本部门), levels (区级) and digits are no department name.
_NOT_A_NAME = re.compile(
    r"^(?:[一二三四五六七八九十]+、|\(?[一二三四五六七八九十]+\)|第|本|我|该|全|其中)"
    r"|[省市区县]级$|[\d:《》]"
)
# A table title saying which kind of figures it holds: …预算表 / …预算总表 vs …决算表.
_DOCUMENT_TITLE = re.compile(r"(预算|决算)总?表(?:\([^)]*\))?$")
_SHORT_LINE = 40  # a longer line is a sentence, not a title or a cover
_TITLE_SCOPE = re.compile(r"^(部门|" + "|".join(UNIT_SCOPE_WORDS) + ")")
_COVER_SCOPE = re.compile(r"(部门|单位)预算")
# Words of a budget's narrative (情况说明): several of them, with a department and a
# year, make a companion of a budget whose tables are published in another file.
_NARRATIVE_TERMS = (
    "部门预算",
    "单位预算",
    "收支预算",
    "财政拨款",
    "基本支出",
    "项目支出",
    "三公",
    "一般公共预算",
    "机关运行经费",
    "政府采购",
)
_MIN_NARRATIVE_TERMS = 4


@dataclass(frozen=True)
class Evidence:
    """What a document prints about itself, normalised (NFKC, no whitespace)."""

    cover: list[str]  # its first text lines
    lines: list[str]  # its text lines in page order (narrative, lines above tables)
    labelled: list[str]  # names printed after a 部门：/编制单位：… label
    titles: list[str]  # its table titles, standard or not
    metadata_title: str = ""


def gather_evidence(
    lines: Iterable[str], titles: Iterable[str] = (), metadata_title: str = ""
) -> Evidence:
    """Evidence from a document's text lines (in page order), table titles and metadata."""
    texts = [text for text in map(normalise_name, lines) if text]
    return Evidence(
        cover=texts[:_COVER_LINES],
        lines=texts,
        labelled=[name for name in map(department_on_line, texts) if name],
        titles=[normalise_name(t) for t in titles if t],
        metadata_title=normalise_name(metadata_title),
    )


def department_on_line(line: str) -> str | None:
    """The name after a 部门：/单位名称：/编制单位：… label, without (本级) and the like."""
    match = _LABELLED.search(normalise_name(line))
    if match is None:
        return None
    name = _SCOPE_QUALIFIER.sub("", match.group(1))
    return name if _is_name(name) else None


def find_department(evidence: Evidence) -> str | None:
    """The department named by the highest-ranked rule that names one."""
    return _first_ranked(evidence, _DEPARTMENT_RULES)


def find_year(evidence: Evidence) -> int | None:
    """The fiscal year from the highest-ranked rule that gives one.

    A year in a table title beats the cover's, which beats a running header's, which
    beats years in lines about 预算 (the narrative also compares with last year's).
    """
    return _first_ranked(evidence, _YEAR_RULES)


def document_kind(evidence: Evidence) -> str:
    """A unit budget (单位预算) when its titles and cover say 预算单位/单位 more often than 部门."""
    scopes = [m.group(1) for t in evidence.titles if (m := _TITLE_SCOPE.match(title_body(t)))]
    scopes += [m.group(1) for line in evidence.cover if (m := _COVER_SCOPE.search(line))]
    unit = sum(scope != "部门" for scope in scopes)
    return UNIT_BUDGET if unit > len(scopes) - unit else DEPARTMENT_BUDGET


def final_accounts_title(evidence: Evidence) -> str | None:
    """The cover or first title saying 决算 when the document says 决算 more often than
    预算 (…决算表 vs …预算表), else None.

    Final accounts (部门决算) print the same tables with actual figures: the same tables,
    another stage of the same department-year (`document_stage`).
    """
    seen: dict[str, list[str]] = {"预算": [], "决算": []}
    for match, text in _cover_matches(evidence.cover):
        seen[match.group("doc")].append(text)
    for line in evidence.titles + evidence.lines:
        if len(line) <= _SHORT_LINE and (match := _DOCUMENT_TITLE.search(line)):
            seen[match.group(1)].append(line)
    if len(seen["决算"]) > len(seen["预算"]):
        return seen["决算"][0]
    return None


def document_stage(evidence: Evidence) -> str:
    """Final accounts (决算: actual figures) when the document says so (`final_accounts_title`),
    else a budget (预算: the plan)."""
    return FINAL_STAGE if final_accounts_title(evidence) else BUDGET_STAGE


def talks_like_budget(evidence: Evidence) -> bool:
    """Several budget-narrative terms in the text (a notice that says 预算 once is no budget)."""
    text = "".join(evidence.lines)
    return sum(term in text for term in _NARRATIVE_TERMS) >= _MIN_NARRATIVE_TERMS


def _is_name(text: str) -> bool:
    return 2 <= len(text) <= 40 and not _NOT_A_NAME.search(text)


def _cover_matches(lines: list[str], span: int = _COVER_SPAN) -> Iterator[tuple[re.Match, str]]:
    """Cover wordings among the lines, each read alone and joined with the next ones."""
    for start in range(len(lines)):
        for end in range(start + 1, min(start + span, len(lines)) + 1):
            text = "".join(lines[start:end])
            for cover in _COVERS:
                match = cover.fullmatch(text)
                if match and _is_name(match.group("name")):
                    yield match, text
                    break


def _labelled(evidence: Evidence) -> list[str]:
    return evidence.labelled


def _cover(evidence: Evidence) -> list[str]:
    names = [m.group("name") for m, _ in _cover_matches(evidence.cover) if not m.group("level")]
    return names[:1]


def _title_prefix(evidence: Evidence) -> list[str]:
    return [name for name in map(department_in_title, evidence.titles) if name]


def _running_header(evidence: Evidence) -> list[str]:
    """A cover wording repeated at the head of pages (江苏省高级人民法院2018年部门预算)."""
    matches = _cover_matches(evidence.lines, span=1)
    return _repeated(m.group("name") for m, _ in matches if not m.group("level"))


def _narrative_subject(evidence: Evidence) -> list[str]:
    """The subject of sentences such as 江苏省委办公厅2019年度收入、支出预算总计…"""
    subjects = (m.group("name") for line in evidence.lines if (m := _NARRATIVE_SUBJECT.match(line)))
    return _repeated(name for name in subjects if _is_name(name))


def _metadata(evidence: Evidence) -> list[str]:
    title = _FILE_SUFFIX.sub("", _APPLICATION_PREFIX.sub("", evidence.metadata_title))
    return [m.group("name") for m, _ in _cover_matches([title], span=1) if not m.group("level")]


def _years_in(lines: Iterable[str]) -> list[int]:
    return [int(m.group(1)) for line in lines for m in _YEAR.finditer(line)]


def _title_years(evidence: Evidence) -> list[int]:
    return _years_in(evidence.titles)


def _cover_years(evidence: Evidence) -> list[int]:
    return [int(m.group("year")) for m, _ in _cover_matches(evidence.cover)][:1]


def _header_years(evidence: Evidence) -> list[int]:
    return _repeated(int(m.group("year")) for m, _ in _cover_matches(evidence.lines, span=1))


def _budget_line_years(evidence: Evidence) -> list[int]:
    return _years_in(t for t in [*evidence.lines, evidence.metadata_title] if "预算" in t)


def _any_years(evidence: Evidence) -> list[int]:
    return _years_in([*evidence.lines, evidence.metadata_title])


_DEPARTMENT_RULES: tuple[Callable[[Evidence], list[str]], ...] = (
    _labelled,
    _cover,
    _title_prefix,
    _running_header,
    _narrative_subject,
    _metadata,
)
_YEAR_RULES: tuple[Callable[[Evidence], list[int]], ...] = (
    _title_years,
    _cover_years,
    _header_years,
    _budget_line_years,
    _any_years,
)


def _repeated(values: Iterable) -> list:
    """The values seen more than once (a line printed once is no running header)."""
    values = list(values)
    counts = Counter(values)
    return [value for value in values if counts[value] > 1]


def _first_ranked(evidence: Evidence, rules):
    for rule in rules:
        if answers := rule(evidence):
            return Counter(answers).most_common(1)[0][0]
    return None


_NAME_YEAR = re.compile(r"(?<!\d)20\d\d(?!\d)")  # 2019, not part of 120190 or 20191231


@dataclass(frozen=True)
class YearDisagreement:
    """A file named for one year that holds the budget of another (a mislabelled upload,
    or the wrong year's PDF saved under this name): loaded as the document says, flagged."""

    name_year: str
    fiscal_year: str

    def __str__(self) -> str:
        return f"file name says {self.name_year}, the document says {self.fiscal_year}"


def file_year_disagreement(source_name: str, fiscal_year) -> YearDisagreement | None:
    """The 20xx year(s) in a file name when none of them is the document's fiscal year."""
    years = _NAME_YEAR.findall(source_name.rsplit("/", 1)[-1])
    if not years or not fiscal_year or str(fiscal_year) in years:
        return None
    return YearDisagreement("/".join(dict.fromkeys(years)), str(fiscal_year))


_PART_HEADING = re.compile(r"^第[一二三四五六七八九十]+部分")


def disagreeing_headings(
    pages: Iterable[tuple[int, list[str]]],
    titles: Iterable[tuple[int, str]],
    department: str,
    fiscal_year: int,
) -> list[dict]:
    """Part headings (第三部分 2024年度部门决算情况说明) and table titles that name another
    year, and titles that name another department, than the document's own: `{"page",
    "text", "year" or "department"}` each. A copy-pasted heading from last year's document
    is worth a look; the document's identity is taken from all of its evidence, so it stays
    as found."""
    out = []
    headings = [(page, line) for page, lines in pages for line in map(normalise_name, lines)]
    headings = [(page, line) for page, line in headings if _PART_HEADING.match(line)]
    for page, text in [*headings, *((page, normalise_name(t)) for page, t in titles)]:
        for year in dict.fromkeys(_years_in([text])):
            if year != fiscal_year:
                out.append({"page": page, "text": text, "year": year})
    for page, title in titles:
        named = department_in_title(title)
        if named and named not in department and department not in named:
            out.append({"page": page, "text": normalise_name(title), "department": named})
    return out
