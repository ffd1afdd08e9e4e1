"""预警 (issue 16): each rule with hand-made bands and rankings, including across a year end."""

import pandas as pd

from jifen.rules import early_warning

PARAMS = {"末位比例": 0.05, "跨年连续": True, "预警分差": 1}
GROUP = "科级领导干部"


def bands(rows) -> pd.DataFrame:
    """rows: (year, quarter, 干部编号, band); quarter 0 = the year."""
    return pd.DataFrame([{"year": y, "quarter": q, "cadre_id": c, "name": f"干部{c}", "band": b, "ranked": True,
                          "source": "计算"} for y, q, c, b in rows],
                        columns=["year", "quarter", "cadre_id", "name", "band", "ranked", "source"])


def ranks(rows, key="2026Q2", group=GROUP) -> pd.DataFrame:
    """rows: (干部编号, score, band[, ranked])."""
    return pd.DataFrame([{"period": key, "group": group, "cadre_id": r[0], "name": f"干部{r[0]}", "unit": "县财政局",
                          "score": float(r[1]), "band": r[2], "ranked": r[3] if len(r) > 3 else True}
                         for r in rows])


def warn(year, quarter, band_rows, q_rows, ytd_rows=(), line=100.0, **params):
    q = ranks(q_rows, f"{year}Q{quarter}")
    ytd = ranks(ytd_rows or [(r[0], r[1], "") for r in q_rows], f"{year}Q{quarter}累计")
    df = early_warning.quarter_warnings(year, quarter, bands(band_rows), ytd, q, {**PARAMS, **params}, line)
    return [(r["干部编号"], r["预警"], r["依据"]) for r in df.to_dict("records")]


def test_two_consecutive_bottom_quarters_warn_once_before_the_talk():
    history = [(2026, 1, "C1", "末位"), (2026, 2, "C1", "末位"),
               (2026, 1, "C2", "末位"), (2026, 2, "C2", "末位"), (2026, 3, "C2", "末位"),
               (2026, 2, "C3", "末位")]
    q2 = warn(2026, 2, history, [("C1", 95, "末位"), ("C2", 95, "末位"), ("C3", 95, "末位"), ("C9", 100, "")],
              预警分差=0)
    assert q2 == [("C1", early_warning.TWO_QUARTERS, "2026年第1、2季度连续排在后5%，下一季度如再排在后5%，将被组织约谈"),
                  ("C2", early_warning.TWO_QUARTERS, "2026年第1、2季度连续排在后5%，下一季度如再排在后5%，将被组织约谈")]
    # at the third quarter 组织约谈 itself is due (a proposal, not a warning)
    q3 = warn(2026, 3, history, [("C2", 95, "末位"), ("C9", 100, "")], 预警分差=0)
    assert q3 == []


def test_two_quarters_across_a_year_end():
    history = [(2025, 4, "C1", "末位"), (2026, 1, "C1", "末位")]
    got = warn(2026, 1, history, [("C1", 96, "末位"), ("C9", 100, "")], 预警分差=0)
    assert got == [("C1", early_warning.TWO_QUARTERS,
                    "2025年第4季度、2026年第1季度连续排在后5%，下一季度如再排在后5%，将被组织约谈")]
    assert warn(2026, 1, history, [("C1", 96, "末位")], 预警分差=0, 跨年连续=False) == []
    # Q3 and Q4: the next quarter is in the next year, which counts only with 跨年连续
    late = [(2026, 3, "C1", "末位"), (2026, 4, "C1", "末位")]
    assert [w[1] for w in warn(2026, 4, late, [("C1", 96, "末位")], 预警分差=0)] == [early_warning.TWO_QUARTERS]
    assert warn(2026, 4, late, [("C1", 96, "末位")], 预警分差=0, 跨年连续=False) == []


def test_bottom_last_year_and_bottom_so_far_this_year():
    history = [(2025, 0, "C1", "末位"), (2025, 0, "C2", "末位"), (2024, 0, "C2", "末位"), (2025, 0, "C3", "末位")]
    q_rows = [("C1", 97, ""), ("C2", 97, ""), ("C3", 99, ""), ("C9", 100, "")]
    ytd = [("C1", 190, "末位"), ("C2", 190, "末位"), ("C3", 199, ""), ("C9", 200, "")]
    got = warn(2026, 1, history, q_rows, ytd, 预警分差=0)
    assert got == [
        ("C1", early_warning.LAST_YEAR, "2025年度被确定为末位人员，2026年第1季度积分排在后5%，"
                             "如2026年度再被确定为末位人员，将由县纪委诫勉谈话"),
        ("C2", early_warning.LAST_YEAR, "2024、2025年度连续两年被确定为末位人员，2026年第1季度积分排在后5%，"
                             "如2026年度再被确定为末位人员，建议调整岗位或相应降职")]
    # not 末位 last year: nothing, however low this year
    assert warn(2026, 2, [(2025, 0, "C9", "先进")], q_rows, ytd, 预警分差=0) == []


def test_close_above_the_bottom_boundary():
    q_rows = [("C1", 95, "末位"), ("C2", 95.5, ""), ("C3", 96, ""), ("C4", 96.5, ""), ("C5", 100, ""),
              ("C6", 95.5, "", False)]
    got = warn(2026, 2, [], q_rows)
    assert got == [("C2", early_warning.NEAR, "2026年第2季度积分95.5分，比本组末位人员最高积分95分仅高0.5分（预警分差 1 分）"),
                   ("C3", early_warning.NEAR, "2026年第2季度积分96分，比本组末位人员最高积分95分仅高1分（预警分差 1 分）")]
    assert [w[0] for w in warn(2026, 2, [], q_rows, 预警分差=2)] == ["C2", "C3", "C4"]
    assert warn(2026, 2, [], q_rows, 预警分差=0) == []
    # a cadre at the 末位分数线 can never be 末位: no warning, however close
    assert warn(2026, 2, [], [("C1", 99.5, "末位"), ("C2", 100, "")]) == []
    # no 末位 in the group: no boundary
    assert warn(2026, 2, [], [("C1", 99, ""), ("C2", 99.5, "")]) == []


def test_one_row_per_warning_grouped_by_cadre():
    history = [(2026, 1, "C2", "末位"), (2025, 0, "C3", "末位")]
    q_rows = [("C1", 95, "末位"), ("C2", 94, "末位"), ("C3", 95.5, ""), ("C9", 100, "")]
    ytd = [("C1", 195, "末位"), ("C2", 194, "末位"), ("C3", 195.5, "末位"), ("C9", 200, "")]
    got = warn(2026, 2, history, q_rows, ytd)
    assert [(c, k) for c, k, _ in got] == [("C2", early_warning.TWO_QUARTERS), ("C3", early_warning.LAST_YEAR), ("C3", early_warning.NEAR)]
