"""Worker processes as Windows starts them (`spawn`: no fork there), checked on Linux."""

import dataclasses
import shutil
from pathlib import Path

import pytest

from jifen.readers import batch
from jifen.workers import start_method

DEMO_MONTH = Path(__file__).resolve().parent.parent / "input" / "申报表" / "2025-07"


def records(parsed_list):
    out = []
    for parsed in parsed_list:
        d = dataclasses.asdict(parsed)
        d.pop("seconds", None)
        out.append(d)
    return out


@pytest.mark.parametrize("asked, expected", [("spawn", "spawn"), ("serial", "serial"),
                                              ("bogus", "fork"), ("", "fork")])
def test_start_method_follows_the_override(monkeypatch, asked, expected):
    monkeypatch.setenv("JIFEN_START_METHOD", asked)
    assert start_method() == expected


def test_without_fork_the_run_stays_in_one_process(monkeypatch):
    """Windows: no fork, and spawned parsers hang in Wine 8, so no worker processes."""
    import multiprocessing as mp

    monkeypatch.delenv("JIFEN_START_METHOD", raising=False)
    monkeypatch.setattr(mp, "get_all_start_methods", lambda: ["spawn"])
    assert start_method() == "serial"


def test_spawned_parsers_give_what_one_process_gives(tmp_path, monkeypatch):
    inp = tmp_path / "input"
    shutil.copytree(DEMO_MONTH, inp / "申报表")
    monkeypatch.setattr(batch, "PARALLEL_FROM", 2)
    monkeypatch.setenv("JIFEN_START_METHOD", "serial")
    alone, _ = batch.read_inputs(inp, workers=2)
    monkeypatch.setenv("JIFEN_START_METHOD", "spawn")

    def not_here(*_):
        raise AssertionError("parsed in the main process: the spawned workers did not run")

    # spawned workers import the module afresh, so only this process sees the patch
    monkeypatch.setattr(batch.inputs, "parse_file", not_here)
    spawned, _ = batch.read_inputs(inp, workers=2)
    assert len(spawned) > 20
    assert records(spawned) == records(alone)


def test_free_memory_is_given_back_where_the_c_library_can_and_skipped_where_not(monkeypatch):
    import ctypes

    from jifen import workers

    monkeypatch.setattr(workers, "_TRIM", [])
    workers.give_back_free_memory()
    workers.give_back_free_memory()          # found once, then called again
    assert len(workers._TRIM) == 1

    def no_library(*a, **k):
        raise OSError("no such library")

    monkeypatch.setattr(workers, "_TRIM", [])
    monkeypatch.setattr(ctypes, "CDLL", no_library)
    workers.give_back_free_memory()
    assert workers._TRIM == [None]


def test_front_and_back_yields_in_order_while_this_process_and_the_pool_share_the_jobs():
    import threading
    import time
    from multiprocessing.pool import ThreadPool

    from jifen.workers import front_and_back

    ran = {}

    def run(i):
        ran[i] = threading.current_thread().name
        time.sleep(0.002)
        return i * i

    with ThreadPool(1) as pool:
        assert list(front_and_back(pool, run, 40, 1)) == [i * i for i in range(40)]
    here = threading.current_thread().name
    mine = [i for i in range(40) if ran[i] == here]
    assert sorted(ran) == list(range(40))
    assert mine == list(range(len(mine))) and 0 < len(mine) < 40     # the front here, the back in the pool
    assert ran[39] != here


@pytest.mark.parametrize("failing", [0, 39])
def test_front_and_back_raises_what_a_job_raised_here_or_in_the_pool(failing):
    from multiprocessing.pool import ThreadPool

    from jifen.workers import front_and_back

    def run(i):
        if i == failing:
            raise KeyError(f"job {i}")
        return i

    with ThreadPool(1) as pool, pytest.raises(KeyError, match=f"job {failing}"):
        list(front_and_back(pool, run, 40, 1))


@pytest.mark.skipif("fork" not in __import__("multiprocessing").get_all_start_methods(), reason="no fork here")
def test_outputs_written_beside_forked_workers_are_those_of_one_process(tmp_path):
    """The output jobs with a forked worker beside the main process (a county's 3,000 items
    and up), and with the worker's jobs given their own part of the results as a province's
    are (outputs/parcels.py), give the same files, byte for byte, as the same jobs in one process."""
    import builders

    from jifen import bench_county

    bench_county.generate(tmp_path / "input", 24, ["2026-01", "2026-02", "2026-03"], workers=1)
    runs = {}
    for name, env in (("one", {"JIFEN_START_METHOD": "serial"}), ("forked", {"JIFEN_PARALLEL_FROM_ITEMS": "0"}),
                      ("parcels", {"JIFEN_PARALLEL_FROM_ITEMS": "0", "JIFEN_KEEP_HEAVY_FROM_ITEMS": "0"})):
        proc = builders.run_process(tmp_path, "--timings", tmp_path / f"{name}.json", output=tmp_path / name,
                                    env={"JIFEN_TODAY": "2026-04-20", **env})
        assert proc.returncode in (0, 1), proc.stdout + proc.stderr
        runs[name] = {p.relative_to(tmp_path / name).as_posix(): p.read_bytes()
                      for p in sorted((tmp_path / name).rglob("*"))
                      if p.is_file() and not any(part.startswith(".") for part in p.relative_to(tmp_path / name).parts)}
    assert len(runs["one"]) > 50
    for name in ("forked", "parcels"):
        assert sorted(runs["one"]) == sorted(runs[name])
        assert [n for n in runs["one"] if runs["one"][n] != runs[name][n]] == []


def test_front_and_back_gives_the_workers_their_first_jobs_from_the_front_when_asked():
    import threading
    import time
    from multiprocessing.pool import ThreadPool

    from jifen.workers import front_and_back

    ran = {}

    def run(i):
        ran[i] = threading.current_thread().name
        time.sleep(0.002)
        return i

    with ThreadPool(2) as pool:
        assert list(front_and_back(pool, run, 30, 2, lead=2)) == list(range(30))
    here = threading.current_thread().name
    assert ran[0] != here and ran[1] != here          # the two heaviest went to the workers
    assert ran[2] == here and ran[29] != here


def _small_county_jobs(tmp_path, monkeypatch):
    """A 40-cadre county computed, not written: (results, its output jobs, output folder)."""
    import builders

    import jifen.outputs as outputs
    from jifen import bench_county, pipeline
    from jifen.files import OutputLog
    from jifen.timing import Clock

    monkeypatch.setenv("JIFEN_TODAY", "2026-07-20")
    bench_county.generate(tmp_path / "input", 40, [f"2026-{m:02d}" for m in range(1, 7)], workers=1)
    captured = {}
    monkeypatch.setattr(outputs, "write_all", lambda res, clock: captured.setdefault("res", res))
    monkeypatch.setattr(pipeline, "remember_run", lambda res: None)
    out = tmp_path / "output"
    pipeline.run(pipeline.Options(tmp_path / "input", out, builders.RULEBOOK, tmp_path / "archive", pdf=False))
    jobs, _ = outputs.jobs_for(captured["res"], {}, OutputLog(out), Clock())
    return captured["res"], jobs, out


def test_a_built_workbook_does_not_outlive_its_job(tmp_path, monkeypatch):
    """A workbook's objects refer to one another: left to the collector's rare full pass, a
    province's report (400 MB) and each month's figures stayed in memory while the main
    process built the next tables. Each job's garbage goes when the job ends."""
    import gc

    from xlsxwriter.workbook import Workbook

    import jifen.outputs as outputs

    res, jobs, _ = _small_county_jobs(tmp_path, monkeypatch)
    labels = {"写出：积分总台账", "写出：校验报告", "写出：月度统计"}
    gc.collect()
    gc.disable()        # no pass of the collector's own between the job and the count
    try:
        outputs._JOBS, outputs._RES = jobs, res
        for i, (label, _, _) in enumerate(jobs):
            if label in labels:
                writes, *_ = outputs._run_job(i)
                assert writes, label
                assert not [o for o in gc.get_objects() if isinstance(o, Workbook)], label
    finally:
        gc.enable()
        outputs._JOBS, outputs._RES = [], None


def test_a_job_given_its_own_part_of_the_results_writes_what_it_writes_from_the_whole(tmp_path, monkeypatch):
    """outputs/parcels.py: a province's worker runs the ledger, archive and 告知单 jobs from
    their own part of the results, pickled; each writes the same bytes as from the whole."""
    import jifen.outputs as outputs
    from jifen.outputs import parcels

    res, jobs, out = _small_county_jobs(tmp_path, monkeypatch)
    packed = parcels.pack(res, jobs, outputs.own_args())
    try:
        labels = {jobs[i][0] for i in packed.spans}
        assert labels == {"写出：个人和单位台账", "写出：积分档案", "写出：告知单"}
        for i in packed.spans:
            _, func, args = jobs[i]
            written = []
            for given in (args, packed.get(i)):
                col = outputs.Collector(out)
                func(res, col, *given)
                written.append([(s[1], s[-1]) for s in col.writes])
                col.discard()
            assert written[0] == written[1] and written[0], jobs[i][0]
    finally:
        packed.close()
    assert packed.get(0) is None


def test_parcels_stay_in_memory_when_no_temporary_file_can_be_made(monkeypatch):
    import tempfile

    from jifen.outputs import parcels

    def refuse(*a, **k):
        raise OSError("no temporary folder")

    monkeypatch.setattr(tempfile, "TemporaryFile", refuse)
    box = parcels.Parcels()
    box.put(3, ("年", {"行": [1.5, "二"]}))
    assert box.file is None and box.get(3) == ("年", {"行": [1.5, "二"]}) and box.get(4) is None
    box.close()


def test_front_and_back_gives_the_pool_only_the_jobs_from_back_from_with_what_task_says():
    import threading
    import time
    from multiprocessing.pool import ThreadPool

    from jifen.workers import front_and_back

    ran = {}

    def run(i):
        ran[i] = "here"
        time.sleep(0.004)
        return -i

    def remote(i, parcel):
        ran[i] = threading.current_thread().name
        return -parcel

    with ThreadPool(1) as pool:
        out = list(front_and_back(pool, run, 30, 1, back_from=20, task=lambda i: (remote, (i, i))))
    assert out == [-i for i in range(30)]
    pooled = sorted(i for i, who in ran.items() if who != "here")
    assert pooled and min(pooled) >= 20 and sorted(ran) == list(range(30))
    assert all(ran[i] == "here" for i in range(20))


def test_a_job_whose_parcel_cannot_be_read_fails_the_run_with_its_error():
    from multiprocessing.pool import ThreadPool

    from jifen.workers import front_and_back

    def task(i):
        raise OSError("parcel gone")

    with ThreadPool(1) as pool, pytest.raises(OSError, match="parcel gone"):
        list(front_and_back(pool, lambda i: i, 10, 1, back_from=5, task=task))


def test_a_worker_that_does_not_answer_leaves_every_job_to_this_process(monkeypatch, tmp_path):
    """A started worker that cannot import the program would be started again and again while
    the run waits for it: without an answer, the pool is stopped and no parcel is kept."""
    import multiprocessing as mp

    import jifen.outputs as outputs

    stopped = []

    class Silent:
        def __init__(self, *a, **k):
            pass

        def apply_async(self, func, args=()):
            class Pending:
                def get(self, timeout=None):
                    raise mp.TimeoutError

            return Pending()

        def terminate(self):
            stopped.append(True)

    class Context:
        Pool = Silent

    from jifen.pipeline import Options, Result

    monkeypatch.setattr(mp, "get_context", lambda method: Context())
    res = Result(Options(tmp_path, tmp_path, tmp_path / "r.xlsx", tmp_path))
    assert outputs._parcel_pool(res, [], None, 1) == (None, None) and stopped == [True]
