"""Cell-by-cell comparison of two budget-doc/1 dicts, for readable test failures."""


def _walk(path: str, got, want, out: list[str], limit: int) -> None:
    if len(out) >= limit:
        return
    if isinstance(want, dict) and isinstance(got, dict):
        for key in want:
            if key not in got:
                out.append(f"{path}.{key}: missing (want {want[key]!r:.80})")
            else:
                _walk(f"{path}.{key}", got[key], want[key], out, limit)
        for key in got:
            if key not in want:
                out.append(f"{path}.{key}: unexpected {got[key]!r:.80}")
    elif isinstance(want, list) and isinstance(got, list):
        for i, (g, w) in enumerate(zip(got, want, strict=False)):
            _walk(f"{path}[{i}]", g, w, out, limit)
        if len(got) != len(want):
            out.append(f"{path}: {len(got)} items, want {len(want)}")
    elif got != want:
        out.append(f"{path}: got {got!r} want {want!r}")


def doc_diff(got: dict, want: dict, limit: int = 15) -> list[str]:
    """The first `limit` differences, each 'path: got X want Y'; [] when equal."""
    out: list[str] = []
    _walk("doc", got, want, out, limit)
    return out
