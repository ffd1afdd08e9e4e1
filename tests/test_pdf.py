"""PDF copies of the notices, off the critical path (outputs/pdf.py, issue 12).

Which notices convert and when is decided from three facts: the notice's Word content now
(SHA-256), the record of which Word content each PDF we made came from, and which PDFs
exist. The real LibreOffice conversion is tested end to end when soffice is installed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time

import builders as b
import pytest

from jifen.outputs import pdf

Q1 = "季度通报/2026年第1季度积分情况通报.docx"
Q2 = "季度通报/2026年第2季度积分情况通报（草稿，截至4月）.docx"        # April only: a draft
YEAR = "年度排名/2026年度积分情况通报（草稿，截至4月）.docx"


# --- the decision (pure) ---------------------------------------------------------------------


def test_only_public_notices_get_pdfs():
    assert pdf.is_notice(Q1) and pdf.is_notice(YEAR)
    assert not pdf.is_notice("季度通报/2026年第1季度积分排名.xlsx")        # the internal attachment
    assert not pdf.is_notice("申辩答复/K0002_李华_DJ2.docx")                # replies to one person
    assert not pdf.is_notice("季度通报/旧/2025年第1季度积分情况通报.docx")   # only the notices we write
    assert pdf.pdf_rel(Q1) == "季度通报/2026年第1季度积分情况通报.pdf"
    hashes = {Q1: "a", "台账/积分总台账_2026.xlsx": "b", YEAR: "c"}
    assert pdf.notice_hashes(hashes) == {Q1: "a", YEAR: "c"}


def test_first_run_converts_every_notice():
    todo, stale = pdf.plan({Q1: "a", Q2: "b", YEAR: "c"}, made={}, present=set())
    assert todo == [Q1, Q2, YEAR] and stale == []


def test_unchanged_notices_convert_nothing():
    made = {pdf.pdf_rel(Q1): "a", pdf.pdf_rel(YEAR): "c"}
    todo, stale = pdf.plan({Q1: "a", YEAR: "c"}, made, present=set(made))
    assert todo == [] and stale == []


def test_a_changed_notice_converts_and_its_old_pdf_goes_at_once():
    made = {pdf.pdf_rel(Q1): "a", pdf.pdf_rel(Q2): "b"}
    todo, stale = pdf.plan({Q1: "a", Q2: "B2"}, made, present=set(made))
    assert todo == [Q2] and stale == [pdf.pdf_rel(Q2)]


def test_a_deleted_pdf_is_made_again():
    todo, stale = pdf.plan({Q1: "a"}, {pdf.pdf_rel(Q1): "a"}, present=set())
    assert todo == [Q1] and stale == []


def test_a_pdf_we_did_not_make_is_replaced_but_not_removed_first():
    todo, stale = pdf.plan({Q1: "a"}, made={}, present={pdf.pdf_rel(Q1)})
    assert todo == [Q1] and stale == []


def test_remove_stale_removes_only_our_outdated_pdfs(tmp_path):
    for rel in (Q1, Q2, YEAR):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / pdf.pdf_rel(rel)).write_bytes(b"%PDF-old")
    (tmp_path / pdf.STATUS_NAME).write_text(
        json.dumps({"made": {pdf.pdf_rel(Q1): "a", pdf.pdf_rel(Q2): "b"}}, ensure_ascii=False), "utf-8")
    todo = pdf.remove_stale(tmp_path, {Q1: "a", Q2: "changed", YEAR: "c"})
    assert todo == [Q2, YEAR]
    assert (tmp_path / pdf.pdf_rel(Q1)).exists()          # up to date
    assert not (tmp_path / pdf.pdf_rel(Q2)).exists()      # ours, from the old notice
    assert (tmp_path / pdf.pdf_rel(YEAR)).exists()        # not ours: replaced only by a new one


# --- after the summary: what the run starts and says -----------------------------------------


@pytest.fixture
def spawned(monkeypatch):
    calls = []
    monkeypatch.setattr(pdf, "find_soffice", lambda: "/opt/libreoffice/soffice")
    monkeypatch.setattr(pdf, "start_background", lambda out, docs: calls.append(docs) or True)
    return calls


def _notice(out, rel, data=b"notice"):
    (out / rel).parent.mkdir(parents=True, exist_ok=True)
    (out / rel).write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def test_after_run_starts_the_background_for_what_is_pending_and_says_so(tmp_path, spawned):
    sha = _notice(tmp_path, Q1)
    lines = []
    pdf.after_run(tmp_path, {Q1: sha, "运行清单.xlsx": "x"}, enabled=True, out=lines.append)
    assert spawned == [[Q1]]
    assert len(lines) == 1 and "正在后台生成 1 份" in lines[0] and "可以关闭本窗口" in lines[0]


def test_after_run_with_everything_up_to_date_starts_nothing(tmp_path, spawned):
    sha = _notice(tmp_path, Q1)
    (tmp_path / pdf.pdf_rel(Q1)).write_bytes(b"%PDF-")
    (tmp_path / pdf.STATUS_NAME).write_text(f'{{"made": {{"{pdf.pdf_rel(Q1)}": "{sha}"}}}}', "utf-8")
    lines = []
    pdf.after_run(tmp_path, {Q1: sha}, enabled=True, out=lines.append)
    assert spawned == [] and lines == []


def test_after_run_with_no_pdf_option_or_without_libreoffice(tmp_path, spawned, monkeypatch):
    sha = _notice(tmp_path, Q1)
    lines = []
    pdf.after_run(tmp_path, {Q1: sha}, enabled=False, out=lines.append)
    assert spawned == [] and lines == []
    monkeypatch.setattr(pdf, "find_soffice", lambda: None)
    pdf.after_run(tmp_path, {Q1: sha}, enabled=True, out=lines.append)
    assert spawned == [] and lines == ["  未安装 LibreOffice，未生成通报的 PDF 版本（Word 版已生成）。"]


def test_a_notice_replaced_during_conversion_gets_no_pdf(tmp_path):
    sha = _notice(tmp_path, Q1, b"old")
    made = tmp_path / "made.pdf"
    made.write_bytes(b"%PDF-of-old")
    assert pdf._place(tmp_path, Q1, made, sha) == ""
    assert (tmp_path / pdf.pdf_rel(Q1)).read_bytes() == b"%PDF-of-old"
    _notice(tmp_path, Q1, b"new")
    made.write_bytes(b"%PDF-of-old-again")
    assert "被替换" in pdf._place(tmp_path, Q1, made, sha)
    assert (tmp_path / pdf.pdf_rel(Q1)).read_bytes() == b"%PDF-of-old"     # not replaced by it


def test_a_lock_left_by_a_killed_converter_is_taken_over(tmp_path):
    lock = pdf.Lock(tmp_path)
    lock.path.write_text("12345\n")
    old = time.time() - pdf.STALE_AFTER_S - 5
    os.utime(lock.path, (old, old))
    waited = []
    lock.acquire(waiting=lambda: waited.append(1))
    assert waited == [] and lock.path.read_text().strip() == str(os.getpid())
    lock.release()
    assert not lock.path.exists()


# --- the real thing, when LibreOffice is installed -------------------------------------------


def test_runs_make_pdfs_in_the_background_and_publish_archives_one(tmp_path):
    """A run returns with its summary, the PDFs follow in the background; an unchanged run
    converts nothing; publishing archives the notice's PDF."""
    if pdf.find_soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed: no PDF can be made")
    from test_publish import build_county

    build_county(tmp_path)
    out = tmp_path / "output"
    first = b.run_process(tmp_path, pdf=True)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "正在后台生成 3 份" in first.stdout       # 2026Q1, 2026Q2 (to April), the year
    assert first.stdout.index("完成。") < first.stdout.index("正在后台生成")   # after the summary
    pdf.convert(out)                                     # waits for the background converter
    status = pdf.load_status(out)
    for rel in (Q1, Q2, YEAR):
        assert (out / pdf.pdf_rel(rel)).read_bytes()[:5] == b"%PDF-"
        assert status["made"][pdf.pdf_rel(rel)] == hashlib.sha256((out / rel).read_bytes()).hexdigest()
    again = b.run_process(tmp_path, "--force", pdf=True)
    assert again.returncode == 0 and "PDF" not in again.stdout      # the notices did not change
    assert pdf.convert(out)["converted"] == []

    shutil.rmtree(out / "年度排名")             # publishing re-creates the notice; its PDF follows later
    (out / pdf.pdf_rel(Q1)).unlink()           # the published quarter's PDF is made in the foreground
    pub = b.run_process(tmp_path, "publish", "2026Q1", pdf=True)
    assert pub.returncode == 0, pub.stdout + pub.stderr
    archived = tmp_path / "archive" / "2026Q1" / "1" / "2026年第1季度积分情况通报.pdf"
    assert archived.read_bytes()[:5] == b"%PDF-"
    assert "正在后台生成 1 份" in pub.stdout
    pdf.convert(out)
    assert (out / pdf.pdf_rel(YEAR)).exists()
