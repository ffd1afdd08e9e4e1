"""Scores: the same-matter rule, per-matter and sub-item caps, and period totals (pure).

Row value = points × 数量 (or the reviewer's 审核分值). Bonus and penalty rows sharing a
同一事项标识 within one cadre, year and side are one matter, counted once at its highest value;
the period in which a higher value first appears counts the increase, so months add up to
quarters and quarters to the year. Base deductions are capped per sub-item within each period
(`allocate_base`, the one place that rule lives): a month, a quarter and the year each deduct at
most the sub-item's cap, so the year's deduction per sub-item is at most its cap too, and the
rows' annual counted values (`contribution`) add up to the annual deduction.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jifen import frames

ROUND = 4  # decimals kept: values are multiples of 0.5 in practice, exact in binary anyway

# what period_scores reads of the scored rows (allocate_base orders by the last five)
PERIOD_INPUT = ["cadre_id", "kind", "value", "contribution", "code", "month", "seq", "file", "row"]
SCORE_COLUMNS = ["period", "cadre_id", "deduction", "bonus", "penalty", "base", "score", "n_items"]


def row_value(points: pd.Series, qty: pd.Series) -> pd.Series:
    """A row's rule value: points per unit × 数量 (the reviewer's 审核分值 replaces it later)."""
    return (points * qty).round(ROUND)


def allocate_base(rows: pd.DataFrame, caps: pd.Series, by: list[str]) -> pd.Series:
    """Each base row's deduction counted, in month order, against its sub-item's cap per `by` group.

    The first rows of a group count in full until the cap is reached; the row that crosses it
    counts the remainder; later rows count 0.
    """
    if rows.empty:
        return pd.Series(dtype="float64")
    ordered = rows.sort_values(by + ["code", "month", "seq", "file", "row"], kind="stable")
    cum = ordered.groupby(by + ["code"], sort=False)["value"].cumsum()
    cap = ordered["code"].map(caps).astype("float64")
    room = (cap - (cum - ordered["value"])).clip(lower=0)
    return ordered["value"].clip(upper=room).round(ROUND).reindex(rows.index)


def score_items(counted: pd.DataFrame, rulebook) -> pd.DataFrame:
    """Add `contribution` (what the row adds to its year) and `why` (why it differs from value).

    Base rows contribute their deduction as allocated against the sub-item's cap for the year.
    """
    params, caps = rulebook.params, rulebook.items["cap"]
    df = counted.copy()
    if df.empty:
        df["contribution"] = pd.Series(dtype="float64")
        df["why"] = pd.Series(dtype="object")
        df["matter_key"] = pd.Series(dtype="object")
        return df
    cap = float(params["同一事项加分上限"])
    side = df["kind"]
    capped = df["value"].where(side != "bonus", df["value"].clip(upper=cap))
    df["capped_value"] = capped
    row_key = df["file"].astype(str) + "|" + df["sheet"].astype(str) + "|" + df["row"].astype(str)
    has_matter = (df["matter"] != "") & side.isin(["bonus", "penalty"])
    df["matter_key"] = (df["cadre_id"] + "|" + df["year"].astype(str) + "|" + side + "|").where(
        has_matter, "row|") + df["matter"].where(has_matter, row_key)
    df = df.sort_values(["matter_key", "month", "source", "seq", "file", "row"], kind="stable")
    running = df.groupby("matter_key", sort=False)["capped_value"].cummax()
    previous = running.groupby(df["matter_key"], sort=False).shift(1).fillna(0.0)
    df["contribution"] = (running - previous).round(ROUND)
    is_base = side.loc[df.index] == "base"
    base_rows = df[is_base]
    df.loc[is_base, "contribution"] = allocate_base(base_rows, caps, ["cadre_id", "year"])

    whys = []
    group_rows = df.groupby("matter_key", sort=False)["row"].transform("count")
    for rec, n in zip(frames.rows(df[["kind", "code", "value", "capped_value", "contribution"]]), group_rows):
        reasons = []
        if rec.kind == "base" and rec.contribution < rec.value:
            reasons.append(f"子项 {rec.code} 本年度扣分已达上限 {caps[rec.code]:g} 分")
        if rec.kind == "bonus" and rec.value > cap:
            reasons.append(f"单个事项加分上限 {cap:g} 分")
        if rec.kind != "base" and n > 1 and rec.contribution < rec.capped_value:
            reasons.append("同一事项取最高分值，只计增加部分" if rec.contribution > 0 else "同一事项已按更高分值计分")
        whys.append("；".join(reasons))
    df["why"] = whys
    return df.drop(columns=["capped_value"]).sort_index()


def period_scores(scored: pd.DataFrame, periods, rulebook) -> pd.DataFrame:
    """One row per (period, cadre with counted items): deduction, bonus, penalty, score."""
    params = rulebook.params
    base = float(rulebook.base_score)
    total_cap = params.get("加分总上限")
    caps = rulebook.items["cap"]
    # every period at once: its rows (found by month, in their order) stacked with the
    # period's number, so each sum is one groupby by (period, cadre) instead of one per period
    slim = scored[PERIOD_INPUT]
    by_month = slim.groupby("month", sort=False).indices if len(slim) else {}
    numbers, positions = [], []
    for i, period in enumerate(periods):
        found = [by_month[m] for m in period.months if m in by_month]
        if found:
            rows = np.sort(np.concatenate(found))
            numbers.append(np.full(len(rows), i))
            positions.append(rows)
    if not positions:
        return pd.DataFrame(columns=SCORE_COLUMNS)
    stacked = slim.iloc[np.concatenate(positions)].reset_index(drop=True)
    stacked.insert(0, "_period", np.concatenate(numbers))
    by = ["_period", "cadre_id"]
    b = stacked[stacked["kind"] == "base"]
    deduction = allocate_base(b, caps, by).groupby([b["_period"], b["cadre_id"]]).sum()
    bonus = stacked[stacked["kind"] == "bonus"].groupby(by)["contribution"].sum()
    if total_cap is not None:
        bonus = bonus.clip(upper=float(total_cap))
    penalty = stacked[stacked["kind"] == "penalty"].groupby(by)["contribution"].sum()
    n_items = stacked.groupby(by).size()
    out = pd.DataFrame({"deduction": deduction, "bonus": bonus, "penalty": penalty,
                        "n_items": n_items}).fillna(0.0)
    out.index.names = by
    out = out.reset_index()
    keys = [p.key for p in periods]
    out["period"] = [keys[i] for i in out["_period"].tolist()]
    out["base"] = (base - out["deduction"]).round(ROUND)
    out["score"] = (out["base"] + out["bonus"] - out["penalty"]).round(ROUND)
    out["n_items"] = out["n_items"].astype(int)
    for col in ("deduction", "bonus", "penalty"):
        out[col] = out[col].round(ROUND)
    return out[SCORE_COLUMNS]
