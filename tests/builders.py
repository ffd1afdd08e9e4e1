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
