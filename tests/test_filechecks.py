"""File names and folders: a declaration filed under another month, lock files of open
workbooks, and outputs readable by colleagues (issue 11's guardrails)."""

from __future__ import annotations

import os
from pathlib import Path

import builders as b
import pytest

from jifen.files import OutputLog, current_umask
from jifen.outputs.declaration_template import template_bytes
from jifen.readers import inputs
from jifen.rulebook import read_rulebook
from jifen.rules import filechecks


@pytest.mark.parametrize("name, month", [
    ("K0001_张明_2026-03.xlsx", "2026-03"), ("2026年3月", "2026-03"), ("张明2026.3申报表.xlsx", "2026-03"),
    ("申报表202603.xlsx", "2026-03"), ("2026_11", "2026-11"), ("2026-03-15 张明.xlsx", "2026-03"),
    ("K0001_张明.xlsx", None), ("2026年第一季度审核结论.xlsx", None), ("2026", None),
    ("20260315.xlsx", None),                          # a date: no month stands alone
    ("2026-03 补报 2026-02.xlsx", None),              # two months: cannot tell
])
def test_month_in_name(name, month):
    assert filechecks.month_in_name(name) == month


def decl(file, month, recorded=None, key=None):
    return {"file": file, "sheet": "积分申报表", "month": month, "month_raw": month, "cadre_id": "K0001",
            "key": key or file, "cells": {"月份": "B3"}, "template": {"申报月份": recorded} if recorded else {}}


def test_declaration_month_disagreeing_with_name_folder_or_template_is_held():
    decls = [
        decl("申报表/2026-03/K0001_张明_2026-03.xlsx", "2026-03", "2026-03"),       # all agree
        decl("申报表/2026-03/K0002_李华_2026-03.xlsx", "2026-02"),                  # name and folder
        decl("申报表/2026-04/K0003_王伟.xlsx", "2026-03"),                          # folder only
        decl("申报/K0004.xlsx", "2052-03", "2026-03"),                             # template record only
        decl("申报/K0005.xlsx", "2026-03"),                                        # nothing to compare
    ]
    held, problems = filechecks.check_declaration_months(decls)
    assert held == {"申报表/2026-03/K0002_李华_2026-03.xlsx", "申报表/2026-04/K0003_王伟.xlsx", "申报/K0004.xlsx"}
    by_file = {p.file: p for p in problems}
    assert {p.code for p in problems} == {"declaration-month-mismatch"} and all(p.is_error for p in problems)
    two = by_file["申报表/2026-03/K0002_李华_2026-03.xlsx"]
    assert "与文件名“K0002_李华_2026-03.xlsx”（2026-03）、文件夹名“2026-03”（2026-03）不一致" in two.message
    assert two.cell == "B3"
    assert two.extra["months"] == ["2026-02", "2026-03"]
    assert "文件夹名“2026-04”" in by_file["申报表/2026-04/K0003_王伟.xlsx"].message
    assert "_模板信息" in by_file["申报/K0004.xlsx"].message
    for p in problems:                               # never advice to delete a file holding items
        assert "删除" not in p.hint.replace("不要删除", "")


def test_misfiled_declaration_counts_nowhere_and_makes_no_year(tmp_path):
    inp = tmp_path / "input"
    b.roster(inp / "干部名册.xlsx", [("K0001", "张明", "县财政局", "局长", "科级领导干部", "2020-01-01"),
                                    ("K0002", "李华", "县财政局", "副局长", "科级领导干部", "2020-01-01")])
    b.declaration(inp / "申报表" / "2026-03" / "K0001_张明_2026-03.xlsx", "K0001", "张明", "2052-03",
                  [{"code": "J1-4", "qty": 1, "date": "2052-03-02"}])
    b.declaration(inp / "申报表" / "2026-03" / "K0002_李华_2026-03.xlsx", "K0002", "李华", "2026-03",
                  [{"code": "J1-4", "qty": 1, "date": "2026-03-02"}])
    res = b.pipeline_run(tmp_path)
    mine = [p for p in res.problems if p.code == "declaration-month-mismatch"]
    assert len(mine) == 1 and mine[0].cadre_id == "K0001" and "2052-03" in mine[0].message
    k1 = res.items[res.items["cadre_id"] == "K0001"]
    assert list(k1["status"]) == ["无效"] and "不一致" in k1["reason"].iloc[0]
    assert {p.year for p in res.periods} == {2026}
    assert res.balance()["无效"] == 1


def test_lock_file_names_of_excel_wps_and_libreoffice():
    assert filechecks.lock_target("~$K0001_张明.xlsx") == "K0001_张明.xlsx"           # Excel, WPS on Windows
    assert filechecks.lock_target(".~K0001_张明.xlsx") == "K0001_张明.xlsx"           # WPS on Linux
    assert filechecks.lock_target(".~lock.K0001_张明.xlsx#") == "K0001_张明.xlsx"     # LibreOffice
    assert filechecks.lock_target("K0001_张明.xlsx") is None and filechecks.lock_target(".DS_Store") is None


def test_lock_file_beside_a_declaration_is_a_warning_naming_it():
    books = ["申报表/2026-03/K0001_张明.xlsx", "申报表/2026-03/K0002_李华.xlsx", "申报表/2026-03/K0003_王伟.xlsx",
             "审核结论/清单.xlsx", "其他/K0004.xlsx"]
    locks = ["申报表/2026-03/~$K0001_张明.xlsx", "申报表/2026-03/.~K0002_李华.xlsx",
             "审核结论/.~lock.清单.xlsx#", "申报表/2026-03/~$003_王伟.xlsx",   # Word-style: first two dropped
             "其他/~$K9999.xlsx"]                                              # nothing of that name
    problems = filechecks.check_lock_files(locks, books)
    assert sorted(p.file for p in problems) == ["审核结论/清单.xlsx", "申报表/2026-03/K0001_张明.xlsx",
                                                 "申报表/2026-03/K0002_李华.xlsx", "申报表/2026-03/K0003_王伟.xlsx"]
    assert all(p.code == "workbook-open" and not p.is_error for p in problems)
    assert "未保存的修改" in problems[0].message


def test_lock_files_are_skipped_and_reported_in_a_run(tmp_path):
    inp = tmp_path / "input"
    b.roster(inp / "干部名册.xlsx", [("K0001", "张明", "县财政局", "局长", "科级领导干部", "2020-01-01")])
    b.declaration(inp / "申报" / "K0001_张明_2026-03.xlsx", "K0001", "张明", "2026-03", [{"code": "J1-4"}])
    (inp / "申报" / ".~K0001_张明_2026-03.xlsx").write_bytes(b"\x00" * 165)
    res = b.pipeline_run(tmp_path)
    assert [p.file for p in res.problems if p.code == "workbook-open"] == ["申报/K0001_张明_2026-03.xlsx"]
    assert [f.path for f in res.skipped] == ["申报/.~K0001_张明_2026-03.xlsx"]
    assert "锁定文件" in res.skipped[0].note


def _template_info(tmp_path: Path, rulebook_path: Path, name: str) -> dict:
    rulebook = read_rulebook(rulebook_path)
    cadre = {"cadre_id": "K0001", "display_name": "张明", "unit": "县财政局", "post": "局长"}
    path = tmp_path / name
    path.write_bytes(template_bytes(cadre, "2026-03", rulebook, "云溪"))
    return inputs.parse_file(path, name).declarations[0]


def test_template_is_old_only_when_the_items_it_offers_changed(tmp_path):
    from jifen.rules import checks

    current = read_rulebook(b.RULEBOOK)
    params_only = b.rulebook_notices(tmp_path / "通报.xlsx", [("2026Q1", "2026-04-12", "云组通〔2026〕1号", "2026-04-20")],
                                     source=b.rulebook_with(tmp_path / "参数.xlsx", 先进比例=0.2))
    points = b.rulebook_points(tmp_path / "分值.xlsx", {"J6": 2})
    same = _template_info(tmp_path, params_only, "a.xlsx")
    other = _template_info(tmp_path, points, "b.xlsx")
    assert same["template"]["规则文件SHA-256"] != current.sha256          # another rulebook file …
    assert checks.check_template_versions([same], current) == []         # … offering the same items
    assert [p.code for p in checks.check_template_versions([other], current)] == ["template-old-rulebook"]


def test_template_without_a_recorded_digest_is_judged_by_its_item_list(tmp_path):
    import openpyxl

    from jifen.rules import checks

    current = read_rulebook(b.RULEBOOK)
    made = {}
    for name, source in (("same.xlsx", b.rulebook_with(tmp_path / "参数.xlsx", 先进比例=0.2)),
                         ("old.xlsx", b.rulebook_points(tmp_path / "分值.xlsx", {"J6": 2}))):
        info = _template_info(tmp_path, source, name)
        wb = openpyxl.load_workbook(tmp_path / name)            # as an older version wrote it: no digest
        wb["_模板信息"].delete_rows(5)
        wb.save(tmp_path / name)
        made[name] = inputs.parse_file(tmp_path / name, name).declarations[0]
        assert "可申报项目摘要" in made[name]["template"] and info["template"] != {}
    assert checks.check_template_versions([made["same.xlsx"]], current) == []
    assert len(checks.check_template_versions([made["old.xlsx"]], current)) == 1


def test_outputs_get_the_users_normal_permissions(tmp_path):
    if os.name != "posix":
        pytest.skip("file modes are POSIX")
    log = OutputLog(tmp_path)
    assert log.write(tmp_path / "校验报告.xlsx", b"data")
    mode = (tmp_path / "校验报告.xlsx").stat().st_mode & 0o777
    assert mode == 0o666 & ~current_umask()
    if current_umask() == 0o022:
        assert mode == 0o644                   # colleagues can open it, as any file the user saves
