"""Amounts as budgets print them, for the property tests of the amount normaliser and of
row merging: two-decimal values, and the spellings a PDF cell carries for one."""

from decimal import Decimal

from hypothesis import strategies as st

from pipelines.cleaning import format_amount

# Half-width digits and punctuation and their full-width twins (０１２…，（）).
FULL_WIDTH = str.maketrans("0123456789.,-()", "０１２３４５６７８９．，－（）")


def two_decimal_amounts(largest: str) -> st.SearchStrategy[Decimal]:
    """Two-decimal amounts from -largest to largest."""
    bound = Decimal(largest)
    return st.decimals(
        min_value=-bound, max_value=bound, places=2, allow_nan=False, allow_infinity=False
    )


def grouped(value: Decimal) -> str:
    """`1234567.50` -> `1,234,567.50` (sign kept in front)."""
    text = format_amount(value)
    sign, text = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, _, cents = text.partition(".")
    return f"{sign}{int(whole):,}.{cents}"
