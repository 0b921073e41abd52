"""Row merging: a grid row without amounts continues the row above it (a name or goal
wrapped over lines or pages). Synthetic grids check that names and goals concatenate in
order and that every printed amount comes out exactly once, in its own row and column,
with the box of the grid row that printed it (never a continuation row's)."""

from collections import Counter
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.cleaning import format_amount, normalise_long_text, normalise_name
from pipelines.extraction.tables import Layout, _coded, _itemised, _projects
from tests.printed_amounts import FULL_WIDTH, grouped, two_decimal_amounts

N_VALUES = 3
CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
fragment = st.text(CJK, min_size=1, max_size=6)
goal_text = st.text(st.sampled_from("绩效目标完成率提高服务 ab12"), min_size=0, max_size=12)
amount = two_decimal_amounts("99999999.99")


@st.composite
def printed(draw, value: Decimal) -> str:
    """One of the spellings a PDF cell may carry for `value`."""
    text = format_amount(value)
    style = draw(st.sampled_from(["plain", "grouped", "full", "padded"]))
    if style == "grouped":
        return grouped(value)
    if style == "full":
        return text.translate(FULL_WIDTH)
    if style == "padded":
        return f" {text}\u3000"
    return text


@st.composite
def cells(draw) -> list[Decimal | None]:
    """One row's amounts: at least one printed, blanks elsewhere."""
    values = draw(st.lists(st.one_of(st.none(), amount), min_size=N_VALUES, max_size=N_VALUES))
    if all(v is None for v in values):
        values[draw(st.integers(0, N_VALUES - 1))] = draw(amount)
    return values


@st.composite
def records(draw, with_goal: bool = False):
    """(name fragments, goal parts, amounts): the first fragment is on the amount row,
    the rest on continuation rows below it."""
    n = draw(st.integers(1, 4))
    fragments = draw(st.lists(fragment, min_size=n, max_size=n))
    goals = draw(st.lists(goal_text, min_size=n, max_size=n)) if with_goal else [""] * n
    return fragments, goals, draw(cells())


code = st.from_regex(r"[1-9][0-9]{2,6}", fullmatch=True)


def grid_rows(draw, recs, with_goal: bool, codes: list[str] | None = None) -> list[list[str]]:
    """Grid rows of the records; with `codes`, each amount row's label starts with its
    subject code, printed `2080101 名称` or `[2080101]名称`."""
    rows = []
    for index, (fragments, goals, values) in enumerate(recs):
        amounts = [draw(printed(v)) if v is not None else "" for v in values]
        label = fragments[0]
        if codes is not None:
            spelling = draw(st.sampled_from(["{c} {n}", "[{c}]{n}", "{c}{n}"]))
            label = spelling.format(c=codes[index], n=label)
        rows.append([label, *amounts] + ([goals[0]] if with_goal else []))
        for frag, goal in zip(fragments[1:], goals[1:], strict=True):
            rows.append([frag, *[""] * N_VALUES] + ([goal] if with_goal else []))
    return rows


def slot_boxes(rows: list[list[str]]) -> list[list[list]]:
    """A box per grid slot that names its row and column: [page 1, col, row, col+1, row+1]."""
    return [[[1, c, r, c + 1, r + 1] for c in range(len(row))] for r, row in enumerate(rows)]


def expected_boxes(recs, first_row: int = 0) -> list:
    """Each record's amounts boxed where its amount row (its first grid row) prints them."""
    out, r = [], first_row
    for fragments, _, values in recs:
        out.append(
            [[1, j + 1, r, j + 2, r + 1] if v is not None else None for j, v in enumerate(values)]
        )
        r += len(fragments)
    return out


def layout(with_goal: bool) -> Layout:
    return Layout(
        label_cols=[0],
        value_cols=list(range(1, N_VALUES + 1)),
        value_names=[f"列{i}" for i in range(N_VALUES)],
        text_col=N_VALUES + 1 if with_goal else None,
    )


def all_cells(out_rows) -> Counter:
    return Counter(
        (i, j, v) for i, row in enumerate(out_rows) for j, v in enumerate(row["values"]) if v
    )


def expected_cells(recs) -> Counter:
    return Counter(
        (i, j, format_amount(v))
        for i, (_, _, values) in enumerate(recs)
        for j, v in enumerate(values)
        if v is not None
    )


@settings(max_examples=150, deadline=None)
@given(st.data(), st.lists(records(), min_size=1, max_size=8))
def test_coded_rows_merge_names_and_keep_every_amount(data, recs):
    codes = data.draw(st.lists(code, min_size=len(recs), max_size=len(recs)))
    rows = grid_rows(data.draw, recs, with_goal=False, codes=codes)
    table = _coded(rows, slot_boxes(rows), layout(False))
    assert [r["name"] for r in table["rows"]] == [normalise_name("".join(f)) for f, _, _ in recs]
    assert [r["code"] for r in table["rows"]] == codes
    assert all_cells(table["rows"]) == expected_cells(recs)
    assert [r["boxes"] for r in table["rows"]] == expected_boxes(recs)
    assert all(len(r["values"]) == N_VALUES for r in table["rows"])


@settings(max_examples=150, deadline=None)
@given(st.data(), st.lists(records(), min_size=1, max_size=8))
def test_itemised_rows_merge_items_and_keep_every_amount(data, recs):
    rows = grid_rows(data.draw, recs, with_goal=False)
    table = _itemised(rows, slot_boxes(rows), layout(False))
    assert [r["item"] for r in table["rows"]] == ["".join(f) for f, _, _ in recs]
    assert all_cells(table["rows"]) == expected_cells(recs)
    assert [r["boxes"] for r in table["rows"]] == expected_boxes(recs)


@settings(max_examples=150, deadline=None)
@given(st.data(), st.lists(records(with_goal=True), min_size=1, max_size=8))
def test_project_rows_merge_names_and_goals_and_keep_every_amount(data, recs):
    rows = grid_rows(data.draw, recs, with_goal=True)
    table = _projects(rows, slot_boxes(rows), layout(True))
    assert [r["name"] for r in table["rows"]] == ["".join(f) for f, _, _ in recs]
    goals = [
        normalise_long_text("\n".join(g for g in gs if g.strip())) or None for _, gs, _ in recs
    ]
    assert [r["performance_goal"] for r in table["rows"]] == goals
    assert all_cells(table["rows"]) == expected_cells(recs)
    assert [r["boxes"] for r in table["rows"]] == expected_boxes(recs)


@settings(max_examples=50, deadline=None)
@given(
    st.data(),
    st.lists(fragment, min_size=1, max_size=3),
    st.lists(records(), min_size=1, max_size=4),
)
def test_continuation_rows_before_any_amount_row_lose_no_amount(data, orphans, recs):
    """Text rows above the first amount row (a wrapped header) continue nothing: they may
    be dropped, but no amount is lost or shifted to another row."""
    codes = data.draw(st.lists(code, min_size=len(recs), max_size=len(recs)))
    rows = [[o, *[""] * N_VALUES] for o in orphans] + grid_rows(data.draw, recs, False, codes)
    table = _coded(rows, slot_boxes(rows), layout(False))
    assert all_cells(table["rows"]) == expected_cells(recs)
    assert len(table["rows"]) == len(recs)
    assert [r["boxes"] for r in table["rows"]] == expected_boxes(recs, first_row=len(orphans))
