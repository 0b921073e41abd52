"""A PDF with one printed figure changed on one page, made at test time (no LibreOffice).

Digit for digit, so every glyph keeps its width and place: a narrative that states a wrong
number while its tables stay as printed. Rendered samples print hex runs in subset fonts
(re-encoded through the run's font, bench/budget_variants.py); Word-made PDFs print digits
as literal strings in a WinAnsi font (replaced in the content stream as they are).
"""

from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import ContentStream, NameObject

from bench.budget_variants import _rewrite, _to_unicode


def with_figure_changed(pdf: Path, page_number: int, old: str, new: str, out: Path) -> Path:
    """`pdf` with `old` printed as `new` on page `page_number` (1-based), written to `out`."""

    def rewrite(page, data: bytes) -> bytes:
        fonts = {
            str(name)[1:]: _to_unicode(font.get_object())
            for name, font in page["/Resources"]["/Font"].items()
        }
        return _rewrite(data, fonts, [(old, new)])

    return _edited(pdf, page_number, old, new, rewrite, out)


def with_operator_changed(pdf: Path, page_number: int, old: bytes, new: bytes, out: Path) -> Path:
    """`pdf` with the content-stream bytes `old` (a text operator such as
    `[(2)4(2)-3(1)-3(4)] TJ`, printed once on the page) replaced by `new`, written to `out`."""

    def rewrite(page, data: bytes) -> bytes:
        assert data.count(old) == 1, f"{pdf.name} p.{page_number}: {old!r} is not printed once"
        return data.replace(old, new)

    return _edited(pdf, page_number, old, new, rewrite, out)


def procuratorate_2019_with_wrong_change(real: Path, folder: Path) -> Path:
    """The real 江苏省人民检察院 2019 budget with its stated 收、支预算总计各增加2214.39万元
    printed 2314.39 (p.25), written to `folder`."""
    return with_operator_changed(
        real / "js_procuratorate_2019.pdf",
        25,
        b"[(2)4(2)-3(1)-3(4)] TJ",
        b"[(2)4(3)-3(1)-3(4)] TJ",
        folder / "js_procuratorate_2019.pdf",
    )


def _edited(pdf: Path, page_number: int, old, new, rewrite, out: Path) -> Path:
    assert len(old) == len(new), "same width only: a longer figure would overprint its neighbour"
    writer = PdfWriter(clone_from=pdf)
    page = writer.pages[page_number - 1]
    data = page.get_contents().get_data()
    rewritten = rewrite(page, data)
    assert rewritten != data, f"{pdf.name} p.{page_number}: no text run prints {old!r}"
    stream = ContentStream(None, writer)
    stream.set_data(rewritten)
    page[NameObject("/Contents")] = writer._add_object(stream)
    with out.open("wb") as handle:
        writer.write(handle)
    return out
