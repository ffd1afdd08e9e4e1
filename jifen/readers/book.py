"""Open one workbook as plain grids of values: the single place a file's bytes are parsed.

Everything downstream sees `Book` (sheet name, visibility, rows of Python values), so the
safety gate and the parse cache sit in front of this one function.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from python_calamine import CalamineWorkbook

from jifen import problems as pb

MAX_ROWS = 20000      # a declaration has ~20 rows, a register a few thousand
MAX_COLS = 64


@dataclass
class Sheet:
    name: str
    visible: bool
    rows: list[list] = field(default_factory=list)


@dataclass
class Book:
    sheets: list[Sheet]


def read_book(path, display_name: str) -> tuple[Book | None, list[pb.Problem]]:
    """Parse a workbook; an unreadable one is a problem, never an exception."""
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own types for damaged files
        return None, [pb.error("unreadable-file", f"文件无法作为 Excel 工作簿打开（{type(exc).__name__}）",
                               "请用 Excel 或 WPS 打开该文件，另存为 .xlsx 后重新放入。", file=display_name)]
    problems: list[pb.Problem] = []
    sheets = []
    try:
        for meta in wb.sheets_metadata:
            if "WorkSheet" not in str(meta.typ):
                continue
            ws = wb.get_sheet_by_name(meta.name)
            visible = str(meta.visible).endswith("Visible") and "Hidden" not in str(meta.visible)
            last_row, last_col = ws.end if ws.end else (0, 0)
            if last_row >= MAX_ROWS or last_col >= MAX_COLS:
                problems.append(pb.warning(
                    "range-too-large",
                    f"工作表“{meta.name}”的使用范围过大（{last_row + 1} 行 × {last_col + 1} 列），只读取前 {MAX_ROWS} 行、前 {MAX_COLS} 列",
                    "请删除表格末尾多余的内容或格式后重新保存。", file=display_name, sheet=meta.name))
            if last_col >= 4 * MAX_COLS:
                rows = _read_bounded(path, meta.name)
            else:
                rows = ws.to_python(skip_empty_area=False, nrows=MAX_ROWS)
            sheets.append(Sheet(meta.name, visible, [
                [None if v == "" else v for v in row[:MAX_COLS]] for row in rows]))
    except Exception as exc:
        return None, problems + [pb.error(
            "unreadable-file", f"文件内容损坏，无法读取（{type(exc).__name__}: {exc}）",
            "请用 Excel 或 WPS 打开该文件，另存为 .xlsx 后重新放入。", file=display_name)]
    finally:
        try:
            wb.close()
        except Exception:
            pass
    return Book(sheets), problems


def _read_bounded(path, sheet_name: str) -> list[list]:
    """A sheet whose used range reaches far to the right (a stray value in XFD1): stream it
    with openpyxl, bounded, instead of materialising millions of empty cells."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb[sheet_name]
        return [list(r) for r in ws.iter_rows(max_row=MAX_ROWS, max_col=MAX_COLS, values_only=True)]
    finally:
        wb.close()
