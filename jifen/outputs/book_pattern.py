"""Many one-sheet workbooks that differ only in their cells, title and print area.

A county's 1,500 personal ledgers share styles, theme, page setup and headers; xlsxwriter
building each from scratch spent more time on those shared parts than on the cells. Here
xlsxwriter builds one workbook, and every ledger is that workbook with its own cells,
merged ranges, print area and title put in. Anything unexpected in the model workbook
raises PatternError, and the caller builds its workbooks the ordinary way.
"""

from __future__ import annotations

import io
import re
import zipfile
from xml.sax.saxutils import escape

from jifen.outputs.fastsheet import clean

SHEET = "xl/worksheets/sheet1.xml"
_DIMENSION = re.compile(r'<dimension ref="[^"]*"/>')
_DATA = re.compile(r"<sheetData>.*</sheetData>|<sheetData/>", re.S)
_MERGES = re.compile(r'<mergeCells count="\d+">.*?</mergeCells>', re.S)
_AREA = re.compile(r"(_xlnm\.Print_Area\" localSheetId=\"0\">[^<]*?\$A\$1:\$[A-Z]+\$)(\d+)(<)")
_TITLE = re.compile(r"<dc:title>[^<]*</dc:title>")


class PatternError(ValueError):
    pass


def _one(pattern: re.Pattern, text: str, what: str) -> None:
    if len(pattern.findall(text)) != 1:
        raise PatternError(f"model workbook: {what} not found exactly once")


class BookPattern:
    def __init__(self, model: bytes):
        zf = zipfile.ZipFile(io.BytesIO(model))
        self.parts = [(i.filename, zf.read(i.filename)) for i in zf.infolist()]
        names = [n for n, _ in self.parts]
        if names.count(SHEET) != 1 or "xl/workbook.xml" not in names or "docProps/core.xml" not in names \
                or any(n.startswith("xl/worksheets/sheet") and n != SHEET for n in names) \
                or "xl/sharedStrings.xml" in names:
            raise PatternError("model workbook: not a single sheet with inline strings")
        parts = dict(self.parts)
        self.sheet = parts[SHEET].decode("utf-8")
        self.workbook = parts["xl/workbook.xml"].decode("utf-8")
        self.core = parts["docProps/core.xml"].decode("utf-8")
        _one(_DIMENSION, self.sheet, "dimension")
        _one(_DATA, self.sheet, "sheetData")
        _one(_MERGES, self.sheet, "mergeCells")
        _one(_AREA, self.workbook, "print area")
        _one(_TITLE, self.core, "title")

    def book(self, ws, title: str, last_row: int) -> bytes:
        """The model with the cells and merged ranges of FastSheet `ws` (inline strings)."""
        rows, box, merges = ws.rendered()
        if not box:
            raise PatternError("empty sheet")
        from xlsxwriter.utility import xl_range, xl_rowcol_to_cell

        dim = f'<dimension ref="{xl_range(*box) if box[:2] != box[2:] else xl_rowcol_to_cell(*box[:2])}"/>'
        data = "<sheetData>" + "".join(rows[r] for r in sorted(rows)) + "</sheetData>"
        merge_xml = (f'<mergeCells count="{len(merges)}">'
                     + "".join(f'<mergeCell ref="{xl_range(*m)}"/>' for m in merges) + "</mergeCells>")
        sheet = _DIMENSION.sub(lambda _: dim, self.sheet)
        sheet = _DATA.sub(lambda _: data, sheet)
        sheet = _MERGES.sub(lambda _: merge_xml if merges else "", sheet)
        workbook = _AREA.sub(lambda m: f"{m.group(1)}{last_row + 1}{m.group(3)}", self.workbook)
        core = _TITLE.sub(lambda _: f"<dc:title>{escape(clean(title))}</dc:title>", self.core)
        new = {SHEET: sheet.encode("utf-8"), "xl/workbook.xml": workbook.encode("utf-8"),
               "docProps/core.xml": core.encode("utf-8")}
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name, data_ in self.parts:     # the model's order and settings, as xlsxwriter writes them
                info = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, new.get(name, data_))
        return out.getvalue()
