"""Pictures pasted into a workbook: where they sit, found from the zip's own parts.

Cadres paste photos of certificates and notices as evidence, three ways:
- WPS cell pictures: the cell holds `=DISPIMG("ID_…",1)`; `xl/cellimages.xml` maps the ID to
  a picture through `xl/_rels/cellimages.xml.rels`;
- Excel in-cell pictures: the cell carries `vm="n"` (an error value to older readers);
  `xl/metadata.xml` → `xl/richData/rdrichvalue.xml` → `richValueRel.xml` and its rels;
- floating pictures: `xl/drawings/drawingN.xml`, anchored on a cell (`<xdr:from>`), reached
  from the sheet's `<drawing r:id>` and its rels.

Only the gate calls `locate`, and only when the zip directory holds such parts, so a plain
declaration costs nothing. Every part is read through the gate's checked reader (declared
size and CRC, DTDs already refused); pictures over the size or count limits are reported,
not extracted. `extract` gives the bytes back at write time, through the same checks.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile

from jifen.problems import Problem, cell_name, warning

MAX_PICTURES = 200                     # per workbook; a month's evidence is a handful
MAX_PICTURE_BYTES = 20 * 1024 * 1024   # one photo; the whole file stays under the gate's limit

WPS, EXCEL_CELL, FLOATING = "WPS单元格图片", "Excel单元格图片", "浮动图片"

_DISPIMG_ID = re.compile(rb'DISPIMG\(\s*(?:&quot;|")([^"&]+)(?:&quot;|")')
_NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_SAFE_EXT = re.compile(r"^[a-z0-9]{1,5}$")


def present(names) -> bool:
    """True when the zip directory holds any part a picture can live in."""
    return any(n.startswith(("xl/media/", "xl/drawings/", "xl/richData/")) or n == "xl/cellimages.xml"
               for n in names)


def dispimg_id(cell_body: bytes) -> str | None:
    m = _DISPIMG_ID.search(cell_body)
    return m.group(1).decode("utf-8", "replace") if m else None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _rels(parts, part: str) -> dict:
    """Relationship id → target part path, for `part` (empty when it has no rels)."""
    folder, name = posixpath.split(part)
    rels_part = posixpath.join(folder, "_rels", name + ".rels")
    try:
        root = ET.fromstring(parts.read(rels_part))
    except KeyError:
        return {}
    out = {}
    for rel in root:
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External" or not target:
            continue
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out[rel.get("Id", "")] = path
    return out


def _blip(elem) -> str | None:
    for e in elem.iter():
        if _local(e.tag) == "blip":
            return e.get(f"{{{_NS_R}}}embed") or e.get(f"{{{_NS_R}}}link")
    return None


def _wps_ids(parts) -> dict:
    """DISPIMG ID → media part, from xl/cellimages.xml."""
    try:
        root = ET.fromstring(parts.read("xl/cellimages.xml"))
    except KeyError:
        return {}
    rels = _rels(parts, "xl/cellimages.xml")
    out = {}
    for pic in root.iter():
        if _local(pic.tag) != "pic":
            continue
        name = next((e.get("name") for e in pic.iter() if _local(e.tag) == "cNvPr"), None)
        rid = _blip(pic)
        if name and rid in rels:
            out[name] = rels[rid]
    return out


def _rich_values(parts) -> dict:
    """vm (1-based value-metadata index) → media part, for Excel's in-cell pictures."""
    try:
        values = ET.fromstring(parts.read("xl/richData/rdrichvalue.xml"))
        rel_list = ET.fromstring(parts.read("xl/richData/richValueRel.xml"))
    except KeyError:
        return {}
    rels = _rels(parts, "xl/richData/richValueRel.xml")
    targets = [rels.get(r.get(f"{{{_NS_R}}}id", "")) for r in rel_list if _local(r.tag) == "rel"]
    key_pos = {}          # structure index → position of the image-identifier key
    try:
        structs = ET.fromstring(parts.read("xl/richData/rdrichvaluestructure.xml"))
        for i, s in enumerate(x for x in structs if _local(x.tag) == "s"):
            keys = [k.get("n") for k in s if _local(k.tag) == "k"]
            if "_rvRel:LocalImageIdentifier" in keys:
                key_pos[i] = keys.index("_rvRel:LocalImageIdentifier")
    except KeyError:
        pass
    rich = []             # rich value index → media part or None
    for rv in (x for x in values if _local(x.tag) == "rv"):
        pos = key_pos.get(int(rv.get("s", "0") or 0), 0)
        vs = [v.text for v in rv if _local(v.tag) == "v"]
        try:
            rich.append(targets[int(vs[pos])])
        except (IndexError, ValueError, TypeError):
            rich.append(None)
    # vm → value-metadata block → future-metadata block → rich value index
    order = list(range(len(rich)))
    try:
        meta = ET.fromstring(parts.read("xl/metadata.xml"))
        future = []
        value_blocks = []
        for child in meta:
            if _local(child.tag) == "futureMetadata":
                for bk in (b for b in child if _local(b.tag) == "bk"):
                    rvb = next((e for e in bk.iter() if _local(e.tag) == "rvb"), None)
                    future.append(int(rvb.get("i", "0")) if rvb is not None else None)
            elif _local(child.tag) == "valueMetadata":
                for bk in (b for b in child if _local(b.tag) == "bk"):
                    rc = next((e for e in bk if _local(e.tag) == "rc"), None)
                    value_blocks.append(int(rc.get("v", "0")) if rc is not None else None)
        if value_blocks and future:
            order = [future[v] if v is not None and v < len(future) else None for v in value_blocks]
    except (KeyError, ValueError):
        pass
    return {vm + 1: rich[i] for vm, i in enumerate(order) if i is not None and i < len(rich) and rich[i]}


def _anchors(parts, sheet_part: str) -> list[tuple[int, int, str]]:
    """(row0, col0, media part) of each floating picture on a sheet."""
    out = []
    for drawing in _rels(parts, sheet_part).values():
        if not drawing.startswith("xl/drawings/") or not drawing.endswith(".xml"):
            continue
        try:
            root = ET.fromstring(parts.read(drawing))
        except KeyError:
            continue
        media = _rels(parts, drawing)
        for anchor in root:
            frm = next((e for e in anchor if _local(e.tag) == "from"), None)
            if frm is None:            # absoluteAnchor: on no cell
                continue
            pos = {_local(e.tag): e.text for e in frm}
            try:
                row0, col0 = int(pos.get("row") or 0), int(pos.get("col") or 0)
            except ValueError:
                continue
            for pic in (e for e in anchor.iter() if _local(e.tag) == "pic"):
                rid = _blip(pic)
                if rid in media:
                    out.append((row0, col0, media[rid]))
    return out


def _ext(part: str) -> str:
    ext = posixpath.splitext(part)[1].lstrip(".").lower()
    return ext if _SAFE_EXT.match(ext) else "bin"


def locate(parts, sheets: dict, rel: str) -> tuple[list[dict], list[Problem]]:
    """Every picture of the workbook as {sheet, row (1-based), col, cell, part, kind, size,
    sha256, ext}, in sheet and cell order; → (pictures, problems). Damaged picture parts
    are a warning: the workbook's data is still read."""
    try:
        return _locate(parts, sheets, rel)
    except (ET.ParseError, ValueError, KeyError) as exc:
        return [], [warning("pictures-unreadable", f"工作簿中的图片部件已损坏（{type(exc).__name__}），图片未提取",
                               "请用 Excel 或 WPS 打开后重新保存，或把图片作为单独的文件随表报送。", file=rel)]


def _locate(parts, sheets: dict, rel: str) -> tuple[list[dict], list[Problem]]:
    found = []
    wps = _wps_ids(parts) if any(f.picture_ids for f in sheets.values()) else {}
    rich = _rich_values(parts) if any(f.rich_cells for f in sheets.values()) else {}
    for name, facts in sheets.items():
        for (r, c), pid in sorted(facts.picture_ids.items()):
            if pid in wps:
                found.append((name, r, c, wps[pid], WPS))
        for (r, c), vm in sorted(facts.rich_cells.items()):
            if vm in rich:
                found.append((name, r, c, rich[vm], EXCEL_CELL))
        if facts.part:
            for r, c, media in sorted(_anchors(parts, facts.part)):
                found.append((name, r, c, media, FLOATING))
    problems, out = [], []
    for name, r, c, media, kind in found:
        cell = cell_name(r, c)
        if len(out) >= MAX_PICTURES:
            problems.append(warning("too-many-pictures", f"工作簿中的图片超过 {MAX_PICTURES} 张，其余图片未提取",
                                       "请把多余的图片作为单独的文件随表报送。", file=rel, sheet=name, cell=cell, row=r + 1))
            break
        try:
            info = parts.zf.getinfo(media)
        except KeyError:
            continue                   # a dangling reference: nothing to show
        if info.file_size > MAX_PICTURE_BYTES:
            problems.append(warning(
                "picture-too-large", f"{cell} 的图片过大（{info.file_size // (1 << 20)} MB），未提取",
                f"请压缩图片（每张不超过 {MAX_PICTURE_BYTES >> 20} MB）后重新粘贴，或作为单独的文件随表报送。",
                file=rel, sheet=name, cell=cell, row=r + 1))
            continue
        try:
            data = parts.read(media)
        except zipfile.BadZipFile:       # inflates to another size or CRC than declared
            problems.append(warning(
                "picture-damaged", f"{cell} 的图片数据已损坏（与声明的大小或校验码不符），未提取",
                "请重新粘贴该图片后保存，或把图片作为单独的文件随表报送。", file=rel, sheet=name, cell=cell, row=r + 1))
            continue
        out.append({"sheet": name, "row": r + 1, "col": c, "cell": cell, "part": media, "kind": kind,
                    "size": len(data), "sha256": hashlib.sha256(data).hexdigest(), "ext": _ext(media)})
    return out, problems
