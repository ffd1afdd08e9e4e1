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

from jifen.outputs.fastsheet import cell_range, clean
from jifen.outputs.zipparts import pack, write_zip

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
        # the parts around what each workbook puts in, found once (the same as substituting each time:
        # what is put in is escaped text, which none of the patterns can match)
        dim, data, merges = (p.search(self.sheet) for p in (_DIMENSION, _DATA, _MERGES))
        if not (dim.end() <= data.start() and data.end() <= merges.start()):
            raise PatternError("model workbook: dimension, sheetData and mergeCells out of order")
        self.sheet_parts = (self.sheet[:dim.start()], self.sheet[dim.end():data.start()],
                            self.sheet[data.end():merges.start()], self.sheet[merges.end():])
        area, title = _AREA.search(self.workbook), _TITLE.search(self.core)
        self.workbook_parts = (self.workbook[:area.start()] + area.group(1), area.group(3) + self.workbook[area.end():])
        self.core_parts = (self.core[:title.start()], self.core[title.end():])
        self.packed = {name: pack(name, data) for name, data in self.parts
                       if name not in (SHEET, "xl/workbook.xml", "docProps/core.xml")}

    def book(self, content: tuple, title: str, last_row: int) -> bytes:
        """The model with the cells and merged ranges of `content` (FastSheet.rendered())."""
        rows, box, merges = content
        if not box:
            raise PatternError("empty sheet")
        dim = f'<dimension ref="{cell_range(*box)}"/>'
        data = "<sheetData>" + "".join([rows[r] for r in sorted(rows)]) + "</sheetData>"
        merge_xml = (f'<mergeCells count="{len(merges)}">' + "".join([f'<mergeCell ref="{cell_range(*m)}"/>' for m in merges])
                     + "</mergeCells>") if merges else ""
        head, mid, tail, end = self.sheet_parts
        sheet = "".join((head, dim, mid, data, tail, merge_xml, end))
        workbook = f"{self.workbook_parts[0]}{last_row + 1}{self.workbook_parts[1]}"
        core = f"{self.core_parts[0]}<dc:title>{escape(clean(title))}</dc:title>{self.core_parts[1]}"
        new = {SHEET: sheet.encode("utf-8"), "xl/workbook.xml": workbook.encode("utf-8"),
               "docProps/core.xml": core.encode("utf-8")}
        return write_zip([(name, new[name]) if name in new else self.packed[name] for name, _ in self.parts])
