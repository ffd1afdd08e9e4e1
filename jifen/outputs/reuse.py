"""Outputs whose content did not change are neither rebuilt nor rewritten.

A writer names the plain data a file is made from (its *view*: the frames, dicts and
strings it formats) before building the file. The digest of the view, together with
everything else the bytes depend on (program code, templates, rulebook, the file's path), is
recorded beside the output. On the next run a file whose digest is the same, and which is
still as the program left it (same size and modification time), is kept: the writer skips
building it. Whatever differs — a changed figure, rank, band, rule or line of code — changes
the digest and the file is built again, so a run after any changes gives the same bytes as
a `--force` run (which records digests but reuses nothing).

A view that misses something the bytes depend on would keep a stale file: views are the
writers' own inputs, taken just before formatting, and tests/test_incremental.py checks
incremental runs against `--force` runs over random sequences of changes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import math
import os
from pathlib import Path

import numpy as np
import pandas as pd

from jifen.files import write_atomic
from jifen.outputs.state import CACHE_DIR

MEMO_NAME = "views.json"          # in output/.cache/


def memo_path(output_dir: Path) -> Path:
    return Path(output_dir) / CACHE_DIR / MEMO_NAME


def load(output_dir: Path) -> dict:
    """rel path → [view digest, SHA-256, size, mtime_ns] of what the last run wrote or kept."""
    try:
        data = json.loads(memo_path(output_dir).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save(output_dir: Path, memo: dict) -> None:
    data = json.dumps(dict(sorted(memo.items())), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    try:
        write_atomic(memo_path(output_dir), data)
    except OSError:
        pass          # losing the record only makes the next run build everything


def stat_of(path: Path) -> list | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


_PROGRAM: list = []


def program_digest() -> str:
    """SHA-256 of the program's code and templates (read once per process)."""
    if not _PROGRAM:
        from jifen.pipeline_paths import TEMPLATES

        package = Path(__file__).resolve().parent.parent
        h = hashlib.sha256()
        for f in sorted(package.rglob("*.py")):
            h.update(f.relative_to(package).as_posix().encode("utf-8") + b"\0" + f.read_bytes() + b"\0")
        for t in sorted(p for p in TEMPLATES.iterdir() if p.is_file()):
            h.update(t.name.encode("utf-8") + b"\0" + t.read_bytes() + b"\0")
        _PROGRAM.append(h.hexdigest())
    return _PROGRAM[0]


def remove_made(output_dir: Path, path: Path) -> bool:
    """Remove an output the program made and no longer makes, then its folders left empty."""
    try:
        path.unlink()
    except OSError:
        return False
    root = Path(output_dir).resolve()
    folder = path.parent.resolve()
    while folder != root and root in folder.parents:
        try:
            folder.rmdir()          # only when empty
        except OSError:
            break
        folder = folder.parent
    return True


def digest(salt_: str, rel: str, view) -> str:
    h = hashlib.blake2b(digest_size=20)
    h.update(salt_.encode())
    h.update(b"\0")
    h.update(rel.encode("utf-8"))
    h.update(b"\0")
    _feed_fast(h, view)
    return h.hexdigest()


def _feed_fast(h, obj) -> None:
    """`repr` (C speed) for plain data, which tells 1, 1.0, True and "1" apart and writes
    floats exactly; frames column by column. Where `repr` may abbreviate (a frame, a Series or
    an array nested in the data), the exact walk instead."""
    if isinstance(obj, pd.DataFrame):
        _feed_frame(h, obj)
        return
    if type(obj) in (tuple, list) and len(obj) <= 64 and any(
            isinstance(x, (pd.DataFrame, pd.Series, np.ndarray, list, tuple)) for x in obj):
        h.update(b"l%d[" % len(obj))
        for x in obj:
            _feed_fast(h, x)
        return
    text = repr(obj)
    if "..." in text or "dtype" in text or "columns]" in text:
        _feed(h, obj)
    else:
        h.update(b"r%d:" % len(text))
        h.update(text.encode("utf-8", "surrogatepass"))


def _feed_frame(h, df: pd.DataFrame) -> None:
    h.update(b"D")
    _feed(h, [str(c) for c in df.columns])
    _feed(h, [str(d) for d in df.dtypes])
    if isinstance(df.index, pd.RangeIndex):
        h.update(b"range%d;" % len(df))
    else:
        _feed_fast(h, df.index.tolist())
    for i in range(df.shape[1]):
        _feed_fast(h, df.iloc[:, i].tolist())


def _feed(h, obj) -> None:
    """A canonical byte form of `obj`: equal content → equal bytes, and the type counts
    (1, 1.0, True and "1" differ), as it can for how a cell is written."""
    t = type(obj)
    if obj is None:
        h.update(b"N")
    elif t is str:
        b = obj.encode("utf-8", "surrogatepass")
        h.update(b"s%d:" % len(b))
        h.update(b)
    elif t is bool or t is np.bool_:
        h.update(b"T" if obj else b"F")
    elif t is int or isinstance(obj, np.integer):
        h.update(b"i%d;" % int(obj))
    elif t is float or isinstance(obj, np.floating):
        x = float(obj)
        h.update(b"fnan;" if math.isnan(x) else ("f" + repr(x) + ";").encode())
    elif t is list or t is tuple:
        h.update(b"l%d[" % len(obj))
        for x in obj:
            _feed(h, x)
    elif t is dict:
        h.update(b"d%d{" % len(obj))
        for k, v in obj.items():
            _feed(h, k)
            _feed(h, v)
    elif isinstance(obj, (set, frozenset)):
        h.update(b"S")
        _feed(h, sorted(obj, key=repr))
    elif isinstance(obj, pd.DataFrame):
        _feed_frame(h, obj)
    elif isinstance(obj, np.ndarray):
        h.update(b"A")
        _feed(h, obj.tolist())
    elif isinstance(obj, pd.Series):
        h.update(b"R")
        _feed(h, str(obj.name))
        _feed(h, list(obj.index))
        _feed(h, obj.tolist())
    elif obj is pd.NaT:
        h.update(b"NaT")
    elif isinstance(obj, (dt.date, dt.datetime, dt.time, pd.Timestamp)):
        h.update(("t" + t.__name__ + obj.isoformat() + ";").encode())
    elif isinstance(obj, Path):
        h.update(("p" + obj.as_posix() + ";").encode("utf-8"))
    elif dataclasses.is_dataclass(obj):
        h.update(("c" + t.__name__).encode())
        _feed(h, [getattr(obj, f.name) for f in dataclasses.fields(obj)])
    elif isinstance(obj, bytes):
        h.update(b"b%d:" % len(obj))
        h.update(obj)
    elif obj is pd.NA:
        h.update(b"NA")
    else:
        raise TypeError(f"no canonical form for {t.__name__} in an output's view")
