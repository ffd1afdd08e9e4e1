"""Build the offline install folder `wheels/` (离线安装包) for PCs without internet.

Run on any computer that has internet and Python >= 3.11 with pip (Windows, Linux or macOS;
the project's own .venv will do), from the project folder:

    python tools/build_wheels.py                     # Windows x64 + Linux x64, Python 3.11-3.14
    python tools/build_wheels.py --python 3.12       # only for Python 3.12 (smaller)
    python tools/build_wheels.py --target win64      # only Windows x64
    python tools/build_wheels.py --target linux-arm64 --python 3.12   # 鲲鹏/飞腾 ARM64 Linux
    python tools/build_wheels.py --check             # only verify an existing wheels/ folder
    python tools/build_wheels.py --clean             # empty wheels/ first (drops old versions)

Then copy the whole project folder, wheels/ included, to the intranet PC: run.bat / run.sh /
run.command see wheels/ and install from it with `pip install --no-index --find-links wheels`.

What goes in: the project's dependencies and test extras read from pyproject.toml, its build
requirements (setuptools, so the editable install builds offline) and wheel, each for every
target platform and Python version asked (`pip download --only-binary=:all: --platform ...
--python-version ...`). pip evaluates environment markers (`sys_platform == "win32"`, ...)
against the computer it runs on, not the target, so afterwards every target is checked here
with its own markers and tags, and whatever is missing (e.g. colorama for pytest on Windows)
is downloaded too. The check is a simple walk of the dependency tree, not a full resolver;
pip resolves for real at install time. Exit status 0 when every target is complete.
"""

from __future__ import annotations

import argparse
import email.parser
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

try:
    import tomllib
except ImportError:  # Python < 3.11: the copy pip carries
    from pip._vendor import tomli as tomllib

try:  # `packaging` is in .venv with the test extras; pip always carries a copy
    from packaging.requirements import Requirement
    from packaging.specifiers import SpecifierSet
    from packaging.tags import compatible_tags, cpython_tags
    from packaging.utils import canonicalize_name, parse_wheel_filename
    from packaging.version import Version
except ImportError:  # pragma: no cover - depends on the interpreter used
    from pip._vendor.packaging.requirements import Requirement  # type: ignore[no-redef]
    from pip._vendor.packaging.specifiers import SpecifierSet  # type: ignore[no-redef]
    from pip._vendor.packaging.tags import (  # type: ignore[no-redef]
        compatible_tags,
        cpython_tags,
    )
    from pip._vendor.packaging.utils import (  # type: ignore[no-redef]
        canonicalize_name,
        parse_wheel_filename,
    )
    from pip._vendor.packaging.version import Version  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PYTHONS = ["3.11", "3.12", "3.13", "3.14"]
DEFAULT_TARGETS = ["win64", "linux64"]
EXTRA_ROOTS = ["wheel"]  # besides the build-system requirements


def manylinux(arch: str, glibc: tuple[int, int]) -> list[str]:
    """manylinux platform tags that a Linux on `arch` with this glibc accepts, newest first."""
    major, newest = glibc
    oldest = 17 if arch == "aarch64" else 5  # aarch64 starts at manylinux2014 (glibc 2.17)
    tags = []
    for minor in range(newest, oldest - 1, -1):
        tags.append(f"manylinux_{major}_{minor}_{arch}")
        legacy = {17: "manylinux2014", 12: "manylinux2010", 5: "manylinux1"}.get(minor)
        if legacy and (minor == 17 or arch == "x86_64"):
            tags.append(f"{legacy}_{arch}")
    return tags


@dataclass
class Target:
    key: str
    label: str
    platforms: list[str]
    markers: dict[str, str] = field(default_factory=dict)


def make_targets(glibc: tuple[int, int]) -> dict[str, Target]:
    linux = {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix"}
    return {
        "win64": Target("win64", "Windows x64", ["win_amd64"], {
            "sys_platform": "win32", "platform_system": "Windows", "os_name": "nt",
            "platform_machine": "AMD64"}),
        "linux64": Target("linux64", "Linux x64", manylinux("x86_64", glibc),
                          {**linux, "platform_machine": "x86_64"}),
        "linux-arm64": Target("linux-arm64", "Linux ARM64", manylinux("aarch64", glibc),
                              {**linux, "platform_machine": "aarch64"}),
    }


def marker_env(target: Target, python: str) -> dict[str, str]:
    return {
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "implementation_version": f"{python}.0",
        "python_version": python,
        "python_full_version": f"{python}.0",
        "platform_release": "",
        "platform_version": "",
        "extra": "",
        **target.markers,
    }


def supported_tags(target: Target, python: str) -> set:
    version = tuple(int(part) for part in python.split("."))
    interpreter = f"cp{version[0]}{version[1]}"
    tags = set(cpython_tags(version, abis=[interpreter], platforms=target.platforms))
    tags |= set(compatible_tags(version, interpreter, target.platforms))
    return tags


def project_requirements(root: Path, with_test: bool) -> list[str]:
    data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    reqs = list(data["project"].get("dependencies", []))
    if with_test:
        reqs += data["project"].get("optional-dependencies", {}).get("test", [])
    reqs += data.get("build-system", {}).get("requires", ["setuptools"])
    reqs += EXTRA_ROOTS
    return reqs


@dataclass
class Wheel:
    path: Path
    name: str
    version: Version
    tags: frozenset
    _meta: object = None

    def metadata(self):
        if self._meta is None:
            with zipfile.ZipFile(self.path) as zf:
                meta_name = next(n for n in zf.namelist()
                                 if n.endswith(".dist-info/METADATA") and n.count("/") == 1)
                text = zf.read(meta_name).decode("utf-8", "replace")
            self._meta = email.parser.Parser().parsestr(text, headersonly=True)
        return self._meta


def index_folder(folder: Path) -> dict[str, list[Wheel]]:
    found: dict[str, list[Wheel]] = {}
    for path in sorted(folder.glob("*.whl")):
        try:
            name, version, _build, tags = parse_wheel_filename(path.name)
        except ValueError:  # InvalidWheelFilename: such a file is simply not a candidate
            continue
        found.setdefault(canonicalize_name(name), []).append(Wheel(path, name, version, tags))
    for wheels in found.values():
        wheels.sort(key=lambda w: w.version, reverse=True)
    return found


def applies(req: Requirement, env: dict[str, str], extras: set[str]) -> bool:
    if req.marker is None:
        return True
    return any(req.marker.evaluate({**env, "extra": extra}) for extra in (extras | {""}))


def check_target(folder: Path, roots: list[str], target: Target, python: str
                 ) -> tuple[dict[str, Wheel], dict[str, SpecifierSet]]:
    """Walk the dependency tree for one target; return (chosen wheels, missing requirements)."""
    index = index_folder(folder)
    tags = supported_tags(target, python)
    env = marker_env(target, python)
    pyver = Version(python)
    specs: dict[str, SpecifierSet] = {}
    extras: dict[str, set[str]] = {}
    chosen: dict[str, Wheel] = {}
    done: dict[str, tuple] = {}
    missing: dict[str, SpecifierSet] = {}
    queue = [(Requirement(r), set()) for r in roots]
    while queue:
        req, parent_extras = queue.pop()
        if not applies(req, env, parent_extras):
            continue
        name = canonicalize_name(req.name)
        specs[name] = specs.get(name, SpecifierSet()) & req.specifier
        extras[name] = extras.get(name, set()) | set(req.extras)
        pick = None
        for wheel in index.get(name, []):
            if not (wheel.tags & tags) or not specs[name].contains(wheel.version, prereleases=True):
                continue
            requires_python = wheel.metadata().get("Requires-Python")
            if requires_python and not SpecifierSet(requires_python).contains(pyver, True):
                continue
            pick = wheel
            break
        if pick is None:
            missing[name] = specs[name]
            continue
        missing.pop(name, None)
        chosen[name] = pick
        key = (pick.path, frozenset(extras[name]))
        if done.get(name) == key:
            continue
        done[name] = key
        for line in pick.metadata().get_all("Requires-Dist") or []:
            queue.append((Requirement(line), extras[name]))
    return chosen, missing


def pip_download(folder: Path, target: Target, python: str, reqs: list[str], no_deps: bool,
                 quiet: bool) -> bool:
    cmd = [sys.executable, "-m", "pip", "download", "--disable-pip-version-check",
           "--only-binary=:all:", "--implementation", "cp", "--python-version", python,
           "--dest", str(folder)]
    for platform in target.platforms:
        cmd += ["--platform", platform]
    if no_deps:
        cmd.append("--no-deps")
    if quiet:
        cmd.append("-q")
    return subprocess.run(cmd + reqs, check=False).returncode == 0


def fill(folder: Path, target: Target, python: str, roots: list[str], quiet: bool,
         download: bool = True) -> tuple[dict[str, Wheel], dict[str, SpecifierSet]] | None:
    """Download `roots` with their dependencies for one target into folder, then what the
    target's own markers add; → (chosen wheels, still missing), None when pip failed."""
    # pip evaluates markers for the Python running it, not the target: give it only what
    # applies on the target, without the markers
    env = marker_env(target, python)
    wanted_here = [str(Requirement(r)).split(";")[0].strip() for r in roots if applies(Requirement(r), env, set())]
    if download and not pip_download(folder, target, python, wanted_here, False, quiet):
        return None
    for _round in range(6):
        chosen, missing = check_target(folder, roots, target, python)
        if not missing or not download:
            break
        wanted = [f"{name}{spec}" for name, spec in sorted(missing.items())]
        print(f"   also needed on {target.label} (markers of the target): "
              + ", ".join(wanted), flush=True)
        if not pip_download(folder, target, python, wanted, True, quiet):
            break
    return chosen, missing


def human_size(total: int) -> str:
    return f"{total / 1e6:.0f} MB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dest", type=Path, default=ROOT / "wheels",
                        help="folder to fill (default: wheels/ beside pyproject.toml)")
    parser.add_argument("--target", action="append", choices=["win64", "linux64", "linux-arm64"],
                        help="platform, repeatable (default: win64 and linux64)")
    parser.add_argument("--python", action="append", metavar="X.Y",
                        help="Python version of the target PCs, repeatable "
                             f"(default: {' '.join(DEFAULT_PYTHONS)})")
    parser.add_argument("--glibc", default="2.28", metavar="2.N",
                        help="oldest glibc of the Linux PCs (`ldd --version`; default 2.28: "
                             "统信 UOS 20, 麒麟 V10, Debian 10+; 2.17 for CentOS 7-era systems, "
                             "which then get older numpy/pandas than Windows)")
    parser.add_argument("--no-test", action="store_true",
                        help="leave out the test extras (pytest, hypothesis)")
    parser.add_argument("--check", action="store_true", help="only check the folder")
    parser.add_argument("--clean", action="store_true", help="empty the folder first")
    parser.add_argument("--quiet", "-q", action="store_true", help="less pip output")
    args = parser.parse_args(argv)

    glibc = tuple(int(part) for part in args.glibc.split("."))
    targets = make_targets(glibc)  # type: ignore[arg-type]
    chosen_targets = [targets[k] for k in (args.target or DEFAULT_TARGETS)]
    pythons = args.python or DEFAULT_PYTHONS
    roots = project_requirements(ROOT, with_test=not args.no_test)
    folder: Path = args.dest.resolve()

    if args.clean and not args.check and folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)

    complete = True
    used: set[Path] = set()
    versions: dict[tuple[str, str], dict[str, str]] = {}  # (python, package) -> target -> version
    for target in chosen_targets:
        for python in pythons:
            print(f"== {target.label}, Python {python}", flush=True)
            filled = fill(folder, target, python, roots, args.quiet, download=not args.check)
            if filled is None:
                print(f"   pip download failed for {target.label}, Python {python}")
                complete = False
                continue
            chosen, missing = filled
            used |= {w.path for w in chosen.values()}
            for name, wheel in chosen.items():
                versions.setdefault((python, name), {})[target.label] = str(wheel.version)
            if missing:
                complete = False
                print("   MISSING: " + ", ".join(f"{n}{s}" for n, s in sorted(missing.items())))
            else:
                print(f"   complete: {len(chosen)} packages")

    for (python, name), by_target in sorted(versions.items()):
        if len(set(by_target.values())) > 1:
            print(f"note: Python {python}: {name} differs between platforms: "
                  + ", ".join(f"{t} {v}" for t, v in sorted(by_target.items())))
    files = sorted(folder.glob("*.whl"))
    unused = [f for f in files if f not in used]
    total = sum(f.stat().st_size for f in files)
    print(f"\n{folder}: {len(files)} wheel files, {human_size(total)}")
    if unused:
        print(f"{len(unused)} files are not needed by the targets checked "
              "(older versions or other platforms); --clean rebuilds without them.")
    if complete:
        print("OK: copy the project folder with wheels/ to the offline PC and run the launcher.")
        return 0
    print("INCOMPLETE: see MISSING above.")
    return 1


if __name__ == "__main__":
    sys.exit(main())
