"""The content of the public notices (季度 / 年度通报), as plain data for a Word template (pure).

Only the groups the rulebook marks public appear, with name, unit and post — never a 干部编号.
Dates come from the rulebook's 通报设置 or the documented defaults, never from "today".
"""

from __future__ import annotations

import pandas as pd

from jifen import normalize
from jifen.rulebook import notice_dates
from jifen.rules import checks, ranking

CN_NUM = "一二三四五六七八九十"


def _n(v) -> str:
    f = float(v)
    return str(int(f)) if f.is_integer() else f"{f:g}"


def _people(df: pd.DataFrame) -> list[dict]:
    return [{"rank": "" if pd.isna(r["rank"]) else int(r["rank"]), "name": r["name"], "unit": r["unit"],
             "post": r["post"], "score": _n(r["score"])} for r in df.to_dict("records")]


def _undecided(group: pd.DataFrame) -> str:
    """A sentence for each tied block left out of a band (并列人数过多): the public sees why the
    list is shorter than the quota and who decides."""
    out = []
    for band in (ranking.TOP, ranking.BOTTOM):
        left = group[group["note"].str.startswith("并列人数过多") & group["note"].str.contains(f"{band}名额")]
        if len(left):
            rank = int(left["rank"].min()) if band == ranking.TOP else None
            where = f"第{rank}名" if rank else "末位边界"
            out.append(f"{where}积分相同的{len(left)}人超过{band}名额的两倍，是否确定为{band}人员由县委组织部研究确定。")
    return "".join(out)


def notice_context(period, ranks: pd.DataFrame, items: pd.DataFrame, rulebook, corrections=None) -> dict:
    params = rulebook.params
    county = params["县名"]
    public = [g for g in params["公开通报分组"]]
    pr = ranks[ranks["period"] == period.key]
    groups_present = [g for g in ranking.group_order(set(pr["group"])) if g in public]
    who = "、".join(groups_present) or "、".join(public)
    span = "本季度" if period.kind == "quarter" else "本年度"
    provisional = "" if period.complete else f"（{period.title[period.title.index('（') + 1:-1]}，暂定）"
    ranked = pr[pr["ranked"] & pr["group"].isin(groups_present)]
    if len(ranked):
        overview = (f"{span}全县参加积分排名的{who}共{len(ranked)}人，平均积分{_n(round(ranked['score'].mean(), 2))}分，"
                    f"最高{_n(ranked['score'].max())}分，最低{_n(ranked['score'].min())}分{provisional}。")
    else:
        overview = f"{span}没有参加积分排名的{who}。"
    ids = set(ranked["cadre_id"])
    counted = items[(items["status"] == checks.COUNTED) & items["month"].isin(period.months)
                    & items["cadre_id"].isin(ids)]
    kinds = counted["kind"].value_counts()
    items_summary = (f"{span}共计分事项{len(counted)}项，其中奖励加分{int(kinds.get('bonus', 0))}项、"
                     f"惩戒扣分{int(kinds.get('penalty', 0))}项、基础积分扣减{int(kinds.get('base', 0))}项。")
    top_share = f"{round(params['先进比例'] * 100):g}%"
    low_share = f"{round(params['末位比例'] * 100):g}%"
    groups = []
    for i, g in enumerate(groups_present):
        gr = ranked[ranked["group"] == g].sort_values(["rank", "cadre_id"], kind="stable")
        top = gr[gr["band"] == ranking.TOP]
        low = gr[gr["band"] == ranking.BOTTOM].sort_values(["score", "cadre_id"], ascending=[False, True])
        tie_all = gr["score"].nunique() == 1 and len(gr) > 0
        empty = "全组积分相同，本期不确定先进人员。" if tie_all else "本期无。"
        groups.append({
            "heading": f"{CN_NUM[i + 1]}、{g}积分排名情况",
            "summary": (f"{g}参加排名{len(gr)}人，按积分从高到低排名，前{top_share}且积分高于{_n(rulebook.top_line)}分的"
                        f"确定为先进人员、后{low_share}且积分低于{_n(rulebook.bottom_line)}分的确定为末位人员{provisional}。"
                        + _undecided(gr)),
            "top_note": f"前{top_share}，{len(top)}人", "bottom_note": f"后{low_share}，{len(low)}人",
            "top": _people(top), "bottom": _people(low),
            "top_empty": empty,
            "bottom_empty": "全组积分相同，本期不确定末位人员。" if tie_all else "本期无。",
        })
    n = len(groups) + 2
    dates = notice_dates(rulebook, period.key, normalize.month_end(period.months[-1]))
    corr = list(corrections or [])
    corrections_heading = ""
    if corr:
        corrections_heading = f"{CN_NUM[n - 1]}、更正说明"
        n += 1
    what = "季度" if period.kind == "quarter" else "年度"
    return {
        "title": f"关于{period.title}全县{who}日常积分情况的通报" + period.draft,
        "draft": "" if period.complete else (
            f"草稿：本期尚不完整（材料截至{int(period.last_data_month[5:7])}月），名次和等次为暂定，不得印发；"
            f"{'三个月' if period.kind == 'quarter' else '十二个月'}的材料齐全并发布后，以正式通报为准。"),
        "recipients": params["通报主送"],
        "opening": (f"根据《{county}县科级领导干部及后备干部日常积分管理制度实施方案》，县委组织部对全县{who}"
                    f"{period.title}日常积分情况进行了统计评定。现将有关情况通报如下。"),
        "overview": overview, "items_summary": items_summary, "groups": groups,
        "corrections": corr, "corrections_heading": corrections_heading,
        "appeal_heading": f"{CN_NUM[n - 1]}、申辩和问询",
        "appeal": (f"对本通报所列{what}积分和排名有异议的，请于{normalize.cn_date(dates['申辩截止日期'])}前{dates['申辩途径']}。"
                   "县委组织部将及时核实并反馈，核实后需要更正的，在下期通报中予以说明。"),
        "closing": ("希望受到通报的先进人员珍惜荣誉、再接再厉；排名靠后的同志要认真查找差距、及时改进，"
                    "在日常工作中切实担当作为、争先进位。"),
        "org": f"中共{county}县委组织部", "date": normalize.cn_date(dates["发文日期"]),
        "doc_number": dates["文号"],
    }
