"""A worksheet whose cells are rendered straight to XML, row by row.

xlsxwriter keeps one Python object per cell and renders it again at close; on the ledgers
(~700,000 cells in a county's master ledger, ~1,000 cells in each of 3,000 personal sheets)
that per-cell work was most of a run. Here a row becomes one string as it is added; xlsxwriter
still does everything else (shared strings, styles, merges, print setup, validation, zip).
Text is only ever written as a string (shared, or inline in sheets reused across workbooks):
nothing written here can become a formula.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import tempfile
import zlib

from xlsxwriter.packager import Packager
from xlsxwriter.sharedstrings import SharedStrings
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from jifen.outputs.zipparts import deflater, pack, write_zip

XML_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_COLS = [xl_col_to_name(c) for c in range(256)]
MAX_CHARS = 32767
_EPOCH = dt.datetime(1899, 12, 31)
SPILL_FROM = 16 << 20        # sealed rows beyond this many bytes of XML wait in a temporary file
_SERIALS: dict = {}          # date → its serial as written (a county's cells hold a few hundred dates)


def cell_ref(r: int, c: int) -> str:
    """xl_rowcol_to_cell(r, c), faster."""
    return f"{_COLS[c] if c < 256 else xl_col_to_name(c)}{r + 1}"


def cell_range(r1: int, c1: int, r2: int, c2: int) -> str:
    """xl_range(r1, c1, r2, c2): one cell's reference alone."""
    return cell_ref(r1, c1) if (r1, c1) == (r2, c2) else f"{cell_ref(r1, c1)}:{cell_ref(r2, c2)}"


def excel_serial(value: dt.datetime) -> float:
    """Excel's 1900 date system, including its phantom 1900-02-29."""
    delta = value.replace(tzinfo=None) - _EPOCH
    serial = delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400
    return serial + 1 if serial > 59 else serial


def clean(value: str) -> str:
    """Text safe for XML: control characters dropped, cut to a cell's limit."""
    if not value.isprintable():
        value = XML_BAD.sub("", value)
    return value if len(value) <= MAX_CHARS // 2 else value.encode("utf-16-le")[:MAX_CHARS * 2].decode(
        "utf-16-le", "ignore")


class FastSheet(Worksheet):
    """Worksheet with `put` / `put_row` / `merge_cells` / `row_height` rendering rows directly.

    Rows given here and rows written through xlsxwriter's own methods may share a sheet, but
    not a row.
    """

    def __init__(self):
        super().__init__()
        self._raw: dict[int, dict[int, str]] = {}
        self._heights: dict[int, float] = {}
        self._box: list | None = None      # [rmin, cmin, rmax, cmax] of reused content
        self._rendered: dict[int, str] | None = None
        self._sealed: dict[int, bytes] = {}  # rows finished early (seal): their XML, their cells freed
        self._sealed_box: list | None = None
        self._held = 0                     # bytes of XML sealed so far
        self._spill = None                 # temporary file of the sealed rows beyond SPILL_FROM (False: none could be made)
        self._spill_end = 0
        self.inline = False                # True: strings stored in the cells, not shared

    # --- one sheet's content in several workbooks (needs inline strings and the same styles) ---
    def rendered(self) -> tuple:
        """The content as finished XML rows, to `reuse` in a sheet of another workbook whose
        formats were registered in the same order (so the style numbers mean the same)."""
        if not self.inline:
            raise ValueError("only a sheet with inline strings can be reused")
        return ({r: self._render_raw_row(r) for r in self._raw}, self._extent() or [], [m[:] for m in self.merge])

    def reuse(self, content: tuple) -> None:
        rows, box, merges = content
        self._rendered = rows
        self._raw = dict.fromkeys(rows, {})
        self._box = list(box) if box else None
        self.merge.extend(m[:] for m in merges)

    # --- adding cells -------------------------------------------------------------------
    def _cell(self, r: int, c: int, value, s: int, num_s: int, date_s: int) -> str:
        ref = _COLS[c] + str(r + 1)
        kind = type(value)
        if kind is str:
            if not value:
                return f'<c r="{ref}" s="{s}"/>'
            if self.inline:
                text = clean(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
                return f'<c r="{ref}" s="{s}" t="inlineStr"><is><t{space}>{text}</t></is></c>'
            return f'<c r="{ref}" s="{s}" t="s"><v>{self.str_table._get_shared_string_index(clean(value))}</v></c>'
        if kind is float or kind is int:
            if value != value or value in (math.inf, -math.inf):
                return f'<c r="{ref}" s="{s}"/>'
            return f'<c r="{ref}" s="{num_s}"><v>{value:.16G}</v></c>'
        if value is None:
            return f'<c r="{ref}" s="{s}"/>'
        if kind is bool:
            return self._cell(r, c, "是" if value else "否", s, num_s, date_s)
        if isinstance(value, (dt.datetime, dt.date)):
            if not isinstance(value, dt.datetime):
                value = dt.datetime(value.year, value.month, value.day)
            serial = excel_serial(value)
            return f'<c r="{ref}" s="{date_s}"><v>{serial:.16G}</v></c>'
        if hasattr(value, "item"):                       # numpy scalars
            return self._cell(r, c, value.item(), s, num_s, date_s)
        try:
            if value != value:                             # pandas NA / NaT
                return f'<c r="{ref}" s="{s}"/>'
        except TypeError:
            return f'<c r="{ref}" s="{s}"/>'
        return self._cell(r, c, str(value), s, num_s, date_s)

    def _extent(self) -> list | None:
        """[first row, first column, last row, last column] of the cells put here."""
        if self._box is not None:
            return self._box
        rows = [r for r, cells in self._raw.items() if cells]
        if not rows:
            return self._sealed_box
        cols = [c for r in rows for c in self._raw[r]]
        return _union([min(rows), min(cols), max(rows), max(cols)], self._sealed_box)

    def seal(self, first: int, last: int, keep_open=()) -> None:
        """Rows first..last are finished: rendered now and their cells let go. A big table's
        cells held one string each until the workbook closed (most of a province's memory);
        a finished row is one string. Nothing may be put in a sealed row afterwards; the rows
        in `keep_open` are left as they are."""
        if self._rendered is not None:
            raise ValueError("a reused sheet cannot be sealed")
        raw, done = self._raw, self._sealed
        box = self._sealed_box
        for r in range(first, last + 1):
            cells = raw.get(r)
            if cells is None or r in keep_open:
                continue
            if cells:
                part = [r, min(cells), r, max(cells)]
                box = part if box is None else _union(box, part)
            xml = self._render_raw_row(r).encode("utf-8")     # UTF-8: a third of a CJK str's size
            del raw[r]
            done[r] = self._spilled(xml) if self._held + len(xml) > SPILL_FROM else xml
            self._held += len(xml)
        self._sealed_box = box

    def _spilled(self, xml: bytes):
        """Where a sealed row beyond the first SPILL_FROM bytes is kept: (offset, length) in a
        temporary file, which the workbook reads back in order at close. A province's ledger
        sheet is 250 MB of XML; on a PC whose temporary folder cannot be written, in memory."""
        if self._spill is None:
            try:
                self._spill = tempfile.TemporaryFile(prefix="jifen-rows-")
            except OSError:
                self._spill = False
        if not self._spill:
            return xml
        at = self._spill_end
        self._spill.write(xml)
        self._spill_end += len(xml)
        return at, len(xml)

    def _unspill(self, at: int, length: int) -> bytes:
        f = self._spill
        if f.tell() != at:
            f.seek(at)
        return f.read(length)

    def put(self, r: int, c: int, value, fmt, num_fmt=None, date_fmt=None) -> None:
        """One cell; numbers take `num_fmt`, dates `date_fmt` (both default to `fmt`)."""
        s = fmt._get_xf_index() if fmt is not None else 0
        num_s = num_fmt._get_xf_index() if num_fmt is not None else s
        date_s = date_fmt._get_xf_index() if date_fmt is not None else s
        self._raw.setdefault(r, {})[c] = self._cell(r, c, value, s, num_s, date_s)

    def put_row(self, r: int, values, fmts: list, num_fmt, date_fmt, start_col: int = 0) -> None:
        """A whole row: value i in column start_col + i with format fmts[i].

        A format is numbered (Format._get_xf_index) when a cell first uses it, numbers taking
        `num_fmt`: the order decides the numbers in styles.xml, so it is kept as it was."""
        num_s = num_fmt._get_xf_index()
        date_s = date_fmt._get_xf_index()
        if len(fmts) < len(values) or start_col + len(values) > len(_COLS):
            raise IndexError("a format for every value, 256 columns at most")
        cell = self._cell
        row = self._raw.setdefault(r, {})
        n = str(r + 1)
        inline = self.inline
        strings = self.str_table
        table = None if inline else strings.string_table
        shared = 0
        # the common cases written here, the rest by _cell (this loop runs ~10⁶ times)
        for c, col, value, f in zip(range(start_col, start_col + len(values)), _COLS[start_col:], values, fmts):
            kind = type(value)
            if (kind is float or kind is int) and value - value == 0:        # not NaN, not ±inf
                row[c] = f'<c r="{col}{n}" s="{num_s}"><v>{value:.16G}</v></c>'
                continue
            s = f.xf_index
            if s is None:
                s = f._get_xf_index()
            if kind is str:
                if not value:
                    row[c] = f'<c r="{col}{n}" s="{s}"/>'
                    continue
                if value.isprintable() and len(value) < 16000:
                    if inline:
                        if "&" in value or "<" in value or ">" in value:
                            value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                        # the only printable white space is the space
                        space = ' xml:space="preserve"' if value[0] == " " or value[-1] == " " else ""
                        row[c] = f'<c r="{col}{n}" s="{s}" t="inlineStr"><is><t{space}>{value}</t></is></c>'
                        continue
                    i = table.get(value)
                    if i is None:            # numbered as SharedStringTable._get_shared_string_index does
                        i = table[value] = strings.unique_count
                        strings.unique_count += 1
                    shared += 1
                    row[c] = f'<c r="{col}{n}" s="{s}" t="s"><v>{i}</v></c>'
                    continue
            elif value is None:
                row[c] = f'<c r="{col}{n}" s="{s}"/>'
                continue
            elif kind is dt.date:
                serial = _SERIALS.get(value)
                if serial is None:
                    serial = _SERIALS[value] = f"{excel_serial(dt.datetime(value.year, value.month, value.day)):.16G}"
                row[c] = f'<c r="{col}{n}" s="{date_s}"><v>{serial}</v></c>'
                continue
            row[c] = cell(r, c, value, s, num_s, date_s)
        if shared:
            strings.count += shared

    def merge_cells(self, r1: int, c1: int, r2: int, c2: int, value, fmt, num_fmt=None) -> None:
        """A merged range: the value top left, the format (borders) on every cell of it."""
        self.put(r1, c1, value, fmt, num_fmt)
        s = fmt._get_xf_index()
        for r in range(r1, r2 + 1):
            row = self._raw.setdefault(r, {})
            n = r + 1
            for c in range(c1 + 1 if r == r1 else c1, c2 + 1):
                row[c] = f'<c r="{_COLS[c]}{n}" s="{s}"/>'
        self.merge.append([r1, c1, r2, c2])

    def link(self, r: int, c: int, target: str, text: str, tip: str = "") -> None:
        """A hyperlink on a cell put here: `target` is a sheet location (`'表'!A5`, internal) or
        a path relative to the workbook (forward slashes; written as a relative URI, which
        Excel, WPS and LibreOffice all follow)."""
        from urllib.parse import quote

        from xlsxwriter.url import Url

        if target.startswith("internal:"):
            url = Url(target)
        else:
            url = Url("external:placeholder")
            url._link = url._relationship_link = quote(target, safe="/._-~()!$'*+,;=@")
            url._anchor = ""
        url._text = clean(text)[:255] or "链接"
        if tip:
            url.tip = clean(tip)[:255]
        self.hlink_count += 1
        self.hyperlinks[r][c] = url

    def row_height(self, r: int, points: float) -> None:
        self._heights[r] = points
        self._raw.setdefault(r, {})

    # --- rendering (called by xlsxwriter at close) ----------------------------------------
    def _prepare_raw(self) -> None:
        box = self._extent()
        if box is not None:
            r1, c1, r2, c2 = box
            self._check_dimensions(r1, c1)
            self._check_dimensions(r2, c2)
        elif self._heights:
            rows = sorted(self._heights)
            self._check_dimensions(rows[0], 0)
            self._check_dimensions(rows[-1], 0)

    def _assemble_xml_file(self) -> None:
        self._prepare_raw()
        super()._assemble_xml_file()

    def _render_raw_row(self, r: int) -> str:
        cells = self._raw[r]
        height = self._heights.get(r)
        attrs = f' ht="{height:.16g}" customHeight="1"' if height is not None else ""
        if not cells:
            return f'<row r="{r + 1}"{attrs}/>'
        return f'<row r="{r + 1}"{attrs}>' + "".join([cells[c] for c in sorted(cells)]) + "</row>"

    def _write_merge_cells(self) -> None:
        """<mergeCells> as xlsxwriter writes it (a unit's ledgers have tens of thousands)."""
        if self.merge:
            self.fh.write(f'<mergeCells count="{len(self.merge)}">' + "".join(
                [f'<mergeCell ref="{cell_ref(r1, c1)}:{cell_ref(r2, c2)}"/>' for r1, c1, r2, c2 in self.merge])
                + "</mergeCells>")

    def _write_rows(self) -> None:
        if not self._raw and not self._sealed:
            super()._write_rows()
            return
        theirs = {r for r, cells in self.table.items() if cells} | set(self.row_info) | set(self.comments)
        sealed = self._sealed
        clash = (theirs | set(sealed)) & set(self._raw) or theirs & set(sealed)
        if clash:
            raise ValueError(f"row {min(clash) + 1} written both directly and through xlsxwriter, or after it was sealed")
        write = self.fh.write
        as_bytes = isinstance(self.fh, Utf8Part)
        rendered = self._rendered
        for r in sorted(theirs | set(self._raw) | set(sealed)):
            if r in sealed:
                xml = sealed.pop(r)
                if type(xml) is tuple:
                    xml = self._unspill(*xml)
                write(xml if as_bytes else xml.decode("utf-8"))
                continue
            if r in self._raw:
                write(rendered[r] if rendered is not None else self._render_raw_row(r))
                continue
            info = self.row_info.get(r)
            if self.table.get(r):
                self._write_row(r, None, info)
                for c in sorted(self.table[r]):
                    self._write_cell(r, c, self.table[r][c])
                self._xml_end_tag("row")
            else:
                self._write_empty_row(r, None, info)
        if self._spill:
            self._spill.close()
            self._spill = None


def _union(a: list, b: list | None) -> list:
    if b is None:
        return a
    return [min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])]


class _SharedStrings(SharedStrings):
    """xl/sharedStrings.xml as xlsxwriter writes it, the plain strings (nearly all) without its
    per-string regular expressions and method calls."""

    def _write_sst_strings(self) -> None:
        out = []
        for text in self.string_table.string_array:
            # printable: no control character to escape as _xHHHH_, and the space is its only white space
            if text.isprintable() and "_x" not in text and not (text.startswith("<r>") and text.endswith("</r>")):
                if "&" in text or "<" in text or ">" in text:
                    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                out.append(f'<si><t xml:space="preserve">{text}</t></si>' if text[:1] == " " or text[-1:] == " "
                           else f"<si><t>{text}</t></si>")
            else:
                self.fh.write("".join(out))
                out = []
                self._write_si(text)
        self.fh.write("".join(out))


class Utf8Part(io.StringIO):
    """Stands in for the StringIO xlsxwriter writes each part of a workbook into: the XML is
    deflated as it arrives, as zipfile would deflate it at the end (the same bytes: deflate's
    output does not depend on how its input is cut). A StringIO holding any CJK character
    keeps 4 bytes a character, and at close the workbook copied it into a str and that into
    bytes: a province's ledger sheet, three times over, was most of a worker's 2 GB."""

    BLOCK = 1 << 20         # bytes gathered before deflating (a call per XML element is slow)

    def __init__(self):
        super().__init__()
        self._z = deflater()
        self._pending = bytearray()
        self._packed: list = []
        self.size = self.crc = 0

    def write(self, s) -> int:
        self._pending += s if isinstance(s, bytes) else s.encode("utf-8")
        if len(self._pending) >= self.BLOCK:
            self._deflate()
        return len(s)

    def _deflate(self) -> None:
        data = bytes(self._pending)
        self._pending = bytearray()
        self.size += len(data)
        self.crc = zlib.crc32(data, self.crc)
        self._packed.append(self._z.compress(data))

    def packed(self, name: str) -> tuple:
        """(name, size, CRC-32, deflated bytes), as zipparts.write_zip takes a part."""
        self._deflate()
        return name, self.size, self.crc, b"".join(self._packed) + self._z.flush()

    def getvalue(self):
        raise TypeError("the part is deflated as it is written: see FastWorkbook._store_workbook")


class _Packager(Packager):
    def _filename(self, xml_filename):
        if not self.in_memory:
            return super()._filename(xml_filename)
        part = Utf8Part()
        self.filenames.append((part, xml_filename, False))
        return part

    def _write_shared_strings_file(self) -> None:
        sst = _SharedStrings()
        sst.string_table = self.workbook.str_table
        if not self.workbook.str_table.count:
            return
        sst._set_xml_writer(self._filename("xl/sharedStrings.xml"))
        sst._assemble_xml_file()


class FastWorkbook(Workbook):
    """An xlsxwriter Workbook whose shared strings are written faster, and whose parts are
    deflated as they are written (Utf8Part) and zipped by zipparts.write_zip: the same
    bytes as xlsxwriter's in-memory workbook, without holding each part three times over."""

    def _get_packager(self):
        return _Packager()

    def _store_workbook(self) -> None:
        """Workbook._store_workbook of XlsxWriter 3.3 (the same preparations, in its order),
        zipping the parts as they were deflated. No VBA here, and every part in memory."""
        if self.vba_project or not self.in_memory:
            raise ValueError("FastWorkbook: in memory and without VBA only")
        packager = self._get_packager()
        if not self.worksheets():
            self.add_worksheet()
        if self.worksheet_meta.activesheet == 0:
            self.worksheets_objs[0].selected = 1
            self.worksheets_objs[0].hidden = 0
        for sheet in self.worksheets():
            if sheet.index == self.worksheet_meta.activesheet:
                sheet.active = 1
        self._prepare_sst_string_data()
        self._prepare_vml()
        self._prepare_defined_names()
        self._prepare_drawings()
        self._add_chart_data()
        self._prepare_tables()
        self._prepare_metadata()
        packager._add_workbook(self)
        packager._set_tmpdir(self.tmpdir)
        packager._set_in_memory(self.in_memory)
        parts = []
        for part, name, is_binary in packager._create_package():
            if isinstance(part, Utf8Part):
                parts.append(part.packed(name))
            else:                   # pictures (BytesIO)
                parts.append(pack(name, part.getvalue() if is_binary else part.getvalue().encode("utf-8")))
        self.filename.write(write_zip(parts))
