"""Every workbook of input/ at once: through the gate, parsed once per content (cache), in
worker processes when there are many. The first stage of a run, and the only one that reads
the declarations; everything after it works on the records it returns."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

from jifen.progress import Progress
from jifen.readers import inputs
from jifen.readers.cache import ParseCache

PARALLEL_FROM = 200     # below this many files to parse, worker processes cost more than they save


def fingerprint_inputs(input_dir: Path, cache_dir: Path | None = None) -> tuple[list[tuple], list[inputs.FileInfo]]:
    """→ ([(path, relative name, SHA-256)] of the workbooks, skipped files), in a stable order.
    With `cache_dir`, a file whose times and size are as when last hashed is not read again
    (cache.workbook_digests)."""
    from jifen.readers.cache import workbook_digests

    listed, skipped = inputs.scan_workbooks(input_dir)
    digests = workbook_digests(listed, cache_dir, inputs.file_sha256)
    return [(p, rel, d) for (p, rel), d in zip(listed, digests)], skipped


def unhashed_inputs(input_dir: Path) -> tuple[list[tuple], list[inputs.FileInfo]]:
    """Like `fingerprint_inputs` without reading the files (the parsers hash them as they read)."""
    listed, skipped = inputs.scan_workbooks(input_dir)
    return [(p, rel, None) for p, rel in listed], skipped


def read_inputs(input_dir: Path, cache_dir: Path | None = None, workers: int | None = None,
                stats: dict | None = None, entries=None,
                save_cache: bool = True) -> tuple[list[inputs.Parsed], list[inputs.FileInfo]]:
    """Every workbook under input/, through the gate, parsed once per content (cache; with
    `save_cache=False` the cache is only read, as `compare` leaves output/ alone)."""
    if entries is None:
        entries = fingerprint_inputs(input_dir)
    listed, skipped = entries
    paths = [p for p, _, _ in listed]
    cache = ParseCache(cache_dir)
    share = SharedTexts()
    found, todo = {}, []
    for p, rel, sha in listed:
        hit = cache.get(rel, sha) if sha else None
        if hit is not None:
            found[rel] = share(hit)
        else:
            todo.append((p, rel, sha))
    workers = workers if workers is not None else min(4, os.cpu_count() or 1)
    n_parsed, todo_all = len(todo), list(todo)
    if todo:
        note_reader_fallback()
    with Progress("读取文件", len(todo)) as bar:
        if len(todo) >= PARALLEL_FROM and workers > 1:
            try:
                todo = _parse_parallel(todo, workers, found, cache, bar, share)
            except Exception:   # no worker processes here (locked-down PC, odd Python): go on alone
                todo = [t for t in todo if t[1] not in found]
        for p, rel, _sha in todo:
            parsed = inputs.parse_file(p, rel)
            cache.put(rel, parsed.info.sha256, parsed)
            found[rel] = share(parsed)
            bar.update()
    if save_cache:
        cache.save({(rel, parsed.info.sha256) for rel, parsed in found.items()})
    else:
        cache.close()
    if stats is not None:
        fresh = [found[rel] for _, rel, _ in todo_all]
        stats.update({"files": len(paths), "parsed": n_parsed, "from_cache": len(paths) - n_parsed,
                      "gate_cpu_s": round(sum(x.seconds[0] for x in fresh), 3),
                      "parse_cpu_s": round(sum(x.seconds[1] for x in fresh), 3)})
    return [found[rel] for _, rel, _ in listed], skipped


class SharedTexts:
    """One object for each distinct text in the records (values and keys), and one for each
    distinct small table in them (a file's column letters, its header cells): a name, a unit
    or a category is read again in every file, and each cached file brings its own copy of
    every key; a province's records held four copies of each value on average, kept too by
    the frames built from them. Each file's records are shared as they arrive, so the copies
    they drop leave room that the next file's records fill (shared all at the end, a
    province's cold run kept ~500 MB of such room that no later allocation used)."""

    def __init__(self):
        self.texts: dict = {}
        self.tables: dict = {}

    def __call__(self, p):
        """`p` with its records replaced in their lists (fresh from a parser or the cache:
        nothing else refers to them)."""
        for records in (p.roster, p.declarations, p.items, p.reviews, p.history):
            for n, rec in enumerate(records):
                records[n] = _shared(rec, self.texts, self.tables)
        return p


def _shared(rec: dict, texts: dict, tables: dict) -> dict:
    same = texts.setdefault
    out = {}
    for k, v in rec.items():
        if type(v) is str:
            v = same(v, v)
        elif type(v) is dict and all(type(x) is str for x in v.values()):
            # texts only: 1, 1.0 and True are equal keys, and must stay what they were
            key = tuple(v.items())
            v = tables.get(key)
            if v is None:
                v = tables[key] = _shared(dict(key), texts, tables)
        out[same(k, k)] = v
    return out


def note_reader_fallback(stream=None) -> bool:
    """One console line when Excel files are read by openpyxl because python-calamine could
    not be loaded (antivirus, Wine): the results are the same, only slower."""
    from jifen.readers import book

    if not book.FALLBACK_REASON:
        return False
    # the raw ImportError is for whoever looks into it (运行清单's 运行信息), not for the clerk
    print("提示：快速读取组件 python-calamine 无法加载（可能被杀毒软件拦截），"
          "改用 openpyxl 读取 Excel 文件：结果相同，速度较慢。", file=stream, flush=True)
    return True


def _parse_parallel(todo, workers, found, cache, bar, share) -> list:
    """Parse in worker processes (forked, or spawned on Windows); → what is left to parse
    here: nothing when all went well, everything when worker processes are off."""
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    from jifen.orphans import watch_parent
    from jifen.workers import start_method

    method = start_method()
    if method == "serial":
        return todo
    chunk = max(20, len(todo) // (workers * 8))
    batches = [todo[i:i + chunk] for i in range(0, len(todo), chunk)]
    with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context(method),
                             initializer=watch_parent) as pool:
        for batch, results in zip(batches, pool.map(_parse_batch, [[(p, r) for p, r, _ in b] for b in batches])):
            for (_, rel, _), raw in zip(batch, results):
                parsed = found[rel] = share(pickle.loads(raw))
                cache.put(rel, parsed.info.sha256, parsed, raw)
            bar.update(len(batch))
    return []


def _parse_batch(batch):
    """Each file's records pickled here, once: the main process reads them and stores the
    same bytes in the cache (readers/cache.py)."""
    return [pickle.dumps(inputs.parse_file(p, rel), protocol=pickle.HIGHEST_PROTOCOL) for p, rel in batch]
