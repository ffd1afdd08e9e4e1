"""The offline Linux package for 信创 desktops: built once from tools/linux.lock, unpacked under
a path with Chinese characters and a space, and run by its run.sh

- with pyenv's Python 3.8 as the only python3 and the network unreachable (Kylin V10 has 3.8);
- in Debian bullseye chroots (glibc 2.31, python3 3.9) on x86_64 and, under qemu-user-static,
  on arm64 (Phytium, Kunpeng);

each time compared with the Linux run of the same demo county. The messages for a PC it cannot
run on (no python3, Python 3.7, a processor without wheels, a read-only folder) are checked on
a copy without the wheels. Downloads and the root filesystems are cached under
$JIFEN_TEST_CACHE (default ~/.cache/jifen-test); what is missing (pyenv 3.8, debootstrap,
qemu, root) skips with the reason.
"""

from __future__ import annotations

import os
import pty
import re
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import builders as b
import debian_root
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import bundle  # noqa: E402
import bundle_linux  # noqa: E402

CACHE = Path(os.environ.get("JIFEN_TEST_CACHE") or Path.home() / ".cache" / "jifen-test")
PYENV = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv") / "versions"
# What run.sh needs besides python3; a PATH of only these (and python3) is a PC's bare minimum.
TOOLS = ("bash", "cmp", "cp", "mv", "rm", "mkdir", "head")
OFFLINE = {"http_proxy": "http://127.0.0.1:9/", "https_proxy": "http://127.0.0.1:9/",
           "HTTP_PROXY": "http://127.0.0.1:9/", "HTTPS_PROXY": "http://127.0.0.1:9/",
           "no_proxy": "", "PIP_INDEX_URL": "http://127.0.0.1:9/simple"}


def pyenv_python(minor: str) -> Path | None:
    found = sorted(PYENV.glob(f"{minor}.*/bin/python{minor}"))
    return found[-1] if found else None


def bin_dir(where: Path, python: Path | str | None = None) -> Path:
    """A folder with symlinks to run.sh's tools and, when given, `python` as python3."""
    where.mkdir(parents=True, exist_ok=True)
    for tool in TOOLS:
        if not (where / tool).exists():
            (where / tool).symlink_to(shutil.which(tool))
    if python is not None:
        (where / "python3").unlink(missing_ok=True)
        if isinstance(python, str):          # a script standing in for python3
            (where / "python3").write_text(python, encoding="utf-8")
            (where / "python3").chmod(0o755)
        else:
            (where / "python3").symlink_to(python)
    return where


def launch(folder: Path, path: Path, *args, timeout=900, stdin=subprocess.DEVNULL) -> tuple[int, str, float]:
    """`bash run.sh ARGS` with only `path` on PATH and no network: (status, text, seconds)."""
    env = {"PATH": str(path), "HOME": str(folder.parent), "LANG": "C.UTF-8", "JIFEN_NO_PAUSE": "1", **OFFLINE}
    start = time.perf_counter()
    done = subprocess.run([str(path / "bash"), str(folder / "run.sh"), *args], cwd=folder.parent, env=env,
                          stdin=stdin, capture_output=True, timeout=timeout)
    return done.returncode, (done.stdout + done.stderr).decode("utf-8", "replace"), time.perf_counter() - start


# --- without building: the lock and the package's layout -----------------------------------

def test_lock_has_every_wheel_set_within_pyproject_ranges():
    import build_wheels
    from packaging.requirements import Requirement

    sets = bundle_linux.read_lock()
    assert set(sets) == set(bundle_linux.targets()) | {"pip"}
    deps = build_wheels.tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    for name, files in sets.items():
        if name == "pip":
            continue
        python, machine = name[2:].split("-")
        pinned = dict(bundle_linux.wheel_name_version(f) for f in files)
        python_version = f"{python[0]}.{python[1:]}"
        for dep in map(Requirement, deps):
            if dep.marker is not None and not dep.marker.evaluate({"python_version": python_version}):
                assert dep.name not in pinned, (name, dep)
                continue
            assert dep.specifier.contains(pinned[dep.name]), (name, dep, pinned[dep.name])
        for filename in files:
            assert filename.endswith("-none-any.whl") or machine in filename, (name, filename)
            assert re.search(rf"-(cp{python}|cp3\d+-abi3|py3|py2\.py3)-", filename), (name, filename)
    assert dict(bundle_linux.wheel_name_version(f) for f in sets["cp38-x86_64"])["numpy"] == "1.24.4"


def test_package_ships_the_linux_launchers_and_no_countys_files():
    shipped = [rel for _, rel in bundle_linux.package_files()]
    assert {"run.sh", "干部日常积分.desktop", "process.py", "示例/rulebook.xlsx"} <= set(shipped)
    assert any(rel.startswith("示例/input/") for rel in shipped)
    assert "run.bat" not in shipped and shipped.count("run.sh") == 1
    assert [src for src, rel in bundle_linux.package_files() if rel == "run.sh"] == [ROOT / "tools" / "linux" / "run.sh"]
    own = [rel for rel in shipped if rel == "rulebook.xlsx" or rel.split("/")[0] in ("input", "archive", "output")]
    assert own == []



def test_package_ships_the_linux_clerks_guide():
    """The guide in the package is the Linux one: it starts the program by the .desktop file and
    run.sh, names the tar.gz and never run.bat, cmd, a zip or a Windows path."""
    guides = [(src, rel) for src, rel in bundle_linux.package_files() if rel == "使用说明.txt"]
    assert guides == [(ROOT / "tools" / "linux" / "使用说明.txt", "使用说明.txt")]
    text = guides[0][0].read_text(encoding="utf-8")
    assert "干部日常积分.desktop" in text and "./run.sh publish 2026Q1" in text and "linux.tar.gz" in text
    assert "示例/input/干部名册.xlsx" in text and "wheelhouse" in text
    for windows in ("run.bat", "cmd", ".zip", "\\", "记事本", "任意键", "python-calamine"):
        assert windows not in text, windows
    shipped = {rel for _, rel in bundle_linux.package_files()}
    for named in re.findall(r"(?:docs|示例)/[\w./-]+", text):
        assert any(rel == named.rstrip("/.") or rel.startswith(named.rstrip("/.") + "/") for rel in shipped), named

def test_build_refuses_a_wheel_whose_hash_differs(tmp_path):
    sets = bundle_linux.read_lock()
    (name,) = sets["pip"]
    (tmp_path / "linux-wheels").mkdir()
    (tmp_path / "linux-wheels" / name).write_bytes(b"not the pip wheel")
    with pytest.raises(bundle.BuildError, match="SHA-256 differs from tools/linux.lock"):
        bundle_linux.fetch({"pip": sets["pip"]}, tmp_path)


# --- the package --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The tar.gz, built once per test session from the lock (downloads cached)."""
    if sys.version_info < (3, 11):
        pytest.skip("the package is built and run in the newest-Python run of .ci/run; it runs "
                    "Python 3.8 itself (pyenv's) there, so this floor run need not repeat it")
    dist = tmp_path_factory.mktemp("dist")
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "bundle.py"), "--platform", "linux", "--cache",
                           str(CACHE / "bundle"), "--dist", str(dist)], capture_output=True, text=True, timeout=3600)
    assert done.returncode == 0, done.stdout + done.stderr
    (tar,) = dist.glob("干部日常积分-*-linux.tar.gz")
    return tar


def unpack(tar: Path, place: Path) -> Path:
    place.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "-C", str(place), "-xzf", str(tar)], check=True)
    return place / bundle.PACKAGE_DIR


@pytest.fixture(scope="module")
def light(built, tmp_path_factory) -> Path:
    """The package without its wheel files, for the messages given before any install."""
    place = tmp_path_factory.mktemp("pc") / "文档 资料"
    place.mkdir()
    subprocess.run(["tar", "-C", str(place), "--exclude=*.whl", "-xzf", str(built)], check=True)
    return place / bundle.PACKAGE_DIR


@pytest.fixture(scope="module")
def linux_run(tmp_path_factory):
    """process.py here on the demo county with the default rulebook."""
    base = tmp_path_factory.mktemp("linux")
    shutil.copytree(ROOT / "input", base / "input")
    proc = b.run_process(base, rulebook=ROOT / "rulebook.xlsx")
    return proc.returncode, base / "output"


def test_python38_first_run_then_the_demo_county(built, linux_run, tmp_path):
    python = pyenv_python("3.8")
    if python is None:
        pytest.skip(f"pyenv's Python 3.8 is not installed under {PYENV}")
    folder = unpack(built, tmp_path / "信创 桌面" / "积分管理")
    path = bin_dir(tmp_path / "bin", python)

    status, text, first = launch(folder, path)
    assert "首次运行：正在从 wheelhouse 文件夹安装" in text and "使用 Python 3.8." in text, text
    assert "首次运行：已把默认规则文件复制为 rulebook.xlsx" in text and "示例/input" in text
    assert (folder / ".libs" / "cp38-x86_64" / ".jifen-installed").is_file()
    assert "Traceback" not in text

    shutil.copytree(folder / "示例" / "input", folder / "input", dirs_exist_ok=True)
    status, text, demo = launch(folder, path)
    assert status == linux_run[0], text
    assert "首次运行" not in text and "输出文件夹" in text
    assert text.count("未安装 LibreOffice") == 1, text        # notices in Word only, said once
    b.assert_same_results(folder / "output", linux_run[1])

    status, text, later = launch(folder, path, "--version")
    assert status == 0 and text.startswith("process.py "), text
    print(f"\nPython 3.8: first run (install) {first:.1f} s, demo county {demo:.1f} s, later start {later:.1f} s")


@pytest.mark.parametrize("arch", ["amd64", "arm64"])
def test_debian_bullseye_glibc_2_31(arch, built, linux_run, tmp_path):
    reason = debian_root.missing(arch, CACHE)
    if reason:
        pytest.skip(reason)
    root = debian_root.unpack(arch, CACHE, tmp_path / "root", tmp_path / "debootstrap.log")
    try:
        home = root / "home" / "科员 甲"
        folder = unpack(built, home)
        shutil.copytree(folder / "示例" / "input", folder / "input")
        env = ["/usr/bin/env", "-i", "PATH=/usr/bin:/bin", "LANG=C.UTF-8", "HOME=/home/科员 甲", "JIFEN_NO_PAUSE=1",
               *(f"{k}={v}" for k, v in OFFLINE.items())]
        with debian_root.mounted(root):
            libc = subprocess.run(["chroot", str(root), *env, "ldd", "--version"], capture_output=True, text=True)
            assert "2.31" in libc.stdout.splitlines()[0], libc.stdout
            start = time.perf_counter()
            done = subprocess.run(["chroot", str(root), *env, "bash", "/home/科员 甲/干部日常积分/run.sh"],
                                  stdin=subprocess.DEVNULL, capture_output=True, timeout=3600)
            seconds = time.perf_counter() - start
        text = (done.stdout + done.stderr).decode("utf-8", "replace")
        assert f"处理器 {debian_root.MACHINE[arch]}" in text and "使用 Python 3.9." in text, text
        assert done.returncode == linux_run[0], text
        b.assert_same_results(folder / "output", linux_run[1])
        print(f"\nbullseye {arch}: first run with the demo county {seconds:.0f} s")
    finally:
        debian_root.remove(root)


# --- the messages: one Chinese message, no traceback -------------------------------------------

def one_message(status: int, text: str, *says: str) -> None:
    assert status == 2, text
    assert text.count("无法运行：") == 1 and "信息中心" in text and "Traceback" not in text, text
    for said in says:
        assert said in text, text


def test_without_python3(light, tmp_path):
    one_message(*launch(light, bin_dir(tmp_path / "bin"))[:2], "没有找到 Python 3")


def test_python_37_is_too_old(light, tmp_path):
    python = pyenv_python("3.7")
    if python is None:
        pytest.skip(f"pyenv's Python 3.7 is not installed under {PYENV}")
    one_message(*launch(light, bin_dir(tmp_path / "bin", python))[:2], "Python 版本过旧：3.7.", "3.8 或更新版本")


def test_a_processor_without_wheels(light, tmp_path):
    """A Loongson PC: python3 runs but reports linux-loongarch64 (what run.sh's probe prints)."""
    fake = "#!/bin/bash\necho '3 8 3.8.10 linux-loongarch64'\n"
    one_message(*launch(light, bin_dir(tmp_path / "bin", fake))[:2], "处理器（loongarch64）", "龙芯")
    assert not (light / ".libs").exists()


def test_a_read_only_folder(light, tmp_path):
    """The package opened on a read-only medium: a read-only bind mount of the folder."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("a read-only bind mount needs root")
    view = tmp_path / "光盘" / bundle.PACKAGE_DIR
    view.mkdir(parents=True)
    if subprocess.run(["mount", "--bind", str(light), str(view)], capture_output=True).returncode:
        pytest.skip("mount --bind is not permitted here")
    try:
        if subprocess.run(["mount", "-o", "remount,bind,ro", str(view)], capture_output=True).returncode:
            pytest.skip("a read-only remount is not permitted here")
        status, text, _ = launch(view, bin_dir(tmp_path / "bin", Path(sys.executable)))
    finally:
        subprocess.run(["umount", str(view)], check=False)
    one_message(status, text, "程序所在的文件夹不能写入", "复制到")


def desktop_command(desktop: Path) -> list[str]:
    """The Exec line of a .desktop file as a file manager runs it (the desktop entry spec:
    string escapes, then quoting, %k the file's own path, %% a percent sign)."""
    line = next(x for x in desktop.read_text(encoding="utf-8").splitlines() if x.startswith("Exec="))
    value = re.sub(r"\\(.)", lambda m: {"s": " ", "n": "\n", "t": "\t", "r": "\r"}.get(m.group(1), m.group(1)),
                   line[len("Exec="):])
    args, current, quoted, i = [], "", False, 0
    while i < len(value):
        ch = value[i]
        if quoted and ch == "\\" and i + 1 < len(value):
            current, i = current + value[i + 1], i + 2
            continue
        if ch == '"':
            quoted = not quoted
        elif ch == " " and not quoted:
            args.append(current)
            current = ""
        else:
            current += ch
        i += 1
    args.append(current)
    return [str(desktop) if a == "%k" else a.replace("%%", "%") for a in args if a]


def test_desktop_launcher_runs_run_sh_in_a_terminal_and_waits(light, tmp_path):
    """Double-click: the terminal runs the Exec line; at the end run.sh waits for Enter."""
    desktop = light / "干部日常积分.desktop"
    text = desktop.read_text(encoding="utf-8")
    assert "Terminal=true" in text and "Type=Application" in text and os.access(desktop, os.X_OK)
    cmd = desktop_command(desktop)
    path = bin_dir(tmp_path / "bin", "#!/bin/bash\necho '3 7 3.7.3 linux-x86_64'\n")
    leader, follower = pty.openpty()
    env = {"PATH": str(path), "LANG": "C.UTF-8", "HOME": str(tmp_path)}
    proc = subprocess.Popen(cmd, cwd=tmp_path, env=env, stdin=follower, stdout=follower, stderr=follower)
    os.close(follower)
    seen = b""
    try:
        deadline = time.monotonic() + 60
        while "按回车键关闭窗口".encode() not in seen and time.monotonic() < deadline:
            if select.select([leader], [], [], 1)[0]:
                seen += os.read(leader, 4096)
        assert proc.poll() is None, seen.decode("utf-8", "replace")     # still waiting
        os.write(leader, b"\n")
        assert proc.wait(timeout=30) == 2
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(leader)
    said = seen.decode("utf-8", "replace")
    assert "Python 版本过旧：3.7.3" in said and "按回车键关闭窗口" in said, said
