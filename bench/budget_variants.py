"""N distinct budget PDFs from the rendered samples, without LibreOffice (for load_scale.py).

The samples print their text as hex strings of one-byte codes in subset fonts with a
ToUnicode map. A variant rewrites, in every content stream, the department name: two or
three of the name's own characters inserted after its city prefix, so every glyph exists
in the fonts that print the name (another year would need digits a title font's subset
may lack), re-encoding each changed text run in its own font. Amounts are untouched, so
every variant loads as a real budget with the sample's checks, under its own department,
i.e. its own document.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ContentStream, NameObject

_FONT = re.compile(rb"/(\w+)\s+[\d.]+\s+Tf")
_TEXT = re.compile(rb"\[((?:<[0-9A-Fa-f]*>|[-\d.\s])*)\]\s*TJ|<([0-9A-Fa-f]*)>\s*Tj")
_HEX = re.compile(rb"<([0-9A-Fa-f]*)>")
_CMAP_PAIR = re.compile(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
_CMAP_RANGE = re.compile(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")


def _to_unicode(font) -> dict[int, str]:
    """A simple font's code -> text, from its ToUnicode CMap."""
    data = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    codes: dict[int, str] = {}
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, start in _CMAP_RANGE.findall(block):
            for offset, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                codes[code] = chr(int(start, 16) + offset)
    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for code, text in _CMAP_PAIR.findall(block):
            codes[int(code, 16)] = bytes.fromhex(text).decode("utf-16-be")
    return codes


@dataclass(frozen=True)
class Variant:
    department: str
    fiscal_year: int


class Sample:
    """One rendered sample PDF and the rewrites that turn it into a variant."""

    def __init__(self, pdf: Path) -> None:
        truth = json.loads(pdf.with_suffix(".json").read_text(encoding="utf-8"))
        self.pdf = pdf
        self.department = truth["department"]
        self.fiscal_year = int(truth["fiscal_year"])
        self.pages = PdfReader(pdf).get_num_pages()

    def variants(self) -> Iterator[Variant]:
        """Distinct departments: the name with two, then three, of its own characters
        inserted after the 3-character city prefix (the sample itself first)."""
        name = self.department
        tail = name[3:]
        inserts = itertools.chain(
            ("".join(p) for p in itertools.product(tail, repeat=2)),
            ("".join(p) for p in itertools.product(tail, repeat=3)),
        )
        names = dict.fromkeys([name, *(name[:3] + extra + tail for extra in inserts)])
        return (Variant(n, self.fiscal_year) for n in names)

    def write(self, variant: Variant, out: Path) -> None:
        """The sample with its department and year rewritten as `variant`, to `out`."""
        swaps = [(self.department, variant.department)]
        writer = PdfWriter(clone_from=self.pdf)
        for page in writer.pages:
            fonts = {
                str(k)[1:]: _to_unicode(f.get_object())
                for k, f in (page["/Resources"].get("/Font") or {}).items()
            }
            content = page.get_contents()
            data = content.get_data()
            rewritten = _rewrite(data, fonts, swaps)
            if rewritten != data:
                stream = ContentStream(None, writer)
                stream.set_data(rewritten)
                page[NameObject("/Contents")] = writer._add_object(stream)
        writer.add_metadata({"/Title": f"{variant.department}{variant.fiscal_year}年部门预算"})
        with out.open("wb") as handle:
            writer.write(handle)


def _rewrite(data: bytes, fonts: dict[str, dict[int, str]], swaps) -> bytes:
    """Every text run whose text holds a swapped string, re-encoded in its own font."""
    out, last, font = [], 0, {}
    marks = sorted(
        [(m.start(), "font", m) for m in _FONT.finditer(data)]
        + [(m.start(), "text", m) for m in _TEXT.finditer(data)],
        key=lambda x: x[0],
    )
    for _, kind, match in marks:
        if kind == "font":
            font = fonts.get(match.group(1).decode(), {})
            continue
        codes = b"".join(bytes.fromhex(h.decode()) for h in _HEX.findall(match.group(0)))
        text = "".join(font.get(c, "\ufffd") for c in codes)
        new = text
        for old, replacement in swaps:
            new = new.replace(old, replacement)
        if new == text:
            continue
        encode = {t: c for c, t in font.items()}
        if any(ch not in encode for ch in new):
            continue  # a glyph this font lacks: leave the run as printed
        out.append(data[last : match.start()])
        out.append(b"<" + bytes(encode[ch] for ch in new).hex().upper().encode() + b">Tj")
        last = match.end()
    out.append(data[last:])
    return b"".join(out)


def make_variants(samples: list[Path], count: int, folder: Path) -> list[tuple[Path, Variant]]:
    """`count` distinct budgets, round-robin over the samples, written into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    pools = [(Sample(p), Sample(p).variants()) for p in samples]
    made = []
    for i in range(count):
        sample, variants = pools[i % len(pools)]
        variant = next(variants)
        out = folder / f"{i:05d}_{sample.pdf.stem}.pdf"
        if not out.exists():
            sample.write(variant, out)
        made.append((out, variant))
    return made
