"""Properties of the amount normaliser: exact round trips, every printed spelling of a
number reads back the same, and anything ambiguous is an AmountError, never a guess."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines.cleaning import (
    AmountError,
    format_amount,
    looks_like_amount,
    normalise_name,
    parse_amount,
)
from tests.printed_amounts import FULL_WIDTH, grouped, two_decimal_amounts

# Amounts as budgets print them: two decimals, up to hundreds of billions.
amounts = two_decimal_amounts("999999999999.99")
blanks = st.text(alphabet=" \t\n\u3000\u00a0", max_size=3)


@given(amounts)
def test_format_then_parse_is_identity(value):
    text = format_amount(value)
    assert parse_amount(text) == value
    assert format_amount(parse_amount(text)) == text


@given(amounts)
def test_format_is_two_decimals_without_separators(value):
    text = format_amount(value)
    assert "," not in text and " " not in text
    assert len(text.rsplit(".", 1)[1]) == 2


@given(amounts, blanks, blanks)
def test_grouping_separators_and_surrounding_whitespace(value, before, after):
    assert parse_amount(before + grouped(value) + after) == value


@given(amounts, blanks, blanks)
def test_full_width_digits_and_punctuation(value, before, after):
    assert parse_amount(before + format_amount(value).translate(FULL_WIDTH) + after) == value
    assert parse_amount(grouped(value).translate(FULL_WIDTH)) == value


@given(amounts.filter(lambda v: v > 0))
def test_parentheses_and_minus_signs_are_negative(value):
    text = format_amount(value)
    assert parse_amount(f"({text})") == -value
    assert parse_amount(f"（{text}）") == -value
    for minus in ("-", "－", "\u2212"):
        assert parse_amount(minus + text) == -value


@given(blanks)
def test_blank_cell_is_none_not_zero(text):
    assert parse_amount(text) is None
    assert not looks_like_amount(text)


@pytest.mark.parametrize("dash", ["-", "—", "–", "－", "——", "--", " — "])
def test_a_lone_dash_is_a_printed_zero(dash):
    assert parse_amount(dash) == Decimal("0.00")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,234.5", Decimal("1234.5")),
        ("１２３.４５", Decimal("123.45")),
        ("１，２３４．５０", Decimal("1234.50")),
        ("\u3000１２\u3000", Decimal("12")),
        ("(1,234.00)", Decimal("-1234.00")),
        ("−5.00", Decimal("-5.00")),
    ],
)
def test_unambiguous_spellings(text, expected):
    assert parse_amount(text) == expected


@pytest.mark.parametrize(
    "text",
    ["1,23.4", "1.234,5", "12,34", "1,234,", ",123", "1e3", "NaN", "Infinity", ".5", "5.",
     "+5", "--5", "—5", "5-", "1.2.3", "12元", "约12", "¥12", "12%", "合计", "(12", "12)",
     "()", "(-5)", "１２ａ"],
)  # fmt: skip
def test_ambiguous_or_foreign_text_is_an_amount_error(text):
    with pytest.raises(AmountError):
        parse_amount(text)
    assert not looks_like_amount(text)


@given(st.text(max_size=12))
def test_parse_amount_never_fails_otherwise(text):
    """Any string: a Decimal, None or AmountError, nothing else (no InvalidOperation)."""
    try:
        value = parse_amount(text)
    except AmountError:
        return
    assert value is None or value.is_finite()


@given(st.text(max_size=20))
def test_normalise_name_is_idempotent_and_has_no_whitespace(text):
    once = normalise_name(text)
    assert normalise_name(once) == once
    assert not any(ch.isspace() for ch in once)
