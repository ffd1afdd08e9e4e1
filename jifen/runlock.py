"""One run at a time per output folder: a lock file naming who runs, on which PC, since when.

Two clerks on one shared folder must not interleave runs (one would replace the other's
outputs half way, or publish what the other is rewriting). A run creates the lock file with
an exclusive create (atomic on local disks and SMB shares alike), writes who holds it, and
removes it when done. A second run finds it and refuses, naming the holder. A lock whose run
no longer exists — its process is gone on this same PC, or it is older than any real run —
is taken over with a warning, so a crashed or killed run never blocks the office for good.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import socket
import sys
from dataclasses import dataclass, field
from pathlib import Path

LOCK_NAME = ".jifen-运行中.lock"
STALE_AFTER = dt.timedelta(hours=12)      # no run takes this long; a lock this old is left over


class Busy(Exception):
    """Another run holds the output folder; the message (Chinese) names it."""


@dataclass
class Lock:
    path: Path
    record: dict
    warnings: list = field(default_factory=list)   # Chinese: a stale lock taken over

    def release(self) -> None:
        """Remove the lock if it is still ours (never another run's that took it over)."""
        try:
            if _read(self.path) == self.record:
                self.path.unlink()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.release()


def who_am_i(command: str) -> dict:
    try:
        user = getpass.getuser()
    except Exception:        # no user name in the environment (a service account)
        user = "未知用户"
    return {"user": user, "host": socket.gethostname(), "pid": os.getpid(), "command": command,
            "since": dt.datetime.now().astimezone().isoformat(timespec="seconds")}


def acquire(output_dir: Path, command: str = "run", now: dt.datetime | None = None) -> Lock:
    """Take the output folder's lock, or raise Busy; a stale lock is taken over (warning)."""
    output_dir.mkdir(parents=True, exist_ok=True)
    path = output_dir / LOCK_NAME
    me = who_am_i(command)
    data = json.dumps(me, ensure_ascii=False, indent=1).encode("utf-8")
    warnings = []
    for _attempt in range(5):
        if _create(path, data):
            return Lock(path, me, warnings)
        holder = _read(path)
        why = stale_reason(holder, now, _age(path))
        if why is None:
            raise Busy(busy_message(holder, path))
        if _take_over(path, holder):
            warnings.append(f"输出文件夹的运行锁是一次已不存在的运行留下的（{describe(holder)}；{why}），"
                            f"本次运行已接管。")
    raise Busy(busy_message(_read(path), path))


def _create(path: Path, data: bytes) -> bool:
    """Create the lock with its content in one step (False when it exists): the content is
    written to a private file first and hard-linked into place, so nobody ever reads a
    half-written lock; where hard links are not supported, an exclusive create instead."""
    private = path.with_name(f"{LOCK_NAME}.{os.getpid()}.new")
    try:
        private.write_bytes(data)
        try:
            os.link(private, path)
            return True
        except FileExistsError:
            return False
        except OSError:
            pass                           # no hard links here (FAT, some shares)
    finally:
        try:
            private.unlink()
        except OSError:
            pass
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:
        return False
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    return True


def _age(path: Path) -> float | None:
    import time

    try:
        return time.time() - path.stat().st_mtime
    except OSError:
        return None


def _read(path: Path) -> dict:
    try:
        value = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _take_over(path: Path, holder: dict) -> bool:
    """Move the stale lock aside; put it back if, in the meantime, a live run had taken it."""
    aside = path.with_name(f"{LOCK_NAME}.{os.getpid()}.stale")
    try:
        os.replace(path, aside)
    except OSError:
        return False            # someone else moved it first: try again from the start
    if _read(aside) != holder:
        try:
            os.link(aside, path)   # fails when yet another run holds the lock now: fine too
        except OSError:
            pass
    try:
        aside.unlink()
    except OSError:
        pass
    return True


UNREADABLE_AFTER = 600     # seconds: a lock still unreadable this long after it was made is left over


def stale_reason(holder: dict, now: dt.datetime | None = None, age: float | None = None) -> str | None:
    """Why `holder`'s run no longer exists, or None when it may still be running. An unreadable
    lock counts as left over only once it is `UNREADABLE_AFTER` old (it may be being written,
    by a run on a PC whose file system has no hard links)."""
    since = _since(holder)
    now = now or dt.datetime.now().astimezone()
    if since is None:
        if age is not None and age < UNREADABLE_AFTER:
            return None
        return "锁文件内容无法识别"
    if now - since > STALE_AFTER:
        return f"已超过 {int(STALE_AFTER.total_seconds() // 3600)} 小时"
    if holder.get("host") == socket.gethostname() and not pid_alive(holder.get("pid")):
        return "该运行的进程已经结束"
    return None


def _since(holder: dict) -> dt.datetime | None:
    try:
        since = dt.datetime.fromisoformat(str(holder["since"]))
    except (KeyError, ValueError):
        return None
    return since if since.tzinfo else since.astimezone()


def pid_alive(pid) -> bool:
    """Whether a process with this id runs on this PC (unknown counts as running)."""
    if not isinstance(pid, int) or pid <= 0:
        return False
    if pid == os.getpid():
        return True
    if sys.platform == "win32":
        return _windows_pid_alive(pid)
    try:
        os.kill(pid, 0)      # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True          # exists, owned by another user
    except OSError:
        return True
    return True


def _windows_pid_alive(pid: int) -> bool:
    # os.kill(pid, 0) would terminate the process on Windows: ask the kernel instead.
    import ctypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    handle = kernel32.OpenProcess(0x1000, False, pid)      # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return ctypes.get_last_error() == 5                # access denied: it exists
    try:
        code = ctypes.c_ulong()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True
        return code.value == 259                           # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


def describe(holder: dict) -> str:
    since = _since(holder)
    when = since.strftime("%Y-%m-%d %H:%M") if since else "时间不明"
    return (f"{holder.get('user') or '未知用户'} 在电脑 {holder.get('host') or '未知'} 上自 {when} 起运行"
            f"（进程 {holder.get('pid', '?')}）")


def busy_message(holder: dict, path: Path) -> str:
    if not holder:
        return (f"输出文件夹正在被另一次运行使用（它刚刚启动）。请稍后再运行；如确认没有别的运行，"
                f"可删除锁文件 {path} 后重新运行。")
    return (f"输出文件夹正在被另一次运行使用：{describe(holder)}。请等对方运行结束后再运行。"
            f"如确认对方已不在运行（例如电脑已关机），可删除锁文件 {path} 后重新运行。")
