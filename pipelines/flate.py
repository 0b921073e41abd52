"""Every Flate stream of a PDF inflated into nothing, in one walk both readers share.

The decoded-bytes limit counts what the streams inflate to (a decompression bomb is refused
before pdfium allocates it), and the damage check needs the first stream that starts as
zlib data but does not inflate (bytes cut out or overwritten). Output is capped per call,
so a bomb costs no memory here.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable

_STREAM_START = re.compile(rb"(?<!end)stream\r?\n")
_CHUNK = 1 << 20


def inflate_streams(data: bytes, decoded: Callable[[int], None] = lambda _: None) -> int | None:
    """Inflate each stream of `data`, calling `decoded(n)` for every n bytes it yields (it
    may raise to stop the walk); the offset of the first stream with a zlib header whose
    data does not inflate, or None. A stream that is not zlib data (an image, plain text) is
    passed over."""
    view = memoryview(data)
    damaged = None
    for match in _STREAM_START.finditer(data):
        start = match.end()
        inflater = zlib.decompressobj()
        pending = view[start : start + _CHUNK]
        offset = start + len(pending)
        try:
            while pending and not inflater.eof:
                decoded(len(inflater.decompress(pending, _CHUNK)))
                pending = inflater.unconsumed_tail
                if not pending:
                    pending = view[offset : offset + _CHUNK]
                    offset += len(pending)
        except zlib.error:
            if damaged is None and _zlib_header(bytes(view[start : start + 2])):
                damaged = start
    return damaged


def _zlib_header(head: bytes) -> bool:
    """RFC 1950: method 8 (deflate) and a header whose 16-bit value is a multiple of 31."""
    return len(head) == 2 and head[0] & 0x0F == 8 and (head[0] << 8 | head[1]) % 31 == 0
