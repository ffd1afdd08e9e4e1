"""发布归档: archive a settled period, and hold later runs to what was published.

`publish PERIOD` copies the period's notice, attachment, the rulebook, the manifest and a
snapshot (JSON) into archive/PERIOD/N/. Every later run recomputes each published period
with its archived rulebook and lists any difference from the latest snapshot as 更正说明.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from jifen import normalize
from jifen.files import as_found, current_umask, sha256_of_file
from jifen.problems import RulebookError, warning
from jifen.publishing import guard, seal
from jifen.rulebook import notice_dates, period_key, read_rulebook
from jifen.rules import corrections

SNAPSHOT = "snapshot.json"
SEP = os.sep                     # how the console names files: output\季度通报\… on Windows
TODAY_ENV = "JIFEN_TODAY"        # YYYY-MM-DD: "today" for the tests of the dates-in-the-past line


def latest_snapshots(archive_dir: Path) -> dict:
    """period key → (N, folder) of its latest publication."""
    out = {}
    if not archive_dir.is_dir():
        return out
    for d in sorted(archive_dir.iterdir()):
        key = period_key(d.name) if d.is_dir() else None
        if key is None or key != d.name:
            continue
        numbered = [int(x.name) for x in d.iterdir() if x.is_dir() and re.fullmatch(r"\d+", x.name)
                    and (x / SNAPSHOT).exists()]
        if numbered:
            n = max(numbered)
            out[key] = (n, d / str(n))
    return out


def archived_snapshots(archive_dir: Path) -> list[dict]:
    """The latest snapshot of every published period (for the multi-year rules)."""
    out = []
    for _key, (_n, folder) in sorted(latest_snapshots(archive_dir).items()):
        try:
            out.append(json.loads((folder / SNAPSHOT).read_text("utf-8")))
        except (OSError, ValueError):
            continue
    return out


@dataclass(frozen=True)
class Recomputed:
    """The run's figures with every published period held to its archived rulebook."""
    computed: object                 # computation.Computed, figures of published periods substituted
    published: dict                  # period key → {"n", "folder"[, "rulebook"]} of its latest publication
    corrections: dict                # period key → 更正说明 DataFrame
    notes: list                      # one-line remarks for the console
    problems: list


def recompute_published(computed, archive_dir: Path, recompute, publishing: str = "", exclude=()) -> Recomputed:
    """Recompute published periods with their archived rulebook; collect 更正说明.

    `computed` holds the figures under the current rulebook; `recompute(rulebook)` gives them
    under another (the pipeline's own computation, handed in so that this module does not
    depend on it). `publishing`: the period `publish` is about to archive (its changes are
    expected, not a warning). `exclude`: periods left as computed (verify recomputes a
    publication with its own rulebook).
    """
    published, found, notes, problems = {}, {}, [], []
    under: dict = {}     # archived rulebook SHA-256 → the figures under it (periods often share one)
    for key, (n, folder) in latest_snapshots(archive_dir).items():
        period = next((p for p in computed.periods if p.key == key), None)
        if period is None or key in exclude:
            continue
        try:
            snap = json.loads((folder / SNAPSHOT).read_text("utf-8"))
        except (OSError, ValueError) as exc:
            problems.append(warning("archive-unreadable", f"归档 {key}/{n} 的快照无法读取（{exc}），未与之比对",
                                       "请勿手工修改 archive 文件夹。", file=f"archive/{key}/{n}/{SNAPSHOT}"))
            continue
        published[key] = {"n": n, "folder": folder}
        basis = computed
        if snap.get("rulebook_sha256") != computed.rulebook.sha256 and (folder / "rulebook.xlsx").exists():
            try:
                archived = read_rulebook(folder / "rulebook.xlsx")
            except RulebookError:
                archived = None
            if archived is not None and same_rules(archived, computed.rulebook):
                # only 通报设置 (dates, 文号) changed: the figures are those of the current
                # rulebook, and a re-publication archives it, whose 通报设置 its notice carries
                archived = None
            if archived is not None:
                if archived.sha256 not in under:
                    under[archived.sha256] = recompute(archived)
                basis = under[archived.sha256]
                computed = _substitute(computed, basis, period)
                # a new publication of this period archives the rulebook its figures come from
                published[key]["rulebook"] = (folder / "rulebook.xlsx", archived.sha256)
                notes.append(f"{period.title}已发布，按发布时归档的积分规则计算（现行规则不改写已发布期间）。")
        table = corrections.compare(snap, basis, period)
        if len(table):
            found[key] = table
            line, problem = _say_changed(period, table, publishing)
            notes.append(line)
            problems += problem
        elif n > 1:
            # what output/ holds is the re-issued notice as published: it keeps its 更正说明
            # against the publication before (the one it corrected)
            earlier = _snapshot(folder.parent, n - 1)
            if earlier is not None:
                table = corrections.compare(earlier, basis, period)
                if len(table):
                    found[key] = table
    return Recomputed(computed, published, found, notes, problems)


def _snapshot(base: Path, n: int) -> dict | None:
    """Publication `n` of a period (the highest number ≤ n that exists), or None."""
    for k in range(n, 0, -1):
        path = base / str(k) / SNAPSHOT
        if path.exists():
            try:
                return json.loads(path.read_text("utf-8"))
            except (OSError, ValueError):
                return None
    return None


def _say_changed(period, table, publishing: str) -> tuple[str, list]:
    """One line per period, on the console and in 校验报告: the published results changed."""
    from jifen.publishing.guard import launcher

    people = table["干部编号"].nunique()
    if publishing == period.key:
        return f"{period.title}与上次发布的结果相比有更正（{people}人），重新发布的通报和附件中列出更正说明。", []
    line = f"{period.title}已发布的结果有更正（{people}人），核对后请重新发布：{launcher('publish', period.key)}"
    return line, [warning(
        "published-changed", line,
        "更正的人员、事项和原因见该期通报附件（季度通报/…积分排名.xlsx 或年度排名）的“更正说明”表；核对无误后重新发布，"
        "打印 output 中重新生成的通报。更正后的通报如需新的发文日期和文号，重新发布前先在 rulebook.xlsx 的“通报设置”表中"
        "填写该期的发文日期、文号（不填则沿用期末后第 10 天、文号空白）。")]


def _substitute(computed, alt, period):
    """The figures with the published period's (and its months', so ledgers still add up) as
    computed with its archived rulebook."""
    import pandas as pd

    keys = {period.key} | set(period.months)
    ranks = pd.concat([computed.ranks[computed.ranks["period"] != period.key],
                       alt.ranks[alt.ranks["period"] == period.key]], ignore_index=True)
    scores = pd.concat([computed.scores[~computed.scores["period"].isin(keys)],
                        alt.scores[alt.scores["period"].isin(keys)]], ignore_index=True)
    scored = computed.scored
    if period.kind == "quarter":
        inside = scored["month"].isin(period.months)
        scored = pd.concat([scored[~inside], alt.scored[alt.scored["month"].isin(period.months)]])
    return replace(computed, ranks=ranks, scores=scores, scored=scored)


def publish(res, target: str, say=print) -> tuple[bool, str]:
    """Archive `target` (2026Q1 or 2026) from this run's outputs → (ok, message for the clerk).

    The archive holds the notice's PDF when LibreOffice is present: the one beside the notice
    if it was made from this very Word file, else made now (in the foreground: publishing is
    rare and deliberate, and the archive folder appears complete or not at all)."""
    from jifen.outputs import notice

    key = period_key(target)
    if key is None:
        return False, f"无法识别要发布的期间“{target}”，请写成 2026Q1 或 2026。"
    period = next((p for p in res.periods if p.key == key), None)
    if period is None:
        return False, f"输入中没有 {target} 的数据，未发布。"
    if not period.complete:
        draft = shown(res, notice.notice_paths(res.options.output_dir, period)[0])
        months = "三个月" if period.kind == "quarter" else "十二个月"
        return False, (f"{period.title}尚不完整（{months}都有数据才算完整），不能发布；"
                       f"{draft} 是草稿，只供核对，不得印发。")
    if res.fatal or res.filled_in_place:
        return False, "本次运行未能完成，未发布。"
    blocking = guard.blockers(res, period, SEP)
    if blocking:
        return False, guard.refusal(period, blocking, key, res.options.output_dir, res.options.input_dir, SEP)
    doc, attachment = notice.notice_paths(res.options.output_dir, period)
    needed = [doc, attachment, res.options.output_dir / "运行清单.xlsx"]
    missing = [p.name for p in needed if not p.exists()]
    if missing or (res.log and res.log.failed):
        return False, "有输出文件未能写入（" + "、".join(missing or [f for f, _ in res.log.failed]) + "），未发布。"
    base = res.options.archive_dir / key
    base.mkdir(parents=True, exist_ok=True)
    taken = [int(x.name) for x in base.iterdir() if re.fullmatch(r"\d+", x.name)]
    n = max(taken, default=0) + 1
    rulebook, rulebook_sha = res.published.get(key, {}).get("rulebook", (res.options.rulebook, res.rulebook.sha256))
    data = corrections.snapshot(res, period)
    data["rulebook_sha256"] = rulebook_sha
    previous = res.published.get(key)
    latest = _snapshot(previous["folder"].parent, previous["n"]) if previous else None
    against_latest = corrections.compare(latest, res, period) if latest is not None else None
    if latest is not None and _same_publication(latest, data, previous["folder"], (doc, attachment)):
        return True, _nothing_new(res, period, previous["folder"], doc)
    pdf_copy = _final_pdf(res, doc, say)
    tmp = Path(tempfile.mkdtemp(prefix=".publishing-", dir=base))
    try:
        # copyfile, not copy2: copy2 calls CopyFile2 on Windows, which Wine 8 lacks (the archive
        # needs the bytes, not the timestamps)
        for p in needed + ([pdf_copy] if pdf_copy else []):
            shutil.copyfile(p, tmp / p.name)
        shutil.copyfile(rulebook, tmp / "rulebook.xlsx")
        data["published"] = n
        (tmp / SNAPSHOT).write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True), "utf-8")
        tmp.chmod(0o777 & ~current_umask())    # mkdtemp makes it private (0700)
        inputs = seal.store_inputs(res.files, res.options.input_dir, res.options.archive_dir)
        fingerprint = seal.write_manifest(tmp, key, n, inputs)
        tmp.rename(base / str(n))
    except seal.InputsChanged as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        return False, f"{exc}未发布。"
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    msg_pdf = "（归档中没有通报的 PDF 版本：未安装 LibreOffice 或转换失败）" if pdf_copy is None and res.options.pdf else ""
    msg = f"已发布 {period.title}：{base / str(n)}{msg_pdf}"
    if n > 1:
        msg += _what_changed(res, key, n, against_latest, previous, (doc, attachment))
    return True, (msg + f"\n请打印 {shown(res, doc)}（与归档中的一致）。"
                  f"\n发布指纹（归档清单的 SHA-256，请记在发文稿纸上，日后核验时比对）：{fingerprint}")


def same_rules(one, other) -> bool:
    """The two rulebooks score alike: the same items and parameters (通报设置 may differ)."""
    return one.params == other.params and one.items.equals(other.items)


def shown(res, path: Path) -> str:
    """A file of the output folder as the clerk finds it (output\\季度通报\\… on Windows)."""
    out = res.options.output_dir
    return as_found(out, *path.relative_to(out).parts, sep=SEP)


def _comparable(snap: dict) -> dict:
    return {k: v for k, v in snap.items() if k != "published"}


def _same_documents(folder: Path, docs) -> bool:
    return all((folder / p.name).is_file() and (folder / p.name).read_bytes() == p.read_bytes() for p in docs)


def _same_publication(latest: dict, now: dict, folder: Path, docs) -> bool:
    """Nothing to re-publish: the same results (items, scores, ranks, bands, rulebook) and the
    same notice and attachment as the latest publication (the run manifest, which lists the
    input files, may differ: it is no published result)."""
    return _comparable(latest) == _comparable(now) and _same_documents(folder, docs)


def _nothing_new(res, period, folder: Path, doc: Path) -> str:
    manifest = folder / seal.MANIFEST
    fingerprint = sha256_of_file(manifest) if manifest.is_file() else "（没有归档清单）"
    return (f"{period.title}的积分、名次、等次、通报和附件与第 {folder.name} 次发布（{folder}）完全相同，"
            f"没有需要重新发布的内容，归档中未写入任何文件。"
            f"\n请打印 {shown(res, doc)}（与第 {folder.name} 次发布的一致）。"
            f"\n第 {folder.name} 次发布的发布指纹：{fingerprint}")


def _what_changed(res, key: str, n: int, table, previous: dict | None, docs) -> str:
    """What the re-issued notice holds, said as it is (a re-publish may carry no correction)."""
    k = previous["n"] if previous else n - 1
    if table is not None and len(table):
        return (f"（第 {n} 次发布，通报和附件中列出与第 {k} 次发布相比的更正说明，"
                f"涉及 {table['干部编号'].nunique()} 人）")
    listed = res.corrections.get(key)
    if listed is not None and len(listed):
        held = "通报和附件中仍列出此前各次发布的更正说明"
    else:
        held = "通报中没有更正说明"
    if previous is None or not _same_documents(previous["folder"], docs):
        what = "通报或附件的其他内容有变化（如发文日期、文号、计分事项数）"
    else:
        what = "只有计分事项的记录有变化（如同一子项上限内的分配），通报和附件与上次相同"
    return f"（第 {n} 次发布：积分、名次和等次与第 {k} 次发布相同，{held}；{what}）"


def _final_pdf(res, doc: Path, say) -> Path | None:
    """The PDF of the notice being published, up to date with its Word file; None without."""
    from jifen.outputs import pdf

    out_dir = res.options.output_dir
    rel = doc.relative_to(out_dir).as_posix()
    if not res.options.pdf:
        return None
    sha = pdf.sha256_file(doc)
    todo, _ = pdf.pending(out_dir, {rel: sha})
    if todo:
        if pdf.find_soffice() is None:
            return None
        done = pdf.convert(out_dir, [rel], say=say)
        for _rel, why in done["failed"]:
            say(f"未能生成 {pdf.pdf_rel(rel)}：{why}")
        if pdf.pending(out_dir, {rel: sha})[0]:
            return None
    return out_dir / pdf.pdf_rel(rel)


def today() -> dt.date:
    """Today, for the console only (outputs never use it); JIFEN_TODAY sets it in tests."""
    given = os.environ.get(TODAY_ENV)
    if given:
        try:
            return dt.date.fromisoformat(given)
        except ValueError:
            pass
    return dt.date.today()


def after_publishing(res, period, on: dt.date) -> list[str]:
    """The lines after a successful publication: dates already past, errors left elsewhere."""
    lines = []
    dated = past_dates(res.rulebook, period, on)
    if dated:
        lines.append(dated)
    others = guard.other_errors(res, period)
    if others:
        lines.append(f"{period.title}已发布；其他期间仍有“错误”需要处理（不影响本次发布，见 校验报告.xlsx）："
                     + "、".join(f"{title} {n} 项" for title, n in others) + "。")
    return lines


def past_dates(rulebook, period, on: dt.date) -> str:
    """One line when the notice's default 发文日期 or its 申辩截止日期 is before `on` ("" if not).

    The defaults (period end + 10 days, + 7 more) keep outputs independent of the day they are
    made; a quarter published months late then carries dates long past."""
    entry = rulebook.notices.get(period.key, {})
    dates = notice_dates(rulebook, period.key, normalize.month_end(period.months[-1]))
    issued_default = not entry.get("发文日期")
    late_issue = issued_default and dates["发文日期"] < on
    late_deadline = dates["申辩截止日期"] < on
    if not (late_issue or late_deadline):
        return ""
    late = []
    if late_issue:
        late.append(f"发文日期{normalize.cn_date(dates['发文日期'])}（默认：期末后第 10 天）")
    if late_deadline:
        late.append(f"申辩截止日期{normalize.cn_date(dates['申辩截止日期'])}")
    return (f"注意：{period.title}通报的{'和'.join(late)}已早于今天（{normalize.cn_date(on)}）；"
            f"打印前请在 rulebook.xlsx 的“通报设置”表中为 {period.key} 填写发文日期和申辩截止日期，"
            f"然后再运行一次 {guard.launcher('publish', period.key)}（通报改用新的日期，归档为新的一次发布）。")
