"""What a budget page prints besides its tables and sentences: the page number at its foot
and the unit line (单位：万元). The table cutter reads a table's unit off the lines above it
and passes over both between a table and the title of the next; the narrative reader drops
page numbers from its sentences and reads a key-project table's unit from its header.
Both match text as `cleaning.normalise_name` leaves it (NFKC, no whitespace), so `：` is
`:` and `单位 ： 万元` is `单位:万元`.
"""

import re
from collections.abc import Iterable, Iterator

from pipelines.cleaning import normalise_name

# A page number as printed at the foot of a page: 8, -8-, —8—
PAGE_NUMBER = re.compile(r"^[-—–]?\d{1,3}[-—–]?$")
# A printed unit and the word that names it: 单位:万元, 金额单位:元, 预算数(单位:万元)
PRINTED_UNIT = re.compile(r"单位:?(万元|元)")
# A heading line: 第三部分…, 三、…, （三）… or 3. …: it starts a new sentence or statement.
HEADING = re.compile(
    r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|\(?\d+[.．)](?!\d))"
)


def body_lines(pages: Iterable[tuple[int | None, list[str]]]) -> Iterator[tuple[int | None, str]]:
    """(page, line) of each printed line of `pages`, normalised, page numbers left out: what
    the narrative's sentences and statements are read from."""
    for page, lines in pages:
        for raw in lines:
            line = normalise_name(raw)
            if line and not PAGE_NUMBER.match(line):
                yield page, line
