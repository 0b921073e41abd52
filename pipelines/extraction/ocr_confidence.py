"""How sure OCR was of each text it read: the scores a scan's budget-doc keeps as data.

Kept apart from ocr.py (which imports OpenCV and onnxruntime) so that assembling any
document, a scan's too, needs neither. The budget-doc extension `ocr` says the document's
text was read by OCR and lists every text scored below LOW_SCORE with its page and box
(on the page as shown, like `cell_boxes`): a check whose figures include one of them
could not verify its rule (`BudgetDoc.ocr_doubts`, pipelines/doc_reader.py), rather than
fail it.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.budget_doc import OCR, OCR_EXTENSION
from pipelines.extraction.pdf_pages import PageContent

LOW_SCORE = 0.9  # a recognised text scored below this is not trusted to verify a check


@dataclass(frozen=True)
class OcrBox:
    """One recognised text: its box in the reading frame (PDF points, y up) and score."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    score: float


def ocr_extension(pages: list[PageContent]) -> dict:
    """{OCR_EXTENSION: {text_source, low_score, low_confidence}} for a document any page
    of which was read by OCR; {} for a text PDF."""
    if not any(page.text_source == OCR for page in pages):
        return {}
    low = []
    for page in pages:
        for box in page.ocr:
            if box.score < LOW_SCORE:
                x0, top, x1, bottom = page.frame.box(box.x0, box.y0, box.x1, box.y1)
                where = [page.number, *(round(v, 2) for v in (x0, top, x1, bottom))]
                low.append([*where, box.text, box.score])
    return {OCR_EXTENSION: {"text_source": OCR, "low_score": LOW_SCORE, "low_confidence": low}}
