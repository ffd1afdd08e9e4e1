"""Open one workbook as plain grids of values: the single place a file's bytes are parsed.

Only files the gate passed reach here. Each sheet becomes a `Sheet` (name, visibility, rows
of Python values); cells calamine reads as empty but the gate saw an error value or a
formula without a result are shown as that text, so the readers can say what is wrong.

python-calamine (a compiled extension) is the fast parser. Where it cannot be loaded (an
antivirus blocking its DLL, Wine lacking `bcryptprimitives.dll`) the same grids come from
openpyxl instead: numbers as floats, midnight datetimes as dates, error cells empty, as
calamine gives them. `FALLBACK_REASON` says why, for the one console line the run prints.
Below Python 3.11 openpyxl is the parser by design: python-calamine 0.9 needs 3.11, and the
0.4 that Python 3.8 gets differs (it leaves _xHHHH_ escapes, inflates a part past its declared
size, panics on a bad shared-string index), so pyproject.toml installs it on 3.11+ only.
"""

from __future__ import annotations

import html
import io
import re
import sys
import zipfile
from dataclasses import dataclass, field

try:
    from python_calamine import CalamineWorkbook
except (ImportError, OSError) as _exc:  # DLL blocked or missing: read with openpyxl instead
    CalamineWorkbook = None
    FALLBACK_REASON: str | None = f"{type(_exc).__name__}: {_exc}" if sys.version_info >= (3, 11) else None
else:
    FALLBACK_REASON = None

from jifen.problems import Problem, error, warning
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


def open_workbook(fh, streamed=frozenset()):
    """calamine's workbook (or openpyxl's stand-in) for a binary file object; `streamed`: the
    sheet parts the bounded streaming reader reads instead (neither parser opens them)."""
    if CalamineWorkbook is not None:
        return CalamineWorkbook.from_filelike(fh)
    return _OpenpyxlBook.from_filelike(fh, streamed)


def read_book(data: bytes, display_name: str, verdict: gate.Verdict) -> tuple[Book | None, list[Problem]]:
    """Parse a workbook's bytes; an unreadable one is a problem, never an exception."""
    problems: list[Problem] = []
    sheets = []
    wb = None
    try:
        wb = open_workbook(io.BytesIO(data), {f.part for f in verdict.sheets.values() if f.bounded})
        for meta in wb.sheets_metadata:
            if "WorkSheet" not in str(meta.typ):
                continue
            visible = str(meta.visible).endswith("Visible")
            facts = verdict.sheets.get(meta.name, gate.SheetFacts(meta.name, ""))
            if facts.bounded:
                problems.append(warning(
                    "range-too-large",
                    f"工作表“{meta.name}”的使用范围过大，只读取前 {MAX_ROWS} 行、前 {MAX_COLS} 列",
                    "请删除表格末尾或右侧多余的内容、格式后重新保存。", file=display_name, sheet=meta.name))
                rows = _read_streaming(data, facts.part, facts) if facts.part else []
            else:
                rows = wb.get_sheet_by_name(meta.name).to_python(skip_empty_area=False, nrows=MAX_ROWS)
            grid = [[None if v == "" else v for v in row[:MAX_COLS]] for row in rows]
            _show_faults(grid, facts.faults)
            _clear_pictures(grid, facts.picture_cells())
            problems += _hidden_rows(grid, facts.hidden_rows, display_name, meta.name)
            sheets.append(Sheet(meta.name, visible, grid))
    except BaseException as exc:  # noqa: BLE001 - a native panic is a BaseException, still a bad file
        if isinstance(exc, (KeyboardInterrupt, SystemExit, MemoryError)):
            raise
        return None, problems + [error(
            "unreadable-file", f"文件内容损坏，无法读取（{type(exc).__name__}）",
            "请用 Excel 或 WPS 打开该文件，另存为 .xlsx 后重新放入。", file=display_name)]
    finally:
        if wb is not None:
            try:
                wb.close()
            except Exception:
                pass
    return Book(sheets), problems


# --- openpyxl in calamine's place ---------------------------------------------------------
# Errors carry calamine's names: the clerk's message names the error type, and it must read
# the same whichever parser ran.

class CalamineError(Exception):
    """A workbook the fallback parser could not read (python-calamine's name for it)."""


class XmlError(CalamineError):
    """Malformed XML in a workbook part."""


class WorksheetNotFound(CalamineError):
    """The workbook lists a sheet whose part is missing."""


_XML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_SHEET_ENTRY = re.compile(rb"<(?:\w+:)?sheet\b[^>]*\br:id=", re.S)


def _unescape(text: str) -> str:
    """OOXML's _xHHHH_ escapes (control characters), which calamine decodes and openpyxl's
    read-only mode leaves as they are."""
    return _XML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def _as_calamine_error(exc: Exception) -> CalamineError:
    from xml.etree.ElementTree import ParseError

    if isinstance(exc, CalamineError):
        return exc
    if isinstance(exc, ParseError) or type(exc).__name__ == "XMLSyntaxError":
        return XmlError(str(exc))
    return CalamineError(f"{type(exc).__name__}: {exc}")


@dataclass
class _SheetMeta:
    name: str
    typ: str
    visible: str


class _OpenpyxlSheet:
    def __init__(self, ws):
        self.ws = ws

    def to_python(self, skip_empty_area: bool = False, nrows: int | None = None) -> list[list]:
        """The sheet from A1 as calamine's `to_python(skip_empty_area=False)` gives it:
        rectangular up to the last cell holding a value, empty cells as ""."""
        try:
            return self._rows(nrows)
        except Exception as exc:  # noqa: BLE001 - any parser failure is an unreadable file
            raise _as_calamine_error(exc) from exc

    def _rows(self, nrows: int | None) -> list[list]:
        import datetime as dt

        rows: list[list] = []
        width = 0
        for cells in self.ws.iter_rows():
            if nrows is not None and len(rows) >= nrows:
                break
            row: list = []
            for cell in cells:
                v = cell.value
                if v is None or cell.data_type == "e":
                    v = ""
                elif isinstance(v, str):
                    v = _unescape(v)
                elif isinstance(v, bool):
                    pass
                elif isinstance(v, int):
                    v = float(v)
                elif isinstance(v, dt.datetime) and v.time() == dt.time(0):
                    v = v.date()
                row.append(v)
            while row and row[-1] == "":
                row.pop()
            width = max(width, len(row))
            rows.append(row)
        while rows and not rows[-1]:
            rows.pop()
        return [row + [""] * (width - len(row)) for row in rows]


class _OpenpyxlBook:
    """The part of calamine's workbook API `read_book` uses, served by openpyxl (slower)."""

    def __init__(self, wb):
        self.wb = wb
        self.sheets_metadata = [
            _SheetMeta(ws.title, "SheetTypeEnum.WorkSheet",
                       "SheetVisibleEnum.Visible" if ws.sheet_state == "visible" else "SheetVisibleEnum.Hidden")
            for ws in wb.worksheets]

    @classmethod
    def from_filelike(cls, fh, streamed=frozenset()) -> _OpenpyxlBook:
        try:
            return cls._open(fh, streamed)
        except Exception as exc:  # noqa: BLE001 - any parser failure is an unreadable file
            raise _as_calamine_error(exc) from exc

    @classmethod
    def _open(cls, fh, streamed) -> _OpenpyxlBook:
        import warnings

        import openpyxl

        # Every XML part decompressed once, bounded by its declared size and CRC-checked: a
        # part that lies about its size fails here, fast, as it does in calamine. Pictures and
        # other media are not parsed here (nor by calamine), so they are not checked either, nor
        # are the sheets too large for either parser (read by the bounded streaming reader).
        with zipfile.ZipFile(fh) as zf:
            for info in zf.infolist():
                if not info.filename.endswith((".xml", ".rels")) or info.filename in streamed:
                    continue
                with zf.open(info) as part:
                    while part.read(1 << 20):
                        pass
            listed = len(_SHEET_ENTRY.findall(zf.read("xl/workbook.xml")))
        fh.seek(0)
        if streamed:
            fh = _with_empty_sheets(fh, streamed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")      # data validation / header-footer notes
            wb = openpyxl.load_workbook(fh, read_only=True, data_only=True, keep_links=False)
        if len(wb.worksheets) + len(wb.chartsheets) < listed:
            wb.close()
            raise WorksheetNotFound("a sheet listed in xl/workbook.xml has no part")
        return cls(wb)

    def get_sheet_by_name(self, name: str) -> _OpenpyxlSheet:
        ws = self.wb[name]
        ws.reset_dimensions()       # like calamine, trust the cells, not a <dimension> tag
        return _OpenpyxlSheet(ws)

    def close(self) -> None:
        self.wb.close()


_EMPTY_SHEET = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>'


def _with_empty_sheets(fh, parts) -> io.BytesIO:
    """A copy of the workbook whose sheet `parts` are empty: opening a workbook, openpyxl parses
    a sheet without a <dimension> to its end, which for the streamed sheets is what must not be."""
    out = io.BytesIO()
    with zipfile.ZipFile(fh) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, _EMPTY_SHEET if info.filename in parts else src.read(info))
    out.seek(0)
    return out


def _show_faults(grid: list[list], faults: dict) -> None:
    for (r, c), text in faults.items():
        if r < len(grid):
            row = grid[r]
            if c >= len(row):
                row.extend([None] * (c + 1 - len(row)))
            if row[c] is None:
                row[c] = text


def _clear_pictures(grid: list[list], cells: set) -> None:
    """A cell holding a picture (`=DISPIMG(…)`, an in-cell picture's #VALUE!) has no text of its
    own: the picture is attached to the item instead (readers/pictures.py)."""
    for r, c in cells:
        if r < len(grid) and c < len(grid[r]):
            grid[r][c] = None


def _hidden_rows(grid, hidden, file, sheet) -> list[Problem]:
    rows = [r for r in hidden if r - 1 < len(grid) and any(v is not None for v in grid[r - 1])]
    if not rows:
        return []
    shown = "、".join(str(r) for r in rows[:10]) + ("等" if len(rows) > 10 else "")
    return [warning("hidden-rows", f"第 {shown} 行是隐藏行，其中的数据已读入", "请确认隐藏行中的数据确实需要计分。",
                       file=file, sheet=sheet, cell=f"第{rows[0]}行", row=rows[0])]


# rows with content only: the many self-closing empty rows a formatted sheet can hold are
# skipped by the regex engine itself, not one by one in Python
_ROW = re.compile(rb"<row\b([^>]*?)(?<!/)>(.*?)</row>", re.S)
_ROW_NUM = re.compile(rb'\br="(\d+)"')
_C = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_ATTR_R = re.compile(rb'\br="([A-Z]+)(\d+)"')
_ATTR_T = re.compile(rb'\bt="(\w+)"')
_V = re.compile(rb"<v>([^<]*)</v>")
_T = re.compile(rb"<t[^>]*>([^<]*)</t>")
_SI = re.compile(rb"<si>(.*?)</si>", re.S)


def _xml_text(raw: bytes) -> str:
    return html.unescape(raw.decode("utf-8", "replace"))


def _read_streaming(data: bytes, part: str, facts) -> list[list]:
    """A far-flung or huge sheet read straight from its XML, stopping after MAX_ROWS rows and
    ignoring columns past MAX_COLS: milliseconds for a million formatted empty rows, where a
    dense reader would allocate for every cell up to the last one."""
    zf = zipfile.ZipFile(io.BytesIO(data))
    shared: list[str] = []
    if "xl/sharedStrings.xml" in zf.namelist():
        shared = ["".join(_xml_text(t) for t in _T.findall(si)) for si in _SI.findall(zf.read("xl/sharedStrings.xml"))]
    grid: list[list] = []
    buf = b""
    with zf.open(part) as fh:
        while True:
            chunk = fh.read(1 << 20)
            buf += chunk
            last = 0
            for m in _ROW.finditer(buf):
                last = m.end()
                attrs, body = m.group(1), m.group(2) or b""
                num = _ROW_NUM.search(attrs)
                r = int(num.group(1)) - 1 if num else len(grid)
                if r >= MAX_ROWS:
                    return grid
                if b'hidden="1"' in attrs or b'hidden="true"' in attrs:
                    facts.hidden_rows.append(r + 1)
                if not body:
                    continue
                row: list = []
                for c in _C.finditer(body):
                    ref = _ATTR_R.search(c.group(1))
                    col = gate.col_index(ref.group(1)) if ref else len(row)
                    if col >= MAX_COLS:
                        continue
                    inner = c.group(2) or b""
                    kind = _ATTR_T.search(c.group(1))
                    kind = kind.group(1) if kind else b"n"
                    v = _V.search(inner)
                    if kind == b"inlineStr":
                        value = "".join(_xml_text(t) for t in _T.findall(inner)) or None
                    elif v is None:
                        value = gate.FORMULA_NO_VALUE if b"<f" in inner else None
                    elif kind == b"s":
                        i = int(v.group(1) or -1)
                        value = shared[i] if 0 <= i < len(shared) else None
                    elif kind in (b"str", b"e"):
                        value = _xml_text(v.group(1))
                    elif kind == b"b":
                        value = v.group(1) == b"1"
                    else:
                        try:
                            f = float(v.group(1))
                            value = int(f) if f.is_integer() else f
                        except ValueError:
                            value = None
                    if value is not None:
                        row.extend([None] * (col + 1 - len(row)))
                        row[col] = value
                if row:
                    grid.extend([[] for _ in range(r + 1 - len(grid))])
                    grid[r] = row
            if not chunk:
                return grid
            tail = buf.rfind(b"<row")
            num = _ROW_NUM.search(buf, tail) if tail >= 0 else None
            if num and int(num.group(1)) > MAX_ROWS:
                return grid          # rows are in order: everything further is out of bounds
            # keep only an unfinished row for the next chunk
            cut = last if last else max(0, buf.rfind(b"<row"))
            buf = buf[cut:]
