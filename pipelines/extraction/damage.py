"""Is the file whole? A damaged PDF reads on, silently short.

pdfium repairs what it can of a file with bytes cut out or overwritten: a content stream
whose compressed data breaks off yields the glyphs decoded up to the break, so a name
loses its last characters (`办公设备购置` read as `办公设备购`) and no character looks
wrong. A producer writes every Flate stream whole, so a stream with a zlib header whose
data does not inflate is damage, and the file is refused. Encrypted streams are ciphertext
until pdfium decrypts them, so an encrypted file is not judged here.
"""

from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipelines.errors import BudgetInputError
from pipelines.flate import inflate_streams


def is_encrypted(pdf: pdfium.PdfDocument) -> bool:
    """The file has a security handler: its streams are not judged."""
    return pdfium_c.FPDF_GetSecurityHandlerRevision(pdf.raw) != -1


def refuse_damaged_streams(path: Path) -> None:
    """Raise BudgetInputError naming the first Flate stream that does not inflate."""
    damaged = inflate_streams(path.read_bytes())
    if damaged is not None:
        raise BudgetInputError(
            path,
            f"damaged PDF: the compressed stream at byte {damaged:,} does not decode "
            "(bytes cut out or overwritten?); nothing loaded",
        )
