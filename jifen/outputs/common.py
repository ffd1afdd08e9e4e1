"""Labels and small helpers shared by the writers (Chinese names of fields, stamps)."""

from __future__ import annotations

import datetime as dt

from jifen import __version__, normalize

EPOCH = dt.datetime(2000, 1, 1)


def stamp(res) -> str:
    """The line every output carries: program version and rulebook fingerprint."""
    sha = res.rulebook.sha256[:12] if res.rulebook else "无"
    return f"程序版本 {__version__}；规则文件 SHA-256 {sha}…"


def mark(res) -> str:
    """The classification mark internal outputs carry (parameter 内部文件标识)."""
    return (res.rulebook.params.get("内部文件标识") or "") if res.rulebook else ""


def num(value):
    """Whole numbers as int (so 100 shows as 100, not 100.0); text passes through."""
    if isinstance(value, str):
        return value
    return normalize.shown(value)
