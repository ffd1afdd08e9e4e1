"""Build small input folders for tests: roster, declarations and registers as a clerk would."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parent.parent
RULEBOOK = ROOT / "rulebook.xlsx"

DECL_HEADER = ["序号", "项目代码", "项目名称", "事项说明", "同一事项标识", "发生日期", "数量", "申报分值",
               "佐证材料", "备注"]
REG_HEADER = ["登记编号", "干部编号", "姓名", "月份", "项目代码", "事项说明", "同一事项标识", "发生日期", "数量",
              "依据", "登记人"]


def roster(path: Path, rows: list[tuple], title: str | None = None) -> Path:
    """rows: (干部编号, 姓名, 单位, 职务, 干部类别[, 在册起始日期[, 在册截止日期[, 排名分组]]])."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "干部名册"
    if title:
        ws.append([title])
    ws.append(["干部编号", "姓名", "单位", "职务", "干部类别", "在册起始日期", "在册截止日期", "排名分组"])
    for r in rows:
        r = list(r) + [None] * (8 - len(r))
        ws.append([r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def declaration(path: Path, cadre_id, name, month, items: list[dict], unit="县财政局",
                layout: str = "cells", continuation: str | None = None) -> Path:
    """items: dicts with keys code, qty and optional desc, matter, date, declared, evidence, seq.
    `continuation`: the 续表 field's value (layout "cells"), absent when None."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "积分申报表"
    ws.append([f"日常积分申报表（{month}）"])
    ws.merge_cells("A1:J1")
    if layout == "cells":
        ws.append(["干部编号", cadre_id, "姓名", name, "单位", unit])
        ws.append(["申报月份", month] + (["续表", continuation] if continuation is not None else []))
    elif layout == "colon":
        ws.append([f"干部编号：{cadre_id}", None, f"姓名：{name}", None, f"单位：{unit}"])
        ws.append([f"申报月份：{month}"])
    elif layout == "gap":
        ws.append(["干部编号：", None, cadre_id, "姓名：", None, name])
        ws.append(["申报月份：", None, month])
    ws.append([])
    ws.append(DECL_HEADER)
    for i, it in enumerate(items, start=1):
        ws.append([it.get("seq", i), it.get("code"), it.get("name", ""), it.get("desc", f"事项{i}"),
                   it.get("matter"), it.get("date"), it.get("qty", 1), it.get("declared"),
                   it.get("evidence", "佐证文件"), it.get("note")])
    ws.append([])
    ws.append(["本人承诺以上申报内容真实准确。", None, None, "申报人签字："])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def register(path: Path, rows: list[dict], title: str = "县委组织部积分登记表") -> Path:
    """rows: dicts with keys id, cadre_id, name, month, code, qty and optional desc, matter, date."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "积分登记表"
    ws.append([title])
    ws.append(REG_HEADER)
    for r in rows:
        ws.append([r.get("id"), r["cadre_id"], r.get("name"), r["month"], r["code"], r.get("desc", "登记事项"),
                   r.get("matter"), r.get("date"), r.get("qty", 1), r.get("basis", "文件"), "赵敏"])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def d(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


# --- free-form workbooks (reader and check tests) ---------------------------------------------


def workbook(path: Path, sheets: dict, merges: dict | None = None, hidden=()) -> Path:
    """Write any layout a clerk might produce. sheets: {sheet name: rows}, each row a list of
    cell values written from column A (None = empty cell, [] = empty row); merges: {sheet name:
    ["A1:J1", ...]}; hidden: sheet names to hide (at least one sheet must stay visible)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(row=r, column=c, value=value)
        for rng in (merges or {}).get(name, []):
            ws.merge_cells(rng)
        if name in hidden:
            ws.sheet_state = "hidden"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def rulebook_with(path: Path, **params) -> Path:
    """A copy of RULEBOOK with some values of the 参数 sheet changed (name=value)."""
    wb = openpyxl.load_workbook(RULEBOOK)
    ws = wb["参数"]
    found = set()
    for row in ws.iter_rows(min_row=2):
        if row[0].value in params:
            row[1].value = params[row[0].value]
            found.add(row[0].value)
    missing = set(params) - found
    if missing:
        raise KeyError(f"parameters not in the rulebook: {sorted(missing)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def month_register(path: Path, months, cadre_id: str, name: str, code: str = "J1-4",
                   prefix: str = "M") -> Path:
    """A register with one row per month (so each month has data in the county)."""
    return register(path, [{"id": f"{prefix}{i}", "cadre_id": cadre_id, "name": name, "month": m,
                            "code": code} for i, m in enumerate(months, start=1)])


# --- running process.py and reading its outputs (round-trip, output and publish tests) ----------


def no_soffice_env(tmp_dir: Path) -> dict:
    """An environment whose PATH holds no LibreOffice, so a run makes no PDFs."""
    from jifen.outputs.pdf import env_without_soffice

    return env_without_soffice(tmp_dir)


def run_process(base: Path, *args, pdf: bool = False, output: Path | None = None,
                rulebook: Path | None = None, env: dict | None = None):
    """Run process.py on base/input into base/output (or `output`) with base/archive
    (`env`: extra environment variables; standard input is empty, as in CI).

    Without `pdf` LibreOffice is hidden from the run (PATH without soffice): the PDF copy is
    skipped and a run takes about a second. Returns the CompletedProcess (stdout as text)."""
    import subprocess
    import sys

    base = Path(base)
    cmd = [sys.executable, str(ROOT / "process.py"), *map(str, args),
           "--input", str(base / "input"), "--output", str(output or base / "output"),
           "--archive", str(base / "archive")]
    if rulebook is not None:
        cmd += ["--rulebook", str(rulebook)]
    import os

    extra = env or {}
    env = dict(os.environ) if pdf else no_soffice_env(base)
    env.update(extra)
    return subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", env=env,
                          stdin=subprocess.DEVNULL, timeout=300)


def table(path: Path, sheet: str, key: str = "干部编号") -> list[dict]:
    """The rows of a table in an output sheet as dicts, the header being the first row that
    holds `key`; rows after it until the first wholly empty row."""
    wb = openpyxl.load_workbook(path)
    data = [list(r) for r in wb[sheet].iter_rows(values_only=True)]
    wb.close()
    for i, row in enumerate(data):
        if key in row:
            header = row
            out = []
            for r in data[i + 1:]:
                if all(v is None or v == "" for v in r):
                    break
                out.append(dict(zip(header, r)))
            return out
    raise KeyError(f"{path.name}!{sheet}: no header row with {key}")


def fill_review(path: Path, decisions: dict, sheet: str = "待审核清单") -> Path:
    """Fill a review list as a clerk would: decisions = {事项ID: {column name: value}}."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    header_row, cols = None, {}
    for row in ws.iter_rows(min_row=1, max_row=10):
        labels = [c.value for c in row]
        if "事项ID" in labels and "审核结论" in labels:
            header_row = row[0].row
            cols = {v: i + 1 for i, v in enumerate(labels) if v}
            break
    if header_row is None:
        raise KeyError(f"{path.name}!{sheet}: no decision header")
    todo = dict(decisions)
    for r in range(header_row + 1, ws.max_row + 1):
        iid = ws.cell(row=r, column=cols["事项ID"]).value
        if iid in todo:
            for name, value in todo.pop(iid).items():
                ws.cell(row=r, column=cols[name], value=value)
    if todo:
        raise KeyError(f"{path.name}!{sheet}: items not listed: {sorted(todo)}")
    wb.save(path)
    return path


def problem_codes(output: Path) -> list[dict]:
    """The 问题清单 rows of output/校验报告.xlsx."""
    return table(Path(output) / "校验报告.xlsx", "问题清单", key="问题代码")


def run_many(jobs: list[tuple]) -> list:
    """Run several independent process.py jobs at once (one per CPU): each job is
    (base, args tuple, keyword dict for run_process); results in the same order."""
    import os
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        futures = [pool.submit(run_process, base, *args, **kw) for base, args, kw in jobs]
        return [f.result() for f in futures]


def rulebook_points(path: Path, changes: dict, source: Path | None = None) -> Path:
    """A copy of RULEBOOK (or `source`) with the 分值 of some item codes changed: {code: points}."""
    wb = openpyxl.load_workbook(source or RULEBOOK)
    todo = dict(changes)
    for ws in wb.worksheets:
        header = [c.value for c in ws[1]]
        if "代码" not in header or "分值" not in header:
            continue
        code_col, points_col = header.index("代码") + 1, header.index("分值") + 1
        for r in range(2, ws.max_row + 1):
            code = ws.cell(row=r, column=code_col).value
            if code in todo:
                ws.cell(row=r, column=points_col, value=todo.pop(code))
    if todo:
        raise KeyError(f"codes not in the rulebook: {sorted(todo)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def rulebook_notices(path: Path, rows: list[tuple], source: Path | None = None) -> Path:
    """A copy of RULEBOOK (or `source`) whose 通报设置 sheet holds `rows`:
    (期间, 发文日期, 文号, 申辩截止日期), dates as datetime.date or text, None = blank."""
    wb = openpyxl.load_workbook(source or RULEBOOK)
    ws = wb["通报设置"]
    header = [c.value for c in ws[1]]
    cols = {name: header.index(name) + 1 for name in ("期间", "发文日期", "文号", "申辩截止日期")}
    for i, row in enumerate(rows, start=2):
        for name, value in zip(("期间", "发文日期", "文号", "申辩截止日期"), row):
            ws.cell(row=i, column=cols[name], value=value)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


# --- scored counties: chosen quarterly scores per cadre (consequence and annual-workbook tests) ---

KE_GROUP, HOU_GROUP = "科级领导干部", "后备干部"
FILLER = ("H99", "填充员", "县档案馆", "股长", HOU_GROUP, "2020-01-01")  # alone in 后备: never banded


def cadre_group(n: int = 20, prefix: str = "C", category: str = KE_GROUP, since: str = "2020-01-01",
                group: str | None = None) -> list[tuple]:
    """n roster rows C01..Cn (姓名 干部C01 …, units in turn) for roster(): one ranking group."""
    units = ("县财政局", "城关镇", "县水利局", "县教育局")
    return [(f"{prefix}{i:02d}", f"干部{prefix}{i:02d}", units[i % len(units)], "局长", category, since, None,
             group) for i in range(1, n + 1)]


def quarter_of(month: str) -> str:
    """'2026-05' → '2026Q2'."""
    return f"{month[:4]}Q{(int(month[5:7]) + 2) // 3}"


def delta_rows(plan: dict, prefix: str = "P") -> list[dict]:
    """plan {干部编号: {期间: change}} → register rows. 期间 is a month '2026-03' or a quarter
    '2026Q1' (booked in its first month); change is a number (negative: an A1 deduction of that
    many points; positive: that many county awards J1-4 of 1 point, rows of at most 10) or a list
    of (项目代码, 数量) rows."""
    rows = []
    for cid in sorted(plan):
        for when in sorted(plan[cid]):
            month = when if "Q" not in when else f"{when[:4]}-{3 * int(when[-1]) - 2:02d}"
            change = plan[cid][when]
            if isinstance(change, (int, float)):
                if change < 0:
                    entries = [("A1", -change)]
                else:
                    entries = [("J1-4", min(10, change - k)) for k in range(0, int(change), 10)]
            else:
                entries = list(change)
            for code, qty in entries:
                if qty:
                    rows.append({"id": f"{prefix}{len(rows) + 1:04d}", "cadre_id": cid,
                                 "name": f"干部{cid}",
                                 "month": month, "code": code, "qty": qty})
    return rows


def history(path: Path, years=(), quarters=()) -> Path:
    """A history workbook: sheet 历年结果 (年度, 干部编号, 姓名, 年度名次, 等次) and, when given,
    sheet 历年季度结果 (年度, 季度, 干部编号, 等次)."""
    sheets = {}
    if years:
        sheets["历年结果"] = [["年度", "干部编号", "姓名", "年度名次", "等次"], *map(list, years)]
    if quarters:
        sheets["历年季度结果"] = [["年度", "季度", "干部编号", "等次"], *map(list, quarters)]
    return workbook(path, sheets)


def scored_county(root: Path, plan: dict, months, roster_rows=None, tops: bool = True,
                  history_years=(), history_quarters=()) -> Path:
    """root/input with a roster (default cadre_group(): 20 cadres, so k_top 3 and k_bottom 1, plus
    FILLER), one register holding `plan` (see delta_rows) and one county award for FILLER in each
    of `months` (so each has data), and optionally a history workbook. With `tops` C01, C02, C03
    get +3, +2, +1 in every quarter touched (added to the plan): a clean 先进 list.
    Returns the input folder."""
    inp = Path(root) / "input"
    people = list(roster_rows if roster_rows is not None else cadre_group())
    roster(inp / "干部名册.xlsx", people + [FILLER], title="干部名册")
    full = {cid: dict(v) for cid, v in plan.items()}
    if tops:
        for q in sorted({quarter_of(m) for m in months}):
            for cid, pts in (("C01", 3), ("C02", 2), ("C03", 1)):
                have = full.setdefault(cid, {}).get(q, 0)
                if isinstance(have, (int, float)):
                    full[cid][q] = have + pts
                else:
                    full[cid][q] = list(have) + [("J1-4", pts)]
    rows = delta_rows(full)
    rows += [{"id": f"F{i:03d}", "cadre_id": FILLER[0], "name": FILLER[1], "month": m,
              "code": "J1-4"} for i, m in enumerate(sorted(months), start=1)]
    register(inp / "登记表.xlsx", rows)
    if history_years or history_quarters:
        history(inp / "历年结果.xlsx", history_years, history_quarters)
    return inp


def pipeline_run(root: Path, rulebook: Path | None = None, write: bool = False,
                 year: int | None = None):
    """pipeline.run on root/input (outputs to root/output, archive root/archive); with `write`
    LibreOffice is hidden from the run (no PDF step)."""
    import os

    from jifen.pipeline import Options, run

    root = Path(root)
    opts = Options(root / "input", root / "output", rulebook or RULEBOOK, root / "archive", year=year,
                   write=write)
    if not write:
        return run(opts)
    old = os.environ.get("PATH", "")
    empty = root / ".empty-bin"
    empty.mkdir(parents=True, exist_ok=True)
    os.environ["PATH"] = str(empty)
    try:
        return run(opts)
    finally:
        os.environ["PATH"] = old


def ranking_book(out: Path, year: int, quarter: int | None = None) -> Path:
    """The ranking workbook of a year (or its quarter's attachment) in `out`, formal or a draft
    of an incomplete period (…积分排名（草稿，截至N月）.xlsx)."""
    folder, stem = (("年度排名", f"{year}年度积分排名") if quarter is None
                    else ("季度通报", f"{year}年第{quarter}季度积分排名"))
    found = sorted((Path(out) / folder).glob(f"{stem}*.xlsx"))
    return found[0] if len(found) == 1 else Path(out) / folder / f"{stem}.xlsx"


def sheets(path: Path) -> dict:
    """Every sheet's cell values, row by row."""
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
    finally:
        wb.close()


def assert_same_results(got: Path, expected: Path) -> None:
    """A package's output folder against the Linux run's on the same demo input: the annual
    ranking, the four quarterly attachments and the problem list, cell values (the files
    themselves carry versions and fingerprints that may differ)."""
    annual = "年度排名/2025年度积分排名.xlsx"
    assert sheets(got / annual)["年度排名"] == sheets(expected / annual)["年度排名"]
    quarters = sorted(p.relative_to(expected) for p in (expected / "季度通报").glob("*季度积分排名.xlsx"))
    assert len(quarters) == 4
    for rel in quarters:
        assert sheets(got / rel) == sheets(expected / rel), rel
    assert problem_codes(got) == problem_codes(expected)
