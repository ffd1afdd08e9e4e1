"""The arguments of the per-cadre jobs, each job's own part, pickled before the workers fork.

A forked worker that reads the computed results writes the reference count of every object
it reads, and so copies the page it is on: at 15,000 cadres × 12 months, the ledgers, archives
and 告知单 a worker built this way had copied 600-800 MB of the main process's pages. From a
parcel it reads only bytes and builds its own objects, which it frees after each job.

The parcels go to a temporary file that has no name (nothing is left behind when the run is
killed), or stay in memory when no temporary file can be made. Only the workers open them:
the main process runs the same jobs from their ordinary arguments.
"""

from __future__ import annotations

import os
import pickle
import tempfile


class Parcels:
    """Job index → its pickled arguments."""

    def __init__(self):
        self.spans: dict[int, tuple[int, int]] = {}
        self.kept: dict[int, bytes] = {}       # when no temporary file could be made
        try:
            self.file = tempfile.TemporaryFile(prefix="jifen-jobs-")
        except OSError:
            self.file = None
        self.end = 0

    def put(self, i: int, args: tuple) -> None:
        data = pickle.dumps(args, protocol=pickle.HIGHEST_PROTOCOL)
        if self.file is None:
            self.kept[i] = data
            return
        self.file.write(data)
        self.spans[i] = (self.end, len(data))
        self.end += len(data)

    def seal(self) -> None:
        if self.file is not None:
            self.file.flush()

    def __contains__(self, i: int) -> bool:
        return i in self.spans or i in self.kept

    def get(self, i: int) -> tuple | None:
        """The arguments of job `i`, or None when it has no parcel."""
        return pickle.loads(self.raw(i)) if i in self else None

    def raw(self, i: int) -> bytes:
        """Job `i`'s parcel as stored (pickled)."""
        if i in self.kept:
            return self.kept[i]
        start, size = self.spans[i]
        # pread: the worker shares the file's position with the main process
        chunks = []
        while size > 0:
            chunk = os.pread(self.file.fileno(), size, start)
            if not chunk:
                raise EOFError("任务参数文件不完整")
            chunks.append(chunk)
            start, size = start + len(chunk), size - len(chunk)
        return b"".join(chunks)

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
        self.spans, self.kept = {}, {}


def pack(res, jobs: list, own_args: dict) -> Parcels:
    """A parcel for each job whose function has an `own_args` (function → own_args)."""
    parcels = Parcels()
    for i, (_label, func, args) in enumerate(jobs):
        if func in own_args:
            parcels.put(i, own_args[func](res, args))
    parcels.seal()
    return parcels
