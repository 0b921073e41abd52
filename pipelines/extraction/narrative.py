"""Figures the narrative (说明) states: totals, change vs last year, 三公, 机关运行经费, 政府采购.

A budget states its key figures twice: in the tables and in the sentences of its 说明
(`2023年本部门收入预算13,004.92万元，比上年增加649.19万元，增长5.3%`). Finance bureaus
check one against the other, so each stated figure is kept as data with its page and its
sentence. Wording differs by province; the rules below are wordings, never files:
a subject phrase (`收入预算`, `“三公”经费`, `政府采购`…), optional glue words (`预算数为`,
`安排`, `支出`…), then a number printed with its unit. A change vs last year
(`比上年增加`, `与上年相比…减少`, `比2022年预算增加`) belongs to the figure it follows.
No Dagster, no tables here: the comparisons are `pipelines.quality.narrative` and `.year_over_year`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict

from pipelines import three_public
from pipelines.budget_doc import NARRATIVE_FIGURES, TABLE_PAGES
from pipelines.cleaning import normalise_name
from pipelines.doc_reader import StatedFigure
from pipelines.extraction.page_furniture import HEADING, PRINTED_UNIT, body_lines
from pipelines.extraction.statements import execution_figures

__all__ = ["NARRATIVE_FIGURES", "TABLE_PAGES", "narrative_extension", "stated_figures"]

# A stated amount: 13,004.92 / 50.4 / 0; never a piece of a longer number.
_NUMBER = r"(?<![\d.,])(?P<n>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_AMOUNT = _NUMBER + r"(?P<u>万元|元)"
# Words printed between a subject and its figure: 预算数为, 安排, 预算支出, 总金额为, …
_GLUE = r"(?:本年|预算数|预算|支出|安排|总金额|总额|合计|总计|金额|为|是|:)*"
# A subject qualified by a fund or a spending type is not the document's total:
# 财政拨款收入预算, 一般公共预算收入预算, 政府性基金支出预算, 基本支出预算, 政府采购支出预算…
_QUALIFIED = "".join(
    f"(?<!{word})"
    for word in ("拨款", "预算", "基金", "资金", "专户", "基本", "项目", "经费", "采购")
)
_THREE = r"[“\"']?三公[”\"']?经费"

# (topics, subject): a subject followed by glue and an amount states those topics.
_SUBJECTS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("income_total", "expenditure_total"), _QUALIFIED + r"(?:收入、支出|收、支|收支)总?预算"),
    (
        ("fiscal_income_total", "fiscal_expenditure_total"),
        r"财政拨款(?:收入、支出|收、支|收支)总?预算",
    ),
    # a final account's (决算) totals: 收入支出总计 (the grand totals, carry-overs included)
    (
        ("income_total", "expenditure_total"),
        _QUALIFIED + r"(?:收入、支出|收入支出|收、支|收支)总计",
    ),
    # this year's income or spending alone (本年收入预算, a 决算's 本年收入合计), not the totals
    # with carry-overs
    (("income_year_total",), r"本年度?收入(?:预算|合计)"),
    (("expenditure_year_total",), r"本年度?支出(?:预算|合计)"),
    (("income_total",), _QUALIFIED + r"收入预算"),
    (("expenditure_total",), _QUALIFIED + r"支出预算"),
    (("fiscal_income_total",), r"财政拨款收入"),
    (("fiscal_expenditure_total",), r"(?<!公共预算)(?<!预算)财政拨款(?:支出预算|预算支出)"),
    ((three_public.TOTAL,), _THREE + r"(?!的)"),
    ((three_public.OUTBOUND,), r"因公出国\(境\)费用?"),
    ((three_public.VEHICLE_TOTAL,), r"公务用?车购置及运行(?:维护)?费"),
    ((three_public.VEHICLE_PURCHASE,), r"公务用车购置费?(?!及)"),
    ((three_public.VEHICLE_OPERATION,), r"公务用车运行(?:维护)?费"),
    ((three_public.RECEPTION,), r"公务接待费"),
    ((three_public.ADMIN_OPERATING,), r"机关运行经费"),
    (("procurement_total",), r"政府采购"),
    (("procurement_goods",), r"(?:采购|购买)货物类?|货物类采购"),
    (("procurement_works",), r"(?:采购|购买)工程类?|工程类采购"),
    (("procurement_services",), r"(?:采购|购买)服务类?|服务类采购"),
)
_STATED = [
    (topics, re.compile(f"(?:{subject})" + _GLUE + _AMOUNT)) for topics, subject in _SUBJECTS
]
# …万元，比上年增加649.19万元 / ，与上年相比收、支预算总计各增加844.15万元 /
# ，比2022年（上一年度，下同）预算增加1421.25万元 / ，比上年预算增加（减少） 0 万元
_PAREN = r"(?:\([^)]*\))?"
_CHANGE = re.compile(
    r"^,?(?:与|比|较)(?:上年|上一年|\d{4}年度?)" + _PAREN + r"(?:相比,?)?"
    r"[^,;。\d]{0,12}?(?P<dir>增加|减少|增长|下降|降低)" + _PAREN + _AMOUNT
)
_PERCENT = re.compile(r"^,(?P<dir>增长|增幅|增加|下降|降低|降幅|减少)" + _PAREN + _NUMBER + "%")
_DOWN = ("减少", "下降", "降低", "降幅")
# A sentence ends at 。 or ；, and a heading (一、…, 第三部分…, 2．…) starts a new one.
_SENTENCE_END = re.compile(r"[。;]")
_TAG = re.compile(r"<[^>]+>")  # text exports keep the HTML of goal cells: <p>…</p>
_AMOUNT_CELL = re.compile(r"^\d+(?:\.\d+)?$")


def _sentences(pages: Iterable[tuple[int | None, list[str]]]) -> list[tuple[str, list]]:
    """(sentence, page of each character): lines joined over line and page breaks, cut at
    。/； and around a heading line; page-number lines dropped."""
    out: list[tuple[str, list]] = []
    text, where = "", []

    def cut() -> None:
        nonlocal text, where
        if text:
            out.append((text, where))
        text, where = "", []

    for page, line in body_lines(pages):
        heading = HEADING.match(line)
        if heading:
            cut()
        start = 0
        for end in _SENTENCE_END.finditer(line):
            text += line[start : end.end()]
            where += [page] * (end.end() - start)
            start = end.end()
            cut()
        text += line[start:]
        where += [page] * (len(line) - start)
        if heading and not re.search(r"\d", line):  # a heading of its own: 二、“三公”经费
            cut()
    cut()
    return out


def _figure(number: str, negative: bool = False) -> str:
    plain = number.replace(",", "")
    return f"-{plain}" if negative and plain.strip("0.") else plain


def _changes(topics, sentence: str, rest: str, page) -> list[StatedFigure]:
    """The change vs last year printed right after a figure (amount, then %)."""
    change = _CHANGE.match(rest)
    if change is None:
        return []
    down = change["dir"] in _DOWN
    found = [
        StatedFigure(f"{t}_change", _figure(change["n"], down), change["u"], page, sentence)
        for t in topics
    ]
    if percent := _PERCENT.match(rest[change.end() :]):
        pct = _figure(percent["n"], down or percent["dir"] in _DOWN)
        found += [StatedFigure(f"{t}_change_pct", pct, "%", page, sentence) for t in topics]
    return found


def stated_figures(pages: Iterable[tuple[int | None, list[str]]]) -> list[StatedFigure]:
    """Every figure the text states, in reading order; `pages` is (page number, text lines)."""
    out: list[StatedFigure] = []
    for sentence, where in _sentences(pages):
        figures: list[tuple[int, StatedFigure]] = []
        taken: set[int] = set()  # an amount belongs to the first subject that states it
        for topics, pattern in _STATED:
            for match in pattern.finditer(sentence):
                if match.start("n") in taken:
                    continue
                taken.add(match.start("n"))
                page = where[match.start("n")]
                figure = _figure(match["n"])
                for topic in topics:
                    stated = StatedFigure(topic, figure, match["u"], page, sentence)
                    figures.append((match.start("n"), stated))
                rest = sentence[match.end() :]
                figures += [(match.end(), c) for c in _changes(topics, sentence, rest, page)]
        out += [figure for _, figure in sorted(figures, key=lambda f: f[0])]
    return out


def key_project_figures(pages: Iterable[tuple[int | None, list[str]]]) -> list[StatedFigure]:
    """The 重点项目 table of the narrative, as text with its cells tab-separated
    (`name<TAB>937.70<TAB>goal`): one `key_project` figure per project, its name as the
    sentence; a row with a name and no amount continues the name above (wrapped names).
    The unit is the header's (`预算数(单位:万元)`), else 万元."""
    figures: list[StatedFigure] = []
    inside, unit = False, "万元"
    for page, lines in pages:
        for raw in lines:
            line = _TAG.sub("", unicodedata.normalize("NFKC", raw or ""))
            cells = [normalise_name(cell) for cell in line.split("\t")]
            if HEADING.match(cells[0]) or cells[0].startswith("注:"):
                inside = "重点项目" in cells[0]
                continue
            if not inside or len(cells) < 2:
                continue
            if header := PRINTED_UNIT.search(cells[1]):
                unit = header[1]
            elif _AMOUNT_CELL.match(cells[1]) and cells[0]:
                figures.append(StatedFigure("key_project", cells[1], unit, page, cells[0]))
            elif not cells[1] and cells[0] and figures:
                last = figures[-1]
                figures[-1] = StatedFigure(
                    last.topic, last.figure, last.unit, last.page, last.sentence + cells[0]
                )
    return figures


def narrative_extension(pages: Iterable[tuple[int | None, list[str]]]) -> list[dict]:
    """The `narrative_figures` extension of budget-doc/1 (docs/extraction.md): the totals
    and changes stated, the key projects, and a final account's plan-against-spending
    statements and shares (`statements`)."""
    pages = list(pages)
    figures = stated_figures(pages) + key_project_figures(pages) + execution_figures(pages)
    return [
        {key: value for key, value in asdict(f).items() if key != "subject" or value}
        for f in figures
    ]
