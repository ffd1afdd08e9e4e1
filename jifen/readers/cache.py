"""Parsed workbooks cached by path and content hash, so a re-run parses only new or edited files.

Stored as one pickle under output/.cache/ (output/ is disposable: delete it any time). A
file whose bytes changed has a new SHA-256 and is parsed again; entries for files no longer
present are dropped when the cache is saved.
"""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

from jifen import __version__

def _reader_fingerprint() -> str:
    """The readers' own source: a changed reader never serves results of the old one."""
    here = Path(__file__).resolve().parent
    h = hashlib.sha256(__version__.encode())
    for f in sorted(here.glob("*.py")) + [here.parent / "normalize.py", here.parent / "problems.py"]:
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


SCHEMA = _reader_fingerprint()
CACHE_NAME = "parsed.pickle"


class ParseCache:
    def __init__(self, folder: Path | None):
        self.path = folder / CACHE_NAME if folder else None
        self.entries: dict = {}
        self.changed = False
        if self.path and self.path.exists():
            try:
                with open(self.path, "rb") as fh:
                    stored = pickle.load(fh)
                if stored.get("schema") == SCHEMA:
                    self.entries = stored["entries"]
            except Exception:   # a damaged cache is just a cold cache
                self.entries = {}

    def get(self, rel: str, sha: str):
        return self.entries.get((rel, sha))

    def put(self, rel: str, sha: str, parsed) -> None:
        self.entries[(rel, sha)] = parsed
        self.changed = True

    def save(self, keep: set) -> None:
        if not self.path:
            return
        stale = set(self.entries) - keep
        if not self.changed and not stale:
            return
        for key in stale:
            del self.entries[key]
        from jifen.outputs.atomic import write_atomic

        try:
            write_atomic(self.path, pickle.dumps({"schema": SCHEMA, "entries": self.entries},
                                                 protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            pass
