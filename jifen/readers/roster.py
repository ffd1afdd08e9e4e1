"""干部名册: one row per cadre and period of service (several dated rows per cadre allowed)."""

from __future__ import annotations

from jifen import normalize
from jifen.problems import cell_name, error, warning
from jifen.readers import locate

CATEGORIES = ("科级领导干部", "后备干部")


def read_roster_sheet(rows, hr, cols, file, sheet):
    records, problems = [], []

    get = locate.getter(cols)

    def where(r, name=None):
        return {"file": file, "sheet": sheet, "cell": cell_name(r, cols.get(name) if name else None),
                "row": r + 1}

    for r in range(hr + 1, len(rows)):
        row = rows[r]
        if all(locate.is_blank(v) for v in row):
            continue
        for field in ("干部编号", "姓名"):
            problems += locate.cell_warnings(get(row, field), field, where(r, field))
        cid = normalize.cadre_id(get(row, "干部编号"))
        name = normalize.text(get(row, "姓名")).replace(" ", "")
        if not cid:
            if name:
                problems.append(error("roster-missing-id", f"名册第{r + 1}行“{name}”没有干部编号，该行未读入",
                                         "请补填干部编号（不要使用身份证号）。", **where(r, "干部编号")))
            continue
        if len(cid) >= 15 and cid.isdigit():
            problems.append(warning("roster-id-looks-like-idcard",
                                       f"干部编号 {cid} 像是身份证号或长数字", "干部编号请使用组织部统一编号，不要使用身份证号；"
                                       "长数字请设置为文本格式，以免 Excel 丢失精度。", cadre_id=cid, **where(r, "干部编号")))
        category = normalize.text(get(row, "干部类别")).replace(" ", "")
        if category not in CATEGORIES:
            problems.append(error("roster-bad-category", f"干部类别“{category}”无法识别，该行未读入",
                                     "干部类别须为“科级领导干部”或“后备干部”。", cadre_id=cid, **where(r, "干部类别")))
            continue
        dates = {}
        for label in ("在册起始日期", "在册截止日期"):
            raw = get(row, label)
            d = normalize.date(raw)
            if not locate.is_blank(raw) and d is None:
                problems.append(error("roster-bad-date", f"{label}“{normalize.text(raw)}”不是有效日期，按空白处理",
                                         "请写成 2026-01-01 或设置为日期格式。", cadre_id=cid, **where(r, label)))
            dates[label] = d
        start, end = dates["在册起始日期"], dates["在册截止日期"]
        if start and end and end < start:
            problems.append(error("roster-bad-date", "在册截止日期早于起始日期，该行未读入",
                                     "请核对在册起止日期。", cadre_id=cid, **where(r, "在册截止日期")))
            continue
        records.append({
            "cadre_id": cid, "name": name, "display_name": normalize.clean(get(row, "姓名")),
            "unit": normalize.clean(get(row, "单位")), "post": normalize.clean(get(row, "职务")),
            "category": category, "group": normalize.clean(get(row, "排名分组")) or category,
            "start": start, "end": end, "file": file, "sheet": sheet, "row": r + 1,
        })
    return records, problems
