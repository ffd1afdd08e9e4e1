"""规则调整影响 (pure): the same inputs under the current and a proposed rulebook, side by side.

Both sides are computed by the pipeline's own functions (`pipeline.compute` and
`pipeline.derive_consequences`), so there is one scoring implementation; this module only lines
the two results up: per cadre and period, per rule item, and who enters or leaves each band and
each 结果运用.
"""

from __future__ import annotations

import hashlib

import pandas as pd

from jifen import normalize
from jifen.rules import consequences, ranking

CADRE_COLUMNS = ["期间", "排名分组", "干部编号", "姓名", "单位", "原积分", "新积分", "积分变化", "原名次", "新名次",
                 "原等次", "新等次", "原结果运用", "新结果运用"]
ITEM_COLUMNS = ["年度", "项目代码", "项目名称", "类别", "原分值", "新分值", "原上限", "新上限", "原计分行数", "新计分行数",
                "原合计", "新合计", "变动", "涉及人数", "说明"]
MOVE_COLUMNS = ["期间", "类别", "变化", "干部编号", "姓名", "单位", "原积分", "新积分", "原名次", "新名次"]
SUMMARY_COLUMNS = ["期间", "类别", "进入人数", "离开人数", "进入人员", "离开人员"]
KIND_CN = {"base": "基础积分", "bonus": "奖励加分", "penalty": "惩戒扣分"}
SIGN = {"base": -1.0, "bonus": 1.0, "penalty": -1.0}
CATEGORIES = [ranking.TOP, ranking.BOTTOM, *consequences.RESULT_ORDER]
MAX_NAMES = 30          # names written into one summary cell; the full list is on 进出名单


def input_fingerprint(files, rulebook_sha: str) -> str:
    """The inputs (path and content of every file) and the current rulebook: a comparison made on
    other inputs is marked as out of date on the overview."""
    h = hashlib.sha256(rulebook_sha.encode())
    for f in sorted(files, key=lambda f: f.path):
        h.update(f"\n{f.path}:{f.sha256}".encode())
    return h.hexdigest()


def _results(props_by_year: dict) -> dict:
    """(period key, 干部编号) → the 结果运用 that fall on that period ('、'-joined, in order)."""
    out: dict[tuple, list] = {}
    for props in props_by_year.values():
        for cid, result, when in zip(props["干部编号"], props["结果"], props["期间"]):
            out.setdefault((str(when), cid), []).append(result)
    return {k: "、".join(sorted(v, key=consequences.RESULT_ORDER.index)) for k, v in out.items()}


def _num(v):
    return None if _blank(v) else normalize.shown(v)


def cadre_frame(old, new) -> pd.DataFrame:
    """Per cadre and ranked period: old and new score, rank, band and 结果运用."""
    keys = ["period", "cadre_id"]
    cols = ["group", "name", "unit", "score", "rank", "band"]
    both = old.ranks[keys + cols].merge(new.ranks[keys + cols], on=keys, how="outer", suffixes=("_o", "_n"))
    order = {p.key: i for i, p in enumerate(sorted(new.periods, key=lambda p: (p.year, p.kind == "year", p.key)))}
    both["_p"] = both["period"].map(order).fillna(len(order))
    both["_g"] = both["group_n"].fillna(both["group_o"])
    both["_r"] = both["rank_n"].astype("Float64").fillna(1e9)
    both = both.sort_values(["_p", "_g", "_r", "cadre_id"], kind="stable")
    r_old, r_new = _results(old.proposals), _results(new.proposals)
    score_o, score_n = both["score_o"].astype(float), both["score_n"].astype(float)
    return pd.DataFrame({
        "期间": both["period"].values, "排名分组": both["_g"].values, "干部编号": both["cadre_id"].values,
        "姓名": both["name_n"].fillna(both["name_o"]).values, "单位": both["unit_n"].fillna(both["unit_o"]).values,
        "原积分": [_num(v) for v in score_o], "新积分": [_num(v) for v in score_n],
        "积分变化": [_num(round(b - a, 4)) for a, b in zip(score_o, score_n)],
        "原名次": [None if pd.isna(v) else int(v) for v in both["rank_o"]],
        "新名次": [None if pd.isna(v) else int(v) for v in both["rank_n"]],
        "原等次": both["band_o"].fillna("").values, "新等次": both["band_n"].fillna("").values,
        "原结果运用": [r_old.get((p, c), "") for p, c in zip(both["period"], both["cadre_id"])],
        "新结果运用": [r_new.get((p, c), "") for p, c in zip(both["period"], both["cadre_id"])],
    }, columns=CADRE_COLUMNS).reset_index(drop=True)


def _item_effects(res) -> pd.DataFrame:
    """(year, code) → counted rows and the points they move a year's score by (signed)."""
    s = res.scored
    if s is None or s.empty:
        return pd.DataFrame(columns=["year", "code", "cadre_id", "rows", "effect"])
    eff = s["contribution"].astype(float) * s["kind"].map(SIGN)
    return (pd.DataFrame({"year": s["year"].astype(int), "code": s["code"], "cadre_id": s["cadre_id"], "effect": eff})
            .groupby(["year", "code", "cadre_id"]).agg(rows=("effect", "size"), effect=("effect", "sum")).reset_index())


def item_frame(old, new) -> pd.DataFrame:
    """Per year and rule item: points and caps, counted rows, and the points moved in total.

    Totals are the items' contributions to annual scores (after the same-matter rule and the
    sub-item caps; a county-wide 加分总上限 applies per cadre, not per item)."""
    eo, en = _item_effects(old), _item_effects(new)
    per = eo.merge(en, on=["year", "code", "cadre_id"], how="outer", suffixes=("_o", "_n")).fillna(
        {"rows_o": 0, "rows_n": 0, "effect_o": 0.0, "effect_n": 0.0})
    per["moved"] = (per["effect_n"] - per["effect_o"]).round(4) != 0
    g = per.groupby(["year", "code"]).agg(rows_o=("rows_o", "sum"), rows_n=("rows_n", "sum"),
                                          total_o=("effect_o", "sum"), total_n=("effect_n", "sum"),
                                          people=("moved", "sum")).reset_index()
    items_o, items_n = old.rulebook.items, new.rulebook.items
    years = sorted({p.year for p in new.periods if p.kind == "year"} | set(g["year"]))
    changed = [c for c in items_n.index.union(items_o.index)
               if c not in items_o.index or c not in items_n.index
               or not all(_same(items_o.loc[c, f], items_n.loc[c, f]) for f in ("points", "cap"))]
    why = _why_moved(old, new, changed)
    rows = []
    for year in years:
        gy = g[g["year"] == year].set_index("code")
        for code in sorted(set(gy.index) | set(changed), key=_code_order(items_n, items_o)):
            o = items_o.loc[code] if code in items_o.index else None
            n = items_n.loc[code] if code in items_n.index else None
            ref = n if n is not None else o
            got = gy.loc[code] if code in gy.index else None
            t_o = float(got["total_o"]) if got is not None else 0.0
            t_n = float(got["total_n"]) if got is not None else 0.0
            rows.append({
                "年度": year, "项目代码": code, "项目名称": ref["name"], "类别": KIND_CN.get(ref["kind"], ""),
                "原分值": _field(o, "points"), "新分值": _field(n, "points"),
                "原上限": _field(o, "cap"), "新上限": _field(n, "cap"),
                "原计分行数": int(got["rows_o"]) if got is not None else 0,
                "新计分行数": int(got["rows_n"]) if got is not None else 0,
                "原合计": _num(round(t_o, 4)), "新合计": _num(round(t_n, 4)), "变动": _num(round(t_n - t_o, 4)),
                "涉及人数": int(got["people"]) if got is not None else 0,
                "说明": why.get((year, code), "") if round(t_n - t_o, 4) != 0 or code in changed else ""})
    return pd.DataFrame(rows, columns=ITEM_COLUMNS)


def _why_moved(old, new, changed: list) -> dict:
    """(year, code) → why the item's total moved: its own points or cap changed, or (for an item
    the proposal leaves alone) the same-matter rule: a row sharing its 同一事项标识 with an item
    whose value changed is counted once at the higher value, so this one now adds more or less."""
    items_o, items_n = old.rulebook.items, new.rulebook.items
    out: dict = {}
    for code in changed:
        parts = []
        for field, label in (("points", "分值"), ("cap", "上限")):
            a = _field(items_o.loc[code] if code in items_o.index else None, field)
            b = _field(items_n.loc[code] if code in items_n.index else None, field)
            if a != b:
                parts.append(f"{label} {'（空）' if a is None else a} → {'（空）' if b is None else b}")
        for year in {p.year for p in new.periods if p.kind == "year"}:
            out[(year, code)] = "本项目" + "，".join(parts) if parts else ""
    so, sn = old.scored, new.scored
    if so is None or sn is None or so.empty or sn.empty:
        return out
    where = ["file", "sheet", "row"]
    rows = so[where + ["year", "code", "matter_key", "contribution"]].merge(
        sn[where + ["contribution"]], on=where, how="outer", suffixes=("_o", "_n"))
    moved = rows[(rows["contribution_o"].fillna(0) - rows["contribution_n"].fillna(0)).round(4) != 0]
    codes_of = sn.groupby("matter_key")["code"].agg(lambda c: set(c)).to_dict()
    for (year, code), part in moved.dropna(subset=["code"]).groupby(["year", "code"]):
        if code in changed:
            continue
        partners = sorted({c for key in part["matter_key"] if not str(key).startswith("row|")
                           for c in codes_of.get(key, ()) if c != code} & set(changed))
        if partners:
            out[(int(year), code)] = (f"本项目未调整；同一事项规则：与 {'、'.join(partners)}（已调整）同属一个"
                                      "“同一事项标识”，只按其中最高的分值计一次，本项目计入的分值随之变化")
    params = [name for name in ("同一事项加分上限", "加分总上限")
              if not _same(old.rulebook.params.get(name), new.rulebook.params.get(name))]
    known = moved.dropna(subset=["code"])
    for year, code in set(zip(known["year"], known["code"])):
        if (int(year), code) not in out and code not in changed:
            out[(int(year), code)] = ("本项目未调整；" + "、".join(params) + "已调整") if params else \
                "本项目未调整；其他项目调整后，子项上限或同一事项规则使本项目计入的分值变化"
    return out


def _field(item, name):
    if item is None:
        return "（无此项目）"
    v = item[name]
    return None if _blank(v) else normalize.shown(v)


def _code_order(*books):
    order = {}
    for book in books:
        for code in book.index:
            order.setdefault(code, len(order))
    return lambda c: order.get(c, len(order))


def moves(cadres: pd.DataFrame) -> pd.DataFrame:
    """Who enters or leaves each band (per ranked period) and each 结果运用 (per period it falls on)."""
    rows = []
    for rec in cadres.to_dict("records"):
        for cat in CATEGORIES:
            if cat in (ranking.TOP, ranking.BOTTOM):
                was, now = rec["原等次"] == cat, rec["新等次"] == cat
            else:
                was = cat in rec["原结果运用"].split("、")
                now = cat in rec["新结果运用"].split("、")
            if was != now:
                rows.append({"期间": rec["期间"], "类别": cat, "变化": "进入" if now else "离开",
                             **{k: rec[k] for k in ("干部编号", "姓名", "单位", "原积分", "新积分", "原名次", "新名次")}})
    return pd.DataFrame(rows, columns=MOVE_COLUMNS)


def summary(cadres: pd.DataFrame, moved: pd.DataFrame) -> pd.DataFrame:
    """Per period and category with any movement: how many enter and leave, and who."""
    rows = []
    periods = list(dict.fromkeys(cadres["期间"]))
    for period in periods:
        part = moved[moved["期间"] == period]
        for cat in CATEGORIES:
            c = part[part["类别"] == cat]
            if c.empty:
                continue
            enter, leave = c[c["变化"] == "进入"], c[c["变化"] == "离开"]
            rows.append({"期间": period, "类别": cat, "进入人数": len(enter), "离开人数": len(leave),
                         "进入人员": _names(enter), "离开人员": _names(leave)})
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def _names(df: pd.DataFrame) -> str:
    names = [f"{n}（{u}）" for n, u in zip(df["姓名"], df["单位"])]
    more = len(names) - MAX_NAMES
    return "、".join(names[:MAX_NAMES]) + (f" 等{len(names)}人" if more > 0 else "")


def rule_differences(current, proposed) -> pd.DataFrame:
    """What the proposed rulebook changes: item fields and parameters."""
    rows = []
    a, b = current.items, proposed.items
    fields = {"points": "分值", "cap": "上限", "self_declarable": "可自主申报", "needs_evidence": "需佐证",
              "max_per_year": "每年上限次数", "name": "名称"}
    for code in list(dict.fromkeys([*a.index, *b.index])):
        if code not in b.index:
            rows.append({"项目或参数": code, "内容": "项目", "现行": "有", "拟调整": "删除"})
            continue
        if code not in a.index:
            rows.append({"项目或参数": code, "内容": "项目", "现行": "无", "拟调整": "新增"})
            continue
        for f, label in fields.items():
            x, y = a.loc[code, f], b.loc[code, f]
            if not _same(x, y):
                rows.append({"项目或参数": code, "内容": label, "现行": _show(x), "拟调整": _show(y)})
    for name in dict.fromkeys([*current.params, *proposed.params]):
        x, y = current.params.get(name), proposed.params.get(name)
        if not _same(x, y):
            rows.append({"项目或参数": name, "内容": "参数", "现行": _show(x), "拟调整": _show(y)})
    return pd.DataFrame(rows, columns=["项目或参数", "内容", "现行", "拟调整"])


def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and v != v)


def _same(x, y) -> bool:
    return (_blank(x) and _blank(y)) or x == y


def _show(v) -> str:
    if _blank(v):
        return "（空）"
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, (int, float)):
        return str(normalize.shown(v))
    return str(v)
