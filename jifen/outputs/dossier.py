"""积分档案/<单位>/<干部编号>_<姓名>.xlsx: one printable A4 workbook per cadre over every year known.

Sheet 积分档案: particulars; per year the four quarters and the year (score, rank of N, band,
source); a native line chart of the quarterly scores (one line per year); the consequences
proposed; the counted items by category. The layout above the chart depends only on the
number of years, so the cadres sharing it are cut from one model workbook (book_pattern) —
1,500 archives cost about what 1,500 ledgers' cells cost.
"""

from __future__ import annotations

from jifen.files import safe_filename
from jifen.outputs import common
from jifen.outputs.book_pattern import BookPattern, PatternError
from jifen.outputs.fastsheet import FastSheet
from jifen.outputs.personal_ledger import ledger_book, ledger_sheet, page_setup, particulars
from jifen.outputs.xlsx import fit_row
from jifen.views import dossier

SHEET = "积分档案"
WIDTHS = [9, 9, 8, 7, 9, 7, 9, 34]
HEAD = ["年度", "期间", "积分", "名次", "参加排名人数", "等次", "数据来源", "备注"]
CHART_ROWS = 16
HEAD_ROW = 6                 # below the title, three rows of particulars, a blank row and the section
FIRST = HEAD_ROW + 1         # each year takes five rows: four quarters and the year


def chart_row(n_years: int) -> int:
    return FIRST + 5 * n_years + 1


def write_sheet(book, ws, p: dict, county: str) -> int:
    """The cells of one archive (the chart is added by the caller); → the last row."""
    fm, lf = book.fmt, book.ledger
    years = [y["year"] for y in p["years"]]
    span = f"{years[0]}—{years[-1]}年" if len(years) > 1 else (f"{years[0]}年" if years else "")
    r = particulars(book, ws, f"{county}县科级领导干部及后备干部日常积分档案", p, ("档案年度", span), WIDTHS)
    ws.put(r, 0, "一、历年积分与排名", lf["section"])
    ws.put_row(HEAD_ROW, HEAD, [fm["head"]] * len(HEAD), fm["head"], fm["head"])
    r = FIRST
    fmts = [fm["text"]] * len(HEAD)
    for y in p["years"]:
        ws.merge_cells(r, 0, r + 4, 0, f"{y['year']}年", fm["text"])
        for k, per in enumerate(y["periods"]):
            style = lf["qsub"] if k == 4 else None
            values = [per["label"], per["score"], per["rank"], per["size"], per["band"], per["source"], per["note"]]
            fit_row(ws, r + k, [None] + values, WIDTHS, [7])
            ws.put_row(r + k, values, [style or f for f in fmts[1:]], style or fm["num"], fm["date"], start_col=1)
        r += 5
    r = chart_row(len(p["years"])) + CHART_ROWS + 1
    ws.put(r, 0, "二、结果运用建议", lf["section"])
    r += 1
    ws.put(r, 0, "年度", fm["head"])
    ws.merge_cells(r, 1, r, 2, "结果", fm["head"])
    ws.merge_cells(r, 3, r, 7, "依据", fm["head"])
    r += 1
    props = [(y["year"], res, why) for y in p["years"] for res, why in y["proposals"]]
    for year, res, why in props or [("", "无", "档案所列年度没有结果运用建议")]:
        fit_row(ws, r, [None, res, why], [0, WIDTHS[1] + WIDTHS[2], sum(WIDTHS[3:])], [1, 2])
        ws.put(r, 0, f"{year}年" if year else "", fm["text"])
        ws.merge_cells(r, 1, r, 2, res, fm["wrap"])
        ws.merge_cells(r, 3, r, 7, why, fm["wrap"])
        r += 1
    r += 1
    ws.put(r, 0, "三、计分事项分类汇总", lf["section"])
    r += 1
    ws.put(r, 0, "年度", fm["head"])
    ws.merge_cells(r, 1, r, 2, "类别", fm["head"])
    ws.merge_cells(r, 3, r, 4, "项目类别", fm["head"])
    ws.put_row(r, ["事项数", "计分"], [fm["head"]] * 2, fm["head"], fm["head"], start_col=5)
    ws.put(r, 7, "说明", fm["head"])
    r += 1
    any_items = False
    for y in p["years"]:
        lines = y["items"] or [("", "", None, None)]
        for kind, cat, n, pts in lines:
            any_items = True
            note = "" if kind else ("本年度没有计分事项" if y["periods"][4]["source"] != "历年结果"
                                    else "历年结果只有名次和等次，没有事项明细")
            ws.put(r, 0, f"{y['year']}年", fm["text"])
            ws.merge_cells(r, 1, r, 2, kind, fm["text"])
            ws.merge_cells(r, 3, r, 4, cat, fm["text"])
            ws.put_row(r, [n, pts, note], [fm["text"]] * 3, fm["num"], fm["date"], start_col=5)
            r += 1
    if not any_items:
        ws.merge_cells(r, 0, r, 7, "没有计分事项", fm["text"])
        r += 1
    r += 1
    ws.merge_cells(r, 0, r, 7, "说明：积分 = 基础分 − 基础积分扣减 + 奖励加分 − 惩戒扣分；“数据来源”为计算（本次输入）、归档（已发布的"
                   "结果）或历年结果（只有名次和等次）；计分为各事项计入积分的分值（扣减、扣分为正数）。本档案由日常积分管理程序生成。",
                   lf["note"])
    ws.row_height(r, 42)
    return r


def add_chart(book, ws, n_years: int) -> None:
    """One line per year over its four quarters (native chart, reading the table's cells)."""
    chart = book.wb.add_chart({"type": "line"})
    for k in range(n_years):
        top = FIRST + 5 * k
        chart.add_series({"name": [SHEET, top, 0], "categories": [SHEET, FIRST, 1, FIRST + 3, 1],
                          "values": [SHEET, top, 2, top + 3, 2], "marker": {"type": "circle", "size": 5},
                          "data_labels": {"value": True, "position": "above"}})
    chart.set_title({"name": "各季度积分", "name_font": {"size": 11, "name": "黑体"}})
    chart.set_y_axis({"name": "积分", "num_format": "0.##", "major_gridlines": {"visible": True}})
    chart.set_legend({"position": "bottom"})
    ws.insert_chart(chart_row(n_years), 0, chart, {"x_scale": 1.3, "y_scale": 1.05, "object_position": 3})


def _build(person: dict, county: str, stamp: str, mark: str = "内部资料") -> tuple[bytes, object]:
    book = ledger_book(f"积分档案 {person['name']}", stamp, mark)
    ws = ledger_sheet(book, SHEET)
    last = write_sheet(book, ws, person, county)
    add_chart(book, ws, len(person["years"]))
    page_setup(ws, HEAD_ROW, last, mark, widths=WIDTHS, freeze=False)
    return book.close(), book


_PATTERNS: dict = {}


def _book_bytes(person: dict, county: str, stamp: str, mark: str = "内部资料") -> bytes:
    """The archive workbook, cut from the model of its number of years (built on first use)."""
    n = len(person["years"])
    if n not in _PATTERNS:
        data, book = _build(person, county, stamp, mark)
        try:
            _PATTERNS[n] = (BookPattern(data), book)
        except PatternError:
            _PATTERNS[n] = None
        return data
    if _PATTERNS[n] is None:
        return _build(person, county, stamp, mark)[0]
    model, formats = _PATTERNS[n]
    ws = FastSheet()
    ws.inline = True
    last = write_sheet(formats, ws, person, county)
    return model.book(ws.rendered(), f"积分档案 {person['name']}", last)


def dossier_jobs(res, archived: list, history: list, size: int = 150) -> list[tuple]:
    """Every rostered cadre's archive, as jobs of about `size` cadres (their unit as of their
    last roster row)."""
    from jifen.rules import cadres

    if res.roster is None or res.roster.empty:
        return []
    _PATTERNS.clear()
    idx = dossier.index(res, archived, history)
    latest = cadres.latest_rows(res.roster, res.roster["end_d"].max()).sort_index()
    people = [(cid, rec) for cid, rec in zip(latest.index, latest[["display_name", "unit", "post", "category"]]
                                             .to_dict("records"))]
    return [(write_dossiers, (people[i:i + size], idx)) for i in range(0, len(people), size)]


def own_args(res, args: tuple) -> tuple:
    """An archive job's arguments with only its own cadres' part of the index
    (outputs/parcels.py; every part of the index is keyed by 干部编号)."""
    people, idx = args
    return people, {k: {cid: part[cid] for cid, _ in people if cid in part} for k, part in idx.items()}


def write_dossiers(res, log, people: list, idx: dict) -> None:
    county, stamp, mark = res.rulebook.params["县名"], common.stamp(res), common.mark(res)
    root = res.options.output_dir / "积分档案"
    for cid, info in people:
        p = dossier.person(cid, info, idx)
        if not p["years"]:
            continue
        unit = info["unit"] or "未填单位"
        path = root / safe_filename(unit) / safe_filename(f"{cid}_{p['name']}.xlsx")
        if not log.reuse(path, (p, county, stamp, mark)):
            log.write(path, _book_bytes(p, county, stamp, mark))
