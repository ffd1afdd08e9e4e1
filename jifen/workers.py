"""How this run starts worker processes: `fork` where the OS has it; on Windows, none.

Windows has no `fork`. Parsing works with `spawn` too (workers get file paths and return
parsed records, all picklable; tests/test_workers.py checks it on Linux), but under Wine 8 two
spawned parsers hang at start-up while the run waits for them for ever, and each spawned
worker first imports pandas afresh (seconds on an office PC). Output jobs share the computed
results (large DataFrames) with their workers by inheriting them, which only `fork` can do
(at a province's size the per-cadre jobs go to a spawned worker with their own part of the
results instead: outputs/parcels.py; still only where `fork` is the method, i.e. not on
Windows). So on Windows the run parses and writes in one process; the cost, measured, is in
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


def front_and_back(pool, run, n: int, helpers: int, lead: int = 0, task=None, back_from: int = 0):
    """run(0) … run(n - 1), yielded in that order: this process takes them from the front,
    the pool's `helpers` workers from the back, until they meet; the workers' first `lead`
    jobs come from the front (a county's few heavy jobs then spread over every process: the
    memory they copy does not matter there, the time does). With `back_from`, the pool takes
    no job before that one, and `task(i)` → (function, arguments) is what it is given for job
    i (a worker that shares nothing with this process gets the job's own data with it).

    The output jobs come heaviest first, and the heaviest read nearly all the computed
    results: in a forked worker every object read has its reference count written and so
    its page copied (a province's review list or master ledger copied ~850 MB each). Here
    the process that owns those pages builds them, and one worker fewer is forked for the
    same number of busy cores. `run` must be picklable (a module-level function)."""
    import threading

    cond = threading.Condition()
    ends = {"front": 0, "back": n, "stop": False, "lead": lead}
    results: dict = {}
    task = task or (lambda i: (run, (i,)))

    def submit() -> None:
        with cond:
            if ends["stop"] or ends["back"] <= max(ends["front"], back_from):
                return
            if ends["lead"] > 0 and not back_from:
                ends["lead"] -= 1
                i = ends["front"]
                ends["front"] += 1
            else:
                ends["back"] -= 1
                i = ends["back"]
        try:
            func, args = task(i)
        except Exception as exc:    # noqa: BLE001 - the job's data could not be read back: its error
            finished(i, False, exc)
            return
        try:
            pool.apply_async(func, args, callback=lambda r: finished(i, True, r),
                             error_callback=lambda e: finished(i, False, e))
        except ValueError:          # the pool is closing: the run is being stopped
            finished(i, False, RuntimeError("工作进程已停止"))

    def finished(i: int, ok: bool, value) -> None:
        with cond:
            results[i] = (ok, value)
            cond.notify_all()
        if ok:
            submit()                # in the pool's result thread: the worker gets its next job

    try:
        for _ in range(2 * helpers):        # one running and one waiting, per worker
            submit()
        nxt = 0
        while nxt < n:
            with cond:
                mine = ends["front"] if ends["front"] < ends["back"] else None
                if mine is not None:
                    ends["front"] += 1
            if mine is not None:
                value = run(mine)
                with cond:
                    results[mine] = (True, value)
            while nxt < n:
                with cond:
                    if nxt not in results:
                        if ends["front"] < ends["back"]:
                            break               # more of the front to do meanwhile
                        cond.wait()
                        continue
                    ok, value = results.pop(nxt)
                if not ok:
                    raise value
                yield value
                nxt += 1
    finally:
        with cond:
            ends["stop"] = True
