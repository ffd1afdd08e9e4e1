"""Labels and small helpers shared by the writers (Chinese names of fields, stamps)."""

from __future__ import annotations

import datetime as dt

from jifen import __version__

EPOCH = dt.datetime(2000, 1, 1)


def stamp(res) -> str:
    """The line every output carries: program version and rulebook fingerprint."""
    sha = res.rulebook.sha256[:12] if res.rulebook else "无"
    return f"程序版本 {__version__}；规则文件 SHA-256 {sha}…"


def num(value):
    """Whole numbers as int (so 100 shows as 100, not 100.0)."""
    if value is None:
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return value
    if f != f:
        return None
    return int(f) if f.is_integer() else f
