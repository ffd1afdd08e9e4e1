"""What stands in the way of publishing a period (pure): items still 待审核 and 错误-level
problems that concern its months.

A published notice is posted county-wide; publishing while a declaration is undecided or a
file is in error would post figures the clerk has not settled. `blockers` lists what to settle,
counted per unit with the first few 事项ID, so the clerk knows where to look.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pandas as pd

from jifen.files import as_found
from jifen.rules import cadres, checks
from jifen.rules.filechecks import month_in_name

SHOW_IDS = 5           # 事项ID shown per unit
SHOW_ERRORS = 8        # errors quoted in full


def launcher(*args: str) -> str:
    """The command a clerk types on this computer (run.bat on Windows, ./run.sh elsewhere)."""
    return " ".join(["run.bat" if sys.platform == "win32" else "./run.sh", *args])


def problem_months(res) -> list[set | None]:
    """For each problem of the run, the months it concerns (None: cannot tell, so every period).

    Known from the problem itself (a misfiled declaration names its months), from the item at
    its row, from a review decision's 事项ID, from the declarations and items of its file, or
    from a month in the file's name or folder.
    """
    items = res.items if res.items is not None else pd.DataFrame(columns=["file", "sheet", "row", "month",
                                                                            "item_id"])
    at_row = {(f, s, r): m for f, s, r, m in zip(items["file"], items["sheet"], items["row"], items["month"]) if m}
    by_file: dict[str, set] = {}
    for f, m in zip(items["file"], items["month"]):
        if m:
            by_file.setdefault(f, set()).add(m)
    for d in res.declarations:
        if d.get("month"):
            by_file.setdefault(d["file"], set()).add(d["month"])
    month_of_item = dict(zip(items["item_id"], items["month"]))
    decided = _review_rows(res)
    out = []
    for p in res.problems:
        months = p.extra.get("months") if p.extra else None
        if months:
            out.append(set(months))
            continue
        key = (p.file, p.sheet, p.row)
        if p.row and key in at_row:
            out.append({at_row[key]})
        elif p.row and key in decided:
            iid = decided[key]
            m = month_of_item.get(iid) or _month_in_id(iid)
            out.append({m} if m else None)
        elif p.file in by_file:
            out.append(by_file[p.file])
        else:
            parts = p.file.split("/") if p.file else []
            named = {m for m in (month_in_name(x) for x in parts) if m}
            out.append(named or None)
    return out


def _review_rows(res) -> dict:
    """(file, sheet, row) of each review decision read → its 事项ID."""
    audit = res.audit
    if audit is None or audit.empty or not {"file", "sheet", "row", "item_id"} <= set(audit.columns):
        return {}
    return {(f, s, int(r)): i for f, s, r, i in zip(audit["file"], audit["sheet"], audit["row"], audit["item_id"])}


def _month_in_id(item_id: str) -> str | None:
    m = re.search(r"-(\d{4}-\d{2})-\d+$", item_id or "")
    return m.group(1) if m else None


def blockers(res, period, sep: str = os.sep) -> list[str]:
    """Chinese lines naming what must be settled before `period` can be published; [] = none.
    A file of the input folder is named as the clerk finds it (input\\申报表\\… on Windows)."""
    lines = []
    items = res.items
    months = set(period.months)
    if items is not None and len(items):
        pending = items[(items["status"] == checks.PENDING) & items["month"].isin(months)]
        if len(pending):
            units = _units(res, pending["cadre_id"], period)
            lines.append(f"有 {len(pending)} 项申报事项待审核：")
            for unit, group in pending.assign(_unit=units).groupby("_unit", sort=False):
                ids = sorted(group["item_id"])
                more = "等" if len(ids) > SHOW_IDS else ""
                lines.append(f"  {unit} {len(ids)} 项（{'、'.join(ids[:SHOW_IDS])}{more}）")
    errors = [p for p, m in zip(res.problems, problem_months(res))
              if p.is_error and (m is None or m & months)]
    if errors:
        lines.append(f"有 {len(errors)} 个“错误”级问题涉及本期：")
        for p in errors[:SHOW_ERRORS]:
            where = " ".join(x for x in (_in_input(res, p.file, sep) or "（全局）", p.sheet, p.cell) if x)
            lines.append(f"  {where}：{p.message}")
        if len(errors) > SHOW_ERRORS:
            lines.append(f"  ……其余 {len(errors) - SHOW_ERRORS} 个见 校验报告.xlsx")
    return lines


def _in_input(res, rel: str | None, sep: str) -> str | None:
    """`申报表/2026-02/x.xlsx` as input\\申报表\\2026-02\\x.xlsx when it is a file of the input folder."""
    folder = res.options.input_dir
    if not rel or not (folder / rel).is_file():
        return rel
    return as_found(folder, *rel.split("/"), sep=sep)


def _units(res, cadre_ids: pd.Series, period) -> list[str]:
    """Each cadre's unit at the period's end (else their last one), for counting per unit."""
    roster = res.roster
    if roster is None or roster.empty:
        return ["（未知单位）"] * len(cadre_ids)
    unit = cadres.latest_rows(roster, period.last_day)["unit"].to_dict()
    return [unit.get(c) or "（不在名册）" for c in cadre_ids]


def refusal(period, lines: list[str], target: str, output_dir: Path = Path("output"),
            input_dir: Path = Path("input"), sep: str = os.sep) -> str:
    """The whole message printed when publishing is refused: what stands in the way, then what
    to do about each kind of it. Files are named as the clerk finds them (the period's own
    review list, not "the latest" of several years), with the system's separator."""
    from jifen.outputs.review_list import list_path

    def shown(folder: Path, *parts: str) -> str:
        return as_found(folder, *parts, sep=sep)

    pending = any("待审核" in x for x in lines if not x.startswith("  "))
    errors = any("错误" in x for x in lines if not x.startswith("  "))
    advice = ["请先处理："]
    if pending:
        listed = list_path(output_dir, period.year)
        advice.append(f"  · 待审核的事项：把 {shown(output_dir, listed.parent.name, listed.name)} 复制到 "
                      f"{shown(input_dir, '审核结论')}{sep}，在复制的文件中填写"
                      "审核结论（通过/不通过/调整）、审核人、审核日期后保存；")
    if errors:
        advice.append(f"  · 错误：按 {shown(output_dir, '校验报告.xlsx')} 中每个问题的“处理建议”改正相应文件；")
    advice.append(f"  · 然后重新运行，校验报告中本期没有错误、也没有待审核事项时再发布：{launcher('publish', target)}")
    return "\n".join([f"未发布 {period.title}（归档中没有写入任何文件）：", *lines, *advice])


def other_errors(res, period) -> list[tuple[str, int]]:
    """The 错误-level problems left in other periods once `period` is published: (quarter as
    the clerk names it, number of errors), in time order. Errors that concern `period` or
    every period block publishing, so none of them is left here."""
    from jifen.rules.periods import QUARTER_CN

    months = set(period.months)
    counts: dict = {}
    for p, m in zip(res.problems, problem_months(res)):
        if not p.is_error or m is None or m & months:
            continue
        for q in {(int(x[:4]), (int(x[5:7]) - 1) // 3 + 1) for x in m}:
            counts[q] = counts.get(q, 0) + 1
    return [(f"{y}年第{QUARTER_CN[q]}季度", n) for (y, q), n in sorted(counts.items())]
