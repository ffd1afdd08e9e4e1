"""Atomic replacement of outputs, and a record of outputs that could not be written.

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

    def rel(self, path: Path) -> str:
        try:
            return Path(path).relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def write(self, path: Path, data: bytes) -> bool:
        """Write `data` to `path` atomically; skip when identical; record failures."""
        path = Path(path)
        digest = hashlib.sha256(data).hexdigest()
        try:
            if path.exists() and path.stat().st_size == len(data) and path.read_bytes() == data:
                self.unchanged.append(self.rel(path))
                self.hashes[self.rel(path)] = digest
                return True
            write_atomic(path, data)
        except PermissionError:
            self.failed.append((self.rel(path), "文件被占用（可能正在 Excel/WPS 中打开），请先关闭该文件后重新运行"))
            return False
        except OSError as exc:
            import errno

            reason = "磁盘空间不足，请清理磁盘后重新运行" if exc.errno == errno.ENOSPC else (exc.strerror or str(exc))
            self.failed.append((self.rel(path), f"无法写入：{reason}"))
            return False
        self.written.append(self.rel(path))
        self.hashes[self.rel(path)] = digest
        return True


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".~" + path.stem[:20] + "-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
