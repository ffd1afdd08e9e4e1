"""Build the offline Linux package for 信创 desktops: dist/干部日常积分-<version>-linux.tar.gz.

    ./run.sh bundle --platform linux          build from tools/linux.lock (downloads cached)
    ./run.sh bundle --platform linux --lock   re-resolve pyproject's dependencies for every
                                              wheel set and rewrite tools/linux.lock first

Kylin and UOS office PCs have a system python3 (3.8 on Kylin V10) but no internet, no pip
index and no administrator rights, and may lack venv and ensurepip. So the package carries,
besides the program, a wheelhouse: the manylinux wheels for x86_64 and aarch64 and CPython
3.8 to 3.13 (twelve wheel sets; versions differ per Python, numpy 1.24 being the last for
3.8), and the pip wheel itself. Its run.sh (tools/linux/run.sh) picks the set for the running
python3, installs it once with `python3 pip-….whl/pip install --no-index --require-hashes
--target .libs/<set>` and runs process.py with that folder on PYTHONPATH.

tools/linux.lock names every wheel file and its SHA-256; the build downloads exactly those
(pip --require-hashes), checks each file again and refuses any mismatch. Downloads are cached
as for the Windows package (tools/bundle.py), so a second build needs no network. The package
holds no `rulebook.xlsx`, `input/`, `archive/` or `output/` (see jifen/firstrun.py).
"""

from __future__ import annotations

import io
import re
import shutil
import sys
import tarfile
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import bundle
from bundle import PACKAGE_DIR, ROOT, BuildError, pip

LOCK = ROOT / "tools" / "linux.lock"
LAUNCHERS = ROOT / "tools" / "linux"        # run.sh and the .desktop file, shipped at the top
PYTHONS = ["3.8", "3.9", "3.10", "3.11", "3.12", "3.13"]
MACHINES = {"x86_64": "linux64", "aarch64": "linux-arm64"}     # → tools/build_wheels.py targets
GLIBC = (2, 28)          # the newest manylinux accepted: UOS 20 has glibc 2.28, Kylin V10 2.31
PIP = "pip==25.0.1"      # the last pip that runs on Python 3.8
PIP_SET = "pip"
WHEELHOUSE = "wheelhouse"
EXECUTABLE = {"run.sh", "干部日常积分.desktop"}


def set_name(python: str, machine: str) -> str:
    return f"cp{python.replace('.', '')}-{machine}"


def targets() -> dict[str, tuple]:
    """wheel set name → (python version, build_wheels.Target)."""
    import build_wheels

    made = build_wheels.make_targets(GLIBC)
    return {set_name(py, machine): (py, made[key]) for py in PYTHONS for machine, key in MACHINES.items()}


def read_lock(path: Path = LOCK) -> dict[str, dict[str, str]]:
    """wheel set ('cp38-x86_64', …, 'pip') → {wheel file: SHA-256}."""
    sets: dict[str, dict[str, str]] = defaultdict(dict)
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        m = re.fullmatch(r"(\S+) (\S+\.whl) sha256=([0-9a-f]{64})", line.strip())
        if not m:
            raise BuildError(f"{path.name} line {number}: expected `<set> <file>.whl sha256=<hex>`")
        sets[m.group(1)][m.group(2)] = m.group(3)
    if len(sets.get(PIP_SET, {})) != 1:
        raise BuildError(f"{path.name}: exactly one `pip pip-….whl sha256=…` line is needed")
    return dict(sets)


def wheel_name_version(filename: str) -> tuple[str, str]:
    name, version = filename.split("-")[:2]
    return name.replace("_", "-").lower(), version


def requirements(files: dict[str, str]) -> str:
    """pip requirement lines, pinned and hashed, for one wheel set."""
    by_req: dict[tuple[str, str], list[str]] = defaultdict(list)
    for filename, digest in sorted(files.items()):
        by_req[wheel_name_version(filename)].append(digest)
    return "".join(f"{name}=={version} " + " ".join(f"--hash=sha256:{d}" for d in digests) + "\n"
                   for (name, version), digests in sorted(by_req.items()))


def project_requirements() -> list[str]:
    import build_wheels

    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    return list(build_wheels.tomllib.loads(text)["project"]["dependencies"])


def write_lock(cache: Path) -> None:
    """Resolve pyproject's dependencies for each wheel set (newest allowed versions per Python)
    and write tools/linux.lock with every file's SHA-256."""
    import build_wheels

    roots = project_requirements()
    lines = []
    wheels = cache / "linux-wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    for name, (python, target) in targets().items():
        with tempfile.TemporaryDirectory() as tmp:
            print(f"== {name}", flush=True)
            filled = build_wheels.fill(Path(tmp), target, python, roots, quiet=True)
            if filled is None or filled[1]:
                raise BuildError(f"{name}: no wheels for " + ", ".join(sorted(filled[1] if filled else roots)))
            for wheel in filled[0].values():
                lines.append(f"{name} {wheel.path.name} sha256={bundle.sha256(wheel.path)}")
                if not (wheels / wheel.path.name).exists():
                    shutil.copy2(wheel.path, wheels / wheel.path.name)
    with tempfile.TemporaryDirectory() as tmp:
        pip("download", "--no-deps", "--only-binary=:all:", "-d", tmp, PIP)
        (pip_wheel,) = Path(tmp).glob("pip-*.whl")
        lines.insert(0, f"{PIP_SET} {pip_wheel.name} sha256={bundle.sha256(pip_wheel)}")
        shutil.copy2(pip_wheel, wheels / pip_wheel.name)
    header = ["# Linux package lock, written by `./run.sh bundle --platform linux --lock` (tools/bundle_linux.py).",
              "# Each line: wheel set (CPython tag and processor, or pip), wheel file, its SHA-256.",
              f"# Resolved from pyproject.toml's dependencies for manylinux up to glibc {GLIBC[0]}.{GLIBC[1]}."]
    LOCK.write_text("\n".join(header + lines[:1] + sorted(lines[1:])) + "\n", encoding="utf-8")
    print(f"wrote {LOCK.relative_to(ROOT)}: {len(lines)} lines")


def fetch(sets: dict[str, dict[str, str]], cache: Path) -> Path:
    """Every locked wheel in cache/linux-wheels, downloaded when missing, each file checked."""
    wheels = cache / "linux-wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    made = targets()
    for name, files in sets.items():
        absent = {f: d for f, d in files.items() if not (wheels / f).exists()}
        if not absent:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            req = Path(tmp) / "requirements.txt"
            req.write_text(requirements(absent), encoding="utf-8")
            if name == PIP_SET:
                args = ["--only-binary=:all:"]
            else:
                python, target = made[name]
                args = ["--only-binary=:all:", "--implementation", "cp", "--python-version", python]
                for platform in target.platforms:
                    args += ["--platform", platform]
            pip("download", "--no-deps", "--require-hashes", *args, "-d", str(Path(tmp) / "got"), "-r", str(req))
            for path in (Path(tmp) / "got").glob("*.whl"):
                if path.name in absent:
                    shutil.move(str(path), wheels / path.name)
    for files in sets.values():
        for filename, digest in files.items():
            path = wheels / filename
            if not path.exists():
                raise BuildError(f"{filename}: not downloaded (is it still on the index?)")
            if bundle.sha256(path) != digest:
                raise BuildError(f"{filename}: SHA-256 differs from tools/linux.lock: refusing to build")
    return wheels


def version_text(version: str, sets: dict[str, dict[str, str]]) -> str:
    lines = [f"干部日常积分管理 {version}（信创桌面离线版：Linux x86_64 / arm64）", "",
             "使用本机自带的 python3（3.8 至 3.13）；所需程序包在 wheelhouse 文件夹，首次运行时离线安装。",
             f"随包的 pip：{next(iter(sets[PIP_SET]))}", ""]
    for name in targets():          # Python 3.8 first, x86_64 before aarch64
        pins = sorted({"{} {}".format(*wheel_name_version(f)) for f in sets[name]})
        lines.append(f"{name}：" + "，".join(pins))
    return "\n".join(lines) + "\n"


def package_files() -> list[tuple[Path, str]]:
    """(file, path inside the package folder): as the Windows package, with run.sh, the
    .desktop launcher and the clerk's guide for Linux (tools/linux/) instead of run.bat and the
    Windows guide."""
    own = {path.name for path in LAUNCHERS.iterdir()}
    files = [(src, rel) for src, rel in bundle.project_files() if rel not in {"run.bat", *own}]
    return files + [(path, path.name) for path in sorted(LAUNCHERS.iterdir()) if path.is_file()]


def make_tar(items: list[tuple[str, bytes | Path]], tar_path: Path) -> None:
    """A .tar.gz of PACKAGE_DIR/…, names in UTF-8 (PAX); the launchers executable. Files carry
    the build time, so Python's bytecode caches from an older version unpacked here go stale."""
    tar_path.parent.mkdir(parents=True, exist_ok=True)
    part = tar_path.with_name(tar_path.name + ".part")
    now = int(time.time())
    with tarfile.open(part, "w:gz", compresslevel=6, format=tarfile.PAX_FORMAT) as tar:
        dirs = sorted({str(Path(PACKAGE_DIR, rel).parent) for rel, _ in items} | {PACKAGE_DIR})
        for parent in sorted({p for d in dirs for p in [d, *map(str, Path(d).parents)] if p != "."}):
            info = tarfile.TarInfo(parent)
            info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, now
            tar.addfile(info)
        for rel, content in sorted(items):
            data = content.read_bytes() if isinstance(content, Path) else content
            info = tarfile.TarInfo(f"{PACKAGE_DIR}/{rel}")
            info.size, info.mtime = len(data), now
            info.mode = 0o755 if rel in EXECUTABLE else 0o644
            tar.addfile(info, io.BytesIO(data))
    part.replace(tar_path)


def build(cache: Path, dist: Path) -> Path:
    sys.path.insert(0, str(ROOT))
    from jifen import __version__

    sets = read_lock()
    missing = sorted(set(targets()) - set(sets))
    if missing:
        raise BuildError("tools/linux.lock lacks the wheel sets " + ", ".join(missing))
    wheels = fetch(sets, cache)
    items: list[tuple[str, bytes | Path]] = [(rel, src) for src, rel in package_files()]
    for filename in sorted({f for files in sets.values() for f in files}):
        items.append((f"{WHEELHOUSE}/{filename}", wheels / filename))
    for name, files in sets.items():
        if name != PIP_SET:
            items.append((f"{WHEELHOUSE}/{name}.txt", requirements(files).encode("utf-8")))
    items.append(("版本.txt", version_text(__version__, sets).encode("utf-8")))
    tar_path = dist / f"{PACKAGE_DIR}-{__version__}-linux.tar.gz"
    make_tar(items, tar_path)
    return tar_path
