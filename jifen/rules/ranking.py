"""Ranking within groups, ties, quotas and the 先进 / 末位 bands (pure).

Competition ranks (1, 2, 2, 4); quotas k = max(最少人数, N × share rounded half up) in
decimal arithmetic; 先进 needs a score above 先进分数线 and 末位 one below 末位分数线 (both
default to the base score, so a cadre with no bonus and no deduction is neither); a tie
straddling a boundary is included whole (并列超额) unless the band would then exceed twice its
quota, when the tied block is left out for the department to decide (并列人数过多); a tie that
would be both 先进 and 末位 gets neither (并列无法区分); a group all on one score gets no bands.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from jifen import normalize
from jifen.rules import cadres, scoring

TOP, BOTTOM = "先进", "末位"

RANK_COLUMNS = ["period", "group", "cadre_id", "name", "unit", "post", "category", "deduction",
                "bonus", "penalty", "base", "score", "n_items", "months_on", "ranked", "rank",
                "bottom_rank", "band", "note"]


def quota(n: int, share: float, minimum: int) -> int:
    """k = max(minimum, n × share rounded half up), computed in decimal (30 × 5% = 1.5 → 2)."""
    if n <= 0:
        return 0
    k = (Decimal(n) * Decimal(str(share))).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return min(n, max(int(minimum), int(k)))


def band_group(scores: pd.Series, params: dict, line: float, top_line: float) -> tuple[
        pd.Series, pd.Series, pd.Series, pd.Series]:
    """Scores of one group's ranked cadres → (rank, bottom rank, band, note).

    The one place bands are decided: every output (notices, attachments, ledgers, the annual
    workbook, 结果运用) reads the band this returns.
    """
    rank = scores.rank(method="min", ascending=False).astype(int)
    bottom = scores.rank(method="min", ascending=True).astype(int)
    band = pd.Series("", index=scores.index, dtype=object)
    note = pd.Series("", index=scores.index, dtype=object)
    n = len(scores)
    if n == 0:
        return rank, bottom, band, note
    if scores.nunique() == 1:
        note[:] = "全组积分相同，不确定先进和末位"
        return rank, bottom, band, note
    k_top = quota(n, params["先进比例"], params["最少人数"])
    k_bot = quota(n, params["末位比例"], params["最少人数"])
    top = _fill_band(rank, scores > top_line, k_top, TOP, note)
    low = _fill_band(bottom, scores < line, k_bot, BOTTOM, note)
    both = top & low
    band[top & ~both] = TOP
    band[low & ~both] = BOTTOM
    note[both] = "并列无法区分，不确定先进或末位"
    return rank, bottom, band, note


def _fill_band(rank: pd.Series, eligible: pd.Series, k: int, name: str, note: pd.Series) -> pd.Series:
    """Members of one band: rank ≤ k among the eligible; a tie straddling k is taken whole
    (并列超额) unless the band would then hold more than 2k, when that tied block is left out
    for the department to decide (并列人数过多). Notes the tied block either way."""
    inside = (rank <= k) & eligible & (k > 0)
    if not inside.any():
        return inside
    edge = rank[inside].max()
    block = inside & (rank == edge)
    if inside.sum() <= k:
        return inside
    if inside.sum() > 2 * k:
        note[block] = f"并列人数过多，由县委组织部研究确定（{name}名额 {k} 人，第 {edge} 名并列 {int(block.sum())} 人）"
        return inside & ~block
    note[block] = f"并列超额（{name}名额 {k} 人）"
    return inside


def rank_period(period, scores: pd.DataFrame, roster: pd.DataFrame, rulebook) -> pd.DataFrame:
    """Every cadre on the roster at any time in the period, ranked where eligible."""
    params = rulebook.params
    base = float(rulebook.base_score)
    line = float(rulebook.bottom_line)
    top_line = float(rulebook.top_line)
    min_months = params["年度最少在册月数"] if period.kind == "year" else params["季度最少在册月数"]
    min_months = min(min_months, len(period.elapsed))
    first_day = pd.Timestamp(period.months[0] + "-01").date()
    in_period = roster[(roster["start_d"] <= period.last_day) & (roster["end_d"] >= first_day)]
    if in_period.empty:
        return pd.DataFrame(columns=RANK_COLUMNS)
    at_end = cadres.as_of(roster, period.last_day)
    latest = cadres.latest_rows(in_period, period.last_day)
    rows = latest.copy()
    rows.loc[rows.index.intersection(at_end.index)] = at_end.loc[rows.index.intersection(at_end.index),
                                                                 rows.columns]
    months_on = cadres.months_on_roster(in_period, list(period.elapsed))
    df = pd.DataFrame({
        "cadre_id": rows.index, "name": rows["display_name"].values, "unit": rows["unit"].values,
        "post": rows["post"].values, "category": rows["category"].values, "group": rows["group"].values,
    })
    df["period"] = period.key
    df["months_on"] = df["cadre_id"].map(months_on).fillna(0).astype(int)
    s = scores[scores["period"] == period.key].set_index("cadre_id")
    for col in ("deduction", "bonus", "penalty"):
        df[col] = df["cadre_id"].map(s[col]).fillna(0.0) if not s.empty else 0.0
    df["n_items"] = df["cadre_id"].map(s["n_items"]).fillna(0).astype(int) if not s.empty else 0
    df["base"] = (base - df["deduction"]).round(scoring.ROUND)
    df["score"] = (df["base"] + df["bonus"] - df["penalty"]).round(scoring.ROUND)
    on_end = df["cadre_id"].isin(at_end.index)
    enough = df["months_on"] >= min_months
    df["ranked"] = on_end & enough
    df["note"] = ""
    df.loc[~on_end, "note"] = f"{normalize.cn_date(period.last_day)}不在册，不参加排名"
    df.loc[on_end & ~enough, "note"] = f"在册不满{min_months}个月，不参加排名"
    df["rank"] = pd.array([pd.NA] * len(df), dtype="Int64")
    df["bottom_rank"] = pd.array([pd.NA] * len(df), dtype="Int64")
    df["band"] = ""
    for _group, idx in df[df["ranked"]].groupby("group").groups.items():
        rank, bottom, band, note = band_group(df.loc[idx, "score"], params, line, top_line)
        df.loc[idx, "rank"] = rank.values
        df.loc[idx, "bottom_rank"] = bottom.values
        df.loc[idx, "band"] = band.values
        df.loc[idx, "note"] = note.values
    if not period.complete:
        prov = df["ranked"] & (df["band"] != "")
        df.loc[prov, "note"] = (df.loc[prov, "note"] + "；暂定").str.lstrip("；")
    df = df.sort_values(["group", "rank", "cadre_id"], kind="stable", na_position="last")
    return df[RANK_COLUMNS].reset_index(drop=True)


def group_order(groups) -> list[str]:
    """科级领导干部 first, then 后备干部, then any custom groups by name."""
    fixed = ["科级领导干部", "后备干部"]
    return [g for g in fixed if g in groups] + sorted(g for g in groups if g not in fixed)
