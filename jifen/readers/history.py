"""历年结果: earlier years' annual (and optionally quarterly) bands, for the multi-year rules."""

from __future__ import annotations

from jifen import normalize
from jifen.problems import cell_name, warning
from jifen.readers import locate

BANDS = ("先进", "末位", "")


def read_history_sheet(rows, hr, cols, file, sheet):
    """Rows of 年度 | [季度] | 干部编号 | 姓名 | 年度名次 | 等次 → records (quarter 0 = the year)."""
    records, problems = [], []

    get = locate.getter(cols)

    for r in range(hr + 1, len(rows)):
        row = rows[r]
        if all(locate.is_blank(v) for v in row):
            continue
        where = {"file": file, "sheet": sheet, "row": r + 1}
        year = normalize.number(get(row, "年度"))
        cid = normalize.cadre_id(get(row, "干部编号"))
        band = normalize.text(get(row, "等次")).replace(" ", "")
        quarter_raw = get(row, "季度")
        quarter = 0
        if "季度" in cols:
            q = normalize.text(quarter_raw).replace("第", "").replace("季度", "")
            quarter = {"1": 1, "2": 2, "3": 3, "4": 4, "一": 1, "二": 2, "三": 3, "四": 4}.get(q, -1)
        if year is None or not (1990 < year < 2200) or not cid or band not in BANDS or quarter < 0:
            problems.append(warning("history-bad-row", "历年结果该行的年度、季度、干部编号或等次无法识别，未采用",
                                       "年度写 2025，季度写 1～4，等次只能是“先进”“末位”或空白。",
                                       cell=cell_name(r, None), **where))
            continue
        rank = normalize.number(get(row, "年度名次"))
        records.append({"year": int(year), "quarter": quarter, "cadre_id": cid,
                        "name": normalize.clean(get(row, "姓名")), "rank": int(rank) if rank is not None else None,
                        "band": band, "file": file, "sheet": sheet, "row": r + 1})
    return records, problems
