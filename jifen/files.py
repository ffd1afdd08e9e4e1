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
        path = Path(path)
        rel = self.rel(path)
        digest = hashlib.sha256(data).hexdigest()
        try:
            if path.exists() and path.stat().st_size == len(data) and path.read_bytes() == data:
                self.unchanged.append(rel)
                self.hashes[rel] = digest
                return True
            self.staged.append((write_temporary(path, data), path, rel, digest))
        except OSError as exc:
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
        ok = True
        staged, self.staged = self.staged, []
        try:
            while staged:
                tmp, path, rel, digest = staged[0]
                try:
                    os.replace(tmp, path)
                except OSError as exc:
                    _unlink(tmp)
                    self._failed(rel, exc)
                    ok = False
                else:
                    self.written.append(rel)
                    self.hashes[rel] = digest
                staged.pop(0)
        finally:
            for tmp, *_ in staged:        # interrupted: no temporary file is left behind
                _unlink(tmp)
        return ok

    def discard(self) -> None:
        """Forget what is staged (the run is being abandoned)."""
        for tmp, *_ in self.staged:
            _unlink(tmp)
        self.staged = []

    def _failed(self, rel: str, exc: OSError) -> None:
        import errno

        if isinstance(exc, PermissionError):
            self.failed.append((rel, "文件被占用（可能正在 Excel/WPS 中打开），请先关闭该文件后重新运行"))
            return
        reason = "磁盘空间不足，请清理磁盘后重新运行" if exc.errno == errno.ENOSPC else (exc.strerror or str(exc))
        self.failed.append((rel, f"无法写入：{reason}"))


def _unlink(path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def write_temporary(path: Path, data: bytes) -> str:
    """`data` on disk (flushed to the device) under a hidden temporary name beside `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".~" + path.stem[:20] + "-", suffix=".tmp", dir=path.parent)
    try:
        if hasattr(os, "fchmod"):
            # mkstemp makes the file private (0600); an output gets the permissions any file
            # the user saves gets (umask), so colleagues on a shared folder can open it
            os.fchmod(fd, 0o666 & ~current_umask())
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        _unlink(tmp)
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


def write_atomic(path: Path, data: bytes) -> None:
    tmp = write_temporary(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        _unlink(tmp)
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
