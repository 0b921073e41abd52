"""What a final account's 说明 states about the plan against the spending, and its shares.

A 部门决算 explains its figures in sentences that compare the year's spending with its
budget, per spending subject and overall:

    一般公共预算财政拨款支出年初预算为2993.92万元，支出决算为2940.05万元，完成年初预算的98.20%。
    决算数小于预算数的主要原因：…
    1、一般公共服务支出（类）财政事务（款）行政运行（项）。主要用于：…。年初预算为 1560.05
    万元，支出决算为1511.89万元。决算数小于预算数的主要原因：…
    “三公”经费财政拨款支出年初预算为0.95万元，支出决算为0.00万元，完成预算的0%

and breaks its totals down into shares (`本年收入合计2946.25万元，其中：财政拨款收入
2940.05万元，占99.79%；…`). Each becomes stated figures (`StatedFigure`, with a `subject`
where the statement is about one spending subject): `<s>_budget` (年初预算), `<s>_adjusted`
(全年预算, the adjusted budget: its own figure), `<s>_actual` (支出决算), `<s>_pct` (完成…的
Z%), `<s>_direction` (-1 决算数小于预算数, 0 持平/相同, 1 大于; unit `sign`) for `<s>` one of
`gp_appropriation` (一般公共预算财政拨款支出), `three_public` (“三公”经费), `item` (a 项,
`subject` its 类/款/项 names) or `execution` (anything else, `subject` as printed); and
`share` (the %, `subject` the part) with `share_part` and `share_whole` (the amounts);
`gp_basic` (一般公共预算财政拨款基本支出) with its parts `gp_basic_personnel` (人员经费) and
`gp_basic_public` (公用经费).
Text is read as the narrative reader reads it: NFKC without whitespace (numbers split over
lines or spaced join up), lines joined over page breaks, page numbers dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pipelines.doc_reader import StatedFigure
from pipelines.extraction.page_furniture import HEADING, body_lines

_N = r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_EXECUTION = re.compile(
    rf"年初预算(?:数)?为{_N}万元,?(?:全年预算(?:数)?为{_N}万元,?)?支出决算(?:数)?为{_N}万元"
    rf"(?:,?完成(?:年初)?预算的{_N}%)?"
)
_DIRECTION = re.compile(
    r"决算数(小于|低于|大于|高于|超过|等于|同|与预算数(?:基本)?持平|与预算数相同)"
)
_DOWN, _UP = ("小于", "低于"), ("大于", "高于", "超过")
# 1、一般公共服务支出（类）财政事务（款）行政运行（项）。: a 项's statement starts here
_ITEM = re.compile(r"(?:^|[。;:])\d+[、.]([^()。;:]+?)\(类\)([^()。;:]+?)\(款\)([^()。;:]+?)\(项\)")
_SUBJECTS = (("gp_appropriation", "一般公共预算财政拨款支出"), ("three_public", "三公"))
# 本年收入合计2946.25万元，其中：财政拨款收入2940.05万元，占99.79%；其他收入6.2万元，占0.21%
# an amount stated in 万元 with what it is of, and the share after it when one is printed:
# 基本支出2336.91万元，占79.49% / 教育支出425,287.27万元，占总支出的92.92%
_AMOUNT = re.compile(
    rf"([^,;:。()%\d]{{0,30}}?)(?:\((?:类|款|项)\))?{_N}万元(?:,占(?:[^,;:。%\d]{{1,10}}?)?{_N}%)?"
)
# 一般公共预算财政拨款基本支出2336.91万元。其中：人员经费2152.26万元，主要包括：…；公用经费
# 184.65万元: the basic spending and its two parts, stated in that sentence or the next
_BASIC = re.compile(rf"一般公共预算(?:财政拨款)?基本支出(?:决算|预算)?数?为?{_N}万元")
_BASIC_PARTS = re.compile(rf"(人员经费|公用经费)(?:决算|预算)?数?为?{_N}万元")
_BASIC_TOPICS = {"人员经费": "gp_basic_personnel", "公用经费": "gp_basic_public"}
_PART_SENTENCES = 4  # the statement itself and the three after it
# 1.小学教育（2050202），2023年度决算数为7,970.38万元: a 项's spending, by its code
_ITEM_ACTUAL = re.compile(
    rf"([^,;:。()\d]{{2,30}})\((\d{{3,7}})\),?(?:\d{{4}}年度?)?决算数?为{_N}万元"
)


def _running_text(pages: Iterable[tuple[int | None, list[str]]]) -> tuple[str, list]:
    """The narrative as one text (NFKC, no whitespace, page numbers dropped) and the page
    of each character; a heading line (三、…, （二）…) ends the statement before it."""
    text, where = "", []
    for page, line in body_lines(pages):
        if HEADING.match(line) and not text.endswith("。"):
            line = "。" + line
        text += line
        where += [page] * len(line)
    return text, where


def _plain(number: str) -> str:
    return number.replace(",", "")


def execution_figures(pages: Iterable[tuple[int | None, list[str]]]) -> list[StatedFigure]:
    """Every 年初预算 … 支出决算 statement, its subject, and the shares stated."""
    text, where = _running_text(pages)
    items = [(m.end(), "/".join(m.groups())) for m in _ITEM.finditer(text)]
    out: list[StatedFigure] = []
    for match in _EXECUTION.finditer(text):
        start = text.rfind("。", 0, match.start()) + 1
        sentence = text[start : text.find("。", match.end()) + 1 or len(text)]
        topic, subject = _subject(text, match.start(), items)
        page = where[match.start(1)]
        budget, adjusted, actual, pct = match.groups()
        stated = [("budget", budget, "万元"), ("adjusted", adjusted, "万元")]
        stated += [("actual", actual, "万元"), ("pct", pct, "%")]
        if direction := _direction(text[match.end() : match.end() + 40]):
            stated.append(("direction", direction, "sign"))
        out += [
            StatedFigure(f"{topic}_{name}", _plain(figure), unit, page, sentence, subject)
            for name, figure, unit in stated
            if figure is not None
        ]
    for match in _ITEM_ACTUAL.finditer(text):
        start = text.rfind("。", 0, match.start()) + 1
        sentence = text[start : text.find("。", match.end()) + 1 or len(text)]
        figure, page = _plain(match.group(3)), where[match.start(3)]
        out.append(StatedFigure("item_actual", figure, "万元", page, sentence, match.group(2)))
    return out + _basic_spending(text, where) + _shares(text, where)


def _basic_spending(text: str, where: list) -> list[StatedFigure]:
    """`一般公共预算财政拨款基本支出 X 万元` (`gp_basic`) and the first 人员经费 / 公用经费 the
    next sentences break it into (`gp_basic_personnel`, `gp_basic_public`; each may end
    its own list of contents: `其中：(一)人员经费…。主要包括：…。(二)公用经费…`)."""
    out: list[StatedFigure] = []
    for match in _BASIC.finditer(text):
        start = text.rfind("。", 0, match.start()) + 1
        stops = [m.end() for m in re.finditer("。", text[match.end() :])][:_PART_SENTENCES]
        end = match.end() + stops[-1] if stops else len(text)
        page = where[match.start(1)]
        figure = _plain(match.group(1))
        out.append(StatedFigure("gp_basic", figure, "万元", page, text[start:end]))
        seen = set()
        for part in _BASIC_PARTS.finditer(text, match.end(), end):
            topic = _BASIC_TOPICS[part.group(1)]
            if topic not in seen:
                seen.add(topic)
                figure, page = _plain(part.group(2)), where[part.start(2)]
                out.append(StatedFigure(topic, figure, "万元", page, text[start:end]))
    return out


def _subject(text: str, at: int, items: list[tuple[int, str]]) -> tuple[str, str | None]:
    """What the statement at `at` is about: the words before 年初预算 in its sentence
    (一般公共预算财政拨款支出, “三公”经费 …), else — a sentence that opens with 年初预算 —
    the 项 whose numbered heading is the last before it."""
    before = text[text.rfind("。", 0, at) + 1 : at]
    for topic, words in _SUBJECTS:
        if words in before:
            return topic, None
    item = next((name for end, name in reversed(items) if end <= at), None)
    if item is not None and not before:
        return "item", item
    return "execution", before or None


def _direction(after: str) -> str | None:
    """-1, 0 or 1: what the sentence after the figures says of 决算数 against 预算数."""
    match = _DIRECTION.search(after)
    if match is None:
        return None
    word = match.group(1)
    return "-1" if word in _DOWN else "1" if word in _UP else "0"


def _shares(text: str, where: list) -> list[StatedFigure]:
    """Each `part万元，占…Y%` with the whole it is a share of: the last amount before it in
    its statement (up to 。) that is no share itself (`本年支出合计2940.05万元，其中：基本支出
    2336.91万元，占79.49%`); a statement of shares only goes on with the list of the one
    before (`…。按照支出功能科目划分，教育支出…万元，占总支出的92.92%`). No whole, no share."""
    out: list[StatedFigure] = []
    whole: str | None = None
    start = 0
    for end in [m.end() for m in re.finditer("。", text)] + [len(text)]:
        statement = text[start:end]
        amounts = list(_AMOUNT.finditer(statement))
        shares = [a for a in amounts if a.group(3)]
        if not amounts or not shares or not amounts[0].group(3):
            whole = None  # a statement that opens with its own whole, or has no share
        for amount in amounts:
            if not amount.group(3):
                whole = _plain(amount.group(2))
                continue
            if whole is None:
                continue
            subject, page = amount.group(1), where[start + amount.start(3)]
            out += [
                StatedFigure("share", _plain(amount.group(3)), "%", page, statement, subject),
                StatedFigure(
                    "share_part", _plain(amount.group(2)), "万元", page, statement, subject
                ),
                StatedFigure("share_whole", whole, "万元", page, statement, subject),
            ]
        if not shares:
            whole = None
        start = end
    return out
