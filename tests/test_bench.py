"""The benchmark command works end to end at a tiny size (figures are reported, never asserted)."""

import json
import subprocess
import sys

from builders import ROOT

SCENARIOS = ("cold", "unchanged", "corrected_declaration", "review_decision", "added_month")


def test_bench_runs_and_reports_every_stage(tmp_path):
    out = tmp_path / "bench.json"
    proc = subprocess.run([sys.executable, str(ROOT / "process.py"), "bench", "--cadres", "20", "--months", "2",
                           "--json", str(out), "--output", str(tmp_path / "o")],
                          capture_output=True, text=True, encoding="utf-8", timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = json.loads(out.read_text("utf-8"))
    assert data["generated"]["declarations"] == 40
    assert [s["key"] for s in data["scenarios"]] == list(SCENARIOS)
    for run in SCENARIOS:
        assert data[run]["exit"] in (0, 1), data[run]
        assert data[run]["wall_s"] > 0 and data[run]["cpu_s"] > 0
        assert set(data[run]["cpu"]) == set(data[run]["timings"]) and data[run]["cpu"]["读取（安全检查+解析）"] > 0
        pss, rss = data[run]["peak_pss_sum_mb"], data[run]["peak_rss_sum_mb"]
        if sys.platform.startswith("linux"):
            assert 0 < pss <= rss and data[run]["peak_processes"] >= 1
        else:
            assert pss is None and rss is None
    assert data["cold"]["read"]["parsed"] == data["cold"]["read"]["files"] > 40
    assert data["cold"]["read"]["gate_cpu_s"] > 0 and data["cold"]["read"]["parse_cpu_s"] > 0
    assert data["cold"]["cpu"]["计分"] > 0 and data["cold"]["cpu"]["写出：积分总台账"] > 0
    assert "安全检查" in proc.stdout
    assert data["unchanged"]["unchanged"] is True and data["unchanged"]["read"] == {}
    corrected, review = data["corrected_declaration"], data["review_decision"]
    assert corrected["read"]["parsed"] == 1 and corrected["changed_file"] == "申报表/2026-01/K00000_2026-01.xlsx"
    assert review["read"]["parsed"] == 1 and review["changed_item"]
    assert not corrected["unchanged"] and not review["unchanged"]
    assert data["added_month"]["read"]["parsed"] == 20 + 2   # the month's declarations, its register, its review list
    assert {"读取（安全检查+解析）", "计分", "排名", "写出：校验报告"} <= set(data["cold"]["timings"])
    assert data["baseline"]["files_opened"] == 40 and data["ratio_cold_to_baseline"] > 0
    floor = data["reading_floor"]
    assert floor["files"] == 40 and floor["seconds"] > 0 and data["ratios"]["cold_to_floor"] > 0
    assert all(data["ratios"][f"{run}_to_cold"] > 0 for run in SCENARIOS[1:])
    assert data["targets"] == {"corrected_declaration_to_cold": 0.25, "review_decision_to_cold": 0.25,
                               "added_month_to_cold": 0.5}
    for run in SCENARIOS[2:]:      # never below a run that finds nothing changed
        assert data["ratios"][f"{run}_bound"] >= data["unchanged"]["wall_s"] > 0
        assert data["ratios"][f"{run}_bound_to_cold"] > 0
    for label in ("冷启动", "未变化", "更正一份申报", "一项审核结论", "加一个月", "基线", "读取下限", "PSS", "下限与冷启动之比"):
        assert label in proc.stdout
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


def test_the_sampler_sums_a_process_and_its_descendants():
    from jifen import proctree

    code = "import os, time\nif os.fork() == 0:\n    time.sleep(1.0)\n    os._exit(0)\ntime.sleep(1.0)\nos.wait()\n"
    child = subprocess.Popen([sys.executable, "-c", code])
    sampler = proctree.TreeSampler(child.pid)
    child.wait()
    peaks = sampler.stop()
    if not proctree.available():
        assert peaks["peak_pss_sum_mb"] is None
        return
    assert peaks["peak_processes"] == 2 and 0 < peaks["peak_pss_sum_mb"] <= peaks["peak_rss_sum_mb"]


def test_the_lower_bound_is_a_run_finding_nothing_changed_plus_the_output_jobs_spread_over_the_cores():
    from jifen.bench import lower_bound

    unchanged = {"wall_s": 0.5}
    run = {"cpu": {"读取（安全检查+解析）": 0.4, "校验与审核结论": 1.0, "写出：待审核清单": 1.2, "写出：积分总台账": 1.0,
                   "写出：校验报告": 0.6, "写出：生成全部文件（并行）": 0.2, "写出：落盘": 0.05, "写出：总览": 0.3}}
    # the three jobs: 1.2 + 1.0 + 0.6 = 2.8 s of CPU; the stage totals, the commit and the overview are not jobs
    assert lower_bound(unchanged, run, 2) == 0.5 + 1.4
    assert lower_bound(unchanged, run, 1) == 0.5 + 2.8
    assert lower_bound({}, run, 2) is None and lower_bound(unchanged, {}, 2) is None
