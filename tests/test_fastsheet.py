"""The direct row writer: what openpyxl reads back is what was put, in the right formats."""

import datetime as dt
import io
import math
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest

from jifen.outputs.fastsheet import MAX_CHARS, excel_serial
from jifen.outputs.xlsx import Book


def _reopen(book):
    data = book.close()
    book.xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    return openpyxl.load_workbook(io.BytesIO(data))


def test_values_of_every_kind_round_trip():
    book = Book("t")
    ws = book.sheet("表")
    values = ["文字", 3, 2.5, np.int64(7), np.float64(1.25), True, dt.date(2026, 3, 5),
              dt.datetime(2026, 3, 5, 12, 0), None, math.nan, pd.NA, "", "=1+1", "a\x01b", pd.Timestamp("2026-04-01")]
    ws.put_row(3, values, [book.fmt["text"]] * len(values), book.fmt["num"], book.fmt["date"])
    got = [c.value for c in _reopen(book)["表"][4]]
    assert got == ["文字", 3, 2.5, 7, 1.25, "是", dt.datetime(2026, 3, 5), dt.datetime(2026, 3, 5, 12, 0),
                   None, None, None, None, "=1+1", "ab", dt.datetime(2026, 4, 1)]


def test_formats_merges_heights_and_mixing_with_xlsxwriter_rows():
    book = Book("t")
    ws = book.sheet("表")
    ws.write_string(0, 0, "xlsxwriter 写的行")
    ws.merge_cells(2, 0, 2, 3, "合并", book.fmt["title"])
    ws.row_height(2, 30)
    ws.put(4, 1, 1.5, book.fmt["text"], book.fmt["num"])
    ws.write_string(5, 0, "又一行")
    wb = _reopen(book)
    sh = wb["表"]
    assert sh["A1"].value == "xlsxwriter 写的行" and sh["A6"].value == "又一行"
    assert [str(r) for r in sh.merged_cells.ranges] == ["A3:D3"]
    assert sh["A3"].font.b and sh["A3"].font.name == "黑体"
    assert f'<c r="D3" s="{book.fmt["title"]._get_xf_index()}"/>' in book.xml      # borders across the merge
    assert sh.row_dimensions[3].height == 30
    assert sh["B5"].number_format == "0.##;-0.##;0" and sh["B5"].border.left.style == "thin"
    assert sh.max_row == 6 and sh.max_column == 4


def test_a_row_written_both_ways_is_refused():
    book = Book("t")
    ws = book.sheet("表")
    ws.put(1, 0, "x", book.fmt["text"])
    ws.write_string(1, 1, "y")
    with pytest.raises(ValueError, match="row 2"):
        book.close()


def test_long_text_is_cut_to_the_cell_limit():
    book = Book("t")
    ws = book.sheet("表")
    ws.put(0, 0, "长" * (MAX_CHARS + 10), book.fmt["text"])
    assert len(_reopen(book)["表"]["A1"].value) == MAX_CHARS


def test_serial_dates_match_excel():
    assert excel_serial(dt.datetime(1900, 1, 1)) == 1
    assert excel_serial(dt.datetime(1900, 3, 1)) == 61
    assert excel_serial(dt.datetime(2026, 1, 1, 12)) == 46023.5


def _table_bytes(seal: bool, keep_open=frozenset(), more=None) -> bytes:
    from jifen.outputs import xlsx

    book = Book("t")
    ws = book.sheet("表")
    df = pd.DataFrame({"编号": [f"K{i:04d}" for i in range(1300)], "说明": ["很长的说明文字" * (i % 7) for i in range(1300)],
                       "分值": [i / 4 for i in range(1300)]})
    xlsx.write_table(book, ws, df, title="标题", subtitle="说明", wrap={"说明"}, widths={"说明": 10},
                     seal=seal, keep_open=keep_open)
    if more:
        more(book, ws)
    return book.close()


def test_a_sealed_table_is_the_same_file():
    """Sealing (rows rendered as they are finished, for memory) changes no byte, over more
    than one chunk of rows and a last partial one."""
    assert _table_bytes(True) == _table_bytes(False)


def test_rows_kept_open_can_be_written_again_and_sealed_ones_cannot():
    def relink(book, ws):
        ws.put(10, 1, "链接", book.fmt["link"])

    assert _table_bytes(True, frozenset({10}), relink) == _table_bytes(False, more=relink)
    with pytest.raises(ValueError, match="sealed"):
        _table_bytes(True, more=relink)


def test_sealed_rows_kept_in_a_temporary_file_give_the_same_file(monkeypatch):
    """Beyond SPILL_FROM bytes the sealed rows wait on disk (a province's ledger); the file
    is the same, also with a row kept open among them and written again afterwards."""
    from jifen.outputs import fastsheet

    def relink(book, ws):
        ws.put(10, 1, "链接", book.fmt["link"])

    unsealed = _table_bytes(False, more=relink)
    monkeypatch.setattr(fastsheet, "SPILL_FROM", 2000)
    opened = []
    real = fastsheet.tempfile.TemporaryFile
    monkeypatch.setattr(fastsheet.tempfile, "TemporaryFile", lambda **kw: opened.append(real(**kw)) or opened[-1])
    assert _table_bytes(True, frozenset({10}), relink) == unsealed
    assert len(opened) == 1 and opened[0].closed


def test_sealed_rows_stay_in_memory_where_no_temporary_file_can_be_made(monkeypatch):
    from jifen.outputs import fastsheet

    unsealed = _table_bytes(False)

    def refuse(**kw):
        raise PermissionError("no temporary folder")

    monkeypatch.setattr(fastsheet, "SPILL_FROM", 2000)
    monkeypatch.setattr(fastsheet.tempfile, "TemporaryFile", refuse)
    assert _table_bytes(True) == unsealed


def test_parts_deflated_as_written_give_xlsxwriters_own_bytes(monkeypatch):
    """FastWorkbook zips each part as it was deflated while being written (Utf8Part): the
    archive is byte for byte what XlsxWriter's in-memory workbook makes of the same sheets,
    with a part larger than one block, a chart and a picture among them."""
    import xlsxwriter

    from jifen.outputs.fastsheet import FastWorkbook, Utf8Part

    png = io.BytesIO()
    from PIL import Image

    Image.new("RGB", (4, 4), "red").save(png, format="PNG")

    def build(cls) -> bytes:
        out = io.BytesIO()
        wb = cls(out, {"in_memory": True, "strings_to_formulas": False})
        wb.set_properties({"title": "测试", "created": dt.datetime(2000, 1, 1)})
        ws = wb.add_worksheet("明细")
        for r in range(4000):
            ws.write_row(r, 0, [f"干部{r:05d}", "说明文字" * (r % 9), r * 1.5, f"=不是公式{r}"])
        chart = wb.add_chart({"type": "column"})
        chart.add_series({"values": "='明细'!$C$1:$C$10"})
        ws.insert_chart("F2", chart)
        ws.insert_image("F20", "pic.png", {"image_data": io.BytesIO(png.getvalue())})
        wb.add_worksheet("空表")
        wb.close()
        return out.getvalue()

    monkeypatch.setattr(Utf8Part, "BLOCK", 4096)     # the sheet is deflated in many blocks
    assert build(FastWorkbook) == build(xlsxwriter.Workbook)
