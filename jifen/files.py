"""Files written by the program: atomic replacement, a record of outputs that could not be
written, and file names Windows accepts. Below every other module (imports none of them).

Each output is written to a hidden temporary file beside its target and moved into place
with os.replace, so a killed run or a full disk never leaves a half-written file under a
final name; a target held open by Excel/WPS (PermissionError on Windows) is recorded and the
run goes on with the other outputs.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class OutputLog:
    root: Path
    written: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    failed: list = field(default_factory=list)   # (path, message)
    hashes: dict = field(default_factory=dict)   # relative path → SHA-256 of what we wrote
    staged: list = field(default_factory=list)   # (temporary, path, relative path, SHA-256)
    removed: list = field(default_factory=list)  # relative paths of results no longer made, removed
    views: dict = field(default_factory=dict)    # as Collector's: empty, nothing written here is reused
    unflushed: list = field(default_factory=list)  # as staged, adopted without flushing (adopt)

    def rel(self, path: Path) -> str:
        try:
            return Path(path).relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def write(self, path: Path, data: bytes) -> bool:
        """Write `data` to `path` atomically; skip when identical; record failures."""
        return self.stage(path, data) and self.commit()

    def stage(self, path: Path, data: bytes) -> bool:
        """Write `data` beside `path` under a temporary name; `commit` moves it into place.

        Staging while other outputs are still being built overlaps the disk work with theirs.
        """
        return self.adopt(prepare(self.rel(path), Path(path), data))

    def adopt(self, staging: tuple, flush: bool = True) -> bool:
        """Take over what `prepare` did (in this process or in a worker): a temporary file is
        flushed to the device here, so that a worker does not wait for the disk; with
        `flush=False`, later, together with the others adopted so (`flushed`)."""
        kind, rel = staging[0], staging[1]
        if kind == "same":
            self.unchanged.append(rel)
            self.hashes[rel] = staging[2]
        elif kind == "staged":
            _, rel, tmp, path, digest = staging
            if not flush:
                self.unflushed.append((tmp, path, rel, digest))
                return True
            if not self._flush(tmp, rel):
                return False
            self.staged.append((tmp, path, rel, digest))
        else:
            self.failed.append((rel, staging[2]))
            return False
        return True

    def flushed(self) -> bool:
        """The files adopted without flushing, flushed now and staged (in the order adopted):
        by one call per disk where the system has one (Linux), else one by one. A run writes
        thousands of files, and a flush of each is a commit of the disk's journal: on an
        office PC's hard disk about a hundredth of a second each. A file that could not be
        flushed is removed and recorded as not written."""
        pending, self.unflushed = self.unflushed, []
        self.staged += pending          # from here on, an interruption removes them (discard)
        if not pending or flush_together([tmp for tmp, *_ in pending]):
            return True
        ok = True
        for entry in pending:
            if not self._flush(entry[0], entry[2]):
                self.staged.remove(entry)
                ok = False
        return ok

    def _flush(self, tmp: str, rel: str) -> bool:
        """One temporary file flushed to the device; one that cannot be is removed and recorded."""
        try:
            flush_to_device(tmp)
        except OSError as exc:
            remove_quietly(tmp)
            self._failed(rel, exc)
            return False
        return True

    def reuse(self, path: Path, view) -> bool:
        """Writing here directly always builds the file (the output jobs may keep one whose
        view did not change: outputs/__init__.py Collector)."""
        return False

    def keep(self, rel: str, digest: str) -> None:
        """An output left as it is (its content did not change: outputs/reuse.py)."""
        self.unchanged.append(rel)
        self.hashes[rel] = digest

    def commit(self) -> bool:
        """Move every staged file into place; a target held open stays as it was."""
        ok = self.flushed()
        staged, self.staged = self.staged, []
        try:
            while staged:
                tmp, path, rel, digest = staged[0]
                try:
                    os.replace(tmp, path)
                except OSError as exc:
                    remove_quietly(tmp)
                    self._failed(rel, exc)
                    ok = False
                else:
                    self.written.append(rel)
                    self.hashes[rel] = digest
                staged.pop(0)
        finally:
            for tmp, *_ in staged:        # interrupted: no temporary file is left behind
                remove_quietly(tmp)
        return ok

    def discard(self) -> None:
        """Forget what is staged (the run is being abandoned)."""
        for tmp, *_ in self.staged + self.unflushed:
            remove_quietly(tmp)
        self.staged, self.unflushed = [], []

    def _failed(self, rel: str, exc: OSError) -> None:
        self.failed.append((rel, failure_message(exc)))


def prepare(rel: str, path: Path, data: bytes) -> tuple:
    """`data` written beside `path` under a temporary name, unless the file holds it already:
    ("same", rel, sha256), ("staged", rel, temporary, path, sha256) or ("failed", rel, message).
    Only plain values: a worker process stages its own files and hands the main process this."""
    digest = hashlib.sha256(data).hexdigest()
    try:
        if path.exists() and path.stat().st_size == len(data) and path.read_bytes() == data:
            return ("same", rel, digest)
        return ("staged", rel, write_temporary(path, data, sync=False), path, digest)
    except OSError as exc:
        return ("failed", rel, failure_message(exc))


def failure_message(exc: OSError) -> str:
    import errno

    if isinstance(exc, PermissionError):
        return "文件被占用（可能正在 Excel/WPS 中打开），请先关闭该文件后重新运行"
    reason = "磁盘空间不足，请清理磁盘后重新运行" if exc.errno == errno.ENOSPC else (exc.strerror or str(exc))
    return f"无法写入：{reason}"


def remove_quietly(path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def flush_to_device(path) -> None:
    fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def flush_together(paths: list) -> bool:
    """Every file of `paths` flushed to its device by one call per file system (Linux's
    syncfs, which flushes everything written there); False where that cannot be done, and
    then nothing is promised. Only on the local disks' file systems of LOCAL_DISKS: on a
    network folder (CIFS) or a FUSE mount syncfs does not ask the server or the program
    behind it to flush, as fsync does. (Before Linux 5.8, syncfs did not report a failed
    write-back, which fsync would have.)"""
    calls = _linux_calls()
    if calls is None:
        return False
    syncfs, fstatfs = calls
    one_per_device = {}
    try:
        for path in paths:
            one_per_device.setdefault(os.stat(path).st_dev, path)
        for path in one_per_device.values():
            fd = os.open(path, os.O_RDONLY)
            try:
                if _fs_type(fstatfs, fd) not in LOCAL_DISKS or syncfs(fd) != 0:
                    return False
            finally:
                os.close(fd)
    except OSError:
        return False
    return True


# file systems (their magic numbers, linux/magic.h) whose syncfs flushes the disk as fsync
# does: ext2/3/4, XFS, Btrfs, F2FS, and overlayfs (which syncs the file system beneath it)
LOCAL_DISKS = {0xEF53, 0x58465342, 0x9123683E, 0xF2F52010, 0x794C7630}
_CALLS: list = []


def _linux_calls():
    """(syncfs, fstatfs) from the C library, or None (not Linux, or not found)."""
    if not _CALLS:
        calls = None
        if sys.platform.startswith("linux"):
            try:
                import ctypes

                libc = ctypes.CDLL(None, use_errno=True)
                syncfs, fstatfs = libc.syncfs, libc.fstatfs
                syncfs.argtypes, syncfs.restype = [ctypes.c_int], ctypes.c_int
                fstatfs.argtypes, fstatfs.restype = [ctypes.c_int, ctypes.c_void_p], ctypes.c_int
                calls = (syncfs, fstatfs)
            except (OSError, AttributeError):
                calls = None
        _CALLS.append(calls)
    return _CALLS[0]


def _fs_type(fstatfs, fd: int) -> int | None:
    """The file system's type (struct statfs begins with it, a C long), or None."""
    import ctypes

    buf = ctypes.create_string_buffer(512)      # struct statfs is 120 bytes on 64-bit Linux
    if fstatfs(fd, buf) != 0:
        return None
    return ctypes.c_long.from_buffer(buf).value & 0xFFFFFFFF


def write_temporary(path: Path, data, sync: bool = True) -> str:
    """`data` (bytes, or pieces of bytes in order) on disk under a hidden temporary name beside
    `path`, flushed to the device unless not `sync` (then flush_to_device before it replaces
    anything)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".~" + path.stem[:20] + "-", suffix=".tmp", dir=path.parent)
    try:
        if hasattr(os, "fchmod"):
            # mkstemp makes the file private (0600); an output gets the permissions any file
            # the user saves gets (umask), so colleagues on a shared folder can open it
            os.fchmod(fd, 0o666 & ~current_umask())
        with os.fdopen(fd, "wb") as fh:
            for piece in (data,) if isinstance(data, (bytes, bytearray, memoryview)) else data:
                fh.write(piece)
            fh.flush()
            if sync:
                os.fsync(fh.fileno())
    except BaseException:
        remove_quietly(tmp)
        raise
    return tmp


_UMASK: list = []


def current_umask() -> int:
    """The process's umask (read once: reading it means setting it, so it is set straight back)."""
    if not _UMASK:
        mask = os.umask(0o022)
        os.umask(mask)
        _UMASK.append(mask)
    return _UMASK[0]


def write_atomic(path: Path, data, sync: bool = True) -> None:
    """`data` (as write_temporary takes it) in place of `path` in one step."""
    tmp = write_temporary(path, data, sync)
    try:
        os.replace(tmp, path)
    except BaseException:
        remove_quietly(tmp)
        raise


def safe_filename(name: str) -> str:
    """Characters Windows refuses in file names become full-width look-alikes."""
    table = str.maketrans({'\\': "＼", "/": "／", ":": "：", "*": "＊", "?": "？", '"': "＂", "<": "＜",
                           ">": "＞", "|": "｜"})
    return name.translate(table).strip(" .")


def as_found(folder: Path, *parts: str, sep: str = os.sep) -> str:
    """A path as the clerk finds it from the program folder: the folder's name, then `parts`,
    with the system's separator (output\\季度通报\\… on Windows)."""
    return sep.join([folder.name, *parts])


def sha256_of_file(path: Path) -> str:
    """A file's SHA-256, read in pieces (scans, photos and archives can be large)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
