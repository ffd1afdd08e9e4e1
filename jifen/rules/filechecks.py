"""Checks that read file names and folders rather than cells (pure: names in, problems out).

A clerk files declarations by month (`申报表/2026-03/K0001_张明_2026-03.xlsx`) and hands out
templates that record their month; a declaration whose 申报月份 says otherwise was most likely
filled on last month's form or typed wrong, and counting it would put its items in the wrong
quarter (or create a year nobody declared). Excel and WPS leave a lock file beside a workbook
that is open, whose unsaved edits the program cannot see.
"""

from __future__ import annotations

import functools
import posixpath
import re
from pathlib import PurePosixPath

from jifen.problems import Problem, error, warning

# 2026-03, 2026_3, 2026.03, 2026年3月, 2026年03; or 202603 standing alone
_SEPARATED = re.compile(r"(?<!\d)(20\d{2}|19\d{2})\s*[-_./年]\s*(1[0-2]|0?[1-9])(?!\d)")
_COMPACT = re.compile(r"(?<!\d)(20\d{2})(0[1-9]|1[0-2])(?!\d)")


@functools.lru_cache(maxsize=1 << 16)     # a county's month folders repeat on every declaration
def month_in_name(name: str) -> str | None:
    """The one month a file or folder name states (`YYYY-MM`), or None (none, or several)."""
    stem = name.rsplit(".", 1)[0] if "." in name else name
    found = {f"{int(y):04d}-{int(m):02d}" for y, m in _SEPARATED.findall(stem)}
    if not found:
        found = {f"{y}-{m}" for y, m in _COMPACT.findall(stem)}
    return found.pop() if len(found) == 1 else None


def check_declaration_months(decls: list[dict]) -> tuple[set, list[Problem]]:
    """Declarations whose 申报月份 disagrees with their file name, folder or template record.

    → (keys of the declarations held back, problems). Held declarations are not counted
    anywhere, and their month makes no period exist, until the clerk puts it right.
    """
    held, problems = set(), []
    for d in decls:
        month = d.get("month")
        if not month:
            continue                     # already an error (bad-month) of its own
        name = posixpath.basename(d["file"])      # names relative to input/, with "/"
        sources = []
        named = month_in_name(name)
        if named and named != month:
            sources.append(("文件名", name, named))
        folder = posixpath.basename(posixpath.dirname(d["file"]))
        in_folder = month_in_name(folder) if folder else None
        if in_folder and in_folder != month:
            sources.append(("文件夹名", folder, in_folder))
        recorded = (d.get("template") or {}).get("申报月份")
        if recorded and recorded != month:
            sources.append(("申报模板隐藏工作表“_模板信息”记录的月份", "", recorded))
        if not sources:
            continue
        held.add(d["key"])
        said = "、".join(f"{what}{f'“{name}”' if name else ''}（{m}）" for what, name, m in sources)
        problems.append(error(
            "declaration-month-mismatch",
            f"申报月份“{d.get('month_raw') or month}”（{month}）与{said}不一致，无法确定该表属于哪个月，本表事项暂不计分",
            "请向申报人核实实际所属的月份：若表中的申报月份填错了，请改正后保存；若文件放错了位置或文件名写错了，"
            "请把文件移到正确月份的文件夹或改正文件名。改正后重新运行即可计分（不要删除该文件）。",
            file=d["file"], sheet=d["sheet"], cell=(d.get("cells") or {}).get("月份", ""), cadre_id=d.get("cadre_id", ""),
            extra={"months": sorted({month} | {m for *_, m in sources})}))
    return held, problems


def lock_target(name: str) -> str | None:
    """The workbook a lock file stands for, by the naming styles of Excel, WPS and LibreOffice:
    `~$name.xlsx` (Excel, WPS on Windows), `.~name.xlsx` (WPS on Linux), `.~lock.name.xlsx#`
    (LibreOffice). None when `name` is not a lock file."""
    if name.startswith(".~lock.") and name.endswith("#"):
        return name[len(".~lock."):-1]
    if name.startswith("~$") or name.startswith(".~"):
        return name[2:] or None
    return None


def check_lock_files(lock_paths: list[str], workbook_paths: list[str]) -> list[Problem]:
    """A 警告 for each workbook with a lock file beside it: it may be open, with unsaved edits.

    Word-style owner files drop the first two characters of a long name (`~$0001_张明.xlsx` for
    `K0001_张明.xlsx`); that form is matched when it points at exactly one workbook.
    """
    if not any(lock_target(PurePosixPath(lock).name) for lock in lock_paths):
        return []           # the usual case: no lock file, so no workbook to look through
    by_folder: dict[str, list[str]] = {}
    for rel in workbook_paths:
        p = PurePosixPath(rel)
        by_folder.setdefault(p.parent.as_posix(), []).append(p.name)
    problems = []
    for lock in sorted(lock_paths):
        p = PurePosixPath(lock)
        target = lock_target(p.name)
        if not target:
            continue
        names = by_folder.get(p.parent.as_posix(), [])
        match = [n for n in names if n == target]
        if not match and p.name.startswith("~$"):
            match = [n for n in names if len(n) > 2 and n[2:] == target]
            match = match if len(match) == 1 else []
        for name in match:
            rel = (p.parent / name).as_posix()
            problems.append(warning(
                "workbook-open", f"该文件旁有 Excel/WPS 的锁定文件“{p.name}”：它可能正在被打开编辑，"
                "未保存的修改不会被读入（本次按磁盘上已保存的内容计算）",
                "请在打开该文件的电脑上保存并关闭它，然后重新运行；如果没有人打开它，锁定文件是上次异常退出留下的，可以删除那个锁定文件。",
                file=rel))
    return problems
