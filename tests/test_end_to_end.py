"""Run process.py on small generated input folders and read the outputs back."""

import subprocess
import sys

import builders as b
import openpyxl
import pytest
from builders import ROOT

ROSTER = [
    ("K0001", "张明", "县财政局", "局长", "科级领导干部", "2020-01-01"),
    ("K0002", "李华", "县财政局", "副局长", "科级领导干部", "2020-01-01"),
    ("K0003", "王伟", "城关镇", "镇长", "科级领导干部", "2020-01-01"),
    ("H0001", "王伟", "县教育局", "股长", "后备干部", "2020-01-01"),
]


def run(tmp_path, *args):
    out = tmp_path / "output"
    proc = subprocess.run([sys.executable, str(ROOT / "process.py"), *args, "--input", str(tmp_path / "input"),
                           "--output", str(out)], capture_output=True, text=True, encoding="utf-8")
    return proc, out


def rows(path, sheet, header_row):
    ws = openpyxl.load_workbook(path)[sheet]
    data = list(ws.iter_rows(values_only=True))
    header = data[header_row - 1]
    return [dict(zip(header, r)) for r in data[header_row:]]


@pytest.fixture
def county(tmp_path):
    inp = tmp_path / "input"
    b.roster(inp / "名册.xlsx", ROSTER, title="干部名册")
    for m in ("2026-01", "2026-02", "2026-03"):
        b.declaration(inp / f"申报/{m}/K0001.xlsx", "K0001", "张明", m,
                      [{"code": "J1-4", "qty": 1, "date": f"{m}-05"}] if m == "2026-03" else [])
    b.register(inp / "登记.xlsx", [
        {"id": "DJ1", "cadre_id": "K0002", "name": "李华", "month": "2026-02", "code": "J1-3"},
        {"id": "DJ2", "cadre_id": "K0003", "name": "王伟", "month": "2026-03", "code": "A1", "qty": 2},
        {"id": "DJ3", "cadre_id": "K9999", "name": "无名", "month": "2026-03", "code": "K4"},
    ])
    return tmp_path


def test_run_writes_report_and_ranking(county):
    proc, out = run(county)
    assert proc.returncode == 1, proc.stdout + proc.stderr      # one error: unknown cadre
    assert "相符" in proc.stdout
    report = rows(out / "校验报告.xlsx", "问题清单", 3)
    codes = {r["问题代码"] for r in report}
    assert "unknown-cadre" in codes
    bad = next(r for r in report if r["问题代码"] == "unknown-cadre")
    assert bad["文件"] == "登记.xlsx" and bad["单元格/行"] == "B5"
    annual = rows(out / "年度排名" / "2026年度积分排名（草稿，截至3月）.xlsx", "年度排名", 3)
    by_id = {r["干部编号"]: r for r in annual}
    assert by_id["K0002"]["年度积分"] == 102 and by_id["K0002"]["名次"] == 1
    assert by_id["K0003"]["年度积分"] == 98 and by_id["K0003"]["名次"] == 3
    assert by_id["K0001"]["年度积分"] == 100          # declared item awaits review
    assert by_id["H0001"]["排名分组"] == "后备干部"
    balance = rows(out / "校验报告.xlsx", "数量核对", 2)
    got = {r["项目"]: r["数量"] for r in balance}
    assert got["读到的事项行"] == 4 and got["计分"] == 2 and got["待审核"] == 1
    assert got["无效（校验未通过，见问题清单）"] == 1


def test_broken_rulebook_stops_before_reading(county, tmp_path):
    wb = openpyxl.load_workbook(b.RULEBOOK)
    wb["奖励加分"]["D3"] = "很多"
    wb["奖励加分"]["A5"] = "J1-1"
    bad = tmp_path / "bad.xlsx"
    wb.save(bad)
    proc, out = run(county, "--rulebook", str(bad))
    assert proc.returncode == 2
    assert "规则文件" in proc.stdout
    report = rows(out / "校验报告.xlsx", "问题清单", 3)
    cells = {(r["工作表"], r["单元格/行"], r["问题代码"]) for r in report}
    assert ("奖励加分", "D3", "rulebook-value") in cells
    assert ("奖励加分", "A5", "rulebook-duplicate-code") in cells
    assert not (out / "年度排名").exists()


def test_check_only_writes_the_report(county):
    proc, out = run(county, "check")
    assert proc.returncode == 1
    assert (out / "校验报告.xlsx").exists()
    assert not (out / "年度排名").exists()
