"""`process.py bench`: a synthetic county of a given size, the real pipeline, figures per stage.

Generates the county in a temporary folder (roster, one declaration workbook per cadre and
month written as Excel writes them, monthly registers, a filled review list), then runs
`process.py` in a child process three times — cold, unchanged, after adding one month —
with LibreOffice hidden from PATH (a PC without it), then the cold run once more on a fresh
output folder with LibreOffice present (when installed here): its time to the summary, and
how long until the notices' PDFs, made in the background, are there. Measures a baseline:
pandas + openpyxl merely opening the same declaration workbooks. Prints a table and saves
the figures as JSON.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import xlsxwriter

from jifen.pipeline_paths import ROOT

UNITS = ["县发展和改革局", "县财政局", "城关镇", "青石镇", "县教育局", "县卫生健康局", "县农业农村局", "县自然资源局",
         "县住房和城乡建设局", "县市场监督管理局", "县交通运输局", "县水利局", "县民政局", "县司法局", "县审计局"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉建国红梅志新春海波"
CODES = [("J1-4", 1), ("J1-3", 1), ("J3", 1), ("J5-3", 1), ("J5-2", 1), ("J6", 1), ("J7", 1), ("J4-3", 1),
         ("J1-8", 1), ("K4", 1)]


def _cadres(n: int, rnd: random.Random) -> list[dict]:
    out = []
    n_reserve = max(1, n * 15 // 100)
    for i in range(n):
        reserve = i >= n - n_reserve
        cid = f"H{i:05d}" if reserve else f"K{i:05d}"
        name = rnd.choice(SURNAMES) + rnd.choice(GIVEN) + (rnd.choice(GIVEN) if rnd.random() < 0.6 else "")
        out.append({"id": cid, "name": name, "unit": UNITS[i % len(UNITS)] if n < 200 else f"第{i // 15 + 1}单位",
                    "post": "股长" if reserve else rnd.choice(["局长", "副局长", "镇长", "副镇长", "党委书记"]),
                    "category": "后备干部" if reserve else "科级领导干部"})
    return out


def _xlsx(build) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False})
    wb.set_properties({"created": dt.datetime(2000, 1, 1)})
    build(wb)
    wb.close()
    return buf.getvalue()


def _declaration(cadre: dict, month: str, items: list) -> bytes:
    def build(wb):
        ws = wb.add_worksheet("积分申报表")
        ws.write(0, 0, f"日常积分申报表（{month}）")
        ws.write_row(1, 0, ["干部编号", cadre["id"], "姓名", cadre["name"], "单位", cadre["unit"]])
        ws.write_row(2, 0, ["申报月份", f"{month[:4]}年{int(month[5:])}月"])
        ws.write_row(4, 0, ["序号", "项目代码", "项目名称", "事项说明", "同一事项标识", "发生日期", "数量", "申报分值",
                            "佐证材料", "备注"])
        for i, (code, qty, matter) in enumerate(items, start=1):
            ws.write_row(4 + i, 0, [i, code, "", f"{month}第{i}项工作", matter or "", f"{month}-05", qty, "",
                                    "证明文件", ""])
        ws.write(6 + len(items), 0, "本人承诺以上申报内容真实准确。")
    return _xlsx(build)


def _write_month(args) -> tuple[int, list]:
    folder, cadres, month, seed = args
    rnd = random.Random(seed)
    out = Path(folder) / "申报表" / month
    out.mkdir(parents=True, exist_ok=True)
    ids = []
    for c in cadres:
        k = rnd.choices([0, 1, 2, 3], weights=[35, 35, 20, 10])[0]
        items = []
        for _ in range(k):
            code, qty = rnd.choice(CODES)
            matter = f"事项{rnd.randint(1, 3)}" if code.startswith("J1") and rnd.random() < 0.3 else ""
            items.append((code, qty, matter))
        (out / f"{c['id']}_{month}.xlsx").write_bytes(_declaration(c, month, items))
        ids += [f"{c['id']}-{month}-{i}" for i in range(1, k + 1)]
    return len(cadres), ids


def _register(cadres: list[dict], month: str, rnd: random.Random) -> bytes:
    rows = []
    for c in cadres:
        if rnd.random() < 0.06:
            code = rnd.choice(["A1", "B2", "C1", "D1", "K1", "K4", "K5-2"])
            qty = rnd.choice([1, 2]) if code[0] in "ABCD" else 1
            rows.append([f"DJ{month}-{len(rows) + 1:05d}", c["id"], c["name"], month, code, "巡访登记", "",
                         f"{month}-10", qty, "巡访记录", "赵敏"])

    def build(wb):
        ws = wb.add_worksheet("积分登记表")
        ws.write(0, 0, f"县委组织部积分登记表（{month}）")
        ws.write_row(1, 0, ["登记编号", "干部编号", "姓名", "月份", "项目代码", "事项说明", "同一事项标识", "发生日期", "数量",
                            "依据", "登记人"])
        for i, r in enumerate(rows):
            ws.write_row(2 + i, 0, r)
    return _xlsx(build)


def _roster(cadres: list[dict], year: int) -> bytes:
    def build(wb):
        ws = wb.add_worksheet("干部名册")
        ws.write_row(0, 0, ["干部编号", "姓名", "单位", "职务", "干部类别", "在册起始日期", "在册截止日期"])
        for i, c in enumerate(cadres):
            ws.write_row(1 + i, 0, [c["id"], c["name"], c["unit"], c["post"], c["category"], f"{year - 3}-01-01", ""])
    return _xlsx(build)


def _review(ids_by_month: dict) -> bytes:
    def build(wb):
        ws = wb.add_worksheet("待审核清单")
        ws.write_row(0, 0, ["事项ID", "指纹", "审核结论", "审核人", "审核日期", "类型"])
        r = 1
        for month, ids in sorted(ids_by_month.items()):
            y, m = int(month[:4]), int(month[5:])
            day = f"{y + (m == 12)}-{m % 12 + 1:02d}-08"
            for iid in ids:
                ws.write_row(r, 0, [iid, "", "通过", "赵敏", day, "初审"])
                r += 1
    return _xlsx(build)


def generate(folder: Path, n_cadres: int, months: list[str], seed: int = 1, workers: int = 2) -> dict:
    """Write the synthetic county; returns counts."""
    rnd = random.Random(seed)
    cadres = _cadres(n_cadres, rnd)
    year = int(months[0][:4])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "干部名册.xlsx").write_bytes(_roster(cadres, year))
    chunks = []
    size = max(50, n_cadres // (workers * 2))
    for month in months:
        for i in range(0, n_cadres, size):
            chunks.append((str(folder), cadres[i:i + size], month, zlib.crc32(f"{seed}:{month}:{i}".encode()) & 0xFFFF))
    ids_by_month: dict = {m: [] for m in months}
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for (args, (_, ids)) in zip(chunks, pool.map(_write_month, chunks)):
            ids_by_month[args[2]] += ids
    (folder / "登记表").mkdir(exist_ok=True)
    for month in months:
        (folder / "登记表" / f"登记表_{month}.xlsx").write_bytes(_register(cadres, month, random.Random(month)))
    (folder / "审核结论").mkdir(exist_ok=True)
    (folder / "审核结论" / f"审核结论_{months[0]}_{months[-1]}.xlsx").write_bytes(_review(ids_by_month))
    return {"cadres": n_cadres, "months": len(months), "declarations": n_cadres * len(months),
            "items": sum(len(v) for v in ids_by_month.values())}


def _run_pipeline(inp: Path, out: Path, archive: Path, label: str, soffice: bool = False) -> dict:
    """One run of process.py as a clerk's double-click makes it; LibreOffice hidden from PATH
    unless `soffice`, in which case the run's background PDF conversion is waited for too."""
    from jifen.outputs import pdf

    stats = out.parent / f"timings-{label}.json"
    env = None if soffice else pdf.env_without_soffice(out.parent)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, str(ROOT / "process.py"), "--input", str(inp), "--output", str(out),
                           "--archive", str(archive), "--timings", str(stats)],
                          capture_output=True, text=True, encoding="utf-8", errors="replace", env=env)
    wall = time.perf_counter() - start
    if soffice:
        pdf.convert(out)                        # returns once the background conversion is done
        last = pdf.load_status(out).get("last", {})
        made = sorted(out.rglob("*.pdf"))
        data_pdf = {"ready_s": round(time.perf_counter() - start, 2), "pdfs": len(made),
                    "converter_s": last.get("seconds"), "failed": last.get("failed", []),
                    "pages_largest": max((_pages(p) for p in made), default=0)}
    data = json.loads(stats.read_text("utf-8")) if stats.exists() else {}
    data.update({"wall_s": round(wall, 2), "exit": proc.returncode})
    if soffice:
        data["pdf"] = data_pdf
    if proc.returncode == 2 or not stats.exists():
        data["stderr"] = proc.stderr[-2000:]
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


def months_of(year: int, n: int) -> list[str]:
    return [f"{year + (m - 1) // 12}-{(m - 1) % 12 + 1:02d}" for m in range(1, n + 1)]


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
    base = Path(folder) if folder else Path(tempfile.mkdtemp(prefix="jifen-bench-"))
    inp, output, archive = base / "input", base / "output", base / "archive"
    year = 2026
    result = {"cadres": cadres, "months": months, "cpu_count": os.cpu_count(), "python": sys.version.split()[0]}
    try:
        out(f"生成模拟县：{cadres} 名干部 × {months} 个月 …")
        t = time.perf_counter()
        result["generated"] = generate(inp, cadres, months_of(year, months))
        result["generate_s"] = round(time.perf_counter() - t, 2)
        out(f"  生成 {result['generated']['declarations']} 份申报表，用时 {result['generate_s']} 秒")
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
        decls = sorted((inp / "申报表").rglob("*.xlsx"))[: cadres * months]
        sample = decls if not baseline_sample or baseline_sample >= len(decls) else decls[::max(
            1, len(decls) // baseline_sample)]
        out(f"基线：pandas + openpyxl 打开 {len(sample)} 份申报表 …")
        secs = _baseline(sample)
        full = secs * len(decls) / max(1, len(sample))
        result["baseline"] = {"files_opened": len(sample), "seconds": round(secs, 2),
                              "seconds_for_all": round(full, 2)}
        result["ratio_cold_to_baseline"] = round(result["cold"]["wall_s"] / full, 3) if full else None
        if result["cold_with_soffice"] and full:
            result["ratio_cold_with_soffice_to_baseline"] = round(result["cold_with_soffice"]["wall_s"] / full, 3)
        result["new_outputs_share"] = new_outputs_share(result["cold"].get("timings", {}))
    finally:
        if not keep and not folder:
            shutil.rmtree(base, ignore_errors=True)
    _print_table(result, out)
    result["bad_files"] = bad_files(out)
    if json_path:
        Path(json_path).write_text(json.dumps(result, ensure_ascii=False, indent=1), "utf-8")
        out(f"结果已保存：{json_path}")
    return result


WRITE_TOTALS = ("写出：生成全部文件（并行）", "写出：落盘", "写出：通报 PDF（LibreOffice）")


def new_outputs_share(timings: dict) -> dict | None:
    """The 告知单 and 积分档案 jobs' time and their share of all output jobs (job seconds summed
    over the worker processes; the stage totals are left out)."""
    jobs = {k: v for k, v in timings.items() if k.startswith("写出：") and k not in WRITE_TOTALS}
    total = sum(jobs.values())
    if not total:
        return None
    mine = {name: jobs.get(f"写出：{name}", 0.0) for name in ("告知单", "积分档案")}
    return {**mine, "share": round(sum(mine.values()) / total, 3)}


def _print_table(r: dict, out) -> None:
    out("")
    out(f"规模：{r['cadres']} 名干部 × {r['months']} 个月（{r['generated']['declarations']} 份申报表，"
        f"{r['generated']['items']} 个申报事项），CPU {r['cpu_count']} 核")
    out(f"{'阶段':<28}{'冷启动(秒)':>12}{'未变化(秒)':>12}{'加一个月(秒)':>14}{'峰值内存MB':>12}")
    cold, same, add = r["cold"], r["unchanged"], r["added_month"]
    stages = list(dict.fromkeys(list(cold.get("timings", {})) + list(add.get("timings", {}))))
    for s in stages:
        out(f"{s:<28}{cold.get('timings', {}).get(s, 0):>12.2f}{same.get('timings', {}).get(s, 0):>12.2f}"
            f"{add.get('timings', {}).get(s, 0):>14.2f}{cold.get('peaks', {}).get(s, 0):>12.0f}")
    out(f"{'合计（墙钟，含启动）':<26}{cold['wall_s']:>12.2f}{same['wall_s']:>12.2f}{add['wall_s']:>14.2f}"
        f"{cold.get('peak_mb', 0):>12.0f}")
    out(f"解析文件数：冷启动 {cold.get('read', {}).get('parsed')}，未变化 {same.get('read', {}).get('parsed', 0)}，"
        f"加一个月 {add.get('read', {}).get('parsed')}")
    rd_ = cold.get("read", {})
    if rd_.get("parsed"):
        per = 1000 / rd_["parsed"]
        out(f"读取的 CPU 时间（冷启动，各进程合计）：安全检查 {rd_.get('gate_cpu_s', 0):.2f} 秒"
            f"（每个文件 {rd_.get('gate_cpu_s', 0) * per:.3f} 毫秒），解析 {rd_.get('parse_cpu_s', 0):.2f} 秒"
            f"（每个文件 {rd_.get('parse_cpu_s', 0) * per:.3f} 毫秒）")
    with_pdf = r.get("cold_with_soffice")
    if with_pdf:
        p = with_pdf["pdf"]
        out(f"装有 LibreOffice 的冷启动：{with_pdf['wall_s']:.2f} 秒出结果（窗口可关闭），其后在后台生成 {p['pdfs']} 份"
            f"通报 PDF（最长 {p['pages_largest']} 页），运行开始后 {p['ready_s']:.1f} 秒全部生成（转换本身 "
            f"{p['converter_s']} 秒）；冷启动 / 基线 = {r.get('ratio_cold_with_soffice_to_baseline')}")
    share = new_outputs_share(cold.get("timings", {}))
    if share:
        out(f"告知单 {share['告知单']:.2f} 秒、积分档案 {share['积分档案']:.2f} 秒（冷启动，各进程合计），"
            f"占全部写出任务的 {share['share'] * 100:.0f}%")
    b = r["baseline"]
    out(f"基线（pandas+openpyxl 仅打开全部申报表）：{b['seconds_for_all']:.1f} 秒"
        f"（实测 {b['files_opened']} 份 {b['seconds']:.1f} 秒）；冷启动 / 基线 = {r['ratio_cold_to_baseline']}")
