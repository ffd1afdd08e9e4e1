"""`process.py bench`: a synthetic county of a given size, the real pipeline, figures per stage.

Generates the county in a temporary folder (jifen/bench_county.py), then runs `process.py`
in a child process, on the same input and output folders, once per scenario — cold (no
cache), unchanged, after one cadre's corrected declaration, after one review decision
changed, after adding one month — with LibreOffice hidden from PATH (a PC without it); and
the cold run once more on a fresh output folder with LibreOffice present (when installed
here): its time to the summary, and how long until the notices' PDFs, made in the
background, are there. Each run reports wall and CPU seconds per stage (--timings), and
the bench samples the memory of the run's whole process tree (jifen/proctree.py). Measures
a baseline (pandas + openpyxl merely opening the same declaration workbooks) and a reading
floor (the project's own gate + parse of them, nothing else). Prints a table and saves the
figures as JSON.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from jifen.bench_county import generate, make_county, months_of  # noqa: F401 - generate: tools/, README
from jifen.pipeline_paths import ROOT

# the runs on the same folders, in order, with the table's labels
SCENARIOS = [("cold", "冷启动"), ("unchanged", "未变化"), ("corrected_declaration", "更正一份申报"),
             ("review_decision", "一项审核结论"), ("added_month", "加一个月")]
TARGETS = {"corrected_declaration": 0.25, "review_decision": 0.25, "added_month": 0.5}   # × the cold run
BASELINE_CAP = 3000     # files the baseline opens when not told: beyond, an even sample, scaled up


def _run_pipeline(inp: Path, out: Path, archive: Path, label: str, soffice: bool = False) -> dict:
    """One run of process.py as a clerk's double-click makes it; LibreOffice hidden from PATH
    unless `soffice`, in which case the run's background PDF conversion is waited for too.
    Adds the CPU of all its processes and the peak memory of its process tree."""
    from jifen import proctree
    from jifen.outputs import pdf
    from jifen.timing import children_cpu

    stats = out.parent / f"timings-{label}.json"
    env = None if soffice else pdf.env_without_soffice(out.parent)
    cpu = children_cpu()
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(ROOT / "process.py"), "--input", str(inp), "--output", str(out),
                             "--archive", str(archive), "--timings", str(stats)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
                            errors="replace", env=env)
    sampler = proctree.TreeSampler(proc.pid)
    try:
        _, stderr = proc.communicate()
    finally:
        memory = sampler.stop()
    wall = time.perf_counter() - start
    cpu = children_cpu() - cpu          # the run and every child it waited for
    if soffice:
        pdf.convert(out)                        # returns once the background conversion is done
        last = pdf.load_status(out).get("last", {})
        made = sorted(out.rglob("*.pdf"))
        data_pdf = {"ready_s": round(time.perf_counter() - start, 2), "pdfs": len(made),
                    "converter_s": last.get("seconds"), "failed": last.get("failed", []),
                    "pages_largest": max((_pages(p) for p in made), default=0)}
    data = json.loads(stats.read_text("utf-8")) if stats.exists() else {}
    data.update({"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "exit": proc.returncode, **memory})
    if soffice:
        data["pdf"] = data_pdf
    if proc.returncode == 2 or not stats.exists():
        data["stderr"] = stderr[-2000:]
    return data


def _pages(pdf_path: Path) -> int:
    """Pages of a PDF LibreOffice wrote (its page objects are uncompressed)."""
    import re

    return len(re.findall(rb"/Type\s*/Page[^s]", pdf_path.read_bytes()))


def _baseline(files: list[Path]) -> float:
    import pandas as pd

    start = time.perf_counter()
    for f in files:
        pd.read_excel(f, sheet_name=None, engine="openpyxl", header=None)
    return time.perf_counter() - start


def even_sample(files: list, n: int | None) -> list:
    """`n` of `files` spread evenly over them (all when `n` is None or not fewer)."""
    if not n or n >= len(files):
        return list(files)
    return [files[i * len(files) // n] for i in range(n)]


def reading_floor(files: list[Path], root: Path, workers: int | None = None) -> dict:
    """The project's own safety gate + calamine parse of `files` and nothing else (no hashing,
    no records, no cache), in as many worker processes as a run uses: what reading costs at
    the least."""
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    from jifen.readers import batch
    from jifen.workers import start_method

    workers = workers or min(4, os.cpu_count() or 1)         # as a run's read_inputs
    todo = [(str(f), f.relative_to(root).as_posix()) for f in files]
    method = start_method()
    parallel = len(todo) >= batch.PARALLEL_FROM and workers > 1 and method != "serial"
    chunk = max(20, len(todo) // (workers * 8))                 # batches as a run's _parse_parallel
    start = time.perf_counter()
    if parallel:
        with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context(method)) as pool:
            cpu = sum(pool.map(_gate_and_parse, [todo[i:i + chunk] for i in range(0, len(todo), chunk)]))
    else:
        cpu = _gate_and_parse(todo)
    return {"files": len(todo), "workers": workers if parallel else 1,
            "seconds": round(time.perf_counter() - start, 2), "cpu_s": round(cpu, 2)}


def _gate_and_parse(todo: list) -> float:
    """→ CPU seconds this process spent on them."""
    from jifen.readers import book, gate

    start = time.process_time()
    for path, rel in todo:
        data = Path(path).read_bytes()
        verdict = gate.inspect(data, rel)
        if verdict.ok:
            book.read_book(data, rel, verdict)
    return time.process_time() - start


def bad_files(out=print) -> dict | None:
    """Time and memory of reading each kind of broken or hostile file alone (the corpus that
    ships in tests/corpus); None when the tests folder is not present."""
    corpus_dir = ROOT / "tests"
    if not (corpus_dir / "corpus" / "make_corpus.py").exists():
        return None
    sys.path.insert(0, str(corpus_dir))
    from corpus import make_corpus, measure

    with tempfile.TemporaryDirectory(prefix="jifen-corpus-") as tmp:
        cases = make_corpus.build(Path(tmp))
        files = [(Path(tmp) / c.name, c.name) for c in cases if c.status != make_corpus.SKIPPED]
        rows = {rel: measure.measure(path, rel, trace=False) for path, rel in files}
        for rel, native in measure.measure_native(files).items():
            rows[rel]["rss_peak_mb"] = native["rss_peak_mb"]
    worst_t = max(rows.items(), key=lambda kv: kv[1]["seconds"])
    worst_m = max(rows.items(), key=lambda kv: kv[1].get("rss_peak_mb") or 0)
    summary = {"kinds": len(cases), "read": len(files),
               "with_problem": sum(1 for r in rows.values() if r["codes"]),
               "slowest": {"file": worst_t[0], "seconds": round(worst_t[1]["seconds"], 3)},
               "most_memory": {"file": worst_m[0], "rss_mb": worst_m[1].get("rss_peak_mb")},
               "files": {k: {"seconds": round(v["seconds"], 4), "rss_mb": v.get("rss_peak_mb"),
                             "status": v["status"], "codes": v["codes"]} for k, v in rows.items()}}
    out(f"坏文件（{summary['kinds']} 种，逐个单独读取）：最慢 {worst_t[0]} {worst_t[1]['seconds']:.2f} 秒；"
        f"内存最多 {worst_m[0]} {worst_m[1].get('rss_peak_mb') or 0:.0f} MB")
    return summary


def run_bench(cadres: int, months: int, folder: Path | None = None, baseline_sample: int | None = None,
              json_path: Path | None = None, keep: bool = False, out=print) -> dict:
    from jifen.bench_table import print_table

    base = Path(folder) if folder else Path(tempfile.mkdtemp(prefix="jifen-bench-"))
    inp, output, archive = base / "input", base / "output", base / "archive"
    year = 2026
    result = {"cadres": cadres, "months": months, "cpu_count": os.cpu_count(), "python": sys.version.split()[0],
              "scenarios": [{"key": k, "label": label} for k, label in SCENARIOS]}
    try:
        out(f"生成模拟县：{cadres} 名干部 × {months} 个月 …")
        t = time.perf_counter()
        county = make_county(inp, cadres, months_of(year, months))
        result["generated"] = county.counts
        result["generate_s"] = round(time.perf_counter() - t, 2)
        out(f"  生成 {result['generated']['declarations']} 份申报表，用时 {result['generate_s']} 秒")
        decls = [county.declaration_path(c, m) for m in county.months for c in county.cadres]
        out("冷启动运行（无缓存）…")
        result["cold"] = _run_pipeline(inp, output, archive, "cold")
        from jifen.outputs.pdf import find_soffice
        if find_soffice():
            out("冷启动运行，装有 LibreOffice（另一个输出文件夹，等待后台生成 PDF）…")
            result["cold_with_soffice"] = _run_pipeline(inp, base / "output-pdf", archive, "cold-pdf", soffice=True)
        else:
            result["cold_with_soffice"] = None
            out("本机未安装 LibreOffice，不测量装有 LibreOffice 时的冷启动。")
        out("未变化的再次运行 …")
        result["unchanged"] = _run_pipeline(inp, output, archive, "unchanged")
        out("一名干部更正一份申报表后运行 …")
        changed = county.correct_declaration()
        result["corrected_declaration"] = {**_run_pipeline(inp, output, archive, "corrected"), "changed_file": changed}
        out("审核结论中改动一项（通过 → 不通过）后运行 …")
        changed = county.change_one_decision()
        result["review_decision"] = {**_run_pipeline(inp, output, archive, "review"), "changed_item": changed}
        out("增加一个月后运行 …")
        extra = months_of(year, months + 1)[-1]
        generate_month = generate(base / "extra", cadres, [extra])
        for f in (base / "extra").rglob("*.xlsx"):
            if "干部名册" in f.name:
                continue
            target = inp / f.relative_to(base / "extra")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(f), target)
        result["added_month"] = {**_run_pipeline(inp, output, archive, "added"), "new_files": generate_month}
        sample = even_sample(decls, baseline_sample or BASELINE_CAP)
        out(f"基线：pandas + openpyxl 打开 {len(sample)} 份申报表 …")
        secs = _baseline(sample)
        full = secs * len(decls) / max(1, len(sample))
        result["baseline"] = {"files_opened": len(sample), "seconds": round(secs, 2),
                              "seconds_for_all": round(full, 2)}
        out(f"读取下限：本程序的安全检查 + 解析，只读 {len(decls)} 份申报表 …")
        result["reading_floor"] = reading_floor(decls, inp)
        result.update(ratios(result, full))
        result["new_outputs_share"] = new_outputs_share(result["cold"].get("timings", {}))
    finally:
        if not keep and not folder:
            shutil.rmtree(base, ignore_errors=True)
    print_table(result, SCENARIOS, out)
    result["bad_files"] = bad_files(out)
    if json_path:
        Path(json_path).write_text(json.dumps(result, ensure_ascii=False, indent=1), "utf-8")
        out(f"结果已保存：{json_path}")
    return result


def ratios(r: dict, baseline_s: float) -> dict:
    """The cold runs against the baseline and the reading floor, each later scenario against
    the cold run (wall seconds, start-up included), and the targets for those."""
    def ratio(a, b):
        return round(a / b, 3) if a is not None and b else None

    cold, floor = r["cold"]["wall_s"], r["reading_floor"]["seconds"]
    soffice = r["cold_with_soffice"]["wall_s"] if r["cold_with_soffice"] else None
    found = {"cold_to_baseline": ratio(cold, baseline_s), "cold_with_soffice_to_baseline": ratio(soffice, baseline_s),
             "cold_to_floor": ratio(cold, floor),
             "read_to_floor": ratio(r["cold"].get("timings", {}).get("读取（安全检查+解析）"), floor)}
    found.update({f"{key}_to_cold": ratio(r[key]["wall_s"], cold) for key, _ in SCENARIOS[1:]})
    # CPU seconds of all processes: steadier than wall time on a machine others are using
    found.update({f"{key}_cpu_to_cold": ratio(r[key].get("cpu_s"), r["cold"].get("cpu_s")) for key, _ in SCENARIOS[1:]})
    cores = r.get("cpu_count") or 1
    for key, _ in SCENARIOS[2:]:
        found[f"{key}_bound"] = lower_bound(r["unchanged"], r[key], cores)
        found[f"{key}_bound_to_cold"] = ratio(found[f"{key}_bound"], cold)
    more = {"ratio_cold_to_baseline": found["cold_to_baseline"], "ratios": found,
            "targets": {f"{key}_to_cold": limit for key, limit in TARGETS.items()}}
    if soffice is not None and baseline_s:
        more["ratio_cold_with_soffice_to_baseline"] = found["cold_with_soffice_to_baseline"]
    return more


WRITE_TOTALS = ("写出：生成全部文件（并行）", "写出：落盘", "写出：通报 PDF（LibreOffice）")


def lower_bound(unchanged: dict, run: dict, cores: int) -> float | None:
    """What `run` cannot be quicker than with today's writers, even with no checking, scoring
    or ranking at all: a run that finds nothing changed (start-up, every input's times, the
    rulebook), plus the CPU of its output jobs spread perfectly over the cores. Those jobs
    rebuild, whole, each output whose content changed (shared strings numbered by first use,
    a sheet's XML deflated as one stream), and work out the view of every other output to
    see that it did not change; that second part could be skipped with finer tracking of
    what each output depends on, so this is no bound on every possible program."""
    if unchanged.get("wall_s") is None or not run.get("cpu"):
        return None
    jobs = sum(v for k, v in run["cpu"].items() if k.startswith("写出：") and k not in WRITE_TOTALS + ("写出：总览",))
    return round(unchanged["wall_s"] + jobs / max(1, cores), 2)


def new_outputs_share(timings: dict) -> dict | None:
    """The 告知单 and 积分档案 jobs' time and their share of all output jobs (job seconds summed
    over the worker processes; the stage totals are left out)."""
    jobs = {k: v for k, v in timings.items() if k.startswith("写出：") and k not in WRITE_TOTALS}
    total = sum(jobs.values())
    if not total:
        return None
    mine = {name: jobs.get(f"写出：{name}", 0.0) for name in ("告知单", "积分档案")}
    return {**mine, "share": round(sum(mine.values()) / total, 3)}
