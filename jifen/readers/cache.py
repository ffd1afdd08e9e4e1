"""Parsed workbooks cached by path and content hash, so a re-run parses only new or edited files.

Stored as one pickle under output/.cache/ (output/ is disposable: delete it any time). A
file whose bytes changed has a new SHA-256 and is parsed again; entries for files no longer
present are dropped when the cache is saved.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

from jifen import __version__
from jifen.files import sha256_of_file, write_atomic


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
        if folder and folder.is_dir():
            for tmp in folder.glob(".~*.tmp"):      # left by a save that was killed
                try:
                    tmp.unlink()
                except OSError:
                    pass
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

    def save(self, keep: set, background: bool = False) -> None:
        """Store the entries in `keep`; with `background`, in a forked child process while
        the run goes on (the caller must `wait()` before finishing)."""
        if not self.path:
            return
        stale = set(self.entries) - keep
        if not self.changed and not stale:
            return
        for key in stale:
            del self.entries[key]
        if background and hasattr(os, "fork"):
            try:
                pid = os.fork()
            except OSError:
                pid = None
            if pid == 0:                  # the child: write, then leave without any cleanup
                try:
                    self._write()
                finally:
                    os._exit(0)
            if pid is not None:
                _PENDING.append(pid)
                return
        self._write()

    def _write(self) -> None:

        try:
            write_atomic(self.path, pickle.dumps({"schema": SCHEMA, "entries": self.entries},
                                                 protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            pass


_PENDING: list[int] = []


def wait() -> None:
    """Until every background save has finished (a cache is never left half written: the
    child writes atomically, and a failed save is only a cold cache next time)."""
    while _PENDING:
        pid = _PENDING.pop()
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass


DIGESTS_NAME = "evidence_sha256.json"
WORKBOOK_DIGESTS_NAME = "input_sha256.json"
RACY_NS = 2_000_000_000     # a file changed this close to its hashing may change again unseen


def _load_json(store: Path | None) -> dict:
    import json

    if store is None:
        return {}
    try:
        found = json.loads(store.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def _save_json(store: Path | None, new: dict, old: dict) -> None:
    import json

    if store is None or new == old:
        return
    try:
        store.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(store, json.dumps(new, ensure_ascii=False, sort_keys=True).encode("utf-8"))
    except OSError:
        pass          # a cache only: the next run hashes again


def evidence_digests(input_dir: Path, rels: list[str], folder: Path | None) -> dict:
    """relative path → SHA-256 of the evidence files, reusing last run's digest while a
    file's size and modification time are unchanged (scans and photos can be many GB a
    year: hashing them all again on every run would dominate it)."""
    store = folder / DIGESTS_NAME if folder else None
    old = _load_json(store)
    new: dict = {}
    for rel in rels:
        path = input_dir / rel
        try:
            st = path.stat()
        except OSError:
            continue
        hit = old.get(rel)
        if isinstance(hit, list) and hit[:2] == [st.st_size, st.st_mtime_ns]:
            new[rel] = hit
        else:
            new[rel] = [st.st_size, st.st_mtime_ns, sha256_of_file(path)]
    _save_json(store, new, old)
    return {rel: v[2] for rel, v in new.items()}


def workbook_digests(listed: list, folder: Path | None, digest, known: list | None = None) -> list[str]:
    """SHA-256 of each (path, rel) workbook, as `digest(bytes)` gives it, reusing last run's
    digest while the file's size, modification time, change time and file number are all as
    they were when it was hashed (git trusts its index the same way). A file hashed less than
    two seconds after it was last changed is hashed again next time: a second edit within the
    clock's resolution would not show in its times. `folder` None: every file is read.
    `known`: the digests already taken (by the parsers of a first run), only to be recorded."""
    import time

    store = folder / WORKBOOK_DIGESTS_NAME if folder else None
    old = _load_json(store)
    new: dict = {}
    out = []
    for i, (path, rel) in enumerate(listed):
        try:
            st = os.stat(path)
        except OSError:
            st = None
        key = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino] if st else None
        hit = old.get(rel)
        if key and isinstance(hit, list) and len(hit) == 5 and hit[:4] == key:
            new[rel] = hit
            out.append(hit[4])
            continue
        now = time.time_ns()
        if known is not None:
            sha = known[i]
        else:
            with open(path, "rb") as fh:
                sha = digest(fh.read())
        out.append(sha)
        if key and sha and now - max(key[1], key[2]) > RACY_NS:
            new[rel] = key + [sha]
    if folder is not None:
        _save_json(store, new, old)
    return out
