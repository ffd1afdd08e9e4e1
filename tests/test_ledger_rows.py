"""The master ledger's rows read the scores' own base-cap allocation, so they add up to the year."""

from __future__ import annotations

import builders as b

from jifen.views import ledger_rows


def test_ledger_rows_add_up_to_the_annual_base_deduction(tmp_path):
    # A2 (cap 10) deducted 10 in February and 10 in May: each quarter loses 10, the year loses 10
    # (the cap applies within each period), and the ledger's rows say 10 and 0 with the reason.
    months = [f"2026-{m:02d}" for m in range(1, 13)]
    inp = tmp_path / "input"
    b.roster(inp / "干部名册.xlsx", [("K0001", "张明", "县财政局", "局长", "科级领导干部", "2020-01-01")])
    b.register(inp / "登记表.xlsx", [
        {"id": "R1", "cadre_id": "K0001", "name": "张明", "month": "2026-02", "code": "A2", "qty": 10},
        {"id": "R2", "cadre_id": "K0001", "name": "张明", "month": "2026-05", "code": "A2", "qty": 10},
    ] + [{"id": f"F{i}", "cadre_id": "K0001", "name": "张明", "month": m, "code": "J1-4"}
         for i, m in enumerate(months)])
    res = b.pipeline_run(tmp_path)
    scores = res.scores.set_index(["period", "cadre_id"])
    assert scores.loc[("2026Q1", "K0001"), "deduction"] == 10
    assert scores.loc[("2026Q2", "K0001"), "deduction"] == 10
    assert scores.loc[("2026", "K0001"), "deduction"] == 10
    rows = ledger_rows.ledger_frame(res.items, res.scored, res.roster, res.rulebook, 2026)
    base = rows[rows["项目代码"] == "A2"].set_index("事项ID")
    assert base.loc["R1", "计分分值"] == 10 and base.loc["R2", "计分分值"] == 0
    assert base.loc["R2", "差异说明"] == "子项 A2 本年度扣分已达上限 10 分"
    assert base["计分分值"].sum() == scores.loc[("2026", "K0001"), "deduction"]
