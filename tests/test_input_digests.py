"""The workbook digests a re-run trusts: read again whenever a file's times or size moved,
never trusted for a file hashed right after it was written (cache.workbook_digests)."""

from __future__ import annotations

import hashlib
import json
import os

from jifen.readers import cache


def _counting():
    calls = []

    def digest(data: bytes) -> str:
        calls.append(data)
        return hashlib.sha256(data).hexdigest()
    return digest, calls


def _old(path, monkeypatch, seconds=60):
    """A file last changed a minute ago (its change time, which utime cannot set, is made to
    look old by letting the store trust any file changed before now)."""
    t = path.stat().st_mtime_ns - seconds * 1_000_000_000
    os.utime(path, ns=(t, t))
    monkeypatch.setattr(cache, "RACY_NS", 0)


def _hashed_once(tmp_path, monkeypatch):
    """An old file a.xlsx ("one"), hashed once into a store: (file, store, digest, calls, first)."""
    f = tmp_path / "a.xlsx"
    f.write_bytes(b"one")
    _old(f, monkeypatch)
    store = tmp_path / "cache"
    digest, calls = _counting()
    return f, store, digest, calls, cache.workbook_digests([(f, "a.xlsx")], store, digest)


def test_an_unchanged_file_is_not_read_again(tmp_path, monkeypatch):
    f, store, digest, calls, first = _hashed_once(tmp_path, monkeypatch)
    second = cache.workbook_digests([(f, "a.xlsx")], store, digest)
    assert first == second == [hashlib.sha256(b"one").hexdigest()]
    assert len(calls) == 1


def test_a_rewritten_file_is_read_again_even_with_its_old_size_and_time(tmp_path, monkeypatch):
    f, store, digest, calls, _ = _hashed_once(tmp_path, monkeypatch)
    mtime = f.stat().st_mtime_ns
    f.write_bytes(b"two")                       # same size, and the old time put back by hand:
    os.utime(f, ns=(mtime, mtime))              # the change time still moved
    assert cache.workbook_digests([(f, "a.xlsx")], store, digest) == [hashlib.sha256(b"two").hexdigest()]
    assert len(calls) == 2


def test_a_file_hashed_just_after_it_changed_is_hashed_again_next_time(tmp_path, monkeypatch):
    f = tmp_path / "a.xlsx"
    f.write_bytes(b"one")                       # changed now: its times are not to be trusted yet
    store = tmp_path / "cache"
    digest, calls = _counting()
    cache.workbook_digests([(f, "a.xlsx")], store, digest)
    cache.workbook_digests([(f, "a.xlsx")], store, digest)
    assert len(calls) == 2
    assert not (store / cache.WORKBOOK_DIGESTS_NAME).exists()


def test_without_a_folder_every_file_is_read_and_nothing_kept(tmp_path, monkeypatch):
    f = tmp_path / "a.xlsx"
    f.write_bytes(b"one")
    _old(f, monkeypatch)
    digest, calls = _counting()
    cache.workbook_digests([(f, "a.xlsx")], None, digest)
    cache.workbook_digests([(f, "a.xlsx")], None, digest)
    assert len(calls) == 2


def test_a_removed_file_leaves_the_store(tmp_path, monkeypatch):
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    for f in (a, b):
        f.write_bytes(f.name.encode())
        _old(f, monkeypatch)
    store = tmp_path / "cache"
    digest, _ = _counting()
    cache.workbook_digests([(a, "a.xlsx"), (b, "b.xlsx")], store, digest)
    cache.workbook_digests([(a, "a.xlsx")], store, digest)
    assert set(json.loads((store / cache.WORKBOOK_DIGESTS_NAME).read_text("utf-8"))) == {"a.xlsx"}
