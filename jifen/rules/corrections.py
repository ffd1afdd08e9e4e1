"""更正说明 (pure): what changed in a published period since its latest archived snapshot."""

from __future__ import annotations

import pandas as pd

from jifen import normalize
from jifen.rules import checks

COLUMNS = ["干部编号", "姓名", "单位", "排名分组", "事项ID", "项目代码", "原分值", "新分值", "原积分", "新积分",
           "原名次", "新名次", "原等次", "新等次", "原因"]


def snapshot(res, period) -> dict:
    """The machine-readable record archived on publishing: counted items, scores, ranks, bands."""
    scored = res.scored
    part = scored[scored["month"].isin(period.months)] if not scored.empty else scored
    items = [{"item_id": r["item_id"], "cadre_id": r["cadre_id"], "month": r["month"], "code": r["code"],
              "value": float(r["value"]), "counted": float(r["contribution"])}
             for r in part.sort_values("item_id").to_dict("records")]
    ranks = res.ranks[res.ranks["period"] == period.key].sort_values("cadre_id")
    rows = [{"cadre_id": r["cadre_id"], "name": r["name"], "unit": r["unit"], "group": r["group"],
             "score": float(r["score"]), "base": float(r["base"]), "bonus": float(r["bonus"]),
             "penalty": float(r["penalty"]), "ranked": bool(r["ranked"]),
             "rank": None if pd.isna(r["rank"]) else int(r["rank"]), "band": r["band"], "note": r["note"]}
            for r in ranks.to_dict("records")]
    return {"period": period.key, "title": period.title, "rulebook_sha256": res.rulebook.sha256,
            "items": items, "ranks": rows}


def _reason(item) -> str:
    if item is None:
        return "事项撤回或不再计分"
    if item["decision"]:
        kind = "申辩复核" if item["decision"].startswith("申辩复核") else "审核"
        if item["status"] == checks.REJECTED_BY_REVIEW:
            return f"{kind}：不予计分（{item['reject_reason']}）"
        if item["review_value"] == item["review_value"]:
            return f"{kind}：调整为{item['review_value']:g}分"
        return f"{kind}：通过"
    if item["status"] != checks.COUNTED:
        return f"事项现为“{item['status']}”"
    return "新增事项" if item["source"] == "申报" else "组织部登记表更正或补登"


def _knock_on(item, rulebook) -> str:
    """Why an item whose own value did not change counts differently now: the rule that shares
    a cap (base sub-item) or a matter (同一事项) between it and an item that did change."""
    if item is not None and item.get("kind") == "base":
        cap = rulebook.items["cap"].get(item["code"]) if rulebook is not None else None
        limit = f"每期扣分上限{cap:g}分" if cap == cap and cap is not None else "扣分上限"
        return f"子项{item['code']}{limit}：同一子项其他事项更正后，本事项计入的扣分随之变化"
    if item is not None and item.get("matter"):
        return f"同一事项（{item['matter']}）按最高分值计一次：该事项其他行更正后，本行计入的分数随之变化"
    return "同一子项或同一事项的其他事项更正后，本事项计入的分数随之变化"


FIGURES = ("score", "base", "bonus", "penalty")     # a cadre's published figures besides rank and band


def compare(snap: dict, res, period) -> pd.DataFrame:
    """One row per changed item of a cadre whose published figures changed, and one per cadre
    whose rank or band moved without a change of their own.

    A correction row stands for a change in a published figure: an item counted differently
    whose cadre's period figures stay the same (an appeal blunted by the sub-item cap, an
    allocation moving between two items under it) is no correction, and gives no row."""
    now = snapshot(res, period)
    old_items = {i["item_id"]: i for i in snap["items"]}
    new_items = {i["item_id"]: i for i in now["items"]}
    old_ranks = {r["cadre_id"]: r for r in snap["ranks"]}
    new_ranks = {r["cadre_id"]: r for r in now["ranks"]}
    items = res.items.set_index("item_id", drop=False) if res.items is not None else pd.DataFrame()
    rulebook = getattr(res, "rulebook", None)

    def figures(r):
        return None if r is None else tuple(r.get(k) for k in FIGURES)

    moved = {cid for cid in set(old_ranks) | set(new_ranks)
             if figures(old_ranks.get(cid)) != figures(new_ranks.get(cid))}
    rows = []
    touched = set()
    for iid in sorted(set(old_items) | set(new_items)):
        o, n = old_items.get(iid), new_items.get(iid)
        if o and n and o["counted"] == n["counted"]:
            continue
        cid = (n or o)["cadre_id"]
        if cid not in moved:
            continue
        touched.add(cid)
        cur = items.loc[iid].to_dict() if iid in items.index and not isinstance(items.loc[iid], pd.DataFrame) else None
        if o and n and o.get("value") == n.get("value"):
            reason = _knock_on(cur, rulebook)
        else:
            reason = _reason(cur if n or (cur and cur["status"] != checks.COUNTED) else None)
        rows.append(_row(cid, old_ranks.get(cid), new_ranks.get(cid), iid, (n or o)["code"],
                         o["counted"] if o else None, n["counted"] if n else None, reason))
    for cid in sorted(set(old_ranks) | set(new_ranks)):
        if cid in touched:
            continue
        o, n = old_ranks.get(cid), new_ranks.get(cid)
        if o and n and (o["score"], o["rank"], o["band"]) == (n["score"], n["rank"], n["band"]) and cid not in moved:
            continue
        rows.append(_row(cid, o, n, "", "", None, None,
                         "他人积分更正引起名次或等次变化" if cid not in moved else "名册或计分变化"))
    return pd.DataFrame(rows, columns=COLUMNS)


def _row(cid, o, n, iid, code, old_v, new_v, reason) -> dict:
    ref = n or o or {}
    return {"干部编号": cid, "姓名": ref.get("name", ""), "单位": ref.get("unit", ""), "排名分组": ref.get("group", ""),
            "事项ID": iid, "项目代码": code, "原分值": normalize.shown(old_v), "新分值": normalize.shown(new_v),
            "原积分": normalize.shown(o["score"]) if o else None, "新积分": normalize.shown(n["score"]) if n else None,
            "原名次": o["rank"] if o else None, "新名次": n["rank"] if n else None,
            "原等次": o["band"] if o else "", "新等次": n["band"] if n else "", "原因": reason}


def notice_lines(df: pd.DataFrame, public_groups) -> list[str]:
    """Sentences for the re-issued public notice: public groups only, no 干部编号."""
    lines = []
    for _cid, g in df[df["排名分组"].isin(public_groups)].groupby("干部编号", sort=True):
        first = g.iloc[0]
        parts = [f"{first['姓名']}（{first['单位']}）"]
        reasons = "、".join(dict.fromkeys(r for r in g["原因"] if r))
        if reasons:
            parts.append(f"因{reasons}")
        change = []
        if first["原积分"] != first["新积分"]:
            change.append(f"积分由{_fmt(first['原积分'])}分更正为{_fmt(first['新积分'])}分")
        if first["原名次"] != first["新名次"]:
            change.append(f"名次由第{_fmt(first['原名次'])}名更正为第{_fmt(first['新名次'])}名")
        if first["原等次"] != first["新等次"]:
            change.append(f"等次由“{first['原等次'] or '无'}”更正为“{first['新等次'] or '无'}”")
        if change:
            lines.append("，".join(parts) + "，" + "，".join(change) + "。")
    return lines


def _fmt(v) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return "—"
    return f"{v:g}" if isinstance(v, float) else str(v)
