"""Declarations with pictures, built part by part as WPS and Excel write them (real OOXML).

- `wps_declaration`: WPS cell pictures: the 佐证材料 cell holds `=DISPIMG("ID_…",1)` (with or
  without the cached value WPS writes), `xl/cellimages.xml` + its rels hold the pictures.
- `incell_declaration`: Excel in-cell pictures: the cell is `t="e" vm="n"` (#VALUE!), reached
  through `xl/metadata.xml` and `xl/richData/*` (rdrichvalue, structure, richValueRel + rels).
- `floating_declaration`: floating pictures anchored on the item rows, inserted by
  xlsxwriter (`insert_image`, the drawing part Excel writes).
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from pathlib import Path

import builders as b
import xlsxwriter

CT_PNG = '<Default Extension="png" ContentType="image/png"/>'


def png(seed: int) -> bytes:
    """A valid 2×2 RGB PNG whose colour (and so content hash) depends on `seed`."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    pixel = bytes([seed * 37 % 256, seed * 91 % 256, seed * 53 % 256])
    raw = b"".join(b"\x00" + pixel * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _rewrite(path: Path, change) -> None:
    """Rewrite a saved workbook's parts: `change(parts: dict)` edits name → bytes in place."""
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    change(parts)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    path.write_bytes(buf.getvalue())


def _add_rel(parts: dict, rels_part: str, rid: str, kind: str, target: str) -> None:
    rel = f'<Relationship Id="{rid}" Type="{kind}" Target="{target}"/>'.encode()
    parts[rels_part] = parts[rels_part].replace(b"</Relationships>", rel + b"</Relationships>")


def _content_types(parts: dict, overrides: dict) -> None:
    ct = parts["[Content_Types].xml"]
    extra = b"" if b'Extension="png"' in ct else CT_PNG.encode()
    for part, kind in overrides.items():
        extra += f'<Override PartName="/{part}" ContentType="{kind}"/>'.encode()
    parts["[Content_Types].xml"] = ct.replace(b"</Types>", extra + b"</Types>")


def wps_declaration(path: Path, cadre_id, name, month, items: list[dict], pictures: dict,
                    cached: bool = False) -> Path:
    """pictures: item index (0-based) → list of PNG bytes. The first picture of an item is
    its 佐证材料 cell; WPS puts one picture per cell, so further ones go to the 备注 cell."""
    items = [dict(it) for it in items]
    ids = {}
    n = 0
    for i, pics in pictures.items():
        for k, data in enumerate(pics):
            n += 1
            ids[(i, k)] = (f"ID_{n:032X}", data)
        items[i]["evidence"] = f'=_xlfn.DISPIMG("ID_{n - len(pics) + 1:032X}",1)'
        if len(pics) > 1:
            items[i]["note"] = f'=_xlfn.DISPIMG("ID_{n - len(pics) + 2:032X}",1)'
    b.declaration(path, cadre_id, name, month, items)

    def change(parts):
        body, rels = [], []
        for j, (pid, data) in enumerate(ids.values(), start=1):
            parts[f"xl/media/image{j}.png"] = data
            rels.append(f'<Relationship Id="rId{j}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                        f'relationships/image" Target="media/image{j}.png"/>')
            body.append(
                f'<etc:cellImage><xdr:pic><xdr:nvPicPr><xdr:cNvPr id="{j + 1}" name="{pid}" descr=""/>'
                f'<xdr:cNvPicPr><a:picLocks noChangeAspect="1"/></xdr:cNvPicPr></xdr:nvPicPr>'
                f'<xdr:blipFill><a:blip r:embed="rId{j}"/><a:stretch><a:fillRect/></a:stretch></xdr:blipFill>'
                f'<xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="190500" cy="190500"/></a:xfrm>'
                f'<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic></etc:cellImage>')
        parts["xl/cellimages.xml"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<etc:cellImages '
            'xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
            'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
            'xmlns:etc="http://www.wps.cn/officeDocument/2017/etCustomData">' + "".join(body)
            + "</etc:cellImages>").encode()
        parts["xl/_rels/cellimages.xml.rels"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
            'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' + "".join(rels)
            + "</Relationships>").encode()
        _add_rel(parts, "xl/_rels/workbook.xml.rels", "rIdWps", "http://www.wps.cn/officeDocument/2020/cellImage",
                 "cellimages.xml")
        _content_types(parts, {"xl/cellimages.xml": "application/vnd.wps-officedocument.cellimage+xml"})
        if cached:      # WPS's own files: the formula text as the cached string value
            sheet = parts["xl/worksheets/sheet1.xml"]
            parts["xl/worksheets/sheet1.xml"] = re.sub(
                rb'<c r="([A-Z]+\d+)"([^>]*)><f>_xlfn\.DISPIMG\(("ID_[0-9A-F]+"),1\)</f><v\s*/?>(?:</v>)?',
                lambda m: (b'<c r="' + m.group(1) + b'"' + m.group(2) + b' t="str"><f>_xlfn.DISPIMG(' + m.group(3)
                           + b',1)</f><v>=DISPIMG(' + m.group(3).replace(b'"', b"&quot;") + b',1)</v>'), sheet)

    _rewrite(path, change)
    return path


def incell_declaration(path: Path, cadre_id, name, month, items: list[dict], pictures: dict) -> Path:
    """pictures: item index (0-based) → PNG bytes, placed in the item's 佐证材料 cell (I)."""
    items = [dict(it) for it in items]
    for i in pictures:
        items[i]["evidence"] = "#VALUE!"
    b.declaration(path, cadre_id, name, month, items)
    order = sorted(pictures)

    def change(parts):
        sheet = parts["xl/worksheets/sheet1.xml"]
        for vm, i in enumerate(order, start=1):
            ref = f"I{6 + i}".encode()
            sheet, n = re.subn(rb'<c r="' + ref + rb'"([^>]*)t="e"', b'<c r="' + ref + rb'"\1t="e" vm="'
                               + str(vm).encode() + b'"', sheet)
            assert n == 1
        parts["xl/worksheets/sheet1.xml"] = sheet
        rels, rvs, rvrels, vbk, fbk = [], [], [], [], []
        for j, i in enumerate(order):
            parts[f"xl/media/image{j + 1}.png"] = pictures[i]
            rels.append(f'<Relationship Id="rId{j + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                        f'relationships/image" Target="../media/image{j + 1}.png"/>')
            rvrels.append(f'<rel r:id="rId{j + 1}"/>')
            rvs.append(f'<rv s="0"><v>{j}</v><v>5</v></rv>')
            fbk.append(f'<bk><extLst><ext uri="{{3e2802c4-a4d2-4d8b-9148-e3be6c30e623}}"><xlrd:rvb i="{j}"/>'
                       f'</ext></extLst></bk>')
            vbk.append(f'<bk><rc t="1" v="{j}"/></bk>')
        head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        parts["xl/metadata.xml"] = (
            head + '<metadata xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:xlrd="http://schemas.microsoft.com/office/spreadsheetml/2017/richdata">'
            '<metadataTypes count="1"><metadataType name="XLRICHVALUE" minSupportedVersion="120000" copy="1" '
            'pasteAll="1" pasteValues="1" merge="1" splitFirst="1" rowColShift="1" clearFormats="1" '
            'clearComments="1" assign="1" coerce="1"/></metadataTypes>'
            f'<futureMetadata name="XLRICHVALUE" count="{len(order)}">{"".join(fbk)}</futureMetadata>'
            f'<valueMetadata count="{len(order)}">{"".join(vbk)}</valueMetadata></metadata>').encode()
        parts["xl/richData/rdrichvalue.xml"] = (
            head + f'<rvData xmlns="http://schemas.microsoft.com/office/spreadsheetml/2017/richdata" '
            f'count="{len(order)}">{"".join(rvs)}</rvData>').encode()
        parts["xl/richData/rdrichvaluestructure.xml"] = (
            head + '<rvStructures xmlns="http://schemas.microsoft.com/office/spreadsheetml/2017/richdata" count="1">'
            '<s t="_localImage"><k n="_rvRel:LocalImageIdentifier" t="i"/><k n="CalcOrigin" t="i"/></s>'
            '</rvStructures>').encode()
        parts["xl/richData/richValueRel.xml"] = (
            head + '<richValueRels xmlns="http://schemas.microsoft.com/office/spreadsheetml/2022/richvaluerel" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            + "".join(rvrels) + "</richValueRels>").encode()
        parts["xl/richData/_rels/richValueRel.xml.rels"] = (
            head + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(rels) + "</Relationships>").encode()
        ms = "http://schemas.microsoft.com/office/2017/06/relationships/"
        _add_rel(parts, "xl/_rels/workbook.xml.rels", "rIdMeta",
                 "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sheetMetadata", "metadata.xml")
        _add_rel(parts, "xl/_rels/workbook.xml.rels", "rIdRv", ms + "rdRichValue", "richData/rdrichvalue.xml")
        _add_rel(parts, "xl/_rels/workbook.xml.rels", "rIdRvs", ms + "rdRichValueStructure",
                 "richData/rdrichvaluestructure.xml")
        _add_rel(parts, "xl/_rels/workbook.xml.rels", "rIdRvr",
                 "http://schemas.microsoft.com/office/2022/10/relationships/richValueRel", "richData/richValueRel.xml")
        _content_types(parts, {
            "xl/metadata.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheetMetadata+xml",
            "xl/richData/rdrichvalue.xml": "application/vnd.ms-excel.rdrichvalue+xml",
            "xl/richData/rdrichvaluestructure.xml": "application/vnd.ms-excel.rdrichvaluestructure+xml",
            "xl/richData/richValueRel.xml": "application/vnd.ms-excel.richvaluerel+xml"})

    _rewrite(path, change)
    return path


def floating_declaration(path: Path, cadre_id, name, month, items: list[dict], pictures: dict,
                         loose: list | None = None) -> Path:
    """pictures: item index (0-based) → list of PNG bytes, floating over the item's row
    (columns I, J, …); `loose`: pictures anchored below the table (on no item)."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    ws = wb.add_worksheet("积分申报表")
    ws.write_row(0, 0, [f"日常积分申报表（{month}）"])
    ws.write_row(1, 0, ["干部编号", cadre_id, "姓名", name, "单位", "县财政局"])
    ws.write_row(2, 0, ["申报月份", month])
    ws.write_row(4, 0, b.DECL_HEADER)
    for i, it in enumerate(items):
        ws.write_row(5 + i, 0, [it.get("seq", i + 1), it["code"], "", it.get("desc", f"事项{i + 1}"),
                                it.get("matter") or "", it.get("date") or "", it.get("qty", 1), "",
                                it.get("evidence", "见图片"), ""])
    for i, pics in pictures.items():
        for k, data in enumerate(pics):
            ws.insert_image(5 + i, 8 + k, f"p{i}_{k}.png", {"image_data": io.BytesIO(data), "y_offset": 2})
    for k, data in enumerate(loose or []):
        ws.insert_image(7 + len(items), k, f"loose{k}.png", {"image_data": io.BytesIO(data)})
    ws.write_row(9 + len(items), 0, ["本人承诺以上申报内容真实准确。", None, None, "申报人签字："])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.close()
    return path
