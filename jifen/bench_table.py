"""The benchmark's table: stages × scenarios (wall and CPU seconds of each), the whole run's
totals and memory, then the baseline, the reading floor and the ratios, as lines."""

from __future__ import annotations

import unicodedata

STAGE_W, COL_W = 32, 8
READ = "读取（安全检查+解析）"


def _width(text: str) -> int:
    """Columns on a console: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _left(text: str, width: int = STAGE_W) -> str:
    return text + " " * max(0, width - _width(text))


def _right(text: str, width: int = COL_W) -> str:
    return " " * max(0, width - _width(text)) + text


def _secs(value) -> str:
    return _right("-" if value is None else f"{value:.2f}")


def _span(value: str) -> str:
    """One figure for a scenario: across its wall and CPU columns."""
    return _right(value, 2 * COL_W)


def _mb(value) -> str:
    return "不可测" if value is None else f"{value:.0f}"


def print_table(r: dict, scenarios: list, out) -> None:
    runs = [(key, label, r[key]) for key, label in scenarios]
    cold = r["cold"]
    out("")
    out(f"规模：{r['cadres']} 名干部 × {r['months']} 个月（{r['generated']['declarations']} 份申报表，"
        f"{r['generated']['items']} 个申报事项），CPU {r['cpu_count']} 核")
    out(_left("") + "".join(_span(label) for _, label, _ in runs))
    out(_left("阶段（秒）") + "".join(_right("墙钟") + _right("CPU") for _ in runs))
    stages = list(dict.fromkeys(s for _, _, run in runs for s in run.get("timings", {})))
    for s in stages:
        out(_left(s) + "".join(_secs(run.get("timings", {}).get(s)) + _secs(run.get("cpu", {}).get(s))
                               for _, _, run in runs))
    out(_left("合计（含启动，CPU 为各进程之和）") + "".join(_secs(run["wall_s"]) + _secs(run.get("cpu_s"))
                                                     for _, _, run in runs))
    out(_left("峰值内存 MB（各进程 PSS 之和）") + "".join(_span(_mb(run.get("peak_pss_sum_mb"))) for _, _, run in runs))
    out(_left("峰值内存 MB（各进程 RSS 之和）") + "".join(_span(_mb(run.get("peak_rss_sum_mb"))) for _, _, run in runs))
    out(_left("解析文件数") + "".join(_span(str(run.get("read", {}).get("parsed", 0))) for _, _, run in runs))
    ratios, targets = r.get("ratios", {}), r.get("targets", {})
    out(_left("与冷启动之比（墙钟）") + "".join(_span(_ratio(ratios.get(f"{key}_to_cold"))) for key, _, _ in runs))
    out(_left("与冷启动之比（各进程 CPU）") + "".join(_span(_ratio(ratios.get(f"{key}_cpu_to_cold")))
                                                  for key, _, _ in runs))
    out(_left("目标（墙钟之比）") + "".join(_span(_target(ratios.get(f"{key}_to_cold"), targets.get(f"{key}_to_cold")))
                              for key, _, _ in runs))
    out(_left("下限：未变化 + 写出任务 CPU ÷ 核数") + "".join(_span(_ratio(ratios.get(f"{key}_bound")))
                                                     for key, _, _ in runs))
    out(_left("下限与冷启动之比") + "".join(_span(_ratio(ratios.get(f"{key}_bound_to_cold"))) for key, _, _ in runs))
    out("（下限：即使校验、计分、排名不花时间，用现在的写出方式这次运行也快不过它——内容变了的文件整份重新生成，"
        "其余文件也要先算出内容摘要才知道没变。）")
    out("（“写出：生成全部文件（并行）”的 CPU 只计主进程，它也做写出任务（从最重的做起），这部分 CPU 同时计在各任务的行里；"
        "各写出任务的 CPU 在其所在的进程中计量，列在各自一行；"
        "读取的 CPU 含解析子进程。PSS 把多个进程共用的内存页按份分摊，各进程之和即整个运行实际占用的内存；"
        "RSS 之和把共用的页重复计算。）")
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
            f"{p['converter_s']} 秒）；峰值内存（PSS 之和）{_mb(with_pdf.get('peak_pss_sum_mb'))} MB；"
            f"冷启动 / 基线 = {ratios.get('cold_with_soffice_to_baseline')}")
    share = r.get("new_outputs_share")
    if share:
        out(f"告知单 {share['告知单']:.2f} 秒、积分档案 {share['积分档案']:.2f} 秒（冷启动，各进程合计），"
            f"占全部写出任务的 {share['share'] * 100:.0f}%")
    b = r["baseline"]
    out(f"基线（pandas+openpyxl 仅打开全部申报表）：{b['seconds_for_all']:.1f} 秒"
        f"（实测 {b['files_opened']} 份 {b['seconds']:.1f} 秒）；冷启动 / 基线 = {ratios.get('cold_to_baseline')}")
    f = r["reading_floor"]
    out(f"读取下限（本程序的安全检查 + 解析，只读 {f['files']} 份申报表，{f['workers']} 个进程，不做其他事）："
        f"{f['seconds']:.2f} 秒（CPU {f['cpu_s']:.2f} 秒）；冷启动 / 读取下限 = {ratios.get('cold_to_floor')}，"
        f"冷启动的读取阶段 / 读取下限 = {ratios.get('read_to_floor')}")


def _ratio(value) -> str:
    return "-" if value is None else f"{value:.2f}"


def _target(value, limit) -> str:
    if value is None or limit is None:
        return "-"
    return f"≤ {limit:g} {'达标' if value <= limit else '未达标'}"
