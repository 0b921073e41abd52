"""Small charts in the markdown preview of each document: unicode bars in a table, which
the Dagster UI renders as it is (no image, no plotting library), from two grouped queries
per batch (sql/charts), so each document costs a lookup."""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import dagster as dg

from pipelines.warehouse.sql_files import read_sql

BAR_CELLS = 20
_EIGHTHS = " ▏▎▍▌▋▊▉"
_WAN = Decimal("0.0001")


def bar(value: Decimal, largest: Decimal) -> str:
    """`value` as a bar of up to BAR_CELLS cells, in eighths of a cell."""
    if largest <= 0 or value <= 0:
        return ""
    eighths = int((value / largest * BAR_CELLS * 8).to_integral_value(ROUND_HALF_UP))
    whole, part = divmod(eighths, 8)
    return "█" * whole + (_EIGHTHS[part] if part else "")


def _wan(yuan: Decimal) -> str:
    return f"{(yuan * _WAN).quantize(Decimal('0.01'), ROUND_HALF_UP):,}"


def function_split_chart(rows: list[tuple[str, str, Decimal]]) -> str:
    """(code, name, amount in 元) of each level-1 function class -> a bar table with shares."""
    if not rows:
        return "no level-1 function rows"
    total = sum((amount for _, _, amount in rows), Decimal(0))
    largest = max(amount for _, _, amount in rows)
    lines = ["| 类 | 名称 | 万元 | 占比 |", "|---|---|---:|---|"]
    for code, name, amount in rows:
        share = f"{amount / total * 100:.1f}%" if total > 0 else ""
        lines.append(f"| {code} | {name} | {_wan(amount)} | `{bar(amount, largest)}` {share} |")
    return "\n".join(lines)


def three_public_trend_chart(years: list[tuple[int, Decimal]], this_year: int) -> str:
    """(fiscal year, “三公” total in 元) of one department -> a bar per year, this year bold."""
    if not years:
        return "no “三公” total row"
    largest = max(amount for _, amount in years)
    lines = ["| 年度 | “三公”经费（万元） | |", "|---|---:|---|"]
    for year, amount in years:
        label = f"**{year}**" if year == this_year else str(year)
        lines.append(f"| {label} | {_wan(amount)} | `{bar(amount, largest)}` |")
    return "\n".join(lines)


class DocumentCharts:
    """Every loaded document's function split and its department's “三公” trend, read once."""

    def __init__(self, con) -> None:
        self.splits: dict[tuple, list] = defaultdict(list)
        for department, year, kind, code, name, amount in con.execute(
            read_sql("charts/function_split")
        ).fetchall():
            self.splits[(department, year, kind)].append((code, name, amount))
        self.trends: dict[tuple, list] = defaultdict(list)
        for department, kind, year, amount in con.execute(
            read_sql("charts/three_public_totals")
        ).fetchall():
            self.trends[(department, kind)].append((year, amount))

    def function_split(self, department: str, year: int, kind: str) -> str:
        return function_split_chart(self.splits.get((department, year, kind), []))

    def three_public_trend(self, department: str, year: int, kind: str) -> str:
        return three_public_trend_chart(self.trends.get((department, kind), []), year)

    def metadata(self, department: str, year: int, kind: str) -> dict[str, dict]:
        """View -> the chart its materialisation of this document carries."""
        return {
            "v_expenditure_by_function": {
                "chart": dg.MetadataValue.md(self.function_split(department, year, kind))
            },
            "v_three_public": {
                "chart": dg.MetadataValue.md(self.three_public_trend(department, year, kind))
            },
        }
