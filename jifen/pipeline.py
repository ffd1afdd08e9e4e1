"""The table of contents: rulebook → inputs → checks → scores → ranks → outputs.

Each stage returns its data and its problems; only the first (the rulebook) can stop the run.
"""

from __future__ import annotations

import gc
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from jifen import cadres, checks, evidence, filechecks, ranking, reviews, scoring
from jifen import periods as per
from jifen import problems as pb
from jifen.files import OutputLog, safe_filename
from jifen.readers import inputs as rd
from jifen.rulebook import Rulebook, read_rulebook
from jifen.timing import peak_rss_mb, timed


@dataclass
class Options:
    input_dir: Path
    output_dir: Path
    rulebook: Path
    archive_dir: Path
    year: int | None = None
    write: bool = True          # False for `check`: validate and report only
    workers: int | None = None  # parsing processes (default: up to 4, by CPU count)
    force: bool = False         # regenerate every output even when nothing changed
    pdf: bool = True            # after the summary, PDFs of changed notices (outputs/pdf.py)
    publishing: str = ""        # the period key `publish` is about to archive
    notices: list = field(default_factory=list)   # warnings from before the run (a lock taken over)


@dataclass
class Result:
    options: Options
    rulebook: Rulebook | None = None
    files: list = field(default_factory=list)      # FileInfo of every workbook read or not
    skipped: list = field(default_factory=list)
    evidence: list = field(default_factory=list)   # FileInfo of the files attached as 佐证材料
    evidence_owner: dict = field(default_factory=dict)  # evidence path → its declaration file
    suspicious: pd.DataFrame | None = None         # 可疑申报 hints for the reviewer
    roster: pd.DataFrame | None = None
    declarations: list = field(default_factory=list)
    items: pd.DataFrame | None = None
    audit: pd.DataFrame | None = None              # every decision read, with its outcome
    standing: dict = field(default_factory=dict)   # item id → the decision it rests on
    filled_in_place: list = field(default_factory=list)
    notes: list = field(default_factory=list)      # one-line remarks for the console
    timings: dict = field(default_factory=dict)    # stage → seconds
    peaks: dict = field(default_factory=dict)      # stage → peak resident memory so far (MB)
    read_stats: dict = field(default_factory=dict)
    run_key: str = ""
    unchanged: dict | None = None                  # the previous run's record when nothing changed
    published: dict = field(default_factory=dict)  # period key → latest archived snapshot info
    corrections: dict = field(default_factory=dict)  # period key → 更正说明 DataFrame
    proposals: dict = field(default_factory=dict)    # year → 结果运用 DataFrame
    warnings: dict = field(default_factory=dict)     # complete quarter key → 预警 DataFrame
    archived: list = field(default_factory=list)     # latest snapshot of each published period
    history: list = field(default_factory=list)      # rows of the 历年结果 workbook
    bands: pd.DataFrame | None = None                # band history behind the proposals
    scored: pd.DataFrame | None = None
    periods: list = field(default_factory=list)
    scores: pd.DataFrame | None = None
    ranks: pd.DataFrame | None = None
    problems: list = field(default_factory=list)
    log: OutputLog | None = None
    fatal: list = field(default_factory=list)      # why the run could not complete

    @property
    def errors(self) -> list:
        return [p for p in self.problems if p.is_error]

    def balance(self) -> dict:
        """Conservation: every item row read ends up in exactly one state."""
        items = self.items if self.items is not None else pd.DataFrame(columns=["status"])
        counts = {s: int((items["status"] == s).sum()) for s in checks.STATUSES}
        unread = sum(1 for f in self.files if f.status in ("无法读取", "未识别"))
        return {"items_read": len(items), **counts,
                "files_total": len(self.files) + len(self.skipped) + len(self.evidence),
                "files_read": len(self.files) - unread, "files_rejected": unread,
                "files_skipped": len(self.skipped), "files_evidence": len(self.evidence)}

    @property
    def exit_code(self) -> int:
        if self.unchanged is not None:
            return int(self.unchanged.get("exit_code", 0))
        if self.fatal or self.filled_in_place or (self.log and self.log.failed):
            return 2
        return 1 if self.errors else 0


PARALLEL_FROM = 200     # below this many files to parse, worker processes cost more than they save


def fingerprint_inputs(input_dir: Path) -> tuple[list[tuple], list[rd.FileInfo]]:
    """→ ([(path, relative name, SHA-256)] of the workbooks, skipped files), in a stable order."""
    paths, skipped = rd.scan_inputs(input_dir)
    return [(p, p.relative_to(input_dir).as_posix(), d) for p, d in zip(paths, _sha256s(paths))], skipped


def _sha256s(paths: list[Path]) -> list[str]:
    out = []
    for path in paths:
        with open(path, "rb") as fh:
            out.append(rd.file_sha256(fh.read()))    # the same digest the parsers record
    return out


def read_inputs(input_dir: Path, cache_dir: Path | None = None, workers: int | None = None,
                stats: dict | None = None, entries=None, background_save: bool = False,
                save_cache: bool = True) -> tuple[list[rd.Parsed], list[rd.FileInfo]]:
    """Every workbook under input/, through the gate, parsed once per content (cache; with
    `save_cache=False` the cache is only read, as `compare` leaves output/ alone)."""
    from jifen.progress import Progress
    from jifen.readers.cache import ParseCache

    if entries is None:
        entries = fingerprint_inputs(input_dir)
    listed, skipped = entries
    paths = [p for p, _, _ in listed]
    cache = ParseCache(cache_dir)
    found, todo = {}, []
    for p, rel, sha in listed:
        hit = cache.get(rel, sha) if sha else None
        if hit is not None:
            found[rel] = hit
        else:
            todo.append((p, rel, sha))
    workers = workers if workers is not None else min(4, os.cpu_count() or 1)
    n_parsed, todo_all = len(todo), list(todo)
    if todo:
        note_reader_fallback()
    with Progress("读取文件", len(todo)) as bar:
        if len(todo) >= PARALLEL_FROM and workers > 1:
            try:
                todo = _parse_parallel(todo, workers, found, cache, bar)
            except Exception:   # no worker processes here (locked-down PC, odd Python): go on alone
                todo = [t for t in todo if t[1] not in found]
        for p, rel, _sha in todo:
            parsed = rd.parse_file(p, rel)
            found[rel] = parsed
            cache.put(rel, parsed.info.sha256, parsed)
            bar.update()
    if save_cache:
        cache.save({(rel, parsed.info.sha256) for rel, parsed in found.items()}, background=background_save)
    if stats is not None:
        fresh = [found[rel] for _, rel, _ in todo_all]
        stats.update({"files": len(paths), "parsed": n_parsed, "from_cache": len(paths) - n_parsed,
                      "gate_cpu_s": round(sum(x.seconds[0] for x in fresh), 3),
                      "parse_cpu_s": round(sum(x.seconds[1] for x in fresh), 3)})
    return [found[rel] for _, rel, _ in listed], skipped


def note_reader_fallback(stream=None) -> bool:
    """One console line when Excel files are read by openpyxl because python-calamine could
    not be loaded (antivirus, Wine): the results are the same, only slower."""
    from jifen.readers import book

    if not book.FALLBACK_REASON:
        return False
    print(f"提示：快速读取组件 python-calamine 无法加载（{book.FALLBACK_REASON}），"
          "改用 openpyxl 读取 Excel 文件：结果相同，速度较慢。", file=stream, flush=True)
    return True


def _parse_parallel(todo, workers, found, cache, bar) -> list:
    """Parse in worker processes (forked, or spawned on Windows); → what is left to parse
    here: nothing when all went well, everything when worker processes are off."""
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    from jifen.workers import start_method

    method = start_method()
    if method == "serial":
        return todo
    chunk = max(20, len(todo) // (workers * 8))
    batches = [todo[i:i + chunk] for i in range(0, len(todo), chunk)]
    from jifen.orphans import watch_parent

    with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context(method),
                             initializer=watch_parent) as pool:
        for batch, results in zip(batches, pool.map(_parse_batch, [[(p, r) for p, r, _ in b] for b in batches])):
            for (_, rel, _), parsed in zip(batch, results):
                found[rel] = parsed
                cache.put(rel, parsed.info.sha256, parsed)
            bar.update(len(batch))
    return []


def _parse_batch(batch):
    return [rd.parse_file(p, rel) for p, rel in batch]


def run_key(opts: Options, rulebook: Rulebook, entries) -> str:
    """Everything a run's outputs depend on: same key → same outputs."""
    import hashlib

    from jifen import __version__
    from jifen.pipeline_paths import TEMPLATES

    h = hashlib.sha256()
    listed, skipped = entries
    code = hashlib.sha256(b"".join(f.read_bytes() for f in sorted(Path(__file__).parent.rglob("*.py"))))
    parts = [__version__, code.hexdigest(), rulebook.sha256, str(opts.year), str(opts.archive_dir)]
    # files not read as data may be evidence (hashed when attached): a changed one must not
    # look like an unchanged run, so its modification time counts too
    parts += [f"{rel}:{sha}" for _, rel, sha in listed] + [
        f"skip:{f.path}:{f.size}:{_mtime(opts.input_dir / f.path)}" for f in skipped]
    for t in sorted(p for p in TEMPLATES.iterdir() if p.is_file()):    # Word and the overview page
        parts.append(f"tpl:{t.name}:{hashlib.sha256(t.read_bytes()).hexdigest()}")
    if opts.archive_dir.is_dir():
        for snap in sorted(opts.archive_dir.glob("*/*/snapshot.json")):
            parts.append(f"arch:{snap.relative_to(opts.archive_dir).as_posix()}:{snap.stat().st_size}")
    from jifen.outputs.comparison import FILE_NAME
    compared = opts.output_dir / FILE_NAME      # a new comparison: the overview must show it
    if compared.is_file():
        parts.append(f"compare:{hashlib.sha256(compared.read_bytes()).hexdigest()}")
    h.update("\n".join(parts).encode("utf-8"))
    return h.hexdigest()


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


def run(opts: Options) -> Result:
    """The whole job: read, compute, settle published periods, write."""
    from jifen.readers import cache

    try:
        return _run(opts)
    finally:
        cache.wait()          # the parse cache may still be being saved by a child process
        gc.unfreeze()         # see _run: the run's records are ordinary objects again


def _run(opts: Options) -> Result:
    res = Result(opts)
    try:
        rulebook = read_rulebook(opts.rulebook)
    except pb.RulebookError as exc:
        res.problems += exc.problems
        res.fatal.append("规则文件 rulebook.xlsx 有错误，未读取任何申报材料")
        from jifen.outputs import write_report_only
        res.log = write_report_only(res)
        return res
    res.rulebook = rulebook
    res.problems += rulebook.warnings
    res.problems += [pb.warning("stale-lock", text, "无需处理；若对方其实仍在运行，请核对两次运行的结果。",
                                file=opts.output_dir.name) for text in opts.notices]
    if not opts.input_dir.is_dir():
        res.fatal.append(f"找不到输入文件夹 {opts.input_dir}")
        return res
    with timed(res, "读取（安全检查+解析）"):
        from jifen.outputs import state
        from jifen.readers.cache import CACHE_NAME

        previous = state.load_run(opts.output_dir) if opts.write and not opts.force else None
        cache_dir = opts.output_dir / ".cache"
        if not previous and not (cache_dir / CACHE_NAME).exists():
            # nothing to compare with: the parsers hash each file as they read it
            paths, skipped = rd.scan_inputs(opts.input_dir)
            entries = ([(p, p.relative_to(opts.input_dir).as_posix(), None) for p in paths], skipped)
        else:
            entries = fingerprint_inputs(opts.input_dir)
            res.run_key = run_key(opts, rulebook, entries)
            if previous and previous.get("key") == res.run_key and state.outputs_intact(
                    opts.output_dir, previous.get("outputs", [])):
                res.unchanged = previous            # nothing changed: nothing to parse or write
                return res
        gc.disable()        # tens of thousands of records arrive: none of them is ever cyclic garbage
        try:
            parsed, res.skipped = read_inputs(opts.input_dir, cache_dir, opts.workers,
                                              res.read_stats, entries, background_save=True)
        finally:
            gc.enable()
        if not res.run_key:
            res.run_key = run_key(opts, rulebook, ([(p, rel, x.info.sha256) for (p, rel, _), x in
                                                    zip(entries[0], parsed)], entries[1]))
    # The parsed records live until the end: keep the garbage collector from scanning them
    # again and again (and, in forked workers, from touching and so copying their pages).
    gc.freeze()
    res.files = [p.info for p in parsed]
    for p in parsed:
        res.problems += p.problems
    res.problems += filechecks.check_lock_files([f.path for f in res.skipped], [f.path for f in res.files])
    compute(res, parsed, rulebook)                           # pure from here on
    attach_evidence(res)
    if not res.roster.empty:
        from jifen import publish
        with timed(res, "已发布期间与结果运用"):
            publish.recompute_published(res, lambda rb: compute(Result(opts, rulebook=rb), parsed, rb,
                                                             problems=False))  # archived rules, 更正说明
            res.archived = publish.archived_snapshots(opts.archive_dir)
            res.history = [h for p in parsed for h in p.history]
            derive_consequences(res, res.archived, res.history)
            derive_warnings(res)
    if opts.write:
        from jifen.outputs import write_all
        res.log = write_all(res)
        remember_run(res)
    else:
        from jifen.outputs import write_report_only
        res.log = write_report_only(res)
    return res


def remember_run(res: Result) -> None:
    """What an unchanged re-run repeats without working: key, exit status, summary, outputs."""
    from jifen import summary
    from jifen.outputs import state

    if res.log is None or not res.run_key or res.exit_code >= 2:
        return
    lines: list[str] = []
    summary.print_summary(res, out=lines.append)
    outputs = sorted(set(res.log.hashes) - {f for f, _ in res.log.failed})
    state.save_run(res.options.output_dir, {"key": res.run_key, "exit_code": res.exit_code,
                                            "summary": lines, "outputs": outputs})


def attach_evidence(res: Result) -> None:
    """Attached evidence files become 佐证材料 (not skipped), hashed for the integrity hints;
    then the 可疑申报 hints are computed (pure)."""
    from jifen import suspicious
    from jifen.readers import cache

    attached = res.evidence_owner
    digests = cache.evidence_digests(res.options.input_dir, sorted(attached),
                                     res.options.output_dir / ".cache" if res.options.write else None)
    keep = []
    for f in res.skipped:
        if f.path in attached:
            f.status = "佐证材料"
            f.note = f"佐证材料，对应申报表 {attached[f.path]}"
            f.sha256 = digests.get(f.path, "")
            res.evidence.append(f)
        else:
            if f.note == rd.NOT_WORKBOOK:
                f.note = rd.UNATTACHED
            keep.append(f)
    res.skipped = keep
    known = {f.path: f for f in res.evidence}
    if res.items is not None and "attachments" in res.items:
        for atts in res.items["attachments"]:
            for a in atts:
                if a["kind"] == evidence.FILE and a["path"] in known:
                    a["sha256"], a["size"] = known[a["path"]].sha256, known[a["path"]].size
    if res.items is not None and not res.roster.empty:
        res.suspicious = suspicious.find(res.items, res.roster, res.rulebook)


def derive_consequences(res: Result, archived: list, history: list) -> None:
    """结果运用 for every year computed, from computed, archived and historical bands."""
    from jifen import consequences

    bands, warnings = consequences.band_history(res.ranks, res.periods, archived, history)
    res.problems += warnings
    res.bands = bands
    for period in res.periods:
        if period.kind != "year":
            continue
        props = consequences.proposals(bands, period.year, period.complete, res.rulebook.params)
        res.proposals[period.year] = props
        res.ranks = consequences.apply_no_honours(res.ranks, props, period.year)


def derive_warnings(res: Result) -> None:
    """预警 for every complete quarter, from data up to its end (internal only)."""
    from jifen import early_warning

    data_months = {p.key for p in res.periods if p.kind == "month"}
    params, line = res.rulebook.params, float(res.rulebook.bottom_line)
    for period in res.periods:
        if period.kind != "quarter" or not period.complete:
            continue
        so_far = early_warning.ytd_period(period, data_months)
        ytd = ranking.rank_period(so_far, scoring.period_scores(res.scored, [so_far], res.rulebook),
                                  res.roster, res.rulebook)
        res.warnings[period.key] = early_warning.quarter_warnings(
            period.year, period.quarter, res.bands, ytd, res.ranks[res.ranks["period"] == period.key], params, line)


def compute(res: Result, parsed: list, rulebook: Rulebook, problems: bool = True) -> Result:
    """Roster → checks → reviews → scores → ranks, on already parsed files (no I/O).

    With `problems=False` (recomputing a published period with its archived rulebook) the
    findings are not reported a second time.
    """
    from jifen.progress import Progress

    found: list = []
    t0 = time.perf_counter()
    records = [i for p in parsed for i in p.items]
    # four steps: a line on the terminal only when they can take seconds (large counties)
    bar = Progress("校验、审核结论、计分、排名", 4, min_total=1 if problems and len(records) >= 20000 else 5)
    res.declarations = [d for p in parsed for d in p.declarations]
    res.roster, more = cadres.build_roster([r for p in parsed for r in p.roster])
    found += more
    if res.roster.empty:
        res.fatal.append("没有读到干部名册（工作表“干部名册”，表头含 干部编号、姓名、干部类别）")
        found.append(pb.error("roster-missing", "input 文件夹中没有可用的干部名册，无法计分和排名",
                              "请把干部名册（含 干部编号、姓名、单位、职务、干部类别 列）放入 input 文件夹。"))
    found += checks.check_template_versions(res.declarations, rulebook)
    misfiled, more = filechecks.check_declaration_months(res.declarations)
    found += more
    dropped, more = checks.check_duplicate_declarations([d for d in res.declarations if d["key"] not in misfiled])
    found += more
    items = checks.prepare_items(records, rulebook)
    found += link_evidence(res, items)
    for keys, reason in ((dropped, "同一干部同一月份有多份申报表"),
                         (misfiled, "申报月份与文件名、文件夹或申报模板中的月份不一致")):
        if keys:
            held = items["decl"].isin(keys)
            items.loc[held, "status"] = checks.INVALID
            items.loc[held, "reason"] = reason
    if not res.roster.empty:
        found += checks.validate_items(items, rulebook, res.roster)
    else:
        items.loc[items["status"] == "", ["status", "reason"]] = [checks.INVALID, "没有干部名册"]
    checks.mark_valid(items, rulebook.params["申报需审核"])
    if not items.empty:
        evidence.place_pictures(items, safe_filename)
    bar.update()
    decisions, more = reviews.match_decisions([d for p in parsed for d in p.reviews], items)
    found += more
    res.standing, audit, more = reviews.resolve_decisions(decisions)
    found += more
    found += reviews.apply_decisions(items, res.standing, rulebook.params["申报需审核"])
    res.audit = reviews.audit_frame(audit)
    bar.update()
    t1 = time.perf_counter()
    rule_value = scoring.row_value(items["points"], items["qty"])
    items["rule_value"] = rule_value
    items["value"] = items["review_value"].where(items["review_value"].notna(), rule_value)
    res.items = items

    counted = items[items["status"] == checks.COUNTED]
    res.scored = scoring.score_items(counted, rulebook)
    # a misfiled declaration's month makes no period exist (no year nobody declared)
    data_months = {d["month"] for d in res.declarations if d["month"] and d["key"] not in misfiled} | {
        m for m in items.loc[items["source"] == "登记", "month"] if m}
    # every year present is computed (earlier years feed the consequences); --year only
    # restricts which years get outputs
    years = sorted({int(m[:4]) for m in data_months})
    res.periods = per.build_periods(data_months, years)
    res.scores = scoring.period_scores(res.scored, res.periods, rulebook)
    bar.update()
    t2 = time.perf_counter()
    ranked = [ranking.rank_period(p, res.scores, res.roster, rulebook)
              for p in res.periods if p.kind in ("quarter", "year") and not res.roster.empty]
    res.ranks = pd.concat(ranked, ignore_index=True) if ranked else pd.DataFrame(
        columns=ranking.RANK_COLUMNS)
    bar.update()
    bar.close()
    if problems:
        res.problems += found
        t3 = time.perf_counter()
        res.timings.update({"校验与审核结论": t1 - t0, "计分": t2 - t1, "排名": t3 - t2})
        res.peaks.update({"排名": peak_rss_mb()})
    return res


def link_evidence(res: Result, items: pd.DataFrame) -> list:
    """Handed-in files and pasted pictures → each item's attachments (pure: paths only)."""
    candidates = [f.path for f in res.skipped if f.note in (rd.NOT_WORKBOOK, rd.UNATTACHED)]
    decls = res.declarations
    files, res.evidence_owner, problems = evidence.declaration_files(decls, candidates)
    if not items.empty:
        items["attachments"], more = evidence.assign(
            items, files, {d["key"]: d.get("pictures", []) for d in decls}, {d["key"]: d["file"] for d in decls})
        problems += more
    return problems


@dataclass
class WhatIf:
    """`compare`: the same inputs computed under the current (`old`) and a proposed (`new`) rulebook."""
    old: Result
    new: Result | None = None
    fingerprint: str = ""
    problems: list = field(default_factory=list)    # why a rulebook could not be used
    fatal: list = field(default_factory=list)
    log: OutputLog | None = None
    counts: dict = field(default_factory=dict)


def what_if(opts: Options, proposed_path: Path) -> WhatIf:
    """Read the inputs once, compute everything under both rulebooks with the run's own
    functions, write output/规则调整影响.xlsx and nothing else (the parse cache is only read)."""
    from jifen import comparison, publish
    from jifen.outputs import comparison as writer

    wi = WhatIf(Result(opts))
    books = []
    for label, path in (("现行规则", opts.rulebook), ("拟调整规则", proposed_path)):
        try:
            books.append(read_rulebook(path))
        except pb.RulebookError as exc:
            wi.problems += exc.problems
            wi.fatal.append(f"{label} {Path(path).name} 有错误，未进行对比")
    if wi.fatal:
        return wi
    if not opts.input_dir.is_dir():
        wi.fatal.append(f"找不到输入文件夹 {opts.input_dir}")
        return wi
    parsed, skipped = read_inputs(opts.input_dir, opts.output_dir / ".cache", opts.workers, save_cache=False)
    archived = publish.archived_snapshots(opts.archive_dir)
    history = [h for p in parsed for h in p.history]
    sides = []
    for book in books:
        side = Result(opts, rulebook=book, files=[p.info for p in parsed], skipped=skipped)
        compute(side, parsed, book, problems=False)
        if side.roster.empty:
            wi.fatal.append("没有读到干部名册，无法对比")
            return wi
        derive_consequences(side, archived, history)
        sides.append(side)
    wi.old, wi.new = sides
    wi.fingerprint = comparison.input_fingerprint(wi.old.files, wi.old.rulebook.sha256)
    wi.log = OutputLog(opts.output_dir)
    wi.counts = writer.write_comparison(wi, wi.log)
    return wi


def make_templates(opts: Options, month: str) -> Result:
    """`template --month`: one pre-filled declaration workbook per cadre on the roster."""
    from jifen import normalize as nz
    from jifen.outputs import declaration_template

    res = Result(opts)
    try:
        res.rulebook = read_rulebook(opts.rulebook)
    except pb.RulebookError as exc:
        res.problems += exc.problems
        res.fatal.append("规则文件 rulebook.xlsx 有错误")
        return res
    parsed, res.skipped = read_inputs(opts.input_dir)
    res.files = [p.info for p in parsed]
    res.roster, more = cadres.build_roster([r for p in parsed for r in p.roster])
    res.problems += more
    if res.roster.empty:
        res.fatal.append("没有读到干部名册，无法生成申报表")
        return res
    res.log = OutputLog(opts.output_dir)
    on = cadres.as_of(res.roster, nz.month_end(month)).reset_index()
    county = res.rulebook.params["县名"]
    folder = opts.output_dir / "申报模板" / month
    for rec in on.sort_values("cadre_id").to_dict("records"):
        data = declaration_template.template_bytes(rec, month, res.rulebook, county)
        name = f"{rec['cadre_id']}_{rec['display_name']}_{month}.xlsx"
        res.log.write(folder / safe_filename(name), data)
    return res
