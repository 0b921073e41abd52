"""The 三公 经费 lines, named once.

The warehouse's category (`v_three_public.category`), the 说明's stated topics
(`fact_narrative_figure.topic`, with `_change` / `_change_pct` for their changes) and the
checks' rows all use these names. A printed item gets its category from
data/reference/three_public_categories.csv, the first pattern it contains, the rule the
warehouse's `three_public_cells()` applies too, so a pattern an analyst adds for a new
wording reaches the view and the checks alike.
"""

from __future__ import annotations

TOTAL = "three_public_total"
OUTBOUND = "outbound"
VEHICLE_TOTAL = "vehicle_total"
VEHICLE_PURCHASE = "vehicle_purchase"
VEHICLE_OPERATION = "vehicle_operation"
RECEPTION = "reception"
MEETING = "meeting"
TRAINING = "training"
ADMIN_OPERATING = "admin_operating"
CATEGORIES = (
    TOTAL,
    OUTBOUND,
    VEHICLE_TOTAL,
    VEHICLE_PURCHASE,
    VEHICLE_OPERATION,
    RECEPTION,
    MEETING,
    TRAINING,
    ADMIN_OPERATING,
)
# The sums a 三公 table prints: (whole, its parts, the rule as a finding states it).
IDENTITIES = (
    (TOTAL, (OUTBOUND, VEHICLE_TOTAL, RECEPTION), "三公 = 出国 + 公务用车 + 接待"),
    (VEHICLE_TOTAL, (VEHICLE_PURCHASE, VEHICLE_OPERATION), "公务用车 = 购置 + 运行"),
)

Patterns = list[tuple[int, str, str]]  # (position, pattern, category) in file order


def category_of(item: str, patterns: Patterns) -> str | None:
    """The category of a printed 三公 item: its first pattern's (None when none matches);
    `patterns` as `reference.read_three_public_categories()` reads them."""
    return next((category for _, pattern, category in patterns if pattern in item), None)
