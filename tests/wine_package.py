"""Shared by the Windows package tests: build a package, unzip it where a clerk would, run its
run.bat under Wine in a Chinese console (code page 936), compare with the Linux run.

Each Windows version has its own Wine prefix under $JIFEN_TEST_CACHE (default
~/.cache/jifen-test), made once on a machine (about a minute) and reused: `wine-prefix` says
Windows 10, `wine-prefix-win7` Windows 7 (`HKCU\\Software\\Wine` Version, which `ver` and
GetVersionEx report; Wine 8's own default is win7). Separate prefixes, not one switched back
and forth, because pytest-xdist may run the two test files at once; each run ends with
`wineserver -k`, so runs on one prefix take turns (a lock file beside it). Wine fails to
start Python when its stdout is a file, so the output is read through a pipe.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import builders as b

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import bundle  # noqa: E402

CACHE = Path(os.environ.get("JIFEN_TEST_CACHE") or Path.home() / ".cache" / "jifen-test")
PREFIXES = {"win10": "wine-prefix", "win7": "wine-prefix-win7"}


def missing() -> str:
    """Why the Wine tests cannot run here, or ""."""
    if os.environ.get("JIFEN_SKIP_WINDOWS_PACKAGE"):     # .ci/run's second run, on the host's Python 3.8
        return "JIFEN_SKIP_WINDOWS_PACKAGE: " + os.environ["JIFEN_SKIP_WINDOWS_PACKAGE"]
    for tool in ("wine", "osslsigncode"):
        if not shutil.which(tool):
            return f"{tool} is not installed (Debian: apt-get install wine wine64 osslsigncode)"
    locales = subprocess.run(["locale", "-a"], capture_output=True, text=True, check=False).stdout
    if not re.search(r"^zh_CN\.utf-?8$", locales, re.M | re.I):
        return "the zh_CN.UTF-8 locale is not generated (needed for code page 936; see .ci/run)"
    return ""


def build(dist: Path, target: str = "win64") -> Path:
    """tools/bundle.py --target TARGET into dist (downloads cached): the zip."""
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "bundle.py"), "--target", target, "--cache",
                           str(CACHE / "bundle"), "--dist", str(dist)],
                          capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("signer Python Software Foundation") == 2, done.stdout
    (zip_path,) = dist.glob(f"干部日常积分-*-{bundle.TARGETS[target].zip_suffix}.zip")
    return zip_path


def unzip(zip_path: Path, pc: Path) -> Path:
    """The zip unzipped under PC/桌面/积分 管理/, with the demo input copied into input/ as the
    README tells a clerk to try it: the package folder."""
    place = pc / "桌面" / "积分 管理"
    place.mkdir(parents=True)
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(place)
    root = place / bundle.PACKAGE_DIR
    shutil.copytree(root / "示例" / "input", root / "input")
    return root


def wine_env(version: str = "win10") -> dict:
    prefix = CACHE / PREFIXES[version]
    prefix.parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)        # the Windows side never sees the Linux soffice
    env.update(WINEPREFIX=str(prefix), WINEDEBUG="-all", LANG="zh_CN.UTF-8", LC_ALL="zh_CN.UTF-8",
               JIFEN_NO_PAUSE="1", DISPLAY="")
    return env


@contextlib.contextmanager
def prefix_lock(version: str):
    """Exclusive use of the version's prefix, across the test processes."""
    import fcntl  # POSIX only, as Wine

    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / f"{PREFIXES[version]}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def prepare_prefix(version: str = "win10") -> None:
    """Create the prefix when missing and make it report `version`."""
    env = wine_env(version)
    prefix = Path(env["WINEPREFIX"])
    with prefix_lock(version):
        if not (prefix / "system.reg").exists():
            subprocess.run(["wineboot", "-i"], env=env, capture_output=True, timeout=600)
            subprocess.run(["wineserver", "-w"], env=env, capture_output=True, timeout=120)
        if reported_version(prefix) != version:
            subprocess.run(["wine", "reg", "add", r"HKCU\Software\Wine", "/v", "Version", "/d", version, "/f"],
                           env=env, capture_output=True, timeout=300)
            subprocess.run(["wineserver", "-w"], env=env, capture_output=True, timeout=120)
        assert reported_version(prefix) == version, f"{prefix}: could not set Version={version}"


def reported_version(prefix: Path) -> str:
    """HKCU\\Software\\Wine Version as user.reg keeps it ("" when unset)."""
    path = prefix / "user.reg"
    text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    section = re.search(r'^\[Software\\\\Wine\] \d+\n(.*?)(?:\n\n|\Z)', text, re.M | re.S)
    found = re.search(r'^"Version"="([^"]*)"$', section.group(1), re.M) if section else None
    return found.group(1) if found else ""


def wine(package: Path, *args, version: str = "win10") -> tuple[int, str]:
    """`wine cmd /c run.bat ARGS` in the package folder: (exit status, console text)."""
    env = wine_env(version)
    with prefix_lock(version):
        proc = subprocess.Popen(["wine", "cmd", "/c", "run.bat", *args], cwd=package, env=env,
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            out, _ = proc.communicate(timeout=1500)
        finally:
            if proc.poll() is None:
                proc.kill()
            subprocess.run(["wineserver", "-k"], env=env, capture_output=True, timeout=60)
    return proc.returncode, out.decode("gbk", errors="replace")


def wine_python(package: Path, code: str, version: str = "win10") -> tuple[int, str]:
    """The package's own python.exe -c CODE under Wine: (exit status, output)."""
    env = wine_env(version)
    with prefix_lock(version):
        try:
            done = subprocess.run(["wine", r"python\python.exe", "-c", code], cwd=package, env=env,
                                  stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  timeout=600)
        finally:
            subprocess.run(["wineserver", "-k"], env=env, capture_output=True, timeout=60)
    return done.returncode, done.stdout.decode("gbk", errors="replace")


def linux_run(package: Path, base: Path):
    """process.py here on the package's input and rulebook: (exit status, output folder)."""
    shutil.copytree(package / "input", base / "input")
    proc = b.run_process(base, rulebook=package / "示例" / "rulebook.xlsx")
    return proc.returncode, base / "output"


sheets = b.sheets
assert_same_results = b.assert_same_results
