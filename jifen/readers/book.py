"""Open one workbook as plain grids of values: the single place a file's bytes are parsed.

Only files the gate passed reach here. Each sheet becomes a `Sheet` (name, visibility, rows
of Python values); cells calamine reads as empty but the gate saw an error value or a
formula without a result are shown as that text, so the readers can say what is wrong.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from python_calamine import CalamineWorkbook

from jifen import problems as pb
from jifen.readers import gate

MAX_ROWS, MAX_COLS = gate.GRID_ROWS, gate.GRID_COLS


@dataclass
class Sheet:
    name: str
    visible: bool
    rows: list[list] = field(default_factory=list)


@dataclass
class Book:
    sheets: list[Sheet]


def read_book(data: bytes, display_name: str, verdict: gate.Verdict) -> tuple[Book | None, list[pb.Problem]]:
    """Parse a workbook's bytes; an unreadable one is a problem, never an exception."""
    problems: list[pb.Problem] = []
    sheets = []
    wb = None
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        for meta in wb.sheets_metadata:
            if "WorkSheet" not in str(meta.typ):
                continue
            visible = str(meta.visible).endswith("Visible")
            facts = verdict.sheets.get(meta.name, gate.SheetFacts(meta.name, ""))
            if facts.bounded:
                problems.append(pb.warning(
                    "range-too-large",
                    f"工作表“{meta.name}”的使用范围过大，只读取前 {MAX_ROWS} 行、前 {MAX_COLS} 列",
                    "请删除表格末尾或右侧多余的内容、格式后重新保存。", file=display_name, sheet=meta.name))
                rows = _read_bounded(data, meta.name)
            else:
                rows = wb.get_sheet_by_name(meta.name).to_python(skip_empty_area=False, nrows=MAX_ROWS)
            grid = [[None if v == "" else v for v in row[:MAX_COLS]] for row in rows]
            _show_faults(grid, facts.faults)
            problems += _hidden_rows(grid, facts.hidden_rows, display_name, meta.name)
            sheets.append(Sheet(meta.name, visible, grid))
    except BaseException as exc:  # noqa: BLE001 - a native panic is a BaseException, still a bad file
        if isinstance(exc, (KeyboardInterrupt, SystemExit, MemoryError)):
            raise
        return None, problems + [pb.error(
            "unreadable-file", f"文件内容损坏，无法读取（{type(exc).__name__}）",
            "请用 Excel 或 WPS 打开该文件，另存为 .xlsx 后重新放入。", file=display_name)]
    finally:
        if wb is not None:
            try:
                wb.close()
            except Exception:
                pass
    return Book(sheets), problems


def _show_faults(grid: list[list], faults: dict) -> None:
    for (r, c), text in faults.items():
        if r < len(grid):
            row = grid[r]
            if c >= len(row):
                row.extend([None] * (c + 1 - len(row)))
            if row[c] is None:
                row[c] = text


def _hidden_rows(grid, hidden, file, sheet) -> list[pb.Problem]:
    rows = [r for r in hidden if r - 1 < len(grid) and any(v is not None for v in grid[r - 1])]
    if not rows:
        return []
    shown = "、".join(str(r) for r in rows[:10]) + ("等" if len(rows) > 10 else "")
    return [pb.warning("hidden-rows", f"第 {shown} 行是隐藏行，其中的数据已读入", "请确认隐藏行中的数据确实需要计分。",
                       file=file, sheet=sheet, cell=f"第{rows[0]}行", row=rows[0])]


def _read_bounded(data: bytes, sheet_name: str) -> list[list]:
    """Stream a far-flung sheet with openpyxl, bounded, instead of a dense grid of millions of cells."""
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        ws = wb[sheet_name]
        ws.reset_dimensions()
        return [list(r) for r in ws.iter_rows(max_row=MAX_ROWS, max_col=MAX_COLS, values_only=True)]
    finally:
        wb.close()
