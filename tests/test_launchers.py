"""The double-click launchers (run.bat / run.command / run.sh) and the offline install helpers.

Fast and offline: the shell launchers are run in a scratch folder with an empty PATH, so they stop
at "no Python found" without touching .venv, which is enough to check when they wait for a key.
"""

import importlib.util
import os
import select
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

try:
    import pty
except ImportError:  # Windows
    pty = None

ROOT = Path(__file__).resolve().parent.parent
BASH = shutil.which("bash")
PROMPT = "按回车键关闭窗口".encode()
posix_only = pytest.mark.skipif(os.name == "nt" or BASH is None or pty is None,
                                reason="needs bash and a pty (POSIX)")


def load_tool(name):
    spec = importlib.util.spec_from_file_location(f"_tool_{name}", ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


# --- the files themselves --------------------------------------------------------------------

def test_run_bat_is_ascii_with_crlf_only():
    data = (ROOT / "run.bat").read_bytes()
    data.decode("ascii")  # a Chinese Windows reads .bat as GBK: ASCII reads the same everywhere
    assert data.endswith(b"\r\n")
    assert data.count(b"\n") == data.count(b"\r\n"), "a line of run.bat ends in LF without CR"
    assert data.count(b"\r") == data.count(b"\r\n"), "a stray CR in run.bat"


def test_run_bat_finds_python_offline_wheels_and_keeps_paths_safe():
    text = (ROOT / "run.bat").read_text(encoding="ascii")
    lower = text.lower()
    assert "call py -3 " in lower and "call python " in lower
    assert lower.index("call py -3 ") < lower.index("call python ")
    assert "wheels" in lower and "tools\\bootstrap.py" in lower
    assert "python.org" in lower  # says what to install when no Python is found
    assert 'pushd "%~dp0"' in lower  # works from any folder, also a network share
    assert "cmdcmdline" in lower and "jifen_no_pause" in lower
    assert "exit /b %status%" in lower
    # No parenthesised blocks: a ")" in the folder name would end such a block early.
    for line in text.splitlines():
        code = line.strip()
        if code.lower().startswith("rem") or code.lower().startswith("echo"):
            continue
        assert not code.endswith("(") and not code.startswith(")"), line


@pytest.mark.parametrize("name", ["run.sh", "run.command"])
def test_shell_launchers_are_lf_and_executable(name):
    path = ROOT / name
    assert b"\r" not in path.read_bytes()
    assert path.read_bytes().startswith(b"#!")
    if os.name != "nt":
        assert path.stat().st_mode & 0o111 == 0o111, f"{name} lost its run bit (chmod +x)"


def test_gitattributes_pins_line_endings():
    lines = {" ".join(line.split()) for line in (ROOT / ".gitattributes").read_text().splitlines()}
    for rule in ("*.bat text eol=crlf", "*.sh text eol=lf", "*.command text eol=lf",
                 "*.xlsx binary", "*.docx binary"):
        assert rule in lines


@posix_only
@pytest.mark.parametrize("name", ["run.sh", "run.command"])
def test_shell_syntax(name):
    done = subprocess.run([BASH, "-n", str(ROOT / name)], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr


# --- when the launchers wait for a key ------------------------------------------------------

def scratch(tmp_path, *names):
    """A folder with only the launchers: they find no Python there and stop with status 2."""
    folder = tmp_path / "积分 (测试) & 文件夹"
    folder.mkdir()
    for name in names:
        shutil.copy2(ROOT / name, folder / name)
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    env = {"PATH": str(empty), "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    return folder, env


def run_in_pty(cmd, cwd, env, answer_after_prompt=True, timeout=10):
    """Run with stdin a terminal; return (status, output, waited) where waited means the
    prompt appeared and the process was still running until Enter was pressed."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=slave, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    os.close(slave)
    out = b""
    waited = answered = False
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([proc.stdout], [], [], 0.1)
            if ready:
                chunk = os.read(proc.stdout.fileno(), 4096)
                if not chunk:
                    break
                out += chunk
            if PROMPT in out and not answered:
                time.sleep(0.2)
                waited = proc.poll() is None
                answered = True
                if answer_after_prompt:
                    os.write(master, b"\n")
        status = proc.wait(timeout=max(0.1, deadline - time.monotonic()))
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
        proc.stdout.close()
    return status, out.decode("utf-8", "replace"), waited


@posix_only
def test_run_sh_never_waits_when_stdin_is_not_a_terminal(tmp_path):
    folder, env = scratch(tmp_path, "run.sh")
    done = subprocess.run([BASH, "run.sh"], cwd=folder, env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, timeout=10, check=False)
    out = done.stdout.decode("utf-8")
    assert done.returncode == 2
    assert "Python 3.8" in out  # says plainly what is missing
    assert PROMPT not in done.stdout


@posix_only
def test_run_sh_waits_for_enter_in_a_terminal(tmp_path):
    folder, env = scratch(tmp_path, "run.sh")
    status, out, waited = run_in_pty([BASH, "run.sh"], folder, env)
    assert status == 2 and waited, out


@posix_only
@pytest.mark.parametrize("args, extra_env", [(["test"], {}), ([], {"JIFEN_NO_PAUSE": "1"})])
def test_run_sh_does_not_wait_for_tests_or_when_told(tmp_path, args, extra_env):
    folder, env = scratch(tmp_path, "run.sh")
    status, out, _ = run_in_pty([BASH, "run.sh", *args], folder, {**env, **extra_env},
                                answer_after_prompt=False, timeout=5)
    assert status == 2
    assert "按回车键" not in out


@posix_only
def test_run_command_waits_once_in_a_terminal(tmp_path):
    if not Path("/bin/bash").exists():
        pytest.skip("run.command runs /bin/bash")
    folder, env = scratch(tmp_path, "run.sh", "run.command")
    status, out, waited = run_in_pty([BASH, "run.command"], folder, env)
    assert status == 2 and waited
    assert out.count("按回车键关闭窗口") == 1, out


# --- tools/bootstrap.py: reinstall only when needed, offline when wheels/ is there ----------

def test_bootstrap_reinstalls_only_when_needed(tmp_path):
    boot = load_tool("bootstrap")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    digest = boot.pyproject_hash(tmp_path)
    stamp_file = tmp_path / "stamp"
    boot.write_stamp(stamp_file, boot.make_stamp(digest, tmp_path, test=False, offline=False))
    stamp = boot.read_stamp(stamp_file)
    assert boot.stamp_is_current(stamp, digest, tmp_path, test=False)
    assert not boot.stamp_is_current(stamp, digest, tmp_path, test=True)  # extras missing
    assert not boot.stamp_is_current(stamp, "0" * 64, tmp_path, test=False)  # pyproject changed
    assert not boot.stamp_is_current(stamp, digest, tmp_path / "moved", test=False)
    assert not boot.stamp_is_current({}, digest, tmp_path, test=False)
    with_test = boot.make_stamp(digest, tmp_path, test=True, offline=True)
    assert boot.stamp_is_current(with_test, digest, tmp_path, test=False)
    # the floor run's constraints file (JIFEN_CONSTRAINTS): installed with it, and again when it changes
    floor = boot.make_stamp(digest, tmp_path, test=True, offline=False, constraints="ab" * 32)
    assert boot.stamp_is_current(floor, digest, tmp_path, test=True, constraints="ab" * 32)
    assert not boot.stamp_is_current(floor, digest, tmp_path, test=True, constraints="cd" * 32)
    assert not boot.stamp_is_current(floor, digest, tmp_path, test=True)
    assert boot.venv_folder(tmp_path, {}) == tmp_path / ".venv"
    assert boot.venv_folder(tmp_path, {"JIFEN_VENV": ".venv-floor"}) == tmp_path / ".venv-floor"
    pins = boot.constraints_file(tmp_path, {"JIFEN_CONSTRAINTS": "tools/floor-constraints.txt"})
    assert pins == (tmp_path / "tools" / "floor-constraints.txt").resolve()
    assert boot.constraints_file(tmp_path, {}) is None
    cmd = boot.pip_install_command("py", tmp_path, test=True, offline=False, constraints=pins)
    assert cmd[cmd.index("-c") + 1] == str(pins) and cmd[-2:] == ["-e", ".[test]"]


def test_bootstrap_installs_from_wheels_without_index_when_present(tmp_path):
    boot = load_tool("bootstrap")
    online = boot.pip_install_command("py", tmp_path, test=True, offline=boot.has_wheels(tmp_path))
    assert "--no-index" not in online and online[-2:] == ["-e", ".[test]"]
    assert "-q" in online and "--disable-pip-version-check" in online
    (tmp_path / "wheels").mkdir()
    assert not boot.has_wheels(tmp_path)  # an empty folder is not an offline install
    (tmp_path / "wheels" / "x-1.0-py3-none-any.whl").write_bytes(b"")
    assert boot.has_wheels(tmp_path)
    offline = boot.pip_install_command("py", tmp_path, test=False, offline=True)
    at = offline.index("--no-index")
    assert offline[at + 1:at + 3] == ["--find-links", str(tmp_path / "wheels")]
    assert offline[-2:] == ["-e", "."]


# --- tools/build_wheels.py: each target checked with its own markers and tags ----------------

def fake_wheel(folder, filename, requires=(), requires_python=None):
    name, version = filename.split("-")[:2]
    meta = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    meta += [f"Requires-Dist: {r}" for r in requires]
    if requires_python:
        meta.append(f"Requires-Python: {requires_python}")
    with zipfile.ZipFile(folder / filename, "w") as zf:
        zf.writestr(f"{name}-{version}.dist-info/METADATA", "\n".join(meta) + "\n")


def test_build_wheels_checks_each_target_with_its_markers(tmp_path):
    bw = load_tool("build_wheels")
    fake_wheel(tmp_path, "app-1.0-py3-none-any.whl",
               ['colorama>=0.4; sys_platform == "win32"', "fast>=2",
                'tomli; python_version < "3.11"'])
    fake_wheel(tmp_path, "fast-2.0-cp312-cp312-win_amd64.whl")
    fake_wheel(tmp_path, "fast-2.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl")
    fake_wheel(tmp_path, "fast-3.0-cp313-cp313-manylinux_2_28_x86_64.whl", requires_python=">=3.13")
    targets = bw.make_targets((2, 28))

    chosen, missing = bw.check_target(tmp_path, ["app"], targets["linux64"], "3.12")
    assert not missing and set(chosen) == {"app", "fast"}
    assert str(chosen["fast"].version) == "2.0"  # 3.0 is for another Python

    chosen, missing = bw.check_target(tmp_path, ["app"], targets["win64"], "3.12")
    assert set(missing) == {"colorama"}  # pip on Linux would not have fetched it

    fake_wheel(tmp_path, "colorama-0.4.6-py2.py3-none-any.whl")
    assert not bw.check_target(tmp_path, ["app"], targets["win64"], "3.12")[1]
    assert set(bw.check_target(tmp_path, ["app"], targets["win64"], "3.13")[1]) == {"fast"}
    assert set(bw.check_target(tmp_path, ["app"], bw.make_targets((2, 17))["linux64"],
                               "3.13")[1]) == {"fast"}  # manylinux_2_28 needs a newer glibc


def test_build_wheels_reads_the_project_requirements():
    bw = load_tool("build_wheels")
    reqs = bw.project_requirements(ROOT, with_test=True)
    names = {r.split(";")[0].split("[")[0].split(">")[0].split("=")[0].split("<")[0].strip()
             for r in reqs}
    assert {"pandas", "openpyxl", "pytest", "setuptools", "wheel"} <= names


def test_floor_constraints_pin_each_range_at_its_lower_bound():
    """tools/floor-constraints.txt (the suite's second run, on Python 3.8) pins every dependency
    and test extra that Python 3.8 installs at the lower bound of its range in pyproject.toml."""
    import re

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name
    from packaging.version import Version

    data = load_tool("build_wheels").tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    text = (ROOT / "tools" / "floor-constraints.txt").read_text(encoding="utf-8")
    pins = {canonicalize_name(n): Version(v) for n, v in re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)$", text, re.M)}
    py38 = {"python_version": "3.8", "python_full_version": "3.8.18"}
    for req in map(Requirement, data["project"]["dependencies"] + data["project"]["optional-dependencies"]["test"]):
        if req.marker is not None and not req.marker.evaluate(py38):
            assert canonicalize_name(req.name) not in pins, req   # not installed on 3.8: nothing to pin
            continue
        (lower,) = [Version(s.version) for s in req.specifier if s.operator == ">="]
        assert pins.get(canonicalize_name(req.name)) == lower, req


def test_run_bat_waits_only_when_explorer_started_it():
    boot = load_tool("bootstrap")
    script = r"C:\Users\张三\Desktop\积分 (2026) & 副本\run.bat"
    # run.bat passes %CMDCMDLINE% without its quotes and %~f0 in these two variables.
    bat = (ROOT / "run.bat").read_text(encoding="ascii")
    assert 'set "JIFEN_SELF=%~f0"' in bat and 'set "JIFEN_CMDLINE=%CMDCMDLINE:"=%"' in bat
    explorer = rf'C:\WINDOWS\system32\cmd.exe /c ""{script}" "'.replace('"', "")
    assert boot.started_by_double_click(explorer, script)
    assert boot.started_by_double_click(explorer.upper(), script)
    assert not boot.started_by_double_click(r"C:\WINDOWS\system32\cmd.exe", script)  # console
    assert not boot.started_by_double_click("cmd /c run.bat check", script)  # another program
    assert not boot.should_pause({"JIFEN_NO_PAUSE": "1", "JIFEN_CMDLINE": explorer,
                                  "JIFEN_SELF": script})
    assert not boot.should_pause({"JIFEN_CMDLINE": "cmd /c run.bat", "JIFEN_SELF": script})


def test_overview_opens_only_for_a_person_after_a_plain_run(tmp_path, monkeypatch):
    boot = load_tool("bootstrap")
    monkeypatch.setattr(boot, "stdin_is_console", lambda: True)      # a person at the screen
    assert boot.should_open({})
    for env in ({"CI": "true"}, {"JIFEN_NO_OPEN": "1"}, {"JIFEN_NO_PAUSE": "1"}):
        assert not boot.should_open(env), env
    monkeypatch.setattr(boot, "stdin_is_console", lambda: False)     # tests, CI, a pipe
    assert not boot.should_open({})
    # the page is shown only when it belongs to the last run
    out = tmp_path / "output"
    out.mkdir()
    assert boot.fresh_overview(tmp_path) is None
    page, report = out / "总览.html", out / "校验报告.xlsx"
    report.write_bytes(b"x")
    page.write_text("<html></html>", encoding="utf-8")
    os.utime(report, (1_000_000, 1_000_000))
    assert boot.fresh_overview(tmp_path) == page
    os.utime(report, (page.stat().st_mtime + 5,) * 2)              # a later run wrote only the report
    assert boot.fresh_overview(tmp_path) is None
    opened = []
    monkeypatch.setattr(boot, "fresh_overview", lambda root=None: page)
    import webbrowser
    monkeypatch.setattr(webbrowser, "open", opened.append)
    assert boot.open_overview(tmp_path, {"CI": "true"}) == 0 and opened == []
    # every launcher asks for it only after a plain run (no arguments), never in test mode
    for name in ("run.sh", "run.command", "run.bat"):
        text = (ROOT / name).read_text(encoding="utf-8")
        assert "--open-overview" in text, name
    assert 'if "%~1"=="" "%VPY%" tools\\bootstrap.py --open-overview' in (ROOT / "run.bat").read_text("ascii")


def test_package_zip_entries_carry_the_sources_commit_time(tmp_path):
    """The Windows zips' files are stamped with the commit time, not one fixed time for every
    version: Python trusts a bytecode cache whose recorded source time and size match, so a
    module changed without changing its size, unzipped over the old version, would otherwise run
    from the old cache."""
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import bundle
    finally:
        sys.path.remove(str(ROOT / "tools"))
    stage = tmp_path / "干部日常积分"
    (stage / "jifen").mkdir(parents=True)
    (stage / "jifen" / "a.py").write_text("x = 1\n", encoding="utf-8")
    bundle.make_zip(stage, tmp_path / "p.zip")
    with zipfile.ZipFile(tmp_path / "p.zip") as zf:
        (info,) = zf.infolist()
    commit = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%ct"], capture_output=True,
                            text=True, check=False).stdout.strip()
    if not commit.isdigit():
        pytest.skip("not a git checkout: the zip falls back to the fixed time")
    when = time.gmtime(int(commit))
    assert info.date_time == tuple(when[:5]) + (when[5] // 2 * 2,)      # zip keeps even seconds
    assert info.date_time != bundle.FIXED_TIME
