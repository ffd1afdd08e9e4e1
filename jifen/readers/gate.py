"""The safety gate: look at a file's bytes before any parser does.

Classifies each file (xlsx, old .xls / WPS .et, encrypted OOXML, macro-enabled, CSV/HTML/text
renamed to .xlsx, empty, truncated or damaged zip), enforces limits on the declared
uncompressed size and compression ratio (zip bombs), refuses DTDs and entities in the XML
parts (billion laughs, external entities), and scans each small worksheet's XML for the
facts a reader needs but calamine does not give: the real extent of the data, error
values, formulas without a cached value, and hidden rows. Sheets too large or too far-flung
for calamine's dense grid are marked for the bounded streaming reader.
"""

from __future__ import annotations

import posixpath
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field

from jifen.problems import error, warning
from jifen.readers import pictures, zipdir

MAX_TOTAL_UNCOMPRESSED = 200 * 1024 * 1024     # a county register is a few MB
MAX_RATIO = 200                                  # deflate of real sheets stays well below
MAX_SCAN_XML = 4 * 1024 * 1024                   # sheets larger than this are streamed, bounded
GRID_ROWS, GRID_COLS = 250000, 64                # a province-sized review list fits; far beyond is noise

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP = b"PK\x03\x04"
FORMULA_NO_VALUE = "（公式没有计算结果）"

_CELL = re.compile(rb'<c\b([^>]*?)(/>|>(.*?)</c>)', re.S)
_REF = re.compile(rb'\br="([A-Z]{1,3})(\d{1,7})"')
_TYPE = re.compile(rb'\bt="(\w+)"')
_VALUE = re.compile(rb"<v>([^<]*)</v>")
_HIDDEN_ROW = re.compile(rb'<row\b[^>]*?\br="(\d+)"[^>]*?\bhidden="(?:1|true)"')
_WIDE_COL = re.compile(rb'<c\b[^>]*?\br="([A-Z]{2,3})\d')
_DEEP_ROW = re.compile(rb'<(?:row|c)\b[^>]*?\br="[A-Z]*(\d{5,7})"')
_VM = re.compile(rb'\bvm="(\d+)"')
_DIMENSION = re.compile(rb'<dimension\s+ref="([A-Z]*)(\d*):?([A-Z]*)(\d*)"')


@dataclass
class SheetFacts:
    name: str
    part: str
    bounded: bool = False                          # read with the bounded streaming reader
    faults: dict = field(default_factory=dict)     # (row0, col0) → text to show in place of the value
    hidden_rows: list = field(default_factory=list)
    picture_ids: dict = field(default_factory=dict)   # (row0, col0) → WPS DISPIMG picture ID
    rich_cells: dict = field(default_factory=dict)    # (row0, col0) → vm (Excel in-cell picture)

    def picture_cells(self) -> set:
        return set(self.picture_ids) | set(self.rich_cells)


@dataclass
class Verdict:
    ok: bool
    problems: list = field(default_factory=list)
    sheets: dict = field(default_factory=dict)     # sheet name → SheetFacts
    kind: str = "xlsx"
    pictures: list = field(default_factory=list)   # see readers/pictures.py


def col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n - 1


def _reject(code: str, message: str, hint: str, rel: str, kind: str) -> Verdict:
    return Verdict(False, [error(code, message, hint, file=rel)], kind=kind)


def inspect(data: bytes, rel: str) -> Verdict:
    """Everything decided from the bytes alone; never raises for a bad file."""
    head = data[:8]
    if not data:
        return _reject("empty-file", "文件是空的（0 字节），可能没有复制完整", "请重新复制或重新保存该文件。", rel, "empty")
    if head.startswith(OLE2):
        if _ole_encrypted(data):
            return _reject("encrypted-workbook", "工作簿设置了打开密码，程序无法读取", "请去掉密码后重新保存（文件→信息→保护工作簿→用密码进行加密，清空密码）。",
                           rel, "encrypted")
        return _reject("old-xls", "这是旧版 Excel（.xls）或 WPS（.et）格式的文件，程序不读取这种格式",
                       "请用 Excel 或 WPS 打开，另存为“Excel 工作簿（.xlsx）”后重新放入。", rel, "xls")
    if not head.startswith(ZIP):
        return _classify_non_zip(data, rel)
    return _inspect_zip(data, rel)


def _ole_encrypted(data: bytes) -> bool:
    """An OLE2 container holding an encrypted OOXML package (Office "encrypt with password").

    The stream names sit in the directory, which the header locates; Excel may write it
    after the (large) encrypted stream, so look there as well as near the start."""
    marks = ("EncryptedPackage".encode("utf-16-le"), b"EncryptedPackage")
    if any(m in data[:1 << 20] for m in marks):
        return True
    if len(data) < 512:
        return False
    shift, = struct.unpack_from("<H", data, 0x1E)
    first_dir, = struct.unpack_from("<I", data, 0x30)
    if not 7 <= shift <= 16 or first_dir >= 0xFFFFFFFA:
        return False
    start = (first_dir + 1) << shift
    return marks[0] in data[start:start + (1 << shift)]


def _classify_non_zip(data: bytes, rel: str) -> Verdict:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):       # Excel's “Unicode 文本” (UTF-16)
        try:
            data = data[2:].decode("utf-16-le" if data[:2] == b"\xff\xfe" else "utf-16-be").encode("utf-8")
        except UnicodeDecodeError:
            pass
    sample = data[:4096]
    low = sample.lower().lstrip()
    if low.startswith(b"\xef\xbb\xbf"):
        low = low[3:]
    if low.startswith((b"<html", b"<!doctype html", b"<?xml", b"<table", b"mime-version")) or b"<html" in low[:512]:
        return _reject("html-renamed", "这是网页（HTML/XML）文件，只是扩展名改成了 Excel", "请用 Excel 打开后另存为 .xlsx（某些系统导出的“Excel”实为网页）。",
                       rel, "html")
    printable = sum(1 for b in sample if b in b"\t\r\n" or 32 <= b < 127 or b >= 128)
    if sample and printable / len(sample) > 0.95:
        return _reject("text-renamed", "这是文本或 CSV 文件，只是扩展名改成了 Excel", "请用 Excel 打开后另存为 .xlsx。", rel, "text")
    return _reject("not-a-workbook", "文件不是 Excel 工作簿（无法识别的格式）", "请确认文件内容，另存为 .xlsx 后重新放入；若不是申报材料请移出 input 文件夹。",
                   rel, "binary")


def _inspect_zip(data: bytes, rel: str) -> Verdict:
    import io

    try:
        zf = zipdir.read_directory(data) or zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return _reject("damaged-zip", "文件已损坏或不完整（可能没有复制完或下载中断）", "请重新复制该文件，或用 Excel 打开修复后另存为 .xlsx。", rel,
                       "damaged")
    names = {i.filename for i in infos}
    if len(names) != len(infos):
        return _reject("damaged-zip", "文件中有重复的部件（文件已损坏或被篡改）", "请用 Excel 打开修复后另存为 .xlsx。", rel, "damaged")
    parts = _Parts(zf, data)
    if "mimetype" in names and b"opendocument" in parts.head("mimetype"):
        return _reject("ods-workbook", "这是 OpenDocument 表格（.ods），不是 Excel 工作簿", "请用 WPS、LibreOffice 或 Excel 打开，"
                       "另存为“Excel 工作簿（.xlsx）”后重新放入。", rel, "ods")
    if "xl/workbook.xml" not in names:
        if "xl/workbook.bin" in names:
            return _reject("xlsb-workbook", "这是 Excel 二进制工作簿（.xlsb），程序不读取这种格式",
                           "请用 Excel 打开，另存为“Excel 工作簿（.xlsx）”后重新放入。", rel, "xlsb")
        if "word/document.xml" in names:
            return _reject("not-a-workbook", "这是 Word 文档，不是 Excel 工作簿", "请把申报内容填写在组织部下发的 Excel 申报表中。", rel, "docx")
        return _reject("damaged-zip", "压缩包中没有 Excel 工作簿内容（文件已损坏或不是工作簿）", "请重新保存为 .xlsx 后再放入。", rel, "damaged")
    total = sum(i.file_size for i in infos)
    if total > MAX_TOTAL_UNCOMPRESSED or any(
            i.compress_size and i.file_size / i.compress_size > MAX_RATIO and i.file_size > (1 << 20) for i in infos):
        return _reject("zip-bomb", f"文件解压后异常巨大（声明 {total // (1 << 20)} MB），疑似恶意文件，未读取",
                       "请联系报送人重新制作该文件。", rel, "bomb")
    verdict = Verdict(True)
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        verdict.problems.append(warning("macro-content", "工作簿含有宏（VBA 代码），程序只读取数据，不运行宏",
                                           "建议另存为不含宏的 .xlsx 文件。", file=rel))
    try:
        for info in infos:
            # the parts a reader parses; docProps and themes are never read
            if info.filename.endswith((".xml", ".rels")) and not info.filename.startswith(
                    ("docProps/", "xl/theme/", "customXml/")):
                if _declares_entities(parts, info):
                    return _reject("xml-entities", "工作簿的 XML 中含有 DTD/实体声明（可能是恶意构造的文件），未读取",
                                   "请联系报送人用 Excel 重新保存该文件。", rel, "dtd")
        for name, part in _sheet_parts(parts):
            verdict.sheets[name] = _scan_sheet(parts, name, part)
        if pictures.present(names):        # only files that hold pictures pay for this
            verdict.pictures, more = pictures.locate(parts, verdict.sheets, rel)
            verdict.problems += more
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError, RuntimeError) as exc:
        return _reject("damaged-zip", f"文件内容损坏，无法读取（{type(exc).__name__}）", "请用 Excel 打开修复后另存为 .xlsx。", rel,
                       "damaged")
    return verdict


PROLOG_LIMIT = 65536


def _member_start(zf, info, data: bytes, limit: int = PROLOG_LIMIT) -> bytes:
    """The first `limit` bytes of a part, inflated straight from the file's bytes (the
    zipfile reader's per-member machinery costs more than the inflating, for small parts)."""
    off = info.header_offset
    if data[off:off + 4] == b"PK\x03\x04" and info.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        name_len, extra_len = struct.unpack("<HH", data[off + 26:off + 30])
        start = off + 30 + name_len + extra_len
        raw = data[start:start + info.compress_size]
        if info.compress_type == zipfile.ZIP_STORED:
            return raw[:limit]
        try:
            out = zlib.decompressobj(-15).decompress(raw, limit)
        except zlib.error as exc:
            raise zipfile.BadZipFile(str(exc)) from exc
        if len(out) > info.file_size:      # inflates past its declared size: a lying bomb
            raise zipfile.BadZipFile("part larger than declared")
        return out
    with zf.open(info) as fh:
        return fh.read(limit)


class _Parts:
    """The parts of one workbook, each inflated at most once and checked like zipfile does."""

    def __init__(self, zf, data: bytes):
        self.zf, self.data, self.whole = zf, data, {}

    def start(self, info) -> bytes:
        out = _member_start(self.zf, info, self.data)
        if info.file_size <= PROLOG_LIMIT:
            self.whole[info.filename] = self._checked(info, out)
        return out

    def head(self, name: str, size: int = 200) -> bytes:
        """The first bytes of a part, for a quick look (damage shows as nothing)."""
        try:
            return _member_start(self.zf, self.zf.getinfo(name), self.data, size)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError):
            return b""

    def read(self, name: str) -> bytes:
        if name not in self.whole:
            info = self.zf.getinfo(name)
            self.whole[name] = self._checked(info, _member_start(self.zf, info, self.data, max(info.file_size, 1)))
        return self.whole[name]

    @staticmethod
    def _checked(info, out: bytes) -> bytes:
        if len(out) != info.file_size or zlib.crc32(out) != info.CRC:
            raise zipfile.BadZipFile(f"{info.filename}: damaged part")
        return out


def _declares_entities(parts: _Parts, info) -> bool:
    """True when the part's prolog (before the root element) declares a DTD or entities, or
    is suspiciously long; comments and processing instructions are skipped, not trusted."""
    start = parts.start(info)
    i = 0
    while True:
        i = start.find(b"<", i)
        if i < 0:
            return len(start) >= PROLOG_LIMIT
        if start.startswith(b"<?", i):
            j = start.find(b"?>", i)
        elif start.startswith(b"<!--", i):
            j = start.find(b"-->", i)
        elif start.startswith(b"<!", i):
            return True
        else:
            return False
        if j < 0:
            return True
        i = j + 2


_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)/?>")
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')
_REL_TAG = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)/?>")


def _sheet_parts(parts: _Parts) -> list[tuple[str, str]]:
    """(sheet name, part path) from workbook.xml and its relationships (already checked to
    hold no DTD, so a plain scan of the tags is safe and much faster than a parser)."""
    from html import unescape

    try:
        rels = parts.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return []
    target = {}
    for m in _REL_TAG.finditer(rels):
        a = dict(_ATTR.findall(m.group(1)))
        target[a.get(b"Id", b"").decode()] = a.get(b"Target", b"").decode()
    out = []
    for m in _SHEET_TAG.finditer(parts.read("xl/workbook.xml")):
        a = {k.split(b":")[-1]: v for k, v in _ATTR.findall(m.group(1))}
        t = target.get(a.get(b"id", b"").decode())
        if not t:
            continue
        part = t.lstrip("/") if t.startswith("/") else posixpath.normpath(posixpath.join("xl", t))
        out.append((unescape(a.get(b"name", b"").decode("utf-8", "replace")), part))
    return out


def _scan_sheet(parts: _Parts, name: str, part: str) -> SheetFacts:
    facts = SheetFacts(name, part)
    try:
        info = parts.zf.getinfo(part)
    except KeyError:
        return facts
    if info.file_size > MAX_SCAN_XML:
        facts.bounded = True
        return facts
    xml = parts.read(part)
    m = _DIMENSION.search(xml[:4096])
    if m and m.group(3):
        if int(m.group(4) or 1) > GRID_ROWS or col_index(m.group(3)) >= GRID_COLS:
            facts.bounded = True
    if b'hidden="' in xml:
        facts.hidden_rows = [int(hm.group(1)) for hm in _HIDDEN_ROW.finditer(xml)]
    # Far-flung cells (calamine would build a dense grid up to them): only multi-letter
    # columns and five-digit rows can be out of bounds, so look for just those.
    if any(col_index(c) >= GRID_COLS for c in _WIDE_COL.findall(xml)) or any(
            int(r) > GRID_ROWS for r in _DEEP_ROW.findall(xml)):
        facts.bounded = True
    if b't="e"' not in xml and b"<f" not in xml:
        return facts
    for cm in _CELL.finditer(xml):
        attrs, body = cm.group(1), cm.group(3) or b""
        if b't="e"' not in attrs and b"<f" not in body:
            continue
        ref = _REF.search(attrs)
        if not ref:
            continue
        row0, col0 = int(ref.group(2)) - 1, col_index(ref.group(1))
        if row0 >= GRID_ROWS or col0 >= GRID_COLS:
            continue
        if b"DISPIMG" in body:                      # a WPS cell picture, not a missing result
            pid = pictures.dispimg_id(body)
            if pid:
                facts.picture_ids[(row0, col0)] = pid
                continue
        vm = _VM.search(attrs)
        if vm:                                      # an Excel in-cell picture (#VALUE! to old readers)
            facts.rich_cells[(row0, col0)] = int(vm.group(1))
            continue
        t = _TYPE.search(attrs)
        if t and t.group(1) == b"e":
            v = _VALUE.search(body)
            facts.faults[(row0, col0)] = (v.group(1).decode("utf-8", "replace") if v else "#错误")
        else:
            v = _VALUE.search(body)
            if not v or not v.group(1):
                facts.faults[(row0, col0)] = FORMULA_NO_VALUE
    return facts
