"""月度统计 (pure): per cadre and per unit counts and points of a month, and who has not declared."""

from __future__ import annotations

import pandas as pd

from jifen import normalize
from jifen.rules import cadres, checks, lost_files

PERSON_COLUMNS = ["干部编号", "姓名", "单位", "干部类别", "申报表", "申报事项", "计分事项", "待审核", "不通过", "无效",
                  "基础扣分", "加分", "扣分", "月度积分"]
UNIT_COLUMNS = ["单位", "在册人数", "已交申报表", "未交申报表", "申报事项", "计分事项", "加分合计", "扣分合计",
                "平均月度积分"]


def monthly_frames(month: str, roster, items, declarations, scores, base: float):
    on = cadres.as_of(roster, normalize.month_end(month)).reset_index()
    handed = {d["cadre_id"] for d in declarations if d["month"] == month}
    part = items[items["month"] == month]
    by = part.groupby(["cadre_id", "status"]).size().unstack(fill_value=0) if not part.empty else pd.DataFrame()
    declared = part[part["source"] == "申报"].groupby("cadre_id").size()
    s = scores[scores["period"] == month].set_index("cadre_id")
    on = cadres.sort_by_unit(on, "unit", roster, then=("cadre_id",))
    ids = on["cadre_id"]

    def count(status):
        if status not in by.columns:
            return [0] * len(ids)
        return ids.map(by[status]).fillna(0).astype(int).tolist()

    def figure(col, default):
        if s.empty:
            return [normalize.shown(default)] * len(ids)
        return [normalize.shown(v) if v == v else normalize.shown(default) for v in ids.map(s[col]).astype(float)]

    people = pd.DataFrame({
        "干部编号": ids.values, "姓名": on["display_name"].values, "单位": on["unit"].values,
        "干部类别": on["category"].values, "申报表": ["已交" if c in handed else "未交" for c in ids],
        "申报事项": ids.map(declared).fillna(0).astype(int).tolist(),
        "计分事项": count(checks.COUNTED), "待审核": count(checks.PENDING),
        "不通过": count(checks.REJECTED_BY_REVIEW), "无效": count(checks.INVALID),
        "基础扣分": figure("deduction", 0), "加分": figure("bonus", 0), "扣分": figure("penalty", 0),
        "月度积分": figure("score", base)}, columns=PERSON_COLUMNS)
    num = people[["申报事项", "计分事项", "加分", "扣分", "基础扣分", "月度积分"]].astype(float)
    num["单位"], num["已交"] = people["单位"], (people["申报表"] == "已交").astype(int)
    g = num.groupby("单位", sort=False)                   # people are already in roster unit order
    sums, size, mean = g.sum(), g.size(), g["月度积分"].mean()
    unit_df = pd.DataFrame({
        "单位": sums.index, "在册人数": size.values, "已交申报表": sums["已交"].astype(int).values,
        "未交申报表": (size - sums["已交"]).astype(int).values, "申报事项": sums["申报事项"].astype(int).values,
        "计分事项": sums["计分事项"].astype(int).values, "加分合计": [normalize.shown(v) for v in sums["加分"]],
        "扣分合计": [normalize.shown(a + b) for a, b in zip(sums["扣分"], sums["基础扣分"])],
        "平均月度积分": [normalize.shown(round(v, 2)) for v in mean]}, columns=UNIT_COLUMNS)
    missing = people[people["申报表"] == "未交"][["单位", "干部编号", "姓名", "干部类别"]]
    return people, unit_df, missing.reset_index(drop=True)


def unread_files(month: str, missing: pd.DataFrame, files: list, roster) -> dict:
    """姓名 → the files not read whose names say they are that 未交 cadre's of `month`
    (a declaration saved as .xls or CSV, a PDF of one): 未交 then points at them."""
    paths = [f.path for f in files if f.status == "无法读取"]
    if not paths or missing.empty:
        return {}
    names = roster.groupby("name")["cadre_id"].agg(set).to_dict()
    owned = lost_files.whose(paths, set(roster["cadre_id"]), names)
    shown = dict(zip(missing["干部编号"], missing["姓名"]))
    out: dict = {}
    for path, (cadre_id, m) in owned.items():
        if m == month and cadre_id in shown:
            out.setdefault(shown[cadre_id], []).append(path)
    return out
