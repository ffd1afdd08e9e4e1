"""个人积分告知单 and 积分档案 (issue 16): a hand-computed cadre's page and archive, warnings, and no
page shows another cadre's data.

County: tests/builders.scored_county (C01..C20 in 科级领导干部, C01–C03 +3/+2/+1, the rest at
100; H99 alone in 后备干部), months 2026-01..03 (Q1 complete, the year not), plus a register:
    C20  01 B2 ×8 (deduct 8), J1-4 matter M1 (+1) · 02 B2 ×4 (deduct 4), J1-3 matter M1 (+2), J3 (+2)
         03 K4 (−1)
    → B2 12 recorded, capped at 10; M1 counts 1 then +1 (the increase); Q1 = 100 − 10 + 4 − 1 = 93,
      rank 20 of 20, 末位.
    C19  01 A1 ×6.5 → 93.5, 0.5 above the 末位 boundary (93): 预警 接近末位.
History (历年结果): C20 annual 末位 in 2024 (19th) and 2025 (20th), 末位 in 2025 Q3 and Q4; so at 2026Q1
C20 reaches three 末位 quarters (组织约谈, no two-quarter warning) and is warned as 末位 last year and
so far this year (the year before too: 调整岗位或降职).
"""
from __future__ import annotations

from pathlib import Path

import builders as b
import docx
import openpyxl
import pytest
from test_word_documents import assert_chinese_word_document

from jifen.outputs import docx_render
from jifen.pipeline_paths import TEMPLATES

MONTHS = ["2026-01", "2026-02", "2026-03"]
REGISTER = [
    {"id": "T01", "cadre_id": "C20", "month": "2026-01", "code": "B2", "qty": 8},
    {"id": "T02", "cadre_id": "C20", "month": "2026-01", "code": "J1-4", "qty": 1, "matter": "M1"},
    {"id": "T03", "cadre_id": "C20", "month": "2026-02", "code": "B2", "qty": 4},
    {"id": "T04", "cadre_id": "C20", "month": "2026-02", "code": "J1-3", "qty": 1, "matter": "M1"},
    {"id": "T05", "cadre_id": "C20", "month": "2026-02", "code": "J3", "qty": 1},
    {"id": "T06", "cadre_id": "C20", "month": "2026-03", "code": "K4", "qty": 1},
    {"id": "T07", "cadre_id": "C19", "month": "2026-01", "code": "A1", "qty": 6.5},
]


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    root = tmp_path_factory.mktemp("letters")
    inp = b.scored_county(root, {}, MONTHS, history_years=[(2024, "C20", "干部C20", 19, "末位"),
                                                            (2025, "C20", "干部C20", 20, "末位")],
                          history_quarters=[(2025, 3, "C20", "末位"), (2025, 4, "C20", "末位")])
    b.register(inp / "登记表2.xlsx", [{**r, "name": f"干部{r['cadre_id']}"} for r in REGISTER])
    res = b.pipeline_run(root, write=True)
    assert not res.fatal
    return root, res


def pages(path: Path) -> list[str]:
    """The text of each cadre's page (paragraphs and table cells in document order)."""
    d = docx.Document(str(path))
    out, current = [], None
    for el in d.element.body.iterchildren():
        if el.tag.endswith("}tbl"):
            text = " | ".join("".join(t.text or "" for t in tc.iter(docx.oxml.ns.qn("w:t")))
                              for tc in el.iter(docx.oxml.ns.qn("w:tc")))
        else:
            text = "".join(t.text or "" for t in el.iter(docx.oxml.ns.qn("w:t")))
        if text == "干部日常积分告知单":
            current = []
            out.append(current)
        if current is not None:
            current.append(text)
    return ["\n".join(p) for p in out]


def table_rows(path: Path, cadre_id: str) -> list[list[str]]:
    d = docx.Document(str(path))
    body = list(d.element.body.iterchildren())
    mine = False
    for el in body:
        text = "".join(t.text or "" for t in el.iter(docx.oxml.ns.qn("w:t")))
        if el.tag.endswith("}p") and "同志（干部编号" in text:
            mine = f"干部编号 {cadre_id}，" in text
        if mine and el.tag.endswith("}tbl"):
            return [["".join(t.text or "" for t in tc.iter(docx.oxml.ns.qn("w:t"))) for tc in tr.iter(
                docx.oxml.ns.qn("w:tc"))] for tr in el.iter(docx.oxml.ns.qn("w:tr"))]
    return []


def test_hand_computed_page(county):
    root, _ = county
    path = root / "output" / "告知单" / "2026年第1季度" / "县财政局.docx"
    page = next(p for p in pages(path) if "干部编号 C20，" in p)
    assert "（2026年第一季度）" in page
    assert "干部C20同志（干部编号 C20，县财政局 局长）：" in page
    assert "本季度积分 93 分 = 基础分 90 分（100 分扣减 10 分）+ 奖励加分 4 分 − 惩戒扣分 1 分。" in page
    assert "在科级领导干部中排第 20 名（共 20 人），等次：末位。" in page
    assert ("如对以上积分或排名有异议，请于2026年4月17日前向县委组织部提出书面申辩，并提供相关佐证材料。"
            "逾期未提出的，视为无异议。") in page
    assert "中共云溪县委组织部" in page and "2026年4月10日" in page
    assert "本人已知悉以上积分情况" in page and "签名：" in page and "日期：" in page
    rows = table_rows(path, "C20")
    assert rows[0] == ["类别", "项目", "项数", "原分值", "计入", "未计入", "说明"]
    got = [(r[0], r[1].split(" ")[0], r[2], r[3], r[4], r[5], r[6]) for r in rows[1:]]
    assert got == [
        ("基础扣分", "B2", "2", "12", "10", "2", "超过子项上限 10 分"),
        ("奖励加分", "J1-3", "1", "2", "1", "1", "同一事项取最高分值，只计增加部分"),
        ("奖励加分", "J1-4", "1", "1", "1", "", ""),
        ("奖励加分", "J3", "1", "2", "2", "", ""),
        ("惩戒扣分", "K4", "1", "1", "1", "", ""),
    ]
    assert ("三、预警提示\n2024、2025年度连续两年被确定为末位人员，2026年第1季度积分排在后5%，"
            "如2026年度再被确定为末位人员，建议调整岗位或相应降职。\n四、申辩") in page


def test_warning_on_the_page_and_in_the_attachment_only(county):
    root, res = county
    out = root / "output"
    page = next(p for p in pages(out / "告知单" / "2026年第1季度" / "县教育局.docx") if "干部编号 C19，" in p)
    assert "三、预警提示" in page
    assert "2026年第1季度积分93.5分，比本组末位人员最高积分93分仅高0.5分（预警分差 1 分）" in page
    ws = openpyxl.load_workbook(out / "季度通报" / "2026年第1季度积分排名.xlsx")["预警名单"]
    rows = [r for r in ws.iter_rows(values_only=True) if r[1] == "C19"]
    assert [(r[1], r[4]) for r in rows] == [("C19", "接近末位")]
    assert openpyxl.load_workbook(out / "季度通报" / "2026年第1季度积分排名.xlsx").sheetnames == [
        "季度排名", "组织约谈", "预警名单"]
    notice = docx.Document(str(out / "季度通报" / "2026年第1季度积分情况通报.docx"))
    text = "\n".join(p.text for p in notice.paragraphs)
    assert "预警" not in text and "干部C19" not in text
    assert list(res.warnings) == ["2026Q1"]
    assert sorted(res.warnings["2026Q1"]["干部编号"]) == ["C19", "C20"]


def test_no_page_shows_another_cadres_data_and_reserve_cadres_get_theirs(county):
    root, res = county
    folder = root / "output" / "告知单" / "2026年第1季度"
    people = res.ranks[res.ranks["period"] == "2026Q1"][["cadre_id", "name"]].values.tolist()
    seen = []
    for path in sorted(folder.glob("*.docx")):
        for page in pages(path):
            own = [cid for cid, _ in people if f"干部编号 {cid}，" in page]
            assert len(own) == 1, (path.name, own)
            seen += own
            for cid, name in people:
                if cid != own[0]:
                    assert cid not in page.replace(f"干部编号 {own[0]}，", "") and name not in page, (own, cid)
    assert sorted(seen) == sorted(cid for cid, _ in people)
    assert_chinese_word_document(folder / "县财政局.docx")
    assert "H99" in seen                                   # the reserve cadre
    assert not (root / "output" / "告知单" / "2026年度").exists()   # the year is not complete


def test_prepared_template_gives_the_document_docxtpl_gives(county):
    import io
    import zipfile

    from lxml import etree

    from jifen.outputs import letters as out_letters
    from jifen.views import letters

    _, res = county
    period = next(p for p in res.periods if p.key == "2026Q1")
    units = letters.period_letters(period, res.ranks, res.scored, res.warnings.get("2026Q1"), res.rulebook)
    ctx = letters.context(period, res.rulebook, units["县财政局"] + [{**units["县教育局"][0], "name": "a<b&c"}])
    fast = docx_render.DocxPattern(TEMPLATES / out_letters.TEMPLATE, out_letters._sample(period, res.rulebook), "x")
    ours = zipfile.ZipFile(io.BytesIO(fast.fill(ctx)))
    theirs = zipfile.ZipFile(io.BytesIO(docx_render.render(TEMPLATES / out_letters.TEMPLATE, ctx, "x")))
    assert [i.filename for i in ours.infolist()] == [i.filename for i in theirs.infolist()]
    for name in ours.namelist():
        a, b_ = ours.read(name), theirs.read(name)
        if name == "word/document.xml":      # the same XML, characters escaped the way jinja2 does it
            a, b_ = (etree.tostring(etree.fromstring(x), method="c14n") for x in (a, b_))
        assert a == b_, name


def dossier_rows(path: Path) -> list[tuple]:
    ws = openpyxl.load_workbook(path)["积分档案"]
    return [tuple(r) for r in ws.iter_rows(values_only=True)]


def test_archive_of_a_cadre_with_history(county):
    root, _ = county
    path = root / "output" / "积分档案" / "县财政局" / "C20_干部C20.xlsx"
    rows = dossier_rows(path)
    assert [v for v in rows[1] if v] == ["干部编号", "C20", "姓名", "干部C20"]
    assert [v for v in rows[3] if v] == ["干部类别", "科级领导干部", "档案年度", "2024—2026年"]
    assert rows[6] == ("年度", "期间", "积分", "名次", "参加排名人数", "等次", "数据来源", "备注")
    table = rows[7:22]
    none = (None, None, None, None, None, None)
    assert [r[0] for r in table[::5]] == ["2024年", "2025年", "2026年"]
    assert [r[1:] for r in table[:5]] == [("第一季度", *none)[:7], ("第二季度", *none)[:7], ("第三季度", *none)[:7],
                                          ("第四季度", *none)[:7], ("全年", None, 19, None, "末位", "历年结果", None)]
    assert [r[1:] for r in table[5:10]] == [
        ("第一季度", *none)[:7], ("第二季度", *none)[:7], ("第三季度", None, None, None, "末位", "历年结果", None),
        ("第四季度", None, None, None, "末位", "历年结果", None), ("全年", None, 20, None, "末位", "历年结果", None)]
    assert [r[1:] for r in table[10:15]] == [
        ("第一季度", 93, 20, 20, "末位", "计算", None), ("第二季度", *none)[:7], ("第三季度", *none)[:7],
        ("第四季度", *none)[:7], ("全年", 93, 20, 20, "末位", "计算", "截至3月；暂定")]
    text = [[v for v in r if v is not None] for r in rows[22:]]
    props = [r for r in text if r and r[0] in ("2025年", "2026年") and len(r) == 3]
    assert props == [["2025年", "诫勉谈话", "2024、2025年度连续两年被确定为末位人员，建议按照干部管理权限由县纪委实行诫勉谈话"],
                     ["2026年", "组织约谈", "2025年第3、4季度、2026年第1季度连续排在后5%"]]
    items = [r for r in text if r and r[0] in ("2024年", "2025年", "2026年") and len(r) != 3]
    assert items == [["2024年", "历年结果只有名次和等次，没有事项明细"], ["2025年", "历年结果只有名次和等次，没有事项明细"],
                     ["2026年", "基础积分扣减", "执行纪律", 2, 10], ["2026年", "奖励加分", "受表彰奖励", 2, 2],
                     ["2026年", "奖励加分", "重点工作", 1, 2], ["2026年", "惩戒扣分", "工作落实", 1, 1]]


def test_archive_prints_on_a4_with_a_line_chart(county):
    import zipfile

    root, _ = county
    path = root / "output" / "积分档案" / "县财政局" / "C20_干部C20.xlsx"
    ws = openpyxl.load_workbook(path)["积分档案"]
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "portrait"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1)  # 1 = default
    assert ws.page_setup.fitToHeight == 0
    assert ws.print_area == f"'积分档案'!$A$1:$H${ws.max_row}" and ws.print_title_rows == "$7:$7"
    assert "内部资料" in ws.oddHeader.left.text and ws.oddFooter.center.text == "第 &P 页 共 &N 页"
    chart = zipfile.ZipFile(path).read("xl/charts/chart1.xml").decode()
    assert "<c:lineChart>" in chart and chart.count("<c:ser>") == 3
    assert "积分档案!$C$18:$C$21" in chart.replace("'", "")        # 2026's four quarters
    # every rostered cadre has one, reserve cadres included
    assert len(list((root / "output" / "积分档案").rglob("*.xlsx"))) == 21


def test_archive_cut_from_the_model_is_the_workbook_xlsxwriter_builds(county):
    from jifen.outputs import dossier as out
    from jifen.views import dossier

    _, res = county
    idx = dossier.index(res, res.archived, res.history)
    info = {"display_name": "干部C19", "unit": "县教育局", "post": "局长", "category": "科级领导干部"}
    first = dossier.person("C20", {**info, "display_name": "干部C20"}, idx)
    second = dossier.person("C19", info, idx)
    out._PATTERNS.clear()
    out._book_bytes(first, "云溪", "x")
    assert out._book_bytes(second, "云溪", "x") == out._build(second, "云溪", "x")[0]


def test_year_letter_leaves_out_the_warning_the_year_has_settled():
    from types import SimpleNamespace

    import pandas as pd

    from jifen.outputs import letters as out
    from jifen.rules import early_warning

    warn = pd.DataFrame([{"干部编号": "C1", "预警": early_warning.LAST_YEAR, "依据": "a"},
                         {"干部编号": "C1", "预警": early_warning.TWO_QUARTERS, "依据": "b"}])
    res = SimpleNamespace(warnings={"2026Q4": warn})
    year = SimpleNamespace(kind="year", year=2026, key="2026")
    quarter = SimpleNamespace(kind="quarter", year=2026, key="2026Q4")
    assert list(out._warnings(res, year)["依据"]) == ["b"]
    assert list(out._warnings(res, quarter)["依据"]) == ["a", "b"]
