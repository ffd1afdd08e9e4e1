"""Scoring periods (month, quarter, year) and whether each is complete."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from jifen import normalize

QUARTER_CN = {1: "一", 2: "二", 3: "三", 4: "四"}


@dataclass(frozen=True)
class Period:
    key: str            # 2026-03 / 2026Q1 / 2026
    kind: str           # month / quarter / year
    year: int
    months: tuple       # ('2026-01', ...)
    complete: bool
    last_data_month: str

    @property
    def elapsed(self) -> tuple:
        """The months up to the last one with data: an incomplete period is judged as of then."""
        return tuple(m for m in self.months if m <= self.last_data_month)

    @property
    def last_day(self) -> dt.date:
        """The day ranking groups and roster membership are taken (period end, or the end of
        the last month with data while the period is incomplete)."""
        return normalize.month_end(self.elapsed[-1])

    @property
    def quarter(self) -> int:
        return int(self.key[-1]) if self.kind == "quarter" else 0

    @property
    def title(self) -> str:
        """Chinese name, with 截至N月 when incomplete."""
        if self.kind == "month":
            return f"{self.year}年{int(self.key[5:7])}月"
        base = f"{self.year}年第{QUARTER_CN[self.quarter]}季度" if self.kind == "quarter" else f"{self.year}年度"
        if not self.complete:
            base += f"（截至{int(self.last_data_month[5:7])}月）"
        return base

    @property
    def draft(self) -> str:
        """（草稿） after a document title while the period is incomplete, else ""."""
        return "" if self.complete else "（草稿）"


def month_keys(year: int, quarter: int | None = None) -> tuple:
    months = range(1, 13) if quarter is None else range(3 * quarter - 2, 3 * quarter + 1)
    return tuple(f"{year:04d}-{m:02d}" for m in months)


def build_periods(data_months: set[str], years: list[int]) -> list[Period]:
    """Months with data, the quarters touched, and each year (complete or not)."""
    out = []
    for year in years:
        months = sorted(m for m in data_months if m.startswith(f"{year:04d}-"))
        if not months:
            continue
        for m in months:
            out.append(Period(m, "month", year, (m,), True, m))
        for q in range(1, 5):
            qm = month_keys(year, q)
            present = [m for m in qm if m in data_months]
            if present:
                out.append(Period(f"{year}Q{q}", "quarter", year, qm, len(present) == 3, present[-1]))
        ym = month_keys(year)
        out.append(Period(str(year), "year", year, ym, all(m in data_months for m in ym), months[-1]))
    return out
