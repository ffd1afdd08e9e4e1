"""The writers' pinned contract: one small fixed county, the file each writer makes from it,
and an XML-by-XML comparison with the expected files in tests/expected/ (XlsxWriter's own
way of testing: parse both parts and compare elements, attributes and text, not bytes).

`fastsheet.py` overrides XlsxWriter's private methods and `book_pattern.py` rewrites its XML,
so an XlsxWriter (or python-docx) upgrade can change every workbook without any other test
noticing; these files make it fail loudly. Regenerate them deliberately, after looking at
what changed, with `python tools/make_expected.py`.

The county's input files are checked in too (tests/expected/input/), so the outputs that
list them (sizes, SHA-256) do not depend on the openpyxl and zlib that would build them.
Compared as they are except for what is not the writers' business: the program version and
the rulebook's fingerprint (in every output's stamp and in the run manifest).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import builders as b
import pandas as pd

EXPECTED = Path(__file__).resolve().parent / "expected"
INPUT = EXPECTED / "input"
UNIT_A, UNIT_B = "县财政局", "城关镇"

# expected file → the output it pins (written by that writer from the county below)
OUTPUTS = {
    "manifest.xlsx": "运行清单.xlsx",                                         # outputs/manifest.py
    "report.xlsx": "校验报告.xlsx",                                           # outputs/report.py
    "review_list.xlsx": "待审核/2026年积分事项待审核清单.xlsx",                 # outputs/review_list.py
    "master_ledger.xlsx": "台账/积分总台账_2026.xlsx",                         # outputs/master_ledger.py
    "personal_ledger.xlsx": f"台账/2026/个人/{UNIT_A}/K0001_张明.xlsx",        # book_pattern (model workbook)
    "personal_ledger_first.xlsx": f"台账/2026/个人/{UNIT_B}/K0003_王伟.xlsx",
    "unit_ledger.xlsx": f"台账/2026/单位/{UNIT_A}.xlsx",                       # personal_ledger.py, reused sheets
    "monthly.xlsx": "月度统计/2026-02月度积分统计.xlsx",                        # outputs/monthly.py
    "quarter_attachment.xlsx": "季度通报/2026年第1季度积分排名.xlsx",             # outputs/notice.py
    "annual.xlsx": "年度排名/2026年度积分排名（草稿，截至3月）.xlsx",                           # outputs/annual.py (charts)
    "notice.docx": "季度通报/2026年第1季度积分情况通报.docx",                      # outputs/docx_render.py
}
# made by calling a writer directly
DIRECT = ("declaration_template.xlsx", "table.xlsx")

ROSTER = [
    ("K0001", "张明", UNIT_A, "局长", "科级领导干部", "2020-01-01"),
    ("K0002", "李华", UNIT_A, "副局长", "科级领导干部", "2020-01-01"),
    ("K0003", "王伟", UNIT_B, "镇长", "科级领导干部", "2020-01-01"),
    ("K0004", "陈静", UNIT_B, "副镇长", "科级领导干部", "2026-02-01"),
    ("H0001", "周军", UNIT_B, "股长", "后备干部", "2020-01-01"),
]


def build_county(inp: Path) -> None:
    """The input folder `inp` (tools/make_expected.py --inputs writes it to INPUT): three months (a complete first quarter), register rows and one declaration with items
    awaiting review and an unknown code, a late joiner, a reserve cadre, a formula-looking text."""
    b.roster(inp / "干部名册.xlsx", ROSTER)
    people = dict(r[:2] for r in ROSTER)
    rows = [("K0001", "2026-01", "J1-3"), ("K0002", "2026-02", "K1"), ("K0003", "2026-03", "J1-4"),
            ("H0001", "2026-03", "J1-4")]
    b.register(inp / "登记" / "2026年登记表.xlsx", [
        {"id": f"DJ{i}", "cadre_id": cid, "name": people[cid], "month": month, "code": code}
        for i, (cid, month, code) in enumerate(rows, start=1)])
    b.declaration(inp / "申报" / "K0003_2026-02.xlsx", "K0003", "王伟", "2026-02", [
        {"code": "J6", "qty": 1, "desc": "=HYPERLINK(\"x\") 参加志愿服务", "date": b.d("2026-02-10")},
        {"code": "J3", "qty": 2, "desc": "撰写信息", "date": b.d("2026-02-12")},
        {"code": "X9", "qty": 1, "desc": "没有这个项目代码", "date": b.d("2026-02-13")},   # a problem row
    ], unit=UNIT_B)


def direct_outputs() -> dict:
    """The writers called on their own: the declaration template and a table with every kind
    of cell the table writer handles (through fastsheet)."""
    from jifen.outputs.declaration_template import template_bytes
    from jifen.outputs.xlsx import Book, write_table
    from jifen.rulebook import read_rulebook

    rulebook = read_rulebook(b.RULEBOOK)
    cadre = {"cadre_id": "K0001", "display_name": "张明", "name": "张明", "unit": UNIT_A, "post": "局长",
             "category": "科级领导干部"}
    out = {"declaration_template.xlsx": template_bytes(cadre, "2026-03", rulebook, "云溪")}
    book = Book("表格", mark="内部资料", stamp="STAMP")
    df = pd.DataFrame({
        "文本": ["普通", "=1+1", "  前后空格 ", "控制\x01字符", None],
        "数": [1, 2.5, -0.125, float("nan"), 10 ** 6],
        "日期": [dt.date(2026, 1, 31), None, dt.datetime(2026, 2, 1, 8, 30), None, dt.date(2000, 1, 1)],
        "说明": ["长" * 80, "", "a&b<c>", "第二行\n换行", "ok"],
    })
    write_table(book, book.sheet("表"), df, title="标题", subtitle="副标题", wrap={"说明"},
                row_formats=["good", "", "bad", "", ""], widths={"文本": 12})
    write_table(book, book.sheet("空表", landscape=False), df.iloc[:0], title="空", autofilter=False)
    out["table.xlsx"] = book.close()
    return out


def build_outputs(root: Path) -> dict:
    """name → bytes of every pinned output, made from the checked-in county in a copy under `root`."""
    import shutil

    shutil.copytree(INPUT, root / "input")
    res = b.pipeline_run(root, write=True)
    assert not res.fatal, res.fatal
    out = {name: (root / "output" / rel).read_bytes() for name, rel in OUTPUTS.items()}
    return {**out, **direct_outputs()}


# --- comparison -------------------------------------------------------------------------------

_STAMP = re.compile(r"程序版本 [^；\s]+；规则文件 SHA-256 [0-9a-f]{12}…")
_SHA = re.compile(r"\b[0-9a-f]{64}\b")
XML_SUFFIXES = (".xml", ".rels", ".vml")


def normalize(text: str | None) -> str:
    text = (text or "")
    text = _STAMP.sub("STAMP", text)
    return _SHA.sub("SHA-256", text)


def _elements(data: bytes):
    return ElementTree.fromstring(data)


def _diff_elements(a, e, where: str, out: list, index: int | None = None, limit: int = 20) -> None:
    if len(out) >= limit:
        return
    here = f"{where}/{e.tag.split('}')[-1]}"
    if index is not None:
        here += f"[{index}]"
    if a.tag != e.tag:
        out.append(f"{here}: element {a.tag} instead of {e.tag}")
        return
    ea = {k: normalize(v) for k, v in e.attrib.items()}
    aa = {k: normalize(v) for k, v in a.attrib.items()}
    if ea != aa:
        keys = sorted(set(ea) | set(aa))
        changed = [f"{k.split('}')[-1]}: {ea.get(k)!r} → {aa.get(k)!r}" for k in keys if ea.get(k) != aa.get(k)]
        out.append(f"{here}: attributes " + "; ".join(changed))
    if normalize(a.text).strip() != normalize(e.text).strip() or (
            normalize(a.text) != normalize(e.text) and (a.text or "").strip()):
        out.append(f"{here}: text {normalize(e.text)!r} → {normalize(a.text)!r}")
    ka, ke = list(a), list(e)
    if len(ka) != len(ke):
        out.append(f"{here}: {len(ke)} child elements → {len(ka)}")
    for i, (ca, ce) in enumerate(zip(ka, ke)):
        _diff_elements(ca, ce, here, out, i if len(ke) > 1 else None, limit)


def differences(actual: bytes, expected: bytes, versions: tuple = ()) -> list[str]:
    """What differs between two Office files, part by part: the same parts in the same order,
    XML parts equal element by element (attributes, text), other parts byte for byte.
    `versions`: (the program version now, the one the expected file was made with)."""
    za, ze = zipfile.ZipFile(io.BytesIO(actual)), zipfile.ZipFile(io.BytesIO(expected))
    na, ne = za.namelist(), ze.namelist()
    out = []
    if na != ne:
        out.append(f"parts: {ne} → {na}")
    for name in [n for n in ne if n in na]:
        pa, pe = za.read(name), ze.read(name)
        if not name.endswith(XML_SUFFIXES):
            if pa != pe:
                out.append(f"{name}: content differs ({len(pe)} → {len(pa)} bytes)")
            continue
        if versions:
            pa, pe = _bare_version(pa, versions[0]), _bare_version(pe, versions[1])
        found: list = []
        _diff_elements(_elements(pa), _elements(pe), name + ":", found)
        out += found
    return out


VERSION_FILE = EXPECTED / "version.txt"


def expected_version() -> str:
    return VERSION_FILE.read_text("utf-8").strip()


def _bare_version(data: bytes, version: str) -> bytes:
    """The manifest's 程序版本 row holds the version alone in a shared string: a placeholder."""
    return data.replace(f"<t>{version}</t>".encode(), b"<t>VERSION</t>")
