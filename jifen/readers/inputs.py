"""Scan input/ recursively and turn every workbook into records: the one reading entry point.

`scan_inputs` lists the files (skipping lock files and non-workbooks, never silently);
`parse_file` parses one file into plain, picklable records, so it can be cached by content
hash or run in a worker process.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from jifen.problems import error, warning
from jifen.readers import classify, gate
from jifen.readers.book import read_book
from jifen.readers.declaration import read_declaration_sheet
from jifen.readers.history import read_history_sheet
from jifen.readers.register import read_register_sheet
from jifen.readers.review import read_review_sheet
from jifen.readers.roster import read_roster_sheet
from jifen.rules.filechecks import lock_target

NOT_WORKBOOK = "不是 Excel 工作簿（如佐证材料、说明文档），不作为数据读取"
UNATTACHED = ("不是 Excel 工作簿，也没有对应的申报表，未作为佐证材料（佐证材料请放在以申报表文件名命名的文件夹中，"
              "或文件名以申报表文件名开头，或放在以干部编号命名的文件夹中）")
TEMPLATE_SHEET = "_模板信息"   # the program's own hidden sheet in the declaration template
OFFER_KEY = "可申报项目摘要"   # its digest of the items the template offers
# .xltx/.xltm (a template saved with the cadre's entries) are OOXML workbooks like .xlsx
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xltx", ".xltm", ".xls", ".xlsb", ".et", ".ods"}
TEXT_TABLES = {".csv", ".tsv", ".txt", ".prn"}    # a sheet saved as text: its header row says what it was
TEXT_HEAD = 16384


@dataclass
class FileInfo:
    path: str          # relative to the input folder, as the clerk sees it
    sha256: str = ""
    size: int = 0
    status: str = ""   # 已读取 / 无法读取 / 跳过
    kinds: list = field(default_factory=list)
    n_items: int = 0
    note: str = ""


@dataclass
class Parsed:
    """Everything one file contributed."""
    info: FileInfo
    roster: list = field(default_factory=list)
    declarations: list = field(default_factory=list)
    items: list = field(default_factory=list)
    reviews: list = field(default_factory=list)
    history: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    seconds: tuple = (0.0, 0.0)        # CPU time in the safety gate, then in parsing (benchmark)


def _walk(folder: str, prefix: str, out: list) -> None:
    """(relative posix name, path) of every regular file below `folder` (links not followed)."""
    with os.scandir(folder) as it:
        for entry in it:
            rel = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                _walk(entry.path, rel + "/", out)
            elif entry.is_file():
                out.append((rel, entry.path))


def scan_inputs(input_dir: Path) -> tuple[list[Path], list[FileInfo]]:
    """→ (workbook paths to parse, files skipped with the reason), in a stable order."""
    listed, skipped = scan_workbooks(input_dir)
    return [Path(path) for path, _ in listed], skipped


def scan_workbooks(input_dir: Path) -> tuple[list[tuple[str, str]], list[FileInfo]]:
    """`scan_inputs` with each workbook's name relative to `input_dir` (posix), as found; the
    paths as strings (a Path object for each of a province's 180,000 files took a second of
    every re-run, and only the few files parsed again need one)."""
    paths, skipped = [], []
    found: list = []
    _walk(str(input_dir), "", found)
    for rel, path in sorted(found):
        name = rel.rsplit("/", 1)[-1]
        lock = lock_target(name) is not None
        if any(part.startswith(".") for part in rel.split("/")) and not lock:
            skipped.append(FileInfo(rel, size=os.path.getsize(path), status="跳过",
                                    note="隐藏文件或隐藏文件夹中的文件（系统或同步软件产生），不作为数据读取"))
            continue
        if lock:
            skipped.append(FileInfo(rel, size=os.path.getsize(path), status="跳过",
                                    note="Excel/WPS 打开文件时产生的临时锁定文件，不是数据"))
        elif os.path.splitext(name)[1].lower() not in WORKBOOK_SUFFIXES:
            kind = text_table_kind(path) if os.path.splitext(name)[1].lower() in TEXT_TABLES else ""
            skipped.append(FileInfo(rel, size=os.path.getsize(path), status="跳过", note=NOT_WORKBOOK,
                                    kinds=[kind] if kind else []))
        else:
            paths.append((path, rel))
    return paths, skipped


def text_table_kind(path) -> str:
    """What sheet a CSV or text file's first lines were saved from (申报表, 名册, …), by the
    header labels the workbooks are recognised by; "" for prose or anything else."""
    import codecs
    import csv

    try:
        with open(path, "rb") as fh:
            head = fh.read(TEXT_HEAD)
    except OSError:
        return ""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                          (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            head, encodings = head[len(bom):], [encoding]
            break
    else:
        encodings = ["utf-8", "gb18030"]         # Excel's “CSV” on a Chinese Windows is GBK
    for encoding in encodings:
        try:   # final=False: a character cut at the end of the sample is no decoding error
            text = codecs.getincrementaldecoder(encoding)().decode(head, final=False)
            break
        except UnicodeDecodeError:
            continue
    else:
        return ""
    lines = text.splitlines()[:40]
    delimiter = "\t" if any("\t" in line for line in lines) else ","
    try:
        rows = [[cell.strip() for cell in row] for row in csv.reader(lines, delimiter=delimiter)]
    except csv.Error:
        return ""
    return classify.sheet_kind("", rows)[0] or ""


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse_file(path: Path | str, rel: str) -> Parsed:
    """Parse one workbook into records + problems; never raises for a bad file."""
    start = time.process_time()
    out = _parse(path, rel)
    out.seconds = (out.seconds[0], time.process_time() - start - out.seconds[0])
    return out


def _parse(path: Path | str, rel: str) -> Parsed:
    data = Path(path).read_bytes()
    info = FileInfo(rel, sha256=file_sha256(data), size=len(data))
    out = Parsed(info)
    start = time.process_time()
    verdict = gate.inspect(data, rel)
    out.seconds = (time.process_time() - start, 0.0)
    out.problems += verdict.problems
    if not verdict.ok:
        info.status = "无法读取"
        info.note = verdict.kind
        return out
    book, problems = read_book(data, rel, verdict)
    out.problems += problems
    if book is None:
        info.status = "无法读取"
        return out
    stem = Path(rel).with_suffix("").as_posix()
    template = read_template_info(book)
    for sheet in book.sheets:
        if sheet.name == TEMPLATE_SHEET:
            continue
        kind, hr, cols = classify.sheet_kind(sheet.name, sheet.rows)
        if kind is None:
            continue
        if hr is None:
            out.problems.append(error("header-not-found", f"工作表“{sheet.name}”找不到表头行，未读入",
                                         "请保留程序下发表格的表头（如 序号、项目代码、数量）。",
                                         file=rel, sheet=sheet.name))
            continue
        if not sheet.visible:
            out.problems.append(warning("hidden-sheet", f"工作表“{sheet.name}”是隐藏的，其中的数据已读入",
                                           "请确认隐藏表中的数据确实需要计分。", file=rel, sheet=sheet.name))
        info.kinds.append(kind)
        if kind == classify.ROSTER:
            recs, probs = read_roster_sheet(sheet.rows, hr, cols, rel, sheet.name)
            out.roster += recs
        elif kind == classify.DECLARATION:
            decl, recs, probs = read_declaration_sheet(sheet.rows, hr, cols, rel, sheet.name)
            # the sheet's own content: two sheets of one file are two declarations
            decl["sha256"] = file_sha256(repr(sheet.rows).encode("utf-8"))
            decl["template"] = template
            for rec in recs:
                rec["decl"] = f"{rel}|{sheet.name}"
            decl["key"] = f"{rel}|{sheet.name}"
            out.declarations.append(decl)
            out.items += recs
        elif kind == classify.REGISTER:
            recs, probs = read_register_sheet(sheet.rows, hr, cols, rel, sheet.name, stem)
            for rec in recs:
                rec["decl"] = ""
            out.items += recs
        elif kind == classify.REVIEW:
            recs, probs = read_review_sheet(sheet.rows, hr, cols, rel, sheet.name)
            out.reviews += recs
        else:
            recs, probs = read_history_sheet(sheet.rows, hr, cols, rel, sheet.name)
            out.history += recs
        out.problems += probs
    if verdict.pictures:
        attach_pictures(out, verdict.pictures, rel)
    info.n_items = len(out.items)
    if not info.kinds:
        info.status = "未识别"
        out.problems.append(warning(
            "unrecognised-workbook", "没有找到可识别的工作表（干部名册、积分申报表、积分登记表、审核结论、历年结果），未读入",
            "如果这是申报表，请使用组织部下发的模板；否则请移出 input 文件夹。", file=rel))
    else:
        info.status = "已读取"
    return out


def attach_pictures(out: Parsed, found: list[dict], rel: str) -> None:
    """Each picture goes to the item on its row; the others on a declaration sheet belong to
    the declaration as a whole (shown with each of its items)."""
    rows = {(rec["sheet"], rec["row"]): rec for rec in out.items}
    decls = {d["sheet"]: d for d in out.declarations}
    for pic in found:
        pic = {**pic, "file": rel}
        rec = rows.get((pic["sheet"], pic["row"]))
        if rec is not None:
            rec.setdefault("pictures", []).append(pic)
        elif pic["sheet"] in decls:
            decls[pic["sheet"]].setdefault("pictures", []).append(pic)


def read_template_info(book) -> dict:
    """Key/value pairs of the template's hidden sheet (version, rulebook SHA-256, month,
    digest of the items offered), if any. A template made before the digest was recorded gets
    it computed from the item list the same sheet carries (code, name, points)."""
    from jifen.rulebook import offer_digest

    for sheet in book.sheets:
        if sheet.name == TEMPLATE_SHEET:
            info = {str(r[0]).strip(): str(r[1]).strip() for r in sheet.rows[:8]
                    if len(r) > 1 and r[0] not in (None, "") and r[1] not in (None, "")}
            if OFFER_KEY not in info:
                start = next((i for i, r in enumerate(sheet.rows) if r and r[0] == "可申报项目"), None)
                offered = [r[:3] for r in sheet.rows[start + 1:] if len(r) >= 3 and r[0] not in (None, "")
                           and isinstance(r[2], (int, float))] if start is not None else []
                if offered:
                    info[OFFER_KEY] = offer_digest(offered)
            return info
    return {}
