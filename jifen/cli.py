"""Command line: arguments → pipeline → console summary → exit status (SPEC §7).

Each command is a subcommand with its own options (`process.py publish --help`); the folder
options are shared by all. `process.py` alone, or with only options, means `run`.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

from jifen import __version__, pipeline
from jifen.publishing.guard import launcher

HERE = Path(__file__).resolve().parent.parent

# argparse's own messages are English; the clerk reads Chinese.
_MESSAGES = [
    (r"unrecognized arguments: (.*)", "无法识别的参数：{0}"),
    (r"the following arguments are required: (.*)", "缺少参数：{0}"),
    (r"argument (\S+): expected one argument", "选项 {0} 后面需要一个值"),
    (r"argument (\S+): invalid int value: (.*)", "选项 {0} 需要一个整数，收到的是 {1}"),
    (r"argument (\S+): invalid choice: (.*?) \(choose from (.*)\)", "“{1}”不是可用的命令；可用命令：{2}"),
]


class ChineseFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


class ChineseParser(argparse.ArgumentParser):
    """An ArgumentParser whose usage, help and errors are in Chinese (exit status 2, as argparse)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, add_help=False, formatter_class=ChineseFormatter, **kwargs)
        self._positionals.title, self._optionals.title = "参数", "选项"
        self.add_argument("-h", "--help", action="help", help="显示本帮助")

    def error(self, message: str):
        """One Chinese line, then where the options are listed; never argparse's English usage."""
        for pattern, text in _MESSAGES:
            m = re.fullmatch(pattern, message)
            if m:
                message = text.format(*m.groups())
                break
        self.exit(2, f"错误：{message.rstrip('。')}。查看全部选项：{launcher(*self.prog.split()[1:], '--help')}\n")


def _folders() -> argparse.ArgumentParser:
    """The options every command accepts."""
    p = argparse.ArgumentParser(add_help=False)
    g = p.add_argument_group("文件夹")
    g.add_argument("--input", default=None, metavar="文件夹", help="输入文件夹（默认：程序目录下的 input）")
    g.add_argument("--output", default=None, metavar="文件夹", help="输出文件夹（默认：程序目录下的 output）")
    g.add_argument("--rulebook", default=None, metavar="规则文件", help="规则文件（默认：程序目录下的 rulebook.xlsx）")
    g.add_argument("--archive", default=None, metavar="文件夹", help="归档文件夹（默认：程序目录下的 archive）")
    g.add_argument("--year", type=int, default=None, metavar="年份", help="只写出某一年度的结果，如 2026")
    return p


def _processing() -> argparse.ArgumentParser:
    """The options of the commands that compute and write results."""
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--force", action="store_true", help="即使输入没有变化也重新生成全部结果")
    p.add_argument("--no-pdf", action="store_true", help="不调用 LibreOffice 生成通报 PDF")
    p.add_argument("--timings", default=None, help=argparse.SUPPRESS)
    return p


# name, Chinese alias, one-line help
COMMANDS = [
    ("run", "运行", "校验、计分、排名并写出全部结果（默认）"),
    ("check", "校验", "只校验，只写校验报告"),
    ("template", "模板", "为某月在册的每名干部生成申报表"),
    ("publish", "发布", "发布（归档）一个完整的季度或年度"),
    ("compare", "对比", "规则调整影响测算：按现行规则和拟调整规则分别计算，写出 规则调整影响.xlsx"),
    ("verify", "核验", "核验归档：核对每个归档文件的 SHA-256，并用归档的输入和规则重新计算每次发布的结果"),
    ("pdf", "生成PDF", "为 output 中的通报生成 PDF 并等待完成（平时运行后在后台自动生成）"),
    ("bench", "测速", "性能测试：生成模拟县并测量各阶段用时和内存"),
]
LOCKED = {"run", "check", "template", "publish", "compare"}     # the commands that write into the output folder
NAMES = {n for name, alias, _ in COMMANDS for n in (name, alias)}


def build_parser() -> argparse.ArgumentParser:
    p = ChineseParser(prog="process.py", description="县科级领导干部及后备干部日常积分管理",
                      epilog="不写命令时等于 run。每个命令的选项：process.py 命令 --help")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}", help="显示程序版本")
    sub = p.add_subparsers(dest="command", metavar="命令", parser_class=ChineseParser)
    parents = {"run": [_folders(), _processing()], "check": [_folders(), _processing()],
               "template": [_folders()], "publish": [_folders(), _processing()], "bench": [_folders()],
               "compare": [_folders()], "verify": [_folders()],
               "pdf": [_folders()]}
    cmds = {name: sub.add_parser(name, aliases=[alias], help=text, description=text, parents=parents[name])
            for name, alias, text in COMMANDS}
    cmds["template"].add_argument("--month", default=None, metavar="月份", help="申报月份，如 2026-03")
    cmds["template"].add_argument("month_arg", nargs="?", default=None, metavar="月份", help=argparse.SUPPRESS)
    cmds["publish"].add_argument("period", nargs="?", default=None, metavar="期间",
                                 help="季度写作 2026Q1，年度写作 2026")
    cmds["compare"].add_argument("proposed", nargs="?", default=None, metavar="拟调整规则",
                                 help="拟调整的规则文件；也可写作 --rulebook 新规则.xlsx（现行规则为程序目录的 rulebook.xlsx）")
    cmds["verify"].add_argument("period", nargs="?", default=None, metavar="期间",
                                help="只核验该期间（2026Q1 或 2026）；不写则核验全部归档")
    for name in ("run", "publish"):
        cmds[name].add_argument("--encrypt", action="store_true",
                                help="另在 output/外发/ 生成内部工作簿的加密副本（密码在命令窗口输入两次，"
                                     "或取自环境变量 JIFEN_FILE_PASSWORD；密码不保存）")
    cmds["pdf"].add_argument("notices", nargs="*", metavar="通报",
                             help="只转换这些通报（output 中的相对路径）；不写则为全部通报")
    bench = cmds["bench"]
    bench.add_argument("--cadres", type=int, default=1500, metavar="人数", help="模拟县的干部人数")
    bench.add_argument("--months", type=int, default=12, metavar="月数", help="模拟的月数")
    bench.add_argument("--json", default=None, metavar="文件", help="结果 JSON 保存位置")
    bench.add_argument("--baseline-sample", type=int, default=None, metavar="份数", help="基线只实测这么多份申报表再按比例折算（默认：最多 3000 份）")
    bench.add_argument("--keep", action="store_true", help="保留生成的模拟县文件夹")
    p.commands = cmds
    return p


def parse(argv: list[str]) -> argparse.Namespace:
    """The namespace of `argv`, with `command` set to the English name (`run` when none given)."""
    argv = list(argv)
    parser = build_parser()
    if argv and not argv[0].startswith("-") and argv[0] not in NAMES:
        known = "、".join(f"{name}（{alias}）" for name, alias, _ in COMMANDS)
        parser.error(f"不认识的命令“{argv[0]}”。可用命令：{known}")
    if not argv or argv[0] not in NAMES | {"-h", "--help", "--version"}:
        argv.insert(0, "run")
    ns, extra = parser.parse_known_args(argv)
    ns.command = next(name for name, alias, _ in COMMANDS if ns.command in (name, alias))
    ns.usage_error = parser.commands[ns.command].error   # one Chinese line, exit 2
    if extra:                                            # named with the command's own options
        ns.usage_error(f"无法识别的参数：{' '.join(extra)}")
    return ns


def options_from(ns) -> pipeline.Options:
    def path(value, default):
        return Path(value).resolve() if value else (HERE / default)

    return pipeline.Options(
        input_dir=path(ns.input, "input"), output_dir=path(ns.output, "output"),
        rulebook=path(ns.rulebook, "rulebook.xlsx"), archive_dir=path(ns.archive, "archive"),
        year=ns.year, force=getattr(ns, "force", False), pdf=not getattr(ns, "no_pdf", False))


def cmd_run(ns, opts) -> int:
    from jifen import firstrun, summary
    from jifen.publishing import outward

    # an unzipped Windows package's first run: rulebook.xlsx and input/ from 示例/
    for line in firstrun.prepare(HERE, None if ns.rulebook else opts.rulebook,
                                 None if ns.input else opts.input_dir):
        print(line, flush=True)
    opts.write = ns.command == "run"
    res = pipeline.run(opts)
    summary.report_run(res)
    if ns.timings:
        summary.save_timings(res, ns.timings)
    if opts.write and res.rulebook is not None:
        _pdfs_after(res, opts)
    if ns.password is not None and res.exit_code < 2:
        return _send_copies(outward.run_files(opts.output_dir, opts.year), opts, ns.password, res.exit_code,
                            "结果已全部写出")
    if opts.write and res.log is not None and res.log.written and outward.clear(opts.output_dir):
        print(f"  {outward.FOLDER} 文件夹中的加密副本已过时，已删除；需要时加 --encrypt 重新生成。")
    return res.exit_code


def _cannot_encrypt(lead: str, why: str, indent: str = "") -> None:
    """Encryption cannot load here: what stands, what to do, and the technical cause."""
    from jifen.publishing import outward

    print(lead + ("\n" if indent else "") + indent + outward.cannot_encrypt(launcher("--encrypt")))
    print(f"  技术信息（请转告信息管理员）：{why}")


def _send_copies(paths, opts, password: str, code: int, done: str) -> int:
    """The encrypted copies after the run or the publication (`done` says what stands anyway):
    a failure here is no "error found" in the inputs, and is said as what it is (status 2)."""
    from jifen.files import as_found
    from jifen.publishing import outward
    from jifen.publishing.publish import SEP

    try:
        written, failed = outward.write_copies(paths, opts.output_dir, password)
    except Exception as exc:        # the library failed to load after all (a DLL, antivirus)
        _cannot_encrypt(f"{done}，但加密的外发副本没有生成（{as_found(opts.output_dir, outward.FOLDER, sep=SEP)} 中没有文件）。",
                        f"{type(exc).__name__}: {exc}", indent="  ")
        return 2
    outward.report(written, failed)
    if failed:
        print(f"{done}，但有外发副本未能加密（见上）。")
    return 2 if failed else code


def _pdfs_after(res, opts) -> None:
    """After the summary: PDFs of the notices that lack an up-to-date one, in the background."""
    from jifen.outputs import pdf, state

    if res.unchanged is not None:        # nothing was written: the notices of the last run
        recorded = state.load(opts.output_dir)
        hashes = {rel: v[0] for rel in res.unchanged.get("outputs", [])
                  if len(v := state.known(recorded, rel)) == 1}
    elif res.log is not None:
        failed = {f for f, _ in res.log.failed}
        hashes = {rel: sha for rel, sha in res.log.hashes.items() if rel not in failed}
    else:
        return
    pdf.after_run(opts.output_dir, hashes, opts.pdf)


def cmd_pdf(ns, opts) -> int:
    """`pdf`: the notices' PDFs now, waiting for a background conversion first if one runs."""
    from jifen.outputs import pdf
    if pdf.find_soffice() is None:
        print("未安装 LibreOffice，无法生成通报的 PDF 版本。")
        return 2
    done = pdf.convert(opts.output_dir, [a.replace("\\", "/") for a in ns.notices] or None, say=print)
    for rel in done["converted"]:
        print(f"已生成 {opts.output_dir / rel}")
    for rel, why in done["failed"]:
        print(f"未能生成 {pdf.pdf_rel(rel)}：{why}")
    if not done["converted"] and not done["failed"]:
        print("通报的 PDF 都是最新的。")
    return 2 if done["failed"] else 0


def cmd_bench(ns, opts) -> int:
    from jifen import bench
    json_path = ns.json or (opts.output_dir / "bench" / f"bench-{ns.cadres}x{ns.months}.json")
    Path(json_path).parent.mkdir(parents=True, exist_ok=True)
    bench.run_bench(ns.cadres, ns.months, baseline_sample=ns.baseline_sample, json_path=json_path, keep=ns.keep)
    return 0


def cmd_publish(ns, opts) -> int:
    from jifen import summary
    from jifen.publishing import outward, publish
    from jifen.rulebook import period_key
    opts.force = True
    opts.publishing = period_key(ns.period) or ""    # its own changes are being published, not pointed out
    res = pipeline.run(opts)
    ok, message = publish.publish(res, ns.period)
    summary.print_summary(res, verdict=False)
    print(message)
    if not ok:
        _pdfs_after(res, opts)
        return 2
    period = next(p for p in res.periods if p.key == opts.publishing)
    for line in publish.after_publishing(res, period, publish.today()):
        print(line)
    _pdfs_after(res, opts)
    if ns.password is not None:
        return _send_copies(outward.period_files(opts.output_dir, ns.period), opts, ns.password, 0,
                            f"{period.title}已发布")
    return 0


def cmd_compare(ns, opts) -> int:
    """`compare --rulebook 新规则.xlsx`: --rulebook names the proposal and the current rules are the
    program's rulebook.xlsx; `compare 新规则.xlsx` also works (then --rulebook, if given, is current)."""
    from jifen import summary
    if ns.proposed:
        proposed = Path(ns.proposed).resolve()
    elif ns.rulebook:
        proposed, opts.rulebook = Path(ns.rulebook).resolve(), HERE / "rulebook.xlsx"
    else:
        ns.usage_error(f"请指定拟调整的规则文件，如：{launcher('compare', '--rulebook', '新规则.xlsx')}")
    wi = pipeline.what_if(opts, proposed)
    summary.print_comparison(wi)
    return 2 if wi.fatal or (wi.log and wi.log.failed) else 0


def cmd_template(ns, opts) -> int:
    from jifen import summary
    res = pipeline.make_templates(opts, ns.month_value)
    summary.print_template_summary(res, ns.month_value)
    return res.exit_code


def cmd_verify(ns, opts) -> int:
    from jifen.publishing import verify
    from jifen.rulebook import period_key
    only = period_key(ns.period) if ns.period else None
    if ns.period and only is None:
        ns.usage_error(f"无法识别期间“{ns.period}”，请写成 2026Q1 或 2026")
    report = verify.verify(opts.archive_dir, only=only)
    verify.print_report(report, opts.archive_dir)
    return report.exit_code


HANDLERS = {"run": cmd_run, "check": cmd_run, "bench": cmd_bench, "publish": cmd_publish,
            "template": cmd_template, "compare": cmd_compare, "verify": cmd_verify,
            "pdf": cmd_pdf}


def check_arguments(ns) -> None:
    """A missing or wrong argument stops here, before anything is touched (no lock, no folder)."""
    from jifen import normalize
    if ns.command == "publish":
        from jifen.rulebook import period_key
        if not ns.period:
            ns.usage_error(f"请指定要发布的期间，如：{launcher('publish', '2026Q1')}（季度）或 {launcher('publish', '2026')}（年度）")
        if period_key(ns.period) is None:
            ns.usage_error(f"“{ns.period}”不是可以发布的期间，请写成 2026Q1（季度）或 2026（年度）")
    if ns.command == "template":
        given = ns.month or ns.month_arg or ""
        ns.month_value = normalize.month(given)
        if ns.month_value is None:
            what = f"“{given}”不是月份。" if given else ""
            ns.usage_error(f"{what}请用 --month 指定月份，如：{launcher('template', '--month', '2026-03')}")


def run_locked(ns, opts) -> int:
    """Ask the 外发 password first (nobody waits for it mid-run), then hold the output
    folder's lock for the whole command: a second run on the same folder is refused."""
    from jifen import runlock
    from jifen.publishing import outward

    ns.password = None
    if getattr(ns, "encrypt", False):
        why = outward.probe()
        if why is not None:
            _cannot_encrypt("未发布：" if ns.command == "publish" else "未运行：", why)
            return 2
        try:
            ns.password = outward.ask_password()
        except outward.NoPassword as exc:
            print(f"未运行：{exc}")
            return 2
    try:
        lock = runlock.acquire(opts.output_dir, ns.command)
    except runlock.Busy as exc:
        print(f"未运行：{exc}")
        return 2
    except OSError as exc:
        print(f"未运行：无法在输出文件夹 {opts.output_dir} 中建立运行锁（{exc.strerror or exc}），"
              "请检查该文件夹是否存在、是否有写入权限。")
        return 2
    with lock:
        for warning in lock.warnings:
            print(f"注意：{warning}")
        opts.notices = list(lock.warnings)
        return HANDLERS[ns.command](ns, opts)


def main(argv: list[str]) -> int:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="replace")
        except (AttributeError, ValueError):
            pass
    ns = parse(argv)
    opts = options_from(ns)
    if ns.command not in LOCKED:
        return HANDLERS[ns.command](ns, opts)
    check_arguments(ns)
    return run_locked(ns, opts)


def entry() -> None:
    """The `jifen` console script (pyproject [project.scripts])."""
    leave(main(sys.argv[1:]))


def leave(code: int) -> None:
    """Exit with `code` once the output is flushed, without the interpreter's teardown: by now
    every file is written and every lock released, and freeing a run's records one by one
    only makes the clerk wait (0.2 s for a county of 1,500, seconds for a province)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):   # a closed console or pipe
            pass
    os._exit(code if isinstance(code, int) else 1)
