"""Every seed rule with hand-computed numbers (SPEC §3)."""

import pytest
from rules_helpers import items, rulebook, scores, year_periods

from jifen.rules import scoring

BONUS = [("J1-1", 8), ("J1-2", 4), ("J1-3", 2), ("J1-4", 1), ("J1-5", 5), ("J1-6", 3), ("J1-7", 2),
         ("J1-8", 1), ("J2", 1), ("J3", 2), ("J4-1", 2), ("J4-2", 1), ("J4-3", 0.5), ("J5-1", 3),
         ("J5-2", 2), ("J5-3", 1), ("J6", 3), ("J7", 3)]
PENALTY = [("K1", 5), ("K2", 3), ("K3", 3), ("K4", 1), ("K5-1", 1), ("K5-2", 1), ("K5-3", 1),
           ("K6-1", 2), ("K6-2", 1), ("K6-3", 1), ("K6-4", 1)]
BASE_CAPS = [("A1", 30), ("A2", 10), ("A3", 10), ("B1", 10), ("B2", 10), ("C1", 10), ("C2", 10),
             ("D1", 5), ("D2", 5)]


@pytest.mark.parametrize("code, points", BONUS)
def test_each_bonus_value(code, points):
    s = scores([("K1", "2026-02", code, 1)])
    assert s.loc[("2026-02", "K1"), "bonus"] == points
    assert s.loc[("2026-02", "K1"), "score"] == 100 + points
    assert s.loc[("2026Q1", "K1"), "score"] == 100 + points
    assert s.loc[("2026", "K1"), "score"] == 100 + points


@pytest.mark.parametrize("code, points", PENALTY)
def test_each_penalty_value_is_subtracted(code, points):
    s = scores([("K1", "2026-05", code, 1)])
    assert s.loc[("2026Q2", "K1"), "penalty"] == points
    assert s.loc[("2026Q2", "K1"), "score"] == 100 - points


@pytest.mark.parametrize("code, cap", BASE_CAPS)
def test_base_sub_item_capped_per_period(code, cap):
    # two deductions in one quarter adding to cap + 3: only `cap` is deducted
    s = scores([("K1", "2026-01", code, cap - 1), ("K1", "2026-02", code, 4)])
    assert s.loc[("2026Q1", "K1"), "deduction"] == cap
    assert s.loc[("2026Q1", "K1"), "score"] == 100 - cap
    # each month alone stays under the cap
    assert s.loc[("2026-01", "K1"), "deduction"] == cap - 1
    assert s.loc[("2026-02", "K1"), "deduction"] == min(4, cap)


def test_quantity_multiplies_and_half_points():
    s = scores([("K1", "2026-03", "J5-2", 2), ("K1", "2026-03", "J4-3", 1)])
    assert s.loc[("2026-03", "K1"), "bonus"] == 4.5
    assert s.loc[("2026Q1", "K1"), "score"] == 104.5


def test_same_matter_in_two_quarters_counts_the_increase():
    # county award (1) in March, city award (2) for the same matter in May
    s = scores([("K1", "2026-03", "J1-4", 1, "防汛"), ("K1", "2026-05", "J1-3", 1, "防汛")])
    assert s.loc[("2026Q1", "K1"), "bonus"] == 1
    assert s.loc[("2026Q2", "K1"), "bonus"] == 1
    assert s.loc[("2026", "K1"), "bonus"] == 2


def test_same_matter_lower_value_later_adds_nothing():
    s = scores([("K1", "2026-03", "J1-3", 1, "m"), ("K1", "2026-05", "J1-4", 1, "m")])
    assert s.loc[("2026Q1", "K1"), "bonus"] == 2
    assert ("2026Q2", "K1") not in s.index or s.loc[("2026Q2", "K1"), "bonus"] == 0
    assert s.loc[("2026", "K1"), "bonus"] == 2


def test_twelve_point_row_capped_at_ten():
    s = scores([("K1", "2026-04", "J5-1", 4)])
    assert s.loc[("2026-04", "K1"), "bonus"] == 10
    assert s.loc[("2026", "K1"), "score"] == 110


def test_rows_without_matter_are_distinct_and_total_uncapped():
    s = scores([("K1", "2026-04", "J1-1", 1), ("K1", "2026-04", "J1-1", 1)])
    assert s.loc[("2026-04", "K1"), "bonus"] == 16


def test_total_bonus_cap_when_set():
    rb = rulebook(加分总上限=10.0)
    s = scores([("K1", "2026-04", "J1-1", 1), ("K1", "2026-04", "J1-1", 1)], rb=rb)
    assert s.loc[("2026-04", "K1"), "bonus"] == 10


def test_penalty_same_matter_takes_highest():
    s = scores([("K1", "2026-01", "K4", 1, "会议"), ("K1", "2026-02", "K1", 1, "会议")])
    assert s.loc[("2026-01", "K1"), "penalty"] == 1
    assert s.loc[("2026-02", "K1"), "penalty"] == 4
    assert s.loc[("2026Q1", "K1"), "penalty"] == 5
    assert s.loc[("2026", "K1"), "score"] == 95


def test_same_label_on_bonus_and_penalty_sides_are_separate():
    s = scores([("K1", "2026-01", "J1-4", 1, "x"), ("K1", "2026-01", "K4", 1, "x")])
    assert s.loc[("2026-01", "K1"), "bonus"] == 1
    assert s.loc[("2026-01", "K1"), "penalty"] == 1


def test_same_matter_does_not_cross_years():
    rb = rulebook()
    df = items([("K1", "2025-12", "J1-4", 1, "m"), ("K1", "2026-01", "J1-4", 1, "m")], rb)
    scored = scoring.score_items(df, rb)
    assert list(scored["contribution"]) == [1, 1]


def test_why_explains_caps_and_matters():
    rb = rulebook()
    df = items([("K1", "2026-03", "J1-4", 1, "m"), ("K1", "2026-05", "J1-3", 1, "m"),
                ("K1", "2026-06", "J5-1", 4)], rb)
    scored = scoring.score_items(df, rb)
    assert list(scored["contribution"]) == [1, 1, 10]
    assert "同一事项" in scored.iloc[1]["why"]
    assert "上限" in scored.iloc[2]["why"]


def test_months_add_up_to_quarters_and_year():
    rows = [("K1", f"2026-{m:02d}", "J1-4", 1) for m in range(1, 13)] + [("K1", "2026-02", "A1", 2)]
    s = scores(rows)
    months = sum(s.loc[(f"2026-{m:02d}", "K1"), "score"] - 100 for m in range(1, 13))
    quarters = sum(s.loc[(f"2026Q{q}", "K1"), "score"] - 100 for q in range(1, 5))
    assert months == quarters == s.loc[("2026", "K1"), "score"] - 100 == 10


def test_base_cap_applies_within_each_period_and_rows_add_up_to_the_year():
    # A2 (cap 10): 10 points deducted in Q1 and 10 in Q2. Each quarter deducts 10; the year
    # deducts at most the cap, 10; the rows' annual values are 10 and 0 and add up to it.
    rb = rulebook()
    df = items([("K1", "2026-02", "A2", 10), ("K1", "2026-05", "A2", 10)], rb)
    scored = scoring.score_items(df, rb)
    assert list(scored["contribution"]) == [10.0, 0.0]
    assert scored["why"].iloc[1] == "子项 A2 本年度扣分已达上限 10 分"
    assert scored["why"].iloc[0] == ""
    s = scoring.period_scores(scored, year_periods(), rb).set_index(["period", "cadre_id"])
    assert s.loc[("2026Q1", "K1"), "deduction"] == 10
    assert s.loc[("2026Q2", "K1"), "deduction"] == 10
    assert s.loc[("2026", "K1"), "deduction"] == scored["contribution"].sum() == 10
    assert s.loc[("2026", "K1"), "score"] == 90


def test_base_row_crossing_the_cap_counts_the_remainder():
    # D1 (cap 5): 3 in January, 4 in February → the year counts 3 + 2 (the rest of the cap)
    rb = rulebook()
    scored = scoring.score_items(items([("K1", "2026-01", "D1", 3), ("K1", "2026-02", "D1", 4)], rb), rb)
    assert list(scored["contribution"]) == [3.0, 2.0]
    s = scoring.period_scores(scored, year_periods(), rb).set_index(["period", "cadre_id"])
    assert s.loc[("2026-02", "K1"), "deduction"] == 4      # the month alone is under the cap
    assert s.loc[("2026Q1", "K1"), "deduction"] == 5
