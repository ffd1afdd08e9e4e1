"""Debian bullseye root filesystems for the Linux package test: glibc 2.31 and Python 3.9, as
close to Kylin V10 (glibc 2.31, Python 3.8) as Debian gets, on x86_64 and on arm64 under
qemu-user-static.

Made once with debootstrap (minbase + python3) and kept as tarballs under the test cache, so
later runs only unpack them (a few seconds). Needs root, debootstrap and, for arm64, the
qemu-aarch64 binfmt handler (`.ci/run` installs and enables them).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

SUITE = "bullseye"
MIRROR = os.environ.get("JIFEN_DEBIAN_MIRROR", "http://deb.debian.org/debian")
MACHINE = {"amd64": "x86_64", "arm64": "aarch64"}


def missing(arch: str, cache: Path) -> str:
    """Why a root filesystem for `arch` cannot be made or entered here ("" when it can)."""
    if os.geteuid() != 0:
        return "chroot needs root"
    if not shutil.which("chroot"):
        return "chroot is missing"
    if not tarball(arch, cache).exists() and not shutil.which("debootstrap"):
        return "debootstrap is not installed (Debian: apt-get install debootstrap)"
    if arch == "arm64" and os.uname().machine != "aarch64":
        handler = Path("/proc/sys/fs/binfmt_misc/qemu-aarch64")
        if not handler.exists() or "enabled" not in handler.read_text(encoding="ascii", errors="replace"):
            return ("the qemu-aarch64 binfmt handler is not enabled "
                    "(apt-get install qemu-user-static binfmt-support; see .ci/run)")
    return ""


def tarball(arch: str, cache: Path) -> Path:
    return cache / f"debian-{SUITE}-{arch}-python3.tar.gz"


def build_tarball(arch: str, cache: Path, log: Path) -> Path:
    """debootstrap → tarball (about 2 min for amd64, 10 for arm64 under emulation)."""
    out = tarball(arch, cache)
    if out.exists():
        return out
    cache.mkdir(parents=True, exist_ok=True)
    work = cache / f"debootstrap-{arch}"
    shutil.rmtree(work, ignore_errors=True)
    try:
        with open(log, "w", encoding="utf-8") as fh:
            done = subprocess.run(["nice", "-n", "10", "debootstrap", "--variant=minbase", "--include=python3",
                                   f"--arch={arch}", SUITE, str(work), MIRROR],
                                  stdout=fh, stderr=subprocess.STDOUT, timeout=3600, check=False)
        if done.returncode:
            raise RuntimeError(f"debootstrap {arch} failed, see {log}")
        shutil.rmtree(work / "var" / "cache" / "apt" / "archives", ignore_errors=True)
        part = out.with_name(out.name + ".part")
        subprocess.run(["tar", "-C", str(work), "--numeric-owner", "-czf", str(part), "."], check=True)
        os.replace(part, out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


def unpack(arch: str, cache: Path, dest: Path, log: Path) -> Path:
    """A fresh root filesystem at dest, from the cached tarball (made first when missing)."""
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(build_tarball(arch, cache, log)) as tar:
        subprocess.run(["tar", "-C", str(dest), "--numeric-owner", "-xzf", tar.name], check=True)
    return dest


@contextlib.contextmanager
def mounted(root: Path):
    """/proc and /dev bound into the chroot for the duration; always unmounted again."""
    done = []
    try:
        for point, args in (("proc", ["-t", "proc", "proc"]), ("dev", ["--bind", "/dev"])):
            target = root / point
            target.mkdir(exist_ok=True)
            subprocess.run(["mount", *args, str(target)], check=True)
            done.append(target)
        yield root
    finally:
        for target in reversed(done):
            if subprocess.run(["umount", str(target)], check=False).returncode:
                subprocess.run(["umount", "-l", str(target)], check=False)


def remove(root: Path) -> None:
    """Delete an unpacked root filesystem, refusing while anything is still mounted in it."""
    mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
    if str(root) in mounts:
        raise RuntimeError(f"still mounted under {root}")
    shutil.rmtree(root, ignore_errors=True)
