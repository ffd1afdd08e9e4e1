"""Write the Word templates in templates/ (official document format, GB/T 9704-2012).

    python tools/make_templates.py

Clerks may edit the generated .docx files in Word (wording, 主送, signature); the jinja2
tags ({{ … }}, {%p … %}, {%tr … %}) are filled by the program with docxtpl.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

ROOT = Path(__file__).resolve().parent.parent
TITLE_FONT, BODY_FONT, HEAD_FONT, SUB_FONT, NUM_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312", "宋体"
FALLBACK = {"方正小标宋简体": "宋体", "仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体"}
PLAIN_FONTS = ("黑体", "宋体")          # on every Chinese Windows / WPS system
EAST_ASIA_LANG = "zh-CN"
# python-docx's base document comes from a Japanese Mac Word: its font table, theme and
# settings name ＭＳ 明朝 / ＭＳ ゴシック and ja-JP, which Word then applies to text a clerk adds
JAPANESE_FONTS = ("ＭＳ 明朝", "ＭＳ ゴシック")
LINE = Pt(28.95)


def set_font(run, name: str, size: float, bold: bool = False) -> None:
    """Set a Chinese font as the East Asian font (python-docx's font.name alone does not)."""
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = name
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def para(doc, text="", font=BODY_FONT, size=16, align=None, indent=True, bold=False, space_before=0,
         keep=False, right_indent=None):
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE
    fmt.space_before = Pt(space_before)
    fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    if right_indent is not None:
        fmt.right_indent = Pt(right_indent)
    if align is not None:
        p.alignment = align
    if keep or font in (HEAD_FONT, SUB_FONT):
        fmt.keep_with_next = True
    if text:
        set_font(p.add_run(text), font, size, bold)
    return p


def setup_document(doc) -> None:
    """A4, GB/T 9704 margins, 22 lines a page, page numbers — 1 — right on odd, left on even."""
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(37), Mm(35)
    sec.left_margin, sec.right_margin = Mm(28), Mm(26)
    sec.header_distance, sec.footer_distance = Mm(15), Mm(25)
    sectpr = sec._sectPr
    grid = sectpr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sectpr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), "579")          # 28.95 pt in twentieths of a point
    style = doc.styles["Normal"]
    style.font.size = Pt(16)
    style.font.name = BODY_FONT
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), BODY_FONT)
    settings = doc.settings.element
    if settings.find(qn("w:evenAndOddHeaders")) is None:
        settings.append(OxmlElement("w:evenAndOddHeaders"))
    _page_number(sec.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    sec.even_page_footer.is_linked_to_previous = False
    _page_number(sec.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)


def _page_number(footer, align) -> None:
    p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    p.alignment = align
    fmt = p.paragraph_format
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        fmt.right_indent = Pt(14)
    else:
        fmt.left_indent = Pt(14)
    set_font(p.add_run("— "), NUM_FONT, 14)
    run = p.add_run()
    set_font(run, NUM_FONT, 14)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text.strip() == "PAGE":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        else:
            el = OxmlElement("w:t")
            el.text = text
        r = OxmlElement("w:r")
        r.append(run._element.get_or_add_rPr().__copy__())
        r.append(el)
        p._p.append(r)
    set_font(p.add_run(" —"), NUM_FONT, 14)


def _font_entry(name: str, alt: str | None = None) -> str:
    alt_xml = f'<w:altName w:val="{alt}"/>' if alt else ""
    return (f'<w:font w:name="{name}">{alt_xml}<w:charset w:val="86"/>'
            f'<w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>')


def font_table(xml: str) -> str:
    """The Chinese fonts the documents use, with 宋体/仿宋/楷体 as the substitutes of the official
    fonts (altName), so a PC without 方正小标宋简体 or 仿宋_GB2312 still prints in the right family;
    the base document's Japanese fonts removed."""
    for name in JAPANESE_FONTS:
        xml = re.sub(rf'\s*<w:font w:name="{name}">.*?</w:font>', "", xml, flags=re.S)
    extra = "".join(_font_entry(name, alt) for name, alt in FALLBACK.items())
    extra += "".join(_font_entry(name) for name in PLAIN_FONTS)
    return xml.replace("</w:fonts>", extra + "</w:fonts>")


def theme(xml: str) -> str:
    """Theme fonts for East Asian text: the body and heading fonts, no Japanese script fonts."""
    xml = re.sub(r'\s*<a:font script="Jpan" typeface="[^"]*"/>', "", xml)
    xml = re.sub(r'(<a:majorFont>\s*<a:latin [^>]*/>\s*)<a:ea typeface="[^"]*"/>',
                 rf'\g<1><a:ea typeface="{HEAD_FONT}"/>', xml)
    return re.sub(r'(<a:minorFont>\s*<a:latin [^>]*/>\s*)<a:ea typeface="[^"]*"/>',
                  rf'\g<1><a:ea typeface="{BODY_FONT}"/>', xml)


def styles(xml: str) -> str:
    """Document defaults: Chinese as the East Asian language, the body font for every script."""
    xml = re.sub(r'(<w:rPrDefault>\s*<w:rPr>\s*)<w:rFonts [^>]*/>',
                 rf'\g<1><w:rFonts w:ascii="{BODY_FONT}" w:eastAsia="{BODY_FONT}" w:hAnsi="{BODY_FONT}" '
                 rf'w:cs="{BODY_FONT}"/>', xml)
    return re.sub(r'(<w:rPrDefault>.*?<w:lang [^>]*?)w:eastAsia="[^"]*"', rf'\g<1>w:eastAsia="{EAST_ASIA_LANG}"',
                  xml, flags=re.S)


def settings(xml: str) -> str:
    return re.sub(r'(<w:themeFontLang [^>]*?)w:eastAsia="[^"]*"', rf'\g<1>w:eastAsia="{EAST_ASIA_LANG}"', xml)


LOCALIZE = {"/word/fontTable.xml": font_table, "/word/theme/theme1.xml": theme, "/word/styles.xml": styles,
            "/word/stylesWithEffects.xml": styles, "/word/settings.xml": settings}


def localize(doc) -> None:
    """Rewrite the base document's parts for Chinese: fonts, theme, default language."""
    for part in doc.part.package.iter_parts():
        fix = LOCALIZE.get(str(part.partname))
        if fix is None:
            continue
        if hasattr(part, "_element"):        # parsed XML parts (settings, styles) are serialised on save
            from docx.oxml.parser import parse_xml
            part._element = parse_xml(fix(part.blob.decode("utf-8")).encode("utf-8"))
        else:
            part._blob = fix(part.blob.decode("utf-8")).encode("utf-8")


def title(doc, text) -> None:
    p = para(doc, "", indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    p.paragraph_format.line_spacing = Pt(36)
    set_font(p.add_run(text), TITLE_FONT, 22)
    para(doc, "", indent=False)


def signature(doc, org: str, date: str) -> None:
    """Signature and date, kept on one page with the closing paragraph before them (never a
    page with only the date: GB/T 9704 forbids 此页无正文)."""
    doc.paragraphs[-1].paragraph_format.keep_with_next = True
    para(doc, "", indent=False, keep=True)
    para(doc, "", indent=False, keep=True)
    para(doc, org, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT, right_indent=64, keep=True)
    para(doc, date, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT, right_indent=80)


def _cell_paragraph(cell, line: float = 20):
    """Table text: 12 pt on 20 pt lines (or as given), off the page's 28.95 pt grid."""
    cp = cell.paragraphs[0]
    fmt = cp.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(line)
    fmt.space_before = fmt.space_after = Pt(0)
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    cp._p.get_or_add_pPr().append(snap)
    return cp


def table(doc, header, row_tags, widths_mm, size: float = 12, line: float = 20, margin_mm: float | None = None):
    """A table whose second row repeats per item ({%tr for %} … {%tr endfor %}); `margin_mm`
    narrows the cells' left and right margins (Word's default is 1.9 mm)."""
    t = doc.add_table(rows=4, cols=len(header))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    t._tbl.tblPr.append(layout)
    if margin_mm is not None:
        mar = OxmlElement("w:tblCellMar")
        for side in ("left", "right"):
            el = OxmlElement(f"w:{side}")
            el.set(qn("w:w"), str(round(margin_mm * 56.7)))     # twentieths of a point
            el.set(qn("w:type"), "dxa")
            mar.append(el)
        t._tbl.tblPr.append(mar)
    for row in t.rows:
        for c, cell in enumerate(row.cells):
            cell.width = Mm(widths_mm[c])
            _cell_paragraph(cell, line)
    for c, w in enumerate(widths_mm):
        t.columns[c].width = Mm(w)
    for r, row in enumerate(t.rows):
        # the header row repeats on every page; a row never breaks across pages
        trpr = row._tr.get_or_add_trPr()
        trpr.append(OxmlElement("w:cantSplit"))
        if r == 0:
            trpr.append(OxmlElement("w:tblHeader"))
    for c, h in enumerate(header):
        cell = t.cell(0, c)
        cell.width = Mm(widths_mm[c])
        cp = cell.paragraphs[0]
        cp.alignment = WD_ALIGN_PARAGRAPH.CENTER
        set_font(cp.add_run(h), HEAD_FONT, size)
    loop_open, cells, loop_close = row_tags
    set_font(t.cell(1, 0).paragraphs[0].add_run(loop_open), BODY_FONT, size)
    for c, tag in enumerate(cells):
        cp = t.cell(2, c).paragraphs[0]
        cp.alignment = WD_ALIGN_PARAGRAPH.CENTER
        set_font(cp.add_run(tag), BODY_FONT, size)
        t.cell(2, c).width = Mm(widths_mm[c])
    set_font(t.cell(3, 0).paragraphs[0].add_run(loop_close), BODY_FONT, size)
    return t


def notice_template(path: Path) -> None:
    doc = Document()
    setup_document(doc)
    para(doc, "{%p if draft %}", indent=False)
    para(doc, "{{ draft }}", font=HEAD_FONT, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    para(doc, "{%p endif %}", indent=False)
    title(doc, "{{ title }}")
    para(doc, "{%p if doc_number %}", indent=False)
    para(doc, "{{ doc_number }}", indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    para(doc, "{%p endif %}", indent=False)
    para(doc, "{{ recipients }}：", indent=False)
    para(doc, "{{ opening }}")
    para(doc, "一、总体情况", font=HEAD_FONT)
    para(doc, "{{ overview }}")
    para(doc, "{{ items_summary }}")
    para(doc, "{%p for g in groups %}", indent=False)
    para(doc, "{{ g.heading }}", font=HEAD_FONT)
    para(doc, "{{ g.summary }}")
    for label, key in (("（一）先进人员", "top"), ("（二）末位人员", "bottom")):
        para(doc, f"{label}（{{{{ g.{key}_note }}}}）", font=SUB_FONT)
        para(doc, f"{{%p if g.{key} %}}", indent=False)
        table(doc, ["名次", "姓名", "单位", "职务", "积分"],
              (f"{{%tr for r in g.{key} %}}", ["{{ r.rank }}", "{{ r.name }}", "{{ r.unit }}", "{{ r.post }}",
                                               "{{ r.score }}"], "{%tr endfor %}"), [14, 24, 56, 40, 20])
        para(doc, "{%p else %}", indent=False)
        para(doc, f"{{{{ g.{key}_empty }}}}")
        para(doc, "{%p endif %}", indent=False)
    para(doc, "{%p endfor %}", indent=False)
    para(doc, "{%p if corrections %}", indent=False)
    para(doc, "{{ corrections_heading }}", font=HEAD_FONT)
    para(doc, "{%p for c in corrections %}", indent=False)
    para(doc, "{{ c }}")
    para(doc, "{%p endfor %}", indent=False)
    para(doc, "{%p endif %}", indent=False)
    para(doc, "{{ appeal_heading }}", font=HEAD_FONT)
    para(doc, "{{ appeal }}")
    para(doc, "{{ closing }}")
    signature(doc, "{{ org }}", "{{ date }}")
    localize(doc)
    doc.save(path)


def appeal_reply_template(path: Path) -> None:
    doc = Document()
    setup_document(doc)
    # GB/T 9704: the classification (密级) sits top left on the first page, 3号 黑体, no indent
    para(doc, "{{ mark }}", font=HEAD_FONT, indent=False, align=WD_ALIGN_PARAGRAPH.LEFT)
    title(doc, "关于日常积分申辩的答复")
    para(doc, "{{ name }}同志：", indent=False)
    para(doc, "你对{{ month_cn }}积分事项“{{ item_name }}”（事项编号 {{ item_id }}）提出的申辩收悉。"
              "经县委组织部核实，现答复如下：")
    para(doc, "一、申辩事项", font=HEAD_FONT)
    para(doc, "项目：{{ code }} {{ item_name }}；事项说明：{{ desc }}；所属月份：{{ month_cn }}；原审核结论：{{ before }}。")
    para(doc, "二、复核结论", font=HEAD_FONT)
    para(doc, "{{ decision }}{{ effect }}")
    para(doc, "三、理由", font=HEAD_FONT)
    para(doc, "{{ reason }}")
    para(doc, "复核结论已计入你的个人积分台账。如对答复仍有疑问，可向县委组织部干部监督部门咨询。")
    signature(doc, "{{ org }}", "{{ date }}")
    localize(doc)
    doc.save(path)


LETTER_SIZE, LETTER_LINE = 12, 18     # 小四 on 18 pt lines: a cadre's page holds a table of items


def _letter_para(doc, text="", font=BODY_FONT, indent=True, align=None, size=LETTER_SIZE, space_before=0):
    p = para(doc, text, font=font, size=size, indent=indent, align=align, space_before=space_before)
    p.paragraph_format.line_spacing = Pt(LETTER_LINE)
    snap = OxmlElement("w:snapToGrid")          # off the 28.95 pt grid of the official format
    snap.set(qn("w:val"), "0")
    p._p.get_or_add_pPr().append(snap)
    return p


def letter_template(path: Path) -> None:
    """个人积分告知单: one page per cadre ({%p for c in cadres %}), a page break after each
    but the last, the 回执 strip at the foot of the page."""
    from docx.enum.text import WD_BREAK

    doc = Document()
    setup_document(doc)
    para(doc, "{%p for c in cadres %}", indent=False)
    p = _letter_para(doc, "", indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    p.paragraph_format.line_spacing = Pt(30)
    set_font(p.add_run("干部日常积分告知单"), TITLE_FONT, 20)
    _letter_para(doc, "（{{ period_title }}）", font=SUB_FONT, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    _letter_para(doc, "{{ c.name }}同志（干部编号 {{ c.cadre_id }}，{{ c.unit }} {{ c.post }}）：", indent=False)
    _letter_para(doc, "根据{{ plan }}，现将你{{ period_title }}的日常积分情况告知如下。")
    _letter_para(doc, "一、积分情况", font=HEAD_FONT)
    _letter_para(doc, "{{ c.score_line }}")
    _letter_para(doc, "{%p if c.parts %}", indent=False)
    table(doc, ["类别", "项目", "项数", "原分值", "计入", "未计入", "说明"],
          ("{%tr for r in c.parts %}", ["{{ r.kind }}", "{{ r.item }}", "{{ r.n }}", "{{ r.recorded }}",
                                         "{{ r.counted }}", "{{ r.removed }}", "{{ r.note }}"], "{%tr endfor %}"),
          [16, 66, 10, 12, 10, 12, 30], size=9, line=12, margin_mm=1)
    _letter_para(doc, "{%p else %}", indent=False)
    _letter_para(doc, "{{ c.no_parts }}")
    _letter_para(doc, "{%p endif %}", indent=False)
    _letter_para(doc, "二、排名情况", font=HEAD_FONT)
    _letter_para(doc, "{{ c.rank_line }}")
    _letter_para(doc, "{%p if c.warnings %}", indent=False)
    _letter_para(doc, "三、预警提示", font=HEAD_FONT)
    _letter_para(doc, "{%p for w in c.warnings %}", indent=False)
    _letter_para(doc, "{{ w }}。")
    _letter_para(doc, "{%p endfor %}", indent=False)
    _letter_para(doc, "{%p endif %}", indent=False)
    _letter_para(doc, "{% if c.warnings %}四{% else %}三{% endif %}、申辩", font=HEAD_FONT)
    _letter_para(doc, "{{ c.appeal }}")
    _letter_para(doc, "{{ org }}", indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT).paragraph_format \
        .right_indent = Pt(LETTER_SIZE * 2)
    _letter_para(doc, "{{ date }}", indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT).paragraph_format \
        .right_indent = Pt(LETTER_SIZE * 3)
    _letter_para(doc, "- - - - - - - - - - - - - - - - - 请沿此线剪下，签名后交回 - - - - - - - - - - - - - - - - -",
                 indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, size=9, space_before=6)
    _letter_para(doc, "回　执", font=HEAD_FONT, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    _letter_para(doc, "{{ c.name }}（干部编号 {{ c.cadre_id }}，{{ c.unit }}）{{ period_title }}积分告知单", indent=False)
    p = _letter_para(doc, "本人已知悉以上积分情况　　签名：__________　　日期：__________", indent=False)
    set_font(p.add_run("{%r if not loop.last %}"), BODY_FONT, LETTER_SIZE)
    p.add_run().add_break(WD_BREAK.PAGE)
    set_font(p.add_run("{%r endif %}"), BODY_FONT, LETTER_SIZE)
    para(doc, "{%p endfor %}", indent=False)
    localize(doc)
    doc.save(path)


def make_stable(path: Path) -> None:
    """Fixed timestamps inside the file, so regenerating an unchanged template changes nothing."""
    sys.path.insert(0, str(ROOT))
    from jifen.outputs.docx_render import reproducible_zip

    path.write_bytes(reproducible_zip(path.read_bytes()))


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "templates"
    out.mkdir(parents=True, exist_ok=True)
    for name, build in (("积分情况通报.docx", notice_template), ("申辩答复.docx", appeal_reply_template),
                        ("积分告知单.docx", letter_template)):
        build(out / name)
        make_stable(out / name)
    print(f"已生成 {out}")
