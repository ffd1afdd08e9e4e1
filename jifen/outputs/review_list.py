"""待审核/YYYY年积分事项待审核清单.xlsx: what the department reviews, with decision dropdowns."""

from __future__ import annotations

import openpyxl

from jifen import reviews
from jifen.outputs import common, state
from jifen.outputs.xlsx import Book, write_table

INSTRUCTION = ("使用方法：请先把本文件复制到 input\\审核结论\\ 文件夹，再在复制的文件中填写“审核结论”等列"
               "（不要修改事项ID和指纹），保存后重新运行程序。直接在 output 文件夹中填写的清单不会被采用。"
               "申辩复核或更正：在“已审核事项”表中修改该行的结论，类型选“申辩复核”，审核日期填更晚的日期。")

DECISION_LISTS = {"审核结论": reviews.CONCLUSIONS, "不通过原因": reviews.REJECT_REASONS, "类型": reviews.TYPES}
WIDTHS = {"单位": 16, "事项ID": 20, "指纹": 11, "干部编号": 9, "姓名": 8, "月份": 8, "序号": 5, "项目代码": 7,
          "项目名称": 24, "事项说明": 28, "同一事项标识": 10, "发生日期": 11, "数量": 5, "规则分值": 7,
          "佐证材料": 14, "校验提示": 24, "来源文件": 26, "初评意见": 14, "审核结论": 8, "审核分值": 7,
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


def _sheet(book, name, df, title, note):
    ws = book.sheet(name)
    wrap = {"项目名称", "事项说明", "校验提示", "来源文件", "审核意见"}
    end = write_table(book, ws, df, title=title, subtitle=note, widths=WIDTHS, wrap=wrap)
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


def write_review_list(res, log, year: int) -> None:
    """The list for `year` (the caller has made sure it was not filled in place)."""
    path = list_path(res.options.output_dir, year)
    standing = res.standing
    warnings = reviews.item_warnings(res.problems)
    pending, decided = reviews.review_frames(res.items, standing, res.roster, res.rulebook, warnings, year)
    book = Book(f"{year}年积分事项待审核清单", internal=True, stamp=common.stamp(res))
    county = res.rulebook.params["县名"]
    _sheet(book, "待审核清单", pending, f"{county}县{year}年日常积分申报事项待审核清单（共 {len(pending)} 项）",
           INSTRUCTION)
    _sheet(book, "已审核事项", decided, f"{county}县{year}年已审核事项和组织部登记事项（共 {len(decided)} 项）",
           INSTRUCTION)
    log.write(path, book.close())
