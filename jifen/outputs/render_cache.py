"""Rendered pieces of an output kept between runs, by the digest of what they were made from.

A unit's ledger gathers every cadre's sheet of the unit: when one cadre's figures change the
file is built again, but the other sheets are the same. Each sheet is stored here under the
view digest of that cadre's own ledger (outputs/reuse.py: the program, templates, rulebook and
folders are in it), so a sheet found here is the one the writer would render now. Only what a
run used is kept; losing or damaging the file only makes the next run render again.
"""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

from jifen.files import write_atomic
from jifen.outputs.state import CACHE_DIR


class RenderCache:
    def __init__(self, output_dir: Path, name: str):
        tag = hashlib.sha256(name.encode("utf-8")).hexdigest()[:24]
        self.path = Path(output_dir) / CACHE_DIR / "render" / f"{tag}.pickle"
        self.old: dict | None = None
        self.new: dict = {}

    def get(self, key: str | None):
        if not key:
            return None
        if self.old is None:
            try:
                with open(self.path, "rb") as fh:
                    stored = pickle.load(fh)
                self.old = stored if isinstance(stored, dict) else {}
            except Exception:          # missing or damaged: render again
                self.old = {}
        return self.old.get(key)

    def put(self, key: str | None, value) -> None:
        if key:
            self.new[key] = value

    def save(self) -> None:
        if not self.new:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, pickle.dumps(self.new, protocol=4))
        except OSError:
            pass
