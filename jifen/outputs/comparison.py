"""output/规则调整影响.xlsx (内部资料): what a proposed rulebook would change, and its summary read
back for 总览.html.

Sheets: 汇总 (who enters or leaves each band and 结果运用), 进出名单, 人员对比 (per cadre and
period), 规则项目 (per item the points moved), 规则差异, 说明 (rulebooks, input fingerprint).
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from jifen.outputs import common
from jifen.outputs.xlsx import Book, write_table
from jifen.views import comparison

FILE_NAME = "规则调整影响.xlsx"
NOTES_SHEET = "说明"
SUMMARY_SHEET = "汇总"


def notes_frame(wi, cadres: pd.DataFrame) -> pd.DataFrame:
    changed = int((cadres["积分变化"].fillna(0) != 0).sum())
    lines = [
        ("现行规则", f"{Path(wi.old.rulebook.path).name}（SHA-256 {wi.old.rulebook.sha256}）"),
        ("拟调整规则", f"{Path(wi.new.rulebook.path).name}（SHA-256 {wi.new.rulebook.sha256}）"),
        ("输入文件", f"{len(wi.old.files)} 个，与正常运行读取的相同"),
        ("积分变化人次", changed),
        ("计算方法", "用同一批输入材料，分别按现行规则和拟调整规则计算全部期间的积分、排名、先进末位和结果运用"
                 "（与正常运行相同的程序）。已发布期间也按两套规则重新计算，不影响已发布结果。"),
        ("审核分值", "审核结论为“调整”的事项按审核分值计分，两套规则相同。"),
        ("规则项目", "“合计”为该项目计入年度积分的分值（加分为正、扣分为负，已按同一事项和子项上限处理）；"
                 "加分总上限按人计算，不分摊到项目。"),
        ("输出", "本次对比只写出本文件，不改变 output 和 archive 中的其他文件。"),
        ("输入指纹", wi.fingerprint),
    ]
    return pd.DataFrame(lines, columns=["项目", "内容"])


def write_comparison(wi, log) -> dict:
    """Build and write the workbook; → the counts the console prints."""
    cadres = comparison.cadre_frame(wi.old, wi.new)
    moved = comparison.moves(cadres)
    summary = comparison.summary(cadres, moved)
    items = comparison.item_frame(wi.old, wi.new)
    diffs = comparison.rule_differences(wi.old.rulebook, wi.new.rulebook)
    stamp = common.stamp(wi.new)
    county = wi.old.rulebook.params["县名"]
    book = Book("规则调整影响", mark=common.mark(wi.old), stamp=stamp)
    title = f"{county}县积分规则调整影响测算（内部资料）"
    write_table(book, book.sheet(SUMMARY_SHEET), summary, title=title,
                subtitle=f"拟调整规则：{Path(wi.new.rulebook.path).name}。每行是一个期间中进入或离开某一等次、结果运用的人数和名单。",
                widths={"期间": 10, "类别": 16, "进入人员": 60, "离开人员": 60}, wrap={"进入人员", "离开人员"})
    write_table(book, book.sheet("进出名单"), moved, title="进入或离开先进、末位和各项结果运用的人员",
                widths={"单位": 20})
    tints = ["bad" if a != b else "" for a, b in zip(cadres["原等次"], cadres["新等次"])]
    write_table(book, book.sheet("人员对比"), cadres, title="每人每期的积分、名次、等次和结果运用（现行规则 → 拟调整规则）",
                widths={"单位": 20, "原结果运用": 18, "新结果运用": 18}, row_formats=tints)
    write_table(book, book.sheet("规则项目"), items, title="各规则项目的计分变化（年度）",
                widths={"项目名称": 40}, wrap={"项目名称"})
    write_table(book, book.sheet("规则差异"), diffs, title="拟调整规则与现行规则的差异", widths={"现行": 30, "拟调整": 30})
    write_table(book, book.sheet(NOTES_SHEET), notes_frame(wi, cadres), title="说明", autofilter=False,
                widths={"项目": 14, "内容": 90}, wrap={"内容"})
    log.write(wi.old.options.output_dir / FILE_NAME, book.close())
    return {"changed": int((cadres["积分变化"].fillna(0) != 0).sum()), "summary": summary, "items": items,
            "differences": diffs}


def load_summary(output_dir: Path, link, fingerprint: str) -> dict | None:
    """The 汇总 of the last comparison, for the overview; None when none was run (or unreadable)."""
    path = Path(output_dir) / FILE_NAME
    if not path.is_file():
        return None
    try:
        from jifen.readers.book import open_workbook

        wb = open_workbook(io.BytesIO(path.read_bytes()))
        notes = _table(wb.get_sheet_by_name(NOTES_SHEET).to_python(), "项目")
        rows = wb.get_sheet_by_name(SUMMARY_SHEET).to_python()
    except Exception:       # a damaged or foreign file: the overview just leaves the section out
        return None
    info = {r[0]: r[1] for r in notes if len(r) > 1}
    header_at = next((i for i, r in enumerate(rows) if "类别" in r), None)
    if header_at is None:
        return None
    header = [str(h) for h in rows[header_at] if h != ""]
    body = [[_cell(v) for v in r[:len(header)]] for r in rows[header_at + 1:] if any(v != "" for v in r)]
    return {"proposed": str(info.get("拟调整规则", "")).split("（")[0], "href": link(path),
            "stale": info.get("输入指纹") != fingerprint, "changed": _cell(info.get("积分变化人次", "")),
            "header": header, "rows": body[:200]}


def _table(rows: list, key: str) -> list:
    at = next((i for i, r in enumerate(rows) if key in r), None)
    return [] if at is None else rows[at + 1:]


def _cell(v):
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v
