"""Problem codes no end-to-end test happened to trigger, each triggered here by the smallest
input to the function that emits it (the rulebook reader, the review and history readers, the
decision rules). Together with the other tests this makes every catalogued code one some test
triggers (checked in test_problem_catalog.py)."""

from __future__ import annotations

import datetime as dt

import builders as b
import openpyxl
import pandas as pd
import pytest

from jifen.problems import ERROR, WARNING, RulebookError
from jifen.readers.history import read_history_sheet
from jifen.readers.review import read_review_sheet
from jifen.rulebook import read_rulebook
from jifen.rules import checks, reviews


def codes_raised(path) -> list[str]:
    with pytest.raises(RulebookError) as exc:
        read_rulebook(path)
    return [p.code for p in exc.value.problems]


def test_rulebook_missing_and_unreadable(tmp_path):
    assert codes_raised(tmp_path / "没有.xlsx") == ["rulebook-missing"]
    (tmp_path / "坏.xlsx").write_bytes(b"not a workbook at all")
    assert codes_raised(tmp_path / "坏.xlsx") == ["rulebook-unreadable"]


def test_rulebook_header_lost_and_parameter_sheet_missing(tmp_path):
    wb = openpyxl.load_workbook(b.RULEBOOK)
    wb["奖励加分"]["A1"] = "编码"                              # 代码 column no longer found
    wb.save(tmp_path / "无表头.xlsx")
    assert "rulebook-header" in codes_raised(tmp_path / "无表头.xlsx")
    wb = openpyxl.load_workbook(b.RULEBOOK)
    del wb["参数"]
    wb.save(tmp_path / "无参数.xlsx")
    rulebook = read_rulebook(tmp_path / "无参数.xlsx")
    assert [p.code for p in rulebook.warnings if p.code == "rulebook-params-missing"] == ["rulebook-params-missing"]
    assert rulebook.params["先进比例"] == 0.15                    # defaults taken


def decision(**change) -> dict:
    d = {"item_id": "K0001-2026-01-1", "fingerprint": "", "cadre_id": "K0001", "first_opinion": "",
         "conclusion": "通过", "value_raw": None, "value": None, "reject_reason": "", "opinion": "",
         "reviewer": "赵敏", "date_raw": "2026-02-10", "date": dt.date(2026, 2, 10), "type": "初审",
         "file": "审核结论/清单.xlsx", "sheet": "待审核清单", "row": 4,
         "cols": {"审核结论": "S", "类型": "Y", "审核日期": "X", "审核分值": "T", "事项ID": "B"}}
    return {**d, **change}


@pytest.mark.parametrize("change, code, cell", [
    ({"conclusion": "同意"}, "review-bad-conclusion", "S4"),
    ({"type": "复议"}, "review-bad-type", "Y4"),
    ({"date": None, "date_raw": ""}, "review-missing-date", "X4"),
    ({"date": None, "date_raw": "二月十日"}, "review-missing-date", "X4"),
    ({"conclusion": "调整", "value": None, "opinion": "按市级计"}, "review-adjust-value", "T4"),
    ({"conclusion": "调整", "value": -1.0, "opinion": "按市级计"}, "review-adjust-value", "T4"),
])
def test_decisions_that_cannot_be_applied(change, code, cell):
    p = reviews.check_decision(decision(**change))
    assert (p.code, p.level, p.cell, p.cadre_id) == (code, ERROR, cell, "K0001")
    assert reviews.check_decision(decision()) is None


def test_review_row_without_item_id():
    cols = {"事项ID": 0, "干部编号": 1, "审核结论": 2, "审核日期": 3}
    rows = [["事项ID", "干部编号", "审核结论", "审核日期"],
            ["K0001-2026-01-1", "K0001", "通过", "2026-02-10"],
            ["", "K0001", "通过", "2026-02-10"],
            ["K0001-2026-01-3", "K0001", "", ""]]                      # undecided: simply skipped
    records, problems = read_review_sheet(rows, 0, cols, "清单.xlsx", "待审核清单")
    assert [r["item_id"] for r in records] == ["K0001-2026-01-1"]
    assert [(p.code, p.cell, p.row) for p in problems] == [("review-missing-id", "A3", 3)]


def test_decision_on_an_item_that_failed_its_checks():
    items = pd.DataFrame({"item_id": ["K0001-2026-01-1", "K0001-2026-01-2"], "status": [checks.INVALID, ""],
                          "reason": ["未知项目代码 J99", ""]})
    standing = {"K0001-2026-01-1": decision()}
    problems = reviews.apply_decisions(items, standing, review_required=True)
    assert [(p.code, p.level) for p in problems] == [("review-on-invalid-item", WARNING)]
    assert items.loc[0, "status"] == checks.INVALID                 # the decision is not applied


def test_history_rows_that_cannot_be_read():
    cols = {"年度": 0, "干部编号": 1, "姓名": 2, "年度名次": 3, "等次": 4}
    rows = [["年度", "干部编号", "姓名", "年度名次", "等次"],
            [2025, "K0001", "张明", 3, "末位"],
            ["去年", "K0002", "李华", 1, "先进"],
            [2025, "K0003", "王伟", 2, "优秀"],
            [None, None, None, None, None]]
    records, problems = read_history_sheet(rows, 0, cols, "历年结果.xlsx", "年度结果")
    assert [(r["year"], r["cadre_id"], r["band"]) for r in records] == [(2025, "K0001", "末位")]
    assert [(p.code, p.row) for p in problems] == [("history-bad-row", 3), ("history-bad-row", 4)]


def test_unreadable_archive_snapshot_is_a_warning_not_a_stop(tmp_path):
    b.scored_county(tmp_path, {}, ["2026-01", "2026-02", "2026-03"])
    folder = tmp_path / "archive" / "2026Q1" / "1"
    folder.mkdir(parents=True)
    (folder / "snapshot.json").write_text("{ 被截断的快照", encoding="utf-8")
    res = b.pipeline_run(tmp_path)
    found = [p for p in res.problems if p.code == "archive-unreadable"]
    assert [(p.level, p.file) for p in found] == [(WARNING, "archive/2026Q1/1/snapshot.json")]
    assert not res.fatal and not res.ranks.empty                   # the run goes on
