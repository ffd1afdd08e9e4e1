"""申报模板: one pre-filled declaration workbook per cadre and month, ready to hand out.

Locked where the cadre must not type (ID, name, unit, month, lookups), a dropdown of the
self-declarable codes, lookups showing 项目名称 and 申报分值 (display only: the program
always recomputes from the rulebook), checked 数量 and 发生日期, and a hidden sheet naming
the template version and the rulebook's SHA-256. One A4 portrait page.
"""

from __future__ import annotations

import datetime as dt

from jifen import normalize
from jifen.outputs.xlsx import Book, safe_text
from jifen.rulebook import declarable_digest

TEMPLATE_VERSION = "1"
INFO_SHEET = "_模板信息"
OFFER_KEY = "可申报项目摘要"
LINES = 15
HEADER = ["序号", "项目代码", "项目名称", "事项说明", "同一事项标识", "发生日期", "数量", "申报分值", "佐证材料", "备注"]
WIDTHS = [9, 9, 22, 26, 11, 11, 6, 8, 14, 10]
NOTE = ("填表说明：项目代码从下拉列表选择，项目名称和申报分值自动显示（仅供参考，以积分规则为准）；数量填次数或篇数；"
        "发生日期不能晚于申报月份。同一事项标识：同一件事多次获得表彰或处理时，各行填写相同的简称（如“防汛2025”），"
        "该事项全年只按最高分值计一次；不同的事项不要填写相同的标识。佐证材料请写明文件名称或文号，并随表报送："
        "可直接把照片粘贴在“佐证材料”单元格中，或把文件放在与本表同名的文件夹中、文件名以序号开头（如 1_获奖证书.pdf）。"
        "事项超过 15 行时，可在表格中间插入行（右键→插入），或另交一份申报表并在“续表”栏选“是”。")
CONTINUATION_CHOICES = ["否", "是", "2", "3"]


def template_bytes(cadre: dict, month: str, rulebook, county: str) -> bytes:
    year, mon = int(month[:4]), int(month[5:7])
    book = Book(f"{year}年{mon}月日常积分申报表", stamp="")
    wb, f = book.wb, book.wb.add_format
    ws = wb.add_worksheet("积分申报表")
    info = wb.add_worksheet(INFO_SHEET)
    base = {"font_name": "宋体", "font_size": 10, "valign": "vcenter", "border": 1, "text_wrap": True}
    fmt = {
        "title": f({"font_name": "方正小标宋简体", "font_size": 16, "align": "center", "valign": "vcenter"}),
        "label": f({**base, "bold": True, "align": "center", "bg_color": "#F2F2F2"}),
        "fixed": f({**base, "locked": True}),
        "head": f({**base, "bold": True, "align": "center", "bg_color": "#DDEBF7"}),
        "seq": f({**base, "align": "center"}),
        "input": f({**base, "locked": False}),
        "date": f({**base, "locked": False, "num_format": "yyyy-mm-dd"}),
        "qty": f({**base, "locked": False, "num_format": "0", "align": "center"}),
        "lookup": f({**base, "font_color": "#555555"}),
        "note": f({"font_name": "宋体", "font_size": 9, "text_wrap": True, "valign": "top"}),
        "sign": f({"font_name": "宋体", "font_size": 11, "valign": "vcenter"}),
        "sign_in": f({"font_name": "宋体", "font_size": 11, "valign": "vcenter", "bottom": 1, "locked": False}),
    }
    for c, w in enumerate(WIDTHS):
        ws.set_column(c, c, w)
    ws.merge_range(0, 0, 0, 9, safe_text(f"{county}县科级领导干部及后备干部日常积分申报表（{year}年{mon}月）"),
                   fmt["title"])
    ws.set_row(0, 30)
    ws.write_string(1, 0, "干部编号", fmt["label"])
    ws.merge_range(1, 1, 1, 2, safe_text(cadre["cadre_id"]), fmt["fixed"])
    ws.write_string(1, 3, "姓名", fmt["label"])
    ws.write_string(1, 4, safe_text(cadre["display_name"]), fmt["fixed"])
    ws.write_string(1, 5, "单位", fmt["label"])
    ws.merge_range(1, 6, 1, 9, safe_text(cadre["unit"]), fmt["fixed"])
    ws.write_string(2, 0, "申报月份", fmt["label"])
    ws.merge_range(2, 1, 2, 2, f"{year}年{mon}月", fmt["fixed"])
    ws.write_string(2, 3, "职务", fmt["label"])
    ws.merge_range(2, 4, 2, 6, safe_text(cadre["post"]), fmt["fixed"])
    # 续表: a second workbook for the same month adds to the first instead of conflicting
    ws.write_string(2, 7, "续表", fmt["label"])
    ws.merge_range(2, 8, 2, 9, "否", fmt["input"])
    ws.data_validation(2, 8, 2, 8, {
        "validate": "list", "source": CONTINUATION_CHOICES, "error_type": "stop", "error_title": "续表",
        "error_message": "本月第一份申报表选“否”；同月另交的申报表选“是”（再有一份选 2、3）。",
        "input_title": "续表", "input_message": "同月另交的第二份申报表选“是”"})
    ws.merge_range(3, 0, 3, 9, NOTE, fmt["note"])
    ws.set_row(3, 80)
    for c, name in enumerate(HEADER):
        ws.write_string(4, c, name, fmt["head"])

    codes = rulebook.items[rulebook.items["self_declarable"]]
    first_code_row = 10
    info.write_string(0, 0, "模板版本")
    info.write_string(0, 1, TEMPLATE_VERSION)
    info.write_string(1, 0, "规则文件SHA-256")
    info.write_string(1, 1, rulebook.sha256)
    info.write_string(2, 0, "申报月份")
    info.write_string(2, 1, month)
    info.write_string(3, 0, "干部编号")
    info.write_string(3, 1, cadre["cadre_id"])
    # what the dropdown offers: a later rulebook that only changes parameters or notices
    # leaves this the same, so the template is not called old (template-old-rulebook)
    info.write_string(4, 0, OFFER_KEY)
    info.write_string(4, 1, declarable_digest(rulebook))
    info.write_string(first_code_row - 1, 0, "可申报项目")
    for i, rec in enumerate(codes.itertuples()):
        info.write_string(first_code_row + i, 0, rec.code)
        info.write_string(first_code_row + i, 1, safe_text(rec.name))
        info.write_number(first_code_row + i, 2, rec.points)
    last_code_row = first_code_row + max(1, len(codes)) - 1
    table = f"'{INFO_SHEET}'!$A${first_code_row + 1}:$C${last_code_row + 1}"
    info.hide()

    month_end = normalize.month_end(month)
    first, last = 5, 5 + LINES - 1
    for i in range(LINES):
        r = first + i
        ws.set_row(r, 28)
        ws.write_number(r, 0, i + 1, fmt["seq"])
        ws.write_blank(r, 1, None, fmt["input"])
        ws.write_formula(r, 2, f'=IF(B{r + 1}="","",IFERROR(VLOOKUP(B{r + 1},{table},2,FALSE),"代码有误"))',
                         fmt["lookup"], "")
        for c in (3, 4, 8, 9):
            ws.write_blank(r, c, None, fmt["input"])
        ws.write_blank(r, 5, None, fmt["date"])
        ws.write_blank(r, 6, None, fmt["qty"])
        ws.write_formula(r, 7, f'=IF(OR(B{r + 1}="",G{r + 1}=""),"",IFERROR(VLOOKUP(B{r + 1},{table},3,FALSE)*G{r + 1},""))',
                         fmt["lookup"], "")
    code_list = list(codes["code"])
    source = code_list if len(",".join(code_list)) < 250 else (
        f"='{INFO_SHEET}'!$A${first_code_row + 1}:$A${last_code_row + 1}")
    ws.data_validation(first, 1, last, 1, {
        "validate": "list", "source": source, "error_type": "stop", "error_title": "项目代码",
        "error_message": "请从下拉列表选择可自主申报的项目代码。", "input_title": "项目代码",
        "input_message": "请从下拉列表选择"})
    ws.data_validation(first, 6, last, 6, {
        "validate": "integer", "criteria": "between", "minimum": 1, "maximum": 99, "error_type": "stop",
        "error_title": "数量", "error_message": "数量须为 1 至 99 的整数。"})
    ws.data_validation(first, 5, last, 5, {
        "validate": "date", "criteria": "between", "minimum": dt.datetime(year - 1, 1, 1),
        "maximum": dt.datetime(month_end.year, month_end.month, month_end.day), "error_type": "stop",
        "error_title": "发生日期", "error_message": f"发生日期须为日期，且不晚于 {normalize.cn_date(month_end)}。"})
    r = last + 2
    ws.merge_range(r, 0, r, 9, "本人承诺以上申报内容真实准确，如有不实，愿承担相应责任。", fmt["sign"])
    ws.set_row(r + 1, 8)
    ws.write_string(r + 2, 2, "申报人签字：", fmt["sign"])
    ws.merge_range(r + 2, 3, r + 2, 4, "", fmt["sign_in"])
    ws.write_string(r + 2, 7, "日期：", fmt["sign"])
    ws.merge_range(r + 2, 8, r + 2, 9, "", fmt["sign_in"])
    ws.set_row(r + 2, 26)
    # rows may be inserted (and removed) inside the item table; the filled-in header stays locked
    ws.protect("", {"format_columns": True, "format_rows": True, "select_locked_cells": True,
                    "select_unlocked_cells": True, "insert_rows": True, "delete_rows": True})
    ws.set_paper(9)
    ws.set_portrait()
    ws.fit_to_pages(1, 1)
    ws.set_margins(left=0.6, right=0.5, top=0.7, bottom=0.7)
    ws.print_area(0, 0, r + 2, 9)
    ws.set_footer("&C第 &P 页 共 &N 页")
    ws.activate()
    return book.close()
