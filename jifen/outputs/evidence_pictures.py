"""output/佐证材料/<事项ID>/图片N.ext: the pictures cadres pasted into their declarations.

Each workbook holding pictures is read once more and its picture parts taken out through
the gate's checks (declared size, CRC, per-picture limit); a part whose content no longer
matches what was read (the file changed during the run) is left out.
"""

from __future__ import annotations

import hashlib
import io
import zipfile

from jifen.readers import gate, pictures, zipdir
from jifen.rules.evidence import PICTURE


def picture_plan(items, year: int | None) -> dict:
    """source workbook → [(part, SHA-256, output path)] for the items shown in the review lists."""
    plan: dict[str, list] = {}
    if items is None or items.empty or "attachments" not in items:
        return plan
    for atts, status, y in zip(items["attachments"], items["status"], items["year"]):
        if status == "无效" or (year is not None and y != year):
            continue
        for a in atts:
            if a["kind"] == PICTURE and a.get("out"):
                plan.setdefault(a["path"], []).append((a["part"], a["sha256"], a["out"]))
    return plan


def extract(data: bytes, wanted: dict) -> dict:
    """part → bytes for the parts in `wanted` (part → expected SHA-256) that still match:
    the workbook is read again at write time, through the gate's size and CRC checks."""
    if not wanted:
        return {}
    try:
        zf = zipdir.read_directory(data) or zipfile.ZipFile(io.BytesIO(data))
        parts = gate._Parts(zf, data)
        out = {}
        for part, sha in wanted.items():
            if zf.getinfo(part).file_size > pictures.MAX_PICTURE_BYTES:
                continue
            body = parts.read(part)
            if hashlib.sha256(body).hexdigest() == sha:
                out[part] = body
        return out
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError):
        return {}


def write_pictures(res, log) -> None:
    out_dir, in_dir = res.options.output_dir, res.options.input_dir
    for rel, wanted in sorted(picture_plan(res.items, res.options.year).items()):
        todo = [(part, sha, out) for part, sha, out in wanted if not log.reuse(out_dir / out, (rel, part, sha))]
        if not todo:
            continue
        wanted = todo
        try:
            data = (in_dir / rel).read_bytes()
        except OSError:
            continue
        got = extract(data, {part: sha for part, sha, _ in wanted})
        for part, _, out in dict.fromkeys(wanted):
            if part in got:
                log.write(out_dir / out, got[part])
