"""Small charts in the markdown preview of each document: unicode bars in a table, which
the Dagster UI renders as it is (no image, no plotting library). The numbers are those of
the ready analyses (sql/analyses/yoy_function_class, three_public_trend), run once per
batch, so each document costs a lookup."""

from collections import defaultdict
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


def _records(con, sql_name: str) -> list[dict]:
    cursor = con.execute(read_sql(sql_name))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


class DocumentCharts:
    """Every loaded document's function split and its department's “三公” trend, read once."""

    def __init__(self, con) -> None:
        self.splits: dict[tuple, list] = defaultdict(list)
        for row in _records(con, "analyses/yoy_function_class"):
            document = (row["department"], row["fiscal_year"], row["document_kind"])
            self.splits[document].append((row["code"], row["name"], row["amount_wan"]))
        self.trends: dict[tuple, list] = defaultdict(list)
        for row in _records(con, "analyses/three_public_trend"):
            if row["category"] == "three_public_total":
                department = (row["department"], row["document_kind"])
                self.trends[department].append((row["fiscal_year"], row["amount_wan"]))

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
