"""`budget extract FILE.pdf [-o OUT.json]`: one PDF as budget-doc/1 JSON."""

import json
import sys
from pathlib import Path

from pipelines.errors import BudgetInputError
from pipelines.extraction import extract_document


def run_extract(args) -> int:
    try:
        extraction = extract_document(Path(args.pdf), password=args.password)
    except BudgetInputError as exc:
        print(f"budget extract: {exc.path}: {exc.reason}", file=sys.stderr)
        return 2
    for warning in extraction.warnings:
        print(f"budget extract: {extraction.path}: warning: {warning}", file=sys.stderr)
    text = json.dumps(extraction.doc, ensure_ascii=False, indent=2) + "\n"
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0
