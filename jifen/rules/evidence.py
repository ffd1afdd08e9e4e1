"""Evidence (佐证材料): which handed-in files and pasted pictures back which declared item.

Pure: works on relative paths and records; hashing the files is the caller's I/O.

A non-workbook file in input/ belongs to a declaration when it is
- inside a folder named after the declaration file (`张三_2026-03.xlsx` → `张三_2026-03/…`), or
- beside it with a name that starts with the declaration's name (`张三_2026-03_获奖证书.pdf`), or
- inside a folder named after the cadre's 干部编号, with the cadre's declaration in that folder
  or beside it (several months there: the month written in the file's path decides).
Within the declaration, an item takes a file when its 佐证材料 text names the file, or when
the file's name starts with the item's 序号 (`1.jpg`, `序号2_通知.pdf`, `张三_2026-03_3.pdf`).
A file no item takes is shown with every item of the declaration (随表材料).
"""

from __future__ import annotations

import posixpath
import re

from jifen import frames, normalize
from jifen.problems import Problem, warning

EVIDENCE = "佐证材料"                # FileInfo.status of an attached file
PICTURE, FILE = "图片", "文件"

_SEQ = re.compile(r"^(?:序号|第|no\.?|#)?\s*0*(\d{1,3})(?:项|号|条)?(?=$|[\s_\-—.、，,（(（【\[])", re.I)
_MONTH = re.compile(r"(20\d{2})\s*[-年._/]?\s*(\d{1,2})(?!\d)")
_NAMED_FILE = re.compile(r"[^\s，,；;、：:（）()“”\"'《》]+\.(?:pdf|ofd|jpe?g|png|gif|bmp|tiff?|heic|webp|docx?|wps|"
                         r"xlsx?|et|pptx?|zip|rar|7z|txt)", re.I)
_SEPARATORS = " _-—.、，,（(）)【】[]"


def _split(path: str) -> tuple[str, str]:
    folder, name = posixpath.split(path)
    return folder, name


def _stem(name: str) -> str:
    return posixpath.splitext(name)[0]


def _months_in(path: str) -> set[str]:
    out = set()
    for y, m in _MONTH.findall(path):
        if 1 <= int(m) <= 12:
            out.add(f"{y}-{int(m):02d}")
    return out


def declaration_files(decls: list[dict], candidates: list[str]) -> tuple[dict, dict, list[Problem]]:
    """→ (declaration key → attached paths, path → declaration file it belongs to, problems).

    Each lookup is a dictionary probe per path component or name prefix, so a county's
    thousands of declarations and files are matched in one pass.
    """
    by_stem: dict[str, list[dict]] = {}        # "dir/stem" → declarations of that file
    by_cadre: dict[str, list[dict]] = {}
    for d in decls:
        by_stem.setdefault(posixpath.splitext(d["file"])[0], []).append(d)
        if d.get("cadre_id"):
            by_cadre.setdefault(d["cadre_id"], []).append(d)
    attached: dict[str, list[str]] = {}
    owner: dict[str, str] = {}
    problems = []
    for path in candidates:
        found = _by_stem(path, by_stem) or _by_cadre_folder(path, by_cadre, problems)
        for d in found:
            attached.setdefault(d["key"], []).append(path)
        if found:
            owner[path] = found[0]["file"]
    return attached, owner, problems


def _by_stem(path: str, by_stem: dict) -> list[dict]:
    parts = path.split("/")
    for i in range(len(parts) - 1, 0, -1):         # the deepest folder named after a declaration
        hit = by_stem.get("/".join(parts[:i]))
        if hit:
            return hit
    folder, name = _split(path)
    prefix = folder + "/" if folder else ""
    stem = _stem(name)
    for n in range(len(stem), 0, -1):              # the longest declaration name it starts with
        hit = by_stem.get(prefix + stem[:n])
        # “C001_2026-03_证书” starts with “C001_2026-03”; “C0012” does not start with “C001”
        glued = n < len(stem) and _ascii_alnum(stem[n - 1]) and _ascii_alnum(stem[n])
        if hit and not glued:
            return [d for d in hit if d["file"] != path]
    return []


def _ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _by_cadre_folder(path: str, by_cadre: dict, problems: list) -> list[dict]:
    parts = path.split("/")
    for i in range(len(parts) - 2, -1, -1):
        cid = normalize.cadre_id(parts[i])
        decls = by_cadre.get(cid)
        if not decls:
            continue
        folder = "/".join(parts[:i + 1])
        parent = "/".join(parts[:i])
        near = [d for d in decls if d["file"].startswith(folder + "/") or _split(d["file"])[0] == parent]
        months = sorted({d["month"] for d in near if d["month"]})
        if len(months) > 1:
            wanted = _months_in(path[len(parent):])
            months = [m for m in months if m in wanted]
        if len(months) == 1:
            return [d for d in near if d["month"] == months[0]]
        if near:
            problems.append(warning(
                "evidence-ambiguous", f"该文件在干部编号 {cid} 的文件夹中，但无法确定属于哪个月的申报表，未作为佐证材料",
                "请把佐证材料放进以申报表文件名命名的文件夹，或在文件名中写明月份（如 2026-03）。",
                file=path, cadre_id=cid))
        return []
    return []


def _rest(path: str, decl_file: str) -> str:
    """The part of a file's name that says what it is: without the declaration's name."""
    folder, name = _split(path)
    stem = _stem(name)
    dstem = _stem(_split(decl_file)[1])
    if folder == _split(decl_file)[0] and stem.startswith(dstem):
        stem = stem[len(dstem):]
    return stem.strip(_SEPARATORS)


def named_files(text: str) -> list[str]:
    """File names (with an extension) written in an item's 佐证材料 text."""
    return _NAMED_FILE.findall(normalize.text(text))


def assign(items, decl_files: dict, decl_pictures: dict, decl_of: dict) -> tuple[list[list[dict]], list[Problem]]:
    """Each item row's attachments, in row order: its own pictures, the files it names or
    that name its 序号, then its declaration's other files and pictures (shared=True).

    `decl_of`: declaration key → declaration file (to strip its name from a file's name).
    """
    by_decl: dict[str, list[int]] = {}
    for pos, key in enumerate(items["decl"]):
        if key:
            by_decl.setdefault(key, []).append(pos)
    texts = [normalize.text(t).lower() for t in items["evidence"]]
    seqs = list(items["seq"])
    out: list[list[dict]] = [[] for _ in range(len(items))]
    for pos, pics in enumerate(items["pictures"]):
        for p in pics or []:
            out[pos].append(_picture(p, shared=False))
    problems: list[Problem] = []
    for key, rows in by_decl.items():
        files = decl_files.get(key, [])
        taken = set()
        for path in files:
            name = _split(path)[1]
            rest = _rest(path, decl_of.get(key, ""))
            seq = _SEQ.match(rest)
            n = int(seq.group(1)) if seq else None
            lname, lstem, lrest = name.lower(), _stem(name).lower(), rest.lower()
            for pos in rows:
                t = texts[pos]
                named = bool(t) and (lname in t or (len(lstem) >= 2 and not lstem.isdigit() and lstem in t)
                                     or (len(lrest) >= 2 and not lrest.isdigit() and lrest in t))
                if named or (n is not None and n == seqs[pos]):
                    out[pos].append(_file(path, shared=False))
                    taken.add(path)
        shared = [_file(p, shared=True) for p in files if p not in taken]
        shared += [_picture(p, shared=True) for p in decl_pictures.get(key, [])]
        if shared:
            for pos in rows:
                out[pos] += shared
    return out, problems


def _file(path: str, shared: bool) -> dict:
    return {"kind": FILE, "path": path, "name": _split(path)[1], "shared": shared}


def _picture(p: dict, shared: bool) -> dict:
    return {"kind": PICTURE, "path": p["file"], "part": p["part"], "cell": p["cell"], "sheet": p["sheet"],
            "kind_detail": p["kind"], "sha256": p["sha256"], "size": p["size"], "ext": p["ext"],
            "name": f"{p['sheet']}!{p['cell']}", "shared": shared}


def place_pictures(items, safe) -> None:
    """Where each picture is written under output/: 佐证材料/<事项ID>/图片N.ext for an item's
    own pictures, 佐证材料/<干部编号-月份>-随表/图片N.ext for its declaration's (set in place)."""
    for iid, cid, month, part, atts in zip(*frames.columns(items, "item_id", "cadre_id", "month", "part", "attachments")):
        own = [a for a in atts if a["kind"] == PICTURE and not a["shared"]]
        for n, a in enumerate(own, start=1):
            a["out"] = f"{EVIDENCE}/{safe(iid)}/图片{n}.{a['ext']}"
        shared = [a for a in atts if a["kind"] == PICTURE and a["shared"]]
        folder = f"{cid or '未知'}-{month or '未知'}" + (f"-续{part}" if part else "") + "-随表"
        for n, a in enumerate(shared, start=1):
            a["out"] = f"{EVIDENCE}/{safe(folder)}/图片{n}.{a['ext']}"


def summary(evidence_text: str, atts: list[dict], needs: bool) -> str:
    """The review list's 佐证材料 cell: the cadre's text, then what is attached."""
    parts = [evidence_text] if evidence_text else []
    pics = [a for a in atts if a["kind"] == PICTURE]
    own_files = [a["name"] for a in atts if a["kind"] == FILE and not a["shared"]]
    shared_files = [a["name"] for a in atts if a["kind"] == FILE and a["shared"]]
    if pics:
        parts.append(f"图片 {len(pics)} 张")
    if own_files:
        parts.append("文件：" + "、".join(own_files))
    if shared_files:
        parts.append("随表材料：" + "、".join(shared_files))
    if needs and not atts:
        parts.append("（未附文件或图片）")
    return "；".join(parts)


def attach_files(skipped: list, owner: dict, digests: dict, items):
    """The skipped files a declaration owns become 佐证材料 with their SHA-256 (integrity
    hints); → (evidence files, files still skipped, items whose attachments carry digest and
    size). New records throughout: the reader's FileInfo and the checked items stay as they were."""
    from dataclasses import replace

    from jifen.readers.inputs import NOT_WORKBOOK, UNATTACHED

    attached, still = [], []
    for f in skipped:
        if f.path in owner:
            attached.append(replace(f, status=EVIDENCE, note=f"佐证材料，对应申报表 {owner[f.path]}",
                                    sha256=digests.get(f.path, "")))
        else:
            still.append(replace(f, note=UNATTACHED) if f.note == NOT_WORKBOOK else f)
    known = {f.path: f for f in attached}
    if items is not None and "attachments" in items:
        items = items.copy(deep=False)     # copy-on-write: the other columns stay shared
        items["attachments"] = [[{**a, "sha256": known[a["path"]].sha256, "size": known[a["path"]].size}
                                 if a["kind"] == FILE and a["path"] in known else a for a in atts]
                                for atts in items["attachments"]]
    return attached, still, items
