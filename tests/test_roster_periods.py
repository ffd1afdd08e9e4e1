"""Ranking across roster changes (SPEC §3.4, §4 roster), through `pipeline.run`.

A cadre is ranked in a period when on the roster on its last day and for at least
季度最少在册月数 / 年度最少在册月数 months of it (a month counts when on the roster at its end);
unit and group are those of the period's last day; others are listed with 名次 empty and the
reason in 备注. An incomplete quarter is titled 截至N月 and its bands are noted 暂定.
"""

import builders as b
import pandas as pd
import pytest

from jifen.pipeline import Options, run
from jifen.rules import periods, ranking

KE, HOU = "科级领导干部", "后备干部"
MONTHS = periods.month_keys(2026)

ROSTER = [
    ("K0001", "张明", "县财政局", "局长", KE, "2020-01-01"),
    ("K0002", "李华", "县财政局", "副局长", KE, "2020-01-01"),
    ("K0003", "王伟", "城关镇", "镇长", KE, "2020-01-01", "2026-02-15"),         # leaves in February
    ("K0004", "赵强", "县水利局", "局长", KE, "2026-03-10"),                      # joins in March
    ("K0005", "孙丽", "县民政局", "局长", KE, "2020-01-01", "2026-04-30"),        # unit change …
    ("K0005", "孙丽", "城关镇", "镇长", KE, "2026-05-01"),                        # … from May
    ("K0006", "钱进", "县商务局", "局长", KE, "2026-08-15"),                      # joins in August
    ("K0007", "郑洁", "县林业局", "局长", KE, "2020-01-01"),
    ("H0001", "周军", "县教育局", "股长", HOU, "2020-01-01", "2026-05-31"),       # promoted …
    ("H0001", "周军", "县教育局", "副局长", KE, "2026-06-01"),                    # … from June
    ("H0002", "吴刚", "县卫健局", "股长", HOU, "2020-01-01"),
]


def county(root, months=MONTHS, rulebook=b.RULEBOOK, roster=ROSTER):
    inp = root / "input"
    b.roster(inp / "名册.xlsx", roster, title="干部名册")
    # one county award for K0001 every month with data: each of those months has data
    b.month_register(inp / "登记/每月.xlsx", months, "K0001", "张明")
    others = [
        {"id": "DJ1", "cadre_id": "K0003", "name": "王伟", "month": "2026-01", "code": "J1-3"},
        {"id": "DJ2", "cadre_id": "K0007", "name": "郑洁", "month": "2026-02", "code": "A1", "qty": 2},
        {"id": "DJ3", "cadre_id": "H0002", "name": "吴刚", "month": "2026-02", "code": "K4"},
    ]
    b.register(inp / "登记/其他.xlsx", [r for r in others if r["month"] in months])
    res = run(Options(inp, root / "output", rulebook, root / "archive", write=False))
    assert not res.fatal
    assert list(res.ranks.columns) == ranking.RANK_COLUMNS
    return res


@pytest.fixture(scope="module")
def year(tmp_path_factory):
    return county(tmp_path_factory.mktemp("year"))


def rank_row(res, period, cadre_id) -> dict:
    rows = res.ranks[(res.ranks["period"] == period) & (res.ranks["cadre_id"] == cadre_id)]
    assert len(rows) == 1, (period, cadre_id, len(rows))
    return rows.iloc[0].to_dict()


def listed(res, period) -> list:
    return sorted(res.ranks.loc[res.ranks["period"] == period, "cadre_id"])


def period(res, key):
    (p,) = [p for p in res.periods if p.key == key]
    return p


def unranked(row) -> bool:
    return (not row["ranked"]) and pd.isna(row["rank"]) and row["band"] == "" and row["note"] != ""


# --- who is ranked ----------------------------------------------------------------------------

def test_complete_year_has_complete_periods(year):
    keys = [p.key for p in year.periods if p.kind != "month"]
    assert keys == ["2026Q1", "2026Q2", "2026Q3", "2026Q4", "2026"]
    assert all(p.complete for p in year.periods)
    assert period(year, "2026Q1").title == "2026年第一季度" and period(year, "2026").title == "2026年度"
    assert not year.ranks["note"].str.contains("暂定").any()


def test_quarter_lists_everyone_on_the_roster_at_any_time_in_it(year):
    assert listed(year, "2026Q1") == ["H0001", "H0002", "K0001", "K0002", "K0003", "K0004", "K0005", "K0007"]
    assert listed(year, "2026Q2") == ["H0001", "H0002", "K0001", "K0002", "K0004", "K0005", "K0007"]
    assert listed(year, "2026Q3") == ["H0001", "H0002", "K0001", "K0002", "K0004", "K0005", "K0006", "K0007"]
    assert listed(year, "2026") == ["H0001", "H0002", "K0001", "K0002", "K0003", "K0004", "K0005", "K0006", "K0007"]


def test_joiner_is_ranked_in_the_quarter_they_join(year):
    q1 = rank_row(year, "2026Q1", "K0004")
    assert q1["ranked"] and q1["months_on"] == 1 and q1["rank"] == 2 and q1["group"] == KE
    assert q1["score"] == 100 and q1["unit"] == "县水利局"
    y = rank_row(year, "2026", "K0004")
    assert y["ranked"] and y["months_on"] == 10


def test_late_joiner_is_not_ranked_for_the_year(year):
    y = rank_row(year, "2026", "K0006")
    assert y["months_on"] == 5 and unranked(y)          # 5 < 年度最少在册月数 6
    assert "6" in y["note"]
    q3 = rank_row(year, "2026Q3", "K0006")
    assert q3["ranked"] and q3["months_on"] == 2 and q3["rank"] == 2
    q4 = rank_row(year, "2026Q4", "K0006")
    assert q4["ranked"] and q4["months_on"] == 3


def test_leaver_is_listed_without_a_rank(year):
    q1 = rank_row(year, "2026Q1", "K0003")
    assert unranked(q1) and q1["months_on"] == 1
    assert q1["score"] == 102 and q1["unit"] == "城关镇"    # the January award still shows
    assert "2026年3月31日" in q1["note"]
    y = rank_row(year, "2026", "K0003")
    assert unranked(y) and y["score"] == 102
    # the leaver is not counted in the group: four others share rank 2 behind K0001
    ranks = year.ranks[(year.ranks["period"] == "2026Q1") & (year.ranks["group"] == KE) & year.ranks["ranked"]]
    assert sorted(ranks["rank"].astype(int)) == [1, 2, 2, 2, 5]


def test_unranked_rows_come_last_in_their_group(year):
    q1 = year.ranks[year.ranks["period"] == "2026Q1"]
    ke = q1[q1["group"] == KE]
    assert list(ke["cadre_id"]) == ["K0001", "K0002", "K0004", "K0005", "K0007", "K0003"]


def test_minimum_months_come_from_the_rulebook(tmp_path):
    rb = b.rulebook_with(tmp_path / "rulebook.xlsx", 季度最少在册月数=2, 年度最少在册月数=11)
    res = county(tmp_path, rulebook=rb)
    q1 = rank_row(res, "2026Q1", "K0004")
    assert q1["months_on"] == 1 and unranked(q1) and "2" in q1["note"]
    assert rank_row(res, "2026Q2", "K0004")["ranked"]
    y = rank_row(res, "2026", "K0004")
    assert y["months_on"] == 10 and unranked(y)
    assert rank_row(res, "2026", "K0001")["ranked"]


# --- unit and group as of the period's last day -------------------------------------------------

def test_unit_change_takes_the_unit_at_period_end(year):
    assert (rank_row(year, "2026Q1", "K0005")["unit"], rank_row(year, "2026Q1", "K0005")["post"]) == ("县民政局", "局长")
    q2 = rank_row(year, "2026Q2", "K0005")
    assert (q2["unit"], q2["post"], q2["ranked"], q2["months_on"]) == ("城关镇", "镇长", True, 3)
    assert rank_row(year, "2026", "K0005")["unit"] == "城关镇"
    assert rank_row(year, "2026", "K0005")["months_on"] == 12


def test_promotion_ranks_in_the_group_of_period_end(year):
    q1 = rank_row(year, "2026Q1", "H0001")
    assert (q1["group"], q1["category"], q1["post"], q1["ranked"]) == (HOU, HOU, "股长", True)
    q2 = rank_row(year, "2026Q2", "H0001")
    assert (q2["group"], q2["category"], q2["post"], q2["ranked"], q2["months_on"]) == (KE, KE, "副局长", True, 3)
    assert rank_row(year, "2026", "H0001")["group"] == KE
    q2_ke = year.ranks[(year.ranks["period"] == "2026Q2") & (year.ranks["group"] == KE)]
    assert "H0001" in set(q2_ke["cadre_id"])
    q2_hou = year.ranks[(year.ranks["period"] == "2026Q2") & (year.ranks["group"] == HOU)]
    assert list(q2_hou["cadre_id"]) == ["H0002"]


def test_groups_are_ranked_separately(year):
    q1 = year.ranks[year.ranks["period"] == "2026Q1"].set_index("cadre_id")
    assert q1.loc["K0001", "band"] == "先进" and q1.loc["K0001", "score"] == 103
    assert q1.loc["K0007", "band"] == "末位" and q1.loc["K0007", "score"] == 98
    # H0001 heads 后备 at exactly 100 (no bonus, no deduction): first, but not 先进 (issue 11)
    assert (q1.loc["H0001", "rank"], q1.loc["H0001", "band"], q1.loc["H0001", "score"]) == (1, "", 100)
    assert (q1.loc["H0002", "rank"], q1.loc["H0002", "band"], q1.loc["H0002", "score"]) == (2, "末位", 99)
    # Q2: H0001 has moved to 科级; 后备 has a single cadre: no bands
    q2 = year.ranks[year.ranks["period"] == "2026Q2"].set_index("cadre_id")
    assert (q2.loc["H0002", "rank"], q2.loc["H0002", "band"]) == (1, "")


def test_custom_ranking_group_from_the_roster(tmp_path):
    roster = [r for r in ROSTER if r[0] not in ("K0005", "K0007")] + [
        ("K0005", "孙丽", "城关镇", "镇长", KE, "2020-01-01", None, "乡镇组"),
        ("K0007", "郑洁", "县林业局", "局长", KE, "2020-01-01", None, "乡镇组")]
    res = county(tmp_path, roster=roster)
    q1 = res.ranks[res.ranks["period"] == "2026Q1"].set_index("cadre_id")
    assert (q1.loc["K0007", "group"], q1.loc["K0007", "category"]) == ("乡镇组", KE)
    town = q1[q1["group"] == "乡镇组"]
    assert sorted(town.index) == ["K0005", "K0007"]
    assert (town.loc["K0005", "rank"], town.loc["K0007", "rank"]) == (1, 2)
    assert (town.loc["K0005", "band"], town.loc["K0007", "band"]) == ("", "末位")     # 100 is not above 100
    ke = q1[(q1["group"] == KE) & q1["ranked"]]
    assert sorted(ke.index) == ["K0001", "K0002", "K0004"]


# --- incomplete periods ---------------------------------------------------------------------

def test_incomplete_quarter_is_titled_and_its_bands_provisional(tmp_path):
    res = county(tmp_path, months=("2026-01", "2026-02"))
    q1 = period(res, "2026Q1")
    assert (q1.complete, q1.last_data_month, q1.last_day) == (False, "2026-02", b.d("2026-02-28"))
    assert "截至2月" in q1.title and q1.title.startswith("2026年第一季度")
    y = period(res, "2026")
    assert not y.complete and "截至2月" in y.title
    assert [p.key for p in res.periods if p.kind == "quarter"] == ["2026Q1"]
    ranks = res.ranks[res.ranks["period"] == "2026Q1"].set_index("cadre_id")
    banded = ranks[ranks["band"] != ""]
    assert set(banded.index) == {"K0001", "K0007", "H0002"}
    assert banded["note"].str.contains("暂定").all()
    assert not ranks.loc[ranks["band"] == "", "note"].str.contains("暂定").any()
    # judged as of 2月28日: the March joiner is not in it, the cadre who left on 2月15日 is unranked
    assert "K0004" not in ranks.index
    assert unranked(ranks.loc["K0003"].to_dict())


def test_quarter_with_a_gap_is_incomplete(tmp_path):
    res = county(tmp_path, months=("2026-01", "2026-03"))
    q1 = period(res, "2026Q1")
    assert not q1.complete and "截至3月" in q1.title and q1.last_day == b.d("2026-03-31")
    banded = res.ranks[(res.ranks["period"] == "2026Q1") & (res.ranks["band"] != "")]
    assert list(banded["cadre_id"]) == ["K0001"] and banded["note"].str.contains("暂定").all()
    # the March joiner is on the roster on the quarter's last day
    assert rank_row(res, "2026Q1", "K0004")["ranked"]
