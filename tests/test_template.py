"""`process.py template --month`: the declaration workbooks handed out to cadres (SPEC §4, §7).

One pre-filled, protected workbook per cadre on the roster at the month's end; filled by a
script (openpyxl, no formula results cached) it reads back cleanly, and a template made from
another rulebook is a warning, never a rejection.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path

import builders as b
import openpyxl
import pytest

MONTH = "2026-03"
ROSTER = [
    ("K0001", "张明", "县财政局", "局长", "科级领导干部", "2020-01-01"),
    ("K0002", "李华", "县财政局", "副局长", "科级领导干部", "2020-01-01"),
    ("K0003", "王伟", "城关镇", "镇长", "科级领导干部", "2020-01-01", "2026-02-15"),   # left in February
    ("H0001", "赵强", "县教育局", "股长", "后备干部", "2020-01-01"),
]
FIRST, LAST = 6, 20          # the 15 item lines of the template (rows 6..20)


def excel_serial(day: dt.date) -> int:
    return (day - dt.date(1899, 12, 30)).days


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict:
    """Templates from the shipped rulebook (base) and from an edited copy (J6 = 2 points)."""
    base = tmp_path_factory.mktemp("template")
    b.roster(base / "input" / "干部名册.xlsx", ROSTER)
    old_rulebook = b.rulebook_points(base / "旧规则" / "rulebook.xlsx", {"J6": 2})
    procs = b.run_many([
        (base, ("template", "--month", MONTH), {}),
        (base, ("template", "--month", MONTH), {"output": base / "旧模板", "rulebook": old_rulebook}),
    ])
    for proc in procs:
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return {"base": base, "proc": procs[0], "folder": base / "output" / "申报模板" / MONTH,
            "old_folder": base / "旧模板" / "申报模板" / MONTH, "old_rulebook": old_rulebook}


def test_one_workbook_per_rostered_cadre(made):
    names = sorted(p.name for p in made["folder"].iterdir())
    assert names == ["H0001_赵强_2026-03.xlsx", "K0001_张明_2026-03.xlsx", "K0002_李华_2026-03.xlsx"]
    assert "3 份" in made["proc"].stdout


def test_fields_are_prefilled_and_locked(made):
    wb = openpyxl.load_workbook(made["folder"] / "K0002_李华_2026-03.xlsx")
    assert wb.sheetnames == ["积分申报表", "_模板信息"]
    ws = wb["积分申报表"]
    assert ws.protection.sheet is True
    fixed = {"A2": "干部编号", "B2": "K0002", "D2": "姓名", "E2": "李华", "F2": "单位", "G2": "县财政局",
             "A3": "申报月份", "B3": "2026年3月", "D3": "职务", "E3": "副局长"}
    for cell, value in fixed.items():
        assert ws[cell].value == value, cell
        assert ws[cell].protection.locked is True, cell
    assert [ws.cell(row=5, column=c).value for c in range(1, 11)] == b.DECL_HEADER
    for r in (FIRST, LAST):
        seq = ws.cell(row=r, column=1)
        assert seq.value == r - FIRST + 1 and seq.protection.locked
        for col in "BDEFGIJ":                                   # what the cadre types
            assert ws[f"{col}{r}"].protection.locked is False, f"{col}{r}"
        for col in "CH":                                        # lookups: locked formulas
            assert ws[f"{col}{r}"].protection.locked is True
            assert str(ws[f"{col}{r}"].value).startswith("=IF(")
            assert "VLOOKUP(B" in ws[f"{col}{r}"].value
    assert ws[f"H{FIRST}"].value.endswith(f"*G{FIRST},\"\"))")      # 申报分值 = points × 数量


def test_rows_can_be_inserted_and_a_continuation_marked(made):
    """More than 15 items: rows may be inserted in the protected sheet, or a second workbook
    marked 续表 handed in; the note says both."""
    path = made["folder"] / "K0001_张明_2026-03.xlsx"
    ws = openpyxl.load_workbook(path)["积分申报表"]
    assert ws.protection.insertRows is False and ws.protection.deleteRows is False   # False = allowed
    assert ws.protection.formatCells is True                                       # still protected
    assert (ws["H3"].value, ws["I3"].value) == ("续表", "否")
    assert ws["H3"].protection.locked is True and ws["I3"].protection.locked is False
    by_range = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert by_range["I3"].formula1 == '"否,是,2,3"'
    assert "插入行" in ws["A4"].value and "续表" in ws["A4"].value


def test_data_validations(made):
    ws = openpyxl.load_workbook(made["folder"] / "K0001_张明_2026-03.xlsx")["积分申报表"]
    by_range = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    codes = by_range[f"B{FIRST}:B{LAST}"]
    assert codes.type == "list"
    listed = codes.formula1.strip('"').split(",")
    assert "A1" not in listed and not [c for c in listed if c[0] in "ABCD"]
    assert listed[:4] == ["J1-1", "J1-2", "J1-3", "J1-4"]
    assert set(listed) == {f"J1-{i}" for i in range(1, 9)} | {
        "J2", "J3", "J4-1", "J4-2", "J4-3", "J5-1", "J5-2", "J5-3", "J6", "J7", "K1", "K2", "K3",
        "K4", "K5-1", "K5-2", "K5-3", "K6-1", "K6-2", "K6-3", "K6-4"}
    qty = by_range[f"G{FIRST}:G{LAST}"]
    assert qty.type == "whole" and (qty.formula1, qty.formula2) == ("1", "99")
    date = by_range[f"F{FIRST}:F{LAST}"]
    assert date.type == "date"
    assert int(date.formula2) == excel_serial(dt.date(2026, 3, 31))     # not after the month


def test_hidden_info_sheet_names_the_rulebook(made):
    wb = openpyxl.load_workbook(made["folder"] / "H0001_赵强_2026-03.xlsx")
    info = wb["_模板信息"]
    assert info.sheet_state == "hidden"
    pairs = {r[0]: r[1] for r in info.iter_rows(max_row=4, values_only=True)}
    assert pairs["规则文件SHA-256"] == hashlib.sha256(b.RULEBOOK.read_bytes()).hexdigest()
    assert pairs["申报月份"] == MONTH and pairs["干部编号"] == "H0001"
    old = openpyxl.load_workbook(made["old_folder"] / "H0001_赵强_2026-03.xlsx")["_模板信息"]
    old_pairs = {r[0]: r[1] for r in old.iter_rows(max_row=4, values_only=True)}
    assert old_pairs["规则文件SHA-256"] == hashlib.sha256(made["old_rulebook"].read_bytes()).hexdigest()


def test_print_setup_is_one_a4_portrait_page(made):
    ws = openpyxl.load_workbook(made["folder"] / "K0001_张明_2026-03.xlsx")["积分申报表"]
    assert int(ws.page_setup.paperSize) == 9
    assert ws.page_setup.orientation == "portrait"
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    # an absent fitToWidth / fitToHeight means 1
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight in (None, 1)
    assert "第 &P 页 共 &N 页" in ws.oddFooter.center.text


def fill(src: Path, dst: Path, lines: list[dict]) -> Path:
    """Fill a template with openpyxl, as a script would (formula results are not cached)."""
    wb = openpyxl.load_workbook(src)
    ws = wb["积分申报表"]
    for i, line in enumerate(lines):
        r = FIRST + i
        for col, value in line.items():
            ws[f"{col}{r}"] = value
    dst.parent.mkdir(parents=True, exist_ok=True)
    wb.save(dst)
    return dst


@pytest.fixture(scope="module")
def filled(made, tmp_path_factory) -> tuple:
    base = tmp_path_factory.mktemp("filled")
    shutil.copytree(made["base"] / "input", base / "input")
    fill(made["folder"] / "K0001_张明_2026-03.xlsx", base / "input" / "申报" / "K0001.xlsx", [
        {"B": "J1-4", "D": "获县级先进个人", "F": dt.datetime(2026, 3, 5), "G": 1, "I": "县委〔2026〕3号"},
        {"B": "J6", "D": "参加志愿服务两次", "F": dt.datetime(2026, 3, 12), "G": 2, "I": "活动照片"},
    ])
    # the evidence handed in beside it, named by 序号 as the template's note says
    (base / "input" / "申报" / "K0001_1.pdf").write_bytes(b"%PDF-1.4\n")
    (base / "input" / "申报" / "K0001_2.jpg").write_bytes(b"\xff\xd8\xff\xe0")
    fill(made["old_folder"] / "K0002_李华_2026-03.xlsx", base / "input" / "申报" / "K0002.xlsx", [
        {"B": "J6", "D": "结对帮扶困难家庭", "F": dt.datetime(2026, 3, 20), "G": 2, "I": "帮扶记录"},
    ])
    return base / "output", b.run_process(base)


def test_filled_template_items_await_review(filled):
    out, _ = filled
    rows = {r["事项ID"]: r for r in b.table(out / "台账" / "积分总台账_2026.xlsx", "积分明细")}
    mine = {iid: (r["项目代码"], r["数量"], r["行分值"], r["状态"]) for iid, r in rows.items()
            if r["状态"] != "无效"}
    assert mine == {"K0001-2026-03-1": ("J1-4", 1, 1, "待审核"),
                    "K0001-2026-03-2": ("J6", 2, 6, "待审核"),
                    "K0002-2026-03-1": ("J6", 2, 6, "待审核")}
    pending = b.table(out / "待审核" / "2026年积分事项待审核清单.xlsx", "待审核清单", key="事项ID")
    first = next(r for r in pending if r["事项ID"] == "K0001-2026-03-1")
    assert (first["姓名"], first["单位"], first["发生日期"], first["佐证材料"], first["校验提示"]) == (
        "张明", "县财政局", dt.datetime(2026, 3, 5), "县委〔2026〕3号；文件：K0001_1.pdf", None)   # nothing to say


def test_filled_template_reads_back_cleanly(filled):
    out, proc = filled
    report = b.problem_codes(out)
    assert [(p["单元格/行"], p["问题代码"]) for p in report if p["文件"] == "申报/K0001.xlsx"] == []
    balance = {r["项目"]: r["数量"] for r in b.table(out / "校验报告.xlsx", "数量核对", key="项目")}
    assert balance["读到的事项行"] == 3
    assert proc.returncode == 0, proc.stdout


def test_template_of_another_rulebook_is_a_warning_not_a_rejection(filled):
    out, _ = filled
    report = [p for p in b.problem_codes(out) if p["文件"] == "申报/K0002.xlsx"]
    old = [p for p in report if p["问题代码"] == "template-old-rulebook"]
    assert len(old) == 1 and old[0]["级别"] == "警告" and old[0]["干部编号"] == "K0002"
    assert not [p for p in report if p["级别"] == "错误" and p["单元格/行"] in ("", "B6", "G6", "F6")]
    rows = {r["事项ID"]: r for r in b.table(out / "台账" / "积分总台账_2026.xlsx", "积分明细")}
    row = rows["K0002-2026-03-1"]
    assert (row["状态"], row["行分值"]) == ("待审核", 6)        # valued by the current rulebook (3 × 2)
