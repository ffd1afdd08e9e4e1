"""Wall time, CPU time and peak memory per stage (the benchmark and --timings report them)."""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager


class Clock:
    """Seconds, CPU seconds and peak memory per stage of one run: instrumentation handed to the
    stages that want it, so that timing never has to write into the run's results."""

    def __init__(self):
        self.timings: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.peaks: dict[str, float] = {}

    @contextmanager
    def __call__(self, name: str, children: bool = False):
        """`children`: the stage's worker processes end within it (the read stage's parsers), so
        their CPU, counted once they are reaped, is added to the stage's."""
        start, cpu, kids = time.perf_counter(), time.process_time(), children_cpu() if children else 0.0
        try:
            yield
        finally:
            spent = time.process_time() - cpu + (children_cpu() - kids if children else 0.0)
            self.add(name, time.perf_counter() - start, cpu=spent)

    def add(self, name: str, seconds: float, peak: bool = True, cpu: float | None = None) -> None:
        """`peak=False` for work done elsewhere (a worker process's job): its memory is not ours;
        `cpu`: the CPU seconds the work took, wherever it ran."""
        self.timings[name] = self.timings.get(name, 0.0) + seconds
        if cpu is not None:
            self.cpu[name] = self.cpu.get(name, 0.0) + cpu
        if peak:
            self.peaks[name] = peak_rss_mb()


def children_cpu() -> float:
    """User + system CPU seconds of this process's ended and reaped children (0 on Windows,
    where the run starts no worker processes)."""
    try:
        import resource
    except ImportError:
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb() -> float:
    try:
        import resource
    except ImportError:       # Windows: no resource module
        return 0.0
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    scale = 1 / (1024 * 1024) if sys.platform == "darwin" else 1 / 1024
    return round(max(own, kids) * scale, 1)
