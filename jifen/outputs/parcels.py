"""The arguments of the per-cadre jobs, each job's own part of the results, pickled for a
worker that shares nothing with the main process (outputs/__init__.py, _parcel_pool).

A forked worker that reads the computed results writes the reference count of every object
it reads, and so copies the page it is on; it also keeps the pre-fork copy of every page the
main process writes to afterwards: at 15,000 cadres × 12 months, 600-800 MB. A worker
started afresh is handed each job's parcel with the job, builds its own objects from it and
frees them after the job. The parcels wait in a nameless temporary file (jifen/spill.py)
until a job is handed over; the main process runs the same jobs from their ordinary
arguments.
"""

from __future__ import annotations

import pickle

from jifen.spill import Spill


class Parcels(Spill):
    """Job index → its arguments, pickled."""

    def __init__(self):
        super().__init__("jifen-jobs-")

    def put(self, i: int, args: tuple) -> None:
        super().put(i, pickle.dumps(args, protocol=pickle.HIGHEST_PROTOCOL))

    def get(self, i: int) -> tuple | None:
        """The arguments of job `i`, or None when it has no parcel."""
        return pickle.loads(self.raw(i)) if i in self else None

    def raw(self, i: int) -> bytes:
        """Job `i`'s parcel as stored (what a worker is handed)."""
        return super().get(i)


def pack(res, jobs: list, own_args: dict) -> Parcels:
    """A parcel for each job whose function has an `own_args` (function → own_args)."""
    parcels = Parcels()
    for i, (_label, func, args) in enumerate(jobs):
        if func in own_args:
            parcels.put(i, own_args[func](res, args))
    return parcels
