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
    assert len(said) == 2 and "rulebook.xlsx" in said[0] and f"示例{os.sep}input" in said[1]


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
