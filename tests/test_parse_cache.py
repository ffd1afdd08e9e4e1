"""The parse cache (readers/cache.py): entries kept by their bytes, dropped when gone, and any
damage only a cold cache."""

from __future__ import annotations

import pickle

from jifen.readers import cache
from jifen.readers.inputs import FileInfo, Parsed


def entry(name: str, n: int = 2) -> Parsed:
    return Parsed(FileInfo(name, sha256=f"sha-{name}"), items=[{"事项": f"{name}-{i}", "分值": i / 2} for i in range(n)])


def test_entries_come_back_as_they_went_in_and_those_not_kept_are_dropped(tmp_path):
    tmp_path = tmp_path / "output" / ".cache"            # not there yet on a first run
    first = cache.ParseCache(tmp_path)
    for name in ("a.xlsx", "b.xlsx", "c.xlsx"):
        first.put(name, f"sha-{name}", entry(name))
    first.save({("a.xlsx", "sha-a.xlsx"), ("b.xlsx", "sha-b.xlsx"), ("c.xlsx", "sha-c.xlsx")})

    second = cache.ParseCache(tmp_path)
    assert second.get("a.xlsx", "sha-a.xlsx") == entry("a.xlsx")
    assert second.get("a.xlsx", "another sha") is None
    second.put("d.xlsx", "sha-d.xlsx", entry("d.xlsx", 3))
    second.save({("a.xlsx", "sha-a.xlsx"), ("d.xlsx", "sha-d.xlsx")})        # b and c are gone

    third = cache.ParseCache(tmp_path)
    assert sorted(third.spans) == [("a.xlsx", "sha-a.xlsx"), ("d.xlsx", "sha-d.xlsx")]
    assert third.get("d.xlsx", "sha-d.xlsx") == entry("d.xlsx", 3)
    assert third.get("b.xlsx", "sha-b.xlsx") is None


def test_a_save_copies_the_kept_entries_bytes_without_pickling_them_again(tmp_path, monkeypatch):
    first = cache.ParseCache(tmp_path)
    first.put("a.xlsx", "sha-a", entry("a.xlsx"))
    first.save({("a.xlsx", "sha-a")})
    before = (tmp_path / cache.CACHE_NAME).read_bytes()

    second = cache.ParseCache(tmp_path)
    pickled = []
    real = pickle.dumps
    monkeypatch.setattr(pickle, "dumps", lambda obj, **k: pickled.append(type(obj).__name__) or real(obj, **k))
    second.put("b.xlsx", "sha-b", None, raw=real(entry("b.xlsx")))     # as a parsing worker hands it over
    second.save({("a.xlsx", "sha-a"), ("b.xlsx", "sha-b")})
    assert pickled == ["dict"]                                          # the index only
    after = (tmp_path / cache.CACHE_NAME).read_bytes()
    start, size = cache.ParseCache(tmp_path).spans[("a.xlsx", "sha-a")]
    old_start, old_size = cache._index(before)[("a.xlsx", "sha-a")]
    assert after[start:start + size] == before[old_start:old_start + old_size]


def test_nothing_changed_nothing_written(tmp_path):
    first = cache.ParseCache(tmp_path)
    first.put("a.xlsx", "sha-a", entry("a.xlsx"))
    first.save({("a.xlsx", "sha-a")})
    stamp = (tmp_path / cache.CACHE_NAME).stat().st_mtime_ns
    again = cache.ParseCache(tmp_path)
    again.get("a.xlsx", "sha-a")
    again.save({("a.xlsx", "sha-a")})
    assert (tmp_path / cache.CACHE_NAME).stat().st_mtime_ns == stamp


def test_a_damaged_or_foreign_cache_is_a_cold_one(tmp_path, monkeypatch):
    first = cache.ParseCache(tmp_path)
    first.put("a.xlsx", "sha-a", entry("a.xlsx"))
    first.save({("a.xlsx", "sha-a")})
    path = tmp_path / cache.CACHE_NAME
    good = path.read_bytes()
    for damaged in (good[:len(good) // 2], b"", b"not a cache at all", good[:20] + b"\0" * 40 + good[60:]):
        path.write_bytes(damaged)
        assert cache.ParseCache(tmp_path).get("a.xlsx", "sha-a") is None
    path.write_bytes(good)
    monkeypatch.setattr(cache, "SCHEMA", "another reader")
    assert cache.ParseCache(tmp_path).get("a.xlsx", "sha-a") is None


def test_the_older_single_pickle_cache_is_removed_when_the_new_one_is_saved(tmp_path):
    old = tmp_path / "parsed.pickle"
    old.write_bytes(pickle.dumps({"schema": "old", "entries": {}}))
    fresh = cache.ParseCache(tmp_path)
    fresh.put("a.xlsx", "sha-a", entry("a.xlsx"))
    fresh.save({("a.xlsx", "sha-a")})
    assert not old.exists() and (tmp_path / cache.CACHE_NAME).exists()
    assert not list(tmp_path.glob(".~*"))


def test_without_a_temporary_folder_new_entries_wait_in_memory(tmp_path, monkeypatch):
    import tempfile

    def refuse(*a, **k):
        raise OSError("no temporary folder")

    monkeypatch.setattr(tempfile, "TemporaryFile", refuse)
    box = cache.ParseCache(tmp_path)
    box.put("a.xlsx", "sha-a", entry("a.xlsx"))
    assert box.new.file is None and box.get("a.xlsx", "sha-a") == entry("a.xlsx")
    box.save({("a.xlsx", "sha-a")})
    assert cache.ParseCache(tmp_path).get("a.xlsx", "sha-a") == entry("a.xlsx")
