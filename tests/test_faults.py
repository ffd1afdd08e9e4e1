"""Faults while writing (SPEC §6): an output open in Excel, a run killed mid-write, a full disk;
and inputs are never modified.

Outputs are written through `jifen.files` (temporary file beside the target, then
os.replace). The faults are simulated there: PermissionError for one target (what Windows
raises for a file open in Excel), an interruption at the n-th os.replace, ENOSPC half-way
through one temporary file; and for real with SIGKILL on a child `process.py`.
"""
from __future__ import annotations

import dataclasses
import errno
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import builders as b
import pytest
from corpus import make_corpus

from jifen import files as atomic
from jifen import summary
from jifen.outputs import state
from jifen.pipeline import Options, run

LOCK_HINT = "请先关闭该文件"


def options(inp: Path, out: Path, **kw) -> Options:
    names = {f.name for f in dataclasses.fields(Options)}
    kw = {k: v for k, v in {"pdf": False, **kw}.items() if k in names}
    return Options(inp, out, b.RULEBOOK, out.parent / "archive", **kw)


@pytest.fixture
def county(tmp_path, monkeypatch):
    """A valid roster and one declaration; LibreOffice hidden. → (input, output)."""
    empty = tmp_path / "no-soffice"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    inp = tmp_path / "input"
    make_corpus.write_baseline(inp)
    return inp, tmp_path / "output"


def add_declaration(inp: Path, cadre="K0002", month="2026-03", code="J5-3") -> Path:
    """Another declaration: changes the ledgers, rankings, review list and manifest."""
    p = inp / "申报" / f"{cadre}_{month}.xlsx"
    p.write_bytes(make_corpus.declaration(cadre, month, [{"code": code, "desc": "志愿服务", "date": f"{month}-05"}]))
    return p


def snapshot(out: Path) -> dict:
    """Every file under output/ → its bytes; aside: the parse cache, and the unchanged-run record
    (a run removes it before writing, so that an interrupted run never looks finished)."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and ".cache" not in p.relative_to(out).parts and p.name != state.RUN_NAME}


def temporaries(out: Path) -> list:
    return sorted(p.relative_to(out).as_posix() for p in out.rglob(".~*.tmp"))


def complete(path: Path, data: bytes | None = None) -> bool:
    """A whole file: a zip whose every member's CRC checks, or JSON that parses."""
    import io

    data = path.read_bytes() if data is None else data
    if path.suffix in (".xlsx", ".docx"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                return zf.testzip() is None and "[Content_Types].xml" in zf.namelist()
        except zipfile.BadZipFile:
            return False
    if path.suffix == ".json":
        try:
            json.loads(data.decode("utf-8"))
            return True
        except ValueError:
            return False
    return True


def rel_of(out: Path, path) -> str:
    return Path(path).relative_to(out).as_posix()


# --- (a) an output open in Excel -----------------------------------------------------------------


def lock(monkeypatch, suffix: str) -> list:
    """Moving a finished file onto a target named *suffix raises PermissionError, as Windows
    does while the target is open in Excel/WPS."""
    real = os.replace
    hits = []

    def locked(src, dst, *a, **kw):
        if Path(dst).name.endswith(suffix):
            hits.append(Path(dst))
            raise PermissionError(errno.EACCES, "Permission denied", str(dst))
        return real(src, dst, *a, **kw)

    monkeypatch.setattr(atomic.os, "replace", locked)
    return hits


def test_locked_output_is_named_and_the_rest_is_written(county, monkeypatch):
    inp, out = county
    hits = lock(monkeypatch, "年度积分排名（草稿，截至3月）.xlsx")
    res = run(options(inp, out))
    assert len(hits) == 1
    rel = rel_of(out, hits[0])
    failed = dict(res.log.failed)
    assert set(failed) == {rel} and LOCK_HINT in failed[rel]
    (prob,) = [p for p in res.problems if p.code == "output-not-written"]
    assert prob.file == rel and prob.is_error and LOCK_HINT in prob.hint + prob.message
    assert res.exit_code == 2
    assert not (out / rel).exists()
    # everything else is written, the report first of all, and it lists the locked file
    assert len(res.log.written) >= 10 and rel not in res.log.written
    for other in res.log.written:
        assert complete(out / other), other
    rows = b.problem_codes(out)
    assert [(r["文件"], r["级别"]) for r in rows if r["问题代码"] == "output-not-written"] == [(rel, "错误")]
    lines = []
    summary.print_summary(res, out=lines.append)
    text = "\n".join(lines)
    assert rel in text and LOCK_HINT in text


def test_locked_output_keeps_its_previous_version_and_is_written_once_closed(county, monkeypatch):
    inp, out = county
    run(options(inp, out))
    before = snapshot(out)
    target = next(r for r in before if r.endswith("年度积分排名（草稿，截至3月）.xlsx"))
    add_declaration(inp)
    with monkeypatch.context() as m:
        lock(m, "年度积分排名（草稿，截至3月）.xlsx")
        res = run(options(inp, out))
        summary.report_run(res, out=lambda *_: None)
    assert res.exit_code == 2
    assert (out / target).read_bytes() == before[target]            # the old version, untouched
    assert temporaries(out) == []
    # the clerk closes Excel and runs again: the file is brought up to date
    res = run(options(inp, out))
    summary.report_run(res, out=lambda *_: None)
    assert res.exit_code in (0, 1) and not res.log.failed
    assert (out / target).read_bytes() != before[target]
    assert complete(out / target)


# --- (b) killed mid-write --------------------------------------------------------------------------


def kill_at(monkeypatch, n: int, out: Path) -> list:
    """os.replace into output/ raises KeyboardInterrupt (Ctrl+C, window closed) on its n-th call."""
    real = os.replace
    calls = []

    def replace(src, dst, *a, **kw):
        if out.resolve() in Path(dst).resolve().parents:
            calls.append(Path(dst))
            if len(calls) == n:
                raise KeyboardInterrupt
        return real(src, dst, *a, **kw)

    monkeypatch.setattr(atomic.os, "replace", replace)
    return calls


@pytest.mark.parametrize("n", [1, 3, 8])
def test_interrupted_run_leaves_previous_outputs_intact(county, monkeypatch, n):
    inp, out = county
    run(options(inp, out))
    before = snapshot(out)
    assert before and all(complete(out / r) for r in before)
    add_declaration(inp)
    with monkeypatch.context() as m:
        calls = kill_at(m, n, out)
        with pytest.raises(KeyboardInterrupt):
            run(options(inp, out))
    assert len(calls) == n
    after = snapshot(out)
    replaced = {rel_of(out, p) for p in calls[:n - 1]}
    for rel, data in after.items():
        assert complete(out / rel, data), rel
        if rel in before and rel not in replaced:
            assert data == before[rel], f"{rel} changed though the run never replaced it"
    assert set(after) - set(before) <= replaced                     # no new half-written file
    assert set(before) <= set(after)                                # nothing lost
    assert temporaries(out) == []


def test_rerun_after_an_interrupted_run_rewrites_what_it_replaced(county, monkeypatch):
    """Run A, then B (one more input) interrupted after some outputs were replaced, then A's
    inputs again: every output must be A's again, not a mixture of A and the killed B."""
    inp, out = county
    first = run(options(inp, out))
    summary.report_run(first, out=lambda *_: None)                   # records the run (fast path)
    before = snapshot(out)
    extra = add_declaration(inp)
    with monkeypatch.context() as m:
        kill_at(m, 4, out)
        with pytest.raises(KeyboardInterrupt):
            run(options(inp, out))
    extra.unlink()                                                    # back to A's inputs
    res = run(options(inp, out))
    summary.report_run(res, out=lambda *_: None)
    after = snapshot(out)
    # 总览.html says what changed since the previous completed run, so it differs by design
    stale = [r for r in before if r in after and after[r] != before[r] and not r.startswith(".")
             and r != "总览.html"]
    assert not stale, f"outputs of the interrupted run left in place: {stale}"


def test_stale_temporaries_of_a_killed_run_are_removed(county):
    """SIGKILL cannot run the cleanup in write_atomic: the next run should remove the hidden
    .~*.tmp files it left (on Windows they are not hidden)."""
    inp, out = county
    run(options(inp, out))
    folder = next(p.parent for p in out.rglob("*.xlsx") if p.parent != out)
    stale = folder / ".~积分排名-abc123.tmp"
    stale.write_bytes(b"PK\x03\x04 half a workbook")
    add_declaration(inp)
    run(options(inp, out))
    assert not stale.exists()


def _final_files(out: Path) -> list:
    return [p for p in out.rglob("*") if p.is_file()
            and not any(part.startswith(".") for part in p.relative_to(out).parts)]


@pytest.mark.parametrize("when", ["after-0.5s", "after-5-outputs"])
def test_sigkill_during_a_real_run_leaves_only_whole_files(tmp_path, when):
    """process.py on the demo county, killed (SIGKILL) after half a second, or as soon as a few
    outputs exist (mid-write); a run that finished first is fine too."""
    demo = b.ROOT / "input"
    if not demo.is_dir():
        pytest.skip("no demo input")
    base = tmp_path / "demo"
    shutil.copytree(demo, base / "input")
    out = base / "output"
    cmd = [sys.executable, str(b.ROOT / "process.py"), "--input", str(base / "input"), "--output", str(out),
           "--archive", str(base / "archive")]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=b.no_soffice_env(tmp_path))
    start = time.monotonic()
    try:
        while proc.poll() is None and time.monotonic() - start < 60:
            if when == "after-0.5s" and time.monotonic() - start >= 0.5:
                break
            if when == "after-5-outputs" and out.exists() and len(_final_files(out)) >= 5:
                break
            time.sleep(0.01)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    killed = proc.returncode == -signal.SIGKILL
    files = _final_files(out) if out.exists() else []
    print(f"SIGKILL {when}: killed={killed} after {time.monotonic() - start:.2f} s, {len(files)} outputs, "
          f"{len(temporaries(out)) if out.exists() else 0} temporaries left")
    for p in files:
        assert complete(p), f"{p.relative_to(out)} is incomplete (killed={killed})"
    for p in out.rglob("*.json") if out.exists() else []:
        assert complete(p), p
    if not killed:
        assert proc.returncode in (0, 1)
    assert _survivors(str(base), wait=5) == [], "worker processes outlived the killed run"


def _survivors(marker: str, wait: float) -> list:
    """Processes whose command line mentions `marker`, after giving them `wait` s to end."""
    proc_dir = Path("/proc")
    if not proc_dir.is_dir():
        return []
    deadline = time.monotonic() + wait
    while True:
        alive = []
        for d in proc_dir.iterdir():
            try:
                cmd = (d / "cmdline").read_bytes().decode("utf-8", "replace")
                state = (d / "stat").read_text().split(") ")[-1][:1]
            except (OSError, ValueError):
                continue
            if marker in cmd and state != "Z":
                alive.append(d.name)
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.1)


# --- (c) disk full -----------------------------------------------------------------------------------


class _HalfWritten:
    """A temporary file that takes half of the bytes, then reports a full disk."""

    def __init__(self, fh):
        self.fh = fh

    def write(self, data):
        self.fh.write(data[:len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    def __getattr__(self, name):
        return getattr(self.fh, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.fh.close()
        return False


def disk_full_for(monkeypatch, name_of_target: str) -> list:
    """In jifen.files, writing the temporary file of the target so named fails (ENOSPC)."""
    import tempfile

    doomed, hits = set(), []

    class Temp:
        def __getattr__(self, name):
            return getattr(tempfile, name)

        def mkstemp(self, *a, **kw):
            fd, name = tempfile.mkstemp(*a, **kw)
            if kw.get("prefix") == ".~" + Path(name_of_target).stem[:20] + "-":   # as write_atomic names it
                doomed.add(fd)
                hits.append(name)
            return fd, name

    class Os:
        def __getattr__(self, name):
            return getattr(os, name)

        def fdopen(self, fd, *a, **kw):
            fh = os.fdopen(fd, *a, **kw)
            if fd in doomed:
                doomed.discard(fd)             # descriptors are reused once closed
                return _HalfWritten(fh)
            return fh

    monkeypatch.setattr(atomic, "tempfile", Temp())
    monkeypatch.setattr(atomic, "os", Os())
    return hits


def test_disk_full_names_the_file_and_keeps_its_previous_version(county, monkeypatch):
    inp, out = county
    run(options(inp, out))
    before = snapshot(out)
    target = next(r for r in before if r.endswith("积分总台账_2026.xlsx"))
    add_declaration(inp)
    with monkeypatch.context() as m:
        hits = disk_full_for(m, Path(target).name)
        res = run(options(inp, out))
    assert hits, "the temporary file of the target was never created: has write_atomic changed?"
    failed = dict(res.log.failed)
    assert set(failed) == {target}, failed
    assert "No space left on device" in failed[target] or "空间" in failed[target]
    (prob,) = [p for p in res.problems if p.code == "output-not-written"]
    assert prob.file == target and target in prob.message
    assert res.exit_code == 2
    assert (out / target).read_bytes() == before[target]              # previous version intact
    assert temporaries(out) == []                                      # the half file is gone
    after = snapshot(out)
    changed = [r for r in before if r != target and after.get(r) != before[r]]
    assert changed, "the other outputs should have been brought up to date"
    assert all(complete(out / r) for r in after)
    assert any(r.endswith("运行清单.xlsx") for r in changed)


def test_a_file_that_cannot_be_flushed_to_disk_is_named_and_its_previous_version_kept(county, monkeypatch):
    """Where the files cannot be flushed to the disk together (OutputLog.flushed: Windows, or
    Linux's syncfs failing), each is flushed by itself; one whose flush fails (a failing disk,
    a network folder gone) is reported and removed, and replaces nothing: the others are written."""
    inp, out = county
    run(options(inp, out))
    before = snapshot(out)
    target = next(r for r in before if r.endswith("积分总台账_2026.xlsx"))
    add_declaration(inp)
    real, tried = atomic.flush_to_device, []

    def failing(path):
        if Path(path).name.startswith(".~积分总台账_2026-"):
            tried.append(path)
            raise OSError(errno.EIO, "Input/output error", str(path))
        return real(path)

    with monkeypatch.context() as m:
        m.setattr(atomic, "flush_to_device", failing)
        m.setattr(atomic, "flush_together", lambda paths: False)
        res = run(options(inp, out))
    assert len(tried) == 1
    failed = dict(res.log.failed)
    assert set(failed) == {target} and "Input/output error" in failed[target]
    (prob,) = [p for p in res.problems if p.code == "output-not-written"]
    assert prob.file == target and res.exit_code == 2
    assert (out / target).read_bytes() == before[target]
    assert temporaries(out) == []
    after = snapshot(out)
    assert [r for r in before if r != target and after.get(r) != before[r]], "the others are brought up to date"
    assert all(complete(out / r) for r in after)


def _on_a_local_disk(folder: Path) -> bool:
    calls = atomic._linux_calls()
    if calls is None:
        return False
    fd = os.open(folder, os.O_RDONLY)
    try:
        return atomic._fs_type(calls[1], fd) in atomic.LOCAL_DISKS
    finally:
        os.close(fd)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="syncfs is Linux's")
def test_on_linux_a_run_flushes_its_files_to_the_disk_together(county, monkeypatch):
    """One syncfs per file system for the files a job stage wrote, not an fsync (a commit of
    the disk's journal) per file; every written file was among those flushed before it was
    moved into place."""
    inp, out = county
    if not _on_a_local_disk(out.parent):
        pytest.skip("the test's folder is not on ext4, XFS, Btrfs, F2FS or overlayfs: files are flushed one by one there")
    real, batches, single = atomic.flush_together, [], []
    monkeypatch.setattr(atomic, "flush_together", lambda paths: batches.append(list(paths)) or real(paths))
    monkeypatch.setattr(atomic, "flush_to_device", single.append)
    res = run(options(inp, out))
    assert res.log.written and not res.log.failed
    # only the overview, written after the others are in place, is flushed by itself
    assert batches and [Path(p).name[:5] for p in single] == [".~总览-"]
    batched = [p for batch in batches for p in batch]
    assert all(Path(p).name.startswith(".~") for p in batched) and len(set(batched)) == len(batched)
    assert len(batched) + len(single) == len(res.log.written)
    assert temporaries(out) == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="syncfs is Linux's")
def test_files_on_a_network_folder_or_memory_are_flushed_one_by_one(tmp_path, monkeypatch):
    """syncfs only where it flushes the disk as fsync does: not on a network folder (CIFS),
    a FUSE mount, or here (the test's folder taken for one) a file system not in LOCAL_DISKS."""
    files = [tmp_path / f"{i}.tmp" for i in range(3)]
    for f in files:
        f.write_bytes(b"x")
    paths = [str(f) for f in files]
    monkeypatch.setattr(atomic, "LOCAL_DISKS", set())
    assert atomic.flush_together(paths) is False
    log = atomic.OutputLog(tmp_path)
    flushed = []
    monkeypatch.setattr(atomic, "flush_to_device", flushed.append)
    for i, p in enumerate(paths):
        log.adopt(("staged", f"{i}.xlsx", p, tmp_path / f"{i}.xlsx", "sha"), flush=False)
    assert log.flushed() and flushed == paths
    assert [rel for _, _, rel, _ in log.staged] == ["0.xlsx", "1.xlsx", "2.xlsx"]


# --- (d) inputs are never modified -----------------------------------------------------------------


def fingerprints(folder: Path) -> dict:
    out = {}
    for p in sorted(folder.rglob("*")):
        st = p.stat()
        out[p.relative_to(folder).as_posix()] = (
            p.is_dir(), st.st_mode, st.st_mtime_ns,
            None if p.is_dir() else (st.st_size, hashlib.sha256(p.read_bytes()).hexdigest()))
    return out


def test_inputs_are_never_modified(county):
    """The hostile corpus (all but the slow cases) and the valid county: bytes, mtime, mode and
    the folder listing are the same after a run, a re-run (cache, fast path) and a check."""
    inp, out = county
    make_corpus.build(inp, keep=lambda c: not c.heavy)
    before = fingerprints(inp)
    run(options(inp, out))
    res = run(options(inp, out))
    summary.report_run(res, out=lambda *_: None)
    run(options(inp, out))
    run(options(inp, out, write=False))
    assert fingerprints(inp) == before
