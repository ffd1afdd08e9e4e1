"""The ledger's rows (pure): every item read, the value counted and why it differs.

One row per input item row whatever its fate (计分 / 待审核 / 不通过 / 无效), so the master
ledger balances with the validation report and every figure traces to its source cell.
"""

from __future__ import annotations

import pandas as pd

from jifen import frames, normalize
from jifen.rules import cadres, checks

KIND_CN = {"base": "基础积分", "bonus": "奖励加分", "penalty": "惩戒扣分", "": ""}
# the item columns a ledger row is made of
ROW_INPUT = ["status", "value", "item_id", "reason", "cadre_id", "name", "month", "quarter", "source", "code",
             "kind", "desc", "matter", "qty", "decision", "file", "row"]
LEDGER_COLUMNS = ["干部编号", "姓名", "单位", "月份", "季度", "来源", "事项ID", "项目代码", "项目名称", "类别",
                  "事项说明", "同一事项标识", "数量", "行分值", "计分分值", "状态", "差异说明", "审核依据", "来源文件",
                  "行号"]


def ledger_frame(items: pd.DataFrame, scored: pd.DataFrame, roster: pd.DataFrame, rulebook,
                 year: int) -> pd.DataFrame:
    """All items of `year` (and items whose month is unknown, so nothing goes missing)."""
    part = items[(items["year"] == year) | (items["year"] == 0)].copy()
    if part.empty:
        return pd.DataFrame(columns=LEDGER_COLUMNS)
    contrib = scored["contribution"] if not scored.empty else pd.Series(dtype=float)
    why = scored["why"] if not scored.empty else pd.Series(dtype=object)
    matter_rows = {}
    if not scored.empty:
        multi = scored[scored.groupby("matter_key")["item_id"].transform("count") > 1]
        for key, ids in multi.groupby("matter_key")["item_id"]:
            matter_rows[key] = list(ids)
    units = {}
    for month in sorted(m for m in part["month"].unique() if m):
        units[month] = frames.to_dict(cadres.as_of(roster, normalize.month_end(month))["unit"]) if not roster.empty else {}
    names = frames.to_dict(roster.drop_duplicates("cadre_id", keep="last").set_index("cadre_id")["display_name"]) \
        if not roster.empty else {}
    # plain dicts: a pandas lookup per row costs more than the rest of the loop together
    contrib, why = frames.to_dict(contrib), frames.to_dict(why)
    matter_key = frames.to_dict(scored["matter_key"]) if not scored.empty else {}
    item_names = frames.to_dict(rulebook.items["name"])
    rows = []
    read = [c for c in ROW_INPUT if c in part.columns]      # `decision` only once reviews were applied
    for rec in frames.rows(part[read]):
        counted = None
        notes = []
        if rec.status == checks.COUNTED:
            counted = contrib.get(rec.Index, rec.value)
            if why.get(rec.Index, ""):
                notes.append(why[rec.Index])
            key = matter_key.get(rec.Index)
            others = [i for i in matter_rows.get(key, []) if i != rec.item_id]
            if others:
                notes.append("同一事项的其他行：" + "、".join(others))
            if rec.reason:
                notes.append(rec.reason)
        elif rec.reason:
            notes.append(rec.reason)
        rows.append({
            "干部编号": rec.cadre_id, "姓名": names.get(rec.cadre_id, rec.name) or rec.name,
            "单位": units.get(rec.month, {}).get(rec.cadre_id, ""), "月份": rec.month or "（未知）",
            "季度": f"第{rec.quarter}季度" if rec.quarter else "", "来源": rec.source, "事项ID": rec.item_id,
            "项目代码": rec.code, "项目名称": item_names.get(rec.code, ""),
            "类别": KIND_CN.get(rec.kind, ""), "事项说明": rec.desc, "同一事项标识": rec.matter,
            "数量": normalize.shown(rec.qty), "行分值": normalize.shown(rec.value), "计分分值": normalize.shown(counted), "状态": rec.status,
            "差异说明": "；".join(notes), "审核依据": getattr(rec, "decision", ""), "来源文件": rec.file,
            "行号": rec.row,
        })
    out = pd.DataFrame(rows, columns=LEDGER_COLUMNS)
    return out.sort_values(["干部编号", "月份", "来源", "来源文件", "行号"], kind="stable").reset_index(drop=True)
