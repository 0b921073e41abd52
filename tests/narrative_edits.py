"""A PDF with one printed figure changed on one page, made at test time (no LibreOffice).

The figure is re-encoded in the fonts of the run that prints it (bench/budget_variants.py),
digit for digit, so every glyph keeps its width and place: a narrative that states a wrong
number while its tables stay as printed.
"""

from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import ContentStream, NameObject

from bench.budget_variants import _rewrite, _to_unicode


def with_figure_changed(pdf: Path, page_number: int, old: str, new: str, out: Path) -> Path:
    """`pdf` with `old` printed as `new` on page `page_number` (1-based), written to `out`."""
    assert len(old) == len(new), "same width only: a longer figure would overprint its neighbour"
    writer = PdfWriter(clone_from=pdf)
    page = writer.pages[page_number - 1]
    fonts = {
        str(name)[1:]: _to_unicode(font.get_object())
        for name, font in page["/Resources"]["/Font"].items()
    }
    data = page.get_contents().get_data()
    rewritten = _rewrite(data, fonts, [(old, new)])
    assert rewritten != data, f"{pdf.name} p.{page_number}: no text run prints {old!r}"
    stream = ContentStream(None, writer)
    stream.set_data(rewritten)
    page[NameObject("/Contents")] = writer._add_object(stream)
    with out.open("wb") as handle:
        writer.write(handle)
    return out
