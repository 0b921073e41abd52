"""`budget extract FILE.pdf [-o OUT.json]`: one PDF as budget-doc/1 JSON."""

import json
import sys
from pathlib import Path

from pipelines.errors import BudgetInputError, SettingError, printable
from pipelines.limits import ParseLimits
from pipelines.parsing import extract_alone


def run_extract(args) -> int:
    """Extract in a worker under the parse limits (flags, else $BUDGET_MAX_*), as `load`."""
    limits = ParseLimits.from_env(
        **{name: getattr(args, name) for name in ParseLimits.__dataclass_fields__}
    )
    try:
        extraction = extract_alone(Path(args.pdf), args.password, limits)
    except BudgetInputError as exc:
        print(printable(f"budget extract: {exc.path}: {exc.reason}"), file=sys.stderr)
        return 2
    except SettingError as exc:
        print(printable(f"budget extract: {exc}"), file=sys.stderr)
        return 2
    for warning in extraction.warnings:
        print(f"budget extract: {extraction.path}: warning: {warning}", file=sys.stderr)
    text = json.dumps(extraction.doc, ensure_ascii=False, indent=2) + "\n"
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0
