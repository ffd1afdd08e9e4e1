"""Write rulebook.xlsx from the defaults in jifen.rules_default.

    python tools/make_rulebook.py [path]

The shipped rulebook.xlsx is produced by this script; clerks then edit it in Excel.
"""

from __future__ import annotations

import sys
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.datavalidation import DataValidation

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from jifen.rules_default import (  # noqa: E402
    BASE_ITEMS,
    BONUS_ITEMS,
    DEFAULT_APPEAL_ROUTE,
    ITEM_COLUMNS,
    NOTICE_COLUMNS,
    PARAMETERS,
    PENALTY_ITEMS,
)

HEAD = Font(name="宋体", bold=True, size=11)
BODY = Font(name="宋体", size=11)
FILL = PatternFill("solid", fgColor="DDEBF7")
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WIDTHS = {"代码": 8, "类别": 12, "名称": 52, "分值": 7, "上限": 7, "计分单位": 9, "可自主申报": 11,
          "需佐证": 8, "每年上限次数": 13, "说明": 40}


def _table(ws, header, rows, widths):
    ws.append(header)
    for row in rows:
        ws.append(list(row))
    for col, name in enumerate(header, start=1):
        letter = openpyxl.utils.get_column_letter(col)
        ws.column_dimensions[letter].width = widths.get(name, 14)
    for row in ws.iter_rows():
        for cell in row:
            cell.border = BOX
            cell.font = HEAD if cell.row == 1 else BODY
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            if cell.row == 1:
                cell.fill = FILL
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"


def _yes_no(ws, columns):
    dv = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
    ws.add_data_validation(dv)
    for col in columns:
        letter = openpyxl.utils.get_column_letter(ITEM_COLUMNS.index(col) + 1)
        dv.add(f"{letter}2:{letter}200")


def build(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "使用说明"
    for line in [
        "积分规则（rulebook.xlsx）使用说明",
        "1. 本文件是全县日常积分管理的规则，程序每次运行都按本文件计分；修改后保存即可生效。",
        "2. “基础积分”“奖励加分”“惩戒扣分”三张表的每一行是一个积分项目：代码不能重复，分值、上限须为数字（扣分也写正数）。",
        "3. 基础积分实行扣分制：“上限”是该子项在一个周期内最多扣的分数；基础积分项目由组织部登记，不能自主申报。",
        "4. “可自主申报”为“是”的项目才会出现在干部的申报表下拉列表中；“需佐证”为“是”的项目申报时须填写佐证材料。",
        "5. “每年上限次数”：同一干部一年内最多计分的次数（按数量累计，按月份和序号先后保留），留空表示不限。",
        "6. “参数”表中的每个参数都有默认值；删去某行时程序取默认值并在校验报告中提示。",
        "7. “通报设置”表填写每期通报的发文日期、文号和申辩截止日期；未填写时发文日期默认为期末后第10天，申辩截止日期为发文后第7天。",
        "8. 已发布（归档）的期间按归档时的规则计算，之后修改规则不会改变已发布的结果。",
    ]:
        ws.append([line])
    ws.column_dimensions["A"].width = 120
    ws["A1"].font = Font(name="黑体", size=14, bold=True)

    sheets = [
        ("基础积分", [(c, cat, name, None, cap, "每次", "否", "否", None,
                       "由组织部根据巡访情况登记扣分；数量填扣分数") for c, cat, name, cap in BASE_ITEMS]),
        ("奖励加分", [(c, cat, name, pts, None, unit, "是", ev, n, "") for c, cat, name, pts, unit, ev, n
                      in BONUS_ITEMS]),
        ("惩戒扣分", [(c, cat, name, pts, None, unit, "是", ev, n, "分值为扣减的分数") for c, cat, name, pts, unit,
                      ev, n in PENALTY_ITEMS]),
    ]
    for title, rows in sheets:
        sheet = wb.create_sheet(title)
        _table(sheet, ITEM_COLUMNS, rows, WIDTHS)
        _yes_no(sheet, ["可自主申报", "需佐证"])

    ps = wb.create_sheet("参数")
    rows = []
    for p in PARAMETERS:
        value = p.default
        if p.kind == "bool":
            value = "是" if value else "否"
        elif p.kind == "share":
            value = f"{round(value * 100)}%"
        elif p.kind == "list":
            value = "、".join(value) if isinstance(value, list) else value
        shown_default = "（空）" if p.default is None else value
        rows.append((p.name, value, shown_default, p.note))
    _table(ps, ["参数", "值", "默认值", "说明"], rows, {"参数": 18, "值": 22, "默认值": 22, "说明": 80})

    ns = wb.create_sheet("通报设置")
    _table(ns, NOTICE_COLUMNS, [], {"期间": 16, "发文日期": 14, "文号": 24, "申辩截止日期": 16, "申辩途径": 40})
    ns["G1"] = ("期间写 2026Q1 或 2026年第一季度（年度写 2026年度）；日期写 2026-04-10。不填的期间按默认日期。"
                f"申辩途径写在告知单和通报中（如“向县委组织部干部监督股提出书面申辩”），不填时为“{DEFAULT_APPEAL_ROUTE}”。")
    wb.save(path)


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "rulebook.xlsx"
    build(target)
    print(f"已生成 {target}")
