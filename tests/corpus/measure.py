"""Time and memory of reading one bad file alone (`parse_file`), for the tests and the benchmark.

`measure(path, rel)` runs in this process: wall time (time.perf_counter) and the peak of Python
allocations (tracemalloc). tracemalloc does not see native allocations (calamine is Rust), so
`measure_native(files)` also reads each file in one child process and reports, per file, the
peak resident memory above the child's baseline (Linux: VmHWM reset through
/proc/self/clear_refs before each file; elsewhere the figures are None).

    python tests/corpus/measure.py CORPUS_DIR     # a table for every case of make_corpus
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def measure(path: Path, rel: str, trace: bool = True) -> dict:
    """→ {seconds, py_peak_mb, status, codes} for parse_file(path, rel) in this process.

    With `trace`, the time is taken without tracemalloc and the file is read a second time under
    it (tracemalloc makes allocation-heavy reads five times slower); without it py_peak_mb is None.
    """
    from jifen.readers.inputs import parse_file

    t = time.perf_counter()
    parsed = parse_file(Path(path), rel)
    seconds = time.perf_counter() - t
    peak = None
    if trace:
        tracemalloc.start()
        try:
            parse_file(Path(path), rel)
            peak = tracemalloc.get_traced_memory()[1] / 2**20
        finally:
            tracemalloc.stop()
    return {"seconds": seconds, "py_peak_mb": peak, "status": parsed.info.status,
            "codes": [p.code for p in parsed.problems]}


_CHILD = r"""
import json, re, sys, time
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from jifen.readers.inputs import parse_file
import openpyxl, defusedxml.ElementTree  # noqa: F401  - lazy imports of the readers, loaded up front

def status(key):
    return int(re.search(key + r":\s+(\d+)", open("/proc/self/status").read()).group(1)) / 1024

out = {}
for path, rel in json.loads(sys.stdin.read()):
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")                      # reset VmHWM to the current RSS
        base = status("VmRSS")
    except OSError:
        base = None
    t = time.perf_counter()
    parse_file(Path(path), rel)
    secs = time.perf_counter() - t
    out[rel] = {"seconds": secs, "rss_peak_mb": None if base is None else status("VmHWM") - base}
print(json.dumps(out))
"""


def measure_native(files: list[tuple[Path, str]], timeout: float = 120) -> dict:
    """→ {rel: {seconds, rss_peak_mb}}: every file read in one fresh child process, in order."""
    if not sys.platform.startswith("linux"):
        return {rel: {"seconds": None, "rss_peak_mb": None} for _, rel in files}
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(ROOT)],
                          input=json.dumps([[str(p), rel] for p, rel in files]),
                          capture_output=True, text=True, timeout=timeout, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def table(rows: dict) -> str:
    """rows: {rel: {seconds, py_peak_mb, rss_peak_mb, ...}} → aligned text, slowest first."""
    def mb(v):
        return "-" if v is None else f"{v:.1f}"

    lines = [f"{'file':<34} {'time ms':>8} {'py MB':>7} {'rss MB':>7}  status / codes"]
    for rel, r in sorted(rows.items(), key=lambda kv: -(kv[1].get("seconds") or 0)):
        lines.append(f"{rel:<34} {r['seconds'] * 1000:8.0f} {mb(r.get('py_peak_mb')):>7} "
                     f"{mb(r.get('rss_peak_mb')):>7}  {r.get('status', '')} {','.join(r.get('codes', []))}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "tests"))
    from corpus import make_corpus

    folder = Path(argv[0]) if argv else Path("corpus-out")
    cases = make_corpus.build(folder)
    files = [(folder / c.name, c.name) for c in cases if c.status != make_corpus.SKIPPED]
    heavy = {c.name for c in cases if c.heavy}
    rows = {rel: measure(p, rel, trace=rel not in heavy) for p, rel in files}
    for rel, native in measure_native(files).items():
        rows[rel]["rss_peak_mb"] = native["rss_peak_mb"]
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
