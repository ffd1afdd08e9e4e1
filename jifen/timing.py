"""Wall time and peak memory per stage (the benchmark and --timings report them)."""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager


class Clock:
    """Seconds and peak memory per stage of one run: instrumentation handed to the stages that
    want it, so that timing never has to write into the run's results."""

    def __init__(self):
        self.timings: dict[str, float] = {}
        self.peaks: dict[str, float] = {}

    @contextmanager
    def __call__(self, name: str):
        start = time.perf_counter()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - start)

    def add(self, name: str, seconds: float, peak: bool = True) -> None:
        """`peak=False` for work done elsewhere (a worker process's job): its memory is not ours."""
        self.timings[name] = self.timings.get(name, 0.0) + seconds
        if peak:
            self.peaks[name] = peak_rss_mb()


def peak_rss_mb() -> float:
    try:
        import resource
    except ImportError:       # Windows: no resource module
        return 0.0
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    scale = 1 / (1024 * 1024) if sys.platform == "darwin" else 1 / 1024
    return round(max(own, kids) * scale, 1)
