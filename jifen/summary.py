"""The console's last words: what was read, what counts, the balance, where the outputs are."""

from __future__ import annotations

from jifen import normalize
from jifen.timing import peak_rss_mb


def print_summary(res, out=print, verdict: bool = True, writes: bool = True) -> None:
    """The run's summary; without `verdict` it stops before the closing line (a refused
    `publish` closes with its own message instead of "完成"); without `writes`, no count of
    the files written (the summary an unchanged re-run repeats: it writes nothing)."""
    out("")
    out("=" * 60)
    if res.fatal:
        for reason in res.fatal:
            out(f"运行未完成：{reason}")
        for p in res.problems:
            if p.is_error:
                out(f"  [{p.level}] {p.line()}")
    b = res.balance()
    if res.items is not None:
        out(f"文件：共 {b['files_total']} 个，读取 {b['files_read']}，无法读取或未识别 {b['files_rejected']}，"
            f"佐证材料 {b['files_evidence']}，跳过 {b['files_skipped']}")
        ok = b["items_read"] == b["计分"] + b["待审核"] + b["不通过"] + b["无效"]
        out(f"事项：读到 {b['items_read']} = 计分 {b['计分']} + 待审核 {b['待审核']} + 不通过 {b['不通过']} "
            f"+ 无效 {b['无效']}（{'相符' if ok else '不相符，请报告程序问题'}）")
    for line in warning_lines(res):
        out(line)
    n_err = len(res.errors)
    out(f"问题：错误 {n_err} 项，警告 {len(res.problems) - n_err} 项，详见 校验报告.xlsx")
    if res.log:
        out(f"输出文件夹：{res.options.output_dir}")
        if writes:
            gone = f"，删除不再需要的 {len(res.log.removed)} 个" if res.log.removed else ""
            out(f"  写入 {len(res.log.written)} 个文件，未变化 {len(res.log.unchanged)} 个{gone}")
        _notes_and_failures(res, out)
    if verdict:
        closing = {0: "完成。", 1: "完成，但有错误需要处理（见校验报告）。", 2: "未能全部完成，请按上面的提示处理后重新运行。"}
        out(closing[res.exit_code])


def warning_lines(res) -> list[str]:
    """预警 counted per output year, as of its latest complete quarter (the list is internal)."""
    latest: dict = {}
    for key in sorted(res.warnings):
        if res.options.year in (None, int(key[:4])):
            latest[key[:4]] = key
    lines = []
    for year, key in sorted(latest.items()):
        warn = res.warnings[key]
        kinds = warn["预警"].value_counts()
        detail = "，".join(f"{k} {n}" for k, n in kinds.items())
        lines.append(f"预警（内部）：{year}年第{key[-1]}季度 {warn['干部编号'].nunique()} 人"
                     + (f"（{detail}）" if detail else "") + "，见季度排名附件“预警名单”")
    return lines


def print_template_summary(res, month, out=print) -> None:
    for reason in res.fatal:
        out(f"未能生成申报表：{reason}")
    if res.log:
        n = len(res.log.written) + len(res.log.unchanged)
        out(f"已生成 {month} 申报表 {n} 份：{res.options.output_dir / '申报模板' / month}")
        _notes_and_failures(res, out)


def print_comparison(wi, out=print) -> None:
    """`compare`: where the workbook is and who would enter or leave each band and 结果运用."""
    for reason in wi.fatal:
        out(f"未能对比：{reason}")
    for p in wi.problems:
        out(f"  [{p.level}] {p.line()}")
    if wi.log is None:
        return
    for path, msg in wi.log.failed:
        out(f"  [未能写入] {path}：{msg}")
    if wi.log.failed:
        return
    out(f"规则调整影响：{wi.old.options.output_dir / '规则调整影响.xlsx'}")
    out(f"  积分有变化：{wi.counts['changed']} 人次（每人每个季度、年度算一次）")
    moved = wi.counts["items"]
    moved = moved[moved["变动"].fillna(0) != 0]
    for rec in moved.to_dict("records"):
        why = rec["说明"] if rec["说明"].startswith("本项目未调整") else ""
        out(f"  {rec['年度']}年 {rec['项目代码']} {rec['项目名称']}：{normalize.shown(rec['原合计'])} → "
            f"{normalize.shown(rec['新合计'])} 分，涉及 {rec['涉及人数']} 人" + (f"（{why}）" if why else ""))
    for rec in wi.counts["summary"].to_dict("records"):
        out(f"  {rec['期间']} {rec['类别']}：进入 {rec['进入人数']} 人，离开 {rec['离开人数']} 人")
    if wi.counts["summary"].empty:
        out("  先进、末位和结果运用名单都没有变化。")
    out("其他输出文件未改变；下次运行后，总览.html 中列出这次对比的汇总。")


def _notes_and_failures(res, out) -> None:
    for note in res.notes:
        if note:
            out(f"  {note}")
    for path, msg in res.log.failed:
        out(f"  [未能写入] {path}：{msg}")


def report_run(res, out=print) -> None:
    """Print the summary, or the remembered one when nothing changed since the last run."""
    if res.unchanged is not None:
        for line in res.unchanged.get("summary", []):
            out(line)
        out("输入、规则和模板与上次运行相同（见 运行清单.xlsx）：以上是上次运行的结果，本次没有读取、也没有写入任何文件，"
            "输出已是最新。需要重新生成时加 --force。")
        return
    print_summary(res, out=out)


def save_timings(res, path) -> None:
    """Stage figures for the benchmark (a hidden option of the run command)."""
    import json


    data = {"timings": {k: round(v, 3) for k, v in res.timings.items()},
            "cpu": {k: round(v, 3) for k, v in res.cpu.items()}, "peaks": res.peaks,
            "peak_mb": peak_rss_mb(), "read": res.read_stats, "unchanged": res.unchanged is not None,
            "written": len(res.log.written) if res.log else 0,
            "unchanged_outputs": len(res.log.unchanged) if res.log else 0}
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=1)
