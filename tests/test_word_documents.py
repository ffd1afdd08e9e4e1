"""Word documents people print (notice, appeal reply): Chinese defaults, no Japanese leftovers of
python-docx's base document, repeated table headers, a signature never alone on a page, and
templates that tools/make_templates.py regenerates byte for byte.

Checked on the zip parts themselves (fontTable, theme, settings, styles), which is what Word and
WPS read when a clerk types into the document.
"""

from __future__ import annotations

import importlib.util
import re
import zipfile
from pathlib import Path

import builders as b
import docx
import pytest
from docx.oxml.ns import qn

TEMPLATES = b.ROOT / "templates"
WORD_TEMPLATES = ("积分情况通报.docx", "申辩答复.docx", "积分告知单.docx")


def _make_templates():
    spec = importlib.util.spec_from_file_location("make_templates", b.ROOT / "tools" / "make_templates.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def parts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith((".xml", ".rels"))}


def assert_chinese_word_document(path: Path) -> None:
    p = parts(path)
    everything = "".join(p.values())
    for japanese in ("ＭＳ 明朝", "ＭＳ ゴシック", "ja-JP", 'script="Jpan"'):
        assert japanese not in everything, (path.name, japanese)
    assert re.search(r'<w:themeFontLang [^>]*w:eastAsia="zh-CN"', p["word/settings.xml"])
    for name in ("word/styles.xml", "word/stylesWithEffects.xml"):
        if name not in p:
            continue
        defaults = re.search(r"<w:rPrDefault>.*?</w:rPrDefault>", p[name], re.S).group(0)
        assert 'w:eastAsia="zh-CN"' in defaults, name
        assert 'w:eastAsia="仿宋_GB2312"' in defaults, name
    fonts = re.findall(r'<w:font w:name="([^"]+)"', p["word/fontTable.xml"])
    for font in ("方正小标宋简体", "仿宋_GB2312", "楷体_GB2312", "黑体", "宋体"):
        assert font in fonts, (path.name, font)
    theme = p["word/theme/theme1.xml"]
    assert '<a:ea typeface="黑体"/>' in theme and '<a:ea typeface="仿宋_GB2312"/>' in theme


@pytest.mark.parametrize("name", WORD_TEMPLATES)
def test_templates_are_chinese_documents(name):
    assert_chinese_word_document(TEMPLATES / name)


def test_templates_regenerate_byte_identically(tmp_path):
    mod = _make_templates()
    for name, build in (("积分情况通报.docx", mod.notice_template), ("申辩答复.docx", mod.appeal_reply_template)):
        build(tmp_path / name)
        mod.make_stable(tmp_path / name)
        assert (tmp_path / name).read_bytes() == (TEMPLATES / name).read_bytes(), (
            f"templates/{name} is not what tools/make_templates.py writes: run python tools/make_templates.py")


def _signature_kept(d) -> None:
    paras = d.paragraphs
    date_at = max(i for i, p in enumerate(paras) if p.text.strip())
    org_at = date_at - 1
    closing_at = max(i for i in range(org_at) if paras[i].text.strip())
    assert paras[org_at].text.startswith(("中共", "{{ org }}"))
    assert paras[date_at].text.endswith(("日", "{{ date }}"))
    for p in paras[closing_at:date_at]:
        assert p.paragraph_format.keep_with_next is True, p.text


def long_notice_county(base: Path) -> None:
    """200 科级 cadres with J1-4 × (1 … 10) in January (20 cadres per score): 40 先进 (quota 30, a tie),
    a table that runs over a page; February and March have one row each (a complete quarter)."""
    rows = [(f"K{i:04d}", f"干部{i}", f"单位{i % 7}", "局长", "科级领导干部", "2020-01-01") for i in range(1, 201)]
    b.roster(base / "input" / "干部名册.xlsx", rows)
    plan = [{"cadre_id": f"K{i:04d}", "name": f"干部{i}", "month": "2026-01", "code": "J1-4", "qty": i % 10 + 1}
            for i in range(1, 201)]
    plan += [{"cadre_id": "K0001", "name": "干部1", "month": m, "code": "J1-4"} for m in ("2026-02", "2026-03")]
    b.register(base / "input" / "登记表.xlsx", [{**r, "id": f"DJ{n}"} for n, r in enumerate(plan)])


@pytest.fixture(scope="module")
def notice(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("notice")
    long_notice_county(base)
    proc = b.run_process(base)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return base / "output" / "季度通报" / "2026年第1季度积分情况通报.docx"


def test_rendered_notice_is_a_chinese_document(notice):
    assert_chinese_word_document(notice)


def test_notice_tables_repeat_their_header_and_rows_do_not_split(notice):
    d = docx.Document(notice)
    assert d.tables
    for t in d.tables:
        first = t.rows[0]._tr.trPr
        assert first is not None and first.find(qn("w:tblHeader")) is not None
        assert [c.text for c in t.rows[0].cells] == ["名次", "姓名", "单位", "职务", "积分"]
        assert len(t.rows) >= 2
        for i, row in enumerate(t.rows):
            assert row._tr.trPr.find(qn("w:cantSplit")) is not None
            assert (row._tr.trPr.find(qn("w:tblHeader")) is not None) == (i == 0)
    assert max(len(t.rows) for t in d.tables) > 30                   # runs over a page


def test_notice_signature_and_date_stay_with_the_closing_paragraph(notice):
    d = docx.Document(notice)
    _signature_kept(d)
    headings = [p for p in d.paragraphs if p.text.startswith(("（一）", "（二）"))]
    assert headings and all(p.paragraph_format.keep_with_next for p in headings)


def test_appeal_reply_template_keeps_its_signature_with_the_text():
    _signature_kept(docx.Document(TEMPLATES / "申辩答复.docx"))
