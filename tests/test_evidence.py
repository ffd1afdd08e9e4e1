"""Evidence end to end (issue 15): pictures pasted in WPS and Excel, files handed in beside a
declaration or in its folder, many items in a month, and the review list's links to them.

One county, one run (`pipeline.run`, writing outputs); each cadre shows one way of handing
evidence in. The outputs are opened with openpyxl; links are followed on disk.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import builders as b
import openpyxl
import picture_books
import pytest

MONTH = "2026-03"
ROSTER = [(f"K000{i}", n, "县财政局", "科员", "科级领导干部", "2020-01-01")
          for i, n in enumerate(["张明", "李华", "王伟", "赵强", "孙丽", "周杰", "吴敏"], start=1)]
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
LIST = "待审核/2026年积分事项待审核清单.xlsx"


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    root = tmp_path_factory.mktemp("evidence")
    inp = root / "input"
    b.roster(inp / "干部名册.xlsx", ROSTER)
    d = inp / "申报" / MONTH
    # K0001: WPS cell pictures (a formula without a cached value, as in the issue)
    picture_books.wps_declaration(d / "K0001_张明.xlsx", "K0001", "张明", MONTH, [
        {"code": "J6", "date": "2026-03-05", "desc": "社区志愿服务"},
        {"code": "J7", "date": "2026-03-06", "desc": "创建文明城市"},
        {"code": "K4", "evidence": None}], {0: [picture_books.png(1)], 1: [picture_books.png(2), picture_books.png(3)]})
    # K0002: WPS cell picture with the cached value WPS writes itself
    picture_books.wps_declaration(d / "K0002_李华.xlsx", "K0002", "李华", MONTH, [
        {"code": "J6", "date": "2026-03-07", "desc": "义务献血"}], {0: [picture_books.png(4)]}, cached=True)
    # K0003: Excel floating pictures on the item rows, and one below the table
    picture_books.floating_declaration(d / "K0003_王伟.xlsx", "K0003", "王伟", MONTH, [
        {"code": "J6", "date": "2026-03-08", "desc": "结对帮扶"},
        {"code": "J7", "date": "2026-03-09", "desc": "为民办实事", "evidence": "现场照片"}],
        {0: [picture_books.png(5)], 1: [picture_books.png(6), picture_books.png(7)]}, loose=[picture_books.png(8)])
    # K0004: Excel in-cell pictures
    picture_books.incell_declaration(d / "K0004_赵强.xlsx", "K0004", "赵强", MONTH, [
        {"code": "J6", "date": "2026-03-10", "desc": "扶贫济困"}], {0: picture_books.png(9)})
    # K0005: files — a folder named after the declaration (by 序号), one beside it named in
    # the text, one beside it named by no item; plus a note that belongs to nobody
    b.declaration(d / "K0005_孙丽.xlsx", "K0005", "孙丽", MONTH, [
        {"code": "J1-4", "date": "2026-03-02", "desc": "县级先进个人", "evidence": "表彰文件"},
        {"code": "J6", "date": "2026-03-03", "desc": "植树", "evidence": "见志愿服务证明"},
        {"code": "J7", "date": "2026-03-04", "desc": "入户走访", "evidence": "走访记录.pdf"}])
    (d / "K0005_孙丽").mkdir()
    (d / "K0005_孙丽" / "1_表彰决定.pdf").write_bytes(PDF + b"1")
    (d / "K0005_孙丽_志愿服务证明.jpg").write_bytes(picture_books.png(10))
    (d / "K0005_孙丽_承诺书.pdf").write_bytes(PDF + b"2")
    (inp / "说明.txt").write_text("三月份材料", encoding="utf-8")
    # K0006: a folder named after the 干部编号 beside the declaration; J6 with nothing at all
    b.declaration(d / "K0006_周杰.xlsx", "K0006", "周杰", MONTH, [
        {"code": "J1-3", "date": "2026-03-02", "desc": "市级表彰", "evidence": "市表彰"},
        {"code": "J6", "date": "2026-03-03", "desc": "志愿服务", "evidence": None}])
    (d / "K0006").mkdir()
    (d / "K0006" / "市表彰.pdf").write_bytes(PDF + b"3")
    # K0007: 20 items in one month: 15 in the declaration, 5 in a 续表
    items = [{"code": "K4", "evidence": None, "desc": f"会议{i}"} for i in range(1, 16)]
    b.declaration(d / "K0007_吴敏.xlsx", "K0007", "吴敏", MONTH, items)
    b.declaration(d / "K0007_吴敏_续表.xlsx", "K0007", "吴敏", MONTH,
                  [{"code": "K4", "evidence": None, "desc": f"会议{i}"} for i in range(16, 21)], continuation="是")
    res = b.pipeline_run(root, write=True)
    return root, res


def review_rows(root: Path, sheet: str = "待审核清单") -> tuple[dict, dict]:
    """事项ID → row values, and 事项ID → the 佐证材料 cell (with its hyperlink)."""
    wb = openpyxl.load_workbook(root / "output" / LIST)
    ws = wb[sheet]
    header = [c.value for c in ws[3]]
    col = header.index("佐证材料")
    rows, cells = {}, {}
    for row in ws.iter_rows(min_row=4):
        iid = row[1].value
        if iid:
            rows[iid] = dict(zip(header, (c.value for c in row)))
            cells[iid] = row[col]
    return rows, cells


def follow(root: Path, cell_or_link) -> Path:
    link = cell_or_link.hyperlink if hasattr(cell_or_link, "hyperlink") else cell_or_link
    from urllib.parse import unquote
    return Path(os.path.normpath(root / "output" / "待审核" / unquote(link.target)))


def evidence_sheet(root: Path) -> list:
    wb = openpyxl.load_workbook(root / "output" / LIST)
    ws = wb["佐证材料清单"]
    header = [c.value for c in ws[3]]
    return [(dict(zip(header, (c.value for c in row))), row[header.index("材料")]) for row in ws.iter_rows(min_row=4)]


def test_wps_cell_pictures_extracted_and_linked(county):
    root, res = county
    rows, cells = review_rows(root)
    assert rows["K0001-2026-03-1"]["佐证材料"] == "图片 1 张"
    assert rows["K0001-2026-03-2"]["佐证材料"] == "图片 2 张"
    assert rows["K0002-2026-03-1"]["佐证材料"] == "图片 1 张"
    one = follow(root, cells["K0001-2026-03-1"])
    assert one == root / "output" / "佐证材料" / "K0001-2026-03-1" / "图片1.png"
    assert one.read_bytes() == picture_books.png(1)
    two = root / "output" / "佐证材料" / "K0001-2026-03-2"
    assert sorted(p.name for p in two.iterdir()) == ["图片1.png", "图片2.png"]
    assert {p.read_bytes() for p in two.iterdir()} == {picture_books.png(2), picture_books.png(3)}
    assert (root / "output" / "佐证材料" / "K0002-2026-03-1" / "图片1.png").read_bytes() == picture_books.png(4)
    # two pictures: the cell links to the item's rows in 佐证材料清单, which link to each
    assert cells["K0001-2026-03-2"].hyperlink.location.startswith("'佐证材料清单'!A")
    listed = [(r["材料"], follow(root, c)) for r, c in evidence_sheet(root) if r["事项ID"] == "K0001-2026-03-2"]
    assert [p for _, p in listed] == [two / "图片1.png", two / "图片2.png"]


def test_no_formula_placeholder_anywhere(county):
    root, res = county
    for path in (root / "output").rglob("*.xlsx"):
        with zipfile.ZipFile(path) as zf:
            for name in zf.namelist():
                assert "公式没有计算结果".encode() not in zf.read(name), (path, name)
    assert not [p for p in res.problems if p.file.endswith(("K0001_张明.xlsx", "K0002_李华.xlsx"))]


def test_floating_and_incell_pictures(county):
    root, res = county
    rows, cells = review_rows(root)
    assert rows["K0003-2026-03-1"]["佐证材料"] == "见图片；图片 2 张"          # its own + the loose one
    assert rows["K0003-2026-03-2"]["佐证材料"] == "现场照片；图片 3 张"
    own = root / "output" / "佐证材料" / "K0003-2026-03-2"
    assert [p.read_bytes() for p in sorted(own.iterdir())] == [picture_books.png(6), picture_books.png(7)]
    loose = root / "output" / "佐证材料" / "K0003-2026-03-随表" / "图片1.png"
    assert loose.read_bytes() == picture_books.png(8)
    assert rows["K0004-2026-03-1"]["佐证材料"] == "图片 1 张"
    assert follow(root, cells["K0004-2026-03-1"]).read_bytes() == picture_books.png(9)


def test_evidence_files_round_trip(county):
    root, res = county
    rows, cells = review_rows(root)
    d = "申报/2026-03/"
    assert sorted(f.path for f in res.evidence) == sorted([
        d + "K0005_孙丽/1_表彰决定.pdf", d + "K0005_孙丽_志愿服务证明.jpg", d + "K0005_孙丽_承诺书.pdf",
        d + "K0006/市表彰.pdf"])
    assert {f.status for f in res.evidence} == {"佐证材料"}
    assert [f.path for f in res.skipped] == ["说明.txt"]
    assert rows["K0005-2026-03-1"]["佐证材料"] == "表彰文件；文件：1_表彰决定.pdf；随表材料：K0005_孙丽_承诺书.pdf"
    assert rows["K0005-2026-03-2"]["佐证材料"] == (
        "见志愿服务证明；文件：K0005_孙丽_志愿服务证明.jpg；随表材料：K0005_孙丽_承诺书.pdf")
    listed = {(r["事项ID"], r["材料"]): follow(root, c) for r, c in evidence_sheet(root)}
    inp = root / "input"
    assert listed[("K0005-2026-03-1", "1_表彰决定.pdf")] == inp / d / "K0005_孙丽" / "1_表彰决定.pdf"
    assert listed[("K0005-2026-03-2", "K0005_孙丽_志愿服务证明.jpg")].read_bytes() == picture_books.png(10)
    assert rows["K0006-2026-03-1"]["佐证材料"] == "市表彰；文件：市表彰.pdf"
    assert follow(root, cells["K0006-2026-03-1"]) == inp / d / "K0006" / "市表彰.pdf"
    # 校验报告: attached files listed as evidence, the note as skipped; the balance adds up
    report = root / "output" / "校验报告.xlsx"
    ev = b.table(report, "佐证材料", key="文件")
    assert sorted(r["文件"] for r in ev) == sorted(f.path for f in res.evidence)
    assert [r["文件"] for r in b.table(report, "跳过的文件", key="文件")] == ["说明.txt"]
    bal = res.balance()
    assert bal["files_total"] == bal["files_read"] + bal["files_rejected"] + bal["files_skipped"] + bal[
        "files_evidence"] == len([p for p in inp.rglob("*") if p.is_file()])


def test_items_without_evidence_are_flagged(county):
    root, res = county
    rows, _ = review_rows(root)
    flagged = {(p.code, p.cell) for p in res.problems if p.file.endswith("K0006_周杰.xlsx")}
    assert flagged == {("missing-evidence", "I7")}
    assert rows["K0006-2026-03-2"]["佐证材料"] == "（未附文件或图片）"
    assert "没有随表提交文件或图片" in rows["K0006-2026-03-2"]["校验提示"]
    # K0005's third item names a file nobody handed in
    (p,) = [p for p in res.problems if p.code == "evidence-file-not-found"]
    assert (p.file, p.cell) == ("申报/2026-03/K0005_孙丽.xlsx", "I8")
    codes = {p["问题代码"] for p in b.problem_codes(root / "output")}
    assert {"missing-evidence", "evidence-file-not-found"} <= codes


def test_twenty_items_in_a_month_with_a_continuation(county):
    root, res = county
    mine = res.items[res.items["cadre_id"] == "K0007"]
    assert len(mine) == 20 and set(mine["status"]) == {"待审核"}
    assert sorted(mine["item_id"])[:2] == ["K0007-2026-03-1", "K0007-2026-03-10"]
    assert {i for i in mine["item_id"] if "续" in i} == {f"K0007-2026-03-续1-{n}" for n in range(1, 6)}
    assert not [p for p in res.problems if p.code.startswith("duplicate-declaration")]
    rows, _ = review_rows(root)
    assert len([i for i in rows if i.startswith("K0007-")]) == 20


@pytest.mark.parametrize("parser", ["calamine", "openpyxl"])
def test_pictures_found_whichever_parser_reads_the_cells(tmp_path, monkeypatch, parser):
    """Pictures are found from the zip's parts by the gate, so the openpyxl fallback (when
    python-calamine cannot load) attaches them the same way and shows no formula text."""
    from jifen.readers import book, inputs

    if parser == "calamine" and book.CalamineWorkbook is None:
        pytest.skip("python-calamine is not installed (Python < 3.11)")
    if parser == "openpyxl":
        if not hasattr(book, "_OpenpyxlBook"):
            pytest.skip("this version has no openpyxl fallback reader")
        monkeypatch.setattr(book, "CalamineWorkbook", None)
    items = [{"code": "J6", "date": "2026-03-05"}, {"code": "J7", "date": "2026-03-06", "evidence": "照片"}]
    books = {
        "wps.xlsx": lambda p: picture_books.wps_declaration(p, "K0001", "张明", MONTH, items, {0: [picture_books.png(1)]}),
        "wps-cached.xlsx": lambda p: picture_books.wps_declaration(p, "K0001", "张明", MONTH, items, {0: [picture_books.png(1)]},
                                                         cached=True),
        "incell.xlsx": lambda p: picture_books.incell_declaration(p, "K0001", "张明", MONTH, items, {0: picture_books.png(1)}),
        "floating.xlsx": lambda p: picture_books.floating_declaration(p, "K0001", "张明", MONTH, items, {1: [picture_books.png(1)]}),
    }
    for name, make in books.items():
        parsed = inputs.parse_file(make(tmp_path / name), name)
        assert parsed.problems == [] and parsed.info.status == "已读取", name
        first, second = parsed.items
        pics = first.get("pictures", []) + second.get("pictures", [])
        assert [(p["cell"], p["size"]) for p in pics] == [("I6" if name != "floating.xlsx" else "I7",
                                                          len(picture_books.png(1)))], name
        assert "DISPIMG" not in str(first["evidence"]) and "#VALUE" not in str(first["evidence"]), name
        assert second["evidence"] == "照片", name


def test_evidence_digests_reused_while_files_are_unchanged(tmp_path):
    import hashlib
    import json

    from jifen.readers import cache

    inp, store = tmp_path / "input", tmp_path / ".cache"
    (inp / "a").mkdir(parents=True)
    (inp / "a" / "证书.pdf").write_bytes(PDF)
    first = cache.evidence_digests(inp, ["a/证书.pdf"], store)
    assert first == {"a/证书.pdf": hashlib.sha256(PDF).hexdigest()}
    saved = json.loads((store / cache.DIGESTS_NAME).read_text(encoding="utf-8"))
    saved["a/证书.pdf"][2] = "recorded"                   # what the last run recorded is used as is
    (store / cache.DIGESTS_NAME).write_text(json.dumps(saved), encoding="utf-8")
    assert cache.evidence_digests(inp, ["a/证书.pdf"], store) == {"a/证书.pdf": "recorded"}
    (inp / "a" / "证书.pdf").write_bytes(PDF + b"edited")  # another size: hashed again
    assert cache.evidence_digests(inp, ["a/证书.pdf"], store) == {
        "a/证书.pdf": hashlib.sha256(PDF + b"edited").hexdigest()}
    assert cache.evidence_digests(inp, ["a/证书.pdf", "gone.pdf"], None) == {
        "a/证书.pdf": hashlib.sha256(PDF + b"edited").hexdigest()}


def test_picture_limits_are_warnings_and_the_data_is_still_read(tmp_path, monkeypatch):
    """A picture over the size limit, and pictures beyond the count limit, are not extracted
    (limits lowered here: real ones are 20 MB and 200 pictures)."""
    from jifen.readers import inputs, pictures

    items = [{"code": "J6", "date": "2026-03-05"}, {"code": "J7", "date": "2026-03-06"}]
    path = picture_books.floating_declaration(tmp_path / "f.xlsx", "K0001", "张明", MONTH, items,
                                    {0: [picture_books.png(1), picture_books.png(2)], 1: [picture_books.png(3) + b"\0" * 500]})
    monkeypatch.setattr(pictures, "MAX_PICTURE_BYTES", 400)
    parsed = inputs.parse_file(path, "f.xlsx")
    assert [(p.code, p.level, p.cell) for p in parsed.problems] == [("picture-too-large", "警告", "I7")]
    assert [len(i.get("pictures", [])) for i in parsed.items] == [2, 0]
    monkeypatch.setattr(pictures, "MAX_PICTURES", 1)
    parsed = inputs.parse_file(path, "f.xlsx")
    assert [(p.code, p.cell) for p in parsed.problems] == [("too-many-pictures", "J6")]
    assert [len(i.get("pictures", [])) for i in parsed.items] == [1, 0]
    assert parsed.info.status == "已读取" and len(parsed.items) == 2
