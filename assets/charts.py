"""Small charts in the markdown preview of each document: unicode bars in a table, which
the Dagster UI renders as it is (no image, no plotting library). Each document's staged
materialisation carries its level-1 function split and its department's “三公” trend, read
from the views right after the document is written (sql/charts: two small queries)."""

from decimal import ROUND_HALF_UP, Decimal

import dagster as dg

from pipelines.warehouse.sql_files import read_sql

BAR_CELLS = 20
_EIGHTHS = " ▏▎▍▌▋▊▉"


def bar(value: Decimal, largest: Decimal) -> str:
    """`value` as a bar of up to BAR_CELLS cells, in eighths of a cell."""
    if largest <= 0 or value <= 0:
        return ""
    eighths = int((value / largest * BAR_CELLS * 8).to_integral_value(ROUND_HALF_UP))
    whole, part = divmod(eighths, 8)
    return "█" * whole + (_EIGHTHS[part] if part else "")


def _wan(amount: Decimal) -> str:
    return f"{amount.quantize(Decimal('0.01'), ROUND_HALF_UP):,}"


def function_split_chart(rows: list[tuple[str, str, Decimal]]) -> str:
    """(code, name, 万元) of each level-1 function class -> a bar table with shares, largest
    first."""
    if not rows:
        return "no level-1 function rows"
    total = sum((amount for _, _, amount in rows), Decimal(0))
    largest = max(amount for _, _, amount in rows)
    lines = ["| 类 | 名称 | 万元 | 占比 |", "|---|---|---:|---|"]
    for code, name, amount in sorted(rows, key=lambda r: (-r[2], r[0])):
        share = f"{amount / total * 100:.1f}%" if total > 0 else ""
        lines.append(f"| {code} | {name} | {_wan(amount)} | `{bar(amount, largest)}` {share} |")
    return "\n".join(lines)


def three_public_trend_chart(years: list[tuple[int, Decimal]], this_year: int) -> str:
    """(fiscal year, “三公” total in 万元) of one department -> a bar per year, this year
    bold."""
    if not years:
        return "no “三公” total row"
    largest = max(amount for _, amount in years)
    lines = ["| 年度 | “三公”经费（万元） | |", "|---|---:|---|"]
    for year, amount in years:
        label = f"**{year}**" if year == this_year else str(year)
        lines.append(f"| {label} | {_wan(amount)} | `{bar(amount, largest)}` |")
    return "\n".join(lines)


def document_charts(con, department: str, year: int, kind: str, stage: str) -> dict:
    """The two charts of one written document, as metadata of its staged materialisation."""
    of_its_kind = {"department": department, "document_kind": kind, "stage": stage}
    split = con.execute(
        read_sql("charts/function_split"), of_its_kind | {"fiscal_year": year}
    ).fetchall()
    trend = con.execute(read_sql("charts/three_public_trend"), of_its_kind).fetchall()
    return {
        "function_split": dg.MetadataValue.md(function_split_chart(split)),
        "three_public_trend": dg.MetadataValue.md(three_public_trend_chart(trend, year)),
    }
