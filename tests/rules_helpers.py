"""Pure-engine helpers: build item tables and periods without any file."""

from __future__ import annotations

import copy

import pandas as pd
from builders import RULEBOOK

from jifen.rulebook import read_rulebook
from jifen.rules import periods, scoring

_RB = None


def rulebook(**params):
    global _RB
    if _RB is None:
        _RB = read_rulebook(RULEBOOK)
    rb = copy.deepcopy(_RB)
    rb.params.update(params)
    return rb


def items(rows: list[tuple], rb=None) -> pd.DataFrame:
    """rows: (cadre_id, month, code, qty[, matter]) → counted item table with row values."""
    rb = rb or rulebook()
    recs = []
    for i, r in enumerate(rows):
        cid, month, code, qty = r[:4]
        matter = r[4] if len(r) > 4 else ""
        it = rb.items.loc[code]
        recs.append({"cadre_id": cid, "month": month, "code": code, "qty": float(qty), "matter": matter,
                     "kind": it["kind"], "points": it["points"], "value": round(it["points"] * qty, 4),
                     "year": int(month[:4]), "source": "申报", "seq": i + 1, "file": "f.xlsx",
                     "sheet": "s", "row": i + 2})
    return pd.DataFrame(recs)


def year_periods(year: int = 2026, months=None):
    months = set(months or periods.month_keys(year))
    return periods.build_periods(months, [year])


def scores(rows, rb=None, months=None) -> pd.DataFrame:
    rb = rb or rulebook()
    scored = scoring.score_items(items(rows, rb), rb)
    return scoring.period_scores(scored, year_periods(months=months), rb).set_index(["period", "cadre_id"])
