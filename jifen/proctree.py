"""Memory of a process and all its descendants together, sampled from /proc (Linux only).

A run forks workers (parsers, output jobs, the cache's background save) that share most of
their pages with the process they were forked from. Summing their resident sizes (RSS)
counts every shared page once per process and so overstates what the run takes from the
machine; PSS (proportional set size, /proc/PID/smaps_rollup) divides each shared page
among the processes that map it, so the sum of PSS is the honest total. Both sums are
reported: RSS for comparison with what a task manager shows per process.
"""

from __future__ import annotations

import os
import sys
import threading

PROC = "/proc"


def available() -> bool:
    return sys.platform.startswith("linux") and os.path.exists(f"{PROC}/self/smaps_rollup")


def _children_files(pid: int) -> list[int] | None:
    """Children of `pid` from /proc/PID/task/*/children; None where the kernel lacks them."""
    try:
        tasks = os.listdir(f"{PROC}/{pid}/task")
    except OSError:
        return []
    kids: list[int] = []
    for tid in tasks:
        try:
            with open(f"{PROC}/{pid}/task/{tid}/children", "rb") as fh:
                kids += [int(x) for x in fh.read().split()]
        except FileNotFoundError:
            return None
        except OSError:
            continue
    return kids


def _parents() -> dict[int, list[int]]:
    """ppid → pids, from every /proc/PID/stat (the slow way)."""
    out: dict[int, list[int]] = {}
    for name in os.listdir(PROC):
        if not name.isdigit():
            continue
        try:
            with open(f"{PROC}/{name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat[stat.rfind(b")") + 2:].split()[1])    # the command name may hold spaces
        out.setdefault(ppid, []).append(int(name))
    return out


def descendants(root: int) -> list[int]:
    """`root` and every process below it."""
    found, todo, table = [], [root], None
    while todo:
        pid = todo.pop()
        found.append(pid)
        kids = _children_files(pid) if table is None else table.get(pid, [])
        if kids is None:
            table = _parents()
            kids = table.get(pid, [])
        todo += kids
    return found


def memory_kb(pid: int) -> tuple[int, int] | None:
    """(PSS, RSS) of one process in kB; None once it has gone."""
    try:
        with open(f"{PROC}/{pid}/smaps_rollup", "rb") as fh:
            text = fh.read()
    except OSError:
        return None
    pss = rss = 0
    for line in text.splitlines():
        if line.startswith(b"Pss:"):
            pss = int(line.split()[1])
        elif line.startswith(b"Rss:"):
            rss = int(line.split()[1])
    return pss, rss


class TreeSampler:
    """In a thread, every `interval` seconds: the summed PSS and RSS of `pid` and its
    descendants; `stop()` → the peaks in MB (None where /proc cannot tell)."""

    def __init__(self, pid: int, interval: float = 0.05):
        self.pid, self.interval = pid, interval
        self.peak_pss = self.peak_rss = self.peak_processes = self.samples = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="memory-sampler", daemon=True)
        self.enabled = available()
        if self.enabled:
            self._thread.start()

    def _loop(self) -> None:
        while True:
            self.sample()
            if self._done.wait(self.interval):
                return

    def sample(self) -> None:
        sizes = [m for m in map(memory_kb, descendants(self.pid)) if m is not None]
        if not sizes:
            return
        self.samples += 1
        self.peak_pss = max(self.peak_pss, sum(p for p, _ in sizes))
        self.peak_rss = max(self.peak_rss, sum(r for _, r in sizes))
        self.peak_processes = max(self.peak_processes, len(sizes))

    def stop(self) -> dict:
        if not self.enabled:
            return {"peak_pss_sum_mb": None, "peak_rss_sum_mb": None, "peak_processes": None, "samples": 0}
        self._done.set()
        self._thread.join()
        return {"peak_pss_sum_mb": round(self.peak_pss / 1024, 1), "peak_rss_sum_mb": round(self.peak_rss / 1024, 1),
                "peak_processes": self.peak_processes, "samples": self.samples}
