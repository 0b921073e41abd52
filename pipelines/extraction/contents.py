"""What a document says it publishes: the tables its 目录 (contents) lists, or the numbers
its table titles print (表1 … 表9, 公开01表 …).

Completeness holds a document to its own list, not to a template the parser assumes: a
table it lists and does not print is missing; a table its template never prints is not
asked for. The 目录 is the page whose line reads 目录; its entries start with a sequence
label (一、, 1., 表1, 第二部分 …), wrap onto following lines, and may end in dot leaders and
a page number. An entry that ends like a table title (…表) lists a table; the standard
table it names is read from its title as a printed title is (`titles`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.budget_doc import ABSENT, KEPT_GENERIC, PRINTED, TITLE_ONLY
from pipelines.cleaning import normalise_name
from pipelines.extraction.page_furniture import PAGE_NUMBER
from pipelines.extraction.titles import (
    EXTRA,
    HEADING_LABEL,
    generic_title,
    keys_by_words,
    table_key_for_title,
    title_body,
)

_CONTENTS = re.compile(r"^目录$")
_PART = re.compile(r"^第[一二三四五六七八九十]+部分")  # 第二部分 2024年部门预算表: a heading
_ENTRY_START = re.compile(
    r"^(?:第[一二三四五六七八九十]+部分|(?:附表|表)(?:\d+|[一二三四五六七八九十]+)|公开\d+表)"
)
_PAGE_REFERENCE = re.compile(r"[.·…_\-—]*(?:\d{1,3})?$")
_NUMBERED_TITLE = re.compile(r"^(?:附表|表)(\d+)(?!\d)|^公开(\d+)表")
_TAIL = 10  # characters: a 目录 page's first line this short ends the entry before it
_MIN_NUMBERED = 3  # table numbers count as a list once this many tables print one


@dataclass(frozen=True)
class Listed:
    """A table the document lists: its title as listed, the standard table that title
    names (None: another table, or a number whose title is unknown), and where listed."""

    title: str
    key: str | None
    source: str


def contents_listing(pages: list[tuple[int, list[str]]]) -> list[Listed]:
    """The tables the 目录 lists (`pages`: page number and the page's text lines, every
    page in order); [] when the document prints no 目录."""
    for index, (number, lines) in enumerate(pages):
        texts = [normalise_name(line) for line in lines]
        start = next((i for i, text in enumerate(texts) if _CONTENTS.match(text)), None)
        if start is None:
            continue
        entries = _entries(texts[start + 1 :], [])
        for _, more in pages[index + 1 :]:  # a 目录 running onto the next page
            texts = [t for t in map(normalise_name, more) if t and not PAGE_NUMBER.match(t)]
            if not texts or not (_starts_entry(texts[0]) or len(texts[0]) <= _TAIL):
                break  # the page after the 目录 (its heading is no entry nor an entry's tail)
            entries = _entries(texts, entries)
        source = f"目录 p.{number}"
        return [listed for entry in entries if (listed := _listed(entry, source))]
    return []


def _entries(texts: list[str], entries: list[str]) -> list[str]:
    """Contents lines as entries (after `entries`, those of an earlier page): a line
    starting with a label begins one, and so does any line after a part heading or after an
    entry that is a whole title already (a 目录 of unnumbered titles); any other line
    continues the entry above
    (一般公共预算“三公”经费、会议费、培训费支 / 出预算表, also over a page break)."""
    entries = list(entries)
    for text in texts:
        if not text or PAGE_NUMBER.match(text):
            continue
        if not entries or _starts_entry(text) or _PART.match(entries[-1]) or _is_title(entries[-1]):
            entries.append(text)
        else:
            entries[-1] += text
    return entries


def _is_title(entry: str) -> bool:
    return bool(generic_title(_PAGE_REFERENCE.sub("", entry)))


def _starts_entry(text: str) -> bool:
    return bool(_ENTRY_START.match(text) or HEADING_LABEL.match(text))


def _listed(entry: str, source: str) -> Listed | None:
    title = _PAGE_REFERENCE.sub("", entry)
    if not generic_title(title):
        return None
    key = table_key_for_title(title)
    if key is None:
        words = keys_by_words(title) - {EXTRA}
        key = next(iter(words)) if len(words) == 1 and EXTRA not in keys_by_words(title) else None
    return Listed(title_body(title), key, source)


def numbered_listing(titles: list[str]) -> list[Listed]:
    """Table numbers the titles skip (表1, 表2, 表4: 表3 is listed by its number and not
    printed), when enough tables are numbered to read a list from them."""
    numbers = {int(m.group(1) or m.group(2)) for t in titles if (m := _NUMBERED_TITLE.match(t))}
    if len(numbers) < _MIN_NUMBERED:
        return []
    return [
        Listed(f"表{n}", None, "table numbers")
        for n in range(min(numbers), max(numbers) + 1)
        if n not in numbers
    ]


def declared_tables(
    listed: list[Listed],
    typed: dict[str, str],
    table_lines: list[tuple[int, str]],
) -> dict | None:
    """The `declared_tables` extension: each standard table (or table number) the
    document lists, and whether it is printed — `printed` (read as that table),
    `kept generic` (a table under that title, not read as it), `title only` (its title
    is printed but no table was read under it) or `absent`.

    `typed`: each printed table's title line → the standard table it was read as ("" when
    kept generic); `table_lines`: (page, line) of the text printed around the grids.
    """
    entries = [entry for entry in listed if entry.key or entry.source == "table numbers"]
    if not entries:
        return None
    bodies = {title_body(title): key for title, key in typed.items()}
    spelled = {table_key_for_title(title) for title in typed}
    out = []
    for entry in entries:
        if entry.key and entry.key in typed.values():
            printed = PRINTED
        elif entry.key and (entry.key in spelled or entry.title in bodies):
            printed = KEPT_GENERIC
        elif entry.key and any(entry.title in title_body(line) for _, line in table_lines):
            printed = TITLE_ONLY
        else:
            printed = ABSENT
        out.append({"title": entry.title, "key": entry.key, "printed": printed})
    return {"source": entries[0].source, "tables": out}
