"""Cell text and amount normalisation shared by the extractor, renderer and loader.

FORMAT.md fixes these rules; keeping them in one module means the parser and the
fixtures cannot drift apart.
"""

import re
import unicodedata
from decimal import Decimal, InvalidOperation

_WHITESPACE = re.compile(r"\s+")
_HTML_TAG = re.compile(r"<[^>]*>")
_LATIN_OR_DIGIT = re.compile(r"[0-9A-Za-z]")
_CENT = Decimal("0.01")


def normalise_name(text: str | None) -> str:
    """NFKC, then drop every whitespace run: `'合 计'` -> `'合计'`."""
    if text is None:
        return ""
    joined = _WHITESPACE.sub("", unicodedata.normalize("NFKC", text))
    # Dropping a space can join a letter to a combining mark (NFKC 'U¯' -> 'U', ' ', U+0304):
    # normalise once more so the result is stable (normalise_name(x) is a fixed point).
    return unicodedata.normalize("NFKC", joined)


def normalise_long_text(text: str | None) -> str:
    """Goal texts: no HTML, no line breaks; one space kept only between two Latin letters/digits."""
    if text is None:
        return ""
    text = unicodedata.normalize("NFKC", _HTML_TAG.sub(" ", text)).strip()
    parts = _WHITESPACE.split(text)
    out = parts[0] if parts else ""
    for part in parts[1:]:
        if not part:
            continue
        if out and _LATIN_OR_DIGIT.fullmatch(out[-1]) and _LATIN_OR_DIGIT.fullmatch(part[0]):
            out += " "
        out += part
    return out


class AmountError(ValueError):
    """An amount cell whose number cannot be read without guessing."""


_DASHES = {"-", "—", "–", "－", "——", "--"}
_PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_GROUPED_NUMBER = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d+)?")


def parse_amount(text: str | None) -> Decimal | None:
    """Read a printed amount exactly; None for a blank cell, AmountError when ambiguous.

    Accepts full-width digits, thousands separators in groups of three, a lone dash
    (printed for zero), a minus sign (ASCII, full-width or U+2212) and parentheses for
    negatives; anything else is refused rather than guessed (`1,234.5` is fine, `1,23.4`
    is not).
    """
    if text is None:
        return None
    raw = unicodedata.normalize("NFKC", text).replace("\u2212", "-")  # U+2212 minus sign
    s = _WHITESPACE.sub("", raw)
    if s == "":
        return None
    if s in _DASHES:
        return Decimal("0.00")
    negative = s.startswith("(") and s.endswith(")")
    if negative:
        s = s[1:-1]
        if s.startswith("-"):  # `(-5)`: a double negative is a misprint, not a number
            raise AmountError(f"not an amount: {text!r}")
    if _GROUPED_NUMBER.fullmatch(s):
        s = s.replace(",", "")
    elif not _PLAIN_NUMBER.fullmatch(s):
        raise AmountError(f"not an amount: {text!r}")
    try:
        value = Decimal(s)
    except InvalidOperation as exc:  # pragma: no cover - the regexes admit only decimals
        raise AmountError(f"not an amount: {text!r}") from exc
    return -value if negative else value


def printed_decimals(text: str | None) -> int | None:
    """How many decimals a printed amount shows (`22,118,861` 0, `1,234.5` 1).

    None where the cell is no evidence of the precision printed: a blank, a zero, a
    non-amount, or digits with neither a thousands separator nor a decimal point, which
    may as well be a subject code (`204`, `2040601`) as a small amount.
    """
    try:
        value = parse_amount(text)
    except AmountError:
        return None
    compact = unicodedata.normalize("NFKC", text or "")
    if not value or not ("," in compact or "." in compact):
        return None
    _, _, decimals = _WHITESPACE.sub("", compact).partition(".")
    return len(decimals.rstrip(")"))


def format_amount(value: Decimal) -> str:
    """The budget-doc/1 spelling of an amount: two decimals, no separators."""
    return str(value.quantize(_CENT))


def looks_like_amount(text: str | None) -> bool:
    """True for a cell that parses as an amount (blank cells are not amounts)."""
    try:
        return parse_amount(text) is not None
    except AmountError:
        return False
