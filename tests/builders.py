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
                layout: str = "cells") -> Path:
    """items: dicts with keys code, qty and optional desc, matter, date, declared, evidence, seq."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "积分申报表"
    ws.append([f"日常积分申报表（{month}）"])
    ws.merge_cells("A1:J1")
    if layout == "cells":
        ws.append(["干部编号", cadre_id, "姓名", name, "单位", unit])
        ws.append(["申报月份", month])
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
    """An environment whose PATH holds no LibreOffice, so a run skips the (slow) PDF step."""
    import os

    empty = Path(tmp_dir) / ".empty-bin"
    empty.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("PATH", "PYTHONPATH")}
    env["PATH"] = str(empty)
    return env


def run_process(base: Path, *args, pdf: bool = False, output: Path | None = None,
                rulebook: Path | None = None):
    """Run process.py on base/input into base/output (or `output`) with base/archive.

    Without `pdf` LibreOffice is hidden from the run (PATH without soffice): the PDF copy is
    skipped and a run takes about a second. Returns the CompletedProcess (stdout as text)."""
    import subprocess
    import sys

    base = Path(base)
    cmd = [sys.executable, str(ROOT / "process.py"), *map(str, args), "--input", str(base / "input"),
           "--output", str(output or base / "output"), "--archive", str(base / "archive")]
    if rulebook is not None:
        cmd += ["--rulebook", str(rulebook)]
    env = None if pdf else no_soffice_env(base)
    return subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", env=env, timeout=300)


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
