"""Handed-in files that look like a declaration the program cannot read (pure: names in, problems out).

A declaration saved as CSV, photographed, printed to PDF or typed into Word is not read; left
among the skipped files it would vanish, and the cadre would show as 未交. Such a file is an
error naming it and saying how to hand it in. What "looks like a declaration":
- a table saved as text: a .csv/.tsv always (the program reads tables only from .xlsx), a .txt
  or .prn when its header row is one of ours (a 说明.txt is prose and stays skipped);
- any other file whose name says 申报 (and not 佐证/证明/说明…), or whose name is a
  declaration's: a month with a 干部编号 or a name (`张三_2026-01.pdf`, `K0001_张明_2026-03.jpg`).
Evidence is never flagged: a file a declaration owns (evidence.py) is 佐证材料; a file beside a
workbook of its name is that workbook's copy (the workbook's own problems speak), and so is one
naming a cadre and month whose declaration was read.
"""

from __future__ import annotations

import posixpath
import re

from jifen import normalize
from jifen.problems import Problem, error
from jifen.rules.filechecks import month_in_name

CSV_TABLES = {".csv", ".tsv"}
TEXT_TABLES = {".txt", ".prn"}
# words of a name that say "not the declaration itself" (evidence, notes, forms about it)
NOT_A_DECLARATION = ("佐证", "证明", "证书", "照片", "图片", "截图", "材料", "说明", "通知", "附件", "复印", "扫描件",
                     "文件", "模板", "样表", "填表", "填写", "指南", "办法", "规则", "总结", "纪要", "报告", "汇总",
                     "清单", "名单", "审核", "情况")
DECLARATION_WORDS = ("积分申报表", "申报表", "积分申报", "申报", "积分")
KIND_SHOWN = {".pdf": "PDF 文件", ".ofd": "OFD 版式文件", ".doc": "Word 文档", ".docx": "Word 文档",
              ".wps": "WPS 文字文档", ".jpg": "图片", ".jpeg": "图片", ".png": "图片", ".bmp": "图片", ".gif": "图片",
              ".tif": "图片", ".tiff": "图片", ".heic": "图片", ".webp": "图片", ".txt": "文本文件", ".prn": "文本文件",
              ".zip": "压缩包", ".rar": "压缩包", ".7z": "压缩包"}
CODES = ("table-not-workbook", "declaration-not-workbook")
_TOKEN = re.compile(r"[^\s_\-—.、，,（()）【】\[\]#]+")
_ID = re.compile(r"^[A-Za-z]{0,4}\d{2,18}$")
_NAME = re.compile(r"^[\u4e00-\u9fff·]{2,3}$")
_MONTHS = re.compile(r"(?<!\d)(?:20\d{2}\s*[-_./年]\s*(?:1[0-2]|0?[1-9])月?份?|20\d{2}(?:0[1-9]|1[0-2]))(?!\d)")


def check_lost_declarations(skipped: list, owner: dict, workbooks: list[str], declared: set, names: dict,
                            unattached: tuple) -> list[Problem]:
    """One error per skipped file that looks like a declaration or table the program cannot read.

    `skipped`: FileInfo of the files not read (kinds: the sheet a text file holds, by its header);
    `owner`: evidence path → its declaration; `workbooks`: every workbook path handed in (read
    or not); `declared`: (干部编号, month) of the declarations read; `names`: the roster's name
    → its IDs; `unattached`: the notes a skipped non-workbook has."""
    beside = {posixpath.splitext(p)[0] for p in workbooks}
    ids = {c for found in names.values() for c in found}
    candidates = [f for f in skipped if f.path not in owner and f.note in unattached]   # not evidence, locks, hidden
    # a file naming a cadre and month whose declaration was read is a copy of it, not a lost one
    counted = {path for path, key in whose([f.path for f in candidates], ids, names).items() if key in declared}
    problems = []
    for f in candidates:
        stem, ext = posixpath.splitext(f.path)
        ext = ext.lower()
        if stem in beside or f.path in counted:
            continue
        name = posixpath.basename(f.path)
        kind = f.kinds[0] if f.kinds else ""
        if ext in CSV_TABLES or (ext in TEXT_TABLES and kind):
            what = f"看起来是{kind}，但" if kind else ""
            problems.append(error(
                "table-not-workbook",
                f"{what}这是 CSV/文本表格（{ext}），不是 Excel 工作簿，程序不读取，其中的内容没有计入",
                "请用 Excel 或 WPS 打开该文件，另存为“Excel 工作簿（.xlsx）”后放回原处，并删除原文件"
                + ("；CSV 不保留申报表模板的下拉列表和模板信息，最好请报送人在组织部下发的申报表模板中重新填写。"
                   if kind in ("", "申报表") else "。")
                + "不是积分材料的请移出 input 文件夹。",
                file=f.path))
        elif looks_like_declaration(name, ids, set(names)):
            shown = KIND_SHOWN.get(ext, f"{ext or '无扩展名的'} 文件")
            problems.append(error(
                "declaration-not-workbook",
                f"文件名看起来是申报表，但这是{shown}，不是 Excel 工作簿，程序不读取，旁边也没有同名的申报表",
                "申报表请用组织部下发的 Excel 模板填写，保存为 .xlsx 后放入（拍照、扫描或打印成 PDF 的申报表不能计分）；"
                "如果这是佐证材料，请放进以申报表文件名命名的文件夹（如 张三_2026-01），或把文件名改为以申报表文件名开头"
                "（如 张三_2026-01_获奖证书.pdf）。",
                file=f.path))
    return problems


def looks_like_declaration(name: str, ids: set, names: set) -> bool:
    """A file name a declaration has: it says 申报 (and nothing about evidence), or it is a month
    with a 干部编号 and/or a name, and nothing else."""
    stem = normalize.text(posixpath.splitext(name)[0])
    if any(word in stem for word in NOT_A_DECLARATION):
        return False
    if "申报" in stem:
        return True
    if month_in_name(stem) is None:
        return False
    tokens = [t for t in _TOKEN.findall(_MONTHS.sub(" ", stem)) if t not in DECLARATION_WORDS]
    if not tokens or len(tokens) > 3:
        return False
    if not all(_ID.match(t) or _NAME.match(t) or t in names for t in tokens):
        return False
    known = any(normalize.cadre_id(t) in ids or t in names for t in tokens)
    id_and_name = any(_ID.match(t) for t in tokens) and any(_NAME.match(t) or t in names for t in tokens)
    return known or id_and_name or len(tokens) == 1


def whose(paths: list[str], ids: set, names: dict) -> dict:
    """path → (干部编号, month) its name states (`申报表/2026-01/K0002_李华.csv`), for the files
    not read; a path naming no roster cadre or no one month is left out. `names`: name → the
    IDs of the cadres of that name (a name shared by two cadres says nobody)."""
    out = {}
    for path in paths:
        folder, name = posixpath.split(path)
        month = month_in_name(name) or month_in_name(posixpath.basename(folder))
        if not month:
            continue
        tokens = _TOKEN.findall(_MONTHS.sub(" ", normalize.text(posixpath.splitext(name)[0])))
        by_id = {normalize.cadre_id(t) for t in tokens} & ids
        by_name = {c for t in tokens if len(names.get(t, ())) == 1 for c in names[t]}
        found = by_id or by_name
        if len(found) == 1:
            out[path] = (found.pop(), month)
    return out
