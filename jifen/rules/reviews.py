"""Review decisions: settle which decision stands for each item and apply it (pure).

The latest 审核日期 per 事项ID wins; identical repeats are one decision; two different
decisions on the same date are an error and neither is applied; a 申辩复核 must be dated
after the decision it replaces. A decision is matched to its item by 事项ID and 指纹; when
the 序号 moved, the 指纹 finds the item among the same cadre's items of that month.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from jifen import frames
from jifen.problems import Problem, error, warning
from jifen.rules import checks

CONCLUSIONS = ("通过", "不通过", "调整")
REJECT_REASONS = ("佐证不足", "不符合加分条件", "重复申报", "弄虚作假", "其他")
TYPES = ("初审", "申辩复核")
FRAUD = "弄虚作假"

_ID_PREFIX = re.compile(r"^(.+?)-(\d{4}-\d{2})-")

AUDIT_COLUMNS = ["item_id", "matched_id", "cadre_id", "conclusion", "value", "reject_reason", "opinion",
                 "first_opinion", "reviewer", "date", "type", "file", "sheet", "row", "outcome"]


def _where(d, field=None):
    col = d["cols"].get(field) if field else None
    return {"file": d["file"], "sheet": d["sheet"], "cell": f"{col}{d['row']}" if col else f"第{d['row']}行",
            "row": d["row"], "cadre_id": d.get("cadre_id", "")}


def _signature(d) -> tuple:
    value = None if d["value"] is None else float(d["value"])
    return (d["conclusion"], value, d["reject_reason"], d["opinion"], d["type"], d["date"])


def check_decision(d) -> Problem | None:
    """A decision row that cannot be applied as written."""
    if d["conclusion"] not in CONCLUSIONS:
        return error("review-bad-conclusion", f"审核结论“{d['conclusion']}”无法识别，未采用",
                        "审核结论只能填“通过”“不通过”或“调整”。", **_where(d, "审核结论"))
    if d["type"] not in TYPES:
        return error("review-bad-type", f"类型“{d['type']}”无法识别，未采用", "类型只能填“初审”或“申辩复核”。",
                        **_where(d, "类型"))
    if d["date"] is None:
        msg = "审核日期为空" if not d["date_raw"] else f"审核日期“{d['date_raw']}”无法识别"
        return error("review-missing-date", msg + "，未采用", "请填写审核日期，如 2026-04-08。",
                        **_where(d, "审核日期"))
    if d["conclusion"] == "调整":
        if d["value"] is None or d["value"] < 0:
            return error("review-adjust-value", "结论为“调整”但审核分值为空或不是非负数，未采用",
                            "调整时请填写审核分值（该行应计的分数，扣分也填正数）。", **_where(d, "审核分值"))
        if not d["opinion"]:
            return error("review-adjust-opinion", "结论为“调整”但没有填写审核意见，未采用",
                            "调整时请在“审核意见”中写明调整理由。", **_where(d, "审核意见"))
    if d["conclusion"] == "不通过" and d["reject_reason"] not in REJECT_REASONS:
        msg = "没有填写不通过原因" if not d["reject_reason"] else f"不通过原因“{d['reject_reason']}”无法识别"
        return error("review-reject-reason", f"结论为“不通过”但{msg}，未采用",
                        "请从下拉列表选择不通过原因：" + "、".join(REJECT_REASONS) + "。", **_where(d, "不通过原因"))
    return None


def match_decisions(decisions: list[dict], items: pd.DataFrame) -> tuple[list[dict], list[Problem]]:
    """Attach each decision to an item (`matched_id`), or report why it cannot be."""
    problems = []
    by_id = dict(zip(*frames.columns(items, "item_id", "fingerprint"))) if not items.empty else {}
    by_print: dict[tuple, list[str]] = {}
    for iid, cid, month, fp in zip(*frames.columns(items, "item_id", "cadre_id", "month", "fingerprint")):
        by_print.setdefault((cid, month, fp), []).append(iid)
    matched = []
    for d in decisions:
        d = dict(d)
        d["matched_id"] = ""
        fp_now = by_id.get(d["item_id"])
        if fp_now is not None and (not d["fingerprint"] or fp_now == d["fingerprint"]):
            d["matched_id"] = d["item_id"]
        else:
            m = _ID_PREFIX.match(d["item_id"])            # 干部编号-YYYY-MM[-续n]-序号
            cid, month = (m.group(1), m.group(2)) if m else ("", "")
            moved = by_print.get((cid, month, d["fingerprint"]), []) if d["fingerprint"] else []
            if len(moved) == 1:
                d["matched_id"] = moved[0]
            elif fp_now is not None:
                d["outcome"] = "未采用：事项在审核后被修改"
                problems.append(error(
                    "review-item-changed", f"事项 {d['item_id']} 在审核后被修改（指纹不符），该审核结论未采用",
                    "请在新生成的待审核清单中重新审核该事项。", **_where(d, "事项ID")))
            else:
                d["outcome"] = "未采用：找不到该事项"
                problems.append(warning(
                    "review-unknown-item", f"找不到事项 {d['item_id']}（可能已被删除或移出 input），该审核结论未采用",
                    "如该事项确已撤回，可删除此行。", **_where(d, "事项ID")))
        matched.append(d)
    return matched, problems


def resolve_decisions(decisions: list[dict]) -> tuple[dict, list[dict], list[Problem]]:
    """→ (item id → standing decision, every decision with its outcome, problems)."""
    problems, audit = [], []
    groups: dict[str, list[dict]] = {}
    for d in decisions:
        if d.get("outcome"):
            audit.append(d)
            continue
        bad = check_decision(d)
        if bad:
            problems.append(bad)
            audit.append({**d, "outcome": "未采用：" + bad.message.split("，")[0]})
            continue
        groups.setdefault(d["matched_id"], []).append(d)
    standing = {}
    for iid, group in list(groups.items()):
        # an appeal must come after the decision it replaces: set aside any 申辩复核 dated on
        # or before a 初审 of the same item (it would otherwise win or clash by date order)
        firsts = [d["date"] for d in group if d["type"] == "初审"]
        late = max(firsts) if firsts else None
        kept = []
        for d in group:
            if d["type"] == "申辩复核" and late is not None and d["date"] <= late:
                audit.append({**d, "outcome": "未采用：申辩复核日期不晚于原结论"})
                problems.append(error(
                    "review-appeal-date", f"事项 {iid} 的申辩复核日期 {d['date']:%Y-%m-%d} 不晚于原审核结论的日期，未采用",
                    "申辩复核请填写复核当天的日期（须晚于原审核日期）。", **_where(d, "审核日期")))
            else:
                kept.append(d)
        groups[iid] = kept
    for iid, group in groups.items():
        # identical repeats credit the list where the decision was made, not the program's
        # echo of it in a later copy's 已审核事项 sheet
        group = sorted(group, key=lambda d: (d["date"] or dt.date.min, d["sheet"] == "已审核事项", d["file"],
                                             d["row"]))
        current, current_audit = None, None
        by_date: dict = {}
        for d in group:
            by_date.setdefault(d["date"], []).append(d)   # keeps the preference order above
        for date in sorted(by_date):
            same_day = by_date[date]
            distinct = {_signature(d) for d in same_day}
            if len(distinct) > 1:
                places = "、".join(f"{d['file']} 第{d['row']}行" for d in same_day)
                for d in same_day:
                    audit.append({**d, "outcome": "未采用：同一日期有不同结论"})
                problems.append(error(
                    "review-conflict", f"事项 {iid} 在 {date:%Y-%m-%d} 有不同的审核结论（{places}），都未采用",
                    "同一事项同一天只能有一个结论；请删除错误的一行，或把更正的结论填写更晚的审核日期。",
                    **_where(same_day[-1], "审核结论")))
                continue
            d = same_day[0]
            if d["type"] == "申辩复核" and current is not None and not (d["date"] > current["date"]):
                for x in same_day:
                    audit.append({**x, "outcome": "未采用：申辩复核日期不晚于原结论"})
                problems.append(error(
                    "review-appeal-date", f"事项 {iid} 的申辩复核日期 {date:%Y-%m-%d} 不晚于原审核结论的日期，未采用",
                    "申辩复核请填写复核当天的日期（须晚于原审核日期）。", **_where(d, "审核日期")))
                continue
            if current is not None:
                current_audit["outcome"] = "已被更晚的结论取代"
                d = {**d, "previous": current}
            current = d
            current_audit = {**d, "outcome": "采用"}
            audit.append(current_audit)
            for x in same_day[1:]:
                audit.append({**x, "outcome": "与采用的结论相同（重复）"})
        if current is not None:
            standing[iid] = current
    return standing, audit, problems


def apply_decisions(items: pd.DataFrame, standing: dict, review_required: bool) -> list[Problem]:
    """Set status and value from the standing decisions (items changed in place, column-wise)."""
    problems = []
    n = len(items)
    decision, review_value, reject = [""] * n, [float("nan")] * n, [""] * n
    status, reason = list(items["status"]), list(items["reason"])
    valid_ids = set(items.loc[items["status"] != checks.INVALID, "item_id"])
    for i, iid in enumerate(items["item_id"]):
        d = standing.get(iid)
        if d is None:
            continue
        if status[i] == checks.INVALID:
            if iid not in valid_ids:   # else a held-back copy of an item whose valid copy takes it
                problems.append(warning(
                    "review-on-invalid-item", f"事项 {iid} 校验未通过（{reason[i]}），审核结论未采用",
                    "请先按校验报告改正该事项。", **_where(d, "审核结论")))
            continue
        decision[i] = (f"{d['type']}{d['conclusion']}（{d['reviewer'] or '未署名'}，{d['date']:%Y-%m-%d}，"
                       f"{d['file']} 第{d['row']}行）")
        if d["conclusion"] == "不通过":
            status[i] = checks.REJECTED_BY_REVIEW
            reject[i] = d["reject_reason"]
            reason[i] = f"审核不通过：{d['reject_reason']}" + (f"（{d['opinion']}）" if d["opinion"] else "")
        else:
            status[i] = checks.COUNTED
            reason[i] = ""
            if d["conclusion"] == "调整":
                review_value[i] = float(d["value"])
                reason[i] = f"审核调整为 {float(d['value']):g} 分：{d['opinion']}"
    items["status"], items["reason"] = pd.Series(status, index=items.index, dtype=object), pd.Series(
        reason, index=items.index, dtype=object)
    items["decision"] = pd.Series(decision, index=items.index, dtype=object)
    items["review_value"] = pd.Series(review_value, index=items.index, dtype="float64")
    items["reject_reason"] = pd.Series(reject, index=items.index, dtype=object)
    return problems


def audit_frame(audit: list[dict]) -> pd.DataFrame:
    rows = [{k: d.get(k, "") for k in AUDIT_COLUMNS} for d in audit]
    df = pd.DataFrame(rows, columns=AUDIT_COLUMNS)
    if not df.empty:
        df = df.sort_values(["item_id", "date", "file", "row"], kind="stable", na_position="first")
    return df.reset_index(drop=True)


LIST_COLUMNS = ["单位", "事项ID", "指纹", "干部编号", "姓名", "月份", "序号", "项目代码", "项目名称", "事项说明",
                "同一事项标识", "发生日期", "数量", "规则分值", "佐证材料", "校验提示", "可疑提示", "来源文件", "初评意见", "审核结论",
                "审核分值", "不通过原因", "审核意见", "审核人", "审核日期", "类型"]
DECIDED_EXTRA = ["当前状态", "计分分值"]


def item_warnings(problems) -> dict:
    """(file, row) → the warnings a reviewer should see beside the item."""
    out: dict[tuple, list[str]] = {}
    for p in problems:
        if not p.is_error and p.row:
            out.setdefault((p.file, p.row), []).append(p.message)
    return out


def review_frames(items: pd.DataFrame, standing: dict, roster, rulebook, warnings: dict,
                  year: int, hints: dict | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The review list's two sheets for one year: awaiting a decision, and decided/registered.
    `hints`: 事项ID → 可疑提示 text (suspicious.hints_by_item)."""
    from jifen import normalize
    from jifen.rules import cadres, evidence

    hints = hints or {}
    needs = rulebook.items["needs_evidence"]
    part = items[(items["year"] == year) & (items["status"] != checks.INVALID)].copy()
    if part.empty:
        empty = pd.DataFrame(columns=LIST_COLUMNS)
        return empty, pd.DataFrame(columns=LIST_COLUMNS + DECIDED_EXTRA)
    units = {}
    for month in sorted(part["month"].dropna().unique()):
        on = cadres.as_of(roster, normalize.month_end(month))
        units[month] = on["unit"].to_dict()
    names = rulebook.items["name"]

    def frame(df: pd.DataFrame, with_decision: bool) -> pd.DataFrame:
        # built column by column: a province's year has ~200,000 rows, and a dict per row
        # cost more time and memory than the table itself
        (item_id, fingerprint, cadre_id, name, month, seq, source, code, desc, matter, date, qty, rule_value,
         evidence_, basis, attachments, file, row, status, value) = frames.columns(
            df, "item_id", "fingerprint", "cadre_id", "name", "month", "seq", "source", "code", "desc", "matter",
            "date", "qty", "rule_value", "evidence", "basis", "attachments", "file", "row", "status", "value")
        shown = normalize.shown
        ds = [standing.get(i) for i in item_id] if with_decision else [None] * len(item_id)

        def decided(key):
            return [d[key] if d else "" for d in ds]

        cols = {
            "单位": [units.get(m, {}).get(c, "") for m, c in zip(month, cadre_id)], "事项ID": item_id,
            "指纹": fingerprint, "干部编号": cadre_id, "姓名": name, "月份": month,
            "序号": [q if s == "申报" else None for q, s in zip(seq, source)], "项目代码": code,
            "项目名称": [names.get(c, "") for c in code], "事项说明": desc, "同一事项标识": matter,
            "发生日期": date, "数量": [shown(q) for q in qty], "规则分值": [shown(v) for v in rule_value],
            "佐证材料": [evidence.summary(e or b, a, s == "申报" and bool(needs.get(c, False)))
                     for e, b, a, s, c in zip(evidence_, basis, attachments, source, code)],
            "校验提示": ["；".join(warnings.get((f, r), [])) for f, r in zip(file, row)],
            "可疑提示": [hints.get(i, "") for i in item_id],
            "来源文件": [f"{f} 第{r}行" for f, r in zip(file, row)],
            "初评意见": decided("first_opinion"), "审核结论": decided("conclusion"),
            "审核分值": [shown(d["value"]) if d and d["value"] is not None else None for d in ds],
            "不通过原因": decided("reject_reason"), "审核意见": decided("opinion"), "审核人": decided("reviewer"),
            "审核日期": [d["date"] if d else None for d in ds], "类型": decided("type"),
            "当前状态": [s + ("（登记）" if src == "登记" else "") for s, src in zip(status, source)],
            "计分分值": [shown(v) if s == checks.COUNTED else None for v, s in zip(value, status)],
        }
        # (no rows: object columns, as a frame of no records has)
        out = pd.DataFrame(cols if len(df) else [], columns=LIST_COLUMNS + DECIDED_EXTRA)
        out = cadres.sort_by_unit(out, "单位", roster, then=("干部编号", "月份", "来源文件"))
        return out.reset_index(drop=True)

    pending = frame(part[part["status"] == checks.PENDING], False)[LIST_COLUMNS]
    decided = frame(part[(part["status"] != checks.PENDING) & (
        part["item_id"].isin(standing.keys()) | (part["source"] == "登记"))], True)
    return pending, decided
