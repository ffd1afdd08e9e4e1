"""Ranks, quotas, ties and bands (SPEC §3.4), by hand and by property."""

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jifen.rules import ranking

PARAMS = {"先进比例": 0.15, "末位比例": 0.05, "最少人数": 1}


def bands(scores, line=100.0, params=PARAMS, top_line=100.0):
    s = pd.Series(scores, index=[f"K{i:04d}" for i in range(len(scores))], dtype=float)
    rank, bottom, band, note = ranking.band_group(s, params, line, top_line)
    return list(rank), list(band), list(note)


@pytest.mark.parametrize("n, share, expected", [
    (30, 0.05, 2),    # 1.5 → 2 half up (Python's round gives 2 too, banker's to even)
    (50, 0.05, 3),    # 2.5 → 3 half up; Python's round(2.5) == 2
    (50, 0.15, 8),    # 7.5 → 8; round(7.5) == 8
    (10, 0.15, 2),    # 1.5 → 2
    (30, 0.15, 5),    # 4.5 → 5; round(4.5) == 4
    (1, 0.15, 1), (1, 0.05, 1), (3, 0.05, 1), (0, 0.15, 0),
])
def test_quota_half_up_in_decimal(n, share, expected):
    assert ranking.quota(n, share, 1) == expected


def test_competition_ranking_and_stable_ties():
    rank, band, _ = bands([105, 103, 103, 101, 100, 100, 99])
    assert rank == [1, 2, 2, 4, 5, 5, 7]


def test_bands_for_twenty():
    scores = [110 - i for i in range(20)]          # 110 .. 91, all distinct
    rank, band, _ = bands(scores)
    assert band.count("先进") == 3 and band[:3] == ["先进"] * 3
    assert band.count("末位") == 1 and band[-1] == "末位"


def test_tie_straddling_top_boundary_included_whole():
    scores = [110, 109, 108, 108, 107] + [100] * 15   # N=20, k_top=3: rank 3 tie of two
    rank, band, note = bands(scores)
    assert band[:4] == ["先进"] * 4
    assert "并列超额" in note[2] and "并列超额" in note[3]


def test_bottom_at_exactly_100_never_last():
    scores = [110, 105, 104, 103] + [100] * 16
    _, band, _ = bands(scores)
    assert "末位" not in band


def test_bottom_tie_below_line_included_whole():
    scores = [110] * 2 + [105] * 16 + [98, 98]     # N=20, k_bot=1, tie of two at the bottom
    _, band, note = bands(scores)
    assert band[-2:] == ["末位", "末位"]
    assert "并列超额" in note[-1]


def test_whole_group_tied_has_no_bands():
    _, band, note = bands([99.5] * 7)
    assert band == [""] * 7
    assert all("积分相同" in n for n in note)


def test_single_cadre_group_has_no_bands():
    _, band, _ = bands([95])
    assert band == [""]


def test_tie_both_top_and_bottom_gets_neither():
    # N=3: k_top = 1, k_bot = 1; two tied at the top who are also bottom-ranked ≤ 1? no:
    # use [99, 99, 98.5]? bottom rank of 99 is 2. Make a case where a tie spans both bands:
    # (先进分数线 lowered to 90 so that scores below the base can be 先进)
    scores = [99, 98, 98]        # k_top=1 (rank1: 99), k_bot=1: bottom rank of 98s is 1
    _, band, _ = bands(scores, top_line=90)
    assert band == ["先进", "末位", "末位"]
    scores = [98, 98, 97]        # rank of 98s is 1 → 先进 (2 ≤ 2×1); bottom rank of 97 is 1
    _, band, _ = bands(scores, top_line=90)
    assert band == ["先进", "先进", "末位"]
    scores = [98, 97, 97, 97]    # k_top=1 (0.6→1), k_bot=1; 97s: rank 2, bottom 1, 3 > 2×1 → left out
    _, band, note = bands(scores, top_line=90)
    assert band == ["先进", "", "", ""]
    assert all("并列人数过多，由县委组织部研究确定" in n for n in note[1:])


def test_tie_that_would_be_both_is_neither():
    params = {"先进比例": 0.5, "末位比例": 0.5, "最少人数": 1}
    scores = [99, 98, 98, 98, 97]   # k_top = k_bot = 3 (2.5 → 3): 98s are rank 2 and bottom 2
    _, band, note = bands(scores, params=params, top_line=90)
    assert band == ["先进", "", "", "", "末位"]
    assert all("无法区分" in n for n in note[1:4])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=180, max_value=220).map(lambda x: x / 2), min_size=1, max_size=60))
def test_band_properties(values):
    rank, band, note = bands(values)
    s = pd.Series(values)
    # a rank is 1 + the number of strictly higher scores
    assert all(r == 1 + int((s > v).sum()) for r, v in zip(rank, values))
    # equal scores always get the same band; 先进 scores above every 末位 score
    for v in set(values):
        assert len({b for b, x in zip(band, values) if x == v}) == 1
    tops = [v for v, b in zip(values, band) if b == "先进"]
    lows = [v for v, b in zip(values, band) if b == "末位"]
    if tops and lows:
        assert min(tops) > max(lows)
    assert all(v < 100 for v in lows) and all(v > 100 for v in tops)
    # a band holds at most twice its quota, and is closed upwards (downwards for 末位):
    # nobody scoring better than a 先进 (worse than a 末位) is left out of it
    k_top, k_bot = (ranking.quota(len(values), PARAMS[x], 1) for x in ("先进比例", "末位比例"))
    assert len(tops) <= 2 * k_top and len(lows) <= 2 * k_bot
    assert all(b == "先进" for v, b in zip(values, band) if tops and v > min(tops))
    assert all(b == "末位" for v, b in zip(values, band) if lows and v < max(lows))
    # an eligible cadre within the quota is left out only as part of an oversize tie
    for r, v, b, n in zip(rank, values, band, note):
        if r <= k_top and v > 100 and b != "先进" and len(set(values)) > 1:
            assert "并列人数过多" in n
    # bands never shrink below the quota unless a tie or the line prevents it
    if len(set(values)) == 1:
        assert band == [""] * len(values)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(min_value=190, max_value=210), min_size=2, max_size=40), st.randoms())
def test_bands_do_not_depend_on_order(values, rnd):
    scores = [v / 2 for v in values]
    ids = [f"K{i:04d}" for i in range(len(scores))]
    s = pd.Series(scores, index=ids)
    _, _, band1, _ = ranking.band_group(s, PARAMS, 100.0, 100.0)
    shuffled = list(ids)
    rnd.shuffle(shuffled)
    _, _, band2, _ = ranking.band_group(s[shuffled], PARAMS, 100.0, 100.0)
    assert band1.to_dict() == band2.to_dict()


def test_quiet_quarter_of_31_only_cadres_above_the_line_are_top():
    """Issue 11: 29 of 31 at exactly 100 were all listed 先进 (tie at rank 3, quota 5)."""
    scores = [103, 101.5] + [100] * 29        # k_top = 31 × 15% = 4.65 → 5, k_bot = 1.55 → 2
    rank, band, note = bands(scores)
    assert rank[:3] == [1, 2, 3] and set(rank[2:]) == {3}
    assert band == ["先进", "先进"] + [""] * 29      # 100 is not above 先进分数线 100
    assert "末位" not in band                        # and not below 末位分数线 100
    assert note == [""] * 31


def test_quiet_quarter_with_a_lower_line_leaves_the_oversize_tie_out():
    # 先进分数线 99: the 29 at 100 are eligible; 2 + 29 = 31 > 2 × 5 → the tied block is left out
    scores = [103, 101.5] + [100] * 29
    _, band, note = bands(scores, top_line=99)
    assert band == ["先进", "先进"] + [""] * 29
    assert all(n.startswith("并列人数过多，由县委组织部研究确定") for n in note[2:])
    assert "先进名额 5 人，第 3 名并列 29 人" in note[2]


def test_top_tie_up_to_twice_the_quota_is_taken_whole():
    # N = 20, k_top = 3: one at 110 and five tied at rank 2 → 6 = 2 × 3 → all six 先进
    scores = [110] + [108] * 5 + [104] * 14
    _, band, note = bands(scores)
    assert band[:6] == ["先进"] * 6 and band[6:] == [""] * 14
    assert all("并列超额（先进名额 3 人）" == n for n in note[1:6])
    # six tied → 7 > 6 → the tie is left out, only 110 stays
    scores = [110] + [108] * 6 + [104] * 13
    _, band, note = bands(scores)
    assert band == ["先进"] + [""] * 19
    assert all("并列人数过多" in n for n in note[1:7]) and note[7:] == [""] * 13


def test_bottom_tie_over_twice_the_quota_is_left_out():
    # N = 20, k_bot = 1: three tied at 98 at the bottom → 3 > 2 → no 末位, noted
    scores = [110] * 2 + [105] * 15 + [98] * 3
    _, band, note = bands(scores)
    assert "末位" not in band
    assert all(n.startswith("并列人数过多，由县委组织部研究确定（末位名额 1 人") for n in note[-3:])
    # the block above the oversize one does not move down into the band
    scores = [110] * 2 + [105] * 14 + [99] + [98] * 3
    _, band, _ = bands(scores)
    assert "末位" not in band


def test_no_bonus_no_deduction_is_neither_even_when_the_others_all_lost_points():
    # everyone else lost points: the cadre at 100 ranks first but is not 先进
    scores = [100, 99, 98, 97, 96, 95, 94, 93, 92, 91]   # k_top = 1.5 → 2, k_bot = 0.5 → 1
    _, band, _ = bands(scores)
    assert band[0] == "" and band[1:].count("先进") == 0
    assert band[-1] == "末位"


# --- through the pipeline: every output reads the one band computation ----------------------------

def test_oversize_tie_is_left_out_everywhere_bands_are_shown(tmp_path):
    """20 cadres (k_top 3, k_bottom 1) in Q1 2026: C01 +3; C02–C08 +1, seven tied at rank 2 (1 + 7 = 8 >
    2 × 3, left out); C19 and C20 −2, two tied at the bottom (2 ≤ 2 × 1, 并列超额); the rest at 100."""
    import builders as b
    import docx
    import openpyxl

    plan = {"C01": {"2026Q1": 3}, **{f"C{i:02d}": {"2026Q1": 1} for i in range(2, 9)},
            "C19": {"2026Q1": -2}, "C20": {"2026Q1": -2}}
    b.scored_county(tmp_path, plan, ("2026-01", "2026-02", "2026-03"), tops=False)
    res = b.pipeline_run(tmp_path, write=True)
    q1 = res.ranks[res.ranks["period"] == "2026Q1"].set_index("cadre_id")
    assert q1.loc["C01", "band"] == "先进"
    assert (q1.loc[[f"C{i:02d}" for i in range(2, 9)], "band"] == "").all()
    assert q1.loc["C02", "note"] == "并列人数过多，由县委组织部研究确定（先进名额 3 人，第 2 名并列 7 人）"
    assert list(q1.loc[["C19", "C20"], "band"]) == ["末位", "末位"]
    assert q1.loc["C09", "band"] == "" and q1.loc["C09", "score"] == 100
    out = tmp_path / "output"
    att = {r["干部编号"]: r for r in b.table(out / "季度通报" / "2026年第1季度积分排名.xlsx", "季度排名")}
    assert (att["C05"]["等次"] or "", att["C05"]["备注"]) == ("", q1.loc["C05", "note"])
    text = "\n".join(p.text for p in docx.Document(out / "季度通报" / "2026年第1季度积分情况通报.docx").paragraphs)
    assert "第2名积分相同的7人超过先进名额的两倍，是否确定为先进人员由县委组织部研究确定。" in text
    assert "前15%且积分高于100分的确定为先进人员" in text
    ledger = openpyxl.load_workbook(out / "台账" / "2026" / "个人" / "城关镇" / "C05_干部C05.xlsx")
    cells = [c for row in ledger.worksheets[0].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any(c.startswith("并列人数过多，由县委组织部研究确定") for c in cells)
