"""One test per problem code (checks and readers), through `pipeline.run` on small input folders.

Each test asserts the code, its level (错误/警告), its position (file, sheet, cell), the resulting
`status` of the items concerned (计分 / 待审核 / 无效) and the conservation balance.

Cell addresses follow the builders' layouts:
- declaration (`builders.declaration`, layout "cells"): B2 干部编号, D2 姓名, B3 申报月份, header
  row 5, items from row 6 in columns A 序号, B 项目代码, C 项目名称, D 事项说明, E 同一事项标识,
  F 发生日期, G 数量, H 申报分值, I 佐证材料, J 备注;
- register (`builders.register`): header row 2, rows from 3 in columns A 登记编号, B 干部编号,
  C 姓名, D 月份, E 项目代码, F 事项说明, G 同一事项标识, H 发生日期, I 数量, J 依据, K 登记人.
"""

import shutil

import builders as b
import pytest

from jifen import problems
from jifen.pipeline import Options, run
from jifen.rules import checks

ERR, WARN = problems.ERROR, problems.WARNING
COUNTED, PENDING, INVALID = checks.COUNTED, checks.PENDING, checks.INVALID
DS, RS = "积分申报表", "积分登记表"

ROSTER = [
    ("K0001", "张明", "县财政局", "局长", "科级领导干部", "2020-01-01"),
    ("K0002", "李华", "县财政局", "副局长", "科级领导干部", "2020-01-01"),
    ("K0003", "王伟", "城关镇", "镇长", "科级领导干部", "2020-01-01"),
    ("H0001", "王伟", "县教育局", "股长", "后备干部", "2020-01-01"),      # 同名同姓
    ("K0004", "赵强", "县水利局", "局长", "科级领导干部", "2026-04-01"),  # joins in April
    ("K0005", "孙丽", "县民政局", "局长", "科级领导干部", "2020-01-01", "2026-02-28"),  # leaves in February
]


@pytest.fixture
def inp(tmp_path):
    path = tmp_path / "input"
    b.roster(path / "名册.xlsx", ROSTER, title="干部名册")
    return path


def go(inp, rulebook=b.RULEBOOK):
    res = run(Options(inp, inp.parent / "output", rulebook, inp.parent / "archive", write=False))
    assert_balanced(res)
    return res


def assert_balanced(res):
    bal = res.balance()
    assert bal["items_read"] == len(res.items) == bal["计分"] + bal["待审核"] + bal["不通过"] + bal["无效"]
    assert set(res.items["status"]) <= set(checks.STATUSES)
    assert (res.items.loc[res.items["status"] == INVALID, "reason"] != "").all()
    assert bal["files_total"] == (bal["files_read"] + bal["files_rejected"] + bal["files_skipped"]
                                  + bal["files_evidence"])


def found(res, code):
    return [p for p in res.problems if p.code == code]


def one(res, code):
    ps = found(res, code)
    assert len(ps) == 1, (code, [(p.code, p.file, p.cell) for p in res.problems if not p.code.startswith("rulebook")])
    return ps[0]


def at(p):
    return p.level, p.file, p.sheet, p.cell


def status(res, file, row):
    rows = res.items[(res.items["file"] == file) & (res.items["row"] == row)]
    assert len(rows) == 1, (file, row)
    return rows.iloc[0]["status"]


def item(res, file, row):
    return res.items[(res.items["file"] == file) & (res.items["row"] == row)].iloc[0]


def declare(inp, rel, items, cadre_id="K0001", name="张明", month="2026-03", **kw):
    return b.declaration(inp / rel, cadre_id, name, month, items, **kw)


def reg(inp, rel, rows):
    return b.register(inp / rel, rows)


def r(id_, cadre_id, name, month, code, qty=1, **kw):
    return {"id": id_, "cadre_id": cadre_id, "name": name, "month": month, "code": code, "qty": qty, **kw}


def assert_no_other_errors(res, *allowed):
    others = [(p.code, p.file, p.cell) for p in res.errors if p.code not in allowed]
    assert others == []


# --- codes -----------------------------------------------------------------------------------

def test_clean_folder_has_no_problems(inp):
    declare(inp, "d.xlsx", [{"code": "J1-4", "date": "2026-03-05"}, {"code": "K4", "qty": 1}])
    (inp / "d_佐证文件.pdf").write_bytes(b"%PDF-1.4\n")      # the file the item's 佐证材料 names
    reg(inp, "r.xlsx", [r("DJ1", "K0002", "李华", "2026-03", "J1-3"), r("DJ2", "K0003", "王伟", "2026-03", "A1", 2)])
    res = go(inp)
    assert [f.path for f in res.evidence] == ["d_佐证文件.pdf"]
    assert [p.code for p in res.problems if not p.code.startswith("rulebook")] == []
    assert [status(res, "d.xlsx", 6), status(res, "d.xlsx", 7)] == [PENDING, PENDING]
    assert [status(res, "r.xlsx", 3), status(res, "r.xlsx", 4)] == [COUNTED, COUNTED]
    assert res.balance()["items_read"] == 4 and res.exit_code == 0


def test_unknown_code(inp):
    declare(inp, "d.xlsx", [{"code": "J9"}, {"code": "j1-4"}, {"code": "Ｊ１－４"}])
    reg(inp, "r.xlsx", [r("DJ1", "K0002", "李华", "2026-03", "Z1")])
    res = go(inp)
    ps = sorted(found(res, "unknown-code"), key=lambda p: p.file)
    assert [at(p) for p in ps] == [(ERR, "d.xlsx", DS, "B6"), (ERR, "r.xlsx", RS, "E3")]
    assert ps[0].cadre_id == "K0001" and ps[0].row == 6
    assert [status(res, "d.xlsx", n) for n in (6, 7, 8)] == [INVALID, PENDING, PENDING]
    assert status(res, "r.xlsx", 3) == INVALID
    assert res.exit_code == 1


def test_missing_code(inp):
    declare(inp, "d.xlsx", [{"code": None, "qty": None, "desc": "参加防汛志愿服务"},
                            {"code": None, "qty": 2, "desc": "市报发表"}, {"code": "J1-4"}])
    res = go(inp)
    ps = found(res, "missing-code")
    assert sorted(at(p) for p in ps) == [(ERR, "d.xlsx", DS, "B6"), (ERR, "d.xlsx", DS, "B7")]
    assert [status(res, "d.xlsx", n) for n in (6, 7, 8)] == [INVALID, INVALID, PENDING]
    assert not found(res, "bad-quantity")          # one reason per row


def test_not_self_declarable(inp):
    declare(inp, "d.xlsx", [{"code": "A1", "qty": 2}, {"code": "K1"}])
    reg(inp, "r.xlsx", [r("DJ1", "K0001", "张明", "2026-03", "A1", 2)])
    res = go(inp)
    assert at(one(res, "not-self-declarable")) == (ERR, "d.xlsx", DS, "B6")
    assert [status(res, "d.xlsx", 6), status(res, "d.xlsx", 7)] == [INVALID, PENDING]
    assert status(res, "r.xlsx", 3) == COUNTED       # the department may register it


def test_unknown_cadre(inp):
    declare(inp, "d.xlsx", [{"code": "J1-4"}, {"code": "K4"}], cadre_id="K9999", name="无名")
    reg(inp, "r.xlsx", [r("DJ1", "K0002", "李华", "2026-03", "K4"), r("DJ2", "K9998", "某某", "2026-03", "K4")])
    res = go(inp)
    ps = sorted(found(res, "unknown-cadre"), key=lambda p: p.file)
    assert len(ps) == 2                               # one per declaration, not one per item
    assert (ps[0].level, ps[0].file, ps[0].sheet, ps[0].cadre_id) == (ERR, "d.xlsx", DS, "K9999")
    assert (at(ps[1]), ps[1].cadre_id) == ((ERR, "r.xlsx", RS, "B4"), "K9998")
    assert [status(res, "d.xlsx", 6), status(res, "d.xlsx", 7)] == [INVALID, INVALID]
    assert [status(res, "r.xlsx", 3), status(res, "r.xlsx", 4)] == [COUNTED, INVALID]


def test_unknown_cadre_hint_names_what_it_can_be(inp):
    """K0099 is no cadre: the hint names the declared name's own ID, the nearest IDs, or another county."""
    declare(inp, "名字对.xlsx", [{"code": "J1-4"}], cadre_id="K0099", name="孙丽", unit="县民政局")
    declare(inp, "编号错.xlsx", [{"code": "J1-4"}], cadre_id="K0006", name="钱七")
    declare(inp, "外县.xlsx", [{"code": "J1-4"}], cadre_id="YX0099", name="周八", unit="云山县财政局")
    res = go(inp)
    hints = {p.file: p.hint for p in found(res, "unknown-cadre")}
    assert hints["名字对.xlsx"].startswith("请核对干部编号：名册中“孙丽”的干部编号是 K0005（孙丽，县民政局）；")
    assert "相近的干部编号" not in hints["名字对.xlsx"]
    # K0006: one digit from K0001…K0005 (the first three named; H0001 is two edits away)
    assert "相近的干部编号有 K0001（张明，县财政局）、K0002（李华，县财政局）、K0003（王伟，城关镇），请核对是否填错" \
        in hints["编号错.xlsx"]
    assert "其他县" not in hints["编号错.xlsx"]
    assert "编号的写法与本县名册中的编号都不同，名册中没有单位“云山县财政局”：该文件可能是其他县（区）的" in hints["外县.xlsx"]
    assert all(h.endswith("如是新任干部，请先在干部名册中增加。") for h in hints.values())


def test_id_distance_counts_a_swap_as_one_edit():
    assert checks._id_distance("K0099", "K0099") == 0
    assert checks._id_distance("K0099", "K0090") == 1 and checks._id_distance("K0099", "K0009") == 1
    assert checks._id_distance("K0012", "K0021") == 1 and checks._id_distance("K001", "K0001") == 1
    assert checks._id_distance("K0099", "H0001") == 3


def test_name_mismatch(inp):
    declare(inp, "d.xlsx", [{"code": "J1-4"}], cadre_id="K0002", name="张明")
    reg(inp, "r.xlsx", [r("DJ1", "K0001", "李华", "2026-03", "K4"),
                        r("DJ2", "K0003", "王伟", "2026-03", "K4"),      # 同名同姓, told apart by 编号
                        r("DJ3", "H0001", "王 伟", "2026-03", "K4"),
                        r("DJ4", "K0002", None, "2026-03", "K4")])       # no name: nothing to compare
    res = go(inp)
    ps = sorted(found(res, "name-mismatch"), key=lambda p: p.file)
    assert [(p.level, p.file, p.sheet, p.cadre_id) for p in ps] == [(ERR, "d.xlsx", DS, "K0002"),
                                                                    (ERR, "r.xlsx", RS, "K0001")]
    assert ps[1].cell == "C3"
    assert status(res, "d.xlsx", 6) == INVALID
    assert [status(res, "r.xlsx", n) for n in (3, 4, 5, 6)] == [INVALID, COUNTED, COUNTED, COUNTED]


def test_not_on_roster(inp):
    declare(inp, "d.xlsx", [{"code": "J1-4"}], cadre_id="K0005", name="孙丽")
    reg(inp, "r.xlsx", [r("DJ1", "K0004", "赵强", "2026-03", "K4"),      # before joining
                        r("DJ2", "K0004", "赵强", "2026-04", "K4"),
                        r("DJ3", "K0005", "孙丽", "2026-02", "K4"),
                        r("DJ4", "K0005", "孙丽", "2026-03", "K4")])     # after leaving
    res = go(inp)
    ps = sorted(found(res, "not-on-roster"), key=lambda p: (p.file, p.row))
    assert [(p.level, p.file, p.sheet, p.cadre_id) for p in ps] == [
        (ERR, "d.xlsx", DS, "K0005"), (ERR, "r.xlsx", RS, "K0004"), (ERR, "r.xlsx", RS, "K0005")]
    assert [p.cell for p in ps[1:]] == ["D3", "D6"]
    assert status(res, "d.xlsx", 6) == INVALID
    assert [status(res, "r.xlsx", n) for n in (3, 4, 5, 6)] == [INVALID, COUNTED, COUNTED, INVALID]


def test_bad_month_in_declaration(inp):
    declare(inp, "d.xlsx", [{"code": "J1-4"}, {"code": "K4"}], month="2026年13月")
    res = go(inp)
    p = one(res, "bad-month")
    assert at(p) == (ERR, "d.xlsx", DS, "B3") and p.cadre_id == "K0001"
    assert [status(res, "d.xlsx", 6), status(res, "d.xlsx", 7)] == [INVALID, INVALID]
    assert_no_other_errors(res, "bad-month")


def test_bad_month_in_register(inp):
    reg(inp, "r.xlsx", [r("DJ1", "K0001", "张明", "三月", "K4"), r("DJ2", "K0001", "张明", None, "K4"),
                        r("DJ3", "K0001", "张明", "2026年3月", "K4")])
    res = go(inp)
    ps = sorted(found(res, "bad-month"), key=lambda p: p.row)
    assert [at(p) for p in ps] == [(ERR, "r.xlsx", RS, "D3"), (ERR, "r.xlsx", RS, "D4")]
    assert [status(res, "r.xlsx", n) for n in (3, 4, 5)] == [INVALID, INVALID, COUNTED]


def test_missing_cadre_id_in_register(inp):
    reg(inp, "r.xlsx", [r("DJ1", None, "张明", "2026-03", "K4"), r("DJ2", "K0001", "张明", "2026-03", "K4")])
    res = go(inp)
    assert at(one(res, "missing-cadre-id")) == (ERR, "r.xlsx", RS, "B3")
    assert [status(res, "r.xlsx", 3), status(res, "r.xlsx", 4)] == [INVALID, COUNTED]
    assert not found(res, "unknown-cadre")


def test_missing_cadre_id_in_declaration(inp):
    rows = [["日常积分申报表"], ["干部编号"], ["姓名", "张明"], ["申报月份", "2026-03"], b.DECL_HEADER,
            [1, "J1-4", None, "县级表彰", None, None, 1, None, "文件"]]
    b.workbook(inp / "d.xlsx", {DS: rows})
    res = go(inp)
    assert at(one(res, "missing-cadre-id")) == (ERR, "d.xlsx", DS, "B2")    # where the value goes
    assert status(res, "d.xlsx", 6) == INVALID
    assert_no_other_errors(res, "missing-cadre-id")
    assert res.items.iloc[0]["item_id"].startswith("未知-2026-03")


@pytest.mark.parametrize("qty", [-1, 0, 1.5, "abc", "1.5次", None])
def test_bad_quantity(inp, qty):
    declare(inp, "d.xlsx", [{"code": "J1-4", "qty": qty}, {"code": "J1-4", "qty": 1}])
    res = go(inp)
    assert at(one(res, "bad-quantity")) == (ERR, "d.xlsx", DS, "G6")
    assert [status(res, "d.xlsx", 6), status(res, "d.xlsx", 7)] == [INVALID, PENDING]


@pytest.mark.parametrize("qty, expected", [("2篇", 2), ("２", 2), ("十二", 12), ("两", 2), (3.0, 3), ("1次", 1),
                                           (" 2 ", 2)])
def test_accepted_quantity_forms(inp, qty, expected):
    declare(inp, "d.xlsx", [{"code": "J5-3", "qty": qty}])
    res = go(inp)
    assert not found(res, "bad-quantity")
    it = item(res, "d.xlsx", 6)
    assert it["status"] == PENDING and it["qty"] == expected and it["value"] == expected * 1


@pytest.mark.parametrize("qty, ok", [(0.5, True), (2.5, True), (0.3, False), (1.25, False)])
def test_base_deduction_in_half_points(inp, qty, ok):
    reg(inp, "r.xlsx", [r("DJ1", "K0001", "张明", "2026-03", "A1", qty)])
    res = go(inp)
    if ok:
        assert not found(res, "bad-quantity") and status(res, "r.xlsx", 3) == COUNTED
    else:
        assert at(one(res, "bad-quantity")) == (ERR, "r.xlsx", RS, "I3")
        assert status(res, "r.xlsx", 3) == INVALID


@pytest.mark.parametrize("date", ["2026-02-30", "三月五日", "2026-13-01", "上周"])
def test_bad_date(inp, date):
    declare(inp, "d.xlsx", [{"code": "J1-4", "date": date}, {"code": "J1-4", "date": "2026/3/2"}])
    reg(inp, "r.xlsx", [r("DJ1", "K0002", "李华", "2026-03", "K4", date=date)])
    res = go(inp)
    ps = sorted(found(res, "bad-date"), key=lambda p: p.file)
    assert [at(p) for p in ps] == [(ERR, "d.xlsx", DS, "F6"), (ERR, "r.xlsx", RS, "H3")]
    assert [status(res, "d.xlsx", 6), status(res, "d.xlsx", 7), status(res, "r.xlsx", 3)] == [
        INVALID, PENDING, INVALID]


def test_date_after_month(inp):
    declare(inp, "d.xlsx", [{"code": "J1-4", "date": "2026-04-01"}, {"code": "J1-4", "date": b.d("2026-03-31")},
                            {"code": "J1-4", "date": "2025年12月30日"}])
    reg(inp, "r.xlsx", [r("DJ1", "K0002", "李华", "2026-03", "K4", date="2026/4/2"),
                        r("DJ2", "K0002", "李华", "2026-03", "K4", date=b.d("2026-03-02"))])
    res = go(inp)
    ps = sorted(found(res, "date-after-month"), key=lambda p: p.file)
    assert [at(p) for p in ps] == [(ERR, "d.xlsx", DS, "F6"), (ERR, "r.xlsx", RS, "H3")]
    assert [status(res, "d.xlsx", n) for n in (6, 7, 8)] == [INVALID, PENDING, PENDING]
    assert [status(res, "r.xlsx", 3), status(res, "r.xlsx", 4)] == [INVALID, COUNTED]


def test_declared_value_differs_is_a_warning(inp):
    declare(inp, "d.xlsx", [{"code": "J1-4", "qty": 2, "declared": 5}, {"code": "J1-3", "declared": "2分"},
                            {"code": "J4-3", "declared": 0.5}])
    res = go(inp)
    assert at(one(res, "declared-value-differs")) == (WARN, "d.xlsx", DS, "H6")
    assert [status(res, "d.xlsx", n) for n in (6, 7, 8)] == [PENDING] * 3
    assert item(res, "d.xlsx", 6)["value"] == 2          # the rulebook's value, never the declared one
    assert res.errors == [] and res.exit_code == 0


def test_missing_evidence_is_a_warning(inp):
    declare(inp, "d.xlsx", [{"code": "J6", "evidence": None}, {"code": "K1", "evidence": None},
                            {"code": "J7", "evidence": "照片"}, {"code": "J6", "evidence": "社区证明"}])
    res = go(inp)
    p = one(res, "missing-evidence")
    assert at(p) == (WARN, "d.xlsx", DS, "I6") and p.cadre_id == "K0001"
    # text written, no file handed in: one warning for the declaration, naming rows 8 and 9
    p = one(res, "evidence-not-attached")
    assert at(p) == (WARN, "d.xlsx", DS, "I8") and p.row == 0 and "第9行" in p.message
    assert [status(res, "d.xlsx", n) for n in (6, 7, 8, 9)] == [PENDING] * 4


def test_duplicate_register_id(inp):
    reg(inp, "a.xlsx", [r("DJ1", "K0001", "张明", "2026-03", "K4"), r("DJ2", "K0001", "张明", "2026-03", "K4"),
                        r("DJ2", "K0002", "李华", "2026-03", "K4")])
    reg(inp, "b.xlsx", [r("DJ1", "K0003", "王伟", "2026-03", "K4")])
    res = go(inp)
    ps = sorted(found(res, "duplicate-register-id"), key=lambda p: p.file)
    assert [at(p) for p in ps] == [(ERR, "a.xlsx", RS, "A5"), (ERR, "b.xlsx", RS, "A3")]
    assert [status(res, "a.xlsx", n) for n in (3, 4, 5)] == [COUNTED, COUNTED, INVALID]
    assert status(res, "b.xlsx", 3) == INVALID


def test_duplicate_seq(inp):
    declare(inp, "d.xlsx", [{"code": "J1-4", "seq": 1}, {"code": "K4", "seq": 1}, {"code": "J5-3", "seq": 3}])
    res = go(inp)
    assert at(one(res, "duplicate-seq")) == (WARN, "d.xlsx", DS, "A7")
    assert [status(res, "d.xlsx", n) for n in (6, 7, 8)] == [PENDING] * 3
    assert res.items["item_id"].is_unique
    assert item(res, "d.xlsx", 6)["item_id"] == "K0001-2026-03-1"


# --- 每年上限次数 -----------------------------------------------------------------------------

def test_over_yearly_limit_keeps_the_earliest_month(inp):
    declare(inp, "申报/05.xlsx", [{"code": "J2"}], month="2026-05")
    declare(inp, "申报/03.xlsx", [{"code": "J2"}], month="2026-03")
    declare(inp, "申报/2025.xlsx", [{"code": "J2"}], month="2025-12")     # another year: its own limit
    res = go(inp)
    p = one(res, "over-yearly-limit")
    assert at(p) == (ERR, "申报/05.xlsx", DS, "B6") and p.cadre_id == "K0001"
    assert [status(res, f"申报/{m}.xlsx", 6) for m in ("2025", "03", "05")] == [PENDING, PENDING, INVALID]


def test_over_yearly_limit_orders_by_seq_within_a_month(inp):
    declare(inp, "d.xlsx", [{"code": "J2", "seq": 2}, {"code": "J2", "seq": 1}])
    res = go(inp)
    assert at(one(res, "over-yearly-limit")) == (ERR, "d.xlsx", DS, "B6")     # 序号 2 is the later one
    assert [status(res, "d.xlsx", 6), status(res, "d.xlsx", 7)] == [INVALID, PENDING]


def test_over_yearly_limit_counts_quantity(inp):
    declare(inp, "d.xlsx", [{"code": "J2", "qty": 2}])
    reg(inp, "r.xlsx", [r("DJ1", "K0002", "李华", "2026-01", "K3"), r("DJ2", "K0002", "李华", "2026-02", "K3"),
                        r("DJ3", "K0003", "王伟", "2026-01", "K3")])
    res = go(inp)
    ps = sorted(found(res, "over-yearly-limit"), key=lambda p: p.file)
    assert [at(p) for p in ps] == [(ERR, "d.xlsx", DS, "B6"), (ERR, "r.xlsx", RS, "E4")]
    assert status(res, "d.xlsx", 6) == INVALID
    assert [status(res, "r.xlsx", n) for n in (3, 4, 5)] == [COUNTED, INVALID, COUNTED]


# --- two declarations for one cadre and month ----------------------------------------------------

def test_duplicate_declaration_identical_copy_counts_once(inp):
    src = declare(inp, "申报/a.xlsx", [{"code": "J1-4"}, {"code": "K4"}])
    shutil.copy(src, inp / "申报/b.xlsx")
    res = go(inp)
    p = one(res, "duplicate-declaration-identical")
    assert (p.level, p.file, p.sheet, p.cadre_id) == (WARN, "申报/b.xlsx", DS, "K0001")
    assert [status(res, "申报/a.xlsx", n) for n in (6, 7)] == [PENDING, PENDING]
    assert [status(res, "申报/b.xlsx", n) for n in (6, 7)] == [INVALID, INVALID]
    assert res.balance()["items_read"] == 4 and res.errors == []
    assert found(res, "duplicate-seq") == []              # the copy's 序号 are not repeats in one table
    assert [p.code for p in res.problems if p.file == "申报/b.xlsx"] == ["duplicate-declaration-identical"]


@pytest.mark.parametrize("empty_first", [False, True])
def test_duplicate_declaration_one_empty(inp, empty_first):
    full, empty = ("申报/b.xlsx", "申报/a.xlsx") if empty_first else ("申报/a.xlsx", "申报/b.xlsx")
    declare(inp, full, [{"code": "J1-4"}, {"code": "K4"}])
    declare(inp, empty, [], month="2026年3月")
    res = go(inp)
    p = one(res, "duplicate-declaration-empty")
    assert (p.level, p.sheet, p.cadre_id) == (WARN, DS, "K0001")
    assert p.file == "申报/b.xlsx"          # the later file: the empty one, or the one adopted in its place
    assert [status(res, full, n) for n in (6, 7)] == [PENDING, PENDING]
    assert res.errors == []


def test_duplicate_declaration_conflict(inp):
    declare(inp, "申报/a.xlsx", [{"code": "J1-4"}])
    declare(inp, "申报/b.xlsx", [{"code": "J1-3"}, {"code": "K4"}], month="2026/3")
    declare(inp, "申报/c.xlsx", [{"code": "J1-4"}], month="2026-04")       # another month: unaffected
    res = go(inp)
    p = one(res, "duplicate-declaration-conflict")
    assert (p.level, p.file, p.sheet, p.cadre_id) == (ERR, "申报/b.xlsx", DS, "K0001")
    assert "申报/a.xlsx" in p.message                                      # names both files
    assert status(res, "申报/a.xlsx", 6) == INVALID
    assert [status(res, "申报/b.xlsx", n) for n in (6, 7)] == [INVALID, INVALID]
    assert status(res, "申报/c.xlsx", 6) == PENDING
    assert res.exit_code == 1


# --- roster ------------------------------------------------------------------------------------

def test_roster_overlap(tmp_path):
    inp = tmp_path / "input"
    b.roster(inp / "名册.xlsx", [
        ("K0001", "张明", "县财政局", "局长", "科级领导干部", "2020-01-01", "2026-06-30"),
        ("K0001", "张明", "城关镇", "镇长", "科级领导干部", "2026-06-01"),          # starts before the end above
        ("K0002", "李华", "县财政局", "副局长", "科级领导干部", "2020-01-01", "2026-05-31"),
        ("K0002", "李华", "城关镇", "镇长", "科级领导干部", "2026-06-01"),          # adjacent: fine
    ], title="干部名册")
    reg(inp, "r.xlsx", [r("DJ1", "K0001", "张明", "2026-07", "K4"), r("DJ2", "K0002", "李华", "2026-07", "K4")])
    res = go(inp)
    p = one(res, "roster-overlap")
    assert (at(p), p.cadre_id, p.row) == ((ERR, "名册.xlsx", "干部名册", "第4行"), "K0001", 4)
    assert len(res.roster) == 3
    # the overlapping row is not used: K0001 is off the roster after 2026-06-30
    assert [status(res, "r.xlsx", 3), status(res, "r.xlsx", 4)] == [INVALID, COUNTED]
    assert at(one(res, "not-on-roster")) == (ERR, "r.xlsx", RS, "D3")


@pytest.mark.parametrize("row, code, level, cell", [
    (("K0009", "赵六", "县财政局", "局长", "科级"), "roster-bad-category", ERR, "E4"),
    ((None, "赵六", "县财政局", "局长", "科级领导干部"), "roster-missing-id", ERR, "A4"),
    (("K0009", "赵六", "县财政局", "局长", "科级领导干部", "2026-02-30"), "roster-bad-date", ERR, "F4"),
    (("K0009", "赵六", "县财政局", "局长", "科级领导干部", "2026-05-01", "2026-01-01"), "roster-bad-date", ERR, "G4"),
    (("450102199001011234", "赵六", "县财政局", "局长", "科级领导干部"), "roster-id-looks-like-idcard", WARN, "A4"),
])
def test_roster_row_problems(tmp_path, row, code, level, cell):
    inp = tmp_path / "input"
    b.roster(inp / "名册.xlsx", [ROSTER[0], row], title="干部名册")
    res = go(inp)
    p = one(res, code)
    assert at(p) == (level, "名册.xlsx", "干部名册", cell) and p.row == 4


def test_no_roster(tmp_path):
    inp = tmp_path / "input"
    declare(inp, "d.xlsx", [{"code": "J1-4"}])
    res = go(inp)
    p = one(res, "roster-missing")
    assert p.level == ERR and res.fatal and res.exit_code == 2
    assert status(res, "d.xlsx", 6) == INVALID


# --- files -------------------------------------------------------------------------------------

def test_unreadable_file_does_not_stop_the_run(inp):
    (inp / "申报").mkdir()
    (inp / "申报/坏文件.xlsx").write_bytes(b"not a workbook at all")
    declare(inp, "申报/好文件.xlsx", [{"code": "J1-4"}])
    res = go(inp)
    p = one(res, "text-renamed")
    assert (p.level, p.file) == (ERR, "申报/坏文件.xlsx")
    assert status(res, "申报/好文件.xlsx", 6) == PENDING
    assert res.balance()["files_rejected"] == 1 and res.balance()["files_read"] == 2


def test_unrecognised_workbook(inp):
    b.workbook(inp / "通知.xlsx", {"Sheet1": [["会议通知"], ["时间", "3月5日"]]})
    res = go(inp)
    p = one(res, "unrecognised-workbook")
    assert (p.level, p.file) == (WARN, "通知.xlsx")
    assert res.balance()["files_rejected"] == 1 and res.errors == []


def test_hidden_sheet(inp):
    rows = [["日常积分申报表"], ["干部编号", "K0001", "姓名", "张明"], ["申报月份", "2026-03"], [], b.DECL_HEADER,
            [1, "J1-4", None, "县级表彰", None, None, 1, None, "文件"]]
    b.workbook(inp / "h.xlsx", {"封面": [["封面"]], DS: rows}, hidden=[DS])
    res = go(inp)
    p = one(res, "hidden-sheet")
    assert (p.level, p.file, p.sheet) == (WARN, "h.xlsx", DS)
    assert status(res, "h.xlsx", 6) == PENDING


def test_header_not_found(inp):
    b.workbook(inp / "d.xlsx", {DS: [["日常积分申报表"], ["干部编号", "K0001"], ["（表格被删除）"]]})
    res = go(inp)
    p = one(res, "header-not-found")
    assert (p.level, p.file, p.sheet) == (ERR, "d.xlsx", DS)
    assert res.balance()["items_read"] == 0


def test_register_without_id_column(inp):
    rows = [["干部编号", "姓名", "月份", "项目代码", "事项说明", "数量"], ["K0001", "张明", "2026-03", "K4", "点名", 1]]
    b.workbook(inp / "登记.xlsx", {RS: rows})
    res = go(inp)
    p = one(res, "register-no-id-column")
    assert (p.level, p.file, p.sheet) == (WARN, "登记.xlsx", RS)
    assert status(res, "登记.xlsx", 2) == COUNTED and item(res, "登记.xlsx", 2)["item_id"] == "登记-2"


def test_register_missing_id(inp):
    reg(inp, "r.xlsx", [r(None, "K0001", "张明", "2026-03", "K4"), r("DJ2", "K0001", "张明", "2026-03", "K4")])
    res = go(inp)
    p = one(res, "register-missing-id")
    assert at(p) == (WARN, "r.xlsx", RS, "A3")
    assert [status(res, "r.xlsx", 3), status(res, "r.xlsx", 4)] == [COUNTED, COUNTED]
    assert item(res, "r.xlsx", 3)["item_id"] == "r-3"


def test_range_too_large(inp):
    import openpyxl
    path = reg(inp, "r.xlsx", [r("DJ1", "K0001", "张明", "2026-03", "K4")])
    wb = openpyxl.load_workbook(path)
    wb[RS].cell(row=1, column=70, value="备注")
    wb.save(path)
    res = go(inp)
    p = one(res, "range-too-large")
    assert (p.level, p.file, p.sheet) == (WARN, "r.xlsx", RS)
    assert status(res, "r.xlsx", 3) == COUNTED


def test_skipped_files_are_listed(inp):
    (inp / "佐证").mkdir()
    (inp / "佐证/照片.jpg").write_bytes(b"jpg")
    (inp / "~$名册.xlsx").write_bytes(b"lock")
    res = go(inp)
    assert sorted(f.path for f in res.skipped) == ["~$名册.xlsx", "佐证/照片.jpg"]
    assert res.balance()["files_skipped"] == 2 and res.balance()["files_total"] == 3


@pytest.mark.parametrize("code, cadre_id, name, cell", [
    ("unknown-cadre", "K9999", "无名", "B2"),
    ("name-mismatch", "K0002", "张明", "D2"),
    ("not-on-roster", "K0005", "孙丽", "B3"),
])
def test_declaration_header_problems_point_at_the_header_cell(inp, code, cadre_id, name, cell):
    """A problem with a declaration's 干部编号, 姓名 or 月份 names the header cell, not an item row."""
    declare(inp, "d.xlsx", [{"code": "J1-4"}], cadre_id=cadre_id, name=name)
    res = go(inp)
    assert at(one(res, code)) == (ERR, "d.xlsx", DS, cell)


# --- regressions of bugs found while writing these tests --------------------------------------

def test_missing_cadre_id_points_at_the_empty_field(inp):
    declare(inp, "d.xlsx", [{"code": "J1-4"}], cadre_id=None)
    res = go(inp)
    assert one(res, "missing-cadre-id").cell in ("A2", "B2")


def test_generated_register_ids_are_unique_across_folders(inp):
    header = ["干部编号", "姓名", "月份", "项目代码", "事项说明", "数量"]
    b.workbook(inp / "2026-02/登记表.xlsx", {RS: [header, ["K0001", "张明", "2026-02", "K4", "点名", 1]]})
    b.workbook(inp / "2026-03/登记表.xlsx", {RS: [header, ["K0002", "李华", "2026-03", "K4", "点名", 1]]})
    res = go(inp)
    assert found(res, "duplicate-register-id") == []
    assert [status(res, "2026-02/登记表.xlsx", 2), status(res, "2026-03/登记表.xlsx", 2)] == [COUNTED, COUNTED]


def test_two_different_sheets_for_one_month_conflict(inp):
    def sheet(code):
        return [["日常积分申报表"], ["干部编号", "K0001", "姓名", "张明"], ["申报月份", "2026-03"], [], b.DECL_HEADER,
                [1, code, None, "事项", None, None, 1, None, "文件"]]
    b.workbook(inp / "d.xlsx", {DS: sheet("J1-4"), "积分申报表 (2)": sheet("J1-1")})
    res = go(inp)
    assert found(res, "duplicate-declaration-identical") == []
    p = one(res, "duplicate-declaration-conflict")
    assert (p.level, p.file) == (ERR, "d.xlsx")
