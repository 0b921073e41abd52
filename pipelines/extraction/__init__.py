"""PDF -> budget-doc/1. Imports no Dagster: `budget extract` must start fast."""

from pipelines.extraction.document import Extraction, extract_document, identify_document

__all__ = ["Extraction", "extract_document", "identify_document"]
