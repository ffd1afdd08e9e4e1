"""可疑申报 rules (jifen/rules/suspicious.py) and the evidence matching rules (jifen/rules/evidence.py), on
hand-made records: each rule with cases it must flag and cases it must not."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pandas as pd
import pytest

from jifen import normalize
from jifen.rules import evidence, suspicious

PARAMS = {"申报时限月数": 3, "可疑申报倍数": 3, "可疑申报最少项数": 5,
          "个人事项代码": ["J1-1", "J1-2", "J1-3", "J1-4", "J5-1", "J5-2", "J5-3"]}
POINTS = {"J1-3": 2, "J1-4": 1, "J1-8": 1, "J5-3": 1, "J6": 3, "J7": 3, "K4": 1}


def item(cid, month, seq, code, desc="", matter="", evidence_text="", date=None, source="申报", status="待审核",
         atts=(), qty=1):
    return {"item_id": f"{cid}-{month}-{seq}", "cadre_id": cid, "name": cid, "month": month, "seq": seq,
            "code": code, "kind": "penalty" if code.startswith("K") else "bonus", "rule_value": POINTS[code] * qty,
            "desc": desc, "matter": matter, "evidence": evidence_text,
            "date": dt.date.fromisoformat(date) if date else None, "source": source, "status": status,
            "attachments": list(atts), "file": f"{cid}.xlsx", "row": 5 + seq,
            "year": int(month[:4]), "quarter": normalize.quarter_of(month)}


def frame(*rows) -> pd.DataFrame:
    return pd.DataFrame(list(rows))


def att(sha, name="证书.jpg"):
    return {"kind": evidence.FILE, "path": name, "name": name, "shared": False, "sha256": sha}


def flagged(rows) -> list[tuple]:
    return sorted((r["规则"], r["事项ID"]) for r in rows)


# --- 同一佐证 / 同一文号 ---------------------------------------------------------------------

def test_same_evidence_file_behind_personal_items_of_two_cadres():
    items = frame(item("A", "2026-03", 1, "J1-4", atts=[att("h1")]),
                  item("B", "2026-03", 1, "J1-4", atts=[att("h1", "奖状.jpg")]),
                  item("C", "2026-03", 1, "J1-4", atts=[att("h2")]))
    rows = suspicious.shared_evidence(items, PARAMS["个人事项代码"])
    assert flagged(rows) == [("同一佐证", "A-2026-03-1"), ("同一佐证", "B-2026-03-1")]
    assert "B" in rows[0]["提示"] and "证书.jpg" in rows[0]["提示"]


@pytest.mark.parametrize("case", ["same cadre", "not personal", "rejected item", "no hash"])
def test_same_evidence_must_not_flag(case):
    a = item("A", "2026-03", 1, "J1-4", atts=[att("h1")])
    b = {"same cadre": item("A", "2026-04", 1, "J1-4", atts=[att("h1")]),
         "not personal": item("B", "2026-03", 1, "J1-8", atts=[att("h1")]),
         "rejected item": item("B", "2026-03", 1, "J1-4", atts=[att("h1")], status="无效"),
         "no hash": item("B", "2026-03", 1, "J1-4", atts=[att("")])}[case]
    if case == "not personal":
        a = item("A", "2026-03", 1, "J1-8", atts=[att("h1")])
    assert suspicious.shared_evidence(frame(a, b), PARAMS["个人事项代码"]) == []


def test_same_document_number_in_personal_items_of_two_cadres():
    items = frame(item("A", "2026-03", 1, "J1-3", evidence_text="市委表彰 云市发〔2026〕12号"),
                  item("B", "2026-03", 2, "J5-3", desc="文章见 云市发[2026]12号 通报"),
                  item("C", "2026-03", 1, "J1-3", evidence_text="云市发〔2026〕13号"),
                  item("D", "2026-03", 1, "J1-8", evidence_text="云市发〔2026〕13号"))   # not personal
    rows = suspicious.shared_evidence(items, PARAMS["个人事项代码"])
    assert flagged(rows) == [("同一文号", "A-2026-03-1"), ("同一文号", "B-2026-03-2"), ("同一文号", "C-2026-03-1")]
    assert "云市发〔2026〕12号" in rows[0]["提示"]
    assert suspicious.doc_numbers("县委〔2026〕3号", "县委（2026）第3号") == {"县委〔2026〕3号"}
    assert suspicious.doc_numbers("2026年3月", "见附件") == set()


# --- 重复申报 --------------------------------------------------------------------------------

def test_same_matter_declared_again_in_a_later_month():
    items = frame(item("A", "2026-01", 1, "J1-4", desc="获县级优秀共产党员", date="2026-01-10"),
                  item("A", "2026-03", 2, "J1-4", desc="获县级 优秀共产党员", date="2026-01-10"),
                  item("A", "2026-05", 1, "J1-4", desc="获县级优秀共产党员"))
    rows = suspicious.repeated(items)
    assert flagged(rows) == [("重复申报", "A-2026-03-2"), ("重复申报", "A-2026-05-1")]
    assert "A-2026-01-1" in rows[0]["提示"] and "事项说明" in rows[0]["提示"]


def test_same_matter_by_identifier_or_document_number():
    items = frame(item("A", "2026-02", 1, "J1-4", desc="表彰", matter="防汛2026"),
                  item("A", "2026-04", 1, "J1-4", desc="再次表彰", matter="防汛2026"),
                  item("B", "2026-02", 1, "J1-4", evidence_text="县委〔2026〕3号"),
                  item("B", "2026-03", 1, "J1-4", evidence_text="见县委〔2026〕3号"))
    assert flagged(suspicious.repeated(items)) == [("重复申报", "A-2026-04-1"), ("重复申报", "B-2026-03-1")]


@pytest.mark.parametrize("later", [
    dict(desc="参加社区志愿服务", date="2026-03-15"),          # the same kind of work, another day
    dict(desc="参加社区志愿服务", code="J7"),                  # another item code
    dict(desc="参加社区志愿服务", qty=2),                      # another value
    dict(desc="慰问困难群众"),                                 # another matter
    dict(desc="参加社区志愿服务", month="2026-02"),            # the same month: not “again later”
    dict(desc="参加社区志愿服务", cid="B"),                    # another cadre
])
def test_repeated_must_not_flag(later):
    first = item("A", "2026-02", 1, "J6", desc="参加社区志愿服务", date="2026-02-15")
    again = item(later.get("cid", "A"), later.get("month", "2026-03"), 2, later.get("code", "J6"),
                 desc=later["desc"], date=later.get("date", "2026-02-15" if "date" not in later else None),
                 qty=later.get("qty", 1))
    if "date" in later:
        again["date"] = dt.date.fromisoformat(later["date"])
    assert suspicious.repeated(frame(first, again)) == []


def test_repeated_register_row_then_declaration():
    """The department registered the award; the cadre declares it again later."""
    items = frame(item("A", "2026-01", 1, "J1-4", desc="县级先进个人", source="登记", status="计分"),
                  item("A", "2026-02", 1, "J1-4", desc="县级先进个人"))
    assert flagged(suspicious.repeated(items)) == [("重复申报", "A-2026-02-1")]


# --- 超期申报 --------------------------------------------------------------------------------

def test_occurrence_more_than_the_limit_before_the_month():
    items = frame(item("A", "2026-03", 1, "J6", date="2025-12-01"),     # 3 months: within the limit
                  item("A", "2026-03", 2, "J6", date="2025-11-30"),     # 4 months: flagged
                  item("A", "2026-03", 3, "J6"),                        # no date: nothing to say
                  item("A", "2026-03", 4, "J6", date="2025-01-05", source="登记"),   # registered: not declared
                  item("A", "2026-03", 5, "J6", date="2025-01-05", status="无效"))
    rows = suspicious.late(items, 3)
    assert flagged(rows) == [("超期申报", "A-2026-03-2")]
    assert "4 个月" in rows[0]["提示"] and "3 个月" in rows[0]["提示"]
    assert flagged(suspicious.late(items, 4)) == []
    assert flagged(suspicious.late(items, 0)) == [("超期申报", "A-2026-03-1"), ("超期申报", "A-2026-03-2")]


# --- 申报过多 --------------------------------------------------------------------------------

def roster(groups: dict) -> pd.DataFrame:
    return pd.DataFrame([{"cadre_id": c, "group": g, "category": g, "start_d": dt.date(2020, 1, 1),
                          "end_d": dt.date(2999, 12, 31)} for c, g in groups.items()])


def many_items(counts: dict, month="2026-02", code="J6") -> list[dict]:
    return [item(c, month, i, code) for c, n in counts.items() for i in range(1, n + 1)]


def test_many_items_far_above_the_group_median():
    # group of five: counts 1, 1, 2, 7, 0 → median 1; 7 > 3 × 1 and ≥ 5 → flagged
    r = roster({"A": "科级", "B": "科级", "C": "科级", "D": "科级", "E": "科级"})
    items = frame(*many_items({"A": 1, "B": 1, "C": 2, "D": 7}))
    rows = suspicious.many(items, r, 3, 5)
    assert {x["事项ID"] for x in rows} == {f"D-2026-02-{i}" for i in range(1, 8)}
    assert "7 项" in rows[0]["提示"] and "中位数 1 项" in rows[0]["提示"] and "7.0 倍" in rows[0]["提示"]


@pytest.mark.parametrize("counts, groups, code", [
    ({"A": 2, "B": 2, "C": 2, "D": 6}, None, "J6"),         # 6 ≤ 3 × median 2
    ({"A": 0, "B": 0, "C": 4}, None, "J6"),                  # above 3 × 0 but fewer than 5
    ({"A": 1, "B": 1, "C": 9}, None, "K4"),                  # penalties declared are not bonus items
    ({"A": 6, "B": 6, "C": 0, "D": 0, "E": 0}, {"A": "后备", "B": "后备", "C": "科级", "D": "科级", "E": "科级"},
     "J6"),                                                   # compared within their own group only
])
def test_many_must_not_flag(counts, groups, code):
    r = roster(groups or {c: "科级" for c in counts})
    assert suspicious.many(frame(*many_items(counts, code=code)), r, 3, 5) == []


def test_many_counts_each_quarter_apart():
    r = roster({"A": "g", "B": "g", "C": "g"})
    # 3 items in Q1 and 3 in Q2: never 5 in one quarter
    items = frame(*[item("A", "2026-03", i, "J6") for i in range(1, 4)],
                  *[item("A", "2026-04", i, "J6") for i in range(1, 4)])
    assert suspicious.many(items, r, 3, 5) == []


def test_find_and_hints_by_item():
    rulebook = SimpleNamespace(params=PARAMS)
    items = frame(item("A", "2026-03", 1, "J6", date="2025-10-01"), item("B", "2026-03", 1, "J6"))
    table = suspicious.find(items, roster({"A": "g", "B": "g"}), rulebook)
    assert list(table.columns) == suspicious.COLUMNS and list(table["事项ID"]) == ["A-2026-03-1"]
    assert suspicious.hints_by_item(table)["A-2026-03-1"].startswith("【超期申报】")
    assert suspicious.find(items.iloc[0:0], roster({}), rulebook).empty


# --- evidence matching (evidence.py) ---------------------------------------------------------

def decl(file, cid="K0001", month="2026-03", key=None):
    return {"file": file, "cadre_id": cid, "month": month, "key": key or f"{file}|积分申报表"}


def test_files_attached_by_folder_prefix_and_cadre_folder():
    decls = [decl("申报/K0001_张明.xlsx"), decl("申报/K0002_李华.xlsx", "K0002"),
             decl("申报/K0003/3月.xlsx", "K0003", "2026-03"), decl("申报/K0003/4月.xlsx", "K0003", "2026-04")]
    files = ["申报/K0001_张明/证书.pdf", "申报/K0001_张明/子目录/照片.jpg", "申报/K0001_张明_奖状.jpg",
             "申报/K0001_张明奖状.jpg", "申报/K0002/表彰.pdf", "申报/K00012_x.pdf", "其他/说明.docx",
             "申报/K0003/2026-04 记录.pdf", "申报/K0003/记录.pdf"]
    attached, owner, problems = evidence.declaration_files(decls, files)
    assert attached["申报/K0001_张明.xlsx|积分申报表"] == files[:4]
    assert attached["申报/K0002_李华.xlsx|积分申报表"] == ["申报/K0002/表彰.pdf"]
    # K0003 has two months near its folder: the month in the file's path decides, else nothing
    assert attached["申报/K0003/4月.xlsx|积分申报表"] == ["申报/K0003/2026-04 记录.pdf"]
    assert "申报/K0003/3月.xlsx|积分申报表" not in attached
    assert [(p.code, p.file) for p in problems] == [("evidence-ambiguous", "申报/K0003/记录.pdf")]
    assert "申报/K00012_x.pdf" not in owner and "其他/说明.docx" not in owner
    assert owner["申报/K0002/表彰.pdf"] == "申报/K0002_李华.xlsx"


def test_items_take_the_files_they_name_or_that_name_their_seq():
    key = "申报/张明.xlsx|积分申报表"
    items = pd.DataFrame([
        {"decl": key, "evidence": "县委表彰文件（见 表彰决定.pdf）", "seq": 1, "pictures": []},
        {"decl": key, "evidence": "活动照片", "seq": 2, "pictures": [
            {"file": "申报/张明.xlsx", "part": "xl/media/image1.png", "cell": "I7", "sheet": "积分申报表",
             "kind": "WPS单元格图片", "sha256": "s", "size": 3, "ext": "png"}]},
        {"decl": key, "evidence": "", "seq": 3, "pictures": []}])
    files = ["申报/张明/表彰决定.pdf", "申报/张明_2_活动.jpg", "申报/张明/序号3-记录.pdf", "申报/张明_承诺书.pdf"]
    out, _ = evidence.assign(items, {key: files}, {}, {key: "申报/张明.xlsx"})
    names = [[(a["kind"], a["name"], a["shared"]) for a in atts] for atts in out]
    assert names[0] == [("文件", "表彰决定.pdf", False), ("文件", "张明_承诺书.pdf", True)]
    assert names[1] == [("图片", "积分申报表!I7", False), ("文件", "张明_2_活动.jpg", False),
                        ("文件", "张明_承诺书.pdf", True)]
    assert names[2] == [("文件", "序号3-记录.pdf", False), ("文件", "张明_承诺书.pdf", True)]
    assert evidence.summary("活动照片", out[1], True) == "活动照片；图片 1 张；文件：张明_2_活动.jpg；随表材料：张明_承诺书.pdf"
    assert evidence.summary("", [], True) == "（未附文件或图片）" and evidence.summary("", [], False) == ""
