"""月度统计 (pure): per cadre and per unit counts and points of a month, and who has not declared."""

from __future__ import annotations

import pandas as pd

from jifen import cadres, checks
from jifen import normalize as nz

PERSON_COLUMNS = ["干部编号", "姓名", "单位", "干部类别", "申报表", "申报事项", "计分事项", "待审核", "不通过", "无效",
                  "基础扣分", "加分", "扣分", "月度积分"]
UNIT_COLUMNS = ["单位", "在册人数", "已交申报表", "未交申报表", "申报事项", "计分事项", "加分合计", "扣分合计",
                "平均月度积分"]


def monthly_frames(month: str, roster, items, declarations, scores, base: float):
    on = cadres.as_of(roster, nz.month_end(month)).reset_index()
    handed = {d["cadre_id"] for d in declarations if d["month"] == month}
    part = items[items["month"] == month]
    by = part.groupby(["cadre_id", "status"]).size().unstack(fill_value=0) if not part.empty else pd.DataFrame()
    declared = part[part["source"] == "申报"].groupby("cadre_id").size()
    s = scores[scores["period"] == month].set_index("cadre_id")
    rows = []
    for rec in on.sort_values(["unit", "cadre_id"]).to_dict("records"):
        cid = rec["cadre_id"]
        st = by.loc[cid] if cid in by.index else {}

        def count(name, st=st):
            return int(st.get(name, 0)) if len(st) else 0

        sc = s.loc[cid] if cid in s.index else None
        rows.append({
            "干部编号": cid, "姓名": rec["display_name"], "单位": rec["unit"], "干部类别": rec["category"],
            "申报表": "已交" if cid in handed else "未交", "申报事项": int(declared.get(cid, 0)),
            "计分事项": count(checks.COUNTED), "待审核": count(checks.PENDING), "不通过": count(checks.REJECTED_BY_REVIEW),
            "无效": count(checks.INVALID),
            "基础扣分": nz.shown(sc["deduction"]) if sc is not None else 0, "加分": nz.shown(sc["bonus"]) if sc is not None else 0,
            "扣分": nz.shown(sc["penalty"]) if sc is not None else 0,
            "月度积分": nz.shown(sc["score"]) if sc is not None else nz.shown(base),
        })
    people = pd.DataFrame(rows, columns=PERSON_COLUMNS)
    units = []
    for unit, g in people.groupby("单位", sort=True):
        units.append({"单位": unit, "在册人数": len(g), "已交申报表": int((g["申报表"] == "已交").sum()),
                      "未交申报表": int((g["申报表"] == "未交").sum()), "申报事项": int(g["申报事项"].sum()),
                      "计分事项": int(g["计分事项"].sum()), "加分合计": nz.shown(g["加分"].sum()),
                      "扣分合计": nz.shown(g["扣分"].sum() + g["基础扣分"].sum()),
                      "平均月度积分": nz.shown(round(g["月度积分"].mean(), 2))})
    unit_df = pd.DataFrame(units, columns=UNIT_COLUMNS)
    missing = people[people["申报表"] == "未交"][["单位", "干部编号", "姓名", "干部类别"]]
    return people, unit_df, missing.reset_index(drop=True)
