"""个人积分告知单 content (pure): one page per cadre and complete quarter or year.

Everything shown is read from the run's computed results: the totals from the period's ranking
row (the figures of the ledgers and the notices), the parts from the scored items behind them
(base deductions per sub-item against its cap, bonus and penalty items per code with what the
same-matter rule or a cap removed). When the parts do not add up to the totals (a published
period recomputed with its archived rules) the page shows the totals alone rather than parts
that disagree. A page holds one cadre's data and nothing of anyone else's.
"""

from __future__ import annotations

import pandas as pd

from jifen import normalize
from jifen.rulebook import notice_dates

KIND_CN = {"base": "基础扣分", "bonus": "奖励加分", "penalty": "惩戒扣分"}
NAME_CHARS = 15            # item names longer than this are shortened (the ledger has them whole)


def _n(v) -> str:
    f = float(v)
    return str(int(f)) if f.is_integer() else f"{round(f, 4):g}"


def _short(name: str) -> str:
    return name if len(name) <= NAME_CHARS else name[:NAME_CHARS - 1] + "…"


def rows_by_cadre(scored: pd.DataFrame, months) -> dict[str, list[dict]]:
    """The counted items of a period, grouped by cadre (plain dicts, in month order)."""
    part = scored[scored["month"].isin(months)] if not scored.empty else scored
    cols = ["cadre_id", "month", "code", "kind", "value", "contribution", "why"]
    out: dict[str, list[dict]] = {}
    if part.empty:
        return out
    part = part.sort_values(["cadre_id", "month", "code"], kind="stable")
    for rec in zip(*(part[c].tolist() for c in cols)):
        row = dict(zip(cols, rec))
        out.setdefault(row["cadre_id"], []).append(row)
    return out


def score_parts(rows: list[dict], items: dict, params: dict) -> list[dict]:
    """Table rows: base sub-items (deducted, cap), then bonus and penalty items per code."""
    out = []
    base: dict[str, list] = {}
    other: dict[tuple, list] = {}
    for r in rows:
        if r["kind"] == "base":
            base.setdefault(r["code"], []).append(r)
        else:
            other.setdefault((r["kind"], r["code"]), []).append(r)
    for code in sorted(base):
        recorded = round(sum(r["value"] for r in base[code]), 4)
        cap = items.get(code, {}).get("cap")
        counted = recorded if cap is None else min(recorded, float(cap))
        note = f"超过子项上限 {_n(cap)} 分" if counted < recorded else ""
        out.append({"kind": KIND_CN["base"], "item": f"{code} {_short(items.get(code, {}).get('name', ''))}",
                    "n": str(len(base[code])), "recorded": _n(recorded), "counted": _n(counted),
                    "removed": _n(recorded - counted) if counted < recorded else "", "note": note, "_v": counted})
    bonus_total = 0.0
    for kind in ("bonus", "penalty"):
        for (k, code) in sorted(c for c in other if c[0] == kind):
            rs = other[(k, code)]
            recorded = round(sum(r["value"] for r in rs), 4)
            counted = round(sum(r["contribution"] for r in rs), 4)
            reasons = list(dict.fromkeys(w for r in rs for w in (r["why"] or "").split("；") if w))
            if kind == "bonus":
                bonus_total += counted
            out.append({"kind": KIND_CN[kind], "item": f"{code} {_short(items.get(code, {}).get('name', ''))}",
                        "n": str(len(rs)), "recorded": _n(recorded), "counted": _n(counted),
                        "removed": _n(recorded - counted) if counted < recorded else "",
                        "note": "；".join(reasons), "_v": counted})
    cap = params.get("加分总上限")
    if cap is not None and bonus_total > float(cap):
        out.append({"kind": KIND_CN["bonus"], "item": "加分合计", "n": "", "recorded": _n(bonus_total),
                    "counted": _n(float(cap)), "removed": _n(bonus_total - float(cap)),
                    "note": f"超过加分总上限 {_n(cap)} 分", "_v": float(cap) - bonus_total})
    return out


def _adds_up(parts: list[dict], rank: dict) -> bool:
    total = {k: 0.0 for k in KIND_CN.values()}
    for p in parts:
        total[p["kind"]] += p["_v"]
    return all(abs(total[KIND_CN[k]] - float(rank[col])) < 1e-6
               for k, col in (("base", "deduction"), ("bonus", "bonus"), ("penalty", "penalty")))


def letter(rank: dict, rows: list[dict], group_size: int, warnings: list[str], items: dict, params: dict,
           base_score: float, title: str, appeal: str) -> dict:
    """One cadre's page: `rank` is the cadre's ranking row of the period, `rows` their counted
    items of the period, `group_size` the number ranked in their group."""
    parts = score_parts(rows, items, params)
    if not _adds_up(parts, rank):
        parts = [{"kind": KIND_CN[k], "item": "合计（按该期间发布时的积分规则计算）", "n": "", "recorded": "",
                  "counted": _n(rank[col]), "removed": "", "note": ""}
                 for k, col in (("base", "deduction"), ("bonus", "bonus"), ("penalty", "penalty")) if rank[col]]
    for p in parts:
        p.pop("_v", None)
    score_line = (f"{title}积分 {_n(rank['score'])} 分 = 基础分 {_n(rank['base'])} 分（{_n(base_score)} 分扣减 "
                  f"{_n(rank['deduction'])} 分）+ 奖励加分 {_n(rank['bonus'])} 分 − 惩戒扣分 {_n(rank['penalty'])} 分。")
    if rank["ranked"] and not pd.isna(rank["rank"]):
        band = rank["band"] or "无（未列入先进或末位）"
        rank_line = f"在{rank['group']}中排第 {int(rank['rank'])} 名（共 {group_size} 人），等次：{band}。"
        if rank["note"]:
            rank_line += f"（{rank['note']}）"
    else:
        rank_line = f"未参加本期排名：{rank['note'] or '不符合排名条件'}。"
    return {"cadre_id": rank["cadre_id"], "name": rank["name"], "unit": rank["unit"] or "", "post": rank["post"] or "",
            "group": rank["group"], "score": _n(rank["score"]), "score_line": score_line, "parts": parts,
            "no_parts": "本期没有计分事项，积分为基础分。", "rank_line": rank_line, "warnings": list(warnings),
            "appeal": appeal}


def period_index(period, ranks: pd.DataFrame, scored: pd.DataFrame, warnings: pd.DataFrame | None,
                 rulebook) -> dict:
    """What the pages of one complete period are made from, grouped by unit and by cadre (built
    once per period; the pages of a unit are then cheap)."""
    pr = ranks[ranks["period"] == period.key]
    cols = list(pr.columns)
    by_unit: dict[str, list[dict]] = {}
    for values in pr.to_numpy(dtype=object).tolist():
        rank = dict(zip(cols, values))
        by_unit.setdefault(rank["unit"] or "未填单位", []).append(rank)
    for people in by_unit.values():
        people.sort(key=lambda r: r["cadre_id"])
    warned: dict[str, list[str]] = {}
    if warnings is not None:
        for cid, why in zip(warnings["干部编号"], warnings["依据"]):
            warned.setdefault(cid, []).append(why)
    dates = notice_dates(rulebook, period.key, normalize.month_end(period.months[-1]))
    return {"by_unit": by_unit, "rows": rows_by_cadre(scored, period.months), "warned": warned,
            "sizes": pr[pr["ranked"].astype(bool)].groupby("group").size().to_dict(),
            "items": rulebook.items[["name", "cap", "kind"]].to_dict("index"),
            "appeal": (f"如对以上积分或排名有异议，请于{normalize.cn_date(dates['申辩截止日期'])}前{dates['申辩途径']}。"
                       "逾期未提出的，视为无异议。"),
            "title": "本季度" if period.kind == "quarter" else "本年度"}


def index_part(index: dict, units: list) -> dict:
    """The part of a period index the pages of `units` are made from."""
    by_unit = {u: index["by_unit"][u] for u in units if u in index["by_unit"]}
    ids = [rank["cadre_id"] for people in by_unit.values() for rank in people]
    return {**index, "by_unit": by_unit,
            "rows": {c: index["rows"][c] for c in ids if c in index["rows"]},
            "warned": {c: index["warned"][c] for c in ids if c in index["warned"]}}


def unit_pages(index: dict, unit: str, rulebook) -> list[dict]:
    """The pages of one unit's cadres, by 干部编号."""
    return [letter(rank, index["rows"].get(rank["cadre_id"], []), index["sizes"].get(rank["group"], 0),
                   index["warned"].get(rank["cadre_id"], []), index["items"], rulebook.params,
                   float(rulebook.base_score), index["title"], index["appeal"])
            for rank in index["by_unit"].get(unit, [])]


def period_letters(period, ranks: pd.DataFrame, scored: pd.DataFrame, warnings: pd.DataFrame | None,
                   rulebook) -> dict[str, list[dict]]:
    """unit → the pages of its cadres (by 干部编号) for one complete period."""
    index = period_index(period, ranks, scored, warnings, rulebook)
    return {unit: unit_pages(index, unit, rulebook) for unit in index["by_unit"]}


def context(period, rulebook, pages: list[dict]) -> dict:
    """The Word template's variables for one unit's file."""
    county = rulebook.params["县名"]
    dates = notice_dates(rulebook, period.key, normalize.month_end(period.months[-1]))
    return {"period_title": period.title, "county": county, "org": f"中共{county}县委组织部",
            "date": normalize.cn_date(dates["发文日期"]),
            "plan": f"《{county}县科级领导干部及后备干部日常积分管理制度实施方案》", "cadres": pages}
