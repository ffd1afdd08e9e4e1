"""外发: password-encrypted copies of the internal workbooks, for sending out of the office.

A sheet or workbook-structure password is not encryption; the Office "encrypt with password"
(ECMA-376 agile encryption, AES-256 with a SHA-512 key derivation) is, and Excel and WPS open
it with the password. The copies go to output/外发/; the archive keeps the plain files. The
password is asked in the console (twice, no echo) or taken from JIFEN_FILE_PASSWORD for
scripts, and is never written anywhere: not in the rulebook, the outputs, the archive or a log.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

from jifen.files import write_atomic
from jifen.rulebook import period_key

FOLDER = "外发"
ENV = "JIFEN_FILE_PASSWORD"
MIN_LENGTH = 8


class NoPassword(Exception):
    """No usable password (Chinese message for the clerk)."""


def ask_password(env=os.environ, ask=None, interactive: bool | None = None) -> str:
    """The password from JIFEN_FILE_PASSWORD, else typed twice in the console without echo."""
    given = env.get(ENV)
    if given is not None:
        return _checked(given)
    if interactive is None:
        interactive = sys.stdin is not None and sys.stdin.isatty()
    if not interactive:
        raise NoPassword(f"加密外发副本需要密码：请在命令窗口中运行以便输入密码，或设置环境变量 {ENV}。")
    if ask is None:
        import getpass
        ask = getpass.getpass
    for _attempt in range(3):
        first = ask(f"请输入外发文件的打开密码（至少 {MIN_LENGTH} 位，输入时不显示）：")
        try:
            _checked(first)
        except NoPassword as exc:
            print(exc)
            continue
        if ask("请再输入一次密码：") == first:
            return first
        print("两次输入的密码不一致，请重新输入。")
    raise NoPassword("没有得到有效的密码，未运行。")


def _checked(password: str) -> str:
    if len(password) < MIN_LENGTH:
        raise NoPassword(f"密码太短：外发文件的打开密码至少 {MIN_LENGTH} 位（建议字母、数字混合）。")
    return password


def period_files(output_dir: Path, target: str) -> list[Path]:
    """The internal workbooks of one period: its ranking (annual or quarterly attachment) and
    the year's 积分总台账."""
    key = period_key(target)
    if key is None:
        return []
    year = key[:4]
    ledger = output_dir / "台账" / f"积分总台账_{year}.xlsx"
    if "Q" in key:
        ranking = output_dir / "季度通报" / f"{year}年第{key[-1]}季度积分排名.xlsx"
    else:
        ranking = output_dir / "年度排名" / f"{year}年度积分排名.xlsx"
    return [ranking, ledger]


def run_files(output_dir: Path, year: int | None = None) -> list[Path]:
    """Every internal workbook of the kinds sent out that a run left in output/."""
    patterns = ["年度排名/*年度积分排名.xlsx", "季度通报/*季度积分排名.xlsx", "台账/积分总台账_*.xlsx"]
    found = sorted({p for pat in patterns for p in output_dir.glob(pat) if not p.name.startswith((".", "~$"))})
    return [p for p in found if year is None or str(year) in p.name]


def encrypt_bytes(data: bytes, password: str) -> bytes:
    import warnings

    with warnings.catch_warnings():     # cryptography's notice, on Python 3.8, that it will drop 3.8
        warnings.simplefilter("ignore")
        from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt(password, out)
    return out.getvalue()


def clear(output_dir: Path) -> list[str]:
    """Remove the copies a previous --encrypt left (they may be out of date) → their names."""
    folder = output_dir / FOLDER
    gone = []
    if folder.is_dir():
        for p in sorted(folder.glob("*.xlsx")):
            try:
                p.unlink()
                gone.append(p.name)
            except OSError:
                pass
    return gone


def write_copies(paths: list[Path], output_dir: Path, password: str) -> tuple[list[Path], list[str]]:
    """Encrypted copies in output/外发/ → (written, Chinese messages about what failed)."""
    clear(output_dir)
    folder = output_dir / FOLDER
    written, failed = [], []
    for src in paths:
        if not src.exists():
            failed.append(f"{src.name}：本次没有生成该文件，未加密")
            continue
        target = folder / src.name
        try:
            folder.mkdir(parents=True, exist_ok=True)
            write_atomic(target, encrypt_bytes(src.read_bytes(), password))
        except PermissionError:
            failed.append(f"{target.name}：文件被占用（可能正在 Excel/WPS 中打开），请关闭后重新运行")
            continue
        except OSError as exc:
            failed.append(f"{target.name}：无法写入（{exc.strerror or exc}）")
            continue
        written.append(target)
    return written, failed


def report(written: list[Path], failed: list[str], out=print) -> None:
    if written:
        out(f"已生成加密的外发副本 {len(written)} 份：{written[0].parent}")
        for p in written:
            out(f"  {p.name}")
        out("  打开密码请通过电话、短信等其他途径告知收件人，不要与文件在同一封邮件或同一聊天中发送。")
    for msg in failed:
        out(f"  [未能加密] {msg}")
