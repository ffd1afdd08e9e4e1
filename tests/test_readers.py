"""Readers (SPEC §4): workbooks as clerks and cadres really fill them → records with their origin.

Every test builds its workbook with openpyxl in tmp_path and calls `parse_file(path, rel)`;
assertions are on record values, problem codes and positions (file, sheet, cell), never on wording.
"""

import datetime as dt

import builders as b
import pytest

from jifen import problems
from jifen.readers import classify
from jifen.readers.inputs import parse_file, scan_inputs

HEADER = b.DECL_HEADER          # 序号 项目代码 项目名称 事项说明 同一事项标识 发生日期 数量 申报分值 佐证材料 备注
FOOTER = [["本人承诺以上申报内容真实准确。", None, None, "申报人签字："]]


def item_row(seq, code, desc="事项", qty=1, date=None, evidence="文件", **more):
    """One table row in the standard column order (HEADER)."""
    return [seq, code, more.get("name"), desc, more.get("matter"), date, qty, more.get("declared"),
            evidence, more.get("note")]


def decl_book(tmp_path, fields, items, *, before=(), between=([],), header=HEADER, footer=FOOTER,
              name="申报.xlsx", sheet="积分申报表", merges=None, hidden=()):
    """A declaration: a title (row 1), optional rows, the field rows, rows between, the table."""
    rows = [["日常积分申报表"], *before, *fields, *between, header, *items, [], *footer]
    path = b.workbook(tmp_path / name, {sheet: rows}, merges=merges or {sheet: ["A1:J1"]},
                      hidden=hidden)
    return parse_file(path, name)


def codes(parsed):
    return [p.code for p in parsed.problems]


def only(parsed, code):
    found = [p for p in parsed.problems if p.code == code]
    assert len(found) == 1, (code, [(p.code, p.cell) for p in parsed.problems])
    return found[0]


# --- labelled fields ------------------------------------------------------------------------

STD_FIELDS = [["干部编号", "K0001", "姓名", "张三", "单位", "县财政局"], ["申报月份", "2026-03"]]

LAYOUTS = {
    # value in the next cell
    "next-cell": (STD_FIELDS, {"干部编号": "B2", "姓名": "D2", "单位": "F2", "月份": "B3"}),
    # value after a gap of empty cells
    "gap": ([["干部编号", None, None, "K0001", None, "姓名", None, "张三"],
             ["单位", None, "县财政局", None, "申报月份", None, None, "2026-03"]],
            {"干部编号": "D2", "姓名": "H2", "单位": "C3", "月份": "H3"}),
    # labels ending in a full-width colon, value in the next cell
    "full-width-colon": ([["干部编号：", "K0001", "姓名：", "张三"], ["单位：", "县财政局", "申报月份：", "2026-03"]],
                         {"干部编号": "B2", "姓名": "D2", "单位": "B3", "月份": "D3"}),
    # label and value in one cell
    "in-cell": ([["干部编号：K0001", None, "姓名：张三", None, "单位：县财政局"], ["申报月份：2026-03"]],
                {"干部编号": "A2", "姓名": "C2", "单位": "E2", "月份": "A3"}),
    "in-cell-ascii-colon": ([["干部编号:K0001", "姓名: 张三", "单位:县财政局", "申报月份:2026-03"]],
                            {"干部编号": "A2", "姓名": "B2", "单位": "C2", "月份": "D2"}),
    # labels spaced for alignment, as Chinese forms often are
    "spaced-labels": ([["干部编号", "K0001", "姓　　名：", "张三"], ["单　　位", "县财政局", "申报月份", "2026-03"]],
                      {"干部编号": "B2", "姓名": "D2", "单位": "B3", "月份": "D3"}),
}


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_field_layouts(tmp_path, layout):
    fields, cells = LAYOUTS[layout]
    p = decl_book(tmp_path, fields, [item_row(1, "J1-4")])
    assert p.problems == []
    assert p.info.kinds == [classify.DECLARATION] and p.info.status == "已读取"
    (decl,) = p.declarations
    assert (decl["cadre_id"], decl["name"], decl["unit"], decl["month"]) == ("K0001", "张三", "县财政局", "2026-03")
    assert decl["cells"] == cells
    assert decl["file"] == "申报.xlsx" and decl["sheet"] == "积分申报表" and decl["n_items"] == 1
    (item,) = p.items
    assert (item["cadre_id"], item["name"], item["month"], item["code"]) == ("K0001", "张三", "2026-03", "J1-4")


def test_inserted_rows_and_merged_title(tmp_path):
    """Rows inserted above the fields and above the table, a title merged over two rows."""
    before = [[None], ["填表说明：本表由干部本人填写，每月一表。"], []]
    fields = [[None, "干部编号：", "K0001", None, "姓名：", "张三"], [None, "申报月份：", "2026年3月"]]
    between = [[], ["一、加分事项（对照积分规则填写）"], ["注：项目代码见积分规则"]]
    p = decl_book(tmp_path, fields, [item_row(1, "J1-4"), item_row(2, "J5-3", qty=2)],
                  before=before, between=between, merges={"积分申报表": ["A1:J2", "A3:J3"]})
    assert p.problems == []
    (decl,) = p.declarations
    # title row 1 + 3 inserted rows → fields at rows 5–6; then 3 rows → header at row 10
    assert decl["cells"] == {"干部编号": "C5", "姓名": "F5", "单位": "", "月份": "C6"}
    assert (decl["cadre_id"], decl["name"], decl["month"], decl["unit"]) == ("K0001", "张三", "2026-03", "")
    assert [(i["row"], i["seq"], i["code"], i["qty_raw"]) for i in p.items] == [
        (11, 1, "J1-4", 1), (12, 2, "J5-3", 2)]


def test_missing_field_label_reports_the_header(tmp_path):
    p = decl_book(tmp_path, [["姓名", "张三"], ["申报月份", "2026-03"]], [item_row(1, "J1-4")])
    prob = only(p, "missing-cadre-id")
    assert (prob.level, prob.file, prob.sheet, prob.cell) == (problems.ERROR, "申报.xlsx", "积分申报表", "表头")
    assert p.declarations[0]["cadre_id"] == "" and len(p.items) == 1


def test_empty_field_points_at_the_cell_to_fill(tmp_path):
    p = decl_book(tmp_path, [["干部编号"], ["姓名", "张三"], ["申报月份"]], [item_row(1, "J1-4")])
    assert only(p, "missing-cadre-id").cell == "B2"       # right of the label, where the value goes
    prob = only(p, "bad-month")
    assert (prob.level, prob.cell) == (problems.ERROR, "B4")
    assert p.declarations[0]["month"] is None


# --- IDs, names and months as typed -------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("Ｋ０００１", "K0001"),                 # full-width letters and digits
    ("k0001", "K0001"),                      # lower case
    (12345, "12345"),                        # typed as a number: no ".0"
    ("K0001\u200b", "K0001"),                # zero-width space
    ("\ufeffK0001", "K0001"),                # byte-order mark pasted from a web page
    ("\u00a0K0001\u3000", "K0001"),          # NBSP and ideographic space around
    ("K 0001", "K0001"),                     # a space typed inside
])
def test_cadre_id_forms(tmp_path, raw, expected):
    fields = [["干部编号", raw, "姓名", "张三"], ["申报月份", "2026-03"]]
    p = decl_book(tmp_path, fields, [item_row(1, "Ｊ１－４")])
    assert p.declarations[0]["cadre_id"] == expected
    assert p.items[0]["cadre_id"] == expected
    assert p.items[0]["code"] == "J1-4"      # full-width code folded too
    invisible = any(ch in str(raw) for ch in "\u200b\ufeff\u00a0\u3000")
    assert [(x.code, x.cell) for x in p.problems] == ([("invisible-characters", "B2")] if invisible else [])


@pytest.mark.parametrize("raw", ["张三", "张\u3000三", "\u200b张三\u00a0", "张 三", " 张三 "])
def test_name_forms(tmp_path, raw):
    fields = [["干部编号", "K0001", "姓名", raw], ["申报月份", "2026-03"]]
    p = decl_book(tmp_path, fields, [item_row(1, "J1-4")])
    assert p.declarations[0]["name"] == "张三" and p.items[0]["name"] == "张三"


@pytest.mark.parametrize("raw", [
    "2026年3月", "2026年03月份", "2026-03", "2026/3", "2026.3", "２０２６年３月", "2026 年 3 月",
    dt.date(2026, 3, 1), dt.datetime(2026, 3, 15), "2026/3/15", "2026-03-31",
])
def test_month_forms(tmp_path, raw):
    fields = [["干部编号", "K0001", "姓名", "张三"], ["申报月份", raw]]
    p = decl_book(tmp_path, fields, [item_row(1, "J1-4")])
    assert p.problems == []
    assert p.declarations[0]["month"] == "2026-03" and p.items[0]["month"] == "2026-03"


@pytest.mark.parametrize("raw", ["三月", "2026年13月", "2026-00", "26年3月", "下月"])
def test_unreadable_month(tmp_path, raw):
    fields = [["干部编号", "K0001", "姓名", "张三"], ["申报月份", raw]]
    p = decl_book(tmp_path, fields, [item_row(1, "J1-4")])
    prob = only(p, "bad-month")
    assert (prob.level, prob.file, prob.sheet, prob.cell, prob.cadre_id) == (
        problems.ERROR, "申报.xlsx", "积分申报表", "B3", "K0001")
    assert p.declarations[0]["month"] is None and p.declarations[0]["month_raw"] == raw


# --- the item table ---------------------------------------------------------------------------

def test_blank_rows_inside_the_table_and_origin(tmp_path):
    items = [item_row(1, "J1-4"), [], item_row(2, "J5-3", qty=2), [None] * 10, [], item_row(3, "K4")]
    p = decl_book(tmp_path, STD_FIELDS, items)
    # title, 2 field rows, 1 blank row → header at row 5, items from row 6
    assert [(i["row"], i["seq"], i["code"]) for i in p.items] == [(6, 1, "J1-4"), (8, 2, "J5-3"), (11, 3, "K4")]
    for i in p.items:
        assert (i["file"], i["sheet"], i["source"]) == ("申报.xlsx", "积分申报表", "申报")
        assert i["decl"] == "申报.xlsx|积分申报表"
        assert i["cols"] == {"序号": "A", "项目代码": "B", "项目名称": "C", "事项说明": "D", "同一事项标识": "E",
                             "发生日期": "F", "数量": "G", "申报分值": "H", "佐证材料": "I", "备注": "J"}
    assert p.declarations[0]["n_items"] == 3 and p.info.n_items == 3


def test_reordered_extra_and_spaced_columns(tmp_path):
    header = ["序号", "备注", "数 量", "所在科室", "项 目 代 码", "事项说明", "发生\n日期", "佐证", "同一事项", "申报\n分值"]
    items = [[1, "无", "2篇", "办公室", "J5-3", "市报刊发", dt.date(2026, 3, 5), "报纸", "宣传A", 2],
             [2, None, 1, "办公室", "j1-4", "县级表彰", "2026-03-08", None, None, None]]
    p = decl_book(tmp_path, STD_FIELDS, items, header=header)
    assert p.problems == []
    first, second = p.items
    assert first["cols"] == {"序号": "A", "备注": "B", "数量": "C", "项目代码": "E", "事项说明": "F",
                             "发生日期": "G", "佐证材料": "H", "同一事项标识": "I", "申报分值": "J"}
    assert (first["code"], first["qty_raw"], first["desc"], first["evidence"], first["matter"], first["note"]) == (
        "J5-3", "2篇", "市报刊发", "报纸", "宣传A", "无")
    assert first["date_raw"] in (dt.date(2026, 3, 5), dt.datetime(2026, 3, 5))
    assert first["declared_raw"] == 2
    assert (second["code"], second["qty_raw"], second["date_raw"], second["evidence"]) == ("J1-4", 1, "2026-03-08", "")
    assert [i["row"] for i in p.items] == [6, 7]


def test_header_found_by_synonyms(tmp_path):
    header = ["序号", "代码", "项目", "说明", "事项标识", "发生日期", "数量", "分值", "证明材料", "备注"]
    p = decl_book(tmp_path, STD_FIELDS, [item_row(1, "J6", desc="志愿服务", evidence="照片")], header=header)
    (item,) = p.items
    assert (item["code"], item["desc"], item["evidence"]) == ("J6", "志愿服务", "照片")
    assert set(item["cols"]) == set(HEADER)


def test_footer_lines_are_not_items(tmp_path):
    footer = [["本人承诺：以上申报内容真实准确，如有不实，愿承担相应责任。"],
              ["申报人（签字）：", None, None, "日期：2026年4月2日"],
              ["单位审核意见：", None, None, "审核人签名："]]
    p = decl_book(tmp_path, STD_FIELDS, [item_row(1, "J1-4"), item_row(2, "K4")], footer=footer)
    assert [i["code"] for i in p.items] == ["J1-4", "K4"]
    assert p.problems == []


def test_template_lines_with_only_seq_are_skipped(tmp_path):
    """The handed-out template pre-fills 序号 1..10 (and a 申报分值 formula that shows 0)."""
    items = [item_row(1, "J1-4"), item_row(2, "J5-3")] + [
        [n, None, None, None, None, None, None, 0 if n % 2 else None, None, None] for n in range(3, 11)]
    p = decl_book(tmp_path, STD_FIELDS, items)
    assert [(i["seq"], i["code"]) for i in p.items] == [(1, "J1-4"), (2, "J5-3")]
    assert p.declarations[0]["n_items"] == 2


def test_empty_declaration_has_no_items(tmp_path):
    p = decl_book(tmp_path, STD_FIELDS, [[n] for n in range(1, 6)])
    assert p.items == [] and p.declarations[0]["n_items"] == 0 and p.problems == []


@pytest.mark.parametrize("row, expected", [
    # 事项说明 only: kept, so the checks reject it with missing-code (never silently dropped)
    ([1, None, None, "参加防汛志愿服务", None, None, None, None, None, None], ("", "参加防汛志愿服务", None)),
    # 数量 only
    ([1, None, None, None, None, None, 2, None, None, None], ("", "", 2)),
    # 佐证材料 and 发生日期 only
    ([1, None, None, None, None, "2026-03-02", None, None, "照片", None], ("", "", None)),
])
def test_rows_with_content_but_no_code_are_kept(tmp_path, row, expected):
    p = decl_book(tmp_path, STD_FIELDS, [row])
    (item,) = p.items
    assert (item["code"], item["desc"], item["qty_raw"]) == expected
    assert (item["row"], item["seq"]) == (6, 1)


def test_missing_seq_numbers_follow_the_table(tmp_path):
    items = [item_row(None, "J1-4"), item_row("二", "J5-3"), item_row(7, "K4"), item_row("3.5", "K1")]
    p = decl_book(tmp_path, STD_FIELDS, items)
    assert [i["seq"] for i in p.items] == [1, 2, 7, 4]


def test_table_not_at_column_a(tmp_path):
    """A left margin column: the table and fields start in column B."""
    fields = [[None, "干部编号", "K0001", "姓名", "张三"], [None, "申报月份", "2026-03"]]
    header = [None, *HEADER]
    items = [[None, *item_row(1, "J1-4")]]
    footer = [[None, "本人承诺以上内容属实，签字："]]
    p = decl_book(tmp_path, fields, items, header=header, footer=footer)
    (item,) = p.items
    assert item["cols"]["项目代码"] == "C" and item["cols"]["数量"] == "H" and item["code"] == "J1-4"


def test_declaration_recognised_by_header_in_any_sheet_name(tmp_path):
    p = decl_book(tmp_path, STD_FIELDS, [item_row(1, "J1-4")], sheet="Sheet1", name="随便起的名字.xlsx")
    assert p.info.kinds == [classify.DECLARATION]
    assert p.items[0]["sheet"] == "Sheet1" and p.items[0]["file"] == "随便起的名字.xlsx"


def test_declaration_sheet_without_header(tmp_path):
    path = b.workbook(tmp_path / "坏表.xlsx", {"积分申报表": [["日常积分申报表"], ["干部编号", "K0001"], ["随便写的内容"]]})
    p = parse_file(path, "坏表.xlsx")
    prob = only(p, "header-not-found")
    assert (prob.level, prob.file, prob.sheet) == (problems.ERROR, "坏表.xlsx", "积分申报表")
    assert p.items == [] and p.declarations == []


# --- register -------------------------------------------------------------------------------

def test_register_with_id_column(tmp_path):
    rows = [["县委组织部积分登记表（2026年）"], [],
            ["登记编号", "干部编号", "姓名", "月份", "项目代码", "事项说明", "同一事项标识", "发生日期", "数量", "依据", "登记人"],
            ["DJ-001", "K0001", "张三", "2026年3月", "A1", "巡访发现", None, dt.date(2026, 3, 9), 2, "巡访记录", "赵敏"],
            [],
            [1002, 12345, "李四", dt.date(2026, 4, 1), "j1-3", "市级表彰", "防汛", "2026-04-03", 1, "市委文件", "赵敏"],
            [None, "K0002", "王五", "2026-04", "K4", "点名批评", None, None, 1, "会议纪要", "赵敏"]]
    path = b.workbook(tmp_path / "登记" / "组织部登记.xlsx", {"积分登记表": rows})
    p = parse_file(path, "登记/组织部登记.xlsx")
    assert p.info.kinds == [classify.REGISTER]
    prob = only(p, "register-missing-id")
    assert (prob.level, prob.file, prob.sheet, prob.cell, prob.row) == (
        problems.WARNING, "登记/组织部登记.xlsx", "积分登记表", "A7", 7)
    assert "register-no-id-column" not in codes(p)
    a, c, d = p.items
    assert (a["reg_id"], a["cadre_id"], a["month"], a["code"], a["qty_raw"], a["row"], a["source"]) == (
        "DJ-001", "K0001", "2026-03", "A1", 2, 4, "登记")
    assert (a["basis"], a["registrar"], a["desc"]) == ("巡访记录", "赵敏", "巡访发现")
    assert (c["reg_id"], c["cadre_id"], c["month"], c["code"], c["matter"], c["row"]) == (
        "1002", "12345", "2026-04", "J1-3", "防汛", 6)
    assert d["reg_id"] == "登记/组织部登记-7" and d["row"] == 7
    assert a["cols"] == {"登记编号": "A", "干部编号": "B", "姓名": "C", "月份": "D", "项目代码": "E", "事项说明": "F",
                         "同一事项标识": "G", "发生日期": "H", "数量": "I", "依据": "J", "登记人": "K"}
    assert all(i["file"] == "登记/组织部登记.xlsx" and i["sheet"] == "积分登记表" and i["decl"] == "" for i in p.items)


def test_register_without_id_column(tmp_path):
    rows = [["干部编号", "姓名", "月份", "项目代码", "事项说明", "数量"],
            ["K0001", "张三", "2026-02", "B2", "未参加组织生活", 1],
            ["K0002", "李四", "2026-02", "K4", "点名批评", 1]]
    path = b.workbook(tmp_path / "二月登记.xlsx", {"Sheet1": rows})
    p = parse_file(path, "二月登记.xlsx")
    prob = only(p, "register-no-id-column")
    assert (prob.level, prob.file, prob.sheet) == (problems.WARNING, "二月登记.xlsx", "Sheet1")
    assert [(i["reg_id"], i["row"]) for i in p.items] == [("二月登记-2", 2), ("二月登记-3", 3)]
    assert p.items[0]["cols"] == {"干部编号": "A", "姓名": "B", "月份": "C", "项目代码": "D", "事项说明": "E", "数量": "F"}


def test_register_bad_month_kept_for_the_checks(tmp_path):
    rows = [b.REG_HEADER, ["DJ1", "K0001", "张三", "三月份", "K4", "点名", None, None, 1, "纪要", "赵敏"]]
    p = parse_file(b.workbook(tmp_path / "r.xlsx", {"积分登记表": rows}), "r.xlsx")
    (item,) = p.items
    assert item["month"] is None and item["month_raw"] == "三月份"


# --- roster ---------------------------------------------------------------------------------

def test_roster_with_title_and_dated_rows(tmp_path):
    rows = [["云溪县科级领导干部和后备干部名册"], ["（截至2026年6月）"],
            ["序号", "干部编号", "姓名", "单位", "职务", "干部类别", "在册起始日期", "在册截止日期", "排名分组", "身份证号"],
            [1, "K0001", "张　三", "县财政局", "副局长", "科级领导干部", dt.date(2020, 1, 1), dt.date(2026, 4, 30)],
            [2, "K0001", "张三", "城关镇", "镇长", "科级领导干部", "2026-05-01", None],
            [],
            [3, "H0001", "李四", "县教育局", "股长", "后备干部", "2021/3/1", "2026年5月31日"],
            [4, "H0001", "李四", "县教育局", "副局长", "科级领导干部", "2026-06-01", None, "教育系统"],
            [5, 20001, "王五", "县水利局", "局长", "科 级 领 导 干 部"]]
    merges = {"干部名册": ["A1:J1"]}
    p = parse_file(b.workbook(tmp_path / "名册.xlsx", {"干部名册": rows}, merges=merges), "名册.xlsx")
    assert p.problems == [] and p.info.kinds == [classify.ROSTER]
    got = [(r["cadre_id"], r["name"], r["unit"], r["category"], r["group"], r["start"], r["end"], r["row"])
           for r in p.roster]
    assert got == [
        ("K0001", "张三", "县财政局", "科级领导干部", "科级领导干部", b.d("2020-01-01"), b.d("2026-04-30"), 4),
        ("K0001", "张三", "城关镇", "科级领导干部", "科级领导干部", b.d("2026-05-01"), None, 5),
        ("H0001", "李四", "县教育局", "后备干部", "后备干部", b.d("2021-03-01"), b.d("2026-05-31"), 7),
        ("H0001", "李四", "县教育局", "科级领导干部", "教育系统", b.d("2026-06-01"), None, 8),
        ("20001", "王五", "县水利局", "科级领导干部", "科级领导干部", None, None, 9),
    ]
    assert all((r["file"], r["sheet"]) == ("名册.xlsx", "干部名册") for r in p.roster)
    assert p.roster[0]["post"] == "副局长"


@pytest.mark.parametrize("row, code, cell", [
    (["K0009", "赵六", "县财政局", "局长", "科级干部"], "roster-bad-category", "E3"),
    ([None, "赵六", "县财政局", "局长", "科级领导干部"], "roster-missing-id", "A3"),
    (["K0009", "赵六", "县财政局", "局长", "科级领导干部", "去年"], "roster-bad-date", "F3"),
    (["K0009", "赵六", "县财政局", "局长", "科级领导干部", "2026-05-01", "2026-04-30"], "roster-bad-date", "G3"),
    (["450102199001011234", "赵六", "县财政局", "局长", "科级领导干部"], "roster-id-looks-like-idcard", "A3"),
])
def test_roster_row_problems(tmp_path, row, code, cell):
    header = ["干部编号", "姓名", "单位", "职务", "干部类别", "在册起始日期", "在册截止日期"]
    rows = [["干部名册"], header, row]
    p = parse_file(b.workbook(tmp_path / "名册.xlsx", {"干部名册": rows}), "名册.xlsx")
    prob = only(p, code)
    assert (prob.file, prob.sheet, prob.cell, prob.row) == ("名册.xlsx", "干部名册", cell, 3)


# --- whole workbooks ------------------------------------------------------------------------

def test_hidden_sheet_is_read_with_a_warning(tmp_path):
    decl = [["日常积分申报表"], *STD_FIELDS, [], HEADER, item_row(1, "J1-4")]
    path = b.workbook(tmp_path / "h.xlsx", {"说明": [["填表说明"]], "积分申报表": decl}, hidden=["积分申报表"])
    p = parse_file(path, "h.xlsx")
    prob = only(p, "hidden-sheet")
    assert (prob.level, prob.file, prob.sheet) == (problems.WARNING, "h.xlsx", "积分申报表")
    assert len(p.items) == 1 and p.info.status == "已读取"


def test_several_kinds_in_one_workbook(tmp_path):
    roster = [["干部编号", "姓名", "单位", "职务", "干部类别"], ["K0001", "张三", "县财政局", "局长", "科级领导干部"]]
    register = [b.REG_HEADER, ["DJ1", "K0001", "张三", "2026-03", "K4", "点名", None, None, 1, "纪要", "赵敏"]]
    decl = [["日常积分申报表"], *STD_FIELDS, [], HEADER, item_row(1, "J1-4")]
    path = b.workbook(tmp_path / "all.xlsx", {"干部名册": roster, "积分登记表": register, "积分申报表": decl,
                                              "备注": [["随手记"]]})
    p = parse_file(path, "all.xlsx")
    assert p.info.kinds == [classify.ROSTER, classify.REGISTER, classify.DECLARATION]
    assert len(p.roster) == 1 and len(p.declarations) == 1
    assert [(i["source"], i["sheet"], i["row"]) for i in p.items] == [("登记", "积分登记表", 2), ("申报", "积分申报表", 6)]
    assert p.problems == [] and p.info.n_items == 2


def test_unrecognised_workbook(tmp_path):
    path = b.workbook(tmp_path / "会议通知.xlsx", {"Sheet1": [["会议通知"], ["时间", "地点"], ["3月5日", "三楼"]]})
    p = parse_file(path, "会议通知.xlsx")
    prob = only(p, "unrecognised-workbook")
    assert (prob.level, prob.file) == (problems.WARNING, "会议通知.xlsx")
    assert p.info.status == "未识别" and p.info.kinds == [] and p.items == [] and p.roster == []


@pytest.mark.parametrize("content, code", [(b"this is a Word document, not a workbook", "text-renamed"),
                                           (b"", "empty-file"), (b"PK\x03\x04broken zip", "damaged-zip")])
def test_unreadable_file(tmp_path, content, code):
    path = tmp_path / "申报.xlsx"
    path.write_bytes(content)
    p = parse_file(path, "子目录/申报.xlsx")
    prob = only(p, code)
    assert (prob.level, prob.file) == (problems.ERROR, "子目录/申报.xlsx")
    assert p.info.status == "无法读取" and p.info.size == len(content) and len(p.info.sha256) == 64
    assert p.items == [] and p.declarations == []


def test_stray_value_far_right(tmp_path):
    """A value typed in a far column (range-too-large) does not stop the sheet being read."""
    rows = [b.REG_HEADER, ["DJ1", "K0001", "张三", "2026-03", "K4", "点名", None, None, 1, "纪要", "赵敏"]]
    path = b.workbook(tmp_path / "r.xlsx", {"积分登记表": rows})
    import openpyxl
    wb = openpyxl.load_workbook(path)
    wb["积分登记表"].cell(row=1, column=300, value="x")
    wb.save(path)
    p = parse_file(path, "r.xlsx")
    prob = only(p, "range-too-large")
    assert (prob.level, prob.file, prob.sheet) == (problems.WARNING, "r.xlsx", "积分登记表")
    (item,) = p.items
    assert (item["reg_id"], item["code"], item["row"]) == ("DJ1", "K4", 2)


def test_file_info_hash_and_size(tmp_path):
    p = decl_book(tmp_path, STD_FIELDS, [item_row(1, "J1-4")])
    data = (tmp_path / "申报.xlsx").read_bytes()
    import hashlib
    assert p.info.sha256 == hashlib.sha256(data).hexdigest()
    assert len(p.declarations[0]["sha256"]) == 64   # per sheet: two sheets are two declarations
    assert p.info.size == len(data) and p.info.path == "申报.xlsx"


# --- scanning input/ ------------------------------------------------------------------------

def test_scan_inputs_skips_lock_and_non_workbook_files(tmp_path):
    inp = tmp_path / "input"
    for rel in ["名册.xlsx", "申报/2026-03/K0002.xlsx", "申报/2026-03/K0001.xlsx", "申报/2026-03/~$K0001.xlsx",
                "申报/2026-02/K0001.XLSX", "佐证/照片.jpg", "说明.txt", "登记/旧格式.xls", "~$名册.xlsx",
                "佐证/表彰文件.pdf", "审核结论/2026年3月待审核清单.xlsm"]:
        (inp / rel).parent.mkdir(parents=True, exist_ok=True)
        (inp / rel).write_bytes(b"x")
    paths, skipped = scan_inputs(inp)
    assert [p.relative_to(inp).as_posix() for p in paths] == [
        "名册.xlsx", "审核结论/2026年3月待审核清单.xlsm", "申报/2026-02/K0001.XLSX", "申报/2026-03/K0001.xlsx",
        "申报/2026-03/K0002.xlsx", "登记/旧格式.xls"]
    assert [s.path for s in skipped] == ["~$名册.xlsx", "佐证/照片.jpg", "佐证/表彰文件.pdf", "申报/2026-03/~$K0001.xlsx",
                                         "说明.txt"]
    assert all(s.status == "跳过" and s.note and s.size == 1 for s in skipped)
    lock = {s.path: s.note for s in skipped}
    assert lock["~$名册.xlsx"] == lock["申报/2026-03/~$K0001.xlsx"] != lock["说明.txt"] == lock["佐证/照片.jpg"]


def test_scan_inputs_order_is_stable(tmp_path):
    inp = tmp_path / "input"
    names = ["b/2.xlsx", "a/10.xlsx", "a/9.xlsx", "a.xlsx", "a/b/1.xlsx", "B.xlsx"]
    for rel in reversed(names):
        (inp / rel).parent.mkdir(parents=True, exist_ok=True)
        (inp / rel).write_bytes(b"x")
    first = [p.relative_to(inp).as_posix() for p in scan_inputs(inp)[0]]
    assert first == sorted(names)
    assert first == [p.relative_to(inp).as_posix() for p in scan_inputs(inp)[0]]


# --- regressions of bugs found while writing these tests --------------------------------------

def test_item_mentioning_a_footer_word_does_not_end_the_table(tmp_path):
    items = [item_row(1, "J1-4"), item_row(2, None, desc="参加承诺践诺活动", qty=None), item_row(3, "K4")]
    p = decl_book(tmp_path, STD_FIELDS, items)
    assert [(i["row"], i["code"]) for i in p.items] == [(6, "J1-4"), (7, ""), (8, "K4")]


def test_repeated_header_row_is_not_an_item(tmp_path):
    items = [item_row(1, "J1-4"), ["二、扣分事项"], HEADER, item_row(1, "K4")]
    p = decl_book(tmp_path, STD_FIELDS, items)
    assert [(i["row"], i["code"]) for i in p.items] == [(6, "J1-4"), (9, "K4")]


def test_register_notes_under_the_table_are_not_items(tmp_path):
    rows = [["干部编号", "姓名", "月份", "项目代码", "事项说明", "数量"], ["K0001", "张三", "2026-02", "K4", "点名", 1], [],
            ["制表人：赵敏", None, None, "审核人：李强"], ["注：本表每月报送一次。"]]
    p = parse_file(b.workbook(tmp_path / "r.xlsx", {"积分登记表": rows}), "r.xlsx")
    assert [(i["row"], i["cadre_id"]) for i in p.items] == [(2, "K0001")]
