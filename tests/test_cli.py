"""The command line: subcommands with their own options, Chinese errors before any processing."""

from __future__ import annotations

import pytest

from jifen import cli


def test_no_command_means_run_and_aliases_map_to_names():
    assert cli.parse([]).command == "run"
    assert cli.parse(["--input", "x"]).command == "run"
    assert cli.parse(["发布", "2026Q1"]).command == "publish"
    assert cli.parse(["模板", "--month", "2026-03"]).month == "2026-03"
    assert cli.parse(["测速", "--cadres", "12"]).cadres == 12


def test_each_command_has_only_its_own_options(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.parse(["run", "--cadres", "3"])
    assert exc.value.code == 2
    assert "无法识别的参数：--cadres 3" in capsys.readouterr().err


def test_unknown_command_is_named_in_chinese(capsys):
    with pytest.raises(SystemExit):
        cli.parse(["pubilsh"])
    assert "不认识的命令“pubilsh”" in capsys.readouterr().err


@pytest.mark.parametrize("argv, text", [
    (["template"], "请用 --month 指定月份"),
    (["template", "--month", "三月"], "“三月”不是月份"),
    (["publish"], "请指定要发布的期间"),
    (["publish", "2026Q5"], "“2026Q5”不是可以发布的期间"),
    (["发布", "二〇二六"], "“二〇二六”不是可以发布的期间"),
])
def test_missing_argument_stops_before_any_processing(tmp_path, capsys, argv, text):
    out = tmp_path / "output"
    with pytest.raises(SystemExit) as exc:
        cli.main([*argv, "--input", str(tmp_path / "input"), "--output", str(out)])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert text in err and err.count("错误：") == 1
    assert err.startswith("错误：") and err.count("\n") == 1 and "usage" not in err and "用法" not in err
    assert not out.exists()


@pytest.mark.parametrize("argv, example", [
    (["publish"], "如：{} publish 2026Q1（季度）或 {} publish 2026（年度）。"),
    (["template"], "如：{} template --month 2026-03。"),
    (["compare"], "如：{} compare --rulebook 新规则.xlsx。"),
])
def test_missing_argument_gives_an_example_the_clerk_can_type(tmp_path, capsys, argv, example):
    """The example names the launcher: `publish 2026Q1` alone is no command in a Windows console."""
    from jifen.publishing.guard import launcher

    with pytest.raises(SystemExit):
        cli.main([*argv, "--input", str(tmp_path / "input"), "--output", str(tmp_path / "output")])
    here = launcher().strip()
    assert example.format(here, here) in capsys.readouterr().err


@pytest.mark.parametrize("argv, text", [
    (["publish", "2025", "--bogus"], "无法识别的参数：--bogus。查看全部选项：{} publish --help"),
    (["publish", "2025", "extra"], "无法识别的参数：extra。查看全部选项：{} publish --help"),
    (["--year", "二〇二六"], "选项 --year 需要一个整数，收到的是 '二〇二六'。查看全部选项：{} run --help"),
    (["template", "--month"], "选项 --month 后面需要一个值。查看全部选项：{} template --help"),
])
def test_argument_errors_are_one_chinese_line(capsys, argv, text):
    """README §三: a wrong argument gives one Chinese line (no argparse usage line, no English)."""
    from jifen.publishing.guard import launcher

    with pytest.raises(SystemExit) as exc:
        cli.parse(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err == "错误：" + text.format(launcher()) + "\n"


def test_an_unchanged_run_says_one_thing(tmp_path):
    """A re-run with nothing changed repeats the figures but no count of files written: it wrote none."""
    import builders as b

    b.roster(tmp_path / "input" / "干部名册.xlsx", b.cadre_group(3))
    b.declaration(tmp_path / "input" / "申报" / "C01.xlsx", "C01", "干部C01", "2026-01",
                  [{"code": "J1-4", "desc": "在市级刊物发表信息", "qty": 1, "date": "2026-01-10"}])
    first = b.run_process(tmp_path)
    assert "写入 " in first.stdout and "输出已是最新" not in first.stdout
    again = b.run_process(tmp_path)
    assert again.returncode == first.returncode
    assert "输出已是最新" in again.stdout and "没有写入任何文件" in again.stdout
    assert "写入 " not in again.stdout and "未变化" not in again.stdout
    assert "事项：读到 1" in again.stdout                # the figures are repeated


@pytest.mark.parametrize("command", [name for name, _, _ in cli.COMMANDS])
def test_help_of_every_command_is_chinese(capsys, command):
    import re

    with pytest.raises(SystemExit) as exc:
        cli.parse([command, "--help"])
    assert exc.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith("用法：") and "usage" not in text and "options" not in text
    assert not re.search(r"--[a-z-]+ [A-Z_]{2,}", text), text          # no English metavars (--input INPUT)
