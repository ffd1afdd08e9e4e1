"""Writers: DataFrames in, formatted files out. They know nothing of scoring.

`write_all` lists every output as an independent job; a job stages each file it builds under
a temporary name beside its place, and the main process moves them all into place once every
job is done (atomic, fixed order). On a large county the jobs run in forked worker
processes, which share the computed results without copying them; at a province's size one
worker, started afresh, builds the per-cadre files from their own part of the results
(outputs/parcels.py) while the main process builds the whole tables; where there is no fork
(Windows) they run in the main process (see jifen/workers.py).
"""

from __future__ import annotations

import gc
import os
import pickle
import time
from pathlib import Path

from jifen.files import OutputLog, prepare, remove_quietly
from jifen.outputs import reuse
from jifen.problems import error
from jifen.rules import consequences
from jifen.views import ledger_rows
from jifen.workers import front_and_back, give_back_free_memory

PARALLEL_FROM_ITEMS = 3000      # smaller runs are quicker in one process
FLUSH_EVERY = 500               # files staged before they are flushed to the disk together (OutputLog.flushed)
KEEP_HEAVY_FROM_ITEMS = 50_000  # larger runs build the heaviest jobs in the main process only


def write_report_only(res) -> OutputLog:
    from jifen.outputs import report

    log = OutputLog(res.options.output_dir)
    report.write_report(res, log)
    return log


class Collector:
    """What a job writes, staged for the main process to move into place (same API as OutputLog),
    and which of its files it kept because their views did not change (outputs/reuse.py)."""

    def __init__(self, root, plan=None):
        self.root, self.writes, self.failed, self.unchanged = root, [], [], []
        self.plan = plan if plan is not None else ReusePlan()
        self.views: dict = {}     # rel path → digest of its view
        self.kept: list = []      # rel paths left as they are

    def rel(self, path) -> str:
        return OutputLog.rel(self, path)

    def write(self, path, data: bytes) -> bool:
        """Staged here and now (files.prepare): a worker hands the main process where the
        file is, not its bytes, which would pile up there while earlier jobs are still running."""
        self.writes.append(prepare(self.rel(path), Path(path), data))
        return True

    def discard(self) -> None:
        """Remove what this job staged (it failed, or the run is being stopped)."""
        for staging in self.writes:
            if staging[0] == "staged":
                remove_quietly(staging[2])
        self.writes = []

    def reuse(self, path, view) -> bool:
        """True when `path` was made from this very view and is still as the program left it:
        the writer then skips building it. Either way the view's digest is recorded."""
        rel = self.rel(path)
        d = self.views[rel] = reuse.digest(self.plan.salt, rel, view)
        old = self.plan.memo.get(rel)
        if (self.plan.enabled and old and old[0] == d
                and reuse.stat_of(path) == old[2:]):
            self.kept.append(rel)
            return True
        return False


class ReusePlan:
    """The run's digests salt and the previous run's record; `enabled` is False for --force."""

    def __init__(self, salt: str = "", memo: dict | None = None, enabled: bool = False):
        self.salt, self.memo, self.enabled = salt, memo or {}, enabled


def jobs_for(res, recorded: dict, log, clock) -> tuple[list[tuple], list[str]]:
    """Every output of the run as (label, function, args), each function(res, log, *args);
    and the review lists a clerk filled in where they are (not replaced: the run stops)."""
    from jifen.outputs import (
        annual,
        appeal_replies,
        dossier,
        evidence_pictures,
        letters,
        manifest,
        master_ledger,
        monthly,
        notice,
        personal_ledger,
        report,
        review_list,
    )

    jobs = [("写出：运行清单", manifest.write_manifest, ())]
    filled = []
    periods = [p for p in res.periods if res.options.year in (None, p.year)]
    for period in periods:
        if period.kind == "year":
            path = review_list.list_path(res.options.output_dir, period.year)
            if review_list.filled_in_place(path, recorded, log.rel(path)):
                filled.append(log.rel(path))
                log.failed.append((log.rel(path), review_list.FILLED_MESSAGE))
            else:
                jobs.append(("写出：待审核清单", review_list.write_review_list, (period.year,)))
            with clock("台账数据"):
                rows = ledger_rows.ledger_frame(res.items, res.scored, res.roster, res.rulebook, period.year)
            jobs.append(("写出：积分总台账", master_ledger.write_master_ledger, (period.year, rows)))
            jobs += [("写出：个人和单位台账", f, a) for f, a in personal_ledger.ledger_jobs(res, period.year, rows)]
            jobs.append(("写出：年度排名", annual.write_annual, (period,)))
        elif period.kind == "quarter":
            jobs.append(("写出：季度排名附件", notice.write_quarter_attachment, (period, _attachment_extras(res, period))))
        elif period.kind == "month":
            jobs.append(("写出：月度统计", monthly.write_monthly, (period,)))
    for period in periods:
        if period.kind in ("quarter", "year"):
            jobs.append(("写出：通报（Word）", notice.write_notice, (period, _correction_lines(res, period))))
        if period.kind in ("quarter", "year") and period.complete:
            jobs += [("写出：告知单", f, a) for f, a in letters.letter_jobs(res, period)]
    jobs += [("写出：积分档案", f, a) for f, a in dossier.dossier_jobs(res, res.archived, res.history)]
    jobs.append(("写出：申辩答复", appeal_replies.write_appeal_replies, ()))
    jobs.append(("写出：佐证图片", evidence_pictures.write_pictures, ()))
    # built with the others; written again at the end only if some output could not be written
    jobs.append(("写出：校验报告", report.write_report, ()))
    # the heaviest first, so the workers finish together (the report, one job of 0.5-0.8 s at
    # 1,500 cadres, came last and ran alone while the other worker had nothing left)
    return sorted(jobs, key=lambda j: job_order(j[0])), filled


# the jobs that make one big file each, in the order they go first (the rest keep theirs)
HEAVY = {"写出：积分总台账": 0, "写出：待审核清单": 0, "写出：校验报告": 1, "写出：运行清单": 2}
# last, so that the workers (which take jobs from the back) get them: each reads only its own
# cadres' part of the results, where the other jobs read whole tables (a forked worker copies
# every page it reads from: workers.front_and_back; a province's worker gets only these, with
# their own part of the results: _parcel_pool)
NARROW = {"写出：告知单": 1, "写出：个人和单位台账": 2, "写出：积分档案": 2}


def job_order(label: str) -> int:
    """HEAVY in its order, then the other jobs, then NARROW in its order (sorted stably: each
    keeps its order)."""
    if label in HEAVY:
        return HEAVY[label]
    return len(HEAVY) + NARROW.get(label, 0)


def keep_heavy_from() -> int:
    """KEEP_HEAVY_FROM_ITEMS, or JIFEN_KEEP_HEAVY_FROM_ITEMS (tests run a small county so)."""
    return _setting("JIFEN_KEEP_HEAVY_FROM_ITEMS", KEEP_HEAVY_FROM_ITEMS)


def parallel_from() -> int:
    """PARALLEL_FROM_ITEMS, or JIFEN_PARALLEL_FROM_ITEMS (tests run a small county in workers)."""
    return _setting("JIFEN_PARALLEL_FROM_ITEMS", PARALLEL_FROM_ITEMS)


def _setting(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


_JOBS: list = []
_RES = None
_PLAN = ReusePlan()


def own_args() -> dict:
    """Job function → the function giving its own part of the results (outputs/parcels.py)."""
    from jifen.outputs import dossier, letters, personal_ledger

    return {personal_ledger.write_ledgers: personal_ledger.own_args, dossier.write_dossiers: dossier.own_args,
            letters.write_letters: letters.own_args}


def _run_job(i: int):
    return _run(*_JOBS[i])


def _run_parcel(label: str, func, parcel: bytes):
    """A job in a worker started afresh (_parcel_pool), from its own part of the results."""
    return _run(label, func, pickle.loads(parcel))


def _run(label: str, func, args: tuple):
    col = Collector(_RES.options.output_dir, _PLAN)
    start, cpu = time.perf_counter(), time.process_time()
    try:
        func(_RES, col, *args)
    except BaseException:
        col.discard()
        raise
    if label not in NARROW:
        # A workbook's objects refer to one another, so what it held (a whole table's cells
        # and formats) waited for the collector's rare full pass: at a province the main
        # process still held 400 MB after the report, 150 MB after the manifest, 27 MB after
        # each month's figures. The results are frozen (run_jobs), so this pass walks only
        # what the job made. Not after the thousands of small per-cadre jobs: in a spawned
        # worker, whose heap is not frozen, that tripled the 告知单's time.
        gc.collect()
    if label in HEAVY:          # a big table's memory, freed: the worker's next jobs need little
        give_back_free_memory()
    return col.writes, col.failed, time.perf_counter() - start, time.process_time() - cpu, col.views, col.kept


def _start_parcel_worker(res, plan) -> None:
    from jifen.orphans import watch_parent

    global _RES, _PLAN
    _RES, _PLAN = res, plan
    watch_parent()


def run_jobs(res, jobs: list, plan: ReusePlan | None = None):
    """Results of every job, in job order, as they are done; with workers beside this process
    (workers.front_and_back) when it pays and the OS allows."""
    from jifen.workers import start_method

    global _JOBS, _RES, _PLAN
    _JOBS, _RES, _PLAN = jobs, res, plan or ReusePlan()
    parcels = None
    # The results are final: out of the collector's reach, so that its passes (in this process
    # after each whole table, in forked workers whenever they run) walk only what the jobs
    # make, and do not write to every object's header, which in a forked worker copies its page.
    gc.freeze()
    try:
        workers = min(4, os.cpu_count() or 1)
        big = res.items is not None and len(res.items) >= parallel_from()
        pool = None
        if big and workers > 1 and start_method() == "fork":
            if len(res.items) >= keep_heavy_from():
                pool, parcels = _parcel_pool(res, jobs, _PLAN, workers - 1)
            else:
                pool = _forked_pool(workers - 1)
        if pool is None:
            for i in range(len(jobs)):
                yield _run_job(i)
            return
        with pool:
            if parcels is None:
                # below a province's size the workers start with a heavy job too (at 1,500 cadres,
                # after one review decision, this process alone built the four whole tables, 3.2 s
                # CPU, while the worker was done with the rest in 2.1 s)
                yield from front_and_back(pool, _run_job, len(jobs), workers - 1, lead=workers - 1)
                return
            back_from = len(jobs)
            while back_from > 0 and back_from - 1 in parcels:
                back_from -= 1
            yield from front_and_back(pool, _run_job, len(jobs), workers - 1, back_from=back_from,
                                      task=lambda i: (_run_parcel, (jobs[i][0], jobs[i][1], parcels.raw(i))))
    finally:
        if parcels is not None:
            parcels.close()
        _JOBS, _RES, _PLAN = [], None, ReusePlan()


def _forked_pool(helpers: int):
    """Workers that inherit the results (fork), or None."""
    import multiprocessing as mp

    from jifen.orphans import watch_parent

    give_back_free_memory()     # before the workers inherit the heap
    try:
        return mp.get_context("fork").Pool(helpers, initializer=watch_parent)
    except (ValueError, OSError):     # no worker processes here: the jobs are built in this one
        return None


def _parcel_pool(res, jobs: list, plan, helpers: int):
    """A province's workers: started afresh (spawn), they share no page with this process and
    run the per-cadre jobs at the end of the list from their parcels (outputs/parcels.py),
    while this process builds the whole tables. A forked worker, even one reading only its
    parcels, kept the pre-fork copy of every page this process then wrote to: 600-800 MB at
    15,000 cadres × 12 months. → (pool or None, parcels or None)"""
    import multiprocessing as mp

    from jifen.outputs import letters, parcels

    # what the parcel jobs read besides their parcels: the options, the rulebook, the periods
    lite = type(res)(res.options, res.rulebook, periods=res.periods)
    pool = packed = None
    try:
        # started first: the workers import the program while this process packs the parcels
        pool = mp.get_context("spawn").Pool(helpers, initializer=_start_parcel_worker, initargs=(lite, plan))
        packed = parcels.pack(res, jobs, own_args())
        letters.forget_indexes()
        give_back_free_memory()     # what packing freed
        # a worker that cannot start (an interpreter that cannot import the program) would be
        # started again and again while the run waits: it must answer first
        pool.apply_async(_ready).get(timeout=READY_WITHIN)
    except Exception:   # noqa: BLE001 - no worker here: this process builds every file
        if pool is not None:
            pool.terminate()
        if packed is not None:
            packed.close()
        return None, None
    return pool, packed


READY_WITHIN = 120     # seconds for a started worker to import the program (an old office PC)


def _ready() -> bool:
    own_args()          # the parcel jobs' modules, imported
    return True


def write_all(res, clock):
    """Every output of a normal run; each writer formats what the pipeline computed.
    → the run with what writing adds: the log, files that could not be written (as problems),
    review lists filled in where they are."""
    from dataclasses import replace

    from jifen.outputs import notice, pdf, report, state
    from jifen.progress import Progress

    log = OutputLog(res.options.output_dir)
    recorded = state.load(res.options.output_dir)
    state.forget_run(res.options.output_dir)     # an interrupted run must not look finished
    state.remove_stale_temporaries(res.options.output_dir)
    memo = reuse.load(res.options.output_dir)
    plan = ReusePlan(reuse_salt(res), memo, enabled=not res.options.force)
    views: dict = {}
    kept: list = []
    if res.rulebook is not None:
        jobs, filled = jobs_for(res, recorded, log, clock)
        res = replace(res, filled_in_place=res.filled_in_place + filled)
        # Files are staged (written under temporary names) as their jobs finish, while the
        # others are still being built; only then are they moved into place.
        with clock("写出：生成全部文件（并行）"), Progress("写出文件", len(jobs), min_total=10) as bar:
            try:
                for (label, _func, _), (writes, failed, secs, cpu, seen, same) in zip(jobs, run_jobs(res, jobs, plan)):
                    clock.add(label, secs, peak=False, cpu=cpu)
                    log.failed += failed
                    views.update(seen)
                    kept += same
                    for rel in same:
                        log.keep(rel, memo[rel][1])
                    for staging in writes:
                        log.adopt(staging, flush=False)
                    if len(log.unflushed) >= FLUSH_EVERY:
                        log.flushed()
                    bar.update()
            except BaseException:
                log.discard()
                raise
        # Before any file is replaced, record that either its old or its new content is ours:
        # a run killed half way must not make the next one think a clerk edited a file.
        try:
            with clock("写出：落盘"):
                log.flushed()
            state.save(res.options.output_dir, {**recorded, **{
                rel: sorted({*state.known(recorded, rel), new}) for _, _, rel, new in log.staged}})
        except BaseException:
            log.discard()
            raise
        with clock("写出：落盘"):
            log.commit()
        # a PDF made from a notice's old content goes now; the new one is made after the
        # summary, in the background (outputs/pdf.py)
        pdf.remove_stale(res.options.output_dir, pdf.notice_hashes(log.hashes))
        notice.remove_superseded(res, log, recorded)
    res = replace(res, log=log, problems=res.problems + [
        error("output-not-written", f"输出文件 {path} 未能写入：{msg}", "请先关闭该文件，或按提示处理后重新运行。",
                 file=path) for path, msg in log.failed])
    if log.failed or res.rulebook is None:
        with clock("写出：校验报告"):
            report.write_report(res, log)       # again, last: it lists what could not be written
    if res.rulebook is not None:
        res = _write_overview(res, log, clock)
    state.save(res.options.output_dir, {**recorded, **log.hashes})
    if res.rulebook is not None:
        _settle(res.options.output_dir, log, memo, views, set(kept), every_year=res.options.year is None)
    return res


def reuse_salt(res) -> str:
    """Besides its view, what each output's bytes depend on: the program, its templates, the
    rulebook, where the folders are (links between them), how workbooks were read."""
    import hashlib

    from jifen.readers import book

    parts = [reuse.program_digest(), res.rulebook.sha256 if res.rulebook else "",
             str(res.options.input_dir.resolve()), str(res.options.output_dir.resolve()),
             str(res.options.archive_dir.resolve()), book.FALLBACK_REASON or ""]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def _settle(output_dir, log, memo: dict, views: dict, kept: set, every_year: bool = True) -> None:
    """Record what each output was made from, and remove the files earlier runs made that this
    run no longer makes (a cadre off the roster, a period gone), unless someone changed them.
    A run for one year (--year) leaves the other years' files and records alone."""
    failed = {rel for rel, _ in log.failed}
    new = {}
    for rel, sha in log.hashes.items():
        if rel in kept:
            new[rel] = memo[rel]
        elif rel not in failed:
            st = reuse.stat_of(output_dir / rel)
            if st is not None:
                new[rel] = [views.get(rel, ""), sha, *st]
    for rel, old in memo.items():
        if rel in new or rel in failed:
            continue
        path = output_dir / rel
        if not every_year:
            new[rel] = old
        elif reuse.stat_of(path) == old[2:] and reuse.remove_made(output_dir, path):
            log.removed.append(rel)
    reuse.save(output_dir, new)


def _write_overview(res, log, clock):
    """Last: the page links to the outputs now in place. It is a convenience: when it cannot be
    built, everything else stands, and the report and the exit status say so."""
    from dataclasses import replace

    from jifen.outputs import overview, report

    with clock("写出：总览"):
        try:
            overview.write_overview(res, log)
        except Exception as exc:      # a template or data the page did not expect: not the run's fault
            msg = f"生成总览页时出错（{type(exc).__name__}：{exc}），其他输出文件不受影响"
            log.failed.append((overview.OVERVIEW_NAME, msg))
            res = replace(res, problems=res.problems + [error(
                "output-not-written", f"输出文件 {overview.OVERVIEW_NAME} 未能写入：{msg}",
                "其他输出文件已写好，可照常使用；请把这条信息告诉维护人员。", file=overview.OVERVIEW_NAME)])
            report.write_report(res, log)
    return res


def _attachment_extras(res, period) -> list:
    extra = []
    if period.key in res.corrections:
        extra.append(("更正说明", res.corrections[period.key], f"{period.title}更正说明（与已发布结果相比）"))
    talks = consequences.talks_due(res.proposals.get(period.year, consequences.empty()), period.key)
    if len(talks):
        extra.append(("组织约谈", talks[["干部编号", "姓名", "结果", "依据"]],
                      f"{period.title}应进行组织约谈的人员（连续3个季度排在末位）"))
    if period.key in res.warnings:
        warn = res.warnings[period.key]
        extra.append(("预警名单", warn, f"{period.title}预警名单（内部，共{warn['干部编号'].nunique()}人；"
                                        "不在公开通报中出现）"))
    return extra


def _correction_lines(res, period) -> list[str]:
    from jifen.rules import corrections

    table = res.corrections.get(period.key)
    if table is None or table.empty:
        return []
    return corrections.notice_lines(table, res.rulebook.params["公开通报分组"])
