"""Row-wise iteration over DataFrames at the speed of plain lists.

pandas (3.x) iterates a string column element by element through its extension array, at a
few microseconds per value; `itertuples` and `zip` over columns spend most of a run's
compute there. `values` and `rows` give exactly what iterating the column (or `itertuples`)
gives, from the column's backing array in one step.
"""

from __future__ import annotations

import collections

import numpy as np
import pandas as pd


def values(column) -> list:
    """`list(column)` of a Series or an Index, fast: the same Python objects, in order."""
    dtype = column.dtype
    if isinstance(dtype, np.dtype) and dtype.kind not in "mM":
        return column.to_numpy().tolist()       # what iterating yields: Python scalars, or the objects
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "python":
        return column.array.to_numpy().tolist()     # the stored str objects and missing markers
    return list(column)


def rows(df: pd.DataFrame):
    """`df.itertuples()`, fast: namedtuples with the index first, the same values."""
    fields = ["Index"] + list(df.columns)
    make = collections.namedtuple("Pandas", fields, rename=True)._make
    cols = [values(df.index)] + [values(df.iloc[:, k]) for k in range(len(df.columns))]
    return map(make, zip(*cols))


def columns(df: pd.DataFrame, *names: str) -> list[list]:
    """`values` of several columns, for `zip(*columns(df, "a", "b"))`."""
    return [values(df[name]) for name in names]


def to_dict(series: pd.Series) -> dict:
    """`series.to_dict()`, fast, for numeric and text columns (pandas converts the values of
    the others, so they go through it)."""
    if _plain(series.dtype):
        return dict(zip(values(series.index), values(series)))
    return series.to_dict()


def _plain(dtype) -> bool:
    """Numbers, booleans or str, iterated as the Python objects stored (numpy or python-str backed)."""
    if isinstance(dtype, np.dtype):
        return dtype.kind in "biuf"
    return isinstance(dtype, pd.StringDtype) and dtype.storage == "python"
