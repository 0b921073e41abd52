"""Is the file whole? A damaged PDF reads on, silently short.

pdfium repairs what it can of a file with bytes cut out or overwritten: a content stream
whose compressed data breaks off yields the glyphs decoded up to the break, so a name
loses its last characters (`办公设备购置` read as `办公设备购`) and no character looks
wrong. A producer writes every Flate stream whole, so a stream with a zlib header whose
data does not inflate is damage, and the file is refused. Encrypted streams are ciphertext
until pdfium decrypts them, so an encrypted file is not judged here.
"""

import re
import zlib
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipelines.errors import BudgetInputError

_STREAM_START = re.compile(rb"(?<!end)stream\r?\n")
_CHUNK = 1 << 20


def is_encrypted(pdf: pdfium.PdfDocument) -> bool:
    """The file has a security handler: its streams are not judged."""
    return pdfium_c.FPDF_GetSecurityHandlerRevision(pdf.raw) != -1


def _zlib_header(head: bytes) -> bool:
    """RFC 1950: method 8 (deflate) and a header whose 16-bit value is a multiple of 31."""
    return len(head) == 2 and head[0] & 0x0F == 8 and (head[0] << 8 | head[1]) % 31 == 0


def refuse_damaged_streams(path: Path) -> None:
    """Raise BudgetInputError naming the first Flate stream that does not inflate."""
    data = memoryview(path.read_bytes())
    for match in _STREAM_START.finditer(data.obj):
        if not _zlib_header(bytes(data[match.end() : match.end() + 2])):
            continue  # not Flate (an image, plain text): nothing to check
        inflater = zlib.decompressobj()
        pending = data[match.end() : match.end() + _CHUNK]
        offset = match.end() + len(pending)
        try:
            while pending and not inflater.eof:
                inflater.decompress(pending, _CHUNK)  # output capped: a bomb costs no memory
                pending = inflater.unconsumed_tail
                if not pending:
                    pending = data[offset : offset + _CHUNK]
                    offset += len(pending)
        except zlib.error:
            raise BudgetInputError(
                path,
                f"damaged PDF: the compressed stream at byte {match.end():,} does not decode "
                "(bytes cut out or overwritten?); nothing loaded",
            ) from None
