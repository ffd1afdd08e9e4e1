"""Wall time and peak memory per stage (the benchmark and --timings report them)."""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager


@contextmanager
def timed(res, name: str):
    """Wall time and peak memory so far, per stage (the benchmark reports them)."""
    start = time.perf_counter()
    try:
        yield
    finally:
        res.timings[name] = res.timings.get(name, 0.0) + time.perf_counter() - start
        res.peaks[name] = peak_rss_mb()


def peak_rss_mb() -> float:
    try:
        import resource
    except ImportError:       # Windows: no resource module
        return 0.0
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    scale = 1 / (1024 * 1024) if sys.platform == "darwin" else 1 / 1024
    return round(max(own, kids) * scale, 1)
