"""PDFs broken on purpose, made at test time from the samples: empty, not a PDF, truncated,
encrypted, scanned, without a ToUnicode map, garbled, pages cut, not a budget."""

from __future__ import annotations

import re
from pathlib import Path

import pypdf

from tests.inputs import HRSS_PDF
from tests.pdf_objects import pdf_from_objects

SAMPLE = HRSS_PDF
PASSWORD = "s3cret-用户"


def make_empty(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def make_text_as_pdf(path: Path) -> Path:
    path.write_text("部门预算 2023 — this is a text file, not a PDF\n", encoding="utf-8")
    return path


def make_truncated(path: Path, share: float = 0.3) -> Path:
    data = SAMPLE.read_bytes()
    path.write_bytes(data[: int(len(data) * share)])
    return path


def make_encrypted(path: Path, user_password: str, owner_password: str = "owner-pw") -> Path:
    """AES-256; no permissions granted (no print, no copy) to the user."""
    writer = pypdf.PdfWriter(clone_from=str(SAMPLE))
    writer.encrypt(
        user_password=user_password,
        owner_password=owner_password,
        algorithm="AES-256",
        permissions_flag=0,
    )
    writer.write(path)
    return path


def make_scanned(path: Path, page_index: int = 4, scale: float = 0.75) -> Path:
    """A page rendered to a bitmap and saved as an image-only PDF (no text layer): at 54 dpi,
    too coarse for OCR to read its figures."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(SAMPLE))
    try:
        image = document[page_index].render(scale=scale).to_pil().convert("RGB")
    finally:
        document.close()
    image.save(path, "PDF", resolution=72 * scale)
    return path


def _fonts(writer):
    seen = set()
    for page in writer.pages:
        for font in (page.get("/Resources") or {}).get("/Font", {}).values():
            font = font.get_object()
            if id(font) not in seen:
                seen.add(id(font))
                yield font


def make_without_tounicode(path: Path) -> Path:
    """Every font's /ToUnicode removed: the glyphs keep their shapes, the text is lost."""
    from pypdf.generic import NameObject

    writer = pypdf.PdfWriter(clone_from=str(SAMPLE))
    removed = 0
    for font in _fonts(writer):
        if "/ToUnicode" in font:
            del font[NameObject("/ToUnicode")]
            removed += 1
    assert removed, "the sample has no ToUnicode maps to break"
    writer.write(path)
    return path


_BFCHAR = re.compile(rb"<([0-9A-Fa-f]{2,4})>\s*<([0-9A-Fa-f]{4})>")


def make_wrong_chinese(path: Path) -> Path:
    """ToUnicode maps that turn each Chinese character into another one (code point +256):
    digits and Latin letters stay right, so the numbers read fine under wrong names."""

    def shift(match: re.Match) -> bytes:
        code = int(match.group(2), 16)
        if 0x4E00 <= code <= 0x9EFF:
            code += 0x100
        return b"<" + match.group(1) + b"> <%04X>" % code

    writer = pypdf.PdfWriter(clone_from=str(SAMPLE))
    done = set()
    for font in _fonts(writer):
        if "/ToUnicode" not in font:
            continue
        stream = font["/ToUnicode"].get_object()
        if id(stream) not in done:
            done.add(id(stream))
            stream.set_data(_BFCHAR.sub(shift, stream.get_data()))
    assert done
    writer.write(path)
    return path


def make_pages(path: Path, keep) -> Path:
    reader = pypdf.PdfReader(str(SAMPLE))
    writer = pypdf.PdfWriter()
    for index, page in enumerate(reader.pages):
        if keep(index + 1):
            writer.add_page(page)
    writer.write(path)
    return path


def make_not_a_budget(path: Path) -> Path:
    """A one-page notice in Chinese (it even says 预算), written by hand with the
    non-embedded STSong-Light / UniGB-UCS2-H font every PDF reader knows."""
    lines = [
        "关于举办春季运动会的通知",
        "各单位：",
        "为丰富职工文化生活，增强体质，经研究决定于四月举办春季运动会。",
        "比赛项目包括跑步、跳远、拔河和乒乓球，请各单位做好预算外的后勤准备。",
        "春眠不觉晓，处处闻啼鸟。夜来风雨声，花落知多少。",
    ]
    ops = ["BT", "/F1 14 Tf", "72 760 Td", "20 TL"]
    for line in lines:
        ops.append("<" + line.encode("utf-16-be").hex().upper() + "> Tj T*")
    ops.append("ET")
    content = "\n".join(ops).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
        b" /Resources << /Font << /F1 4 0 R >> >> /Contents 6 0 R >>",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H"
        b" /DescendantFonts [5 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >>"
        b" /FontDescriptor 7 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880]"
        b" /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
    ]
    path.write_bytes(pdf_from_objects(objects, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"))
    return path
