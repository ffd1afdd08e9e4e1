"""The problem catalogue: every code the source emits is listed (at the level it is emitted
with), nothing listed is dead, docs/问题代码.md is what the catalogue generates, and the 校验报告
shows each problem's 问题类型 and 干部编号."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import builders as b
import pandas as pd

from jifen import problem_catalog, problems
from jifen.outputs import report

CODE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)+$")
LEVEL_OF_CALL = {"error": problem_catalog.ERROR, "_reject": problem_catalog.ERROR, "warning": problem_catalog.WARNING}


def emitted_codes() -> dict[str, set]:
    """code → {(level, file)} for every error(…)/warning(…)/_reject(…) call in jifen/ whose first
    argument is a literal code."""
    found: dict[str, set] = {}
    for path in sorted((b.ROOT / "jifen").rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            fn = node.func
            name = fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", None)
            first = node.args[0]
            if name in LEVEL_OF_CALL and isinstance(first, ast.Constant) and isinstance(first.value, str) \
                    and CODE.match(first.value):
                found.setdefault(first.value, set()).add((LEVEL_OF_CALL[name], path.relative_to(b.ROOT).as_posix()))
    return found


def test_the_scan_finds_the_emitters():
    found = emitted_codes()
    assert len(found) >= 70                                   # the scan itself still works
    assert ("错误", "jifen/readers/gate.py") in found["zip-bomb"]
    assert ("警告", "jifen/rules/checks.py") in found["missing-evidence"]


def test_every_emitted_code_is_catalogued_at_its_level():
    missing, wrong = [], []
    for code, places in sorted(emitted_codes().items()):
        entry = problem_catalog.CATALOG.get(code)
        if entry is None:
            missing.append(f"{code} ({', '.join(sorted(f for _, f in places))})")
            continue
        wrong += [f"{code}: {lvl} in {f}, catalogued {entry.level}" for lvl, f in places if lvl != entry.level]
    assert not missing, ("add these codes to jifen/problem_catalog.py, then run python tools/make_problem_doc.py: "
                         + "; ".join(missing))
    assert not wrong


def test_every_catalogued_code_is_emitted_somewhere():
    assert sorted(set(problem_catalog.CATALOG) - set(emitted_codes())) == []


def test_catalogue_entries_are_complete_and_chinese():
    for e in problem_catalog.CATALOG.values():
        assert e.level in (problem_catalog.ERROR, problem_catalog.WARNING) and e.stage in problem_catalog.STAGES, e
        assert e.kind and e.advice and re.search(r"[\u4e00-\u9fff]", e.kind + e.advice), e
        assert e.kind != problem_catalog.UNKNOWN_KIND


def test_problem_doc_is_current():
    doc = b.ROOT / "docs" / "问题代码.md"
    assert doc.read_text("utf-8") == problem_catalog.markdown(), "docs/问题代码.md is stale: run python tools/make_problem_doc.py"
    for code in problem_catalog.CATALOG:
        assert f"`{code}`" in problem_catalog.markdown()


def test_emitters_fall_back_on_the_catalogue_advice():
    p = problems.error("unknown-code", "项目代码“X9”不在积分规则中")
    assert p.hint == problem_catalog.CATALOG["unknown-code"].advice and p.kind == "项目代码不存在"
    assert problems.warning("missing-evidence", "…", "请补交").hint == "请补交"
    assert problems.error("no-such-code", "…").kind == "其他"


def test_report_frame_shows_kind_beside_code():
    df = report.problem_frame([problems.error("name-mismatch", "姓名不符", file="a.xlsx", cadre_id="K1"),
                               problems.warning("hidden-rows", "隐藏行", file="a.xlsx")])
    assert list(df.columns[:4]) == ["序号", "级别", "问题类型", "问题代码"]
    assert list(df["问题类型"]) == ["姓名与编号不符", "隐藏行已读入"]


def test_cadre_id_filled_from_the_place_a_problem_names():
    items = pd.DataFrame({"file": ["d.xlsx", "reg.xlsx", "reg.xlsx"], "sheet": ["积分申报表", "积分登记表", "积分登记表"],
                          "row": [8, 3, 4], "cadre_id": ["K0001", "K0002", ""], "source": ["申报", "登记", "登记"]})
    decls = [{"file": "e.xlsx", "sheet": "积分申报表", "cadre_id": "K0003"}]
    got = report.with_cadre_ids([
        problems.warning("hidden-rows", "", file="d.xlsx", sheet="积分申报表", row=12),       # same declaration
        problems.warning("invisible-characters", "", file="reg.xlsx", sheet="积分登记表", row=3),   # that row's cadre
        problems.warning("register-missing-id", "", file="reg.xlsx", sheet="积分登记表", row=4),     # unknown
        problems.warning("hidden-sheet", "", file="e.xlsx", sheet="积分申报表"),                     # declaration, no items
        problems.error("unknown-cadre", "", file="reg.xlsx", sheet="积分登记表", row=3, cadre_id="K9999"),
        problems.warning("workbook-open", "", file="e.xlsx"),                                   # the whole file
        problems.warning("workbook-open", "", file="reg.xlsx"),                                 # many cadres
    ], items, decls)
    assert [p.cadre_id for p in got] == ["K0001", "K0002", "", "K0003", "K9999", "K0003", ""]


def test_report_workbook_has_kind_and_cadre_id(tmp_path: Path):
    inp = tmp_path / "input"
    b.roster(inp / "名册.xlsx", [("K0001", "张明", "县财政局", "局长", "科级领导干部", "2020-01-01")])
    b.declaration(inp / "K0001.xlsx", "K0001", "张明", "2026-01", [{"code": "A1", "qty": 1}])
    proc = b.run_process(tmp_path, "check")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    rows = b.problem_codes(tmp_path / "output")
    bad = next(r for r in rows if r["问题代码"] == "not-self-declarable")
    assert (bad["问题类型"], bad["干部编号"], bad["级别"]) == ("不可自主申报", "K0001", "错误")


# codes no test triggers yet (shrink-only: the test below fails once one of them is tested)
NOT_YET_TRIGGERED: set = set()


def test_every_catalogued_code_is_triggered_by_some_test():
    """A test that triggers a code names it (tests assert on codes, never on wording), so a code
    no other test module names is a code no test triggers."""
    here = Path(__file__).resolve()
    text = "".join(p.read_text("utf-8") for p in here.parent.rglob("*.py") if p != here)
    named = {code for code in problem_catalog.CATALOG if f'"{code}"' in text or f"'{code}'" in text}
    assert sorted(set(problem_catalog.CATALOG) - named - NOT_YET_TRIGGERED) == []
    assert sorted(NOT_YET_TRIGGERED & named) == [], "now tested: remove from NOT_YET_TRIGGERED"
