"""`process.py publish`: archiving a settled quarter and holding later runs to it (SPEC §3.5, §5).

The county: five 科级领导干部, register rows only (counted as entered, no review):
    DJ1 K0001 张明 2026-01 J1-3 → +2      DJ2 K0002 李华 2026-02 K1 → −5
    DJ3 K0003 王伟 2026-03 J1-4 → +1      DJ4 K0003 王伟 2026-04 J1-3 → +2 (Q2, incomplete)
Q1 (N = 5, k = 1 each side): 张明 102 (1, 先进), 王伟 101 (2), 陈静 100 (3), 周军 100 (3), 李华 95 (5, 末位).
An appeal upheld on DJ2 (不通过) makes 李华 100: 名次 5 → 3, 末位 → none.
A rulebook raising J1-3 to 3 after publishing leaves Q1 at 102 for 张明 (archived rules) and
makes Q2 王伟 100 + 3 = 103.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from pathlib import Path

import builders as b
import docx
import openpyxl
import pytest
from test_word_documents import assert_chinese_word_document

ROSTER = [
    ("K0001", "张明", "县财政局", "局长", "科级领导干部", "2020-01-01"),
    ("K0002", "李华", "县财政局", "副局长", "科级领导干部", "2020-01-01"),
    ("K0003", "王伟", "城关镇", "镇长", "科级领导干部", "2020-01-01"),
    ("K0004", "陈静", "城关镇", "副镇长", "科级领导干部", "2020-01-01"),
    ("K0005", "周军", "县教育局", "局长", "科级领导干部", "2020-01-01"),
]
Q1_NOTICE = Path("季度通报") / "2026年第1季度积分情况通报.docx"
Q1_ATTACHMENT = Path("季度通报") / "2026年第1季度积分排名.xlsx"
Q2_ATTACHMENT = Path("季度通报") / "2026年第2季度积分排名（草稿，截至4月）.xlsx"   # April only: a draft
LIST_REL = Path("待审核") / "2026年积分事项待审核清单.xlsx"
LEDGER_REL = Path("台账") / "积分总台账_2026.xlsx"
PASSWORD = "云溪-2026-外发"


def build_county(base: Path) -> None:
    inp = base / "input"
    b.roster(inp / "干部名册.xlsx", ROSTER)
    b.register(inp / "登记" / "2026年登记表.xlsx", [
        {"id": "DJ1", "cadre_id": "K0001", "name": "张明", "month": "2026-01", "code": "J1-3"},
        {"id": "DJ2", "cadre_id": "K0002", "name": "李华", "month": "2026-02", "code": "K1"},
        {"id": "DJ3", "cadre_id": "K0003", "name": "王伟", "month": "2026-03", "code": "J1-4"},
        {"id": "DJ4", "cadre_id": "K0003", "name": "王伟", "month": "2026-04", "code": "J1-3"},
    ])


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict:
    """Publish 2026Q1 once; then, at once: publish it again, try 2026Q2, run after an appeal,
    run with a changed rulebook (each on its own copy of the published county)."""
    root = tmp_path_factory.mktemp("publish")
    base = root / "county"
    build_county(base)
    first = b.run_process(base, "publish", "2026Q1")
    assert first.returncode == 0, first.stdout + first.stderr
    snapshot_1 = {p.relative_to(base / "archive").as_posix() for p in (base / "archive").rglob("*")}

    forks = {name: root / name for name in ("incomplete", "appeal", "rules", "pending", "encrypt", "rules-republish",
                                            "dated")}
    for path in forks.values():
        shutil.copytree(base, path)
    # a declaration of February still 待审核, and a register row in error (unknown code), both in Q1
    b.declaration(forks["pending"] / "input" / "申报表" / "2026-02" / "K0004_陈静_2026-02.xlsx", "K0004", "陈静",
                  "2026-02", [{"code": "J1-4", "date": "2026-02-03"}], unit="城关镇")
    b.register(forks["pending"] / "input" / "登记" / "补登.xlsx", [
        {"id": "DJ9", "cadre_id": "K0005", "name": "周军", "month": "2026-03", "code": "J9"}])
    copy = forks["appeal"] / "input" / "审核结论" / "申辩复核.xlsx"
    copy.parent.mkdir(parents=True)
    shutil.copy2(forks["appeal"] / "output" / LIST_REL, copy)
    b.fill_review(copy, {"DJ2": {"审核结论": "不通过", "不通过原因": "其他", "审核意见": "经核实该项工作已按期推进",
                                 "审核人": "钱进", "审核日期": dt.datetime(2026, 4, 15), "类型": "申辩复核"}},
                  sheet="已审核事项")
    marked = b.rulebook_with(forks["rules"] / "rulebook-marked.xlsx", 内部文件标识="机密★1年")
    new_rules = b.rulebook_points(forks["rules"] / "rulebook-2026-05.xlsx", {"J1-3": 3}, source=marked)
    dated = b.rulebook_notices(forks["dated"] / "rulebook-dated.xlsx",
                               [("2026Q1", dt.date(2026, 5, 20), "组通〔2026〕7号", dt.date(2026, 5, 30))])
    again, incomplete, appeal, rules, pending, encrypt, rules_republish, redated = b.run_many([
        (base, ("publish", "2026Q1"), {}),
        (forks["incomplete"], ("publish", "2026Q2"), {}),
        (forks["appeal"], (), {}),
        (forks["rules"], (), {"rulebook": new_rules}),
        (forks["pending"], ("publish", "2026Q1"), {}),
        (forks["encrypt"], ("publish", "2026Q1", "--encrypt"), {"env": {"JIFEN_FILE_PASSWORD": PASSWORD}}),
        (forks["rules-republish"], ("publish", "2026Q1"), {"rulebook": new_rules}),
        (forks["dated"], ("publish", "2026Q1"), {"rulebook": dated}),
    ])
    # the clerk re-publishes after the appeal, then runs again as every month
    republished = root / "republished"
    shutil.copytree(forks["appeal"], republished)
    republish = b.run_process(republished, "publish", "2026Q1")
    after = b.run_process(republished)
    return {"base": base, "first": first, "archived_after_first": snapshot_1, "again": again,
            "incomplete": (forks["incomplete"], incomplete), "appeal": (forks["appeal"], appeal),
            "rules": (forks["rules"], rules), "pending": (forks["pending"], pending),
            "republished": republished, "republish": republish, "after": after,
            "encrypt": (forks["encrypt"], encrypt), "rules-republish": (forks["rules-republish"], rules_republish),
            "dated": (forks["dated"], redated)}


def ranks(path: Path) -> dict:
    return {r["干部编号"]: (r["名次"], r["季度积分"], r["等次"] or "") for r in b.table(path, "季度排名")}


def test_publish_archives_the_quarter(runs):
    base = runs["base"]
    folder = base / "archive" / "2026Q1" / "1"
    assert sorted(p.name for p in folder.iterdir()) == sorted([
        "2026年第1季度积分情况通报.docx", "2026年第1季度积分排名.xlsx", "rulebook.xlsx", "运行清单.xlsx",
        "snapshot.json", "归档清单.json"])
    assert "已发布 2026年第一季度" in runs["first"].stdout
    assert (folder / "rulebook.xlsx").read_bytes() == b.RULEBOOK.read_bytes()
    notice = (folder / "2026年第1季度积分情况通报.docx").read_bytes()
    assert notice == (base / "output" / Q1_NOTICE).read_bytes()
    snap = json.loads((folder / "snapshot.json").read_text("utf-8"))
    assert snap["period"] == "2026Q1" and snap["published"] == 1
    assert snap["rulebook_sha256"] == hashlib.sha256(b.RULEBOOK.read_bytes()).hexdigest()
    assert {(i["item_id"], i["cadre_id"], i["code"], i["counted"]) for i in snap["items"]} == {
        ("DJ1", "K0001", "J1-3", 2), ("DJ2", "K0002", "K1", 5), ("DJ3", "K0003", "J1-4", 1)}
    got = {r["cadre_id"]: (r["rank"], r["score"], r["band"]) for r in snap["ranks"]}
    assert got == {"K0001": (1, 102, "先进"), "K0002": (5, 95, "末位"), "K0003": (2, 101, ""),
                   "K0004": (3, 100, ""), "K0005": (3, 100, "")}


def test_publishing_again_without_a_change_archives_nothing(runs):
    """The same results, notice and attachment as the latest publication: nothing to re-publish
    (only the run manifest differs, which lists the input files), so no archive/2026Q1/2."""
    proc = runs["again"]
    assert proc.returncode == 0, proc.stdout
    quarter = runs["base"] / "archive" / "2026Q1"
    assert sorted(p.name for p in quarter.iterdir()) == ["1"]
    assert "与第 1 次发布" in proc.stdout and "完全相同" in proc.stdout and "归档中未写入任何文件" in proc.stdout
    assert "已发布 2026年第一季度" not in proc.stdout and "第 2 次发布" not in proc.stdout
    manifest = (quarter / "1" / "归档清单.json").read_bytes()
    assert hashlib.sha256(manifest).hexdigest() in proc.stdout


def test_incomplete_quarter_is_not_published(runs):
    base, proc = runs["incomplete"]
    assert proc.returncode == 2
    assert "尚不完整" in proc.stdout and "不能发布" in proc.stdout
    archived = {p.relative_to(base / "archive").as_posix() for p in (base / "archive").rglob("*")}
    assert archived == runs["archived_after_first"]
    assert not (base / "archive" / "2026Q2").exists()


# --- an appeal after publishing ---------------------------------------------------------------


def test_appeal_after_publishing_is_listed_as_a_correction(runs):
    base, proc = runs["appeal"]
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = base / "output"
    assert ranks(out / Q1_ATTACHMENT) == {"K0001": (1, 102, "先进"), "K0003": (2, 101, ""),
                                          "K0002": (3, 100, ""), "K0004": (3, 100, ""),
                                          "K0005": (3, 100, "")}
    assert openpyxl.load_workbook(out / Q1_ATTACHMENT).sheetnames == ["季度排名", "更正说明", "预警名单"]
    rows = b.table(out / Q1_ATTACHMENT, "更正说明")
    assert len(rows) == 1
    row = rows[0]
    assert (row["干部编号"], row["姓名"], row["事项ID"], row["项目代码"]) == ("K0002", "李华", "DJ2", "K1")
    assert (row["原分值"], row["新分值"]) == (5, None)
    assert (row["原积分"], row["新积分"], row["原名次"], row["新名次"]) == (95, 100, 5, 3)
    assert (row["原等次"], row["新等次"] or "") == ("末位", "")
    assert row["原因"] == "申辩复核：不予计分（其他）"


def test_appeal_after_publishing_reissues_notice_and_ledger(runs):
    base, _ = runs["appeal"]
    out = base / "output"
    text = [p.text for p in docx.Document(out / Q1_NOTICE).paragraphs]
    assert "三、更正说明" in text
    line = next(t for t in text if t.startswith("李华"))
    assert line == ("李华（县财政局），因申辩复核：不予计分（其他），积分由95分更正为100分，"
                    "名次由第5名更正为第3名，等次由“末位”更正为“无”。")
    assert "K0002" not in "".join(text)
    assert "本期无。" in text                                        # 末位 list now empty
    wb = openpyxl.load_workbook(out / LEDGER_REL)
    assert "更正说明" in wb.sheetnames
    fixes = b.table(out / LEDGER_REL, "更正说明")
    got = [(r["期间"], r["干部编号"], r["原积分"], r["新积分"]) for r in fixes]
    assert got == [("2026Q1", "K0002", 95, 100)]
    replies = [p.name for p in (out / "申辩答复").iterdir()]
    assert replies == ["K0002_李华_DJ2.docx"]
    assert_chinese_word_document(out / "申辩答复" / replies[0])             # zh-CN, no Japanese defaults
    # the archive is never touched by a run
    assert sorted(p.name for p in (base / "archive" / "2026Q1").iterdir()) == ["1"]


# --- a rule change after publishing ---------------------------------------------------------


def test_rule_change_does_not_rewrite_a_published_quarter(runs):
    base, proc = runs["rules"]
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "按发布时归档的积分规则计算" in proc.stdout
    out = base / "output"
    assert ranks(out / Q1_ATTACHMENT)["K0001"] == (1, 102, "先进")      # J1-3 still 2 in 2026Q1
    q2 = ranks(out / Q2_ATTACHMENT)
    assert q2["K0003"] == (1, 103, "先进")                              # the new J1-3 = 3 in 2026Q2
    assert q2["K0001"] == (2, 100, "")
    text = [p.text for p in docx.Document(out / Q1_NOTICE).paragraphs]
    assert not [t for t in text if "更正" in t and "张明" in t]


def test_rule_change_is_not_reported_as_a_correction(runs):
    base, _ = runs["rules"]
    out = base / "output"
    assert openpyxl.load_workbook(out / Q1_ATTACHMENT).sheetnames == ["季度排名", "预警名单"]
    assert "更正说明" not in openpyxl.load_workbook(out / LEDGER_REL).sheetnames


def test_rule_change_leaves_the_published_months_consistent(runs):
    base, _ = runs["rules"]
    out = base / "output"
    ws = openpyxl.load_workbook(out / "台账" / "2026" / "个人" / "县财政局" / "K0001_张明.xlsx")["积分台账"]
    subtotal = {r[0]: r[5] for r in ws.iter_rows(values_only=True) if r[0] in ("1月小计", "第1季度积分")}
    assert subtotal == {"1月小计": 102, "第1季度积分": 102}


# --- guardrails: nothing unsettled is published; a changed published period is pointed out -------


def test_publish_refuses_while_items_are_pending_or_in_error(runs):
    base, proc = runs["pending"]
    assert proc.returncode == 2
    out = proc.stdout
    assert "未发布 2026年第一季度" in out and "完成" not in out     # the run's own closing line gives way
    assert "有 1 项申报事项待审核" in out and "城关镇 1 项（K0004-2026-02-1）" in out
    assert "有 1 个“错误”级问题涉及本期" in out and "登记/补登.xlsx" in out
    assert "input/审核结论/" in out and "校验报告.xlsx" in out and "publish 2026Q1" in out
    archived = {p.relative_to(base / "archive").as_posix() for p in (base / "archive").rglob("*")}
    assert archived == runs["archived_after_first"]          # nothing archived


def test_changed_published_period_is_pointed_out_once(runs):
    base, proc = runs["appeal"]
    line = "2026年第一季度已发布的结果有更正（1人），核对后请重新发布：./run.sh publish 2026Q1"
    assert proc.stdout.count(line) == 1
    changed = [p for p in b.problem_codes(base / "output") if p["问题代码"] == "published-changed"]
    assert [(p["级别"], p["问题"]) for p in changed] == [("警告", line)]
    report = [p for p in b.problem_codes(runs["republished"] / "output") if p["问题代码"] == "published-changed"]
    assert runs["republish"].returncode == 0, runs["republish"].stdout
    assert "第 2 次发布" in runs["republish"].stdout and f"请打印 output{os.sep}季度通报{os.sep}" in runs["republish"].stdout
    assert "核对后请重新发布" not in runs["republish"].stdout
    assert report == [] and "核对后请重新发布" not in runs["after"].stdout


def test_republished_notice_in_output_keeps_its_corrections(runs):
    base = runs["republished"]
    out, archived = base / "output", base / "archive" / "2026Q1"
    assert sorted(p.name for p in archived.iterdir()) == ["1", "2"]
    assert (out / Q1_NOTICE).read_bytes() == (archived / "2" / Q1_NOTICE.name).read_bytes()
    text = [p.text for p in docx.Document(out / Q1_NOTICE).paragraphs]
    assert "三、更正说明" in text and any(t.startswith("李华（县财政局），因申辩复核") for t in text)
    assert [r["干部编号"] for r in b.table(out / Q1_ATTACHMENT, "更正说明")] == ["K0002"]
    snap = json.loads((archived / "2" / "snapshot.json").read_text("utf-8"))
    assert {r["cadre_id"]: r["band"] for r in snap["ranks"]}["K0002"] == ""


def test_archive_folders_get_the_users_normal_permissions(runs):
    import os

    from jifen.files import current_umask

    if os.name != "posix":
        pytest.skip("file modes are POSIX")
    folder = runs["base"] / "archive" / "2026Q1" / "1"
    assert folder.stat().st_mode & 0o777 == 0o777 & ~current_umask()
    assert (runs["base"] / "output" / Q1_NOTICE).stat().st_mode & 0o777 == 0o666 & ~current_umask()


# --- classification marks (issue 14) ----------------------------------------------------------

INTERNAL = [Q1_ATTACHMENT, LEDGER_REL, Path("年度排名") / "2026年度积分排名（草稿，截至4月）.xlsx", Path("校验报告.xlsx"),
            Path("台账") / "2026" / "个人" / "县财政局" / "K0002_李华.xlsx"]


def test_internal_workbooks_carry_the_mark_in_header_and_first_rows(runs):
    base, _ = runs["appeal"]
    out = base / "output"
    for rel in INTERNAL:
        wb = openpyxl.load_workbook(out / rel)
        for ws in wb.worksheets:
            assert ws.oddHeader.left.text == "内部资料 注意保密", (rel, ws.title)
        first = wb.worksheets[0]
        top = [str(c.value) for row in first.iter_rows(max_row=5) for c in row if c.value]
        assert any(v.startswith("内部资料 注意保密") for v in top), (rel, top)
    # the public notice carries none
    text = "".join(p.text for p in docx.Document(out / Q1_NOTICE).paragraphs)
    assert "内部资料" not in text and "注意保密" not in text


def test_appeal_reply_carries_the_mark_where_gbt9704_puts_the_classification(runs):
    base, _ = runs["appeal"]
    reply = docx.Document(base / "output" / "申辩答复" / "K0002_李华_DJ2.docx")
    first = reply.paragraphs[0]
    assert first.text == "内部资料 注意保密"
    assert first.paragraph_format.first_line_indent in (None, 0)
    assert first.alignment in (None, 0)                                         # left
    run = first.runs[0]
    fonts = run._element.rPr.rFonts
    assert fonts.get(docx.oxml.ns.qn("w:eastAsia")) == "黑体" and run.font.size.pt == 16   # 3号黑体
    assert reply.paragraphs[1].text == "关于日常积分申辩的答复"


def test_the_mark_comes_from_the_rulebook(runs):
    base, _ = runs["rules"]
    out = base / "output"
    ws = openpyxl.load_workbook(out / Q2_ATTACHMENT)["季度排名"]
    assert ws.oddHeader.left.text == "机密★1年" and ws["A2"].value.startswith("机密★1年　程序版本")


# --- encrypted copies for sending (issue 14) --------------------------------------------------


def decrypt(path: Path, password: str) -> openpyxl.Workbook:
    import io

    import msoffcrypto

    office = msoffcrypto.OfficeFile(io.BytesIO(path.read_bytes()))
    office.load_key(password=password)
    plain = io.BytesIO()
    office.decrypt(plain)
    return openpyxl.load_workbook(plain)


def test_publish_encrypt_writes_encrypted_copies_and_archives_plain_files(runs):
    import msoffcrypto.exceptions

    base, proc = runs["encrypt"]
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert PASSWORD not in proc.stdout + proc.stderr
    out = base / "output"
    sent = sorted(p.name for p in (out / "外发").iterdir())
    assert sent == sorted([Q1_ATTACHMENT.name, LEDGER_REL.name])
    assert "已生成加密的外发副本 2 份" in proc.stdout and "其他途径告知收件人" in proc.stdout
    for name, plain in ((Q1_ATTACHMENT.name, out / Q1_ATTACHMENT), (LEDGER_REL.name, out / LEDGER_REL)):
        data = (out / "外发" / name).read_bytes()
        assert data[:8] == bytes.fromhex("d0cf11e0a1b11ae1")          # an encrypted Office container
        wb = decrypt(out / "外发" / name, PASSWORD)
        assert wb.sheetnames == openpyxl.load_workbook(plain).sheetnames
        with pytest.raises(msoffcrypto.exceptions.InvalidKeyError):
            decrypt(out / "外发" / name, "wrong-password")
    assert decrypt(out / "外发" / Q1_ATTACHMENT.name, PASSWORD)["季度排名"]["A1"].value.startswith("云溪县")
    folder = base / "archive" / "2026Q1" / "1"
    archived = (folder / Q1_ATTACHMENT.name).read_bytes()
    assert archived == (out / Q1_ATTACHMENT).read_bytes() and archived[:4] == b"PK\x03\x04"
    # the password is stored nowhere
    for p in [*out.rglob("*"), *(base / "archive").rglob("*")]:
        if p.is_file():
            assert PASSWORD.encode("utf-8") not in p.read_bytes(), p


# --- the tamper-evident archive: `verify` (issue 14) ------------------------------------------


def tampered_copy(runs, tmp_path) -> Path:
    archive = tmp_path / "archive"
    shutil.copytree(runs["base"] / "archive", archive)
    return archive


def test_publishing_records_every_archived_file_and_input(runs):
    base = runs["base"]
    folder = base / "archive" / "2026Q1" / "1"
    manifest = json.loads((folder / "归档清单.json").read_text("utf-8"))
    assert set(manifest["files"]) == {"2026年第1季度积分情况通报.docx", "2026年第1季度积分排名.xlsx",
                                      "rulebook.xlsx", "运行清单.xlsx", "snapshot.json"}
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
    assert sorted(i["path"] for i in manifest["inputs"]) == ["干部名册.xlsx", "登记/2026年登记表.xlsx"]
    for entry in manifest["inputs"]:
        stored = base / "archive" / entry["stored"]
        assert hashlib.sha256(stored.read_bytes()).hexdigest() == entry["sha256"]
        assert stored.read_bytes() == (base / "input" / entry["path"]).read_bytes()
    fingerprint = hashlib.sha256((folder / "归档清单.json").read_bytes()).hexdigest()
    assert f"发布指纹（归档清单的 SHA-256，请记在发文稿纸上，日后核验时比对）：{fingerprint}" in runs["first"].stdout


def test_verify_passes_on_an_untouched_archive(runs):
    proc = b.run_process(runs["base"], "verify")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2026Q1/1：归档文件 5 个、输入材料 2 个；文件哈希相符，复算结果与快照相符" in proc.stdout
    assert "核验通过" in proc.stdout
    again = b.run_process(runs["republished"], "verify")          # a second publication after an appeal
    assert again.returncode == 0 and "2026Q1/2" in again.stdout and "核验通过" in again.stdout, again.stdout


def test_verify_catches_a_single_flipped_byte(runs, tmp_path):
    from jifen.publishing import verify

    archive = tampered_copy(runs, tmp_path)
    target = archive / "2026Q1" / "1" / "2026年第1季度积分排名.xlsx"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    found = verify.verify(archive).findings
    assert [(f.where, f.what) for f in found] == [("2026Q1/1", "2026年第1季度积分排名.xlsx")]
    assert "内容与发布时不同" in found[0].message


def test_verify_catches_a_changed_snapshot_even_with_its_hash_rewritten(runs, tmp_path):
    """李华's 末位 removed from the snapshot and the manifest made to match: the recomputation
    from the archived inputs and rulebook still disagrees (and the fingerprint changed)."""
    archive = tampered_copy(runs, tmp_path)
    folder = archive / "2026Q1" / "1"
    snap = json.loads((folder / "snapshot.json").read_text("utf-8"))
    row = next(r for r in snap["ranks"] if r["cadre_id"] == "K0002")
    row["band"], row["score"] = "", 99.0
    (folder / "snapshot.json").write_text(json.dumps(snap, ensure_ascii=False), "utf-8")
    manifest_path = folder / "归档清单.json"
    before = hashlib.sha256(manifest_path.read_bytes()).hexdigest()
    manifest = json.loads(manifest_path.read_text("utf-8"))
    manifest["files"]["snapshot.json"] = hashlib.sha256((folder / "snapshot.json").read_bytes()).hexdigest()
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    proc = b.run_process(tmp_path, "verify")
    assert proc.returncode == 2
    assert ("[2026Q1/1] 复算：干部 K0002（李华）：积分 快照为 99、复算为 95；等次 快照为 （空）、复算为 末位"
            in proc.stdout), proc.stdout
    assert before not in proc.stdout and "核验未通过" in proc.stdout


def test_verify_names_an_encrypted_file_and_a_changed_input(runs, tmp_path):
    from jifen.publishing import verify

    archive = tampered_copy(runs, tmp_path)
    sent = runs["encrypt"][0] / "output" / "外发" / "2026年第1季度积分排名.xlsx"
    shutil.copy2(sent, archive / "2026Q1" / "1" / sent.name)
    manifest = json.loads((archive / "2026Q1" / "1" / "归档清单.json").read_text("utf-8"))
    register = next(i for i in manifest["inputs"] if i["path"] == "登记/2026年登记表.xlsx")
    b.register(archive / register["stored"], [
        {"id": "DJ1", "cadre_id": "K0001", "name": "张明", "month": "2026-01", "code": "J1-1"}])
    found = verify.verify(archive).findings
    by = {(f.where, f.what): f.message for f in found}
    assert "加了密码的加密文件" in by[("2026Q1/1", "2026年第1季度积分排名.xlsx")]
    assert "内容与发布时不同" in by[("2026Q1/1", "输入材料 登记/2026年登记表.xlsx")]
    recomputed = [f.message for f in found if f.what == "复算"]
    assert any(m.startswith("干部 K0001（张明）：积分 快照为 102、复算为 108") for m in recomputed), recomputed


def test_verify_reports_a_publication_without_manifest(runs, tmp_path):
    from jifen.publishing import verify

    archive = tampered_copy(runs, tmp_path)
    (archive / "2026Q1" / "1" / "归档清单.json").unlink()
    found = verify.verify(archive).findings
    assert [(f.where, f.what) for f in found] == [("2026Q1/1", "归档清单.json")]
    assert "没有归档清单" in found[0].message


def test_republishing_after_a_rule_change_archives_the_rules_the_figures_come_from(runs):
    """2026Q1 published again under a rulebook with J1-3 = 3: its figures stay those of the
    archived rules (张明 102), so the archived rulebook is that one too, and verify agrees."""
    base, proc = runs["rules-republish"]
    assert proc.returncode == 0, proc.stdout + proc.stderr
    first, second = (base / "archive" / "2026Q1" / n for n in ("1", "2"))
    assert (second / "rulebook.xlsx").read_bytes() == (first / "rulebook.xlsx").read_bytes()
    snap = json.loads((second / "snapshot.json").read_text("utf-8"))
    assert snap["rulebook_sha256"] == hashlib.sha256(b.RULEBOOK.read_bytes()).hexdigest()
    assert next(r for r in snap["ranks"] if r["cadre_id"] == "K0001")["score"] == 102
    check = b.run_process(base, "verify")
    assert check.returncode == 0, check.stdout


def test_a_reissue_can_carry_its_own_date_and_number(runs):
    """Only 通报设置 changed (the README's advice before re-publishing a corrected notice): the
    re-issued notice carries the new 发文日期, 文号 and 申辩截止日期, the figures stay as published
    (no correction is reported), and the archive verifies."""
    base, proc = runs["dated"]
    assert proc.returncode == 0, proc.stdout + proc.stderr
    first, second = (base / "archive" / "2026Q1" / n for n in ("1", "2"))
    text = "\n".join(p.text for p in docx.Document(second / Q1_NOTICE.name).paragraphs)
    assert "组通〔2026〕7号" in text and "2026年5月20日" in text and "2026年5月30日前" in text
    old = "\n".join(p.text for p in docx.Document(first / Q1_NOTICE.name).paragraphs)
    assert "2026年5月20日" not in old
    assert json.loads((second / "snapshot.json").read_text("utf-8"))["ranks"] == \
        json.loads((first / "snapshot.json").read_text("utf-8"))["ranks"]
    assert "published-changed" not in {p["问题代码"] for p in b.problem_codes(base / "output")}
    # the archive holds the rulebook whose 通报设置 the re-issued notice carries, and nothing
    # claims that the figures come from another rulebook than the current one
    from jifen.rulebook import read_rulebook
    assert read_rulebook(second / "rulebook.xlsx").notices["2026Q1"]["文号"] == "组通〔2026〕7号"
    assert (second / "rulebook.xlsx").read_bytes() == (base / "rulebook-dated.xlsx").read_bytes()
    assert "按发布时归档的积分规则计算" not in proc.stdout
    again = b.run_process(base, rulebook=base / "rulebook-dated.xlsx")
    assert "按发布时归档的积分规则计算" not in again.stdout, again.stdout
    check = b.run_process(base, "verify")
    assert check.returncode == 0, check.stdout


def test_refusal_names_the_files_in_error_as_found_in_the_input_folder(runs, tmp_path, monkeypatch, capsys):
    """On Windows: input\\登记\\补登.xlsx, where the clerk opens it, not 登记/补登.xlsx."""
    from jifen import cli
    from jifen.publishing import publish

    monkeypatch.setattr(publish, "SEP", "\\")
    monkeypatch.setenv("JIFEN_NO_OPEN", "1")
    base = tmp_path / "county"
    shutil.copytree(runs["pending"][0], base)
    code = cli.main(["publish", "2026Q1", "--no-pdf", "--input", str(base / "input"), "--output",
                     str(base / "output"), "--archive", str(base / "archive")])
    out = capsys.readouterr().out
    assert code == 2, out
    assert "\n  input\\登记\\补登.xlsx " in out and "复制到 input\\审核结论\\" in out, out
    assert "登记/补登.xlsx" not in out


def test_refusal_names_the_periods_own_review_list_with_the_systems_separator(tmp_path):
    """Lists of two years lie in output/待审核/: the advice names the period's year's, in Windows' spelling there."""
    from jifen.publishing import guard
    from jifen.rules.periods import Period

    q1 = Period("2025Q1", "quarter", 2025, ("2025-01", "2025-02", "2025-03"), True, "2025-03")
    lines = ["有 1 项申报事项待审核：", "  城关镇 1 项（K0004-2025-02-1）", "有 1 个“错误”级问题涉及本期："]
    text = guard.refusal(q1, lines, "2025Q1", tmp_path / "output", tmp_path / "input", sep="\\")
    assert "把 output\\待审核\\2025年积分事项待审核清单.xlsx 复制到 input\\审核结论\\，" in text
    assert "按 output\\校验报告.xlsx 中" in text and "最新" not in text and "output/" not in text
    assert "output/待审核/2025年积分事项待审核清单.xlsx" in guard.refusal(q1, lines, "2025Q1", sep="/")
