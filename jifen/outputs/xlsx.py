"""Shared workbook machinery: one place for formats, print setup and safe cell writing.

Every workbook is built in memory with `strings_to_formulas=False` (a cadre's `=HYPERLINK(…)`
stays text), fixed document properties (same inputs → same bytes), frozen header, filters,
A4 with repeated header rows and a 第 &P 页 共 &N 页 footer.
"""

from __future__ import annotations

import datetime as dt
import io
import math

import pandas as pd

from jifen.outputs.fastsheet import XML_BAD, FastSheet, FastWorkbook

FIXED_TIME = dt.datetime(2000, 1, 1)
SEAL_EVERY = 512     # a table's finished rows become one string each, this many at a time (FastSheet.seal)


class Book:
    """An in-memory xlsxwriter workbook with the project's formats."""

    def __init__(self, title: str = "", mark: str = "", stamp: str = ""):
        """`mark`: the classification mark (parameter 内部文件标识) of an internal workbook,
        printed top left on every page and written above each sheet's table."""
        self.buffer = io.BytesIO()
        self.wb = FastWorkbook(self.buffer, {
            "in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
            "strings_to_numbers": False, "default_date_format": "yyyy-mm-dd"})
        self.wb.set_properties({"title": title, "author": "日常积分管理程序", "company": "",
                                "created": FIXED_TIME, "comments": stamp})
        self.title = title
        self.mark = mark
        self.stamp = stamp      # in the document properties; sheets show it where it is read, not on every page
        f = self.wb.add_format
        base = {"font_name": "宋体", "font_size": 10, "valign": "vcenter", "border": 1}
        self.fmt = {
            "title": f({"font_name": "黑体", "font_size": 14, "bold": True, "align": "center",
                        "valign": "vcenter"}),
            "sub": f({"font_name": "宋体", "font_size": 9, "italic": False, "font_color": "#555555"}),
            "head": f({**base, "bold": True, "bg_color": "#DDEBF7", "align": "center", "text_wrap": True}),
            "text": f(base),
            "wrap": f({**base, "text_wrap": True}),
            "num": f({**base, "num_format": "0.##;-0.##;0"}),
            "int": f({**base, "num_format": "0"}),
            "date": f({**base, "num_format": "yyyy-mm-dd"}),
            "good": f({**base, "bg_color": "#E2EFDA"}),
            "bad": f({**base, "bg_color": "#FCE4D6"}),
            "good_num": f({**base, "bg_color": "#E2EFDA", "num_format": "0.##;-0.##;0"}),
            "bad_num": f({**base, "bg_color": "#FCE4D6", "num_format": "0.##;-0.##;0"}),
            "link": f({**base, "text_wrap": True, "font_color": "#0563C1", "underline": 1}),
            "plain": f({"font_name": "宋体", "font_size": 10}),
            "bold": f({"font_name": "宋体", "font_size": 10, "bold": True}),
        }

    def sheet(self, name: str, landscape: bool = True):
        ws = self.wb.add_worksheet(name, worksheet_class=FastSheet)
        ws.set_paper(9)
        if landscape:
            ws.set_landscape()
        else:
            ws.set_portrait()
        ws.fit_to_pages(1, 0)
        ws.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)
        ws.set_footer("&C第 &P 页 共 &N 页")
        ws.set_header(page_header(self.title, self.mark))
        return ws

    def close(self) -> bytes:
        self.wb.close()
        return self.buffer.getvalue()


def clean_header(s: str) -> str:
    return safe_text(s).replace("&", "&&")[:120]


def page_header(title: str, mark: str) -> str:
    """What every printed page carries at the top: the classification mark of an internal
    document (left, parameter 内部文件标识) and the document's title; never the program version
    or a SHA-256 (those are for audit, in the document and its properties)."""
    return ("&L" + clean_header(mark) if mark else "") + ("&C" + clean_header(title) if title else "")


def safe_str(value) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)


def safe_text(value) -> str:
    """Text safe for the XML of xlsx/docx: control characters dropped, never a crash."""
    return XML_BAD.sub("", str(value))


def text_width(s: str) -> int:
    """Display width of text, fast: a CJK character is 3 bytes in UTF-8 and 2 columns wide."""
    return (len(s.encode("utf-8")) + len(s)) // 2


def lines_needed(value, width: float) -> int:
    """Wrapped lines a value takes in a column `width` characters wide (Excel does not
    grow row heights for us when the file is written by a program)."""
    if value is None:
        return 1
    usable = max(1.0, width - 1)
    s = value if isinstance(value, str) else str(value)
    if "\n" not in s:
        w = (len(s.encode("utf-8")) + len(s)) // 2         # text_width, inline: this runs ~10⁵ times
        return 1 if w <= usable else math.ceil(w / usable)
    return max(1, sum(max(1, math.ceil(text_width(part) / usable)) for part in s.split("\n")))


def fit_row(ws, r: int, values, widths, wrap_cols, line_height: float = 13.5) -> None:
    n = 1
    k = len(values)
    for c in wrap_cols:
        if c < k:
            lines = lines_needed(values[c], widths[c])
            if lines > n:
                n = lines
    if n > 1:
        ws.row_height(r, line_height * n + 2)


def _rows(df: pd.DataFrame):
    """The rows as object arrays, a block at a time: the whole table as Python objects at once
    was a second copy of a province's ledger in the worker writing it."""
    for start in range(0, len(df), SEAL_EVERY):
        yield from df.iloc[start:start + SEAL_EVERY].to_numpy(dtype=object)


def write_table(book: Book, ws, df: pd.DataFrame, title: str = "", subtitle: str = "",
                start_row: int = 0, widths: dict | None = None, wrap: set | None = None,
                row_formats: list | None = None, autofilter: bool = True, freeze: bool = True,
                repeat: bool = True, seal: bool = False, keep_open: frozenset = frozenset()) -> int:
    """Title, subtitle, header and rows; returns the next free row.

    `row_formats` optionally gives per row a key prefix ('good'/'bad') to colour the row.
    In a marked (internal) workbook the subtitle of a table at the top of a sheet starts with
    the mark, so the first rows say what the page header says.
    `seal`: the rows are finished as they are written (FastSheet.seal; a big table's memory),
    except the sheet rows in `keep_open`, which the caller still writes into.
    """
    fmt = book.fmt
    r = start_row
    if book.mark and subtitle and start_row == 0 and not subtitle.startswith(book.mark):
        subtitle = f"{book.mark}　{subtitle}"
    ncols = max(1, len(df.columns))
    if title:
        if ncols > 1:
            ws.merge_cells(r, 0, r, ncols - 1, title, fmt["title"])
        else:
            ws.put(r, 0, title, fmt["title"])
        ws.row_height(r, 24)
        r += 1
    if subtitle:
        ws.put(r, 0, subtitle, fmt["sub"])
        r += 1
    header_row = r
    names = [str(c) for c in df.columns]
    ws.put_row(r, names, [fmt["head"]] * len(df.columns), fmt["head"], fmt["head"])
    r += 1
    wrap = wrap or set()
    widths = dict(widths or {})
    head = df.iloc[:300].to_numpy(dtype=object) if len(df) else []
    col_widths = []
    for c, name in enumerate(df.columns):
        if name in widths:
            col_widths.append(widths[name])
        else:
            sample = [text_width(safe_str(v)) for v in head[:, c]] if len(df) else []
            col_widths.append(min(50, max([text_width(str(name)) + 2] + [x + 2 for x in sample])))
    fit_row(ws, header_row, names, col_widths, range(len(names)))       # narrow columns: header wraps
    wrap_cols = [c for c, name in enumerate(df.columns) if name in wrap]
    plain = [fmt["wrap"] if name in wrap else fmt["text"] for name in df.columns]
    num, date_fmt = fmt["num"], fmt["date"]
    put_row = ws.put_row
    for i, row in enumerate(_rows(df)):
        rr = r + i
        if wrap_cols:
            fit_row(ws, rr, row, col_widths, wrap_cols)
        tint = row_formats[i] if row_formats else ""
        if tint:
            put_row(rr, row, [fmt[tint]] * len(row), fmt[tint + "_num"], date_fmt)
        else:
            put_row(rr, row, plain, num, date_fmt)
        if seal and i % SEAL_EVERY == SEAL_EVERY - 1:
            ws.seal(rr - SEAL_EVERY + 1, rr, keep_open)
    last = r + len(df) - 1
    if seal and len(df):
        ws.seal(r + len(df) - len(df) % SEAL_EVERY, last, keep_open)
    for c, w in enumerate(col_widths):
        ws.set_column(c, c, w)
    if freeze:
        ws.freeze_panes(header_row + 1, 0)
    if autofilter:
        ws.autofilter(header_row, 0, max(header_row, last), ncols - 1)
    if repeat:
        ws.repeat_rows(header_row, header_row)       # the page header carries the title
    return last + 1
