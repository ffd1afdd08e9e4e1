"""The table of contents: rulebook → inputs → checks → scores → ranks → published periods →
结果运用 → outputs.

`run` reads as the list of its stages. Each stage is a function that takes what it needs
and returns its data and its problems (new objects: no stage changes another's result); the
`Result` handed to the writers is assembled once from them and never changed afterwards.
Only the first stage (the rulebook) can stop the run.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from jifen.files import OutputLog, safe_filename
from jifen.problems import RulebookError, warning
from jifen.publishing import publish
from jifen.readers import batch
from jifen.rulebook import Rulebook, read_rulebook
from jifen.rules import checks, computation, consequences, early_warning, evidence, filechecks, lost_files, suspicious
from jifen.timing import Clock


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


@dataclass(frozen=True)
class Result:
    """Everything a run found and computed, for the writers, the summary and `publish`.
    Assembled from the stages' results; frozen (a new one is made with `dataclasses.replace`)."""
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
    timings: dict = field(default_factory=dict)    # stage → seconds (the run's Clock)
    cpu: dict = field(default_factory=dict)        # stage → CPU seconds, all processes (the run's Clock)
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


@dataclass(frozen=True)
class Inputs:
    """What the read stage found: parsed workbooks, other files, and whether anything changed."""
    parsed: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    run_key: str = ""
    unchanged: dict | None = None          # the previous run's record, when nothing changed
    stats: dict = field(default_factory=dict)
    history: list = field(default_factory=list)   # rows of the 历年结果 workbooks


@dataclass(frozen=True)
class Attached:
    """Evidence files attached to declarations, and the 可疑申报 hints."""
    evidence: list
    skipped: list
    items: pd.DataFrame | None
    suspicious: pd.DataFrame | None


def run_key(opts: Options, rulebook: Rulebook, entries) -> str:
    """Everything a run's outputs depend on: same key → same outputs."""
    import hashlib

    from jifen import __version__

    h = hashlib.sha256()
    listed, skipped = entries
    from jifen.outputs import reuse

    parts = [__version__, reuse.program_digest(), rulebook.sha256, str(opts.year), str(opts.archive_dir)]
    # files not read as data may be evidence (hashed when attached): a changed one must not
    # look like an unchanged run, so its modification time counts too
    parts += [f"{rel}:{sha}" for _, rel, sha in listed] + [
        f"skip:{f.path}:{f.size}:{_mtime(opts.input_dir / f.path)}" for f in skipped]
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
    """The whole job: read, compute, hold published periods to their rules, write."""
    try:
        return _run(opts)
    finally:
        gc.unfreeze()         # see _run: the run's records are ordinary objects again


def _run(opts: Options) -> Result:
    clock = Clock()
    rulebook, problems = load_rulebook(opts.rulebook)
    if rulebook is None:
        return report_only(Result(opts, problems=problems,
                                  fatal=["规则文件 rulebook.xlsx 有错误，未读取任何申报材料"]))
    problems += lock_notices(opts)
    if not opts.input_dir.is_dir():
        return Result(opts, rulebook, problems=problems, fatal=[f"找不到输入文件夹 {opts.input_dir}"])
    with clock("读取（安全检查+解析）", children=True):
        read = read_stage(opts, rulebook)
    if read.unchanged is not None:          # nothing changed: nothing to compute or write
        return Result(opts, rulebook, problems=problems, run_key=read.run_key, unchanged=read.unchanged,
                      timings=clock.timings, cpu=clock.cpu, peaks=clock.peaks)
    # The parsed records live until the end: keep the garbage collector from scanning them
    # again and again (and, in forked workers, from touching and so copying their pages).
    gc.freeze()
    computed = computation.compute(read.parsed, read.skipped, rulebook, clock, progress=True)
    attached = attach_evidence(opts, read.skipped, computed)
    held = outcome = warned = archived = None
    if not computed.roster.empty:
        with clock("已发布期间与结果运用"):
            held = publish.recompute_published(
                computed, opts.archive_dir,
                lambda rb, parsed=read.parsed, skipped=read.skipped: computation.compute(parsed, skipped, rb),
                opts.publishing)
            archived = publish.archived_snapshots(opts.archive_dir)
            fig = held.computed
            outcome = consequences.derive_consequences(fig.ranks, fig.periods, archived, read.history,
                                                       rulebook.params)
            warned = early_warning.derive_warnings(fig.periods, fig.scored, fig.roster, rulebook,
                                                   outcome.bands, outcome.ranks)
    res = assemble(opts, problems, read, computed, attached, held, outcome, warned, archived, clock)
    # the parsed records (a province: over a GB) are in `res` only as far as the outputs need them
    del read, computed, attached, held, outcome, warned, archived
    if not opts.write:
        return report_only(res)
    from jifen.outputs import write_all

    res = write_all(res, clock)
    remember_run(res)
    return res


def assemble(opts: Options, problems: list, read: Inputs, computed: computation.Computed, attached: Attached,
             held: publish.Recomputed | None, outcome: consequences.Consequences | None, warned: dict | None,
             archived: list | None, clock: Clock) -> Result:
    """The run's Result from its stages' (the later ones are absent without a roster)."""
    figures = {name: getattr(computed, name) for name in (
        "roster", "declarations", "audit", "standing", "evidence_owner", "periods", "scored", "scores", "ranks")}
    found = problems + read.problems + computed.problems
    more = {}
    if held is not None:
        figures.update(scored=held.computed.scored, scores=held.computed.scores, ranks=outcome.ranks)
        found += held.problems + outcome.problems
        more = {"published": held.published, "corrections": held.corrections, "notes": held.notes,
                "bands": outcome.bands, "proposals": outcome.proposals, "warnings": warned,
                "archived": archived, "history": read.history}
    # a declaration the program cannot read (saved as CSV, a PDF…) is an unreadable file, not a skipped one
    lost = {p.file for p in computed.problems if p.code in lost_files.CODES}
    unread = [replace(f, status="无法读取", note="看起来是申报表或表格，但不是 Excel 工作簿（见问题清单）")
              for f in attached.skipped if f.path in lost]
    return Result(opts, computed.rulebook, files=[p.info for p in read.parsed] + unread,
                  skipped=[f for f in attached.skipped if f.path not in lost], evidence=attached.evidence, suspicious=attached.suspicious, items=attached.items,
                  read_stats=read.stats, run_key=read.run_key, timings=clock.timings, cpu=clock.cpu,
                  peaks=clock.peaks,
                  problems=found, fatal=computed.fatal, **figures, **more)


def load_rulebook(path: Path) -> tuple[Rulebook | None, list]:
    """→ (the rulebook or None, its problems: warnings, or the errors that stop the run)."""
    try:
        rulebook = read_rulebook(path)
    except RulebookError as exc:
        return None, list(exc.problems)
    return rulebook, list(rulebook.warnings)


def lock_notices(opts: Options) -> list:
    return [warning("stale-lock", text, "无需处理；若对方其实仍在运行，请核对两次运行的结果。",
                       file=opts.output_dir.name) for text in opts.notices]


def read_stage(opts: Options, rulebook: Rulebook) -> Inputs:
    """Every input file, unless nothing changed since the last run (then its record)."""
    from jifen.outputs import state
    from jifen.readers import cache
    from jifen.readers.cache import CACHE_NAME

    previous = state.load_run(opts.output_dir) if opts.write and not opts.force else None
    cache_dir = opts.output_dir / ".cache"
    key = ""
    if not previous and not (cache_dir / CACHE_NAME).exists():
        entries = batch.unhashed_inputs(opts.input_dir)   # nothing to compare with
    else:
        # --force reads every file again; otherwise a file whose times are unchanged keeps its digest
        entries = batch.fingerprint_inputs(opts.input_dir, None if opts.force or not opts.write else cache_dir)
        key = run_key(opts, rulebook, entries)
        if previous and previous.get("key") == key and state.outputs_intact(
                opts.output_dir, previous.get("outputs", [])):
            return Inputs(run_key=key, unchanged=previous)
    stats: dict = {}
    gc.disable()        # tens of thousands of records arrive: none of them is ever cyclic garbage
    try:
        parsed, skipped = batch.read_inputs(opts.input_dir, cache_dir, opts.workers, stats, entries)
    finally:
        # the records live until the end of the run (`run` unfreezes): moved out of the
        # collector's reach before it comes back, or its first pass scans every one of them
        gc.freeze()
        gc.enable()
    if not key:
        digests = [x.info.sha256 for x in parsed]
        key = run_key(opts, rulebook, ([(p, rel, d) for (p, rel, _), d in zip(entries[0], digests)], entries[1]))
        if opts.write:      # the next run trusts these digests while the files' times are unchanged
            cache.workbook_digests([(p, rel) for p, rel, _ in entries[0]], cache_dir, None, digests)
    problems = [x for p in parsed for x in p.problems]
    problems += filechecks.check_lock_files([f.path for f in skipped], [p.info.path for p in parsed])
    return Inputs(parsed, skipped, problems, key, None, stats, [h for p in parsed for h in p.history])


def attach_evidence(opts: Options, skipped: list, computed: computation.Computed) -> Attached:
    """Attached evidence files become 佐证材料 (not skipped), hashed for the integrity hints;
    then the 可疑申报 hints."""
    from jifen.readers import cache

    digests = cache.evidence_digests(opts.input_dir, sorted(computed.evidence_owner),
                                     opts.output_dir / ".cache" if opts.write else None)
    files, still, items = evidence.attach_files(skipped, computed.evidence_owner, digests, computed.items)
    hints = suspicious.find(items, computed.roster, computed.rulebook) if not computed.roster.empty else None
    return Attached(files, still, items, hints)


def report_only(res: Result) -> Result:
    from jifen.outputs import write_report_only

    return replace(res, log=write_report_only(res))


def remember_run(res: Result) -> None:
    """What an unchanged re-run repeats without working: key, exit status, summary, outputs."""
    from jifen import summary
    from jifen.outputs import state

    if res.log is None or not res.run_key or res.exit_code >= 2:
        return
    lines: list[str] = []
    summary.print_summary(res, out=lines.append, writes=False)
    outputs = sorted(set(res.log.hashes) - {f for f, _ in res.log.failed})
    state.save_run(res.options.output_dir, {"key": res.run_key, "exit_code": res.exit_code,
                                            "summary": lines, "outputs": outputs})


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
    from jifen.outputs.comparison import write_comparison
    from jifen.views import comparison

    wi = WhatIf(Result(opts))
    books = []
    for label, path in (("现行规则", opts.rulebook), ("拟调整规则", proposed_path)):
        book, problems = load_rulebook(path)
        if book is None:
            wi.problems += problems
            wi.fatal.append(f"{label} {Path(path).name} 有错误，未进行对比")
        books.append(book)
    if wi.fatal:
        return wi
    if not opts.input_dir.is_dir():
        wi.fatal.append(f"找不到输入文件夹 {opts.input_dir}")
        return wi
    parsed, skipped = batch.read_inputs(opts.input_dir, opts.output_dir / ".cache", opts.workers, save_cache=False)
    archived = publish.archived_snapshots(opts.archive_dir)
    history = [h for p in parsed for h in p.history]
    sides = []
    for book in books:
        computed = computation.compute(parsed, skipped, book)
        if computed.roster.empty:
            wi.fatal.append("没有读到干部名册，无法对比")
            return wi
        outcome = consequences.derive_consequences(computed.ranks, computed.periods, archived, history, book.params)
        sides.append(Result(opts, book, files=[p.info for p in parsed], skipped=skipped,
                            roster=computed.roster, declarations=computed.declarations, items=computed.items,
                            periods=computed.periods, scored=computed.scored, scores=computed.scores,
                            ranks=outcome.ranks, bands=outcome.bands, proposals=outcome.proposals))
    wi.old, wi.new = sides
    wi.fingerprint = comparison.input_fingerprint(wi.old.files, wi.old.rulebook.sha256)
    wi.log = OutputLog(opts.output_dir)
    wi.counts = write_comparison(wi, wi.log)
    return wi


def make_templates(opts: Options, month: str) -> Result:
    """`template --month`: one pre-filled declaration workbook per cadre on the roster."""
    from jifen import normalize
    from jifen.outputs import declaration_template
    from jifen.rules import cadres

    rulebook, problems = load_rulebook(opts.rulebook)
    if rulebook is None:
        return Result(opts, problems=problems, fatal=["规则文件 rulebook.xlsx 有错误"])
    parsed, skipped = batch.read_inputs(opts.input_dir)
    roster, more = cadres.build_roster([r for p in parsed for r in p.roster])
    res = Result(opts, rulebook, files=[p.info for p in parsed], skipped=skipped, roster=roster,
                 problems=problems + more)
    if roster.empty:
        return replace(res, fatal=["没有读到干部名册，无法生成申报表"])
    log = OutputLog(opts.output_dir)
    on = cadres.as_of(roster, normalize.month_end(month)).reset_index()
    county = rulebook.params["县名"]
    folder = opts.output_dir / "申报模板" / month
    for rec in on.sort_values("cadre_id").to_dict("records"):
        data = declaration_template.template_bytes(rec, month, rulebook, county)
        name = f"{rec['cadre_id']}_{rec['display_name']}_{month}.xlsx"
        log.write(folder / safe_filename(name), data)
    return replace(res, log=log)
