import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jifen import normalize


@pytest.mark.parametrize("raw, expected", [
    ("2026-03", "2026-03"), ("2026年3月", "2026-03"), ("2026年03月份", "2026-03"),
    ("2026/3", "2026-03"), ("２０２６年３月", "2026-03"), (dt.date(2026, 3, 1), "2026-03"),
    (dt.datetime(2026, 3, 15), "2026-03"), ("202603", "2026-03"), ("2026-3-15", "2026-03"),
    ("2026-13", None), ("三月", None), (None, None), ("", None),
])
def test_month(raw, expected):
    assert normalize.month(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    (1, Decimal(1)), (2.0, Decimal("2.0")), ("0.5", Decimal("0.5")), ("２", Decimal(2)),
    ("2篇", Decimal(2)), ("1,000", Decimal(1000)), ("十二", Decimal(12)), ("两", Decimal(2)),
    ("-1", Decimal(-1)), ("abc", None), ("", None), (None, None), (True, None),
])
def test_number(raw, expected):
    assert normalize.number(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("K0001", "K0001"), ("ｋ０００１", "K0001"), (" K0001\u200b", "K0001"), (12345.0, "12345"),
    ("\ufeffK 0001", "K0001"), ("K0001\u3000", "K0001"),
])
def test_cadre_id(raw, expected):
    assert normalize.cadre_id(raw) == expected


def test_label_strips_colon_and_spaces():
    assert normalize.label("干部编号：") == "干部编号"
    assert normalize.label(" 姓 名:") == "姓名"


def test_clean_keeps_chinese_punctuation():
    assert normalize.clean("各乡镇党委，县直（各）\xa0单位") == "各乡镇党委，县直（各） 单位"


@pytest.mark.parametrize("raw, expected", [
    ("2026-03-08", dt.date(2026, 3, 8)), ("2026/3/8", dt.date(2026, 3, 8)),
    ("2026年3月8日", dt.date(2026, 3, 8)), (dt.datetime(2026, 3, 8, 0, 0), dt.date(2026, 3, 8)),
    (46089, dt.date(2026, 3, 8)), ("2026-02-30", None), ("昨天", None),
])
def test_date(raw, expected):
    assert normalize.date(raw) == expected


@given(st.text(alphabet=st.sampled_from(list("ab 甲乙：:\u3000\xa0\u200b\t\n\x01\x7f１Ａ") + [" "]), max_size=12))
def test_clean_shortcut_agrees_with_the_general_path(s):
    assert normalize.clean(s) == normalize.clean_any(s)


@given(st.one_of(
    st.text(alphabet=st.sampled_from(list("ab 甲乙：:\u3000\xa0\u200b\t\n\x01\x7f１Ａ¨ﬁ\u2002\u0301é") + [" "]),
            max_size=12),
    st.text(max_size=8), st.integers(), st.floats(allow_nan=True), st.none()))
def test_text_shortcut_agrees_with_the_general_path(value):
    assert normalize.text(value) == normalize.text_any(value)
