"""校验报告.xlsx: every problem with its place, a per-file summary, skipped files, the balance."""

from __future__ import annotations

import dataclasses

import pandas as pd

from jifen.outputs import common
from jifen.outputs.xlsx import Book, write_table
from jifen.rules import suspicious

PROBLEM_COLUMNS = ["序号", "级别", "问题类型", "问题代码", "文件", "工作表", "单元格/行", "干部编号", "问题",
                   "处理建议"]


def with_cadre_ids(problems, items, declarations=()) -> list:
    """Problems with the 干部编号 filled in wherever the place they name tells it: a declaration
    sheet belongs to one cadre (so does a file whose declarations are all one cadre's), a register
    or list row to the cadre of that row."""
    by_sheet = {(d["file"], d["sheet"]): d["cadre_id"] for d in declarations if d.get("cadre_id")}
    owners: dict[str, set] = {}
    for d in declarations:
        owners.setdefault(d["file"], set()).add(d.get("cadre_id") or "")
    by_file = {f: next(iter(ids)) for f, ids in owners.items() if len(ids) == 1}
    by_row = {}
    asked = {(p.file, p.sheet, p.row) for p in problems if not p.cadre_id and p.row}   # not every row's
    if items is not None and not items.empty:
        for file, sheet, row, cid, source in zip(items["file"], items["sheet"], items["row"], items["cadre_id"],
                                                 items["source"]):
            if cid:
                if (file, sheet, row) in asked:
                    by_row[(file, sheet, row)] = cid
                if source == "申报":
                    by_sheet.setdefault((file, sheet), cid)
    out = []
    for p in problems:
        if not p.cadre_id:
            cid = by_row.get((p.file, p.sheet, p.row)) if p.row else None
            cid = cid or by_sheet.get((p.file, p.sheet)) or (by_file.get(p.file, "") if not p.sheet else "")
            if cid:
                p = dataclasses.replace(p, cadre_id=cid)
        out.append(p)
    return out


def problem_frame(problems) -> pd.DataFrame:
    rows = sorted(problems, key=lambda p: (p.file != "" and 1 or 0, p.file, p.sheet, p.row,
                                             p.cell, p.level != "错误", p.code))
    # column by column: a dict per problem was ~70 MB more at a province's 110,000 problems
    # (and no problem at all: columns of type object, as a list of rows gives, not float)
    df = pd.DataFrame([] if not rows else {
        "级别": [p.level for p in rows], "问题类型": [p.kind for p in rows], "问题代码": [p.code for p in rows],
        "文件": [p.file or "（全局）" for p in rows], "工作表": [p.sheet for p in rows],
        "单元格/行": [p.cell for p in rows], "干部编号": [p.cadre_id for p in rows],
        "问题": [p.message for p in rows], "处理建议": [p.hint for p in rows]}, columns=PROBLEM_COLUMNS[1:])
    df.insert(0, "序号", range(1, len(df) + 1))
    return df


def balance_frame(res) -> pd.DataFrame:
    b = res.balance()
    ok_items = b["items_read"] == b["计分"] + b["待审核"] + b["不通过"] + b["无效"]
    ok_files = b["files_total"] == b["files_read"] + b["files_rejected"] + b["files_skipped"] + b["files_evidence"]
    rows = [
        ("文件", "input 中的文件总数", b["files_total"]),
        ("文件", "已读取", b["files_read"]),
        ("文件", "无法读取或未识别（见问题清单）", b["files_rejected"]),
        ("文件", "佐证材料（随申报表交回的文件，见“佐证材料”表）", b["files_evidence"]),
        ("文件", "跳过（锁定文件、不属于任何申报表的非工作簿文件）", b["files_skipped"]),
        ("文件", "核对", "相符" if ok_files else "不相符"),
        ("事项", "读到的事项行", b["items_read"]),
        ("事项", "计分", b["计分"]),
        ("事项", "待审核", b["待审核"]),
        ("事项", "审核不通过", b["不通过"]),
        ("事项", "无效（校验未通过，见问题清单）", b["无效"]),
        ("事项", "核对（读到 = 计分 + 待审核 + 不通过 + 无效）", "相符" if ok_items else "不相符"),
    ]
    return pd.DataFrame(rows, columns=["类别", "项目", "数量"])


def file_frame(res) -> pd.DataFrame:
    items = res.items
    statuses = ("计分", "待审核", "不通过", "无效")
    per_file = (items.groupby(["file", "status"]).size().unstack(fill_value=0)
                if items is not None and not items.empty else pd.DataFrame())
    errs: dict[str, list[int]] = {}
    for p in res.problems:
        e = errs.setdefault(p.file, [0, 0])
        e[0 if p.is_error else 1] += 1
    paths = [f.path for f in res.files]
    counts = {s: (per_file[s].reindex(paths).fillna(0).astype(int).tolist() if s in per_file.columns
                  else [0] * len(paths)) for s in statuses}
    return pd.DataFrame({
        "文件": paths, "类型": ["、".join(dict.fromkeys(f.kinds)) for f in res.files],
        "状态": [f.status for f in res.files], "事项行数": [f.n_items for f in res.files],
        **counts,
        "错误": [errs.get(p, [0, 0])[0] for p in paths], "警告": [errs.get(p, [0, 0])[1] for p in paths],
    }, columns=["文件", "类型", "状态", "事项行数", *statuses, "错误", "警告"])


def write_report(res, log) -> None:
    path = res.options.output_dir / "校验报告.xlsx"
    problems = problem_frame(with_cadre_ids(res.problems, res.items, res.declarations))
    skipped = pd.DataFrame([{"文件": f.path, "大小（字节）": f.size, "原因": f.note} for f in res.skipped],
                           columns=["文件", "大小（字节）", "原因"])
    evidence = pd.DataFrame([{"文件": f.path, "大小（字节）": f.size, "说明": f.note, "SHA-256": f.sha256}
                             for f in res.evidence], columns=["文件", "大小（字节）", "说明", "SHA-256"])
    table = res.suspicious if res.suspicious is not None else pd.DataFrame(columns=suspicious.COLUMNS)
    files, balance = file_frame(res), balance_frame(res)
    if log.reuse(path, (problems, files, skipped, evidence, table, balance, common.mark(res), common.stamp(res))):
        return
    book = Book("校验报告", mark=common.mark(res), stamp=common.stamp(res))
    n_err = int((problems["级别"] == "错误").sum())
    n_warn = len(problems) - n_err
    # the two long sheets (a province: 110,000 problems, 180,000 files) are finished row by
    # row as written (seal): held cell by cell until the workbook closed, they were 200-300 MB
    ws = book.sheet("问题清单")
    tints = ["bad" if lvl == "错误" else "" for lvl in problems["级别"]]
    write_table(book, ws, problems, title="积分材料校验报告",
                subtitle=f"错误 {n_err} 项（相应事项不计分，请改正后重新运行），警告 {n_warn} 项（请留意，不影响计分）。"
                         f"{common.stamp(res)}",
                widths={"序号": 6, "级别": 6, "问题类型": 16, "问题代码": 18, "文件": 40, "工作表": 12,
                        "单元格/行": 10, "干部编号": 10, "问题": 60, "处理建议": 50},
                wrap={"问题类型", "问题", "处理建议", "文件"}, row_formats=tints, seal=True)
    ws = book.sheet("文件汇总")
    write_table(book, ws, files, title="读取的文件", subtitle=common.stamp(res),
                widths={"文件": 50}, seal=True)
    ws = book.sheet("跳过的文件")
    write_table(book, ws, skipped, title="跳过的文件（未作为数据读取）", widths={"文件": 50, "原因": 60})
    ws = book.sheet("佐证材料")
    write_table(book, ws, evidence, title="随申报表交回的佐证材料文件",
                subtitle="放在以申报表文件名命名的文件夹中、文件名以申报表文件名开头、或放在以干部编号命名的文件夹中的文件。"
                         "粘贴在申报表中的图片见待审核清单的“佐证材料清单”表。",
                widths={"文件": 50, "说明": 50, "SHA-256": 66})
    ws = book.sheet("可疑申报")
    write_table(book, ws, table, title="可疑申报提示（供审核人核实，不影响计分）",
                subtitle="同一佐证、同一文号、重复申报、超期申报、申报过多；参数见规则文件“参数”表。"
                         "同一提示也写在待审核清单的“可疑提示”列。",
                widths={"规则": 9, "事项ID": 22, "提示": 70, "来源文件": 40}, wrap={"提示", "来源文件"})
    ws = book.sheet("数量核对")
    write_table(book, ws, balance, title="数量核对（不遗漏、不重复）", autofilter=False,
                widths={"类别": 8, "项目": 50, "数量": 12})
    log.write(path, book.close())
