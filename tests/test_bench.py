"""The benchmark command works end to end at a tiny size (figures are reported, never asserted)."""

import json
import subprocess
import sys

from builders import ROOT


def test_bench_runs_and_reports_every_stage(tmp_path):
    out = tmp_path / "bench.json"
    proc = subprocess.run([sys.executable, str(ROOT / "process.py"), "bench", "--cadres", "12", "--months", "2",
                           "--json", str(out), "--output", str(tmp_path / "o")],
                          capture_output=True, text=True, encoding="utf-8", timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = json.loads(out.read_text("utf-8"))
    assert data["generated"]["declarations"] == 24
    for run in ("cold", "unchanged", "added_month"):
        assert data[run]["exit"] in (0, 1), data[run]
        assert data[run]["wall_s"] > 0
    assert data["cold"]["read"]["parsed"] == data["cold"]["read"]["files"] > 24
    assert data["cold"]["read"]["gate_cpu_s"] > 0 and data["cold"]["read"]["parse_cpu_s"] > 0
    assert "安全检查" in proc.stdout
    assert data["unchanged"]["unchanged"] is True and data["unchanged"]["read"] == {}
    assert data["added_month"]["read"]["parsed"] == 12 + 2   # the month's declarations, its register, its review list
    assert {"读取（安全检查+解析）", "计分", "排名", "写出：校验报告"} <= set(data["cold"]["timings"])
    assert data["baseline"]["files_opened"] == 24 and data["ratio_cold_to_baseline"] > 0
    assert "冷启动" in proc.stdout and "基线" in proc.stdout
    with_pdf = data["cold_with_soffice"]           # measured only where LibreOffice is installed
    if with_pdf is not None:
        assert with_pdf["exit"] in (0, 1) and with_pdf["pdf"]["pdfs"] == 2 and with_pdf["pdf"]["failed"] == []
        assert with_pdf["pdf"]["ready_s"] >= with_pdf["wall_s"] and data["ratio_cold_with_soffice_to_baseline"] > 0
        assert "装有 LibreOffice 的冷启动" in proc.stdout
    else:
        assert "未安装 LibreOffice" in proc.stdout
    share = data["new_outputs_share"]                # no quarter is complete: archives, no 告知单
    assert share["积分档案"] > 0 and share["告知单"] == 0 and 0 < share["share"] < 1
    assert "积分档案" in proc.stdout
    bad = data["bad_files"]
    assert bad is None or (bad["kinds"] >= 30 and bad["slowest"]["seconds"] >= 0)
