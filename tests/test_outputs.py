"""Every output of a small run, opened and checked cell by cell (SPEC §5, §6).

The county (rulebook points: J1-3 = 2, K4 = 1, A1 = points deducted, J5-3 = 1 per article,
J1-4 = 1, J3 = 2), counted from the register without review:
    K0001 张明 县财政局 局长     01 J1-3 +2 · 02 K4 −1 · 04 J3 +2   (+ a declared J1-4 awaiting review)
    K0002 李华 县财政局 副局长   03 A1 −3 (declaration for 02 handed in, empty)
    K0003 王伟 城关镇 镇长       03 J5-3 ×2 +2
    K0004 陈静 城关镇 副镇长     nothing at all
    H0001 赵强 县教育局 股长 (后备干部)   02 J1-4 +1
    H0002 孙丽 县教育局 副股长 (后备干部) nothing
Months: K0001 01 = 102, 02 = 99, 03 = 100, 04 = 102; Q1 = 101, Q2 (截至4月) = 102, year = 103.
Q1 科级 group (N = 4, k = 1 each side): 王伟 102 (1, 先进), 张明 101 (2), 陈静 100 (3), 李华 97 (4, 末位).
后备 group: 赵强 101 (1, 先进), 孙丽 100 (2; never 末位 at the base score).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import builders as b
import docx
import openpyxl
import pandas as pd
import pytest
from docx.enum.text import WD_LINE_SPACING
from docx.oxml.ns import qn

INJECTED = '=HYPERLINK("http://x","y")'
ROSTER = [
    ("K0001", "张明", "县财政局", "局长", "科级领导干部", "2020-01-01"),
    ("K0002", "李华", "县财政局", "副局长", "科级领导干部", "2020-01-01"),
    ("K0003", "王伟", "城关镇", "镇长", "科级领导干部", "2020-01-01"),
    ("K0004", "陈静", "城关镇", "副镇长", "科级领导干部", "2020-01-01"),
    ("H0001", "赵强", "县教育局", "股长", "后备干部", "2020-01-01"),
    ("H0002", "孙丽", "县教育局", "副股长", "后备干部", "2020-01-01"),
]
IDS = [r[0] for r in ROSTER]
Q1_NOTICE = Path("季度通报") / "2026年第1季度积分情况通报.docx"
Q2_NOTICE = Path("季度通报") / "2026年第2季度积分情况通报（草稿，截至4月）.docx"   # April only: a draft
Q1_ATTACHMENT = Path("季度通报") / "2026年第1季度积分排名.xlsx"
Q2_ATTACHMENT = Path("季度通报") / "2026年第2季度积分排名（草稿，截至4月）.xlsx"
NOT_TABLES = {"数量核对", "计分参数", "运行信息", "说明", "分布图"}   # key/value or stacked sections, charts
LEDGERS = ("台账/2026/个人/", "台账/2026/单位/")


def build_county(base: Path) -> None:
    inp = base / "input"
    b.roster(inp / "干部名册.xlsx", ROSTER, title="干部名册")
    b.register(inp / "登记" / "2026年登记表.xlsx", [
        {"id": "DJ1", "cadre_id": "K0001", "name": "张明", "month": "2026-01", "code": "J1-3"},
        {"id": "DJ2", "cadre_id": "K0001", "name": "张明", "month": "2026-02", "code": "K4"},
        {"id": "DJ3", "cadre_id": "K0002", "name": "李华", "month": "2026-03", "code": "A1",
         "qty": 3},
        {"id": "DJ4", "cadre_id": "K0003", "name": "王伟", "month": "2026-03", "code": "J5-3",
         "qty": 2},
        {"id": "DJ5", "cadre_id": "H0001", "name": "赵强", "month": "2026-02", "code": "J1-4"},
        {"id": "DJ6", "cadre_id": "K0001", "name": "张明", "month": "2026-04", "code": "J3"},
    ])
    b.declaration(inp / "申报" / "K0001-2026-01.xlsx", "K0001", "张明", "2026-01",
                  [{"code": "J1-4", "qty": 1, "desc": INJECTED}])
    b.declaration(inp / "申报" / "K0002-2026-02.xlsx", "K0002", "李华", "2026-02", [])
    b.declaration(inp / "申报" / "无名.xlsx", "K9999", INJECTED, "2026-01", [{"code": "J6", "qty": 1}])
    for name in ("K0001-2026-01.xlsx", "无名.xlsx"):
        typed_as_text(inp / "申报" / name, INJECTED)


def typed_as_text(path: Path, value: str) -> None:
    """Make cells holding `value` text cells, as Excel stores what a cadre typed as '=…
    (openpyxl would otherwise write a string starting with = as a formula)."""
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.value == value:
                    c.data_type = "s"
                    c.quotePrefix = True
    wb.save(path)
    with zipfile.ZipFile(path) as z:
        sheets = "".join(z.read(n).decode("utf-8") for n in z.namelist()
                         if n.startswith("xl/worksheets/"))
    assert "<f>" not in sheets                                # an input with text, not a formula


@pytest.fixture(scope="module")
def county(tmp_path_factory) -> dict:
    """Three runs at once on the same input: output/, a second output for the reproducibility
    check, and output-dated/ with a rulebook whose 通报设置 sets the dates."""
    base = tmp_path_factory.mktemp("outputs")
    build_county(base)
    rulebook = b.rulebook_notices(base / "rulebook-dated.xlsx", [
        ("2026Q1", dt.date(2026, 4, 15), "云组通〔2026〕8号", None),
        ("2026Q2", "2026-05-12", None, "2026-05-30"),
    ])
    procs = b.run_many([(base, (), {}), (base, (), {"output": base / "output-again"}),
                        (base, (), {"output": base / "output-dated", "rulebook": rulebook})])
    for proc in procs:
        assert proc.returncode == 1, proc.stdout + proc.stderr    # one error: the unknown 干部编号
    return {"base": base, "out": base / "output", "again": base / "output-again",
            "dated": base / "output-dated", "proc": procs[0]}


def xlsx_files(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*.xlsx") if "申报模板" not in p.parts)


def rel(p: Path, out: Path) -> str:
    return p.relative_to(out).as_posix()


# --- every workbook: print setup, frozen header, filters --------------------------------------


def test_every_workbook_prints_on_a4_with_titles_and_page_footer(county):
    out = county["out"]
    files = xlsx_files(out)
    assert len(files) >= 14
    for path in files:
        wb = openpyxl.load_workbook(path)
        for ws in wb.worksheets:
            where = f"{rel(path, out)}!{ws.title}"
            assert int(ws.page_setup.paperSize) == 9, where
            assert "第 &P 页 共 &N 页" in (ws.oddFooter.center.text or ""), where
            header = "".join(h.text or "" for h in (ws.oddHeader.left, ws.oddHeader.center, ws.oddHeader.right))
            assert "程序版本" not in header and "SHA" not in header, where     # audit data, not for every page
            if ws.title not in NOT_TABLES - {"数量核对", "计分参数", "运行信息"}:
                assert ws.print_title_rows, where


def test_every_table_has_a_frozen_header_and_a_filter(county):
    out = county["out"]
    for path in xlsx_files(out):
        if rel(path, out).startswith(LEDGERS + ("积分档案/",)):
            continue                                   # printable forms, see the test below (and test_cadre_outputs)
        wb = openpyxl.load_workbook(path)
        for ws in wb.worksheets:
            if ws.title in {"分布图", "说明"}:
                continue
            where = f"{rel(path, out)}!{ws.title}"
            assert ws.freeze_panes, where
            header_row = int(re.match(r"[A-Z]+(\d+)", ws.freeze_panes).group(1)) - 1
            assert ws.print_title_rows.endswith(f"${header_row}"), where
            if ws.title not in NOT_TABLES:
                ref = ws.auto_filter.ref
                assert ref and ref.startswith(f"A{header_row}:"), where


def test_ledgers_freeze_their_item_header(county):
    out = county["out"]
    for path in xlsx_files(out):
        if rel(path, out).startswith(LEDGERS):
            for ws in openpyxl.load_workbook(path).worksheets:
                assert ws.freeze_panes == "A8", f"{rel(path, out)}!{ws.title}"


def test_no_formula_in_any_output_and_injected_text_stays_text(county):
    out = county["out"]
    for path in xlsx_files(out):
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    xml = z.read(name).decode("utf-8")
                    assert "<f>" not in xml and "<f " not in xml, f"{rel(path, out)}:{name}"
    ws = openpyxl.load_workbook(out / "台账" / "积分总台账_2026.xlsx")["积分明细"]
    cells = [c for row in ws.iter_rows() for c in row if c.value == INJECTED]
    assert len(cells) == 2                       # the unknown cadre's name and K0001's 事项说明
    assert all(c.data_type == "s" for c in cells)
    pending = openpyxl.load_workbook(out / "待审核" / "2026年积分事项待审核清单.xlsx")["待审核清单"]
    assert [c.data_type for row in pending.iter_rows() for c in row if c.value == INJECTED] == ["s"]


# --- personal and unit ledgers ----------------------------------------------------------------


def ledger_rows(path: Path) -> tuple:
    ws = openpyxl.load_workbook(path)["积分台账"]
    return ws, [list(r) for r in ws.iter_rows(values_only=True)]


def subtotals(rows) -> dict:
    return {r[0]: (r[5], r[6]) for r in rows
            if isinstance(r[0], str) and re.fullmatch(r"\d+月小计|第\d季度积分", r[0])}


def test_personal_ledger_for_every_cadre(county):
    folder = county["out"] / "台账" / "2026" / "个人"
    found = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.xlsx"))
    assert found == ["县教育局/H0001_赵强.xlsx", "县教育局/H0002_孙丽.xlsx", "县财政局/K0001_张明.xlsx",
                     "县财政局/K0002_李华.xlsx", "城关镇/K0003_王伟.xlsx", "城关镇/K0004_陈静.xlsx"]
    for path in folder.rglob("*.xlsx"):
        ws, _ = ledger_rows(path)
        assert ws.page_setup.orientation == "portrait" and int(ws.page_setup.paperSize) == 9


def test_personal_ledger_subtotals(county):
    ws, rows = ledger_rows(county["out"] / "台账" / "2026" / "个人" / "县财政局" / "K0001_张明.xlsx")
    assert (ws["B2"].value, ws["E2"].value, ws["B3"].value, ws["E3"].value, ws["B4"].value, ws["E4"].value) == (
        "K0001", "张明", "县财政局", "局长", "科级领导干部", "103（截至4月）")
    got = subtotals(rows)
    assert {k: v[0] for k, v in got.items()} == {
        "1月小计": 102, "2月小计": 99, "3月小计": 100, "第1季度积分": 101, "4月小计": 102, "第2季度积分": 102}
    assert got["1月小计"][1] == "加2" and got["2月小计"][1] == "扣1"
    assert got["第1季度积分"][1] == "加2，扣1，组内第 2 名"
    assert got["第2季度积分"][1] == "加2，组内第 1 名，先进（暂定）"      # Q2 has data up to April only
    order = [r[0] for r in rows if r[0] in got]
    assert order == ["1月小计", "2月小计", "3月小计", "第1季度积分", "4月小计", "第2季度积分"]
    items = [(r[0], r[1], r[5], r[6]) for r in rows if r[0] in ("2026-01", "2026-02", "2026-04")]
    assert items == [("2026-01", "J1-4", None, "待审核"), ("2026-01", "J1-3", 2, "计分"),
                     ("2026-02", "K4", 1, "计分"), ("2026-04", "J3", 2, "计分")]
    periods = {r[0]: r[1:5] for r in rows if r[0] in ("第1季度", "第2季度", "全年")}
    assert periods["第1季度"] == [100, 2, 1, 101]               # 基础分, 加分, 扣分, 积分
    assert periods["全年"] == [100, 4, 1, 103]
    bands = {r[0]: r[6] for r in rows if r[0] in ("第1季度", "第2季度", "全年")}
    assert bands["第1季度"] in (None, "") and bands["第2季度"] == "先进（暂定）"
    assert bands["全年"] in (None, "") or bands["全年"].endswith("（暂定）")


def test_personal_ledger_labels_and_values_fit_their_cells(county):
    from jifen.outputs.xlsx import lines_needed, text_width
    for path in (county["out"] / "台账" / "2026" / "个人").rglob("*.xlsx"):
        ws, _ = ledger_rows(path)
        width = {c: ws.column_dimensions[c].width for c in "ABCDEFGH"}
        merged = {str(m).split(":")[0]: str(m) for m in ws.merged_cells.ranges}
        for r in (2, 3, 4):
            for label, value in (("A", "B"), ("D", "E")):
                assert text_width(ws[f"{label}{r}"].value) <= int(width[label]) - 1, (path.name, label, r)
                first, last = merged[f"{value}{r}"].split(":")
                span = sum(int(width[chr(c)]) for c in range(ord(first[0]), ord(last[0]) + 1))
                height = ws.row_dimensions[r].height or 15
                assert 15 * lines_needed(ws[f"{value}{r}"].value, span) <= height + 0.5, (path.name, value, r)
        for row in ws.iter_rows():
            band = row[6]
            if row[0].value in ("第1季度", "第2季度", "第3季度", "第4季度", "全年") and band.value:   # 分期积分 等次
                lines = lines_needed(band.value, int(width["G"]))
                assert band.alignment.wrap_text and (ws.row_dimensions[band.row].height or 15) >= 13.5 * lines


def test_ledger_of_a_cadre_without_items(county):
    ws, rows = ledger_rows(county["out"] / "台账" / "2026" / "个人" / "城关镇" / "K0004_陈静.xlsx")
    assert ws["E4"].value == "100（截至4月）"
    assert {k: v[0] for k, v in subtotals(rows).items()} == {
        "1月小计": 100, "2月小计": 100, "3月小计": 100, "第1季度积分": 100, "4月小计": 100, "第2季度积分": 100}
    ws, rows = ledger_rows(county["out"] / "台账" / "2026" / "个人" / "县财政局" / "K0002_李华.xlsx")
    got = subtotals(rows)
    assert got["3月小计"] == (97, "基础扣3") and got["第1季度积分"][0] == 97
    assert "末位" in got["第1季度积分"][1]


def test_unit_ledger_has_one_sheet_per_cadre(county):
    folder = county["out"] / "台账" / "2026" / "单位"
    assert sorted(p.name for p in folder.iterdir()) == ["县教育局.xlsx", "县财政局.xlsx", "城关镇.xlsx"]
    wb = openpyxl.load_workbook(folder / "城关镇.xlsx")
    assert wb.sheetnames == ["K0003王伟", "K0004陈静"]
    assert wb["K0004陈静"]["E4"].value == "100（截至4月）" and wb["K0003王伟"]["E4"].value == "102（截至4月）"
    assert all(ws.page_setup.orientation == "portrait" for ws in wb.worksheets)


# --- monthly statistics, quarterly attachment -------------------------------------------------


def test_monthly_statistics_list_who_did_not_declare(county):
    folder = county["out"] / "月度统计"
    names = sorted(p.name for p in folder.iterdir())
    assert names == [f"2026-0{m}月度积分统计.xlsx" for m in range(1, 5)]
    missing = {m: [r["干部编号"] for r in b.table(folder / f"2026-0{m}月度积分统计.xlsx", "未交申报表名单")]
               for m in (1, 2)}
    assert sorted(missing[1]) == ["H0001", "H0002", "K0002", "K0003", "K0004"]
    # an empty declaration counts as handed in
    assert sorted(missing[2]) == ["H0001", "H0002", "K0001", "K0003", "K0004"]
    people = {r["干部编号"]: r for r in b.table(folder / "2026-03月度积分统计.xlsx", "人员统计")}
    assert (people["K0002"]["基础扣分"], people["K0002"]["月度积分"]) == (3, 97)
    assert (people["K0003"]["加分"], people["K0003"]["月度积分"]) == (2, 102)
    assert "K9999" not in people


def test_quarterly_attachment_columns_and_ranks(county):
    path = county["out"] / Q1_ATTACHMENT
    ws = openpyxl.load_workbook(path)["季度排名"]
    header = [c.value for c in ws[3]]
    assert header == ["排名分组", "名次", "干部编号", "姓名", "单位", "职务", "季度积分", "等次", "备注"]
    rows = b.table(path, "季度排名")
    got = [(r["排名分组"], r["名次"], r["干部编号"], r["季度积分"], r["等次"] or "") for r in rows]
    assert got == [("科级领导干部", 1, "K0003", 102, "先进"), ("科级领导干部", 2, "K0001", 101, ""),
                   ("科级领导干部", 3, "K0004", 100, ""), ("科级领导干部", 4, "K0002", 97, "末位"),
                   ("后备干部", 1, "H0001", 101, "先进"), ("后备干部", 2, "H0002", 100, "")]
    q2 = {r["干部编号"]: r for r in b.table(county["out"] / Q2_ATTACHMENT, "季度排名")}
    assert q2["K0001"]["等次"] == "先进" and "暂定" in q2["K0001"]["备注"]


# --- the notice (GB/T 9704) -------------------------------------------------------------------


def paragraphs(path: Path) -> list[str]:
    return [p.text for p in docx.Document(path).paragraphs if p.text]


def notice_text(path: Path) -> str:
    d = docx.Document(path)
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


def all_docx_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))


def east_asia(run) -> str | None:
    rpr = run._element.rPr
    fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


def test_notice_page_layout(county):
    d = docx.Document(county["out"] / Q1_NOTICE)
    sec = d.sections[0]
    assert abs(sec.page_width.mm - 210) < 0.5 and abs(sec.page_height.mm - 297) < 0.5
    margins = ((sec.top_margin, 37), (sec.bottom_margin, 35), (sec.left_margin, 28),
               (sec.right_margin, 26))
    for got, want in margins:
        assert abs(got.mm - want) < 0.5, (got.mm, want)
    assert d.settings.odd_and_even_pages_header_footer is True
    for footer in (sec.footer, sec.even_page_footer):
        xml = footer._element.xml
        assert "PAGE" in "".join(t.text or "" for t in footer._element.iter(qn("w:instrText"))), xml


def test_notice_fonts_and_line_spacing(county):
    d = docx.Document(county["out"] / Q1_NOTICE)
    title = next(p for p in d.paragraphs if p.text.startswith("关于"))
    assert title.text == "关于2026年第一季度全县科级领导干部日常积分情况的通报"
    runs = [r for r in title.runs if r.text]
    assert runs and all(r.font.size.pt == 22 and east_asia(r) == "方正小标宋简体" for r in runs)
    body = next(p for p in d.paragraphs if p.text.startswith("根据《"))
    assert body.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert abs(body.paragraph_format.line_spacing.pt - 28.95) < 0.01
    runs = [r for r in body.runs if r.text]
    assert runs and all(r.font.size.pt == 16 and east_asia(r) == "仿宋_GB2312" for r in runs)
    overview = next(p for p in d.paragraphs if p.text.startswith("本季度全县参加积分排名"))
    assert overview.text == ("本季度全县参加积分排名的科级领导干部共4人，平均积分100分，最高102分，最低97分。")
    runs = [r for r in overview.runs if r.text]
    assert all(r.font.size.pt == 16 and east_asia(r) == "仿宋_GB2312" for r in runs)


def test_notice_lists_names_without_ids_and_without_reserve_cadres(county):
    path = county["out"] / Q1_NOTICE
    text = notice_text(path)
    xml = all_docx_xml(path)
    for cid in IDS + ["K9999"]:
        assert cid not in xml, cid
    assert "王伟" in text and "李华" in text                    # 先进 and 末位 of the public group
    assert "赵强" not in text and "孙丽" not in text                # reserve cadres are internal
    assert "后备干部积分排名" not in text and "后备干部参加排名" not in text
    d = docx.Document(path)
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in d.tables]
    assert tables == [[["名次", "姓名", "单位", "职务", "积分"], ["1", "王伟", "城关镇", "镇长", "102"]],
                      [["名次", "姓名", "单位", "职务", "积分"], ["4", "李华", "县财政局", "副局长", "97"]]]


def test_notice_default_dates(county):
    text = notice_text(county["out"] / Q1_NOTICE)
    # the 10th day after 31 March
    assert paragraphs(county["out"] / Q1_NOTICE)[-2:] == ["中共云溪县委组织部", "2026年4月10日"]
    assert "请于2026年4月17日前向县委组织部提出书面申辩" in text  # + 7 days
    q2 = notice_text(county["out"] / Q2_NOTICE)
    assert paragraphs(county["out"] / Q2_NOTICE)[-1] == "2026年7月10日" and "请于2026年7月17日前" in q2


def test_notice_dates_from_the_rulebook(county):
    text = notice_text(county["dated"] / Q1_NOTICE)
    assert paragraphs(county["dated"] / Q1_NOTICE)[-1] == "2026年4月15日"
    assert "请于2026年4月22日前" in text                      # 申辩截止日期 blank: 发文日期 + 7
    q2 = notice_text(county["dated"] / Q2_NOTICE)
    assert paragraphs(county["dated"] / Q2_NOTICE)[-1] == "2026年5月12日" and "请于2026年5月30日前" in q2


def test_notice_shows_the_document_number_from_the_rulebook(county):
    assert "云组通〔2026〕8号" in notice_text(county["dated"] / Q1_NOTICE)


def test_incomplete_quarter_is_a_draft_titled_up_to_its_last_month(county):
    """April only: name, first line and title say 草稿, so it cannot pass for a formal notice."""
    assert Q2_NOTICE.name == "2026年第2季度积分情况通报（草稿，截至4月）.docx"
    d = docx.Document(county["out"] / Q2_NOTICE)
    assert d.paragraphs[0].text.startswith("草稿：本期尚不完整（材料截至4月），名次和等次为暂定，不得印发")
    title = next(p for p in d.paragraphs if p.text.startswith("关于"))
    assert title.text == "关于2026年第二季度（截至4月）全县科级领导干部日常积分情况的通报（草稿）"
    assert "暂定" in notice_text(county["out"] / Q2_NOTICE)
    ws = openpyxl.load_workbook(county["out"] / Q2_ATTACHMENT)["季度排名"]
    assert any("（通报附件，草稿）" in str(c.value) for row in ws.iter_rows(max_row=4) for c in row if c.value)
    complete = docx.Document(county["out"] / Q1_NOTICE)
    assert not any("草稿" in p.text for p in complete.paragraphs)
    assert not (county["out"] / "季度通报" / "2026年第2季度积分情况通报.docx").exists()


# --- reproducibility --------------------------------------------------------------------------


def digests(out: Path) -> dict:
    """Every output but the PDFs and the program's hidden bookkeeping files (.jifen-outputs.json,
    the run log: dot-files that record this run, not outputs for people)."""
    return {rel(p, out): hashlib.sha256(p.read_bytes()).hexdigest() for p in out.rglob("*")
            if p.is_file() and p.suffix != ".pdf"
            and not any(part.startswith(".") for part in p.relative_to(out).parts)}


def test_same_inputs_give_byte_identical_files(county):
    first, second = digests(county["out"]), digests(county["again"])
    assert len(first) >= 20 and any(k.endswith(".docx") for k in first)
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []


# --- the printed look, when LibreOffice is here --------------------------------------------


def test_notice_renders_to_pdf_and_png(county, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: the notice cannot be rendered")
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed: the PDF cannot be rasterised")
    src = tmp_path / "notice.docx"
    shutil.copy2(county["out"] / Q1_NOTICE, src)
    subprocess.run([soffice, "--headless", "--norestore",
                    f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(src)],
                   capture_output=True, timeout=180, check=False)
    pdf = tmp_path / "notice.pdf"
    assert pdf.exists() and pdf.read_bytes()[:5] == b"%PDF-"
    for kind in ("png", "gray"):
        subprocess.run(["pdftoppm", f"-{kind}", "-r", "40", "-f", "1", "-l", "1", str(pdf),
                        str(tmp_path / kind)], check=True, timeout=60)
    png = sorted(tmp_path.glob("png*.png"))
    assert png, "no PNG written"
    data = png[0].read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 3000
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert abs(width / height - 210 / 297) < 0.02                    # an A4 portrait page
    pgm = sorted(tmp_path.glob("gray*.pgm"))[0].read_bytes()
    pixels = pgm.split(b"\n", 3)[3]                  # P5, size, maxval, then the raster
    dark = sum(1 for v in pixels if v < 128)
    assert dark > 0.002 * len(pixels)                                # there is text on the page


def test_monthly_unit_statistics_add_up_the_people(county):
    path = county["out"] / "月度统计" / "2026-03月度积分统计.xlsx"
    people = b.table(path, "人员统计")
    units = {r["单位"]: r for r in b.table(path, "单位统计", key="单位")}
    assert sorted(units) == sorted({p["单位"] for p in people})
    for unit, row in units.items():
        mine = [p for p in people if p["单位"] == unit]
        assert row["在册人数"] == len(mine)
        assert row["已交申报表"] + row["未交申报表"] == len(mine)
        assert row["已交申报表"] == sum(p["申报表"] == "已交" for p in mine)
        assert row["加分合计"] == sum(p["加分"] for p in mine)
        assert row["扣分合计"] == sum(p["扣分"] + p["基础扣分"] for p in mine)
        assert row["平均月度积分"] == round(sum(p["月度积分"] for p in mine) / len(mine), 2)
    # by hand: 城关镇 has K0003 (+2 → 102) and K0004 (100)
    assert (units["城关镇"]["加分合计"], units["城关镇"]["平均月度积分"]) == (2, 101)


# --- units in roster order (县财政局, 城关镇, 县教育局), not by character code ---------------------

ROSTER_UNITS = ["县财政局", "城关镇", "县教育局"]


def in_order(values) -> list:
    return list(dict.fromkeys(v for v in values if v))


def test_units_listed_in_roster_order_everywhere(county):
    out = county["out"]
    assert sorted(ROSTER_UNITS) != ROSTER_UNITS                     # the test would see character order
    month = out / "月度统计" / "2026-03月度积分统计.xlsx"
    assert in_order(r["单位"] for r in b.table(month, "人员统计")) == ROSTER_UNITS
    assert in_order(r["单位"] for r in b.table(month, "单位统计", key="单位")) == ROSTER_UNITS
    assert in_order(r["单位"] for r in b.table(month, "未交申报表名单")) == ROSTER_UNITS
    annual = out / "年度排名" / "2026年度积分排名（草稿，截至4月）.xlsx"
    assert in_order(r["单位"] for r in b.table(annual, "单位统计", key="单位")) == ROSTER_UNITS
    review = out / "待审核" / "2026年积分事项待审核清单.xlsx"
    decided = in_order(r["单位"] for r in b.table(review, "已审核事项"))
    assert decided == [u for u in ROSTER_UNITS if u in decided] and len(decided) == 3


def test_unit_order_helper_follows_first_appearance():
    from jifen.rules import cadres
    roster = pd.DataFrame({"unit": ["乙局", "甲镇", "乙局", "丙办"], "file": ["b.xlsx", "a.xlsx", "a.xlsx", "a.xlsx"],
                           "row": [2, 5, 3, 9]})
    assert cadres.unit_order(roster) == {"乙局": 0, "甲镇": 1, "丙办": 2}    # a.xlsx rows 3, 5, 9, then b.xlsx
    df = pd.DataFrame({"单位": ["丙办", "未知单位", "乙局", "甲镇"], "n": [1, 2, 3, 4]})
    assert list(cadres.sort_by_unit(df, "单位", roster)["单位"]) == ["乙局", "甲镇", "丙办", "未知单位"]
