"""待审核/YYYY年积分事项待审核清单.xlsx: what the department reviews, with decision dropdowns."""

from __future__ import annotations

import functools
import os
import posixpath
from pathlib import Path

import openpyxl
import pandas as pd

from jifen.outputs import common, state
from jifen.outputs.xlsx import Book, write_table
from jifen.rules import evidence, reviews

INSTRUCTION = ("使用方法：请先把本文件复制到 input\\审核结论\\ 文件夹，再在复制的文件中填写“审核结论”等列"
               "（不要修改事项ID和指纹），保存后重新运行程序。直接在 output 文件夹中填写的清单不会被采用。"
               "申辩复核或更正：在“已审核事项”表中修改该行的结论，类型选“申辩复核”，审核日期填更晚的日期。")

DECISION_LISTS = {"审核结论": reviews.CONCLUSIONS, "不通过原因": reviews.REJECT_REASONS, "类型": reviews.TYPES}
WIDTHS = {"单位": 16, "事项ID": 20, "指纹": 11, "干部编号": 9, "姓名": 8, "月份": 8, "序号": 5, "项目代码": 7,
          "项目名称": 24, "事项说明": 28, "同一事项标识": 10, "发生日期": 11, "数量": 5, "规则分值": 7,
          "佐证材料": 18, "校验提示": 24, "可疑提示": 24, "来源文件": 26, "初评意见": 14, "审核结论": 8, "审核分值": 7,
          "不通过原因": 11, "审核意见": 16, "审核人": 7, "审核日期": 11, "类型": 9, "当前状态": 10, "计分分值": 7}


def list_path(output_dir, year: int):
    return output_dir / "待审核" / f"{year}年积分事项待审核清单.xlsx"


def filled_in_place(path, recorded: dict, rel: str) -> bool:
    """True when the list in output/ is no longer what the program wrote (a clerk filled it)."""
    if not path.exists():
        return False
    if rel in recorded:
        return state.sha256_path(path) not in state.known(recorded, rel)
    try:   # no record (state file deleted): look for a filled decision in the pending sheet
        wb = openpyxl.load_workbook(path, read_only=True)
        ws = wb["待审核清单"]
        rows = ws.iter_rows(values_only=True)
        for row in rows:
            if row and "审核结论" in row:
                col = list(row).index("审核结论")
                return any(r and len(r) > col and r[col] not in (None, "") for r in rows)
        return False
    except Exception:
        return True


def _sheet(book, name, df, title, note, linked=frozenset()):
    """`linked`: the item ids whose 佐证材料 cell becomes a link (_link_items writes those rows again)."""
    ws = book.sheet(name)
    wrap = {"项目名称", "事项说明", "佐证材料", "校验提示", "可疑提示", "来源文件", "审核意见"}
    keep = (frozenset(FIRST_ROW + i for i, iid in enumerate(df["事项ID"]) if iid in linked)
            if linked and "事项ID" in df.columns else frozenset())
    end = write_table(book, ws, df, title=title, subtitle=note, widths=WIDTHS, wrap=wrap, seal=True, keep_open=keep)
    header_row = 2
    first, last = header_row + 1, max(header_row + 1, end - 1 + 200)
    for name_, values in DECISION_LISTS.items():
        if name_ in df.columns:
            c = list(df.columns).index(name_)
            ws.data_validation(first, c, last, c, {
                "validate": "list", "source": list(values), "error_type": "stop",
                "error_title": "请从下拉列表选择", "error_message": "可选：" + "、".join(values)})
    if "审核日期" in df.columns:
        c = list(df.columns).index("审核日期")
        ws.data_validation(first, c, last, c, {
            "validate": "date", "criteria": ">", "value": common.EPOCH, "error_type": "stop",
            "error_title": "请填写日期", "error_message": "请填写审核日期，如 2026-04-08"})
    return ws


FILLED_MESSAGE = "该清单已在 output 文件夹中被填写，程序没有覆盖它。请把它移动到 input\\审核结论\\ 文件夹后重新运行"


EVIDENCE_SHEET = "佐证材料清单"
FIRST_ROW = 3            # title, subtitle, header: the first item is on the fourth row
EVIDENCE_COLUMNS = ["事项ID", "干部编号", "姓名", "月份", "材料", "类型", "随表材料", "来源", "大小（字节）", "SHA-256"]


def link_target(att: dict, input_dir, output_dir, here) -> str:
    """A relative path from the list's folder to the file handed in (in input/) or to the
    picture extracted (in output/佐证材料/); absolute where no relative path exists."""
    path = (output_dir / att["out"]) if att["kind"] == evidence.PICTURE else (input_dir / att["path"])
    try:
        return os.path.relpath(os.path.abspath(path), os.path.abspath(here)).replace(os.sep, "/")
    except ValueError:                   # another drive (Windows)
        return Path(os.path.abspath(path)).as_uri()


def _evidence_frame(df_list, atts_by_id) -> tuple[pd.DataFrame, list]:
    rows, atts = [], []
    seen = set()
    for df in df_list:
        for iid, cid, name, month in zip(df["事项ID"], df["干部编号"], df["姓名"], df["月份"]):
            if iid in seen:
                continue
            seen.add(iid)
            for a in atts_by_id.get(iid, []):
                picture = a["kind"] == evidence.PICTURE
                shown = posixpath.basename(a["out"]) if picture and a.get("out") else a["name"]
                rows.append({"事项ID": iid, "干部编号": cid, "姓名": name, "月份": month, "材料": shown,
                             "类型": f"{a['kind']}（{a['kind_detail']}）" if picture else a["kind"],
                             "随表材料": "是" if a["shared"] else "",
                             "来源": f"{a['path']} {a['sheet']}!{a['cell']}" if picture else a["path"],
                             "大小（字节）": a.get("size"), "SHA-256": (a.get("sha256") or "")[:16]})
                atts.append(a)
    return pd.DataFrame(rows, columns=EVIDENCE_COLUMNS), atts


def _link_items(book, ws, df, atts_by_id, first_row_of, target) -> None:
    """The 佐证材料 cell links to the one file attached, or to the item's rows in 佐证材料清单."""
    if "佐证材料" not in df.columns:
        return
    c = list(df.columns).index("佐证材料")
    for i, (iid, text) in enumerate(zip(df["事项ID"], df["佐证材料"])):
        atts = atts_by_id.get(iid)
        if not atts:
            continue
        r = FIRST_ROW + i
        ws.put(r, c, text, book.fmt["link"])
        if len(atts) == 1:
            ws.link(r, c, target(atts[0]), text, "打开佐证材料")
        else:
            ws.link(r, c, f"internal:'{EVIDENCE_SHEET}'!A{first_row_of[iid] + 1}", text,
                    f"共 {len(atts)} 份佐证材料，见“{EVIDENCE_SHEET}”表")


def write_review_list(res, log, year: int) -> None:
    """The list for `year` (the caller has made sure it was not filled in place)."""
    from jifen.rules import suspicious

    path = list_path(res.options.output_dir, year)
    standing = res.standing
    warnings = reviews.item_warnings(res.problems)
    pending, decided = reviews.review_frames(res.items, standing, res.roster, res.rulebook, warnings, year,
                                             suspicious.hints_by_item(res.suspicious))
    items = res.items
    atts_by_id = ({iid: a for iid, a, st in zip(items["item_id"], items["attachments"], items["status"])
                   if a and st != "无效"} if items is not None and "attachments" in items else {})
    if log.reuse(path, (pending, decided, sorted(atts_by_id.items()), common.mark(res), common.stamp(res))):
        return
    book = Book(f"{year}年积分事项待审核清单", mark=common.mark(res), stamp=common.stamp(res))
    county = res.rulebook.params["县名"]
    ws_pending = _sheet(book, "待审核清单", pending,
                        f"{county}县{year}年日常积分申报事项待审核清单（共 {len(pending)} 项）", INSTRUCTION, atts_by_id)
    ws_decided = _sheet(book, "已审核事项", decided,
                        f"{county}县{year}年已审核事项和组织部登记事项（共 {len(decided)} 项）", INSTRUCTION, atts_by_id)
    table, atts = _evidence_frame([pending, decided], atts_by_id)
    if len(table):
        here = path.parent
        target = functools.partial(link_target, input_dir=res.options.input_dir,
                                   output_dir=res.options.output_dir, here=here)
        ws = book.sheet(EVIDENCE_SHEET)
        write_table(book, ws, table, title=f"{county}县{year}年申报事项的佐证材料（共 {len(table)} 份，点击“材料”打开）",
                    subtitle="文件链接到 input 中干部交回的文件；图片已从申报表中取出，保存在 output\\佐证材料\\<事项ID>\\。",
                    widths={"事项ID": 22, "材料": 30, "来源": 40, "SHA-256": 18}, wrap={"材料", "来源"})
        first_row_of = {}
        c = EVIDENCE_COLUMNS.index("材料")
        for i, (iid, a, name) in enumerate(zip(table["事项ID"], atts, table["材料"])):
            first_row_of.setdefault(iid, FIRST_ROW + i)
            ws.put(FIRST_ROW + i, c, name, book.fmt["link"])
            ws.link(FIRST_ROW + i, c, target(a), name, "打开")
        _link_items(book, ws_pending, pending, atts_by_id, first_row_of, target)
        _link_items(book, ws_decided, decided, atts_by_id, first_row_of, target)
    log.write(path, book.close())
