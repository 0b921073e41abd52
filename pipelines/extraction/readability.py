"""Is a page's text real text? Broken ToUnicode maps fail silently.

A font without a usable ToUnicode map makes Chinese vanish or turn into other
characters while every PDF library reports success. Numbers read from such a page
would be loaded under the wrong names, so a page is judged by its characters: pdfium's
own unmapped-glyph flag, U+FFFD and private-use characters, and the share of Chinese
among the letters. A map that turns Chinese into other Chinese characters is caught at
the document level: its tables print none of BUDGET_TERMS.

A damaged file (bytes cut out or zeroed) decodes some glyphs through the wrong code page:
Chinese names come out with `š`, `›`, `Œ` or control codes mixed in. No budget prints a
Latin-1 or Latin Extended letter, U+FFFD or a control code beside a Chinese character,
while plain ASCII (`IT运维`), full-width forms, `×`, `—`, `·` and `№` are printed: the
first make the page garbled, and the document is refused (`garbled`), never loaded with
wrong names.
"""

import unicodedata
from dataclasses import dataclass

from pipelines.extraction.grid import text_lines
from pipelines.extraction.pdf_pages import PageContent

_MIN_GLYPHS = 20  # fewer glyphs than this say too little to judge
_MAX_BAD_SHARE = 0.05
_MIN_CJK_SHARE = 0.2
BUDGET_TERMS = ("合计", "科目", "预算", "支出", "收入", "总计", "小计")


@dataclass(frozen=True)
class Readability:
    """The verdict on one page, with the reason a user can read."""

    readable: bool
    reason: str = ""
    garbled: bool = False  # foreign letters inside Chinese text: the whole file is suspect


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def _is_bad(ch: str) -> bool:
    return ch == "\ufffd" or "\ue000" <= ch <= "\uf8ff" or ch < " "


def _is_foreign(ch: str) -> bool:
    """A letter no budget prints beside Chinese: Latin-1 or Latin Extended (U+00C0–U+024F,
    not × or ÷), U+FFFD, or a control code that reached the text."""
    if ch == "\ufffd" or unicodedata.category(ch) == "Cc":
        return True
    return "\u00c0" <= ch <= "\u024f" and unicodedata.category(ch).startswith("L")


def _garbled_line(page: PageContent) -> str | None:
    """The first text line where a foreign letter sits beside a Chinese character."""
    for line in text_lines(page.glyphs):
        chars = [ch for ch in line if not ch.isspace()]
        for before, after in zip(chars, chars[1:], strict=False):
            if (_is_foreign(before) and _is_cjk(after)) or (_is_cjk(before) and _is_foreign(after)):
                return line
    return None


def judge_page(page: PageContent) -> Readability:
    """Readable unless the characters show a broken text layer or a damaged file."""
    verdict = _judge_mapping(page)
    if not verdict.readable:
        return verdict
    if page.control_glyphs:
        return Readability(
            False, f"page {page.number}: {page.control_glyphs} printed control codes", True
        )
    if (line := _garbled_line(page)) is not None:
        shown = line.encode("unicode_escape").decode("ascii") if not line.isprintable() else line
        return Readability(False, f"page {page.number}: {shown[:60]!r}", True)
    return verdict


def _judge_mapping(page: PageContent) -> Readability:
    texts = [g.text for g in page.glyphs if not g.text.isspace()]
    if len(texts) < _MIN_GLYPHS:
        return Readability(True)
    # pdfium flags an unmapped glyph and often also returns a control character for it,
    # or none at all: capped so the reason never reads "51 of 23".
    bad = min(len(texts), sum(1 for t in texts if _is_bad(t)) + page.unmapped_glyphs)
    if bad / len(texts) > _MAX_BAD_SHARE:
        return Readability(
            False, f"page {page.number}: {bad} of {len(texts)} characters have no Unicode mapping"
        )
    letters = [t for t in texts if not (t.isdigit() or t in ".,-:()%[]/")]
    cjk = sum(1 for t in letters if _is_cjk(t))
    if letters and cjk / len(letters) < _MIN_CJK_SHARE:
        return Readability(
            False, f"page {page.number}: only {cjk} of {len(letters)} letters are Chinese"
        )
    return Readability(True)
