"""Command line: arguments → pipeline → console summary → exit status (SPEC §7)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from jifen import __version__, pipeline

HERE = Path(__file__).resolve().parent.parent

COMMANDS = {"run": "run", "运行": "run", "check": "check", "校验": "check",
            "template": "template", "模板": "template", "publish": "publish", "发布": "publish",
            "bench": "bench", "测速": "bench"}


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="process.py", description="县科级领导干部及后备干部日常积分管理",
        epilog="命令：run（默认，计分并生成全部结果）、check（只校验）、template --month YYYY-MM（生成申报表）、"
               "publish 2026Q1 或 publish 2026（发布归档）、bench（性能测试）。")
    p.add_argument("command", nargs="?", default="run", help="run / check / template / publish / bench")
    p.add_argument("args", nargs="*", help="命令参数，如 publish 的期间 2026Q1")
    p.add_argument("--input", default=None, help="输入文件夹（默认：程序目录下的 input）")
    p.add_argument("--output", default=None, help="输出文件夹（默认：程序目录下的 output）")
    p.add_argument("--rulebook", default=None, help="规则文件（默认：程序目录下的 rulebook.xlsx）")
    p.add_argument("--archive", default=None, help="归档文件夹（默认：程序目录下的 archive）")
    p.add_argument("--year", type=int, default=None, help="只处理某一年度，如 2026")
    p.add_argument("--month", default=None, help="template 命令的月份，如 2026-03")
    p.add_argument("--force", action="store_true", help="即使输入没有变化也重新生成全部结果")
    p.add_argument("--no-pdf", action="store_true", help="不调用 LibreOffice 生成通报 PDF")
    p.add_argument("--timings", default=None, help=argparse.SUPPRESS)
    p.add_argument("--cadres", type=int, default=1500, help="bench：模拟县的干部人数")
    p.add_argument("--months", type=int, default=12, help="bench：模拟的月数")
    p.add_argument("--json", default=None, help="bench：结果 JSON 保存位置")
    p.add_argument("--baseline-sample", type=int, default=None, help="bench：基线只实测这么多份申报表再按比例折算")
    p.add_argument("--keep", action="store_true", help="bench：保留生成的模拟县文件夹")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return p


def options_from(ns) -> pipeline.Options:
    def path(value, default):
        return Path(value).resolve() if value else (HERE / default)

    return pipeline.Options(
        input_dir=path(ns.input, "input"), output_dir=path(ns.output, "output"),
        rulebook=path(ns.rulebook, "rulebook.xlsx"), archive_dir=path(ns.archive, "archive"),
        year=ns.year, force=ns.force, pdf=not ns.no_pdf)


def main(argv: list[str]) -> int:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="replace")
        except (AttributeError, ValueError):
            pass
    parser = build_parser()
    ns = parser.parse_intermixed_args(argv)
    command = COMMANDS.get(ns.command)
    if command is None:
        parser.error(f"不认识的命令“{ns.command}”。可用命令：run、check、template、publish、bench")
    opts = options_from(ns)
    if command in ("run", "check"):
        opts.write = command == "run"
        res = pipeline.run(opts)
        from jifen import summary
        summary.report_run(res)
        if ns.timings:
            summary.save_timings(res, ns.timings)
        return res.exit_code
    if command == "bench":
        from jifen import bench
        json_path = ns.json or (opts.output_dir / "bench" / f"bench-{ns.cadres}x{ns.months}.json")
        Path(json_path).parent.mkdir(parents=True, exist_ok=True)
        bench.run_bench(ns.cadres, ns.months, baseline_sample=ns.baseline_sample, json_path=json_path,
                        keep=ns.keep)
        return 0
    if command == "publish":
        if not ns.args:
            parser.error("请指定要发布的期间，如：process.py publish 2026Q1 或 process.py publish 2026")
        opts.force = True
        res = pipeline.run(opts)
        from jifen import publish, summary
        summary.print_summary(res)
        ok, message = publish.publish(res, ns.args[0])
        print(message)
        return res.exit_code if ok else 2
    if command == "template":
        from jifen import normalize as nz
        month = nz.month(ns.month or (ns.args[0] if ns.args else ""))
        if month is None:
            parser.error("请用 --month 指定月份，如：process.py template --month 2026-03")
        res = pipeline.make_templates(opts, month)
        from jifen import summary
        summary.print_template_summary(res, month)
        return res.exit_code
    parser.error(f"命令“{ns.command}”尚未提供")
    return 2
