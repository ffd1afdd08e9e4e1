"""What an appeal decision did to the cadre's period scores (pure).

A reply that only says "调整为 1 分" lets the cadre believe the score moved; under a sub-item
cap or the same-matter rule it may not have. The cadre's own rows are scored twice, with the
item as it stood before the appeal and as it stands now, and the reply names the rule that
absorbed the change.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from jifen.rules import checks, scoring


@dataclass(frozen=True)
class Effect:
    scores: list            # (period title, score before, score after) for the item's quarter and year
    reason: str             # why the scores did not move ("" when they did)

    @property
    def unchanged(self) -> bool:
        return all(before == after for _t, before, after in self.scores)


def _before_value(rec: dict, previous: dict | None) -> float | None:
    """The item's value before the appeal; None = it did not count."""
    if previous is None:
        return _num(rec["rule_value"]) if rec["source"] == "登记" else None
    if previous["conclusion"] == "不通过":
        return None
    if previous["conclusion"] == "调整":
        return float(previous["value"])
    return _num(rec["rule_value"])


def _num(v) -> float | None:
    return None if v is None or v != v else float(v)


def effect(items: pd.DataFrame, periods: list, rulebook, rec: dict, previous: dict | None) -> Effect:
    """The item's quarter and year scores of its cadre before and after the appeal."""
    mine = items[(items["cadre_id"] == rec["cadre_id"]) & (items["status"] == checks.COUNTED)]
    others = mine[mine["item_id"] != rec["item_id"]]
    own = items[(items["item_id"] == rec["item_id"]) & (items["status"] != checks.INVALID)].head(1)
    before_value = _before_value(rec, previous)
    before_rows = others
    if before_value is not None and not own.empty:
        before_rows = pd.concat([others, own.assign(value=before_value, status=checks.COUNTED)])
    after_value = float(own["value"].iloc[0]) if not own.empty and own["status"].iloc[0] == checks.COUNTED else None
    touched = [p for p in periods if p.kind in ("quarter", "year") and rec["month"] in p.months]
    scores = []
    for p in touched:
        pair = []
        for rows in (before_rows, mine):
            s = scoring.period_scores(scoring.score_items(rows, rulebook), [p], rulebook)
            pair.append(float(s["score"].iloc[0]) if len(s) else float(rulebook.base_score))
        scores.append((p.title, *pair))
    result = Effect(scores, "")
    if not result.unchanged:
        return result
    return Effect(scores, _why_unchanged(rec, others, before_value, after_value, touched, rulebook))


def _why_unchanged(rec, others, before, after, periods, rulebook) -> str:
    if before == after:
        return "复核结论与原结论的计分相同"
    quarter = next((p for p in periods if p.kind == "quarter"), periods[0] if periods else None)
    kind = rec.get("kind")
    if kind == "base" and quarter is not None:
        cap = rulebook.items["cap"].get(rec["code"])
        same = others[(others["code"] == rec["code"]) & others["month"].isin(quarter.months)]
        rest = float(same["value"].sum())
        if cap is not None and cap == cap and rest + min(before or 0, after or 0) >= cap:
            return (f"{quarter.title}你的 {rec['code']} 子项还有其他扣分事项（合计 {rest:g} 分），"
                    f"复核前后该子项的扣分都达到每期上限 {cap:g} 分，按上限扣分")
    if kind in ("bonus", "penalty") and rec.get("matter"):
        same = others[(others["matter"] == rec["matter"]) & (others["kind"] == kind)
                      & (others["month"].str[:4] == rec["month"][:4])]
        if len(same) and float(same["value"].max()) >= max(before or 0, after or 0):
            return (f"该事项与你同一事项“{rec['matter']}”的其他事项是同一事项，全年按最高分值 "
                    f"{float(same['value'].max()):g} 分计一次")
    cap = float(rulebook.params["同一事项加分上限"])
    if kind == "bonus" and min(before or 0, after or 0) >= cap:
        return f"单个事项加分上限为 {cap:g} 分"
    total = rulebook.params.get("加分总上限")
    if kind == "bonus" and total is not None:
        return f"你的加分合计已达到加分总上限 {float(total):g} 分"
    return "积分规则的上限抵消了本事项的变化"
