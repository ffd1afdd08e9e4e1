"""The roster as data: who is on it, in which unit and group, on a given day."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from jifen import frames, normalize
from jifen.problems import Problem, error

ROSTER_COLUMNS = ["cadre_id", "name", "display_name", "unit", "post", "category", "group",
                  "start", "end", "file", "sheet", "row"]

_FAR_PAST, _FAR_FUTURE = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


def build_roster(records: list[dict]) -> tuple[pd.DataFrame, list[Problem]]:
    """Records → roster DataFrame; overlapping rows of one 干部编号 are an error (later row dropped)."""
    df = pd.DataFrame.from_records(records, columns=ROSTER_COLUMNS)
    problems = []
    if df.empty:
        return df, problems
    df["start_d"] = df["start"].map(lambda d: d or _FAR_PAST)
    df["end_d"] = df["end"].map(lambda d: d or _FAR_FUTURE)
    df = df.sort_values(["cadre_id", "start_d", "file", "row"], kind="stable").reset_index(drop=True)
    keep = []
    last_end: dict[str, tuple] = {}
    for rec in frames.rows(df):
        prev = last_end.get(rec.cadre_id)
        if prev is not None and rec.start_d <= prev[0]:
            problems.append(error(
                "roster-overlap",
                f"干部编号 {rec.cadre_id} 的在册期间与 {prev[1]} 第{prev[2]}行重叠，该行未采用",
                "同一干部的多行记录（调动、提拔）须首尾相接、不能重叠：前一行填在册截止日期，后一行从次日开始。",
                file=rec.file, sheet=rec.sheet, cell=f"第{rec.row}行", row=rec.row, cadre_id=rec.cadre_id))
            keep.append(False)
            continue
        keep.append(True)
        last_end[rec.cadre_id] = (rec.end_d, rec.file, rec.row)
    return df[keep].reset_index(drop=True), problems


def as_of(roster: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    """The roster rows in force on `day` (one per cadre at most), indexed by 干部编号."""
    if roster.empty:
        return roster.set_index("cadre_id")
    on = roster[(roster["start_d"] <= day) & (roster["end_d"] >= day)]
    return on.drop_duplicates("cadre_id").set_index("cadre_id")


def months_on_roster(roster: pd.DataFrame, months: list[str]) -> pd.Series:
    """干部编号 → how many of `months` the cadre was on the roster at month end."""
    counts = pd.Series(0, index=pd.Index(roster["cadre_id"].unique(), name="cadre_id"), dtype=int)
    ids, start, end = roster["cadre_id"], roster["start_d"], roster["end_d"]
    for ym in months:
        day = normalize.month_end(ym)
        counts.loc[ids[(start <= day) & (end >= day)].unique()] += 1    # as_of's cadres, without its table
    return counts


def latest_rows(roster: pd.DataFrame, until: dt.date) -> pd.DataFrame:
    """Each cadre's last roster row starting on or before `until`, indexed by 干部编号."""
    rows = roster[roster["start_d"] <= until]
    return rows.sort_values(["cadre_id", "start_d"], kind="stable").drop_duplicates(
        "cadre_id", keep="last").set_index("cadre_id")


def unit_order(roster: pd.DataFrame) -> dict[str, int]:
    """Unit → its place in the roster (the first row naming it, in file and row order): the order
    the department lists its units in, used wherever outputs list units (never character code)."""
    if roster is None or roster.empty:
        return {}
    rows = roster.sort_values(["file", "row"], kind="stable")
    return {unit: i for i, unit in enumerate(dict.fromkeys(rows["unit"]))}


def sort_by_unit(df: pd.DataFrame, column: str, roster: pd.DataFrame, then: tuple = ()) -> pd.DataFrame:
    """`df` with its units in roster order (units the roster does not name last), then by `then`."""
    order = unit_order(roster)
    key = df[column].map(lambda u: order.get(u, len(order)))
    return (df.assign(_unit_order=key).sort_values(["_unit_order", *then], kind="stable")
            .drop(columns="_unit_order"))
