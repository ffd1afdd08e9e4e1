"""Parsed workbooks cached by path and content hash, so a re-run parses only new or edited files.

Stored in one file under output/.cache/ (output/ is disposable: delete it any time), each
entry pickled on its own (ParseCache). A file whose bytes changed has a new SHA-256 and is
parsed again; entries for files no longer present are dropped when the cache is saved.
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
CACHE_NAME = "parsed.cache"
OLD_NAMES = ("parsed.pickle",)       # earlier versions' caches, removed when this one is saved
MAGIC = b"JIFENPC2"


class ParseCache:
    """One file: each entry pickled on its own, then the index (entry → where its bytes are)
    and the index's position. A save copies the bytes of the entries kept and adds the new
    ones (as a parsing worker pickled them): nothing already cached is pickled again, so a
    re-run that parsed one file saves in a fraction of a second, in this process. (One pickle
    of all entries, as before, took a province's run 8 s in a forked child, which copied
    ~1 GB of pages as it went.)"""

    def __init__(self, folder: Path | None):
        self.path = folder / CACHE_NAME if folder else None
        self.data = b""
        self.spans: dict = {}           # (rel, sha) → (start, size) in self.data
        self.new = None                 # the new entries' bytes (a Spill, made at the first put)
        self.changed = False
        if folder and folder.is_dir():
            for tmp in folder.glob(".~*.tmp"):      # left by a save that was killed
                try:
                    tmp.unlink()
                except OSError:
                    pass
        if self.path and self.path.exists():
            try:
                self.data = self.path.read_bytes()
                self.spans = _index(self.data)
            except Exception:   # a damaged cache is just a cold cache
                self.data, self.spans = b"", {}

    def get(self, rel: str, sha: str):
        key = (rel, sha)
        if self.new is not None and key in self.new:
            return pickle.loads(self.new.get(key))
        span = self.spans.get(key)
        if span is None:
            return None
        try:
            return pickle.loads(memoryview(self.data)[span[0]:span[0] + span[1]])
        except Exception:   # a damaged entry: parsed again
            return None

    def put(self, rel: str, sha: str, parsed, raw: bytes | None = None) -> None:
        """`raw`: `parsed` as pickled already (by the worker that parsed it). Kept on disk
        until the save (a province's cold run: 250 MB that would otherwise stay in memory)."""
        from jifen.spill import Spill

        if self.new is None:
            self.new = Spill("jifen-parsed-")
        self.new.put((rel, sha), raw if raw is not None else pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL))
        self.changed = True

    def save(self, keep: set) -> None:
        """Store the entries in `keep` (those not in it are dropped), if anything changed."""
        if not self.path or (not self.changed and set(self.spans) <= keep):
            return
        try:
            self._write(keep)
        except OSError:
            pass            # a cache only: the next run parses again
        self.close()

    def close(self) -> None:
        if self.new is not None:
            self.new.close()
        self.data, self.spans, self.new = b"", {}, None

    def _write(self, keep: set) -> None:
        # not flushed to the device: a cache lost in a power cut only means parsing again
        write_atomic(self.path, self._pieces(keep), sync=False)
        for name in OLD_NAMES:
            try:
                (self.path.parent / name).unlink()
            except OSError:
                pass

    def _pieces(self, keep: set):
        """The file's bytes in order: the entries kept, then their index and its position."""
        import struct

        view = memoryview(self.data)
        index, at = {}, len(MAGIC)
        yield MAGIC
        for key in sorted(keep):
            if self.new is not None and key in self.new:
                blob = self.new.get(key)
            elif key in self.spans:
                start, size = self.spans[key]
                blob = view[start:start + size]
            else:
                continue
            yield blob
            index[key] = (at, len(blob))
            at += len(blob)
        yield pickle.dumps({"schema": SCHEMA, "entries": index}, protocol=pickle.HIGHEST_PROTOCOL)
        yield struct.pack("<Q", at)


def _index(data: bytes) -> dict:
    """(rel, sha) → (start, size) of each entry in a cache file's bytes; {} for another
    version's cache."""
    import struct

    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + 8:
        return {}
    (at,) = struct.unpack("<Q", data[-8:])
    stored = pickle.loads(memoryview(data)[at:len(data) - 8])
    if stored.get("schema") != SCHEMA:
        return {}
    return stored["entries"]


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
