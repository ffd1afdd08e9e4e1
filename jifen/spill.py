"""Bytes put aside under a key in a temporary file that has no name, read back by key.

For data a run holds only to hand on later, which at a province's size would otherwise
stay in memory: the parse results waiting for the cache's save (readers/cache.py), the
per-cadre jobs' parcels waiting for a worker (outputs/parcels.py). The file is gone as soon
as it is closed or the program is killed; when no temporary file can be made, the bytes
stay in memory.
"""

from __future__ import annotations

import tempfile
import threading


class Spill:
    def __init__(self, prefix: str):
        try:
            self.file = tempfile.TemporaryFile(prefix=prefix)
        except OSError:
            self.file = None        # no temporary folder: the bytes stay in memory
        self.spans: dict = {}       # key → (start, size) in the file, or the bytes themselves
        self.end = 0
        self.unflushed = False
        self.lock = threading.Lock()    # a worker pool's result thread reads while this one does

    def put(self, key, data: bytes) -> None:
        if self.file is None:
            self.spans[key] = data
            return
        self.file.write(data)
        self.spans[key] = (self.end, len(data))
        self.end += len(data)
        self.unflushed = True

    def __contains__(self, key) -> bool:
        return key in self.spans

    def get(self, key) -> bytes:
        where = self.spans[key]
        if isinstance(where, bytes):
            return where
        start, size = where
        with self.lock:
            if self.unflushed:
                self.file.flush()
                self.unflushed = False
            self.file.seek(start)
            data = self.file.read(size)
        if len(data) != size:
            raise EOFError("临时文件不完整")
        return data

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
        self.file, self.spans, self.end = None, {}, 0
