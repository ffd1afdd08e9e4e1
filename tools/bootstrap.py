"""Prepare the project's virtual environment for the launchers (run.bat / run.command / run.sh).

The launchers call this with a Python >= 3.8 (the one in .venv when it works, otherwise the
system one); clerks never run it by hand:

    python tools/bootstrap.py            create .venv if needed, install the project into it
    python tools/bootstrap.py --test     the same, with the test extras (pytest, hypothesis)
    python tools/bootstrap.py --should-pause
                                         exit 0 when run.bat should wait for a key at the end:
                                         started by double-click (JIFEN_CMDLINE, JIFEN_SELF set
                                         by run.bat) and standard input is the console; else 1
    python tools/bootstrap.py --open-overview
                                         after a double-click run: open output/总览.html in the
                                         browser when a person is watching (as --should-pause)
                                         and neither CI nor JIFEN_NO_PAUSE nor JIFEN_NO_OPEN is set

Exit status 0 when .venv is ready, 2 when it could not be prepared (the reason is printed in
Chinese, in plain words). Everything here uses only the standard library.

Reinstalling is skipped when nothing changed: .venv/.jifen-installed records the SHA-256 of
pyproject.toml, the project folder and whether the test extras are in; any difference (a new
dependency, the folder moved, `test` asked for the first time) reinstalls. When a `wheels/`
folder with wheel files sits beside pyproject.toml the install is offline:
`pip install --no-index --find-links wheels` (build it with tools/build_wheels.py).

Developers only: JIFEN_VENV names another environment folder (e.g. `.venv-floor`) and
JIFEN_CONSTRAINTS a pip constraints file (e.g. tools/floor-constraints.txt, the lowest tested
versions); the stamp records the constraints file's hash too. This file stays Python 3.8 code.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

MIN_PYTHON = (3, 8)
ROOT = Path(__file__).resolve().parent.parent
VENV_DIR = ".venv"
STAMP_NAME = ".jifen-installed"
WHEELS_DIR = "wheels"
FAILED = 2


def say(*lines: str) -> None:
    """Print for a person; never die on a console that cannot show Chinese."""
    for line in lines:
        try:
            print(line, flush=True)
        except UnicodeEncodeError:
            print(line.encode("ascii", "replace").decode("ascii"), flush=True)


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def pyproject_hash(root: Path) -> str:
    return hashlib.sha256((root / "pyproject.toml").read_bytes()).hexdigest()


def read_stamp(path: Path) -> dict[str, str]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return {}
    stamp = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            stamp[key.strip()] = value.strip()
    return stamp


def make_stamp(digest: str, root: Path, test: bool, offline: bool, constraints: str = "") -> dict[str, str]:
    return {
        "pyproject": digest,
        "root": str(root),
        "extras": "test" if test else "",
        "source": "wheels" if offline else "index",
        "constraints": constraints,
    }


def write_stamp(path: Path, stamp: dict[str, str]) -> None:
    path.write_text("".join(f"{k}={v}\n" for k, v in stamp.items()), encoding="utf-8")


def stamp_is_current(stamp: dict[str, str], digest: str, root: Path, test: bool,
                     constraints: str = "") -> bool:
    """True when the installed project matches pyproject.toml, this folder, the extras asked
    and the constraints file (its hash, "" for none)."""
    return (
        stamp.get("pyproject") == digest
        and stamp.get("root") == str(root)
        and (not test or stamp.get("extras") == "test")
        and stamp.get("constraints", "") == constraints
    )


def venv_folder(root: Path, environ=os.environ) -> Path:
    return root / (environ.get("JIFEN_VENV") or VENV_DIR)


def constraints_file(root: Path, environ=os.environ) -> Path | None:
    name = environ.get("JIFEN_CONSTRAINTS")
    return (root / name).resolve() if name else None


def has_wheels(root: Path) -> bool:
    folder = root / WHEELS_DIR
    return folder.is_dir() and any(folder.glob("*.whl"))


def pip_install_command(python: Path | str, root: Path, test: bool, offline: bool,
                        constraints: Path | None = None) -> list[str]:
    cmd = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    if offline:
        cmd += ["--no-index", "--find-links", str(root / WHEELS_DIR)]
    if constraints is not None:
        cmd += ["-c", str(constraints)]
    cmd += ["-e", ".[test]" if test else "."]
    return cmd


def version_text(info=None) -> str:
    info = info or sys.version_info
    return f"{info[0]}.{info[1]}.{info[2]}"


def minor_version() -> str:
    return f"{sys.version_info[0]}.{sys.version_info[1]}"


def python_works(python: Path) -> bool:
    """The venv's interpreter starts, is new enough and has pip."""
    if not python.exists():
        return False
    probe = f"import sys, pip; sys.exit(0 if sys.version_info >= {MIN_PYTHON!r} else 1)"
    try:
        done = subprocess.run([str(python), "-c", probe], capture_output=True, timeout=120,
                              check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def running_in(venv: Path) -> bool:
    try:
        return Path(sys.prefix).resolve() == venv.resolve()
    except OSError:
        return False


def remove_venv(venv: Path) -> bool:
    """Delete a broken .venv, but only something that looks like a virtual environment."""
    if not venv.exists():
        return True
    if venv.is_dir() and ((venv / "pyvenv.cfg").exists() or not any(venv.iterdir())):
        try:
            shutil.rmtree(venv)
            return True
        except OSError:
            pass
    say(
        f"无法删除已损坏的运行环境文件夹：{venv}",
        "请关闭所有正在使用它的窗口和程序，手动删除这个文件夹后重新运行。",
    )
    return False


def python_hint() -> list[str]:
    if os.name == "nt":
        return [
            "请到 https://www.python.org/downloads/windows/ 下载 Python 3.12（64 位）安装，",
            "安装时勾选“Add python.exe to PATH”，然后重新双击 run.bat。",
        ]
    if sys.platform == "darwin":
        return [
            "请到 https://www.python.org/downloads/macos/ 下载 Python 3.12 安装，",
            "然后重新双击 run.command。",
        ]
    return [
        "请安装 Python 3.8 或更高版本及其 venv 模块，例如：",
        "  sudo apt install python3 python3-venv",
        "（venv 包名随版本而定，如 python3.8-venv）",
    ]


def create_venv(venv: Path, again: bool = False) -> bool:
    if again:
        say("正在重新建立运行环境（.venv 文件夹）……")
    else:
        say("首次运行：正在建立运行环境（.venv 文件夹）……")
    try:
        done = subprocess.run([sys.executable, "-m", "venv", str(venv)], check=False)
    except OSError as exc:
        say(f"无法建立运行环境：{exc}")
        return False
    if done.returncode == 0 and python_works(venv_python(venv)):
        return True
    say(
        "",
        "无法建立运行环境（.venv）。",
        f"所用的 Python：{sys.executable}（{version_text()}）",
    )
    if os.name != "nt" and sys.platform != "darwin":
        say(
            "Debian/Ubuntu/统信/麒麟等系统上通常是缺少 venv 模块，请让信息中心安装，例如：",
            f"  sudo apt install python3-venv 或 python{minor_version()}-venv",
        )
    else:
        say(*python_hint())
    remove_venv(venv)
    return False


def install(python: Path, root: Path, test: bool, offline: bool, first: bool,
            constraints: Path | None = None) -> bool:
    if offline:
        say("正在从 wheels 文件夹离线安装所需的程序包（不需要联网），请稍候……")
    elif first:
        say("正在联网下载并安装所需的程序包（约 60 MB，只在第一次需要），请稍候……")
    else:
        say("正在联网安装或更新所需的程序包，请稍候……")
    done = subprocess.run(pip_install_command(python, root, test, offline, constraints), cwd=root,
                          check=False)
    if done.returncode == 0:
        return True
    say("", "安装所需的程序包失败（详细原因见上方英文信息）。")
    if offline:
        say(
            f"wheels 文件夹中可能缺少适合本机的安装包（本机 Python {version_text()}，"
            f"{'Windows' if os.name == 'nt' else sys.platform}）。",
            "请在能上网的电脑上重新生成 wheels 文件夹（见 docs/launchers.md），",
            f"例如：python tools/build_wheels.py --python {minor_version()}",
        )
    else:
        say(
            "请检查这台电脑能否上网；如果网速很慢，可改用国内镜像，例如：",
            "  pip config set global.index-url https://pypi.tuna.tsinghua.edu.cn/simple",
            "在不能上网的电脑（内网）上，请按 docs/launchers.md 的说明准备 wheels 文件夹后再运行。",
        )
    return False


def stdin_is_console() -> bool:
    if os.name != "nt":
        return os.isatty(0)
    # On Windows isatty() is also true for NUL; only a real console has a console mode.
    try:
        import ctypes
        import msvcrt

        handle = msvcrt.get_osfhandle(0)
        mode = ctypes.c_uint32()
        return bool(ctypes.windll.kernel32.GetConsoleMode(handle, ctypes.byref(mode)))
    except (ImportError, OSError, AttributeError, ValueError):
        return False


def started_by_double_click(cmdline: str, script: str) -> bool:
    """cmd.exe's command line (quotes removed) shows Explorer's `cmd.exe /c "...\\run.bat"`.

    A console the user opened has no /c; a program running `cmd /c run.bat` rarely names the
    script by its full path."""
    text = cmdline.replace('"', "").lower()
    return "/c" in text.split() and bool(script) and script.replace('"', "").lower() in text


def should_pause(environ=os.environ) -> bool:
    if environ.get("JIFEN_NO_PAUSE"):
        return False
    if "JIFEN_CMDLINE" in environ and not started_by_double_click(
            environ.get("JIFEN_CMDLINE", ""), environ.get("JIFEN_SELF", "")):
        return False
    return stdin_is_console()


def should_open(environ=os.environ) -> bool:
    """Open the overview only for a person at the screen: never under CI or tests."""
    if environ.get("CI") or environ.get("JIFEN_NO_OPEN"):
        return False
    return should_pause(environ)


def fresh_overview(root: Path = ROOT) -> Path | None:
    """output/总览.html when it belongs to the last run: a run stopped by a broken rulebook
    writes only 校验报告.xlsx, and an older page must not be shown as if it were this run's."""
    page, report = root / "output" / "总览.html", root / "output" / "校验报告.xlsx"
    if not page.is_file():
        return None
    if report.is_file() and report.stat().st_mtime > page.stat().st_mtime:
        return None
    return page


def open_overview(root: Path = ROOT, environ=os.environ) -> int:
    """Always 0: not opening the page never fails the run."""
    page = fresh_overview(root)
    if page is None or not should_open(environ):
        return 0
    try:
        if os.name == "nt":
            os.startfile(str(page))       # the default browser, like a double-click on the file
        else:
            import webbrowser

            webbrowser.open(page.as_uri())
    except Exception:   # no browser configured: the console already said where the outputs are
        pass
    return 0


def prepare(root: Path = ROOT, test: bool = False) -> int:
    venv = venv_folder(root)
    python = venv_python(venv)
    first = False
    if sys.version_info < MIN_PYTHON:
        say(f"需要 Python 3.8 或更高版本，当前为 {version_text()}（{sys.executable}）。")
        say(*python_hint())
        return FAILED
    if not running_in(venv) and not python_works(python):
        again = venv.exists()
        if again:
            say("运行环境（.venv）已损坏或版本过旧，需要重新建立。")
            if not remove_venv(venv):
                return FAILED
        if not create_venv(venv, again):
            return FAILED
        first = True
    stamp_path = venv / STAMP_NAME
    digest = pyproject_hash(root)
    constraints = constraints_file(root)
    if constraints is not None and not constraints.is_file():
        say(f"找不到 JIFEN_CONSTRAINTS 指定的约束文件：{constraints}")
        return FAILED
    pins = hashlib.sha256(constraints.read_bytes()).hexdigest() if constraints else ""
    old = read_stamp(stamp_path)
    if stamp_is_current(old, digest, root, test, pins):
        return 0
    test = test or (old.get("extras") == "test")  # keep the test extras once installed
    if running_in(venv) and importlib.util.find_spec("pip") is None:
        say("运行环境（.venv）缺少 pip，已损坏：请删除 .venv 文件夹后重新运行。")
        return FAILED
    offline = has_wheels(root)
    stamp_path.unlink(missing_ok=True)
    if not install(python, root, test, offline, first, constraints):
        return FAILED
    write_stamp(stamp_path, make_stamp(digest, root, test, offline, pins))
    return 0


def main(argv: list[str]) -> int:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="replace")
        except (AttributeError, ValueError):
            pass
    if "--should-pause" in argv:
        return 0 if should_pause() else 1
    if "--open-overview" in argv:
        return open_overview()
    return prepare(ROOT, test="--test" in argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
