"""What publishing and its documents say matches what happened (issue 23).

The county: five 科级领导干部, register rows only:
    DJ1 K0001 张明 2026-02 D1 × 3      DJ2 K0001 张明 2026-03 D1 × 4    (D1's cap is 5: 3 + 2)
    DJ3 K0002 李华 2026-02 D1 × 3      DJ4 K0002 李华 2026-03 D1 × 4    (the same)
    DJ5 K0003 王伟 2026-01 J1-3 → +2
    DJ6 K0004 陈静 2026-02 J1-4 → +1, DJ7 K0004 陈静 2026-03 J1-3 → +1 more: one matter (表彰甲), 2 at most
Q1: 王伟 = 陈静 = 102 (先进), 周军 100, 张明 = 李华 = 95 (4, 末位). Published as 2026Q1/1.
- blunted: DJ1 adjusted to 1 on appeal. D1 is still 1 + 4 ≥ 5: 张明 stays 95, rank and band unchanged.
  DJ6 not passed: the matter still counts 2 (DJ7): 陈静 stays 102.
- moved: DJ3 not passed on appeal. 李华 96 (4 → 4, 末位 → none): DJ3 3 → none, DJ4 2 → 4 under the cap;
  张明 becomes the only 末位 at rank 5 because of 李华's change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import builders as b
import docx
import openpyxl
import pytest
from test_publish import ROSTER

ATTACHMENT = Path("季度通报") / "2026年第1季度积分排名.xlsx"
LIST_REL = Path("待审核") / "2026年积分事项待审核清单.xlsx"
SOON = {"JIFEN_TODAY": "2026-04-05"}          # before the default 发文日期 (2026-04-10)
LATE = {"JIFEN_TODAY": "2026-12-02"}          # long after it
REPUBLISH = "核对后请重新发布"


def explained(out: str, quote: str) -> None:
    """`quote` is one of the lines 使用说明.txt §六 explains, and the console shows it
    (…… in the guide stands for what varies)."""
    guide = (b.ROOT / "使用说明.txt").read_text("utf-8-sig").split("六、常见提示怎么办")[1].split("七、")[0]
    assert f"“{quote}”" in guide, quote
    assert re.search(".*?".join(map(re.escape, quote.split("……"))), out), (quote, out)


def build_county(base: Path) -> None:
    inp = base / "input"
    b.roster(inp / "干部名册.xlsx", ROSTER)
    b.register(inp / "登记" / "2026年登记表.xlsx", [
        {"id": "DJ1", "cadre_id": "K0001", "name": "张明", "month": "2026-02", "code": "D1", "qty": 3},
        {"id": "DJ2", "cadre_id": "K0001", "name": "张明", "month": "2026-03", "code": "D1", "qty": 4},
        {"id": "DJ3", "cadre_id": "K0002", "name": "李华", "month": "2026-02", "code": "D1", "qty": 3},
        {"id": "DJ4", "cadre_id": "K0002", "name": "李华", "month": "2026-03", "code": "D1", "qty": 4},
        {"id": "DJ5", "cadre_id": "K0003", "name": "王伟", "month": "2026-01", "code": "J1-3"},
        {"id": "DJ6", "cadre_id": "K0004", "name": "陈静", "month": "2026-02", "code": "J1-4", "matter": "表彰甲"},
        {"id": "DJ7", "cadre_id": "K0004", "name": "陈静", "month": "2026-03", "code": "J1-3", "matter": "表彰甲"},
    ])


def appeal(base: Path, decisions: dict) -> None:
    copy = base / "input" / "审核结论" / "申辩复核.xlsx"
    copy.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(base / "output" / LIST_REL, copy)
    filled = {iid: {"审核人": "钱进", "审核日期": dt.datetime(2026, 4, 15), "类型": "申辩复核", **d}
              for iid, d in decisions.items()}
    b.fill_review(copy, filled, sheet="已审核事项")


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("truth")
    base = root / "county"
    build_county(base)
    first = b.run_process(base, "publish", "2026Q1", env=SOON)
    assert first.returncode == 0, first.stdout + first.stderr
    forks = {name: root / name for name in ("blunted", "moved", "elsewhere", "dated")}
    for path in forks.values():
        shutil.copytree(base, path)
    appeal(forks["blunted"], {"DJ1": {"审核结论": "调整", "审核分值": 1, "审核意见": "经核实情节较轻"},
                              "DJ6": {"审核结论": "不通过", "不通过原因": "其他", "审核意见": "县级表彰已含在市级表彰中"}})
    appeal(forks["moved"], {"DJ3": {"审核结论": "不通过", "不通过原因": "其他", "审核意见": "经核实不属实"}})
    # an error in May (an unknown code): another period's, it does not hold up 2026Q1 (published
    # here for the first time)
    shutil.rmtree(forks["elsewhere"] / "archive")
    b.register(forks["elsewhere"] / "input" / "登记" / "补登.xlsx", [
        {"id": "DJ9", "cadre_id": "K0005", "name": "周军", "month": "2026-05", "code": "J9"}])
    dated = b.rulebook_notices(forks["dated"] / "rulebook-dated.xlsx",
                               [("2026Q1", dt.date(2027, 1, 5), "组通〔2027〕1号", dt.date(2027, 1, 12))])
    blunted, moved, elsewhere, redated = b.run_many([
        (forks["blunted"], (), {}),
        (forks["moved"], (), {}),
        (forks["elsewhere"], ("publish", "2026Q1"), {"env": LATE}),
        (forks["dated"], ("publish", "2026Q1"), {"rulebook": dated, "env": LATE}),
    ])
    blunted_publish, moved_publish = b.run_many([
        (forks["blunted"], ("publish", "2026Q1"), {"env": SOON}),
        (forks["moved"], ("publish", "2026Q1"), {"env": SOON}),
    ])
    return {"base": base, "first": first, "forks": forks, "blunted": blunted, "moved": moved,
            "elsewhere": elsewhere, "dated": redated, "blunted_publish": blunted_publish,
            "moved_publish": moved_publish}


def reply_text(base: Path, name: str) -> str:
    return "\n".join(p.text for p in docx.Document(base / "output" / "申辩答复" / name).paragraphs)


# --- an appeal blunted by the sub-item cap --------------------------------------------------


def test_blunted_appeal_reply_says_the_score_does_not_change_and_why(runs):
    text = reply_text(runs["forks"]["blunted"], "K0001_张明_DJ1.docx")
    assert "经复核，该事项调整为 1 分。本次复核不改变你的积分和等次" in text
    assert "D1 子项还有其他扣分事项（合计 4 分）" in text and "每期上限 5 分" in text
    assert "2026年第一季度积分仍为 95 分" in text and "名次和等次也不因本次复核而改变" in text
    text = reply_text(runs["forks"]["blunted"], "K0004_陈静_DJ6.docx")
    assert "经复核，该事项不予计分（其他）。本次复核不改变你的积分和等次" in text
    assert "同一事项“表彰甲”的其他事项是同一事项，全年按最高分值 2 分计一次" in text
    assert "2026年第一季度积分仍为 102 分" in text


def test_blunted_appeal_is_no_correction_and_asks_for_no_republish(runs):
    base, proc = runs["forks"]["blunted"], runs["blunted"]
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert REPUBLISH not in proc.stdout and "有更正" not in proc.stdout
    assert "更正说明" not in openpyxl.load_workbook(base / "output" / ATTACHMENT).sheetnames
    assert "published-changed" not in {p["问题代码"] for p in b.problem_codes(base / "output")}


def test_publishing_a_blunted_appeal_says_the_notice_is_unchanged(runs):
    proc = runs["blunted_publish"]
    assert proc.returncode == 0, proc.stdout
    assert "第 2 次发布：积分、名次和等次与第 1 次发布相同，通报中没有更正说明" in proc.stdout
    # the notice counts the items: one fewer (DJ6), so it is not the same document
    assert "通报或附件的其他内容有变化（如发文日期、文号、计分事项数）" in proc.stdout
    assert "列出与第 1 次发布相比的更正说明" not in proc.stdout


# --- an appeal that changes the score, moving the allocation under the cap ---------------------


def test_corrections_give_each_row_its_real_reason(runs):
    base, proc = runs["forks"]["moved"], runs["moved"]
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = b.table(base / "output" / ATTACHMENT, "更正说明")
    got = {(r["干部编号"], r["事项ID"] or ""): (r["原分值"], r["新分值"], r["原因"]) for r in rows}
    assert set(got) == {("K0002", "DJ3"), ("K0002", "DJ4"), ("K0001", "")}
    assert got[("K0002", "DJ3")] == (3, None, "申辩复核：不予计分（其他）")
    old, new, why = got[("K0002", "DJ4")]
    assert (old, new) == (2, 4) and why.startswith("子项D1每期扣分上限5分") and "登记表" not in why
    assert got[("K0001", "")][2] == "他人积分更正引起名次或等次变化"
    assert "2026年第一季度已发布的结果有更正（2人），核对后请重新发布" in proc.stdout


def test_moved_appeal_reply_gives_the_new_scores(runs):
    text = reply_text(runs["forks"]["moved"], "K0002_李华_DJ3.docx")
    assert "复核后，2026年第一季度积分由 95 分变为 96 分" in text
    assert "不改变你的积分" not in text


def test_republishing_a_correction_says_what_the_notice_lists(runs):
    proc = runs["moved_publish"]
    assert proc.returncode == 0, proc.stdout
    assert "第 2 次发布，通报和附件中列出与第 1 次发布相比的更正说明，涉及 2 人" in proc.stdout
    archived = runs["forks"]["moved"] / "archive" / "2026Q1"
    assert sorted(p.name for p in archived.iterdir()) == ["1", "2"]


# --- after a successful publication ---------------------------------------------------------


def test_errors_of_other_periods_do_not_fail_the_publication(runs):
    proc = runs["elsewhere"]
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "已发布 2026年第一季度" in proc.stdout
    assert "其他期间仍有“错误”需要处理（不影响本次发布，见 校验报告.xlsx）：2026年第二季度 1 项。" in proc.stdout
    assert "完成，但有错误需要处理" not in proc.stdout


def test_default_dates_in_the_past_are_pointed_out_at_publishing(runs):
    assert "早于今天" not in runs["first"].stdout                 # published on 2026-04-05
    line = next(x for x in runs["elsewhere"].stdout.splitlines() if "早于今天" in x)
    assert line == ("注意：2026年第一季度通报的发文日期2026年4月10日（默认：期末后第 10 天）和申辩截止日期2026年4月17日"
                    "已早于今天（2026年12月2日）；打印前请在 rulebook.xlsx 的“通报设置”表中为 2026Q1 填写发文日期和"
                    "申辩截止日期，然后再运行一次 ./run.sh publish 2026Q1（通报改用新的日期，归档为新的一次发布）。")
    explained(line, "通报的发文日期……和申辩截止日期……已早于今天")
    # the outputs never use today: the notice still carries the default date
    notice = runs["forks"]["elsewhere"] / "output" / "季度通报" / "2026年第1季度积分情况通报.docx"
    assert docx.Document(notice).paragraphs[-1].text == "2026年4月10日"


def test_dates_set_in_the_rulebook_are_not_pointed_out(runs):
    proc = runs["dated"]
    assert proc.returncode == 0, proc.stdout
    assert "早于今天" not in proc.stdout
    assert "第 2 次发布：积分、名次和等次与第 1 次发布相同，通报中没有更正说明" in proc.stdout
    assert "通报或附件的其他内容有变化（如发文日期、文号、计分事项数）" in proc.stdout


# --- --encrypt where the encryption library cannot load (Wine, antivirus) -----------------------


def _dll_missing(data, password):
    raise ImportError("DLL load failed while importing _rust: The specified module could not be found.")


def _publish_encrypted(runs, tmp_path, monkeypatch, capsys) -> tuple[int, str, Path]:
    from jifen import cli

    base = tmp_path / "county"
    shutil.copytree(runs["base"], base)
    shutil.rmtree(base / "archive")
    monkeypatch.setenv("JIFEN_FILE_PASSWORD", "云溪-2026-外发")
    monkeypatch.setenv("JIFEN_NO_OPEN", "1")
    code = cli.main(["publish", "2026Q1", "--encrypt", "--no-pdf", "--input", str(base / "input"),
                     "--output", str(base / "output"), "--archive", str(base / "archive")])
    return code, capsys.readouterr().out, base


def test_encrypt_that_cannot_load_publishes_nothing(runs, tmp_path, monkeypatch, capsys):
    from jifen.publishing import outward

    monkeypatch.setattr(outward, "encrypt_bytes", _dll_missing)
    code, out, base = _publish_encrypted(runs, tmp_path, monkeypatch, capsys)
    assert code == 2
    assert out.startswith("未发布：加密组件（msoffcrypto、cryptography）在这台电脑上无法加载"), out
    assert "杀毒软件" in out and "重新解压便携版" in out and "./run.sh --encrypt" in out
    explained(out, "加密组件（msoffcrypto、cryptography）在这台电脑上无法加载")
    assert "Traceback" not in out and "已发布" not in out
    assert not (base / "archive").exists() or not any((base / "archive").rglob("snapshot.json"))


def test_encrypt_failing_after_archiving_says_the_publication_stands(runs, tmp_path, monkeypatch, capsys):
    from jifen.publishing import outward

    monkeypatch.setattr(outward, "probe", lambda: None)       # it loaded for the check, then failed
    monkeypatch.setattr(outward, "encrypt_bytes", _dll_missing)
    code, out, base = _publish_encrypted(runs, tmp_path, monkeypatch, capsys)
    assert code == 2, out
    assert "已发布 2026年第一季度" in out
    assert f"2026年第一季度已发布，但加密的外发副本没有生成（output{os.sep}外发 中没有文件）。" in out
    assert "完成，但有错误需要处理" not in out
    assert (base / "archive" / "2026Q1" / "1" / "snapshot.json").exists()
    assert not list((base / "output" / "外发").glob("*.xlsx")) if (base / "output" / "外发").exists() else True


def test_publishing_names_the_files_with_the_windows_separator(runs, tmp_path, monkeypatch, capsys):
    """On Windows the console names output\\季度通报\\… as the clerk finds it in Explorer."""
    from jifen import cli
    from jifen.publishing import outward, publish

    monkeypatch.setattr(publish, "SEP", "\\")
    monkeypatch.setattr(outward, "probe", lambda: None)
    monkeypatch.setattr(outward, "encrypt_bytes", _dll_missing)
    monkeypatch.setenv("JIFEN_FILE_PASSWORD", "云溪-2026-外发")
    monkeypatch.setenv("JIFEN_NO_OPEN", "1")
    base = tmp_path / "county"
    shutil.copytree(runs["base"], base)
    shutil.rmtree(base / "archive")
    folders = ["--no-pdf", "--input", str(base / "input"), "--output", str(base / "output"),
               "--archive", str(base / "archive")]
    assert cli.main(["publish", "2026Q1", "--encrypt", *folders]) == 2
    out = capsys.readouterr().out
    assert "请打印 output\\季度通报\\2026年第1季度积分情况通报.docx（与归档中的一致）" in out, out
    assert "没有生成（output\\外发 中没有文件）" in out
    assert cli.main(["publish", "2026Q1", *folders]) == 0
    out = capsys.readouterr().out
    assert "请打印 output\\季度通报\\2026年第1季度积分情况通报.docx（与第 1 次发布的一致）" in out, out
    assert "output/" not in out
    explained(out, "没有需要重新发布的内容，归档中未写入任何文件")


def test_encryption_probe_works_here():
    from jifen.publishing import outward

    assert outward.probe() is None


# --- an incomplete period's notice is a draft, and its drafts go once it is complete ---------------


def _notices(out: Path) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for folder in ("季度通报", "年度排名")
                  for p in (out / folder).glob("*") if p.is_file())


def test_drafts_are_named_refused_and_replaced(tmp_path):
    base = tmp_path / "county"
    inp = base / "input"
    b.roster(inp / "干部名册.xlsx", ROSTER)
    b.register(inp / "登记" / "1月.xlsx", [{"id": "DJ1", "cadre_id": "K0001", "name": "张明", "month": "2026-01",
                                            "code": "J1-3"}])
    # an earlier version named an incomplete quarter's notice like a formal one
    out = base / "output"
    formal = out / "季度通报" / "2026年第1季度积分情况通报.docx"
    formal.parent.mkdir(parents=True)
    formal.write_bytes(b"an earlier version's notice")
    (out / ".jifen-outputs.json").write_text(json.dumps({
        "季度通报/2026年第1季度积分情况通报.docx": hashlib.sha256(formal.read_bytes()).hexdigest()},
        ensure_ascii=False), "utf-8")
    proc = b.run_process(base, "publish", "2026Q1")
    assert proc.returncode == 2
    assert ("2026年第一季度（截至1月）尚不完整（三个月都有数据才算完整），不能发布；"
            f"output{os.sep}季度通报{os.sep}2026年第1季度积分情况通报（草稿，截至1月）.docx 是草稿，只供核对，不得印发。") in proc.stdout
    assert not (base / "archive" / "2026Q1").exists()
    explained(proc.stdout, "尚不完整……不能发布")
    assert _notices(out) == ["季度通报/2026年第1季度积分情况通报（草稿，截至1月）.docx",
                             "季度通报/2026年第1季度积分排名（草稿，截至1月）.xlsx",
                             "年度排名/2026年度积分情况通报（草稿，截至1月）.docx",
                             "年度排名/2026年度积分排名（草稿，截至1月）.xlsx"]
    # a PDF we made of the draft, and a file of the clerk's own named like a notice
    draft_pdf = out / "季度通报" / "2026年第1季度积分情况通报（草稿，截至1月）.pdf"
    draft_pdf.write_bytes(b"%PDF-1.4 draft")
    (out / ".jifen-pdf.json").write_text(json.dumps({"made": {
        draft_pdf.relative_to(out).as_posix(): "x"}}, ensure_ascii=False), "utf-8")
    own = out / "季度通报" / "2026年第1季度积分排名（草稿，截至2月）.xlsx"
    own.write_bytes(b"the clerk's own")
    b.register(inp / "登记" / "2-3月.xlsx", [
        {"id": "DJ2", "cadre_id": "K0002", "name": "李华", "month": "2026-02", "code": "J1-4"},
        {"id": "DJ3", "cadre_id": "K0003", "name": "王伟", "month": "2026-03", "code": "J1-4"}])
    proc = b.run_process(base)
    assert proc.returncode == 0, proc.stdout
    assert _notices(out) == ["季度通报/2026年第1季度积分情况通报.docx",
                             "季度通报/2026年第1季度积分排名.xlsx",
                             "季度通报/2026年第1季度积分排名（草稿，截至2月）.xlsx",      # not ours: kept
                             "年度排名/2026年度积分情况通报（草稿，截至3月）.docx",
                             "年度排名/2026年度积分排名（草稿，截至3月）.xlsx"]
    assert own.read_bytes() == b"the clerk's own"
