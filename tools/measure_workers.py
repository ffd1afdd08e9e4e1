"""Parsing time with one process, spawned workers and forked workers (docs/launchers.md).

    python tools/measure_workers.py input                 # the demo county
    python tools/measure_workers.py /tmp/county --generate 500
                                                          # a generated county of 500 cadres × 12 months

No parse cache is used; each method is timed once, in the order serial, spawn, fork.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    from jifen import bench
    from jifen.readers import batch

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--generate", type=int, metavar="CADRES",
                        help="first generate a county of this many cadres into the folder")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if args.generate and not args.folder.exists():
        bench.generate(args.folder, args.generate, [f"2025-{m:02d}" for m in range(1, 13)])
    for method in ("serial", "spawn", "fork"):
        os.environ["JIFEN_START_METHOD"] = method
        start = time.perf_counter()
        parsed, _ = batch.read_inputs(args.folder, workers=args.workers)
        print(f"{method:6} {len(parsed)} files {time.perf_counter() - start:.2f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
