"""`verify` (核验): is the archive still what was published?

Re-hashes every archived file against its publication's manifest (归档清单.json, written by
jifen/publishing/seal.py) and recomputes each published period from its archived inputs with its
archived rulebook; any difference is reported by publication (period and number) and by file
or cadre. An archived file replaced by a password-encrypted copy is named as such.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from jifen.files import sha256_of_file
from jifen.publishing.seal import MANIFEST

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class Finding:
    where: str            # 2026Q1/1
    what: str             # a file name, 复算, 归档清单
    message: str


@dataclass
class Report:
    checked: list = field(default_factory=list)     # (where, fingerprint, files, inputs)
    findings: list = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 2 if self.findings else 0


def publications(archive_dir: Path) -> list[tuple[str, int, Path]]:
    """(period key, N, folder) of every publication in the archive, in order."""
    from jifen.rulebook import period_key

    out = []
    if not archive_dir.is_dir():
        return out
    for d in sorted(archive_dir.iterdir()):
        if d.is_dir() and period_key(d.name) == d.name:
            for n in sorted((x for x in d.iterdir() if x.is_dir() and re.fullmatch(r"\d+", x.name)),
                            key=lambda x: int(x.name)):
                out.append((d.name, int(n.name), n))
    return out


def encrypted(path: Path) -> bool:
    """An Office file encrypted with a password (an OLE2 container holding EncryptedPackage)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(1 << 22)
    except OSError:
        return False
    return data.startswith(OLE2) and "EncryptedPackage".encode("utf-16-le") in data


def verify(archive_dir: Path, only: str | None = None) -> Report:
    report = Report()
    parsed_cache: dict = {}
    for key, n, folder in publications(archive_dir):
        if only and key != only:
            continue
        where = f"{key}/{n}"
        found = report.findings
        manifest_path = folder / MANIFEST
        try:
            raw = manifest_path.read_bytes()
            manifest = json.loads(raw.decode("utf-8"))
        except (OSError, ValueError):
            found.append(Finding(where, MANIFEST, "没有归档清单或清单无法读取（可能由早期版本发布，或清单被删除、改动），"
                                                  "无法核对该次发布；如属早期版本发布，请重新发布该期间。"))
            continue
        fingerprint = hashlib.sha256(raw).hexdigest()
        files = manifest.get("files") or {}
        inputs = manifest.get("inputs") or []
        _check_files(where, folder, files, found)
        _check_inputs(where, archive_dir, inputs, found)
        _check_recompute(where, key, folder, archive_dir, inputs, parsed_cache, found)
        report.checked.append((where, fingerprint, len(files), len(inputs)))
    return report


def _check_files(where: str, folder: Path, files: dict, found: list) -> None:
    present = {p.name for p in folder.iterdir() if p.is_file() and p.name != MANIFEST}
    for name, expected in sorted(files.items()):
        path = folder / name
        if not path.is_file():
            found.append(Finding(where, name, "文件缺失（发布时已归档，现在不在了）"))
        elif sha256_of_file(path) != expected:
            msg = "内容与发布时不同（SHA-256 不符）"
            if encrypted(path):
                msg += "；该文件现在是加了密码的加密文件（可能被外发副本替换），归档中应为未加密的原件"
            found.append(Finding(where, name, msg))
    for name in sorted(present - set(files)):
        found.append(Finding(where, name, "发布后多出的文件（不在归档清单中）"))


def _check_inputs(where: str, archive_dir: Path, inputs: list, found: list) -> None:
    for entry in inputs:
        path = archive_dir / entry.get("stored", "")
        label = f"输入材料 {entry.get('path')}"
        if not entry.get("stored") or not path.is_file():
            found.append(Finding(where, label, f"归档的输入文件缺失（{entry.get('stored')}）"))
        elif sha256_of_file(path) != entry.get("sha256"):
            msg = f"归档的输入文件 {entry['stored']} 内容与发布时不同（SHA-256 不符）"
            if encrypted(path):
                msg += "；该文件现在是加了密码的加密文件"
            found.append(Finding(where, label, msg))


def _check_recompute(where, key, folder, archive_dir, inputs, parsed_cache, found) -> None:
    try:
        snap = json.loads((folder / "snapshot.json").read_text("utf-8"))
    except (OSError, ValueError) as exc:
        found.append(Finding(where, "snapshot.json", f"快照无法读取（{exc}）"))
        return
    try:
        now = recompute(key, folder, archive_dir, inputs, parsed_cache)
    except RecomputeError as exc:
        found.append(Finding(where, "复算", str(exc)))
        return
    for line in differences(snap, now):
        found.append(Finding(where, "复算", line))


class RecomputeError(Exception):
    pass


def recompute(key: str, folder: Path, archive_dir: Path, inputs: list, parsed_cache: dict) -> dict:
    """The period's snapshot recomputed from its archived inputs with its archived rulebook."""
    from dataclasses import replace

    from jifen.problems import RulebookError
    from jifen.publishing import publish
    from jifen.readers.inputs import parse_file
    from jifen.rulebook import read_rulebook
    from jifen.rules import computation, consequences, corrections

    try:
        rulebook = read_rulebook(folder / "rulebook.xlsx")
    except (RulebookError, OSError) as exc:
        raise RecomputeError(f"归档的规则文件无法读取（{exc}），无法复算") from exc
    parsed = []
    for entry in sorted(inputs, key=lambda e: e["path"]):
        k = (entry["path"], entry["sha256"])
        if k not in parsed_cache:
            parsed_cache[k] = parse_file(archive_dir / entry["stored"], entry["path"])
        parsed.append(parsed_cache[k])
    computed = computation.compute(parsed, [], rulebook)
    period = next((p for p in computed.periods if p.key == key), None)
    if period is None or computed.roster.empty:
        raise RecomputeError("归档的输入材料中没有该期间的数据，无法复算")
    held = publish.recompute_published(computed, archive_dir, lambda rb: computation.compute(parsed, [], rb),
                                       exclude={key}).computed
    outcome = consequences.derive_consequences(held.ranks, held.periods, publish.archived_snapshots(archive_dir),
                                               [h for p in parsed for h in p.history], rulebook.params)
    return corrections.snapshot(replace(held, ranks=outcome.ranks), period)


RANK_FIELDS = {"score": "积分", "rank": "名次", "band": "等次", "ranked": "参加排名", "base": "基础分",
               "bonus": "加分", "penalty": "扣分", "group": "排名分组", "unit": "单位", "name": "姓名", "note": "备注"}
ITEM_FIELDS = {"counted": "计分", "value": "分值", "cadre_id": "干部编号", "month": "月份", "code": "项目代码"}


def differences(snap: dict, now: dict) -> list[str]:
    """Chinese lines: where the archived snapshot and the recomputation disagree."""
    out = []
    if snap.get("period") != now.get("period"):
        out.append(f"快照记录的期间“{snap.get('period')}”与归档位置不符")
    if snap.get("rulebook_sha256") != now.get("rulebook_sha256"):
        out.append("快照记录的规则文件 SHA-256 与归档的规则文件不符")
    out += _compare(snap.get("items", []), now["items"], "item_id", ITEM_FIELDS, "事项")
    out += _compare(snap.get("ranks", []), now["ranks"], "cadre_id", RANK_FIELDS, "干部")
    return out


def _compare(old: list, new: list, key: str, fields: dict, label: str) -> list[str]:
    before = {r.get(key): r for r in old}
    after = {r.get(key): r for r in new}
    out = []
    for k in sorted(set(before) | set(after), key=str):
        a, b = before.get(k), after.get(k)
        if a is None:
            out.append(f"{label} {k}：快照中没有，复算中有")
        elif b is None:
            out.append(f"{label} {k}：快照中有，复算中没有")
        else:
            diffs = [f"{cn} 快照为 {_shown(a.get(f))}、复算为 {_shown(b.get(f))}"
                     for f, cn in fields.items() if a.get(f) != b.get(f)]
            if diffs:
                who = f"{label} {k}" + (f"（{b.get('name')}）" if b.get("name") else "")
                out.append(f"{who}：" + "；".join(diffs))
    return out


def _shown(v) -> str:
    if v is None or v == "":
        return "（空）"
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float) and v == int(v):
        return str(int(v))
    return str(v)


def print_report(report: Report, archive_dir: Path, out=print) -> None:
    out(f"核验归档：{archive_dir}")
    if not report.checked and not report.findings:
        out("归档中没有已发布的期间。")
        return
    bad = {f.where for f in report.findings}
    for where, fingerprint, n_files, n_inputs in report.checked:
        state = "有不一致，见下" if where in bad else "文件哈希相符，复算结果与快照相符"
        out(f"  {where}：归档文件 {n_files} 个、输入材料 {n_inputs} 个；{state}。发布指纹 {fingerprint}")
    if report.findings:
        out(f"发现 {len(report.findings)} 处与发布时不一致：")
        for f in report.findings:
            out(f"  [{f.where}] {f.what}：{f.message}")
        out("核验未通过：归档在发布后被改动或损坏。请查明原因；已发布的原件以纸质发文和发布时记录的指纹为准。")
    else:
        out("核验通过：全部归档文件与发布时一致，各期结果可由归档的输入材料和规则文件重新算出。"
            "请将上面的发布指纹与发布时记录的指纹核对。")
