"""年度排名/YYYY年度积分排名.xlsx (内部资料): the annual ranking leaders receive."""

from __future__ import annotations

import pandas as pd

from jifen import ranking
from jifen.outputs import common
from jifen.outputs.xlsx import Book, write_table
from jifen.rules_default import PARAMETERS

ANNUAL_COLUMNS = ["排名分组", "名次", "干部编号", "姓名", "单位", "职务", "基础分", "加分", "扣分", "年度积分",
                  "等次", "一季度名次", "二季度名次", "三季度名次", "四季度名次", "备注"]


def _rank_value(v):
    return None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else int(v)


def annual_frame(ranks: pd.DataFrame, period) -> pd.DataFrame:
    """The 年度排名 sheet's rows: groups in order, ranked first, then the unranked."""
    year = ranks[ranks["period"] == period.key].copy()
    order = {g: i for i, g in enumerate(ranking.group_order(set(year["group"])))}
    year["_g"] = year["group"].map(order)
    year = year.sort_values(["_g", "rank", "cadre_id"], kind="stable", na_position="last")
    quarters = {}
    for q in range(1, 5):
        qr = ranks[ranks["period"] == f"{period.year}Q{q}"].set_index("cadre_id")["rank"]
        quarters[q] = year["cadre_id"].map(qr)
    return pd.DataFrame({
        "排名分组": year["group"], "名次": [_rank_value(v) for v in year["rank"]],
        "干部编号": year["cadre_id"], "姓名": year["name"], "单位": year["unit"], "职务": year["post"],
        "基础分": year["base"].map(common.num), "加分": year["bonus"].map(common.num),
        "扣分": year["penalty"].map(common.num), "年度积分": year["score"].map(common.num),
        "等次": year["band"],
        **{f"{c}季度名次": [_rank_value(v) for v in quarters[q]] for q, c in zip(range(1, 5), "一二三四")},
        "备注": year["note"],
    }, columns=ANNUAL_COLUMNS)


def params_frame(rulebook) -> pd.DataFrame:
    rows = []
    for p in PARAMETERS:
        v = rulebook.params.get(p.name)
        if isinstance(v, bool):
            v = "是" if v else "否"
        elif isinstance(v, list):
            v = "、".join(v)
        elif v is None:
            v = "（空）"
        rows.append({"参数": p.name, "取值": str(common.num(v)) if not isinstance(v, str) else v, "说明": p.note})
    rows.append({"参数": "规则文件 SHA-256", "取值": rulebook.sha256, "说明": "规则文件的指纹，用于核对计分所依据的规则版本"})
    return pd.DataFrame(rows)


def write_annual(res, period, log) -> None:
    book = Book(f"{period.year}年度积分排名", internal=True, stamp=common.stamp(res))
    df = annual_frame(res.ranks, period)
    tints = ["good" if b == "先进" else "bad" if b == "末位" else "" for b in df["等次"]]
    ws = book.sheet("年度排名")
    county = res.rulebook.params["县名"]
    write_table(book, ws, df, title=f"{county}县科级领导干部及后备干部{period.title}日常积分排名",
                subtitle=f"内部资料　{common.stamp(res)}", row_formats=tints,
                widths={"排名分组": 12, "名次": 6, "干部编号": 10, "姓名": 9, "单位": 22, "职务": 14,
                        "备注": 36}, wrap={"备注"})
    ws = book.sheet("说明")
    write_table(book, ws, params_frame(res.rulebook), title="计分参数", autofilter=False,
                widths={"参数": 18, "取值": 30, "说明": 80}, wrap={"说明"})
    out = res.options.output_dir / "年度排名" / f"{period.year}年度积分排名.xlsx"
    log.write(out, book.close())
