"""How this run starts worker processes: `fork` where the OS has it; on Windows, none.

Windows has no `fork`. Parsing works with `spawn` too (workers get file paths and return
parsed records, all picklable; tests/test_workers.py checks it on Linux), but under Wine 8 two
spawned parsers hang at start-up while the run waits for them for ever, and each spawned
worker first imports pandas afresh (seconds on an office PC). Output jobs share the computed
results (large DataFrames) with their workers by inheriting them, which only `fork` can do.
So on Windows the run parses and writes in one process; the cost, measured, is in
docs/launchers.md. JIFEN_START_METHOD=spawn|fork|serial overrides the choice (to measure, to
test the Windows behaviour on Linux, or to try spawned parsers on a real Windows PC).
"""

from __future__ import annotations

import multiprocessing as mp
import os

METHODS = ("fork", "spawn", "serial")


def start_method() -> str:
    """'fork', 'spawn' or 'serial' (no worker processes)."""
    asked = os.environ.get("JIFEN_START_METHOD", "").strip().lower()
    available = mp.get_all_start_methods()
    if asked == "serial" or (asked in METHODS and asked in available):
        return asked
    return "fork" if "fork" in available else "serial"


_TRIM: list = []


def give_back_free_memory() -> None:
    """Hand the C heap's free pages back to the OS (glibc's malloc_trim), where there is one.

    Python frees what a stage no longer needs, but glibc keeps most of it mapped: a
    province's run held ~240 MB so after computing, which forked workers then share and a
    worker after its big table kept to itself. Elsewhere (Windows, macOS, musl) nothing."""
    if not _TRIM:
        trim = None
        if os.name == "posix":
            try:
                import ctypes

                trim = ctypes.CDLL(None).malloc_trim
                trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
            except (OSError, AttributeError):
                trim = None
        _TRIM.append(trim)
    if _TRIM[0] is not None:
        _TRIM[0](0)
