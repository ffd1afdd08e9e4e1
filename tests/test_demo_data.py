"""The shipped demo county (input/, made by tools/make_demo.py): its review files are laid out
the way the README's cycle describes, so each decision is found in one place."""

from __future__ import annotations

import re

import builders as b
import openpyxl
import pytest

REVIEWS = b.ROOT / "input" / "审核结论"
QUARTER_CN = {"一": 1, "二": 2, "三": 3, "四": 4}


def _rows(path, sheet) -> list[dict]:
    ws = openpyxl.load_workbook(path, read_only=True)[sheet]
    rows = list(ws.iter_rows(values_only=True))
    hi = next(i for i, r in enumerate(rows) if r and "事项ID" in r)
    return [dict(zip(rows[hi], r)) for r in rows[hi + 1:] if r and r[rows[hi].index("事项ID")]]


def test_each_quarters_review_file_holds_only_its_own_quarter():
    files = sorted(REVIEWS.glob("*季度审核结论.xlsx")) if REVIEWS.is_dir() else []
    if not files:
        pytest.skip("no demo review files")
    seen: dict[str, str] = {}
    for path in files:
        q = QUARTER_CN[re.search(r"第(.)季度", path.name).group(1)]
        months = {f"2025-{m:02d}" for m in range(3 * q - 2, 3 * q + 1)}
        for sheet in ("待审核清单", "已审核事项"):
            for row in _rows(path, sheet):
                assert row["月份"] in months, (path.name, sheet, row["事项ID"], row["月份"])
                if row["审核结论"]:
                    assert row["事项ID"] not in seen, (row["事项ID"], seen.get(row["事项ID"]), path.name)
                    seen[row["事项ID"]] = path.name
    assert len(files) == 4 and len(seen) > 200


def test_the_appeal_file_holds_only_the_appealed_item():
    path = REVIEWS / "2025年申辩复核.xlsx"
    if not path.exists():
        pytest.skip("no demo review files")
    decided = [r for s in ("待审核清单", "已审核事项") for r in _rows(path, s) if r["审核结论"]]
    assert [(r["事项ID"], r["审核结论"], r["类型"]) for r in decided] == [("H0005-2025-09-1", "通过", "申辩复核")]
