"""`process.py compare` (对比): one item's points change → hand-computed score changes for exactly
the cadres holding that item; nothing else in output/ or archive/ changes; the overview shows it."""

import hashlib
from pathlib import Path

import builders as b
import pytest

MONTHS = [f"2026-{m:02d}" for m in range(1, 7)]
# C01 one county award (J1-4, 1 point) in Q1, C05 two in Q2, C07 a city award (J1-3, 2 points) in
# Q1, C02 a regional one (J1-2, 4 points) in Q2; the filler H99 (alone in 后备干部) one county award
# in every month (builders.scored_county)
PLAN = {"C01": {"2026Q1": [("J1-4", 1)]}, "C05": {"2026Q2": [("J1-4", 2)]}, "C07": {"2026Q1": [("J1-3", 1)]},
        "C02": {"2026Q2": [("J1-2", 1)]}}


def _tree(*folders: Path) -> dict:
    return {p.relative_to(f.parent).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for f in folders if f.exists() for p in sorted(f.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    base = tmp_path_factory.mktemp("compare")
    b.scored_county(base, PLAN, MONTHS, tops=False)
    first = b.run_process(base)
    assert first.returncode == 0, first.stdout + first.stderr
    proposed = b.rulebook_points(base / "新规则.xlsx", {"J1-4": 3})      # county award 1 → 3 points
    before = _tree(base / "output", base / "archive")
    proc = b.run_process(base, "对比", rulebook=proposed)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    after = _tree(base / "output", base / "archive")
    return {"base": base, "proc": proc, "before": before, "after": after,
            "book": base / "output" / "规则调整影响.xlsx"}


def test_only_the_impact_workbook_is_written(compared):
    before, after = compared["before"], compared["after"]
    assert set(after) - set(before) == {"output/规则调整影响.xlsx"}
    assert {k: after[k] for k in before} == before          # not one byte of any other file, cache included


def test_score_changes_are_exactly_the_holders_of_the_item(compared):
    rows = b.table(compared["book"], "人员对比")
    moved = {(r["期间"], r["干部编号"]): r["积分变化"] for r in rows if r["积分变化"]}
    # 2 points more per county award: C01 one (Q1), C05 two (Q2), H99 one a month
    assert moved == {("2026Q1", "C01"): 2, ("2026Q1", "H99"): 6,
                     ("2026Q2", "C05"): 4, ("2026Q2", "H99"): 6,
                     ("2026", "C01"): 2, ("2026", "C05"): 4, ("2026", "H99"): 12}
    c05 = next(r for r in rows if (r["期间"], r["干部编号"]) == ("2026", "C05"))
    assert (c05["原积分"], c05["新积分"]) == (102, 106)
    c07 = next(r for r in rows if (r["期间"], r["干部编号"]) == ("2026", "C07"))
    assert (c07["原积分"], c07["新积分"], c07["原等次"], c07["新等次"]) == (102, 102, "先进", None)   # J1-3 untouched
    assert len({r["干部编号"] for r in rows}) == 21


def test_points_moved_per_item(compared):
    items = {(r["年度"], r["项目代码"]): r for r in b.table(compared["book"], "规则项目", key="项目代码")}
    j14 = items[(2026, "J1-4")]
    assert (j14["原分值"], j14["新分值"]) == (1, 3)
    assert (j14["原计分行数"], j14["原合计"], j14["新合计"], j14["变动"], j14["涉及人数"]) == (8, 9, 27, 18, 3)   # rows: C01 1, C05 1 (数量 2), H99 6
    assert items[(2026, "J1-3")]["变动"] == 0
    diffs = b.table(compared["book"], "规则差异", key="项目或参数")
    assert diffs == [{"项目或参数": "J1-4", "内容": "分值", "现行": "1", "拟调整": "3"}]


def test_bands_entering_and_leaving(compared):
    moves = b.table(compared["book"], "进出名单")
    rows = b.table(compared["book"], "人员对比")
    for m in moves:           # every listed move is a real change of band or 结果运用 between the sides
        r = next(x for x in rows if (x["期间"], x["干部编号"]) == (m["期间"], m["干部编号"]))
        if m["类别"] in ("先进", "末位"):
            assert (r["新等次"] == m["类别"]) == (m["变化"] == "进入") and r["原等次"] != r["新等次"]
    # 20 in the group, 3 先进. Year before: C02 104, C05 102, C07 102, C01 101 → C02, C05, C07;
    # after: C05 106, C02 104, C01 103, C07 102 → C05, C02, C01. The quarters' 先进 do not change
    # (a tie of the 18 at 100 on the boundary takes the whole group in), nobody is below 100.
    assert [(m["期间"], m["类别"], m["变化"], m["干部编号"]) for m in moves] == [
        ("2026", "先进", "进入", "C01"), ("2026", "先进", "离开", "C07")]
    summary = b.table(compared["book"], "汇总", key="类别")
    assert summary == [{"期间": "2026", "类别": "先进", "进入人数": 1, "离开人数": 1,
                        "进入人员": "干部C01（城关镇）", "离开人员": "干部C07（县教育局）"}]
    assert "规则调整影响" in compared["proc"].stdout and "J1-4" in compared["proc"].stdout


def test_overview_shows_the_comparison_next_run(compared):
    base = compared["base"]
    proc = b.run_process(base)            # inputs unchanged since the first run: the comparison counts
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "输出已是最新" not in proc.stdout
    page = (base / "output" / "总览.html").read_text("utf-8")
    section = page[page.index('id="comparison"'):]
    assert "新规则.xlsx" in section and "%E8%A7%84%E5%88%99%E8%B0%83%E6%95%B4%E5%BD%B1%E5%93%8D.xlsx" in section
    assert "已有变化" not in section                          # same inputs and rules: not stale
    assert "干部C01（城关镇）" in section and "干部C07（县教育局）" in section


def test_broken_proposal_stops_with_its_cells(tmp_path):
    import openpyxl

    b.scored_county(tmp_path, PLAN, MONTHS[:1], tops=False)
    wb = openpyxl.load_workbook(b.RULEBOOK)
    wb["奖励加分"]["D3"] = "很多"
    bad = tmp_path / "坏规则.xlsx"
    wb.save(bad)
    proc = b.run_process(tmp_path, "compare", bad)
    assert proc.returncode == 2
    assert "坏规则.xlsx" in proc.stdout and "D3" in proc.stdout
    assert not (tmp_path / "output" / "规则调整影响.xlsx").exists()


def test_an_unchanged_item_moved_by_the_same_matter_rule_says_why(tmp_path):
    """C03's city award (J1-3, 2 points) shares its 同一事项标识 with an earlier county award (J1-4):
    at 3 points J1-4 becomes the higher one, so J1-3, not changed itself, adds 1 → 0. The console
    and 规则项目 say why, and item names are never cut."""
    inp = b.scored_county(tmp_path, PLAN, MONTHS[:3], tops=False)
    b.register(inp / "同一事项.xlsx", [
        {"id": "SM1", "cadre_id": "C03", "name": "干部C03", "month": "2026-01", "code": "J1-4", "matter": "防汛2026"},
        {"id": "SM2", "cadre_id": "C03", "name": "干部C03", "month": "2026-03", "code": "J1-3", "matter": "防汛2026"}])
    proposed = b.rulebook_points(tmp_path / "新规则.xlsx", {"J1-4": 3})
    proc = b.run_process(tmp_path, "compare", rulebook=proposed)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    items = {r["项目代码"]: r for r in b.table(tmp_path / "output" / "规则调整影响.xlsx", "规则项目", key="项目代码")}
    j13 = items["J1-3"]
    assert (j13["原分值"], j13["新分值"], j13["变动"]) == (2, 2, -1)        # C07's award and C03's: 3 → 2
    assert j13["说明"].startswith("本项目未调整；同一事项规则") and "J1-4" in j13["说明"]
    assert items["J1-4"]["说明"] == "本项目分值 1 → 3"
    assert not items["J1-2"]["说明"]
    name = items["J1-3"]["项目名称"]
    assert len(name) > 16
    line = next(x for x in proc.stdout.splitlines() if " J1-3 " in x)
    assert f"J1-3 {name}：3 → 2 分，涉及 1 人（本项目未调整；同一事项规则" in line
