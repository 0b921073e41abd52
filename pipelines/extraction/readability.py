"""Is a page's text real text? Broken ToUnicode maps fail silently.

A font without a usable ToUnicode map makes Chinese vanish or turn into other
characters while every PDF library reports success. Numbers read from such a page
would be loaded under the wrong names, so a page is judged by its characters: pdfium's
own unmapped-glyph flag, U+FFFD and private-use characters, and the share of Chinese
among the letters. A map that turns Chinese into other Chinese characters is caught at
the document level: its tables print none of BUDGET_TERMS.
"""

from dataclasses import dataclass

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


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def _is_bad(ch: str) -> bool:
    return ch == "\ufffd" or "\ue000" <= ch <= "\uf8ff" or ch < " "


def judge_page(page: PageContent) -> Readability:
    """Readable unless the characters show a broken text layer."""
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
