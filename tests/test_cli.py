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
    assert err.startswith("用法：") and "usage" not in err
    assert not out.exists()
