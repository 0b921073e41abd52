"""The vocabularies extraction reads from `data/reference/` (titles.py reads the title
spellings and words, this module the header words): what a header cell's words mean.

`table_header_words.csv` (`meaning,table_key,words`): each line a meaning (an income
source, a use of money, a fund a spending header names, 三公 items, the 预算数 / 决算数 an
amount is of …), the standard table it points to where it points to one, and a regular
expression of its words. Adding a wording a new template prints is adding a line.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from pipelines.budget_doc import TABLE_KEYS
from pipelines.package_data import REFERENCE_ROOT

HEADER_WORDS_FILE = REFERENCE_ROOT / "table_header_words.csv"


def read_reference(path, header: tuple[str, ...]) -> list[dict[str, str]]:
    """The lines of a reference CSV, refusing one whose header is not `header`."""
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != header:
            raise RuntimeError(f"{path}:1: header must be {','.join(header)}")
        return list(reader)


@dataclass(frozen=True)
class _Words:
    """One line of table_header_words.csv."""

    key: str | None
    words: re.Pattern

    def found(self, texts: list[str]) -> list[str]:
        return [t for t in texts if self.words.search(t)]


@cache
def _by_meaning() -> dict[str, tuple[_Words, ...]]:
    by_meaning: dict[str, tuple[_Words, ...]] = {}
    for line in read_reference(HEADER_WORDS_FILE, ("meaning", "table_key", "words")):
        key = line["table_key"] or None
        if key is not None and key not in TABLE_KEYS:
            raise RuntimeError(f"{HEADER_WORDS_FILE}: {key!r} is no budget-doc table key")
        words = _Words(key, re.compile(line["words"]))
        by_meaning[line["meaning"]] = (*by_meaning.get(line["meaning"], ()), words)
    return by_meaning


def found(meaning: str, texts: Iterable[str]) -> list[str]:
    """The texts whose words have `meaning`."""
    texts = list(texts)
    return [t for words in _by_meaning()[meaning] for t in words.found(texts)]


def keys_of(meaning: str, texts: Iterable[str]) -> dict[str | None, list[str]]:
    """The tables a meaning's words point to, each with the texts that say so."""
    texts = list(texts)
    out: dict[str | None, list[str]] = {}
    for words in _by_meaning()[meaning]:
        if hits := words.found(texts):
            out.setdefault(words.key, []).extend(hits)
    return out
