"""Broken and hostile input files, each written by a few lines of code (no opaque binaries).

`build(folder)` writes the whole corpus into `folder` (the cases live under `corpus/`, so the
recursive scan is exercised too) and returns one `Case` per file: its name, the problem codes
the run must report for it, their level, and a short description. `write_baseline(folder)`
adds a valid roster and one valid declaration, the files the corpus must never disturb.

Only the standard library and openpyxl are used. Everything is deterministic (fixed zip
timestamps, fixed document properties, seeded random bytes), each file is small on disk
(< 1 MB) and written in well under a second.

    python tests/corpus/make_corpus.py OUT_DIR     # writes the corpus and prints the cases

Codes marked `xfail` are what the program SHOULD report but does not yet: the reason says
what goes wrong today (BUG) or what is missing (MISSING).
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import random
import struct
import sys
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl

ERR, WARN = "错误", "警告"
READ, UNREADABLE, UNRECOGNISED, SKIPPED = "已读取", "无法读取", "未识别", "跳过"
PENDING, INVALID = "待审核", "无效"

SUB = "corpus"                         # the cases' folder inside the input folder
FIXED_TIME = (2026, 1, 1, 0, 0, 0)     # every zip entry's timestamp

# --- the valid county the corpus lives in ------------------------------------------------

ROSTER = [  # 干部编号, 姓名, 单位, 职务, 干部类别, 在册起始日期
    ("K0001", "张明", "县财政局", "局长", "科级领导干部", "2020-01-01"),
    ("K0002", "李华", "县财政局", "副局长", "科级领导干部", "2020-01-01"),
    ("K0003", "王伟", "城关镇", "镇长", "科级领导干部", "2020-01-01"),
    ("K0004", "赵强", "县水利局", "局长", "科级领导干部", "2020-01-01"),
    ("H0001", "陈静", "县教育局", "股长", "后备干部", "2020-01-01"),
]
NAMES = {r[0]: r[1] for r in ROSTER}
ROSTER_FILE = "干部名册.xlsx"
GOOD_DECLARATION = "申报/K0001_张明_2026-03.xlsx"          # one J1-4 item, pending review
GOOD_EVIDENCE = "申报/K0001_张明_2026-03_佐证文件.pdf"      # handed in beside it, named by the item
GOOD = ("K0001", "2026-03")

DECL_HEADER = ["序号", "项目代码", "项目名称", "事项说明", "同一事项标识", "发生日期", "数量", "申报分值",
               "佐证材料", "备注"]


@dataclass(frozen=True)
class Case:
    name: str                      # path relative to the input folder
    codes: tuple                   # problem codes the run must report, each naming this file
    level: str                     # 错误 / 警告 of those codes ("" when none is expected)
    description: str
    status: str                    # expected FileInfo.status (跳过 for skipped files)
    statuses: tuple = ()           # expected item statuses, in row order, when items are read
    expect: dict = field(default_factory=dict)   # item field → value every item must have
    xfail: str = ""                # BUG/MISSING: why the current program falls short
    heavy: bool = False            # large on the inside: worth watching time and memory


# --- low-level writers ---------------------------------------------------------------------


def _zip(parts, level: int = 6) -> bytes:
    """A zip of (name, bytes) parts with fixed timestamps: same parts → same bytes."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in parts:
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data, compresslevel=level)
    return buf.getvalue()


CORE_XML = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            b'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>corpus</dc:creator>'
            b'<dcterms:created xsi:type="dcterms:W3CDTF">2026-01-01T00:00:00Z</dcterms:created>'
            b'<dcterms:modified xsi:type="dcterms:W3CDTF">2026-01-01T00:00:00Z</dcterms:modified>'
            b'</cp:coreProperties>')


def _rezip(data: bytes, replace: dict | None = None, add=(), drop=()) -> bytes:
    """Rewrite a zip deterministically; `replace` maps a part name to new bytes or a function."""
    src = zipfile.ZipFile(io.BytesIO(data))
    parts = []
    for info in src.infolist():
        if info.filename in drop:
            continue
        body = src.read(info)
        if info.filename == "docProps/core.xml":
            body = CORE_XML
        new = (replace or {}).get(info.filename)
        if new is not None:
            body = new(body) if callable(new) else new
        parts.append((info.filename, body))
    return _zip(parts + list(add))


def _save(wb: openpyxl.Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return _rezip(buf.getvalue())


def _workbook(sheets: dict, merges: dict | None = None, hidden=(), hidden_rows: dict | None = None,
              epoch=None, text_cells=()) -> openpyxl.Workbook:
    """{sheet name: rows}; `text_cells`: (sheet, row, col) to store as text even if it starts with =."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    if epoch is not None:
        wb.epoch = epoch
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    cell = ws.cell(row=r, column=c, value=value)
                    if (name, r, c) in text_cells:
                        cell.data_type = "s"
        for rng in (merges or {}).get(name, []):
            ws.merge_cells(rng)
        for r in (hidden_rows or {}).get(name, []):
            ws.row_dimensions[r].hidden = True
        if name in hidden:
            ws.sheet_state = "hidden"
    return wb


def decl_rows(cadre_id, name, month, items) -> list[list]:
    """A declaration as clerks fill it: title, labelled fields (B2 干部编号, D2 姓名, B3 申报月份),
    header on row 5, items from row 6 (G = 数量), then a blank row and the pledge."""
    rows = [[f"日常积分申报表（{month}）"],
            ["干部编号", cadre_id, "姓名", name, "单位", "县直单位"],
            ["申报月份", month],
            [],
            list(DECL_HEADER)]
    for i, it in enumerate(items, start=1):
        rows.append([it.get("seq", i), it.get("code", "J1-4"), "", it.get("desc", f"事项{i}"), it.get("matter"),
                     it.get("date"), it.get("qty", 1), it.get("declared"), it.get("evidence", "佐证文件.pdf"), None])
    rows += [[], ["本人承诺以上申报内容真实准确。", None, None, "申报人签字："]]
    return rows


def declaration(cadre_id, month, items, name=None, **kw) -> bytes:
    rows = decl_rows(cadre_id, NAMES.get(cadre_id, name) if name is None else name, month, items)
    return _save(_workbook({"积分申报表": rows}, merges={"积分申报表": ["A1:J1"]}, **kw))


def roster_rows(rows) -> list[list]:
    out = [["干部名册"], ["干部编号", "姓名", "单位", "职务", "干部类别", "在册起始日期", "在册截止日期"]]
    out += [list(r) for r in rows]
    return out


# --- hand-written SpreadsheetML (for what openpyxl will not write) ------------------------

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


class Err(str):
    """An Excel error value (written t="e")."""


class Formula(str):
    """A formula written without a cached value (as some generators and 'manual calculation' do)."""


def _col(c0: int) -> str:
    s, n = "", c0 + 1
    while n:
        n, rem = divmod(n - 1, 26)
        s = chr(65 + rem) + s
    return s


def _cell(ref: str, v) -> str:
    if v is None:
        return ""
    if isinstance(v, Err):
        return f'<c r="{ref}" t="e"><v>{escape(v)}</v></c>'
    if isinstance(v, Formula):
        return f'<c r="{ref}"><f>{escape(v)}</f></c>'
    if isinstance(v, bool):
        return f'<c r="{ref}" t="b"><v>{int(v)}</v></c>'
    if isinstance(v, (int, float)):
        return f'<c r="{ref}"><v>{v!r}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(str(v))}</t></is></c>'


def rows_xml(rows, start: int = 1) -> str:
    out = []
    for r, row in enumerate(rows, start=start):
        cells = "".join(_cell(f"{_col(c)}{r}", v) for c, v in enumerate(row))
        if cells:
            out.append(f'<row r="{r}">{cells}</row>')
    return "".join(out)


def sheet_xml(rows=(), *, dimension: str | None = None, extra_rows: str = "", prolog: str = "") -> bytes:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (XML_DECL + prolog + f'<worksheet xmlns="{NS_MAIN}" xmlns:r="{NS_REL}">{dim}<sheetData>'
            + rows_xml(rows) + extra_rows + "</sheetData></worksheet>").encode("utf-8")


def raw_book(sheets, *, shared_strings: bytes | None = None, extra_parts=(), styles: bytes | None = None,
             workbook_pr: str = "", level: int = 6) -> bytes:
    """A minimal valid xlsx from hand-written parts: sheets = [(name, sheet xml bytes)]."""
    n = len(sheets)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        f'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, n + 1))
    ct = (XML_DECL + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
          '<Override PartName="/xl/workbook.xml" '
          'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
          '<Override PartName="/xl/styles.xml" '
          'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
          + overrides + '</Types>')
    rels = (XML_DECL + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>')
    sheet_tags = "".join(f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>'
                         for i, (name, _) in enumerate(sheets, start=1))
    wb = (XML_DECL + f'<workbook xmlns="{NS_MAIN}" xmlns:r="{NS_REL}">{workbook_pr}<sheets>{sheet_tags}</sheets>'
          '</workbook>')
    wb_rels = "".join(
        f'<Relationship Id="rId{i}" Type="{NS_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, n + 1))
    wb_rels += f'<Relationship Id="rId{n + 1}" Type="{NS_REL}/styles" Target="styles.xml"/>'
    if shared_strings is not None:
        wb_rels += f'<Relationship Id="rId{n + 2}" Type="{NS_REL}/sharedStrings" Target="sharedStrings.xml"/>'
    wb_rels = (XML_DECL + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
               + wb_rels + '</Relationships>')
    styles = styles or (XML_DECL + f'<styleSheet xmlns="{NS_MAIN}"><fonts count="1"><font><sz val="11"/></font>'
                        '</fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
                        '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
                        '<cellXfs count="2"><xf/><xf fillId="0" applyFill="1"/></cellXfs><cellStyles count="1">'
                        '<cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>').encode()
    parts = [("[Content_Types].xml", ct.encode()), ("_rels/.rels", rels.encode()),
             ("xl/workbook.xml", wb.encode()), ("xl/_rels/workbook.xml.rels", wb_rels.encode()),
             ("xl/styles.xml", styles)]
    parts += [(f"xl/worksheets/sheet{i}.xml", xml) for i, (_, xml) in enumerate(sheets, start=1)]
    if shared_strings is not None:
        parts.append(("xl/sharedStrings.xml", shared_strings))
    parts += list(extra_parts)
    return _zip(parts, level=level)


def _deflate_zeros(n_bytes: int) -> tuple[bytes, int]:
    """Raw deflate of n_bytes zeros (a whole number of MiB) and its CRC-32, fast: one MiB is
    compressed once and ended with a full flush, so the same block can simply be repeated."""
    mib = 1 << 20
    chunk = bytes(mib)
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = co.compress(chunk) + co.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(n_bytes // mib):
        crc = zlib.crc32(chunk, crc)
    final = zlib.compressobj(9, zlib.DEFLATED, -15).flush()    # an empty last block
    return block * (n_bytes // mib) + final, crc


def _zip_with_raw_entry(parts, name: str, stream: bytes, crc: int, size: int, declared: int | None = None) -> bytes:
    """A zip whose entry `name` holds an already-deflated `stream`; `declared` lies about its size."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for pname, data in parts:
            info = zipfile.ZipInfo(pname, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    head = buf.getvalue()
    # append the raw entry by hand: local header, data, then rebuild the central directory
    zf = zipfile.ZipFile(io.BytesIO(head))
    infos = zf.infolist()
    cd_offset = zf.start_dir
    body = bytearray(head[:cd_offset])
    offset = len(body)
    fname = name.encode()
    usize = size if declared is None else declared
    dos_time, dos_date = 0, (2026 - 1980) << 9 | 1 << 5 | 1
    body += struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, 8, dos_time, dos_date, crc, len(stream), usize,
                        len(fname), 0) + fname + stream
    central = bytearray()
    for i in infos:
        central += _central_entry(i.filename.encode(), i.CRC, i.compress_size, i.file_size, i.header_offset,
                                  dos_time, dos_date)
    central += _central_entry(fname, crc, len(stream), usize, offset, dos_time, dos_date)
    cd_start = len(body)
    body += central
    body += struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, len(infos) + 1, len(infos) + 1, len(central), cd_start, 0)
    return bytes(body)


def _central_entry(fname, crc, csize, usize, offset, dos_time, dos_date) -> bytes:
    return struct.pack("<4s6H3I5H2I", b"PK\x01\x02", 20, 20, 0, 8, dos_time, dos_date, crc, csize, usize,
                       len(fname), 0, 0, 0, 0, 0o644 << 16, offset) + fname


@functools.lru_cache(maxsize=4)
def _empty_rows(first: int) -> str:
    """Formatted empty rows from `first` to 1,048,576, r= on every 8th (see million_rows)."""
    return "".join(f'<row r="{r}" s="1" customFormat="1"/>' if r % 8 == 0 or r == first
                   else '<row s="1" customFormat="1"/>' for r in range(first, 1048577))


def _ole2(extra: bytes = b"") -> bytes:
    """A compound-file (OLE2) header as .xls, .et and password-protected .xlsx files start."""
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + struct.pack("<HHH", 0x3E, 3, 0xFFFE)
              + struct.pack("<H", 9) + struct.pack("<H", 6) + bytes(10))
    header += bytes(512 - len(header))
    return header + extra + bytes(4096 - len(extra))


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


CELL_IMAGES = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<etc:cellImages '
               b'xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
               b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
               b'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
               b'xmlns:etc="http://www.wps.cn/officeDocument/2017/etCustomData"><etc:cellImage><xdr:pic><xdr:nvPicPr>'
               b'<xdr:cNvPr id="2" name="ID_1" descr=""/><xdr:cNvPicPr/></xdr:nvPicPr><xdr:blipFill>'
               b'<a:blip r:embed="rId1"/></xdr:blipFill></xdr:pic></etc:cellImage></etc:cellImages>')


def _wps_picture(month: str, cell_images: bytes | None, lying: bool = False) -> bytes:
    """A declaration (H0001, one J6 item) whose 佐证材料 cell is a WPS cell picture; the
    cellimages part given (None: a correct one), the picture's size declared falsely if `lying`."""
    base = declaration("H0001", month, [{"code": "J6", "desc": "志愿服务", "date": f"{month}-05",
                                             "evidence": '=_xlfn.DISPIMG("ID_1",1)'}])
    rels = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
            b'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
            b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" '
            b'Target="media/image1.png"/></Relationships>')
    wb_rel = (b'<Relationship Id="rIdWps" Type="http://www.wps.cn/officeDocument/2020/cellImage" '
              b'Target="cellimages.xml"/></Relationships>')
    src = zipfile.ZipFile(io.BytesIO(_rezip(base, replace={
        "xl/_rels/workbook.xml.rels": lambda b: b.replace(b"</Relationships>", wb_rel)})))
    parts = [(i.filename, src.read(i)) for i in src.infolist()]
    parts += [("xl/cellimages.xml", cell_images or CELL_IMAGES), ("xl/_rels/cellimages.xml.rels", rels)]
    image = _png()
    if not lying:
        return _zip(parts + [("xl/media/image1.png", image)])
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    stream = deflate.compress(image) + deflate.flush()
    return _zip_with_raw_entry(parts, "xl/media/image1.png", stream, zlib.crc32(image), len(image), declared=10)


# --- the cases -------------------------------------------------------------------------------


def _cases():
    """(Case, writer) pairs; a writer takes nothing and returns the file's bytes."""
    pairs = []

    def case(name, codes, level, description, status, writer, **kw):
        pairs.append((Case(f"{SUB}/{name}", tuple(codes), level, description, status, **kw), writer))

    one = [{"code": "J1-4", "desc": "在市级刊物发表信息", "date": "2026-01-10"}]

    # 1. not a workbook at all ---------------------------------------------------------------
    case("01-空文件.xlsx", ["empty-file"], ERR, "0 字节（复制中断）", UNREADABLE, lambda: b"")
    case("02-截断一半.xlsx", ["damaged-zip"], ERR, "有效申报表只复制了前一半", UNREADABLE,
         lambda: (lambda d: d[:len(d) // 2])(declaration("K0002", "2026-01", one)))
    case("03-随机字节.xlsx", ["not-a-workbook"], ERR, "20 KB 随机字节改名为 .xlsx", UNREADABLE,
         lambda: b"\x00\x01" + random.Random(20260101).getrandbits(160000).to_bytes(20000, "little"))
    case("04-CSV改名.xlsx", ["text-renamed"], ERR, "GBK 编码的 CSV 改名为 .xlsx", UNREADABLE,
         lambda: "干部编号,姓名,申报月份,项目代码,数量\r\nK0002,李华,2026-01,J1-4,1\r\n".encode("gbk"))
    case("05-CSV带BOM.xlsx", ["text-renamed"], ERR, "UTF-8（带 BOM）CSV 改名为 .xlsx", UNREADABLE,
         lambda: "\ufeff干部编号,姓名\nK0002,李华\n".encode())
    case("06-网页表格.xlsx", ["html-renamed"], ERR, "系统导出的“Excel”实为 HTML 表格", UNREADABLE,
         lambda: ('<html xmlns:o="urn:schemas-microsoft-com:office:office" '
                  'xmlns:x="urn:schemas-microsoft-com:office:excel"><head><meta charset="utf-8"></head><body>'
                  '<table><tr><td>干部编号</td><td>姓名</td></tr><tr><td>K0002</td><td>李华</td></tr></table>'
                  '</body></html>').encode())
    case("07-MHT网页.xlsx", ["html-renamed"], ERR, "单个文件网页（MHTML）改名为 .xlsx", UNREADABLE,
         lambda: (b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"----=_NextPart\"\r\n\r\n"
                  b"------=_NextPart\r\nContent-Type: text/html; charset=\"utf-8\"\r\n\r\n<html><table></table></html>"))
    case("08-XML表格2003.xlsx", ["html-renamed"], ERR, "Excel 2003 XML 表格（旧系统导出）改名为 .xlsx", UNREADABLE,
         lambda: ('<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
                  '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="Sheet1" '
                  'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Table><Row><Cell><Data ss:Type="String">'
                  '干部编号</Data></Cell></Row></Table></Worksheet></Workbook>').encode())
    case("09-纯文本.xlsx", ["text-renamed"], ERR, "一段说明文字改名为 .xlsx", UNREADABLE,
         lambda: "李华同志3月份积分申报情况说明：\n本月在市级刊物发表信息一篇。\n".encode())
    case("10-Unicode文本.xlsx", ["text-renamed"], ERR, "Excel“Unicode 文本”（UTF-16，制表符分隔）改名为 .xlsx",
         UNREADABLE,
         lambda: "\ufeff干部编号\t姓名\t数量\r\nK0002\t李华\t1\r\n".encode("utf-16-le"))
    case("11-Word改名.xlsx", ["not-a-workbook"], ERR, "Word .docx 改名为 .xlsx", UNREADABLE,
         lambda: _zip([("[Content_Types].xml", b"<Types/>"),
                       ("word/document.xml", '<w:document xmlns:w="http://schemas.openxmlformats.org/'
                                             'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>积分申报</w:t>'
                                             '</w:r></w:p></w:body></w:document>'.encode())]))
    case("12-普通压缩包.xlsx", ["damaged-zip"], ERR, "没有 xl/workbook.xml 的 zip（打包的材料）", UNREADABLE,
         lambda: _zip([("说明.txt", "佐证材料".encode()), ("照片/1.jpg", b"\xff\xd8\xff\xe0" + bytes(64))]))
    case("13-旧版.xls", ["old-xls"], ERR, "Excel 97-2003 .xls（OLE2 复合文档）", UNREADABLE, lambda: _ole2())
    case("14-WPS表格.et", ["old-xls"], ERR, "WPS .et（OLE2 复合文档）", UNREADABLE, lambda: _ole2(b"WPS"))
    case("15-xls改名.xlsx", ["old-xls"], ERR, ".xls 只把扩展名改成 .xlsx", UNREADABLE, lambda: _ole2())
    case("16-加密.xlsx", ["encrypted-workbook"], ERR, "设置了打开密码的 .xlsx（OLE2 + EncryptedPackage）",
         UNREADABLE, lambda: _ole2("EncryptionInfo\0EncryptedPackage".encode("utf-16-le")))
    case("17-ODS表格.ods", ["ods-workbook"], ERR, "LibreOffice/WPS 另存的 OpenDocument 表格 .ods", UNREADABLE,
         lambda: _zip([("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
                       ("content.xml", b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:'
                                       b'xmlns:office:1.0"/>')]))

    # 2. workbooks with hostile insides ---------------------------------------------------------
    def macro():
        data = declaration("K0002", "2026-02", one)
        return _rezip(data, add=[("xl/vbaProject.bin", _ole2(b"Attribute VB_Name = \"Module1\""))])

    case("20-含宏.xlsm", ["macro-content"], WARN, "含 VBA 宏（xl/vbaProject.bin）；数据照常读取", READ, macro,
         statuses=(PENDING,))

    def bomb_book(stream, crc, size, declared=None, part="xl/media/image1.png"):
        base = declaration("K0002", "2026-03", one)
        src = zipfile.ZipFile(io.BytesIO(base))
        parts = [(i.filename, src.read(i)) for i in src.infolist()]
        return _zip_with_raw_entry(parts, part, stream, crc, size, declared)

    case("21-压缩炸弹250MB.xlsx", ["zip-bomb"], ERR, "一个部件解压后 250 MB（全零，压缩后约 250 KB）", UNREADABLE,
         lambda: bomb_book(*_deflate_zeros(250 << 20), 250 << 20), heavy=True)
    case("22-压缩比炸弹.xlsx", ["zip-bomb"], ERR, "一个部件 30 MB 全零，压缩比约 1000:1", UNREADABLE,
         lambda: bomb_book(*_deflate_zeros(30 << 20), 30 << 20), heavy=True)

    def lying_strings(declared):
        """sharedStrings.xml declares `declared` bytes but inflates to 64 MB of valid <si> elements."""
        unit = b"<si><t>x</t></si>"
        n = (64 << 20) // len(unit)
        body = (XML_DECL.encode() + f'<sst xmlns="{NS_MAIN}" count="{n}" uniqueCount="{n}">'.encode())
        co = zlib.compressobj(9, zlib.DEFLATED, -15)
        block = unit * 65536
        out, crc = [co.compress(body)], zlib.crc32(body)
        for _ in range(n // 65536):
            out.append(co.compress(block))
            crc = zlib.crc32(block, crc)
        tail = b"</sst>"
        out += [co.compress(tail), co.flush()]
        crc = zlib.crc32(tail, crc)
        size = len(body) + (n // 65536) * len(block) + len(tail)
        rows = decl_rows("K0002", "李华", "2026-04", one)
        sheets = [("积分申报表", sheet_xml(rows))]
        base = raw_book(sheets)
        src = zipfile.ZipFile(io.BytesIO(base))
        parts = [(i.filename, src.read(i)) for i in src.infolist()]
        parts = [(n_, d.replace(b'Target="styles.xml"/>', b'Target="styles.xml"/><Relationship Id="rId9" '
                                b'Type="' + NS_REL.encode() + b'/sharedStrings" Target="sharedStrings.xml"/>'))
                 if n_ == "xl/_rels/workbook.xml.rels" else (n_, d) for n_, d in parts]
        return _zip_with_raw_entry(parts, "xl/sharedStrings.xml", b"".join(out), crc, size, declared=declared)

    case("23-谎报大小炸弹.xlsx", ["damaged-zip"], ERR,
         "sharedStrings.xml 在目录中声明 1 KB，实际解压为 64 MB（绕过按声明大小的限制）", UNREADABLE,
         lambda: lying_strings(1024), heavy=True)
    case("23b-谎报大小炸弹1MB.xlsx", ["unreadable-file"], ERR,
         "同上，但声明 1 MB（大于安全检查读取的开头部分）：由读取器发现，须快且不占内存", UNREADABLE,
         lambda: lying_strings(1 << 20), heavy=True)

    laughs = ('<!DOCTYPE worksheet [<!ENTITY lol "lol">'
              + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                        for i in range(1, 10)) + ']>')
    case("24-十亿笑.xlsx", ["xml-entities"], ERR, "工作表 XML 含 DTD 实体嵌套（billion laughs）", UNREADABLE,
         lambda: raw_book([("积分申报表", sheet_xml([["&lol9;"]], prolog=laughs).replace(
             b"&amp;lol9;", b"&lol9;"))]))
    case("25-外部实体.xlsx", ["xml-entities"], ERR, "sharedStrings.xml 引用外部实体 file:///etc/passwd", UNREADABLE,
         lambda: raw_book([("积分申报表", sheet_xml([]))], shared_strings=(
             XML_DECL + '<!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
             f'<sst xmlns="{NS_MAIN}" count="1" uniqueCount="1"><si><t>&xxe;</t></si></sst>').encode()))
    case("26-DTD藏在4KB后.xlsx", ["xml-entities"], ERR, "DTD 前面放 5000 字节注释，躲过只看开头的检查",
         UNREADABLE,
         lambda: raw_book([("积分申报表", sheet_xml([["&lol9;"]], prolog="<!--" + "填表说明" * 1250 + "-->" + laughs)
                          .replace(b"&amp;lol9;", b"&lol9;"))]))

    def duplicate_entries():
        """Two parts named xl/worksheets/sheet1.xml: Python's zipfile (the gate) sees the last,
        other readers may take the first; Excel calls such a file damaged."""
        first = sheet_xml(decl_rows("K0002", "李华", "2026-05", [{"code": "J1-4", "qty": 1}]))
        second = sheet_xml(decl_rows("K0002", "李华", "2026-05", [{"code": "K4", "qty": 3}]),
                           extra_rows='<row r="20" hidden="1"><c r="A20"><v>1</v></c></row>')
        base = raw_book([("积分申报表", first)])
        src = zipfile.ZipFile(io.BytesIO(base))
        parts = [(i.filename, src.read(i)) for i in src.infolist()]
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _zip(parts + [("xl/worksheets/sheet1.xml", second)])

    case("27-重复部件名.xlsx", ["damaged-zip"], ERR, "zip 中两个同名 sheet1.xml，内容不同（加分 / 扣分）",
         UNREADABLE, duplicate_entries)
    case("28-缺少工作表部件.xlsx", ["unreadable-file"], ERR, "workbook.xml 指向不存在的 sheet1.xml", UNREADABLE,
         lambda: _rezip(declaration("K0002", "2026-06", one), drop={"xl/worksheets/sheet1.xml"}))
    case("29-XML格式错误.xlsx", ["unreadable-file"], ERR, "工作表 XML 不完整（标签未闭合）", UNREADABLE,
         lambda: raw_book([("积分申报表", sheet_xml(decl_rows("K0002", "李华", "2026-06", one))[:-40])]))
    case("30-共享字符串越界.xlsx", ["unreadable-file"], ERR, "单元格引用不存在的共享字符串（第 99999 条）",
         UNREADABLE,
         lambda: raw_book([("积分申报表", (XML_DECL + f'<worksheet xmlns="{NS_MAIN}"><sheetData><row r="1">'
                                             '<c r="A1" t="s"><v>99999</v></c></row></sheetData></worksheet>')
                           .encode())],
                          shared_strings=(XML_DECL + f'<sst xmlns="{NS_MAIN}" count="1" uniqueCount="1">'
                                          '<si><t>干部编号</t></si></sst>').encode()))

    # 3. extent: far-flung cells and a million rows ------------------------------------------------
    def far_cell():
        wb = _workbook({"积分申报表": decl_rows("K0002", "李华", "2026-07", one)})
        wb["积分申报表"]["XFD1048576"] = "误输入"
        return _save(wb)

    case("31-最后一格有值.xlsx", ["range-too-large"], WARN, "XFD1048576 有一个值（使用范围覆盖整张表）", READ,
         far_cell, statuses=(PENDING,), heavy=True)
    case("32-维度谎报加远处值.xlsx", ["range-too-large"], WARN,
         "<dimension> 只写 A1:J8，但 XFD1048576 有值（不能只信维度）", READ,
         lambda: raw_book([("积分申报表", sheet_xml(
             decl_rows("K0002", "李华", "2026-08", one), dimension="A1:J8",
             extra_rows='<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'))]),
         statuses=(PENDING,), heavy=True)

    def million_rows(dimension, month, hidden=()):
        """A declaration, then every row down to 1,048,576 formatted but empty. Excel writes r= on
        each row (≈ 2.5 MB zipped); here r= is on every 8th row only (valid: a row without r
        follows the previous one), which keeps the file under 1 MB and the ratio under the gate's."""
        rows = decl_rows("K0002", "李华", month, [{"code": "J1-4"}, {"code": "J5-3"}])
        head = rows_xml(rows)
        for r in hidden:
            head = head.replace(f'<row r="{r}">', f'<row r="{r}" hidden="1">')
        xml = (XML_DECL + f'<worksheet xmlns="{NS_MAIN}" xmlns:r="{NS_REL}">'
               + (f'<dimension ref="{dimension}"/>' if dimension else "") + "<sheetData>" + head
               + _empty_rows(len(rows) + 1) + "</sheetData></worksheet>").encode("utf-8")
        return raw_book([("积分申报表", xml)], level=9)

    case("33-百万空行.xlsx", ["range-too-large"], WARN,
         "申报表下方直到第 1,048,576 行都设了格式（工作表 XML 约 30 MB；维度 A1:J9，如 Excel 所写）",
         READ, lambda: million_rows("A1:J9", "2026-09"), statuses=(PENDING, PENDING), heavy=True)
    case("34-百万空行无维度.xlsx", ["range-too-large"], WARN,
         "同上，但没有 <dimension>（许多导出程序不写）", READ, lambda: million_rows(None, "2026-11"),
         statuses=(PENDING, PENDING), heavy=True)
    case("35-百万空行含隐藏行.xlsx", ["hidden-rows"], WARN,
         "同 33，但第 7 行（一个事项）被隐藏", READ, lambda: million_rows("A1:J9", "2026-12", hidden=(7,)),
         statuses=(PENDING, PENDING), heavy=True)

    # 4. cell contents ------------------------------------------------------------------------------
    def err_rows(cid, month, qty):
        rows = decl_rows(cid, NAMES.get(cid, ""), month, [{"code": "J1-4", "qty": qty}])
        return raw_book([("积分申报表", sheet_xml(rows))])

    case("40-错误值数量.xlsx", ["bad-quantity"], ERR, "数量单元格是 #DIV/0!（t=\"e\"）", READ,
         lambda: err_rows("K0002", "2026-10", Err("#DIV/0!")), statuses=(INVALID,))
    case("41-错误值编号.xlsx", ["unknown-cadre"], ERR, "干部编号单元格是 #N/A（VLOOKUP 没找到）", READ,
         lambda: raw_book([("积分申报表", sheet_xml(
             [[c if c != "K0003" else Err("#N/A") for c in row]
              for row in decl_rows("K0003", "王伟", "2026-01", one)]))]),
         statuses=(INVALID,))
    case("42-公式无结果.xlsx", ["bad-quantity"], ERR, "数量是公式 =1+1，但没有缓存的计算结果", READ,
         lambda: err_rows("K0003", "2026-02", Formula("1+1")), statuses=(INVALID,))
    case("43-带单位的数量.xlsx", [], "", "数量写成 2篇、1次、两（文字）：按数字读取", READ,
         lambda: declaration("K0003", "2026-03", [
             {"code": "J1-4", "qty": "2篇"}, {"code": "J5-3", "qty": "1次"}, {"code": "J4-2", "qty": "两"}]),
         statuses=(PENDING, PENDING, PENDING))
    case("44-全角数字.xlsx", [], "", "干部编号、月份、数量、代码都是全角字符", READ,
         lambda: declaration("Ｋ０００３", "２０２６年４月", [{"code": "Ｊ１－４", "qty": "２"}], name="王伟"),
         statuses=(PENDING,), expect={"cadre_id": "K0003", "month": "2026-04", "code": "J1-4"})
    case("45-逗号数量.xlsx", ["bad-quantity"], ERR, "数量“1,0”（小数逗号还是千分位？）", READ,
         lambda: declaration("K0003", "2026-05", [{"code": "J1-4", "qty": "1,0"}]), statuses=(INVALID,))
    case("46-负数和小数.xlsx", ["bad-quantity"], ERR, "数量 -1 和 1.5", READ,
         lambda: declaration("K0003", "2026-06", [{"code": "J1-4", "qty": -1}, {"code": "J5-3", "qty": 1.5}]),
         statuses=(INVALID, INVALID))
    case("47-隐藏行.xlsx", ["hidden-rows"], WARN, "第 7 行（一个事项）被隐藏", READ,
         lambda: declaration("K0003", "2026-07", [{"code": "J1-4"}, {"code": "J5-3"}],
                             hidden_rows={"积分申报表": [7]}),
         statuses=(PENDING, PENDING))
    case("48-隐藏工作表.xlsx", ["hidden-sheet"], WARN, "申报表所在工作表被隐藏，只露出“说明”页", READ,
         lambda: _save(_workbook({"说明": [["填表说明"]],
                                  "积分申报表": decl_rows("K0003", "王伟", "2026-08", one)},
                                 hidden=["积分申报表"])),
         statuses=(PENDING,))
    case("49-合并单元格.xlsx", ["missing-code"], ERR, "项目代码 B6:B7 合并（两行共用一个代码），表头也有合并",
         READ,
         lambda: _save(_workbook({"积分申报表": decl_rows("K0003", "王伟", "2026-09", [{"code": "J1-4"},
                                                                                       {"code": None}])},
                                 merges={"积分申报表": ["A1:J1", "B6:B7", "F2:J2"]})),
         statuses=(PENDING, INVALID))
    case("50-不可见字符.xlsx", ["invisible-characters"], WARN,
         "编号、姓名、月份、代码里有零宽空格、不换行空格、全角空格、BOM", READ,
         lambda: declaration("K0003\u200b", "\u30002026-10\u00a0", [{"code": "\ufeffJ1-4\u200d"}],
                             name="王\u00a0伟\u200b"),
         statuses=(PENDING,), expect={"cadre_id": "K0003", "month": "2026-10"})

    def control_chars():
        rows = decl_rows("K0003", "王伟", "2026-11", one)
        rows[1][1] = "K0003_x0007_"       # how Excel stores a control character in XML
        rows[1][3] = "王伟\t"
        return raw_book([("积分申报表", sheet_xml(rows))])

    case("51-控制字符.xlsx", ["invisible-characters"], WARN, "编号里有 Excel 转义的控制字符 _x0007_（BEL），姓名后有制表符", READ,
         control_chars, statuses=(PENDING,), expect={"cadre_id": "K0003"})
    case("52-1904日期.xlsx", [], "", "1904 日期系统（Mac Excel）：申报月份和发生日期都是真日期", READ,
         lambda: declaration("K0004", dt.date(2026, 6, 1),
                             [{"code": "J1-4", "date": dt.date(2026, 6, 15)}],
                             epoch=openpyxl.utils.datetime.CALENDAR_MAC_1904),
         statuses=(PENDING,), expect={"month": "2026-06"})
    case("53-编号存成数字.xlsx", ["id-precision-lost"], ERR,
         "18 位干部编号存成数字，Excel 只保留 15 位有效数字（202612345678901234 → 2.02612345678901E+17）",
         READ, lambda: declaration(2.02612345678901e17, "2026-01", one, name="周平"), statuses=(INVALID,))
    case("54-公式注入文本.xlsx", [], "", "事项说明以 = + - @ 开头（=HYPERLINK、=cmd|…），须始终作为文本", READ,
         lambda: _save(_workbook(
             {"积分申报表": decl_rows("K0004", "赵强", "2026-02", [
                 {"code": "J1-4", "desc": '=HYPERLINK("http://evil.example/","点我")'},
                 {"code": "J5-3", "desc": "=cmd|' /C calc'!A0"},
                 {"code": "J4-2", "desc": "@SUM(1+1)"}])},
             text_cells={("积分申报表", r, 4) for r in (6, 7, 8)})),
         statuses=(PENDING, PENDING, PENDING))

    # 5. content the readers and checks must catch --------------------------------------------
    case("60-名册重叠.xlsx", ["roster-overlap"], ERR, "同一干部编号两行在册期间重叠", READ,
         lambda: _save(_workbook({"干部名册": roster_rows([
             ("K0901", "吴刚", "县商务局", "局长", "科级领导干部", "2026-01-01", "2026-12-31"),
             ("K0901", "吴刚", "县发改委", "主任", "科级领导干部", "2026-06-01", None)])})))
    case("61-没有表头.xlsx", ["unrecognised-workbook"], WARN, "只有数据没有表头的工作表", UNRECOGNISED,
         lambda: _save(_workbook({"Sheet1": [["K0004", "赵强", "2026-03", "J1-4", 1],
                                             ["K0004", "赵强", "2026-03", "J5-3", 1]]})))
    case("62-没有月份.xlsx", ["bad-month"], ERR, "申报表没有填申报月份", READ,
         lambda: _save(_workbook({"积分申报表": [r if r[:1] != ["申报月份"] else ["申报月份"]
                                                 for r in decl_rows("K0004", "赵强", "", one)]})),
         statuses=(INVALID,))
    case("63-表头缺失.xlsx", ["header-not-found"], ERR, "工作表名是“积分申报表”，但没有事项表头", UNRECOGNISED,
         lambda: _save(_workbook({"积分申报表": [["干部编号", "K0004"], ["申报月份", "2026-04"], ["发表信息 1 篇"]]})))

    # 7. pictures pasted as evidence (WPS cell pictures) -------------------------------------
    case("70-图片部件损坏.xlsx", ["pictures-unreadable"], WARN, "WPS 单元格图片，cellimages.xml 不完整", READ,
         lambda: _wps_picture("2026-11", b"<etc:cellImages xmlns:etc=\"http://www.wps.cn/officeDocument/2017/etCustomData\">"
                              b"<etc:cellImage>"), statuses=(PENDING,))
    case("71-图片大小不实.xlsx", ["picture-damaged"], WARN, "WPS 单元格图片，图片部件声明的大小与内容不符", READ,
         lambda: _wps_picture("2026-12", None, lying=True), statuses=(PENDING,))

    # 6. files that are not data --------------------------------------------------------------
    case("~$锁定文件.xlsx", [], "", "Excel 打开文件时产生的锁定文件", SKIPPED,
         lambda: b"\x04" + "李华".encode("utf-16-le") + bytes(160))
    case("佐证材料.pdf", [], "", "佐证材料 PDF", SKIPPED, lambda: b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n")
    case("说明.txt", [], "", "说明文字", SKIPPED, lambda: "3月份申报材料，请查收。".encode())
    return pairs


def write_baseline(folder: Path) -> list[Path]:
    """The valid roster and one valid declaration (K0001, 2026-03, one J1-4 item) with its evidence."""
    folder = Path(folder)
    roster = [list(r) + [None] for r in ROSTER]
    files = {ROSTER_FILE: _save(_workbook({"干部名册": roster_rows(roster)})),
             GOOD_DECLARATION: declaration("K0001", "2026-03", [
                 {"code": "J1-4", "desc": "在市级刊物发表信息", "date": "2026-03-10"}]),
             GOOD_EVIDENCE: b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"}
    out = []
    for rel, data in files.items():
        p = folder / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
        out.append(p)
    return out


def cases() -> list[Case]:
    """The cases, without writing anything (for test parametrisation)."""
    return [c for c, _ in _cases()]


def build(folder, keep=None) -> list[Case]:
    """Write every case (or those for which `keep(case)` is true) under folder/corpus/;
    → the cases written, in a stable order."""
    folder = Path(folder)
    written = []
    for c, writer in _cases():
        if keep is not None and not keep(c):
            continue
        p = folder / c.name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(writer())
        written.append(c)
    return written


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.split("\n\n")[-2].strip())
        return 2
    folder = Path(argv[0])
    import time
    for c, writer in _cases():
        t = time.perf_counter()
        data = writer()
        secs = time.perf_counter() - t
        p = folder / c.name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
        print(f"{c.name:<28} {len(data):>9,} B {secs * 1000:7.0f} ms  {','.join(c.codes) or c.status:<24} "
              f"{'(xfail) ' if c.xfail else ''}{c.description}")
    write_baseline(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
