"""The monthly review loop end to end, as a clerk runs it (SPEC §4 review decisions, §5, §6).

A small county is built in input/, process.py is run, the review list it writes is copied
into input/审核结论/ and filled with openpyxl (通过 / 不通过 / 调整 / blank), and the program
is run again; every expectation below is computed by hand from the rulebook's points:
J1-4 = 1, J3 = 2, J6 = 3 per time, J5-3 = 1, J1-3 = 2, K4 = 1 (penalty), A1 = points deducted.

The county, before any decision:
    K0001 张明 (县财政局)  2026-01  1 J1-4 ×1 → 1   2 J3 ×1 → 2
    K0002 李华 (县财政局)  2026-02  1 J6 ×2 → 6     2 J5-3 ×1 → 1     register DJ1 K4 ×1 → −1 (03)
    K0003 王伟 (城关镇)    2026-03  1 J1-3 ×1 → 2                      register DJ2 A1 2 → −2 (03)
    H0001 赵强 (县教育局, 后备干部) no items
The first review (all dated 2026-04-08, by 赵敏):
    K0001-2026-01-1 通过; K0001-2026-01-2 调整 to 1 (with 审核意见);
    K0002-2026-02-1 不通过 佐证不足; K0002-2026-02-2 left blank; K0003-2026-03-1 通过.
So after it: K0001 = 100 + 1 + 1 = 102, K0002 = 100 − 1 = 99 (J6 rejected, J5-3 awaiting),
K0003 = 100 + 2 − 2 = 100, H0001 = 100; 7 item rows = 5 计分 + 1 待审核 + 1 不通过 + 0 无效.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path

import builders as b
import openpyxl
import pytest

YEAR = 2026
LIST_REL = Path("待审核") / f"{YEAR}年积分事项待审核清单.xlsx"
LEDGER_REL = Path("台账") / f"积分总台账_{YEAR}.xlsx"

ROSTER = [
    ("K0001", "张明", "县财政局", "局长", "科级领导干部", "2020-01-01"),
    ("K0002", "李华", "县财政局", "副局长", "科级领导干部", "2020-01-01"),
    ("K0003", "王伟", "城关镇", "镇长", "科级领导干部", "2020-01-01"),
    ("H0001", "赵强", "县教育局", "股长", "后备干部", "2020-01-01"),
]
K0001_ITEMS = [
    {"seq": 1, "code": "J1-4", "qty": 1, "desc": "获县级先进个人", "date": b.d("2026-01-05")},
    {"seq": 2, "code": "J3", "qty": 1, "desc": "抽调参与全县防汛工作", "date": b.d("2026-01-10")},
]
REVIEWED = dt.datetime(2026, 4, 8)
FIRST_REVIEW = {
    "K0001-2026-01-1": {"初评意见": "属实", "审核结论": "通过"},
    "K0001-2026-01-2": {"审核结论": "调整", "审核分值": 1, "审核意见": "抽调时间不足一个月，按半数计分"},
    "K0002-2026-02-1": {"审核结论": "不通过", "不通过原因": "佐证不足", "审核意见": "未附志愿服务记录"},
    "K0003-2026-03-1": {"审核结论": "通过"},
}


def signed(decisions: dict, date=REVIEWED, reviewer="赵敏", **extra) -> dict:
    return {iid: {**d, "审核人": reviewer, "审核日期": date, **extra} for iid, d in decisions.items()}


def build_county(base: Path) -> None:
    inp = base / "input"
    b.roster(inp / "干部名册.xlsx", ROSTER, title="干部名册")
    b.declaration(inp / "申报" / "2026-01" / "K0001.xlsx", "K0001", "张明", "2026-01", K0001_ITEMS)
    b.declaration(inp / "申报" / "2026-02" / "K0002.xlsx", "K0002", "李华", "2026-02", [
        {"seq": 1, "code": "J6", "qty": 2, "desc": "参加志愿服务两次"},
        {"seq": 2, "code": "J5-3", "qty": 1, "desc": "分管工作被市报刊发"},
    ])
    b.declaration(inp / "申报" / "2026-03" / "K0003.xlsx", "K0003", "王伟", "2026-03", [
        {"seq": 1, "code": "J1-3", "qty": 1, "desc": "获市级表彰", "date": b.d("2026-03-02")},
    ], unit="城关镇")
    b.register(inp / "登记" / "2026年第一季度登记表.xlsx", [
        {"id": "DJ1", "cadre_id": "K0002", "name": "李华", "month": "2026-03", "code": "K4"},
        {"id": "DJ2", "cadre_id": "K0003", "name": "王伟", "month": "2026-03", "code": "A1",
         "qty": 2},
    ])


PREPARE: dict = {}      # scenario name → (the stage it starts from, its preparation)


def scenario(name: str, stage: int):
    """Register a preparation run in the module's single batch of process.py runs: it edits a
    copy of the county after run 1 (stage 1) or after the review round trip (stage 2) and
    returns keyword arguments for the run; the runs of one stage go in parallel."""
    def deco(fn):
        PREPARE[name] = (stage, fn)
        return fn
    return deco


@pytest.fixture(scope="module")
def ran(tmp_path_factory) -> dict:
    """name → (folder, CompletedProcess) for stage1, stage2 and every registered scenario."""
    root = tmp_path_factory.mktemp("county")
    stage1 = root / "stage1"
    build_county(stage1)
    done = {"stage1": (stage1, b.run_process(stage1))}
    assert done["stage1"][1].returncode == 0, done["stage1"][1].stdout + done["stage1"][1].stderr
    stage2 = fork(stage1, root / "stage2")
    copy = stage2 / "input" / "审核结论" / "2026年4月审核.xlsx"
    copy.parent.mkdir(parents=True)
    shutil.copy2(stage2 / "output" / LIST_REL, copy)
    b.fill_review(copy, signed(FIRST_REVIEW))
    for stage, first in ((1, [("stage2", stage2, {})]), (2, [])):
        jobs = list(first)
        for name, (st, prepare) in PREPARE.items():
            if st == stage:
                base = fork(done[f"stage{stage}"][0], root / name)
                jobs.append((name, base, prepare(base) or {}))
        results = b.run_many([(base, (), kw) for _, base, kw in jobs])
        done.update({name: (base, proc) for (name, base, _), proc in zip(jobs, results)})
        if stage == 1:
            proc = done["stage2"][1]
            assert proc.returncode == 0, proc.stdout + proc.stderr
    return done


@pytest.fixture(scope="module")
def stage1(ran) -> Path:
    """The county after its first run: the review list waits in output/."""
    return ran["stage1"][0]


@pytest.fixture(scope="module")
def stage2(ran) -> Path:
    """The county after the clerk filled the list in input/审核结论/ and ran again."""
    return ran["stage2"][0]


def fork(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, dirs_exist_ok=True)
    return dst


def ledger(out: Path) -> dict:
    return {r["事项ID"]: r for r in b.table(out / LEDGER_REL, "积分明细")}


def annual(out: Path) -> dict:
    return {r["干部编号"]: r["年度积分"] for r in b.table(b.ranking_book(out, YEAR), "年度排名")}


def balance(out: Path) -> dict:
    return {r["项目"]: r["数量"] for r in b.table(out / "校验报告.xlsx", "数量核对", key="项目")}


def pending_ids(out: Path) -> list:
    return sorted(r["事项ID"] for r in b.table(out / LIST_REL, "待审核清单", key="事项ID"))


def codes(out: Path) -> list:
    return [r["问题代码"] for r in b.problem_codes(out)]


def audit(out: Path) -> list:
    return b.table(out / LEDGER_REL, "审核记录", key="事项ID")


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- the first run: everything awaits review ------------------------------------------------


def test_first_run_lists_every_declared_item_awaiting_review(stage1):
    out = stage1 / "output"
    assert pending_ids(out) == ["K0001-2026-01-1", "K0001-2026-01-2", "K0002-2026-02-1",
                                "K0002-2026-02-2", "K0003-2026-03-1"]
    rows = {r["事项ID"]: r for r in b.table(out / LIST_REL, "待审核清单", key="事项ID")}
    assert rows["K0002-2026-02-1"]["规则分值"] == 6 and rows["K0002-2026-02-1"]["数量"] == 2
    assert rows["K0001-2026-01-2"]["规则分值"] == 2 and rows["K0001-2026-01-2"]["单位"] == "县财政局"
    assert all(len(r["指纹"]) == 10 for r in rows.values())
    decided = {r["事项ID"]: r for r in b.table(out / LIST_REL, "已审核事项", key="事项ID")}
    assert set(decided) == {"DJ1", "DJ2"}                        # register rows, counted as entered
    assert decided["DJ2"]["当前状态"] == "计分（登记）" and decided["DJ2"]["计分分值"] == 2
    # undecided declared items are shown, never counted
    assert annual(out) == {"K0001": 100, "K0002": 99, "K0003": 98, "H0001": 100}
    got = balance(out)
    assert (got["读到的事项行"], got["计分"], got["待审核"], got["审核不通过"]) == (7, 2, 5, 0)


# --- the round trip -------------------------------------------------------------------------


def test_round_trip_counts_the_decided_items(stage2):
    out = stage2 / "output"
    rows = ledger(out)
    got = {iid: (r["状态"], r["行分值"], r["计分分值"]) for iid, r in rows.items()}
    assert got == {
        "K0001-2026-01-1": ("计分", 1, 1),
        "K0001-2026-01-2": ("计分", 1, 1),          # 调整: the reviewer's 1 replaces the rule's 2
        "K0002-2026-02-1": ("不通过", 6, None),
        "K0002-2026-02-2": ("待审核", 1, None),
        "K0003-2026-03-1": ("计分", 2, 2),
        "DJ1": ("计分", 1, 1),
        "DJ2": ("计分", 2, 2),
    }
    assert "审核调整为 1 分" in rows["K0001-2026-01-2"]["差异说明"]
    assert "佐证不足" in rows["K0002-2026-02-1"]["差异说明"]
    assert rows["K0001-2026-01-1"]["审核依据"].startswith("初审通过（赵敏，2026-04-08，审核结论/2026年4月审核.xlsx")
    assert pending_ids(out) == ["K0002-2026-02-2"]
    assert annual(out) == {"K0001": 102, "K0002": 99, "K0003": 100, "H0001": 100}


def test_round_trip_audit_rows_and_balance(ran, stage2):
    out = stage2 / "output"
    rows = audit(out)
    assert sorted((r["事项ID"], r["审核结论"], r["处理结果"]) for r in rows) == [
        ("K0001-2026-01-1", "通过", "采用"), ("K0001-2026-01-2", "调整", "采用"),
        ("K0002-2026-02-1", "不通过", "采用"), ("K0003-2026-03-1", "通过", "采用")]
    adj = next(r for r in rows if r["事项ID"] == "K0001-2026-01-2")
    assert adj["审核分值"] == 1 and adj["审核人"] == "赵敏" and adj["类型"] == "初审"
    assert adj["来源文件"] == "审核结论/2026年4月审核.xlsx"
    got = balance(out)
    assert (got["读到的事项行"], got["计分"], got["待审核"], got["审核不通过"],
            got["无效（校验未通过，见问题清单）"]) == (7, 5, 1, 1, 0)
    assert got["核对（读到 = 计分 + 待审核 + 不通过 + 无效）"] == "相符"
    assert "读到 7 = 计分 5 + 待审核 1 + 不通过 1 + 无效 0（相符）" in ran["stage2"][1].stdout
    decided = {r["事项ID"]: r for r in b.table(out / LIST_REL, "已审核事项", key="事项ID")}
    assert set(decided) == {"K0001-2026-01-1", "K0001-2026-01-2", "K0002-2026-02-1",
                            "K0003-2026-03-1", "DJ1", "DJ2"}
    assert (decided["K0001-2026-01-2"]["审核结论"], decided["K0001-2026-01-2"]["审核分值"],
            decided["K0001-2026-01-2"]["计分分值"]) == ("调整", 1, 1)


@scenario("identical-copy", stage=2)
def _identical_copy(base):
    shutil.copy2(base / "input" / "审核结论" / "2026年4月审核.xlsx", base / "input" / "审核结论" / "副本.xlsx")


def test_identical_copy_of_the_decisions_counts_once(ran):
    base, proc = ran["identical-copy"]
    assert proc.returncode == 0, proc.stdout
    out = base / "output"
    assert annual(out) == {"K0001": 102, "K0002": 99, "K0003": 100, "H0001": 100}
    outcomes = sorted(r["处理结果"] for r in audit(out))
    assert outcomes == ["与采用的结论相同（重复）"] * 4 + ["采用"] * 4


# --- a list filled where it lies in output/ ------------------------------------------------


@scenario("in-place", stage=1)
def _in_place(base):
    in_place = base / "output" / LIST_REL
    b.fill_review(in_place, signed(FIRST_REVIEW))
    (base / "filled.sha256").write_text(sha(in_place))


def test_list_filled_in_place_is_left_untouched(ran):
    base, proc = ran["in-place"]
    assert proc.returncode == 2, proc.stdout
    in_place = base / "output" / LIST_REL
    # the clerk's work is not overwritten
    assert sha(in_place) == (base / "filled.sha256").read_text()
    assert "待审核/2026年积分事项待审核清单.xlsx" in proc.stdout
    assert "input\\审核结论\\" in proc.stdout
    out = base / "output"
    # decisions are never read from output/
    assert annual(out) == {"K0001": 100, "K0002": 99, "K0003": 98, "H0001": 100}
    assert "output-not-written" in codes(out)


@scenario("in-place-no-state", stage=1)
def _in_place_no_state(base):
    (base / "output" / ".jifen-outputs.json").unlink()
    in_place = base / "output" / LIST_REL
    b.fill_review(in_place, signed({"K0003-2026-03-1": {"审核结论": "通过"}}))
    (base / "filled.sha256").write_text(sha(in_place))


def test_list_filled_in_place_is_noticed_without_the_state_file(ran):
    base, proc = ran["in-place-no-state"]
    assert proc.returncode == 2, proc.stdout
    assert sha(base / "output" / LIST_REL) == (base / "filled.sha256").read_text()
    assert "待审核/2026年积分事项待审核清单.xlsx" in proc.stdout


# --- conflicting and stale decisions ---------------------------------------------------------


@scenario("conflict", stage=2)
def _conflict(base):
    second = base / "input" / "审核结论" / "复查.xlsx"
    shutil.copy2(base / "output" / LIST_REL, second)
    b.fill_review(second, {
        # later date: replaces 通过 of 2026-04-08
        "K0001-2026-01-1": {"审核结论": "不通过", "不通过原因": "重复申报", "审核人": "钱进",
                            "审核日期": dt.datetime(2026, 4, 10), "类型": "初审"},
        # same date, different conclusion: an error, neither applied
        "K0003-2026-03-1": {"审核结论": "不通过", "不通过原因": "其他", "审核意见": "表彰文件未找到",
                            "审核人": "钱进", "审核日期": REVIEWED, "类型": "初审"},
    }, sheet="已审核事项")


def test_later_date_wins_and_same_date_conflict_applies_neither(ran):
    base, proc = ran["conflict"]
    assert proc.returncode == 1, proc.stdout
    out = base / "output"
    rows = ledger(out)
    assert rows["K0001-2026-01-1"]["状态"] == "不通过" and rows["K0001-2026-01-1"]["计分分值"] is None
    assert rows["K0003-2026-03-1"]["状态"] == "待审核"
    assert annual(out) == {"K0001": 101, "K0002": 99, "K0003": 98, "H0001": 100}
    report = b.problem_codes(out)
    conflict = [p for p in report if p["问题代码"] == "review-conflict"]
    assert len(conflict) == 1 and "K0003-2026-03-1" in conflict[0]["问题"]
    assert conflict[0]["级别"] == "错误"
    assert "2026年4月审核.xlsx" in conflict[0]["问题"] and "复查.xlsx" in conflict[0]["问题"]
    outcome = {(r["事项ID"], r["来源文件"]): r["处理结果"] for r in audit(out)}
    assert outcome[("K0001-2026-01-1", "审核结论/2026年4月审核.xlsx")] == "已被更晚的结论取代"
    assert outcome[("K0001-2026-01-1", "审核结论/复查.xlsx")] == "采用"
    assert outcome[("K0003-2026-03-1", "审核结论/2026年4月审核.xlsx")] == "未采用：同一日期有不同结论"
    assert outcome[("K0003-2026-03-1", "审核结论/复查.xlsx")] == "未采用：同一日期有不同结论"
    assert "K0003-2026-03-1" in pending_ids(out)
    got = balance(out)
    assert (got["计分"], got["待审核"], got["审核不通过"]) == (3, 2, 2)


@scenario("item-changed", stage=2)
def _item_changed(base):
    # 数量 of item 2 changed after the review
    items = [dict(K0001_ITEMS[0]), dict(K0001_ITEMS[1], qty=2)]
    b.declaration(base / "input" / "申报" / "2026-01" / "K0001.xlsx", "K0001", "张明", "2026-01", items)


def test_item_edited_after_review_goes_back_to_pending(ran):
    base, proc = ran["item-changed"]
    assert proc.returncode == 1, proc.stdout
    out = base / "output"
    report = b.problem_codes(out)
    changed = [p for p in report if p["问题代码"] == "review-item-changed"]
    assert len(changed) == 1 and "K0001-2026-01-2" in changed[0]["问题"]
    assert changed[0]["文件"] == "审核结论/2026年4月审核.xlsx"
    row = ledger(out)["K0001-2026-01-2"]
    assert (row["状态"], row["行分值"], row["计分分值"]) == ("待审核", 4, None)
    assert "K0001-2026-01-2" in pending_ids(out)
    assert annual(out)["K0001"] == 101
    outcome = {r["事项ID"]: r["处理结果"] for r in audit(out)}
    assert outcome["K0001-2026-01-2"] == "未采用：事项在审核后被修改"


@scenario("deleted-item", stage=2)
def _deleted_item(base):
    b.declaration(base / "input" / "申报" / "2026-03" / "K0003.xlsx", "K0003", "王伟", "2026-03", [],
                  unit="城关镇")                                   # the item was withdrawn


def test_decision_for_a_deleted_item(ran):
    base, proc = ran["deleted-item"]
    assert proc.returncode == 0, proc.stdout                      # a warning, not an error
    out = base / "output"
    report = b.problem_codes(out)
    unknown = [p for p in report if p["问题代码"] == "review-unknown-item"]
    assert len(unknown) == 1 and "K0003-2026-03-1" in unknown[0]["问题"]
    assert unknown[0]["级别"] == "警告"
    assert "K0003-2026-03-1" not in ledger(out)
    assert annual(out)["K0003"] == 98
    assert {r["事项ID"]: r["处理结果"] for r in audit(out)}["K0003-2026-03-1"] == "未采用：找不到该事项"
    got = balance(out)
    assert (got["读到的事项行"], got["计分"]) == (6, 4)


@scenario("inserted-row", stage=2)
def _inserted_row(base):
    items = [{"seq": 1, "code": "J1-8", "qty": 1, "desc": "负责的单项工作获县级表彰",
              "date": b.d("2026-01-20")},
             dict(K0001_ITEMS[0], seq=2), dict(K0001_ITEMS[1], seq=3)]
    b.declaration(base / "input" / "申报" / "2026-01" / "K0001.xlsx", "K0001", "张明", "2026-01", items)


def test_inserted_row_keeps_decisions_through_the_fingerprint(ran):
    base, proc = ran["inserted-row"]
    assert proc.returncode == 0, proc.stdout
    out = base / "output"
    rows = ledger(out)
    assert (rows["K0001-2026-01-1"]["项目代码"], rows["K0001-2026-01-1"]["状态"]) == ("J1-8", "待审核")
    assert (rows["K0001-2026-01-2"]["项目代码"], rows["K0001-2026-01-2"]["状态"],
            rows["K0001-2026-01-2"]["计分分值"]) == ("J1-4", "计分", 1)
    assert (rows["K0001-2026-01-3"]["项目代码"], rows["K0001-2026-01-3"]["状态"],
            rows["K0001-2026-01-3"]["计分分值"]) == ("J3", "计分", 1)
    assert annual(out)["K0001"] == 102
    matched = {r["事项ID"]: r["对应事项"] for r in audit(out)}
    assert matched["K0001-2026-01-1"] == "K0001-2026-01-2"
    assert matched["K0001-2026-01-2"] == "K0001-2026-01-3"
    assert not {"review-item-changed", "review-unknown-item"} & set(codes(out))
    assert pending_ids(out) == ["K0001-2026-01-1", "K0002-2026-02-2"]


# --- appeals (申辩复核) -----------------------------------------------------------------------


def appeal(base: Path, date, conclusion="通过", opinion="申辩理由成立") -> None:
    """The newly written list copied into input/ and the decided row edited in 已审核事项 (its
    other decided rows repeat the standing decisions: identical repeats are one decision)."""
    copy = base / "input" / "审核结论" / "申辩复核.xlsx"
    shutil.copy2(base / "output" / LIST_REL, copy)
    b.fill_review(copy, {"K0002-2026-02-1": {
        "审核结论": conclusion, "不通过原因": None, "审核意见": opinion, "审核人": "钱进", "审核日期": date,
        "类型": "申辩复核"}}, sheet="已审核事项")


@scenario("appeal", stage=2)
def _appeal(base):
    appeal(base, dt.datetime(2026, 4, 20), opinion="补交了志愿服务记录，经核实属实")


def test_appeal_changes_the_figures_and_writes_a_reply(ran):
    base, proc = ran["appeal"]
    assert proc.returncode == 0, proc.stdout
    out = base / "output"
    row = ledger(out)["K0002-2026-02-1"]
    assert (row["状态"], row["计分分值"]) == ("计分", 6)
    assert row["审核依据"].startswith("申辩复核通过（钱进，2026-04-20")
    assert annual(out)["K0002"] == 105                          # 100 + 6 − 1
    outcome = {(r["事项ID"], r["类型"], r["处理结果"]) for r in audit(out)}
    assert ("K0002-2026-02-1", "申辩复核", "采用") in outcome
    assert ("K0002-2026-02-1", "初审", "已被更晚的结论取代") in outcome
    replies = list((out / "申辩答复").glob("*.docx"))
    assert [p.name for p in replies] == ["K0002_李华_K0002-2026-02-1.docx"]
    import docx
    text = "\n".join(p.text for p in docx.Document(replies[0]).paragraphs)
    assert "李华同志" in text
    assert "原审核结论：不通过（佐证不足）" in text
    assert "经复核，该事项审核通过，按积分规则计 6 分。" in text
    assert "补交了志愿服务记录，经核实属实" in text
    assert "2026年4月20日" in text


@scenario("appeal-earlier", stage=2)
def _appeal_earlier(base):
    appeal(base, dt.datetime(2026, 4, 1))


def test_appeal_dated_before_the_original_is_reported(ran):
    base, proc = ran["appeal-earlier"]
    out = base / "output"
    assert ledger(out)["K0002-2026-02-1"]["状态"] == "不通过"     # the original stands
    assert "review-appeal-date" in codes(out)
    assert proc.returncode == 1


@scenario("appeal-same-day", stage=2)
def _appeal_same_day(base):
    appeal(base, REVIEWED)


def test_appeal_dated_the_same_day_keeps_the_original(ran):
    base, _ = ran["appeal-same-day"]
    out = base / "output"
    assert "review-appeal-date" in codes(out)
    assert ledger(out)["K0002-2026-02-1"]["状态"] == "不通过"


# --- decisions that cannot be applied as written -------------------------------------------


@scenario("bad-decisions", stage=1)
def _bad_decisions(base):
    copy = base / "input" / "审核结论" / "审核.xlsx"
    copy.parent.mkdir(parents=True)
    shutil.copy2(base / "output" / LIST_REL, copy)
    b.fill_review(copy, signed({
        "K0001-2026-01-2": {"审核结论": "调整", "审核分值": 1},                 # no 审核意见
        "K0002-2026-02-1": {"审核结论": "不通过"},                              # no 不通过原因
        "K0002-2026-02-2": {"审核结论": "不通过", "不通过原因": "弄虚作假",
                            "审核意见": "所称报道并不存在"},
    }))


@pytest.fixture(scope="module")
def bad_decisions(ran) -> Path:
    base, proc = ran["bad-decisions"]
    assert proc.returncode == 1, proc.stdout
    return base / "output"


def test_adjust_without_opinion_is_not_applied(bad_decisions):
    report = [p for p in b.problem_codes(bad_decisions) if p["问题代码"] == "review-adjust-opinion"]
    assert len(report) == 1 and report[0]["干部编号"] == "K0001"
    assert report[0]["文件"] == "审核结论/审核.xlsx" and report[0]["单元格/行"] == "W5"
    assert ledger(bad_decisions)["K0001-2026-01-2"]["状态"] == "待审核"
    outcome = {r["事项ID"]: r["处理结果"] for r in audit(bad_decisions)}
    assert outcome["K0001-2026-01-2"].startswith("未采用：结论为“调整”但没有填写审核意见")


def test_reject_without_reason_is_not_applied(bad_decisions):
    report = [p for p in b.problem_codes(bad_decisions) if p["问题代码"] == "review-reject-reason"]
    assert len(report) == 1 and report[0]["单元格/行"] == "V6"
    assert ledger(bad_decisions)["K0002-2026-02-1"]["状态"] == "待审核"
    assert set(pending_ids(bad_decisions)) == {"K0001-2026-01-1", "K0001-2026-01-2",
                                               "K0002-2026-02-1", "K0003-2026-03-1"}


def test_fraud_rejection_is_listed_in_the_master_ledger(bad_decisions):
    fraud = b.table(bad_decisions / LEDGER_REL, "弄虚作假事项")
    assert [(r["事项ID"], r["状态"], r["姓名"]) for r in fraud] == [("K0002-2026-02-2", "不通过", "李华")]
    assert "弄虚作假" in fraud[0]["差异说明"] and "所称报道并不存在" in fraud[0]["差异说明"]
    assert annual(bad_decisions)["K0002"] == 99


# --- rulebook: 申报需审核 = 否 ------------------------------------------------------------------


@scenario("no-review", stage=1)
def _no_review(base):
    shutil.rmtree(base / "output")
    return {"rulebook": b.rulebook_with(base / "rulebook.xlsx", 申报需审核="否")}


def test_no_review_required_counts_valid_declarations_at_once(ran):
    base, proc = ran["no-review"]
    assert proc.returncode == 0, proc.stdout
    out = base / "output"
    rows = ledger(out)
    assert {iid: (r["状态"], r["计分分值"]) for iid, r in rows.items()} == {
        "K0001-2026-01-1": ("计分", 1), "K0001-2026-01-2": ("计分", 2),
        "K0002-2026-02-1": ("计分", 6), "K0002-2026-02-2": ("计分", 1),
        "K0003-2026-03-1": ("计分", 2), "DJ1": ("计分", 1), "DJ2": ("计分", 2)}
    assert annual(out) == {"K0001": 103, "K0002": 106, "K0003": 100, "H0001": 100}
    assert pending_ids(out) == []
    got = balance(out)
    assert (got["计分"], got["待审核"]) == (7, 0)
    wb = openpyxl.load_workbook(b.ranking_book(out, YEAR))
    params = {r[0]: r[1] for r in wb["说明"].iter_rows(values_only=True) if r and r[0]}
    assert params["申报需审核"] == "否"
