"""Tamper evidence for the archive: what publishing records (jifen/publishing/verify.py checks it).

Publishing writes `归档清单.json` into archive/PERIOD/N/: the SHA-256 of every file archived
there, and the list of input workbooks the period was computed from (relative path and
SHA-256). The input workbooks themselves are kept once each, by content, in
archive/输入材料/ (a file unchanged from one publication to the next is stored once).
The manifest's own SHA-256 is the publication's fingerprint, printed when publishing, for
the clerk to note on the file copy of the notice: a manifest rewritten to match altered
files then no longer matches the fingerprint on paper.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

from jifen.files import sha256_of_file

MANIFEST = "归档清单.json"
STORE = "输入材料"


class InputsChanged(Exception):
    """An input workbook changed on disk after the run read it (Chinese message)."""


def store_inputs(files: list, input_dir: Path, archive_dir: Path) -> list[dict]:
    """Copy each input workbook the run read into archive/输入材料/ (once per content)
    → the manifest's input list. Raises InputsChanged when a file no longer holds what was read."""
    store = archive_dir / STORE
    store.mkdir(parents=True, exist_ok=True)
    listed = []
    for info in sorted(files, key=lambda f: f.path):
        src = input_dir / info.path
        suffix = src.suffix.lower() if re.fullmatch(r"\.[a-z0-9]{1,5}", src.suffix.lower()) else ""
        target = store / f"{info.sha256}{suffix}"
        if not target.exists() or sha256_of_file(target) != info.sha256:
            tmp = target.with_name(f".{target.name}.tmp")
            shutil.copyfile(src, tmp)
            if sha256_of_file(tmp) != info.sha256:
                tmp.unlink()
                raise InputsChanged(f"输入文件 {info.path} 在运行期间被修改，请重新发布。")
            tmp.replace(target)
        listed.append({"path": info.path, "sha256": info.sha256, "stored": f"{STORE}/{target.name}"})
    return listed


def write_manifest(folder: Path, period_key: str, number: int, inputs: list[dict]) -> str:
    """归档清单.json for the publication being assembled in `folder` → its fingerprint."""
    from jifen import __version__

    files = {p.name: sha256_of_file(p) for p in sorted(folder.iterdir()) if p.is_file() and p.name != MANIFEST}
    data = {"period": period_key, "published": number, "program_version": __version__,
            "files": files, "inputs": inputs}
    raw = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
    (folder / MANIFEST).write_bytes(raw)
    return hashlib.sha256(raw).hexdigest()
