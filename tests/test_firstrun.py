"""A package's first run: rulebook.xlsx and input/ made from 示例/, never overwritten."""

import os
import shutil
from pathlib import Path

from jifen import firstrun

ROOT = Path(__file__).resolve().parent.parent


def package_root(tmp_path) -> Path:
    root = tmp_path / "积分 管理"
    (root / "示例").mkdir(parents=True)
    shutil.copy2(ROOT / "rulebook.xlsx", root / "示例" / "rulebook.xlsx")
    return root


def test_first_run_copies_the_rulebook_and_makes_input(tmp_path):
    root = package_root(tmp_path)
    said = firstrun.prepare(root, root / "rulebook.xlsx", root / "input")
    assert (root / "rulebook.xlsx").read_bytes() == (ROOT / "rulebook.xlsx").read_bytes()
    assert sorted(p.name for p in (root / "input").iterdir()) == sorted(firstrun.INPUT_FOLDERS)
    assert len(said) == 2 and "rulebook.xlsx" in said[0] and "示例" + os.sep + "input" in said[1]


def test_first_run_points_at_the_sample_roster_with_the_systems_separator(tmp_path):
    root = package_root(tmp_path)
    (root / "示例" / "input").mkdir()
    shutil.copy2(ROOT / "input" / "干部名册.xlsx", root / "示例" / "input" / "干部名册.xlsx")
    said = firstrun.prepare(root, None, root / "input", sep="\\")
    assert "照 示例\\input\\干部名册.xlsx" in said[0] and "示例\\input”" in said[0] and "/" not in said[0]
    shutil.rmtree(root / "input")
    assert "照 示例/input/干部名册.xlsx" in firstrun.prepare(root, None, root / "input", sep="/")[0]


def test_a_run_without_roster_shows_no_empty_place(tmp_path, capsys):
    """The roster-missing error names no file: its console line has no "：" with nothing before it."""
    import builders as b

    from jifen.pipeline import Options, run
    from jifen.summary import print_summary

    (tmp_path / "input").mkdir()
    res = run(Options(tmp_path / "input", tmp_path / "output", b.RULEBOOK, tmp_path / "archive", pdf=False))
    print_summary(res)
    out = capsys.readouterr().out
    assert "[错误] input 文件夹中没有可用的干部名册" in out and "] ：" not in out


def test_a_countys_own_files_are_left_alone(tmp_path):
    root = package_root(tmp_path)
    (root / "rulebook.xlsx").write_bytes(b"county's own")
    (root / "input").mkdir()
    assert firstrun.prepare(root, root / "rulebook.xlsx", root / "input") == []
    assert (root / "rulebook.xlsx").read_bytes() == b"county's own"
    assert list((root / "input").iterdir()) == []


def test_paths_the_clerk_named_and_checkouts_without_samples_are_not_touched(tmp_path):
    root = package_root(tmp_path)
    assert firstrun.prepare(root, None, None) == []
    shutil.rmtree(root / "示例")
    assert firstrun.prepare(root, root / "rulebook.xlsx", root / "input") == []
    assert not (root / "rulebook.xlsx").exists() and not (root / "input").exists()
