"""Scanned budgets made at test time: sample pages rendered to images as a scanner would
give them (150–300 dpi, a small tilt, Gaussian noise, JPEG at quality 60–80), wrapped as
image-only PDFs. The sample's truth JSON is the truth of its scan."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageFilter

from tests.inputs import SAMPLES


@dataclass(frozen=True)
class Scan:
    """How to scan some pages of a sample."""

    sample: str  # a sample's file stem
    pages: tuple[int, ...]  # 1-based
    dpi: int = 200
    tilt: float = 0.6  # degrees, counter-clockwise
    quality: int = 70  # JPEG
    noise: float = 8.0  # grey levels, the noise's standard deviation
    blur: float = 0.0  # pixels: a Gaussian blur's radius (an out-of-focus scan)

    @property
    def name(self) -> str:
        pages = "-".join(map(str, self.pages))
        return f"{self.sample}_p{pages}_{self.dpi}dpi_{self.tilt:+}deg_q{self.quality}_b{self.blur}"

    @property
    def source(self) -> Path:
        return SAMPLES / f"{self.sample}.pdf"


def make_scan(scan: Scan, folder: Path, seed: int = 25) -> Path:
    """The image-only PDF of `scan`, written in `folder`."""
    rng = np.random.default_rng(seed)
    document = pdfium.PdfDocument(str(scan.source))
    images = []
    try:
        for number in scan.pages:
            page = document[number - 1].render(scale=scan.dpi / 72).to_pil().convert("L")
            page = page.rotate(scan.tilt, resample=Image.BICUBIC, fillcolor=255)
            if scan.blur:
                page = page.filter(ImageFilter.GaussianBlur(scan.blur))
            noisy = np.asarray(page, dtype=np.float32) + rng.normal(0, scan.noise, page.size[::-1])
            jpeg = io.BytesIO()
            Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8)).save(
                jpeg, "JPEG", quality=scan.quality
            )
            images.append(Image.open(jpeg))
    finally:
        document.close()
    path = folder / f"{scan.name}.pdf"
    images[0].save(path, "PDF", resolution=scan.dpi, save_all=True, append_images=images[1:])
    return path
