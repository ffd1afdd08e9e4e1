"""Personal ledgers built from the model workbook equal those built cell by cell by xlsxwriter."""

import io
import zipfile

import openpyxl

from jifen.outputs import personal_ledger

STAMP = "程序版本 t；规则文件 SHA-256 abc…"
MARK = "内部资料 注意保密"


def _person(cid, name, months):
    return {"cadre_id": cid, "name": name, "unit": "县财政局", "post": "局长", "category": "科级领导干部",
            "year_score": 103.5, "months": months,
            "periods": [{"期间": "第1季度", "基础分": 100, "加分": 3.5, "扣分": 0, "积分": 103.5, "组内名次": 2,
                         "等次": "先进", "备注": "并列 <超额> & 说明"}],
            "footnote": "说明：测试"}


ITEMS = [{"items": [{"月份": "2026-02", "项目代码": "J6", "项目名称": "参加志愿服务" * 4, "事项说明": "  前后空格 ",
                     "数量": 1, "计分分值": 3.5, "状态": "计分", "说明": ""}],
          "label": "2月小计", "score": 103.5, "detail": "加3.5"},
         {"items": [], "label": "3月小计", "score": 103.5, "detail": "无增减",
          "quarter": {"label": "第1季度积分", "score": 103.5, "detail": "加3.5，组内第 2 名，先进"}}]


def _parts(data):
    zf = zipfile.ZipFile(io.BytesIO(data))
    assert zf.testzip() is None
    return [(i.filename, zf.read(i)) for i in zf.infolist()]


def _cells(data):
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.active
    cells = {(c.coordinate, c.value, c.number_format, c.font.b, c.font.name, c.fill.fgColor.rgb, c.alignment.wrap_text,
              c.border.left.style) for row in ws.iter_rows() for c in row}
    page = (ws.page_setup.paperSize, ws.page_setup.orientation, ws.sheet_properties.pageSetUpPr.fitToPage,
            ws.print_area, ws.print_title_rows, ws.freeze_panes, ws.oddHeader.right.text, ws.oddHeader.left.text, ws.oddFooter.center.text,
            sorted(str(m) for m in ws.merged_cells.ranges),
            {r: d.height for r, d in ws.row_dimensions.items() if d.height},
            {k: d.width for k, d in ws.column_dimensions.items()})
    return cells, page, wb.properties.title


def test_pattern_books_match_books_built_by_xlsxwriter():
    people = [_person("K0001", "张明", ITEMS), _person("K0002", "李&<华>", [])]
    pattern = personal_ledger._pattern(people[0], "云溪", 2026, STAMP, MARK)
    assert pattern is not None
    for person in people:
        fast, content, head, last = personal_ledger._personal_book(person, pattern, "云溪", 2026, STAMP, MARK)
        slow, content2, head2, last2 = personal_ledger._personal_book(person, None, "云溪", 2026, STAMP, MARK)
        assert _cells(fast) == _cells(slow)
        assert _parts(fast) == _parts(slow)      # the same parts, in the same order, byte for byte
        assert (content, head, last) == (content2, head2, last2)
    assert _cells(personal_ledger._personal_book(people[1], pattern, "云溪", 2026, STAMP, MARK)[0])[2] == "2026年度积分台账 李&<华>"
    ws = openpyxl.load_workbook(io.BytesIO(fast)).active
    assert ws.oddHeader.left.text == MARK and ws["A5"].value == MARK


def test_pattern_books_are_reproducible():
    person = _person("K0001", "张明", ITEMS)
    a = personal_ledger._personal_book(person, personal_ledger._pattern(person, "云溪", 2026, STAMP, MARK), "云溪", 2026, STAMP, MARK)[0]
    b = personal_ledger._personal_book(person, personal_ledger._pattern(_person("K0009", "王五", []), "云溪", 2026, STAMP, MARK), "云溪", 2026, STAMP, MARK)[0]
    assert a == b          # whichever cadre the model came from
