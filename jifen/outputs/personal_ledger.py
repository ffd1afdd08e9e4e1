"""台账/YYYY/个人/<单位>/<干部编号>_<姓名>.xlsx and 台账/YYYY/单位/<单位>.xlsx.

One printable A4 portrait ledger per cadre: particulars, items by month with monthly and
quarterly subtotals, the base / bonus / penalty breakdown with the rank per quarter, and a
signature block. The unit files gather the same sheets for one print job.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jifen.files import safe_filename
from jifen.outputs import common
from jifen.outputs.book_pattern import BookPattern, PatternError
from jifen.outputs.fastsheet import FastSheet
from jifen.outputs.render_cache import RenderCache
from jifen.outputs.xlsx import Book, fit_row, page_header
from jifen.rules import cadres, checks

ITEM_HEAD = ["月份", "项目代码", "项目名称", "事项说明", "数量", "计分分值", "状态", "说明"]
WIDTHS = [9, 7, 24, 22, 5, 7, 8, 18]
# the particulars: two label/value pairs a row, labels in A and D, values in B:C and E:H (wide
# enough for a unit's full name and a long post)
PARTICULAR_CELLS = ((0, 1, 2), (3, 4, 7))
PROVISIONAL = "（暂定）"
PERIOD_HEAD = ["期间", "基础分", "加分", "扣分", "积分", "组内名次", "等次", "备注"]


def ledger_formats(book: Book) -> dict:
    """The ledger's own formats, every format numbered in one fixed order, so that a sheet
    rendered in one ledger workbook is valid in another (see FastSheet.rendered)."""
    f = book.wb.add_format
    book.ledger = {
        "title": f({"font_name": "黑体", "font_size": 15, "align": "center", "valign": "vcenter"}),
        "label": f({"font_name": "宋体", "font_size": 10, "bold": True, "border": 1, "bg_color": "#F2F2F2",
                    "align": "center", "valign": "vcenter"}),
        "value": f({"font_name": "宋体", "font_size": 10, "border": 1, "valign": "vcenter", "text_wrap": True}),
        "sub": f({"font_name": "宋体", "font_size": 10, "bold": True, "border": 1, "bg_color": "#FFF2CC",
                  "valign": "vcenter", "num_format": "0.##;-0.##;0"}),
        "qsub": f({"font_name": "宋体", "font_size": 10, "bold": True, "border": 1, "bg_color": "#DDEBF7",
                   "valign": "vcenter", "num_format": "0.##;-0.##;0"}),
        "section": f({"font_name": "黑体", "font_size": 11, "valign": "vcenter"}),
        "sign": f({"font_name": "宋体", "font_size": 11, "valign": "vcenter"}),
        "note": f({"font_name": "宋体", "font_size": 9, "valign": "top", "text_wrap": True}),
    }
    for fmt in [*book.fmt.values(), *book.ledger.values()]:
        fmt._get_xf_index()
    return book.ledger


def ledger_book(title: str, stamp: str, mark: str) -> Book:
    book = Book(title, mark=mark, stamp=stamp)
    ledger_formats(book)
    return book


def ledger_sheet(book: Book, name: str):
    ws = book.wb.add_worksheet(name, worksheet_class=FastSheet)
    ws.inline = True
    return ws


def particulars(book: Book, ws, title: str, p: dict, last: tuple, widths=WIDTHS) -> int:
    """The title row, then 干部编号 / 姓名, 单位 / 职务, 干部类别 / `last` two pairs a row, the mark in
    the spacer row below; → the row after it."""
    lf = book.ledger
    ws.merge_cells(0, 0, 0, 7, title, lf["title"])
    ws.row_height(0, 28)
    rows = [(("干部编号", p["cadre_id"]), ("姓名", p["name"])), (("单位", p["unit"]), ("职务", p["post"])),
            (("干部类别", p["category"]), last)]
    for i, pairs in enumerate(rows, start=1):
        values = []
        for (label, value), (lc, v1, v2) in zip(pairs, PARTICULAR_CELLS):
            ws.put(i, lc, label, lf["label"])
            ws.merge_cells(i, v1, i, v2, value, lf["value"])
            values.append(value)
        fit_row(ws, i, values, [sum(widths[1:3]), sum(widths[4:8])], [0, 1], line_height=15)
    if book.mark:
        ws.put(len(rows) + 1, 0, book.mark, lf["note"])      # the spacer row above the items: the mark
    return len(rows) + 2


def write_sheet(book: Book, ws, person: dict, county: str, year: int) -> tuple[int, int]:
    """One cadre's ledger on one worksheet (cells only; see page_setup) → (header row, last row)."""
    fm = book.fmt
    lf = book.ledger
    p = person
    r = particulars(book, ws, f"{county}县科级领导干部及后备干部日常积分台账（{year}年度）", p,
                    ("年度积分", p.get("year_score_shown", common.num(p["year_score"]))))
    ws.put(r, 0, "一、积分事项", lf["section"])
    r += 1
    head_row = r
    heads = [fm["head"]] * len(ITEM_HEAD)
    ws.put_row(r, ITEM_HEAD, heads, fm["head"], fm["head"])
    r += 1
    item_fmts = [fm["wrap"] if key in ("项目名称", "事项说明", "说明") else fm["text"] for key in ITEM_HEAD]
    for block in p["months"]:
        for it in block["items"]:
            values = [it[k] for k in ITEM_HEAD]
            fit_row(ws, r, values, WIDTHS, [2, 3, 7])
            ws.put_row(r, values, item_fmts, fm["num"], fm["date"])
            r += 1
        subtotals = [(block, lf["sub"])] + ([(block["quarter"], lf["qsub"])] if block.get("quarter") else [])
        for line, style in subtotals:
            fit_row(ws, r, [None] * 6 + [line["detail"]], [0] * 6 + [WIDTHS[6] + WIDTHS[7]], [6])
            ws.merge_cells(r, 0, r, 4, line["label"], style)
            ws.put(r, 5, line["score"], style)
            ws.merge_cells(r, 6, r, 7, line["detail"], style)
            r += 1
    if not p["months"]:
        ws.merge_cells(r, 0, r, 7, "本年度没有积分事项，各期积分均为基础分。", fm["text"])
        r += 1
    r += 1
    ws.put(r, 0, "二、分期积分", lf["section"])
    r += 1
    ws.put_row(r, PERIOD_HEAD, heads, fm["head"], fm["head"])
    r += 1
    period_fmts = [fm["text"]] * 6 + [fm["wrap"]] * 2          # 等次 (with 暂定) and 备注 wrap
    for row in p["periods"]:
        values = [row[k] for k in PERIOD_HEAD]
        fit_row(ws, r, values, WIDTHS, [6, 7])
        ws.put_row(r, values, period_fmts, fm["num"], fm["date"])
        r += 1
    r += 1
    ws.merge_cells(r, 0, r, 7, p["footnote"], lf["note"])
    ws.row_height(r, 30)
    r += 2
    ws.put(r, 0, "经办人：", lf["sign"])
    ws.put(r, 3, "审核人：", lf["sign"])
    ws.put(r, 5, "日期：", lf["sign"])
    ws.row_height(r, 24)
    return head_row, r


def page_setup(ws, head_row: int, last_row: int, mark: str, widths=WIDTHS, freeze: bool = True) -> None:
    """A4 portrait, one page wide, the header row repeated, the mark in the header."""
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    ws.set_paper(9)
    ws.set_portrait()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.6, right=0.5, top=0.8, bottom=0.8)
    ws.repeat_rows(head_row, head_row)
    if freeze:
        ws.freeze_panes(head_row + 1, 0)
    ws.set_header(page_header("", mark))
    ws.set_footer("&C第 &P 页 共 &N 页")
    ws.print_area(0, 0, last_row, 7)


def band_shown(band: str, provisional: bool) -> str:
    """A band as the ledger shows it: 暂定 beside it while its period is incomplete."""
    return f"{band}{PROVISIONAL}" if band and provisional else (band or "")


def person_data(cadre_id: str, info: dict, rows: list[dict], ranks: dict, year: int, periods: dict,
                base: float, incomplete: frozenset = frozenset()) -> dict:
    """A cadre's ledger content (pure): `rows` are the cadre's master-ledger rows, `ranks`
    period key → rank record, `periods` the cadre's month and quarter scores, `base` the
    rulebook's base score, `incomplete` the keys of the periods not yet complete (their bands
    are 暂定)."""
    months = []
    by_month: dict[str, list] = {}
    for x in rows:
        by_month.setdefault(x["月份"], []).append(x)
    all_months = sorted(set(by_month) | {m for m in periods["months"] if m.startswith(str(year))})
    for q in range(1, 5):
        q_months = [m for m in all_months if m[:4] == str(year) and (int(m[5:7]) - 1) // 3 + 1 == q]
        for i, m in enumerate(q_months):
            items = [{"月份": m, "项目代码": x["项目代码"], "项目名称": x["项目名称"], "事项说明": x["事项说明"],
                      "数量": x["数量"], "计分分值": x["计分分值"], "状态": x["状态"], "说明": x["差异说明"]}
                     for x in by_month.get(m, [])]
            s = periods["months"].get(m, {})
            block = {"items": items, "label": f"{int(m[5:7])}月小计", "score": common.num(s.get("score", None)),
                     "detail": _detail(s)}
            if i == len(q_months) - 1:
                qs = periods["quarters"].get(q, {})
                r = ranks.get(f"{year}Q{q}")
                rank_txt = "" if r is None or pd.isna(r["rank"]) else f"，组内第 {int(r['rank'])} 名"
                band = "" if r is None or not r["band"] else \
                    f"，{band_shown(r['band'], f'{year}Q{q}' in incomplete)}"
                block["quarter"] = {"label": f"第{q}季度积分", "score": common.num(qs.get("score", None)),
                                    "detail": _detail(qs) + rank_txt + band}
            months.append(block)
    period_rows = []
    for key, label in [(f"{year}Q{q}", f"第{q}季度") for q in range(1, 5)] + [(str(year), "全年")]:
        r = ranks.get(key)
        if r is None:
            continue
        period_rows.append({"期间": label, "基础分": common.num(r["base"]), "加分": common.num(r["bonus"]),
                            "扣分": common.num(r["penalty"]), "积分": common.num(r["score"]),
                            "组内名次": None if pd.isna(r["rank"]) else int(r["rank"]),
                            "等次": band_shown(r["band"], key in incomplete),
                            "备注": r["note"]})
    year_row = ranks.get(str(year))
    return {
        "cadre_id": cadre_id, "name": info["display_name"], "unit": info["unit"], "post": info["post"],
        "category": info["category"],
        "year_score": None if year_row is None else year_row["score"],
        "year_score_shown": _year_score(year_row, year, all_months, incomplete),
        "months": months, "periods": period_rows,
        "footnote": f"说明：积分 = 基础分（{common.num(base)}分，扣减基础积分子项，每子项每期不超过其分值上限；"
                    "“计分分值”是计入全年的分值，季度、月度小计按各期的上限计算）+ 奖励加分 − 惩戒扣分；"
                    "“待审核”“不通过”“无效”事项不计分。本台账由日常积分管理程序生成。",
    }


def _year_score(year_row, year: int, months: list, incomplete: frozenset):
    """The annual score in the particulars, 截至N月 while the year is incomplete."""
    if year_row is None:
        return None
    shown = common.num(year_row["score"])
    if str(year) in incomplete and months:
        return f"{shown}（截至{int(months[-1][5:7])}月）"
    return shown


def _detail(s: dict) -> str:
    if not s:
        return "无计分事项"
    parts = []
    if s.get("deduction"):
        parts.append(f"基础扣{common.num(s['deduction'])}")
    if s.get("bonus"):
        parts.append(f"加{common.num(s['bonus'])}")
    if s.get("penalty"):
        parts.append(f"扣{common.num(s['penalty'])}")
    return "，".join(parts) or "无增减"


def _latest(res, year: int) -> pd.DataFrame:
    """The roster row of each cadre on the roster in `year` (the last one), by 干部编号."""
    first, last = pd.Timestamp(f"{year}-01-01").date(), pd.Timestamp(f"{year}-12-31").date()
    in_year = res.roster[(res.roster["start_d"] <= last) & (res.roster["end_d"] >= first)]
    return cadres.latest_rows(in_year, last).sort_index()


def year_sources(res, year: int, rows: pd.DataFrame) -> dict:
    """What the ledgers of `year` are made from: the roster rows, and the ranks, scores and
    ledger rows as (frame, positions of the year's rows in it)."""
    def where(mask: pd.Series):
        return np.flatnonzero(mask.fillna(False).to_numpy(dtype=bool))

    return {"latest": _latest(res, year),
            "ranks": (res.ranks, where(res.ranks["period"].str.startswith(str(year)))),
            "scores": (res.scores, where(res.scores["period"].str.startswith(str(year)))),
            "rows": (rows, where(rows["状态"] != checks.INVALID))}


def take(sources: dict | None, part: dict) -> dict:
    """The frames of `part` (one of split_data's, or one already taken) as DataFrames."""
    return {k: v if isinstance(v, pd.DataFrame) else sources[k][0].take(v) for k, v in part.items()}


def own_args(res, args: tuple) -> tuple:
    """A ledger job's arguments with its own part of the year's frames taken out of them
    (outputs/parcels.py)."""
    year, sources, part, unit_names = args
    return year, None, take(sources, part), unit_names


def people(res, year: int, data: dict) -> list[dict]:
    """Every cadre in `data` (a part of year_sources, taken), with the content
    of their ledger (pure)."""
    latest, ranks, scores, rows = data["latest"], data["ranks"], data["scores"], data["rows"]
    rows_by = {}
    for rec in _records(rows):
        rows_by.setdefault(rec["干部编号"], []).append(rec)
    ranks_by: dict[str, dict] = {}
    for rec in _records(ranks):
        ranks_by.setdefault(rec["cadre_id"], {})[rec["period"]] = rec
    scores_by: dict[str, dict] = {}
    for rec in _records(scores):
        scores_by.setdefault(rec["cadre_id"], {})[rec["period"]] = rec
    base = float(res.rulebook.base_score)
    month_keys = [p.key for p in res.periods if p.kind == "month" and p.year == year]
    quarters = [p.quarter for p in res.periods if p.kind == "quarter" and p.year == year]
    incomplete = frozenset(p.key for p in res.periods if p.year == year and not p.complete)
    out = []
    for cid, info in zip(latest.index, _records(latest)):
        mine = scores_by.get(cid, {})
        periods = {"months": {m: mine.get(m) or {"score": base} for m in month_keys},
                   "quarters": {q: mine.get(f"{year}Q{q}") or {"score": base} for q in quarters}}
        out.append(person_data(cid, info, rows_by.get(cid, []), ranks_by.get(cid, {}), year, periods, base,
                               incomplete))
    return out


def _records(df: pd.DataFrame) -> list[dict]:
    """Rows as dicts of plain Python values (DataFrame.to_dict boxes each value one by one)."""
    cols = list(df.columns)
    return [dict(zip(cols, row)) for row in df.to_numpy(dtype=object).tolist()]


def ledger_jobs(res, year: int, rows: pd.DataFrame, size: int = 60) -> list[tuple]:
    """The personal and unit ledgers of `year` as independent jobs (run in parallel), each a
    few whole units, so that every cadre's sheet is rendered once for both files; each job
    gets its own cadres' part of the ledger data, split here once (a job filtering the whole
    year's frames would make a province's run grow with cadres × jobs)."""
    sources = year_sources(res, year, rows)
    latest = sources["latest"]
    per_unit: dict[str, list] = {}
    for cid, unit in zip(latest.index, latest["unit"]):
        per_unit.setdefault(unit or "未填单位", []).append(cid)
    batches, batch, n = [], [], 0
    order = cadres.unit_order(res.roster)
    for unit, ids in sorted(per_unit.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])):
        batch.append(unit)
        n += len(ids)
        if n >= size:
            batches.append(batch)
            batch, n = [], 0
    if batch:
        batches.append(batch)
    parts = split_data(sources, [[c for u in b for c in per_unit[u]] for b in batches])
    return [(write_ledgers, (year, sources, part, b)) for b, part in zip(batches, parts)]


def split_data(sources: dict, groups: list[list]) -> list[dict]:
    """year_sources cut into one part per group of cadres, rows in their order: the roster
    rows as frames, the rest as positions, which each job takes itself (the year's ledger rows
    copied once more for the jobs were ~200 MB of a province's main process)."""
    job_of = {c: i for i, ids in enumerate(groups) for c in ids}
    parts: list[dict] = [{} for _ in groups]
    latest = sources["latest"]
    job = pd.Series(latest.index, dtype=object).map(job_of).fillna(-1).astype(int).to_numpy()
    for i, sub in latest.groupby(job, sort=False):
        if i >= 0:
            parts[i]["latest"] = sub
    for key, col in (("ranks", "cadre_id"), ("scores", "cadre_id"), ("rows", "干部编号")):
        df, at = sources[key]
        job = pd.Series(df[col].to_numpy()[at], dtype=object).map(job_of).fillna(-1).astype(int).to_numpy()
        order = np.argsort(job, kind="stable")
        cuts = np.searchsorted(job[order], np.arange(len(groups) + 1))
        for i, part in enumerate(parts):
            part[key] = at[order[cuts[i]:cuts[i + 1]]]
    for part in parts:
        part.setdefault("latest", latest.iloc[:0])
    return parts


def write_ledgers(res, log, year: int, sources: dict, part: dict, unit_names: list) -> None:
    """台账/YYYY/个人/<单位>/<编号>_<姓名>.xlsx for each cadre, then 台账/YYYY/单位/<单位>.xlsx;
    `part` is these units' part of year_sources."""
    data = take(sources, part)

    per_unit: dict[str, list] = {u: [] for u in unit_names}
    for person in people(res, year, data):
        per_unit[person["unit"] or "未填单位"].append(person)
    units = list(per_unit.items())
    county, stamp, mark = res.rulebook.params["县名"], common.stamp(res), common.mark(res)
    root = res.options.output_dir / "台账" / str(year)
    first = next((people_[0] for _, people_ in units if people_), None)
    pattern = _pattern(first, county, year, stamp, mark) if first else None
    for unit, people_ in units:
        # a file whose cadres' content did not change is kept (outputs/reuse.py); the unit's
        # file needs every sheet of the unit when any of them changed
        unit_path = root / "单位" / safe_filename(f"{unit}.xlsx")
        unit_same = log.reuse(unit_path, ("单位", unit, people_, county, year, stamp, mark))
        sheets = []
        # the sheets of the unit's cadres whose own ledgers are kept, as the last run rendered them
        cache = RenderCache(res.options.output_dir, f"台账/{year}/单位/{unit}")
        for person in people_:
            path = root / "个人" / safe_filename(unit) / safe_filename(f"{person['cadre_id']}_{person['name']}.xlsx")
            same = log.reuse(path, (person, county, year, stamp, mark))
            if same and unit_same:
                continue
            key = log.views.get(log.rel(path))
            sheet = cache.get(key) if same else None
            if sheet is None:
                data, *sheet = _personal_book(person, pattern, county, year, stamp, mark, need_bytes=not same)
                if not same:
                    log.write(path, data)
            cache.put(key, tuple(sheet))
            sheets.append((person, *sheet))
        if unit_same:
            continue
        cache.save()
        book = ledger_book(f"{year}年度积分台账 {unit}", stamp, mark)
        used: set = set()
        for person, content, head_row, last_row in sheets:
            ws = ledger_sheet(book, _sheet_name(f"{person['cadre_id']}{person['name']}", used))
            ws.reuse(content)
            page_setup(ws, head_row, last_row, mark)
        log.write(unit_path, book.close())


def _pattern(person: dict, county: str, year: int, stamp: str, mark: str):
    """(BookPattern, its formats' Book, header row) from one ledger built by xlsxwriter, or None."""
    book = ledger_book("样板", stamp, mark)
    ws = ledger_sheet(book, "积分台账")
    head_row, last_row = write_sheet(book, ws, person, county, year)
    page_setup(ws, head_row, last_row, mark)
    try:
        return BookPattern(book.close()), book, head_row
    except PatternError:
        return None


def _personal_book(person: dict, pattern, county: str, year: int, stamp: str, mark: str,
                   need_bytes: bool = True) -> tuple:
    """→ (workbook bytes, rendered sheet, header row, last row) of one cadre's ledger; the bytes
    are None when not `need_bytes` (only the unit's file needs the sheet)."""
    title = f"{year}年度积分台账 {person['name']}"
    if pattern is not None:
        model, formats, model_head = pattern
        ws = FastSheet()              # not part of any workbook: only its cells are used
        ws.inline = True
        head_row, last_row = write_sheet(formats, ws, person, county, year)
        if head_row == model_head:
            content = ws.rendered()
            data = model.book(content, title, last_row) if need_bytes else None
            return data, content, head_row, last_row
    book = ledger_book(title, stamp, mark)
    ws = ledger_sheet(book, "积分台账")
    head_row, last_row = write_sheet(book, ws, person, county, year)
    page_setup(ws, head_row, last_row, mark)
    return book.close(), ws.rendered(), head_row, last_row


def _sheet_name(name: str, used: set) -> str:
    for ch in '[]:*?/\\':
        name = name.replace(ch, "")
    name = name[:31]
    base, i = name, 2
    while name in used:
        name = f"{base[:28]}({i})"
        i += 1
    used.add(name)
    return name
