"""预警 (pure): who is one step from a consequence of §3.5, as of each complete quarter.

Three rules, each with its reason in words:
- 末位 in the quarter and the one before (a run of exactly two: one more quarter means
  组织约谈, which is raised when the run reaches three);
- 末位 in last year's annual ranking and in the bottom band of this year's ranking so far
  (January to the end of the quarter): a second year means 诫勉谈话, a third 调整岗位或降职;
- within 预警分差 points above the 末位 boundary of the quarter (the highest 末位 score of the
  cadre's group), for cadres who could be 末位 at all (score below 末位分数线).
Warnings are internal: they go to the ranking attachment, the cadre's own 告知单 and the
console count, never to a public notice. A quarter's warnings depend only on data up to its
end, so re-issuing an earlier quarter's documents later gives the same list.
"""

from __future__ import annotations

import pandas as pd

from jifen import frames
from jifen.rules import ranking, scoring
from jifen.rules.periods import Period, month_keys

TWO_QUARTERS, LAST_YEAR, NEAR = "连续两个季度末位", "上年度末位且本年度排名靠后", "接近末位"
KIND_ORDER = [TWO_QUARTERS, LAST_YEAR, NEAR]
COLUMNS = ["排名分组", "干部编号", "姓名", "单位", "预警", "依据", "期间"]


def _n(v) -> str:
    f = float(v)
    return str(int(f)) if f.is_integer() else f"{round(f, 4):g}"


def _quarter_cn(y: int, q: int) -> str:
    return f"{y}年第{q}季度"


def _previous(y: int, q: int) -> tuple[int, int]:
    return (y, q - 1) if q > 1 else (y - 1, 4)


def quarter_warnings(year: int, quarter: int, bands: pd.DataFrame, ytd: pd.DataFrame,
                     quarter_ranks: pd.DataFrame, params: dict, bottom_line: float) -> pd.DataFrame:
    """The warnings of one complete quarter, one row per cadre and warning.

    `bands`: consequences.band_history (complete periods only; quarter 0 = the year);
    `ytd`: the ranking of January to the quarter's end (ranking.RANK_COLUMNS);
    `quarter_ranks`: the quarter's ranking; `bottom_line`: 末位分数线.
    """
    low = f"后{round(params['末位比例'] * 100):g}%"
    cross = params["跨年连续"]
    gap = float(params["预警分差"])
    key = f"{year}Q{quarter}"
    q_bands = {(c, y, q): b for c, y, q, b in zip(*frames.columns(bands, "cadre_id", "year", "quarter", "band"))}
    ranked = quarter_ranks[quarter_ranks["ranked"].astype(bool)]
    out = []

    # 1. two consecutive 末位 quarters (the run is exactly two long; at three 组织约谈 is due)
    py, pq = _previous(year, quarter)
    chain_ok = cross or py == year
    next_ok = cross or quarter < 4           # without 跨年连续 a run ending in Q4 cannot reach three
    if chain_ok and next_ok:
        before = _previous(py, pq)
        for cid in ranked.loc[ranked["band"] == ranking.BOTTOM, "cadre_id"]:
            if q_bands.get((cid, py, pq)) != ranking.BOTTOM:
                continue
            if (cross or before[0] == year) and q_bands.get((cid, *before)) == ranking.BOTTOM:
                continue                      # already three or more: 组织约谈 has been raised
            span = f"{py}年第{pq}、{quarter}季度" if py == year else f"{_quarter_cn(py, pq)}、{_quarter_cn(year, quarter)}"
            out.append((cid, TWO_QUARTERS, f"{span}连续排在{low}，下一季度如再排在{low}，将被组织约谈"))

    # 2. annual 末位 last year and in the bottom band of this year's ranking so far
    annual = {(c, y): b for c, y, q, b in zip(*frames.columns(bands, "cadre_id", "year", "quarter", "band"))
              if q == 0}
    so_far = ytd[ytd["ranked"].astype(bool) & (ytd["band"] == ranking.BOTTOM)]
    on_now = set(ranked["cadre_id"])
    for cid in so_far["cadre_id"]:
        if cid not in on_now or annual.get((cid, year - 1)) != ranking.BOTTOM:
            continue
        if annual.get((cid, year - 2)) == ranking.BOTTOM:
            earlier, then = f"{year - 2}、{year - 1}年度连续两年", "建议调整岗位或相应降职"
        else:
            earlier, then = f"{year - 1}年度", "将由县纪委诫勉谈话"
        span = f"{year}年第1季度" if quarter == 1 else f"{year}年第1至{quarter}季度累计"
        out.append((cid, LAST_YEAR, f"{earlier}被确定为末位人员，{span}积分排在{low}，"
                                    f"如{year}年度再被确定为末位人员，{then}"))

    # 3. close above the quarter's 末位 boundary
    if gap > 0:
        for _group, g in ranked.groupby("group", sort=False):
            bottom = g.loc[g["band"] == ranking.BOTTOM, "score"]
            if bottom.empty:
                continue
            edge = float(bottom.max())
            near = g[(g["band"] != ranking.BOTTOM) & (g["score"] > edge) & (g["score"] <= edge + gap + 1e-9)
                     & (g["score"] < bottom_line)]
            for cid, score in zip(near["cadre_id"], near["score"]):
                out.append((cid, NEAR, f"{_quarter_cn(year, quarter)}积分{_n(score)}分，比本组末位人员最高积分"
                                       f"{_n(edge)}分仅高{_n(round(float(score) - edge, 4))}分（预警分差 {_n(gap)} 分）"))

    info = quarter_ranks.drop_duplicates("cadre_id").set_index("cadre_id")
    rows = [{"排名分组": info.at[c, "group"], "干部编号": c, "姓名": info.at[c, "name"], "单位": info.at[c, "unit"],
             "预警": kind, "依据": why, "期间": key} for c, kind, why in out]
    df = pd.DataFrame(rows, columns=COLUMNS)
    if len(df):
        order = {g: i for i, g in enumerate(ranking.group_order(set(df["排名分组"])))}
        df["_g"] = df["排名分组"].map(order)
        df["_k"] = df["预警"].map(KIND_ORDER.index)
        df = df.sort_values(["_g", "干部编号", "_k"], kind="stable").drop(columns=["_g", "_k"]).reset_index(drop=True)
    return df


def empty() -> pd.DataFrame:
    return pd.DataFrame(columns=COLUMNS)


def ytd_period(period, data_months: set):
    """The period 'January to the end of `period`' (a quarter), ranked like a year so far."""
    months = month_keys(period.year)[: 3 * period.quarter]
    present = [m for m in months if m in data_months]
    return Period(f"{period.year}Q{period.quarter}累计", "year", period.year, months,
                      len(present) == len(months), present[-1] if present else months[-1])


def derive_warnings(periods: list, scored: pd.DataFrame, roster: pd.DataFrame, rulebook,
                    bands: pd.DataFrame, ranks: pd.DataFrame) -> dict:
    """预警 for every complete quarter, from data up to its end → quarter key → DataFrame."""
    data_months = {p.key for p in periods if p.kind == "month"}
    params, line = rulebook.params, float(rulebook.bottom_line)
    out = {}
    for period in periods:
        if period.kind != "quarter" or not period.complete:
            continue
        so_far = ytd_period(period, data_months)
        ytd = ranking.rank_period(so_far, scoring.period_scores(scored, [so_far], rulebook), roster, rulebook)
        out[period.key] = quarter_warnings(period.year, period.quarter, bands, ytd,
                                           ranks[ranks["period"] == period.key], params, line)
    return out
