"""frames.rows / values / to_dict give exactly what pandas' own iteration gives."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

from jifen import frames


def _same(a, b) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return a is b or a == b


def _sample() -> pd.DataFrame:
    df = pd.DataFrame({
        "text": ["甲", None, "b"], "obj": pd.Series([np.int64(1), "x", None], dtype=object),
        "n": [1, 2, 3], "x": [0.5, float("nan"), 2.0], "ok": [True, False, True],
        "maybe": pd.array([1, None, 3], dtype="Int64"), "when": pd.to_datetime(["2026-01-01", None, "2026-03-01"]),
        "day": [dt.date(2026, 1, 1), None, dt.date(2026, 3, 1)], "lists": [[], [1], None],
        "bad name": ["p", "q", "r"],
    })
    return df


def test_values_and_rows_agree_with_pandas():
    for df in (_sample(), _sample().set_index("text"), _sample().iloc[[2, 0]], _sample().iloc[:0]):
        for col in df.columns:
            assert all(map(_same, list(df[col]), frames.values(df[col])))
            assert len(list(df[col])) == len(frames.values(df[col]))
        assert all(map(_same, list(df.index), frames.values(df.index)))
        mine, theirs = list(frames.rows(df)), list(df.itertuples())
        assert len(mine) == len(theirs)
        for a, b in zip(mine, theirs):
            assert a._fields == b._fields and all(map(_same, a, b))


def test_to_dict_agrees_with_pandas():
    df = _sample().set_index("bad name")
    for col in df.columns:
        mine, theirs = frames.to_dict(df[col]), df[col].to_dict()
        assert list(mine) == list(theirs) and all(map(_same, mine.values(), theirs.values()))
