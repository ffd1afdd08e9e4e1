"""From parsed records to scores and ranks: roster → checks → review decisions → scores →
ranks. Pure (no file is read or written), so the run, `verify`, `compare` and the
recomputation of published periods under their archived rulebook all share it."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from jifen.files import safe_filename
from jifen.problems import error
from jifen.progress import Progress
from jifen.readers import inputs
from jifen.rulebook import Rulebook
from jifen.rules import cadres, checks, evidence, filechecks, lost_files, ranking, reviews, scoring
from jifen.rules.periods import build_periods
from jifen.timing import Clock


@dataclass(frozen=True)
class Checked:
    """Every declared item with its status after the checks and the review decisions."""
    declarations: list
    roster: pd.DataFrame
    items: pd.DataFrame
    audit: pd.DataFrame               # every decision read, with its outcome
    standing: dict                    # item id → the decision it rests on
    evidence_owner: dict              # evidence path → its declaration file
    data_months: set                  # months some declaration or register row is for
    problems: list
    fatal: list


@dataclass(frozen=True)
class Computed:
    """A run's figures under one rulebook."""
    rulebook: Rulebook
    declarations: list
    roster: pd.DataFrame
    items: pd.DataFrame
    audit: pd.DataFrame
    standing: dict
    evidence_owner: dict
    scored: pd.DataFrame              # counted items with their contribution after the caps
    periods: list
    scores: pd.DataFrame              # per cadre and period
    ranks: pd.DataFrame               # per cadre, quarter and year
    problems: list = field(default_factory=list)
    fatal: list = field(default_factory=list)


def compute(parsed: list, skipped: list, rulebook: Rulebook, clock: Clock | None = None,
            progress: bool = False) -> Computed:
    """The figures of `parsed` under `rulebook`; `skipped` are the non-workbook files that
    may be evidence. With `progress`, a line on the terminal when it can take seconds."""
    clock = clock or Clock()
    n_items = sum(len(p.items) for p in parsed)
    # three steps: a line on the terminal only when they can take seconds (large counties)
    with Progress("校验、审核结论、计分、排名", 3, min_total=1 if progress and n_items >= 20000 else 5) as bar:
        with clock("校验与审核结论"):
            checked = check(parsed, skipped, rulebook)
        bar.update()
        with clock("计分"):
            scored, periods, scores = score(checked.items, checked.data_months, rulebook)
        bar.update()
        with clock("排名"):
            ranks = rank(periods, scores, checked.roster, rulebook)
        bar.update()
    return Computed(rulebook, checked.declarations, checked.roster, checked.items, checked.audit,
                    checked.standing, checked.evidence_owner, scored, periods, scores, ranks,
                    checked.problems, checked.fatal)


def check(parsed: list, skipped: list, rulebook: Rulebook) -> Checked:
    """Roster, declarations and items checked against the rulebook, then the review decisions."""
    found, fatal = [], []
    declarations = [d for p in parsed for d in p.declarations]
    roster, more = cadres.build_roster([r for p in parsed for r in p.roster])
    found += more
    if roster.empty:
        fatal.append("没有读到干部名册（工作表“干部名册”，表头含 干部编号、姓名、干部类别）")
        found.append(error("roster-missing", "input 文件夹中没有可用的干部名册，无法计分和排名",
                              "请把干部名册（含 干部编号、姓名、单位、职务、干部类别 列）放入 input 文件夹。"))
    found += checks.check_template_versions(declarations, rulebook)
    misfiled, more = filechecks.check_declaration_months(declarations)
    found += more
    dropped, more = checks.check_duplicate_declarations([d for d in declarations if d["key"] not in misfiled])
    found += more
    items = checks.prepare_items([i for p in parsed for i in p.items], rulebook)
    owner, more = link_evidence(items, declarations, skipped)
    found += more
    names = roster.groupby("name")["cadre_id"].agg(set).to_dict() if not roster.empty else {}
    found += lost_files.check_lost_declarations(
        skipped, owner, [p.info.path for p in parsed], {(d["cadre_id"], d["month"]) for d in declarations},
        names, (inputs.NOT_WORKBOOK, inputs.UNATTACHED))
    for keys, reason in ((dropped, "同一干部同一月份有多份申报表"),
                         (misfiled, "申报月份与文件名、文件夹或申报模板中的月份不一致")):
        if keys:
            held = items["decl"].isin(keys)
            items.loc[held, "status"] = checks.INVALID
            items.loc[held, "reason"] = reason
    if not roster.empty:
        found += checks.validate_items(items, rulebook, roster, {d["key"]: d.get("unit", "") for d in declarations})
    else:
        items.loc[items["status"] == "", ["status", "reason"]] = [checks.INVALID, "没有干部名册"]
    checks.mark_valid(items, rulebook.params["申报需审核"])
    if not items.empty:
        evidence.place_pictures(items, safe_filename)
    decisions, more = reviews.match_decisions([d for p in parsed for d in p.reviews], items)
    found += more
    standing, audit, more = reviews.resolve_decisions(decisions)
    found += more
    found += reviews.apply_decisions(items, standing, rulebook.params["申报需审核"])
    rule_value = scoring.row_value(items["points"], items["qty"])
    items["rule_value"] = rule_value
    items["value"] = items["review_value"].where(items["review_value"].notna(), rule_value)
    # a misfiled declaration's month makes no period exist (no year nobody declared)
    data_months = {d["month"] for d in declarations if d["month"] and d["key"] not in misfiled} | {
        m for m in items.loc[items["source"] == "登记", "month"] if m}
    return Checked(declarations, roster, items, reviews.audit_frame(audit), standing, owner, data_months,
                   found, fatal)


def link_evidence(items: pd.DataFrame, declarations: list, skipped: list) -> tuple[dict, list]:
    """Handed-in files and pasted pictures → each item's attachments (paths only);
    → (evidence path → its declaration file, problems)."""
    candidates = [f.path for f in skipped if f.note in (inputs.NOT_WORKBOOK, inputs.UNATTACHED)]
    files, owner, problems = evidence.declaration_files(declarations, candidates)
    if not items.empty:
        items["attachments"], more = evidence.assign(
            items, files, {d["key"]: d.get("pictures", []) for d in declarations},
            {d["key"]: d["file"] for d in declarations})
        problems += more
    return owner, problems


def score(items: pd.DataFrame, data_months: set, rulebook: Rulebook) -> tuple[pd.DataFrame, list, pd.DataFrame]:
    """Counted items → (their contribution after the caps, the periods, scores per period).

    Every year present is computed (earlier years feed the consequences); --year only
    restricts which years get outputs."""
    scored = scoring.score_items(items[items["status"] == checks.COUNTED], rulebook)
    periods = build_periods(data_months, sorted({int(m[:4]) for m in data_months}))
    return scored, periods, scoring.period_scores(scored, periods, rulebook)


def rank(periods: list, scores: pd.DataFrame, roster: pd.DataFrame, rulebook: Rulebook) -> pd.DataFrame:
    """Every quarter and year ranked (no roster, no ranks)."""
    ranked = [ranking.rank_period(p, scores, roster, rulebook)
              for p in periods if p.kind in ("quarter", "year") and not roster.empty]
    return pd.concat(ranked, ignore_index=True) if ranked else pd.DataFrame(columns=ranking.RANK_COLUMNS)
