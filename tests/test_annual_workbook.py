"""年度排名/YYYY年度积分排名.xlsx (SPEC §5, §3.4 ties and bands), read back with openpyxl.

One county, run through process.py for the complete year 2026:
- 科级领导干部: 20 ranked cadres (k_top 3, k_bottom 1): C01 112, C02 108, C03 and C04 tie at
  104 on the 先进 boundary, C05..C18 at 100, C19 and C20 tie at 92 on the 末位 boundary;
  L01 joined in September (4 months < 6): listed without a rank.
- 后备干部: H99 112 (先进), H01 104, H02 100 — the bottom at exactly 100 is never 末位.
- 乡镇组 (roster column 排名分组): Z01..Z03 all at 96 — no 先进 and no 末位.
"""

import hashlib
import re
import zipfile

import builders as b
import openpyxl
import pytest

from jifen.outputs.xlsx import lines_needed, text_width
from jifen.rules import periods

SHEETS = ["年度排名", "先进人员", "末位人员", "季度汇总", "结果运用", "单位统计", "分布图", "说明"]
TABLE_SHEETS = ["年度排名", "先进人员", "末位人员", "季度汇总", "结果运用", "单位统计"]
COLUMNS = ["排名分组", "名次", "干部编号", "姓名", "单位", "职务", "基础分", "加分", "扣分", "年度积分", "等次",
           "一季度名次", "二季度名次", "三季度名次", "四季度名次", "备注"]
QUARTER_RANKS = ["一季度名次", "二季度名次", "三季度名次", "四季度名次"]
EVERY_Q = [f"2026Q{q}" for q in range(1, 5)]

ROSTER = b.cadre_group() + [
    ("L01", "干部L01", "县林业局", "局长", b.KE_GROUP, "2026-09-01"),
    ("H01", "干部H01", "县教育局", "股长", b.HOU_GROUP, "2020-01-01"),
    ("H02", "干部H02", "县卫健局", "股长", b.HOU_GROUP, "2020-01-01"),
] + [(f"Z0{i}", f"干部Z0{i}", "城关镇", "镇长", b.KE_GROUP, "2020-01-01", None, "乡镇组") for i in (1, 2, 3)]
PLAN = {"C04": {q: 1 for q in EVERY_Q}, "C19": {q: -2 for q in EVERY_Q}, "C20": {q: -2 for q in EVERY_Q},
        "H01": {q: 1 for q in EVERY_Q}, **{f"Z0{i}": {q: -1 for q in EVERY_Q} for i in (1, 2, 3)}}


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    root = tmp_path_factory.mktemp("annual")
    b.scored_county(root, PLAN, periods.month_keys(2026), roster_rows=ROSTER)
    proc = b.run_process(root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    path = root / "output" / "年度排名" / "2026年度积分排名.xlsx"
    assert path.exists()
    return root, path


@pytest.fixture(scope="module")
def book(county):
    wb = openpyxl.load_workbook(county[1])
    yield wb
    wb.close()


@pytest.fixture(scope="module")
def annual(county):
    return b.table(county[1], "年度排名")


def by_id(rows) -> dict:
    return {r["干部编号"]: r for r in rows}


def band(row) -> str:
    return row["等次"] or ""


# --- structure --------------------------------------------------------------------------------

def test_sheet_names_and_order(book):
    assert book.sheetnames == SHEETS


def test_annual_sheet_has_exactly_the_spec_columns(book):
    ws = book["年度排名"]
    assert [c.value for c in ws[3]] == COLUMNS
    assert "内部资料" in ws["A2"].value and "2026年度" in ws["A1"].value


def test_band_and_rank_cells_hold_only_allowed_values(annual):
    assert len(annual) == 27
    assert {band(r) for r in annual} == {"先进", "末位", ""}
    for r in annual:
        for col in ["名次"] + QUARTER_RANKS:
            assert r[col] is None or (type(r[col]) is int and r[col] >= 1), (r["干部编号"], col, r[col])
    assert all(isinstance(r[c], (int, float)) for r in annual for c in ("基础分", "加分", "扣分", "年度积分"))


def test_rows_in_group_order_ranked_first(annual):
    groups = [r["排名分组"] for r in annual]
    assert groups == [b.KE_GROUP] * 21 + [b.HOU_GROUP] * 3 + ["乡镇组"] * 3
    ke = [r for r in annual if r["排名分组"] == b.KE_GROUP]
    assert [r["干部编号"] for r in ke[:4]] == ["C01", "C02", "C03", "C04"]
    assert ke[-1]["干部编号"] == "L01" and ke[-1]["名次"] is None
    assert [r["名次"] for r in ke[:-1]] == [1, 2, 3, 3] + [5] * 14 + [19, 19]


def test_scores_and_quarter_ranks(annual):
    rows = by_id(annual)
    c01, c19 = rows["C01"], rows["C19"]
    assert (c01["基础分"], c01["加分"], c01["扣分"], c01["年度积分"]) == (100, 12, 0, 112)
    assert [c01[c] for c in QUARTER_RANKS] == [1, 1, 1, 1]
    assert (c19["基础分"], c19["加分"], c19["扣分"], c19["年度积分"]) == (92, 0, 0, 92)
    assert [c19[c] for c in QUARTER_RANKS] == [19, 19, 20, 20]      # tied with C20; L01 joins in Q3
    late = rows["L01"]
    assert band(late) == "" and "在册不满6个月" in late["备注"]
    assert [late[c] for c in QUARTER_RANKS] == [None, None, 5, 5]     # ranked in Q3 and Q4 (21 cadres)


# --- ties, all-equal groups and the 100 line ---------------------------------------------------

def test_tie_on_the_top_boundary_is_included_whole(annual, county):
    rows = by_id(annual)
    assert [band(rows[c]) for c in ("C01", "C02", "C03", "C04", "C05")] == ["先进"] * 4 + [""]
    assert rows["C03"]["备注"] == rows["C04"]["备注"] == "并列超额（先进名额 3 人）"
    assert rows["C01"]["备注"] in (None, "")
    assert [r["干部编号"] for r in b.table(county[1], "先进人员")] == ["C01", "C02", "C03", "C04", "H99"]


def test_tie_on_the_bottom_boundary_is_included_whole(annual, county):
    rows = by_id(annual)
    assert band(rows["C19"]) == band(rows["C20"]) == "末位"
    assert rows["C19"]["备注"] == rows["C20"]["备注"] == "并列超额（末位名额 1 人）"
    assert band(rows["C18"]) == ""
    assert [r["干部编号"] for r in b.table(county[1], "末位人员")] == ["C19", "C20"]


def test_group_entirely_tied_has_no_bands(annual):
    town = [r for r in annual if r["排名分组"] == "乡镇组"]
    assert [(r["名次"], r["年度积分"], band(r)) for r in town] == [(1, 96, "")] * 3
    assert all("全组积分相同" in r["备注"] for r in town)


def test_bottom_at_exactly_100_is_never_bottom(annual):
    hou = {r["干部编号"]: r for r in annual if r["排名分组"] == b.HOU_GROUP}
    assert [(hou[c]["名次"], hou[c]["年度积分"], band(hou[c])) for c in ("H99", "H01", "H02")] == [
        (1, 112, "先进"), (2, 104, ""), (3, 100, "")]


def test_results_sheet(county):
    used = [(r["干部编号"], r["姓名"], r["结果"]) for r in b.table(county[1], "结果运用")]
    assert used == [("C01", "干部C01", "优先考虑"), ("C02", "干部C02", "优先考虑"), ("C03", "干部C03", "优先考虑"),
                    ("C04", "干部C04", "优先考虑"), ("H99", "填充员", "优先考虑"),
                    ("C19", "干部C19", "组织约谈"), ("C20", "干部C20", "组织约谈"),
                    ("C19", "干部C19", "当年不得评先评优"), ("C20", "干部C20", "当年不得评先评优")]
    basis = {(r["干部编号"], r["结果"]): r["依据"] for r in b.table(county[1], "结果运用")}
    assert basis[("C19", "组织约谈")] == "2026年第1、2、3季度连续排在后5%"
    assert basis[("C01", "优先考虑")].startswith("2026年第1、2、3、4季度均排在前15%")


# --- formatting and print setup -----------------------------------------------------------------

def test_top_and_bottom_rows_are_coloured(book, annual):
    ws = book["年度排名"]
    first = {ws.cell(r, 3).value: r for r in range(4, ws.max_row + 1)}

    def fill(cid):
        cells = [ws.cell(first[cid], c) for c in range(1, len(COLUMNS) + 1)]
        colours = {(c.fill.fill_type, c.fill.fgColor.rgb) for c in cells}
        assert len(colours) == 1, (cid, colours)             # the whole row, one colour
        return colours.pop()

    top, low, plain = fill("C01"), fill("C19"), fill("C05")
    assert top[0] == low[0] == "solid" and plain[0] is None
    assert len({top, low, plain}) == 3
    assert fill("C04") == top and fill("H99") == top and fill("C20") == low
    assert fill("H02") == plain and fill("Z01") == plain and fill("L01") == plain


def test_table_sheets_have_frozen_header_and_filter(book):
    for name in TABLE_SHEETS:
        ws = book[name]
        assert ws.freeze_panes == "A4", name                 # title, subtitle, header
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A3:"), name
        assert ws.print_title_rows == "$3:$3", name          # the page header carries the title
    assert book["年度排名"].auto_filter.ref == f"A3:P{3 + 27}"


def test_every_sheet_prints_a4_one_page_wide_with_page_numbers(book):
    for ws in book.worksheets:
        ps = ws.page_setup
        assert ps.orientation == ("portrait" if ws.title == "说明" else "landscape"), ws.title
        assert int(ps.paperSize) == 9, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert (ps.fitToWidth or 1) == 1 and int(ps.fitToHeight) == 0, ws.title    # 1 is the default
        assert ws.oddFooter.center.text == "第 &P 页 共 &N 页", ws.title
        assert ws.oddHeader.left.text == "内部资料 注意保密", ws.title
        assert ws.oddHeader.center.text == "2026年度积分排名", ws.title


def test_page_headers_and_titles_carry_no_version_or_fingerprint(book):
    for ws in book.worksheets:
        header = "".join(part.text or "" for part in (ws.oddHeader.left, ws.oddHeader.center, ws.oddHeader.right))
        assert "程序版本" not in header and "SHA" not in header, ws.title
        if ws.title != "说明":
            for row in ws.iter_rows(min_row=1, max_row=3, values_only=True):
                assert not any(re.search(r"[0-9a-f]{12}|程序版本 \d", str(v)) for v in row if v), ws.title


def print_scale(ws) -> float:
    """The scale at which fit-to-width prints the sheet: column widths as stored (characters of the
    default font including padding, 7 px each at 96 dpi) against the A4 width inside the margins."""
    landscape = ws.page_setup.orientation == "landscape"
    paper_mm = 297 if landscape else 210
    printable = paper_mm - 25.4 * (ws.page_margins.left + ws.page_margins.right)
    used = max(cell.column for row in ws.iter_rows() for cell in row if cell.value is not None)
    width = {}
    for dim in ws.column_dimensions.values():          # openpyxl groups equal neighbours (min..max)
        for c in range(dim.min, dim.max + 1):
            width[c] = dim.width
    total_mm = sum(round(7 * width.get(c, 8.43)) for c in range(1, used + 1)) * 25.4 / 96
    return min(1.0, printable / total_mm)


def test_tables_print_at_nine_points_or_more(book):
    for name in TABLE_SHEETS + ["说明"]:
        ws = book[name]
        sizes = {c.font.sz for row in ws.iter_rows(min_row=3) for c in row if c.value is not None}
        assert min(sizes) == 10, (name, sizes)                 # body 10 pt, titles larger
        assert 10 * print_scale(ws) >= 9, (name, print_scale(ws))


def test_quarter_summary_headers_wrap_in_narrow_columns(book):
    ws = book["季度汇总"]
    head = [c.value for c in ws[3]]
    assert head[4:7] == ["一季度积分", "一季度名次", "一季度等次"] and ws.cell(3, 5).alignment.wrap_text
    assert ws.row_dimensions[3].height >= 2 * 13.5               # two lines of header


def test_distribution_sheet_holds_native_charts(county):
    with zipfile.ZipFile(county[1]) as z:
        names = set(z.namelist())
        assert {"xl/charts/chart1.xml", "xl/charts/chart2.xml"} <= names
        assert "<c:barChart>" in z.read("xl/charts/chart1.xml").decode("utf-8")
        assert "<c:lineChart>" in z.read("xl/charts/chart2.xml").decode("utf-8")
        rels = z.read("xl/worksheets/_rels/sheet7.xml.rels").decode("utf-8")       # 7th sheet: 分布图
        assert "drawing1.xml" in rels


def test_notes_sheet_names_version_and_rulebook_and_points_to_the_manifest(county, book):
    root, path = county
    ws = book["说明"]
    cells = [v for row in ws.iter_rows(values_only=True) for v in row if v is not None]
    assert hashlib.sha256(b.RULEBOOK.read_bytes()).hexdigest() in cells
    assert "程序版本" in cells
    rows = {r[0]: r[1] for r in ws.iter_rows(values_only=True) if r[0]}
    assert rows["输入文件"].startswith("共 2 个") and "运行清单.xlsx" in rows["输入文件"]
    assert not any(str(v).endswith(".xlsx") and "/" in str(v) for v in cells)         # no file list here
    assert ws.max_row <= 40                                                          # one portrait page
    params = b.table(path, "说明", key="参数")
    assert {"基础分", "先进比例", "末位比例"} <= {r["参数"] for r in params}
    widths = [int(ws.column_dimensions[c].width) for c in "ABC"]
    assert widths == [18, 22, 52]
    first = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "参数") + 1
    for r in range(first, first + len(params)):          # names on one line, values and notes fit their rows
        name, value, note = (ws.cell(r, c).value for c in (1, 2, 3))
        assert text_width(name) <= widths[0] - 1, name
        lines = max(lines_needed(value, widths[1]), lines_needed(note, widths[2]))
        height = ws.row_dimensions[r].height or 13.5
        assert height >= 13.5 * lines, (name, value, height)
        assert ws.cell(r, 2).alignment.wrap_text and ws.cell(r, 3).alignment.wrap_text
    manifest = {r["文件"]: r["SHA-256"] for r in b.table(root / "output" / "运行清单.xlsx", "输入文件", key="SHA-256")}
    inputs = {p.relative_to(root / "input").as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
              for p in (root / "input").rglob("*") if p.is_file()}
    assert manifest == inputs and len(inputs) == 2
