"""A quiet progress line for steps that can take more than a second (stderr, terminals only)."""

from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, label: str, total: int, stream=None, min_total: int = 200):
        self.label, self.total, self.done = label, total, 0
        self.stream = stream or sys.stderr
        self.active = total >= min_total and hasattr(self.stream, "isatty") and self.stream.isatty()
        self._last = 0.0

    def update(self, n: int = 1) -> None:
        self.done += n
        if not self.active:
            return
        now = time.monotonic()
        if now - self._last >= 0.1 or self.done >= self.total:
            self._last = now
            width = 30
            filled = int(width * self.done / max(1, self.total))
            self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total}")
            self.stream.flush()

    def close(self) -> None:
        if self.active:
            self.stream.write("\n")
            self.stream.flush()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
