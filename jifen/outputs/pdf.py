"""PDF copies of the notices (季度通报, 年度通报), made by LibreOffice off the critical path.

A 48-page notice takes LibreOffice most of a minute, so a run never waits for it: the run
writes the Word notices, prints its summary, and only then starts a detached process
(`process.py pdf`) that converts the notices whose PDF is missing or was made from other
Word content — one LibreOffice start for all of them, with a profile kept under
output/.cache so that start is quick. The process outlives the console window (a clerk may
close it at once); a later run that finds a conversion still going queues behind it.
`publish` converts the published notice in the foreground, since the archive must hold it.

Rules that keep it honest:
- `.jifen-pdf.json` in output/ records, for every PDF we made, the SHA-256 of the Word file
  it was made from; a PDF is up to date only when that matches the Word file now. Only the
  converter (holding the lock) writes that record.
- A run that replaces a notice removes the old PDF we made from it at once (before its
  summary), so a PDF beside a notice always matches it; the new one appears when done.
- Each PDF is written by LibreOffice into output/.cache and moved into place with
  os.replace; the Word file is checked before and after, so a notice replaced meanwhile
  never gets a PDF of its old content.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from jifen.files import sha256_of_file

STATUS_NAME = ".jifen-pdf.json"
LOCK_NAME = "pdf.lock"           # under output/.cache: one converter at a time (shared profile)
PROFILE_DIR = "libreoffice"      # under output/.cache: LibreOffice's kept user profile
WORK_DIR = "pdf-work"            # under output/.cache: LibreOffice's output before it is moved
NOTICE_FOLDERS = ("季度通报/", "年度排名/")
HEARTBEAT_S = 15                 # the lock's modification time is renewed this often …
STALE_AFTER_S = 120              # … so a lock older than this was left by a killed converter
SOFFICE_NAMES = ("soffice", "libreoffice")


# --- what to convert (pure) ----------------------------------------------------------------


def is_notice(rel: str) -> bool:
    """A public notice's Word file (the appeal replies are Word files too, but never PDF'd)."""
    return rel.startswith(NOTICE_FOLDERS) and rel.endswith(".docx") and "/" not in rel.split("/", 1)[1]


def pdf_rel(doc_rel: str) -> str:
    return doc_rel[: -len(".docx")] + ".pdf"


def plan(docs: dict, made: dict, present: set) -> tuple[list, list]:
    """→ (notices to convert, PDFs to remove now).

    `docs`: notice path → SHA-256 of its Word file now; `made`: PDF path → SHA-256 of the Word
    file it was made from (our record); `present`: PDF paths that exist. A notice needs
    converting unless its PDF exists and was made from exactly this Word content. A PDF we
    made from other content is stale and goes at once; a PDF we did not make (a clerk's own)
    is left until ours replaces it.
    """
    todo, stale = [], []
    for doc, sha in sorted(docs.items()):
        pdf = pdf_rel(doc)
        if pdf in present and made.get(pdf) == sha:
            continue
        todo.append(doc)
        if pdf in present and pdf in made:
            stale.append(pdf)
    return todo, stale


def notice_hashes(hashes: dict) -> dict:
    """The notices among a run's outputs (relative path → SHA-256)."""
    return {rel: sha for rel, sha in hashes.items() if is_notice(rel)}


# --- record, lock, LibreOffice (I/O) ---------------------------------------------------------


def load_status(output_dir: Path) -> dict:
    try:
        data = json.loads((Path(output_dir) / STATUS_NAME).read_text("utf-8"))
    except (OSError, ValueError):
        return {"made": {}}
    return data if isinstance(data.get("made"), dict) else {"made": {}}


def _save_status(output_dir: Path, status: dict) -> None:
    from jifen.files import write_atomic

    data = json.dumps(status, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
    try:
        write_atomic(Path(output_dir) / STATUS_NAME, data)
    except OSError:
        pass    # without the record the next converter only does more work


def present_pdfs(output_dir: Path, docs) -> set:
    return {pdf_rel(d) for d in docs if (Path(output_dir) / pdf_rel(d)).exists()}


def pending(output_dir: Path, docs: dict) -> tuple[list, list]:
    """`plan` for the notices `docs` as they are in `output_dir` now."""
    return plan(docs, load_status(output_dir)["made"], present_pdfs(output_dir, docs))


def remove_stale(output_dir: Path, docs: dict) -> list:
    """Remove the PDFs we made from other Word content than the notices now have; → todo."""
    todo, stale = pending(output_dir, docs)
    for rel in stale:
        try:
            (Path(output_dir) / rel).unlink()
        except OSError:
            pass        # held open in a reader: the converter replaces it later
    return todo


def find_soffice() -> str | None:
    """LibreOffice's program: on PATH, else where its installer puts it (Windows, macOS)."""
    for name in SOFFICE_NAMES:
        found = shutil.which(name)
        if found:
            return found
    candidates = []
    if sys.platform == "win32":
        for var in ("ProgramFiles", "ProgramFiles(x86)", "ProgramW6432"):
            if os.environ.get(var):
                candidates.append(Path(os.environ[var]) / "LibreOffice" / "program" / "soffice.exe")
    elif sys.platform == "darwin":
        candidates.append(Path("/Applications/LibreOffice.app/Contents/MacOS/soffice"))
    return next((str(c) for c in candidates if c.exists()), None)


def env_without_soffice(scratch: Path) -> dict:
    """This environment with every PATH folder holding LibreOffice dropped, as on a PC
    without it (the benchmark's and the tests' runs; process.py needs nothing from PATH)."""
    names = [n + ext for n in SOFFICE_NAMES for ext in ("", ".exe", ".com")]
    keep = [d for d in os.environ.get("PATH", "").split(os.pathsep)
            if d and not any((Path(d) / n).exists() for n in names)]
    if not keep:
        empty = Path(scratch) / ".empty-bin"
        empty.mkdir(parents=True, exist_ok=True)
        keep = [str(empty)]
    env = {k: v for k, v in os.environ.items() if k not in ("PATH", "PYTHONPATH")}
    env["PATH"] = os.pathsep.join(keep)
    return env


def sha256_file(path: Path) -> str | None:
    try:
        return sha256_of_file(path)
    except OSError:
        return None


class Lock:
    """One converter at a time per output folder (they share LibreOffice's profile).

    A file created exclusively; its holder renews its modification time every HEARTBEAT_S
    seconds, so a lock left by a killed converter is recognised by its age on any system.
    """

    def __init__(self, cache_dir: Path):
        self.path = Path(cache_dir) / LOCK_NAME
        self._stop = threading.Event()
        self._beat: threading.Thread | None = None

    def acquire(self, waiting=None) -> None:
        """Wait until the lock is ours; `waiting()` is called once if another holds it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        told = False
        while True:
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                try:
                    age = time.time() - self.path.stat().st_mtime
                except OSError:
                    continue            # just released
                if age > STALE_AFTER_S:
                    try:
                        self.path.unlink()
                    except OSError:
                        pass
                    continue
                if waiting and not told:
                    waiting()
                    told = True
                time.sleep(0.5)
                continue
            os.write(fd, f"{os.getpid()}\n".encode())
            os.close(fd)
            break
        self._beat = threading.Thread(target=self._heartbeat, daemon=True)
        self._beat.start()

    def _heartbeat(self) -> None:
        while not self._stop.wait(HEARTBEAT_S):
            try:
                os.utime(self.path)
            except OSError:
                pass

    def release(self) -> None:
        self._stop.set()
        if self._beat is not None:
            self._beat.join()
        try:
            self.path.unlink()
        except OSError:
            pass


def _run_soffice(soffice: str, profile: Path, outdir: Path, docs: list[Path]) -> str:
    """Convert `docs` in one LibreOffice start; → '' or why it failed."""
    timeout = 180 + 120 * len(docs)          # a 48-page notice: about 45 s on a slow PC
    cmd = [soffice, "--headless", "--norestore", "--nolockcheck", "--nologo", "--nodefault",
           f"-env:UserInstallation={profile.resolve().as_uri()}",
           "--convert-to", "pdf", "--outdir", str(outdir), *map(str, docs)]
    try:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return f"LibreOffice 在 {timeout} 秒内没有完成"
    except OSError as exc:
        return f"无法启动 LibreOffice（{exc}）"
    if proc.returncode != 0:
        tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        return f"LibreOffice 退出状态 {proc.returncode} {tail[0]}".strip()
    return ""


def convert(output_dir: Path, docs: list[str] | None = None, soffice: str | None = None,
            say=None) -> dict:
    """Make the PDFs of `docs` (relative notice paths; default every notice we wrote) that are
    missing or out of date, in one LibreOffice start; → {"converted", "failed", "seconds"}.

    Holds the lock throughout (waiting for an earlier converter first), re-reads what is
    pending once it holds it, and records each PDF made."""
    from jifen.outputs import state

    output_dir = Path(output_dir)
    say = say or (lambda _msg: None)
    cache = output_dir / state.CACHE_DIR
    soffice = soffice or find_soffice()
    result = {"converted": [], "failed": [], "seconds": 0.0}
    if soffice is None:
        result["failed"] = [(d, "未安装 LibreOffice") for d in docs or []]
        return result
    lock = Lock(cache)
    lock.acquire(waiting=lambda: say("另一次 PDF 转换正在进行，等它完成……"))
    start = time.perf_counter()
    try:
        recorded = state.load(output_dir)
        wanted = docs if docs is not None else [r for r in recorded if is_notice(r)]
        current = {rel: sha for rel in wanted if (sha := sha256_file(output_dir / rel))}
        todo, _ = pending(output_dir, current)
        if not todo:
            return result
        say(f"正在生成 {len(todo)} 份通报的 PDF（LibreOffice，页数多的每份约需一分钟）……")
        shutil.rmtree(cache / WORK_DIR, ignore_errors=True)     # left by a killed converter
        work = cache / WORK_DIR
        work.mkdir(parents=True, exist_ok=True)
        sources = []
        for i, rel in enumerate(todo):
            data = (output_dir / rel).read_bytes()        # a snapshot: the notice may be replaced meanwhile
            src = work / f"n{i}.docx"
            src.write_bytes(data)
            sources.append((rel, src, hashlib.sha256(data).hexdigest()))
        problem = _run_soffice(soffice, cache / PROFILE_DIR, work, [s for _, s, _ in sources])
        status = load_status(output_dir)
        for rel, src, sha in sources:
            made = src.with_suffix(".pdf")
            if not made.exists() or made.stat().st_size == 0:
                result["failed"].append((rel, problem or "LibreOffice 没有生成 PDF"))
                continue
            why = _place(output_dir, rel, made, sha)
            if why:
                result["failed"].append((rel, why))
            else:
                status["made"][pdf_rel(rel)] = sha
                result["converted"].append(pdf_rel(rel))
        result["seconds"] = round(time.perf_counter() - start, 2)
        status["last"] = {"finished": time.strftime("%Y-%m-%d %H:%M:%S"), **result}
        _save_status(output_dir, status)
        shutil.rmtree(work, ignore_errors=True)
        return result
    finally:
        lock.release()


def _place(output_dir: Path, rel: str, made: Path, sha: str) -> str:
    """Move a finished PDF beside its notice if the notice is still the one converted."""
    target = output_dir / pdf_rel(rel)
    if sha256_file(output_dir / rel) != sha:
        return "通报在转换期间被替换，PDF 留待下次生成"
    try:
        with open(made, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(made, target)
    except PermissionError:
        return "PDF 文件被占用（可能正在阅读器中打开），请关闭后重新运行"
    except OSError as exc:
        return f"无法写入 PDF（{exc.strerror or exc}）"
    if sha256_file(output_dir / rel) != sha:      # replaced between the check and the move
        try:
            target.unlink()
        except OSError:
            pass
        return "通报在转换期间被替换，PDF 留待下次生成"
    return ""


# --- starting it after a run ---------------------------------------------------------------


def start_background(output_dir: Path, docs: list[str]) -> bool:
    """Start `process.py pdf` detached: it survives the console window being closed (its
    own session on Unix; no console on Windows) and writes nothing to this console."""
    from jifen.outputs import state
    from jifen.pipeline_paths import ROOT

    cache = Path(output_dir) / state.CACHE_DIR
    cache.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, str(ROOT / "process.py"), "pdf", "--output", str(output_dir), *docs]
    kw: dict = {"stdin": subprocess.DEVNULL, "stdout": subprocess.DEVNULL, "close_fds": True, "cwd": str(ROOT)}
    if sys.platform == "win32":
        kw["creationflags"] = subprocess.DETACHED_PROCESS | subprocess.CREATE_NEW_PROCESS_GROUP
    else:
        kw["start_new_session"] = True
    try:
        with open(cache / "pdf.log", "ab") as log:
            subprocess.Popen(cmd, stderr=log, **kw)
    except OSError:
        return False
    return True


def after_run(output_dir: Path, hashes: dict, enabled: bool, out=print) -> None:
    """After the summary: start converting the notices that lack an up-to-date PDF, and say
    what the clerk will see. `hashes`: the run's outputs (relative path → SHA-256)."""
    docs = notice_hashes(hashes)
    last = load_status(output_dir).get("last") or {}
    if not docs or not enabled:
        return
    todo, _ = pending(output_dir, docs)
    if not todo:
        return
    soffice = find_soffice()
    if soffice is None:
        out("  未安装 LibreOffice，未生成通报的 PDF 版本（Word 版已生成）。")
        return
    for rel, why in last.get("failed", []):
        if rel in todo:
            out(f"  上次未能生成 {pdf_rel(rel)}：{why}")
    if start_background(output_dir, todo):
        out(f"  通报 PDF：正在后台生成 {len(todo)} 份（页数多的每份约需一分钟），完成后出现在对应的 Word 通报旁边；"
            "现在可以关闭本窗口，不影响生成。")
    else:
        out("  未能启动 PDF 转换（Word 版已生成）；可以稍后运行 pdf 命令生成。")
