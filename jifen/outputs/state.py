"""What the program last wrote into output/ (path → SHA-256), to notice a list filled in place.

A clerk who fills the review list where it lies in output/ would lose the work on the next
run; comparing the file with what we wrote tells us, and the list is then left untouched.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from jifen.files import write_atomic

STATE_NAME = ".jifen-outputs.json"


def load(output_dir: Path) -> dict:
    try:
        return json.loads((output_dir / STATE_NAME).read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def known(recorded: dict, rel: str) -> list:
    """The contents (SHA-256) the program wrote at `rel`: one, or two while a run is writing."""
    value = recorded.get(rel)
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def sha256_path(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def save(output_dir: Path, hashes: dict) -> None:

    data = json.dumps(dict(sorted(hashes.items())), ensure_ascii=False, indent=1).encode("utf-8")
    try:
        write_atomic(output_dir / STATE_NAME, data)
    except OSError:
        pass  # losing the record only makes the next run more careful


RUN_NAME = ".jifen-run.json"


def load_run(output_dir: Path) -> dict:
    try:
        return json.loads((output_dir / RUN_NAME).read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def save_run(output_dir: Path, record: dict) -> None:

    try:
        write_atomic(output_dir / RUN_NAME, json.dumps(record, ensure_ascii=False, indent=1).encode("utf-8"))
    except OSError:
        pass


def outputs_intact(output_dir: Path, outputs: list) -> bool:
    """Every output of the last run is still there, and no review list was filled in place."""
    recorded = load(output_dir)
    for rel in outputs:
        path = output_dir / rel
        if not path.exists():
            return False
        if rel.startswith("待审核/") and sha256_path(path) not in known(recorded, rel):
            return False
    return True


def forget_run(output_dir: Path) -> None:
    try:
        (output_dir / RUN_NAME).unlink()
    except OSError:
        pass


CACHE_DIR = ".cache"


def remove_stale_temporaries(output_dir: Path) -> None:
    """Temporary files a killed run left beside its outputs (never a finished output)."""
    if not output_dir.is_dir():
        return
    for tmp in output_dir.rglob(".~*.tmp"):
        if CACHE_DIR in tmp.relative_to(output_dir).parts:
            continue          # the parse cache may be being saved right now; it tidies its own
        try:
            tmp.unlink()
        except OSError:
            pass
