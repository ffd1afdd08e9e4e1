"""年度排名/YYYY年度积分排名.xlsx (内部资料): the workbook leaders receive by email.

Sheets: 年度排名, 先进人员, 末位人员, 季度汇总, 结果运用, 单位统计, 分布图 (native charts), 说明
(how and with what it was computed), 弄虚作假事项 (only when there are any).
"""

from __future__ import annotations

import pandas as pd

from jifen import __version__
from jifen.outputs import common
from jifen.outputs.xlsx import Book, fit_row, write_table
from jifen.rules import cadres, ranking, reviews
from jifen.rules_default import PARAMETERS

ANNUAL_COLUMNS = ["排名分组", "名次", "干部编号", "姓名", "单位", "职务", "基础分", "加分", "扣分", "年度积分",
                  "等次", "一季度名次", "二季度名次", "三季度名次", "四季度名次", "备注"]
QCN = "一二三四"


def score_bins(base: float) -> list[tuple[float, float, str]]:
    """Histogram bins around the rulebook's base score: 5-point steps, the base score alone."""
    b, n = float(base), common.num

    def label(lo, hi):
        return f"{n(lo)}～{n(hi)}分"
    return [(-1e9, b - 10, f"{n(b - 10)}分以下"), (b - 10, b - 5, label(b - 10, b - 5)),
            (b - 5, b, label(b - 5, b)), (b, b + 0.0001, f"{n(b)}分"), (b + 0.0001, b + 5, label(b, b + 5)),
            (b + 5, b + 10, label(b + 5, b + 10)), (b + 10, 1e9, f"{n(b + 10)}分及以上")]


def _rank_value(v):
    return None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else int(v)


def _ordered(df: pd.DataFrame) -> pd.DataFrame:
    order = {g: i for i, g in enumerate(ranking.group_order(set(df["group"])))}
    return df.assign(_g=df["group"].map(order)).sort_values(["_g", "rank", "cadre_id"], kind="stable",
                                                            na_position="last").drop(columns="_g")


def annual_frame(ranks: pd.DataFrame, period) -> pd.DataFrame:
    """The 年度排名 sheet's rows: groups in order, ranked first, then the unranked."""
    year = _ordered(ranks[ranks["period"] == period.key])
    quarters = {q: year["cadre_id"].map(ranks[ranks["period"] == f"{period.year}Q{q}"].set_index("cadre_id")["rank"])
                for q in range(1, 5)}
    return pd.DataFrame({
        "排名分组": year["group"], "名次": [_rank_value(v) for v in year["rank"]],
        "干部编号": year["cadre_id"], "姓名": year["name"], "单位": year["unit"], "职务": year["post"],
        "基础分": year["base"].map(common.num), "加分": year["bonus"].map(common.num),
        "扣分": year["penalty"].map(common.num), "年度积分": year["score"].map(common.num),
        "等次": year["band"],
        **{f"{QCN[q - 1]}季度名次": [_rank_value(v) for v in quarters[q]] for q in range(1, 5)},
        "备注": year["note"],
    }, columns=ANNUAL_COLUMNS)


def quarter_summary(ranks: pd.DataFrame, period) -> pd.DataFrame:
    year = _ordered(ranks[ranks["period"] == period.key])
    out = pd.DataFrame({"排名分组": year["group"], "干部编号": year["cadre_id"], "姓名": year["name"],
                        "单位": year["unit"]})
    for q in range(1, 5):
        qr = ranks[ranks["period"] == f"{period.year}Q{q}"].set_index("cadre_id")
        ids = year["cadre_id"]
        out[f"{QCN[q - 1]}季度积分"] = ids.map(qr["score"]).map(lambda v: None if pd.isna(v) else common.num(v)).values
        out[f"{QCN[q - 1]}季度名次"] = [_rank_value(v) for v in ids.map(qr["rank"])]
        bands = ids.map(qr["band"]).astype(object)
        out[f"{QCN[q - 1]}季度等次"] = bands.where(bands.notna(), "").values
    out["年度积分"] = year["score"].map(common.num).values
    out["年度等次"] = year["band"].values
    return out.reset_index(drop=True)


def unit_stats(ranks: pd.DataFrame, period, roster: pd.DataFrame) -> pd.DataFrame:
    """One row per unit with ranked cadres, units in roster order."""
    year = cadres.sort_by_unit(ranks[(ranks["period"] == period.key) & ranks["ranked"]], "unit", roster)
    rows = []
    for unit, g in year.groupby("unit", sort=False):
        rows.append({"单位": unit, "参加排名人数": len(g), "平均积分": common.num(round(g["score"].mean(), 2)),
                     "最高分": common.num(g["score"].max()), "最低分": common.num(g["score"].min()),
                     "先进人数": int((g["band"] == ranking.TOP).sum()),
                     "末位人数": int((g["band"] == ranking.BOTTOM).sum())})
    return pd.DataFrame(rows, columns=["单位", "参加排名人数", "平均积分", "最高分", "最低分", "先进人数", "末位人数"])


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


def method_frame(res, period) -> pd.DataFrame:
    p = res.rulebook.params
    top, low = f"{round(p['先进比例'] * 100):g}%", f"{round(p['末位比例'] * 100):g}%"
    lines = [
        ("程序版本", __version__),
        ("规则文件 SHA-256", res.rulebook.sha256),
        ("期间", period.title + ("" if period.complete else "（年度不完整，年度末位不计入连续年度的结果运用）")),
        ("积分计算", "年度积分 = 基础分（扣减基础积分子项，每子项年度扣分不超过其上限）+ 奖励加分 − 惩戒扣分；同一事项全年按最高分值计一次。"),
        ("排名", "在各排名分组内按年度积分从高到低排名，积分相同的名次相同（如 1、2、2、4），同分者按干部编号排列。"),
        ("先进、末位名额", f"名额 = 参加排名人数 × 比例（先进 {top}、末位 {low}），按十进制四舍五入，且不少于最少人数 {p['最少人数']} 人。"),
        ("并列", "名额边界上的并列全部计入（备注“并列超额”），但全部计入后超过名额两倍的，该并列人员都不列入"
                 "（备注“并列人数过多，由县委组织部研究确定”）；并列人员同时落入先进和末位的，均不确定（备注“并列无法区分”）；"
                 "全组积分相同的，不确定先进和末位。"),
        ("先进分数线", f"积分高于 {common.num(float(res.rulebook.top_line))} 分才可能列为先进（先进须有工作实绩：没有加分的干部不列为先进）。"),
        ("末位分数线", f"积分低于 {common.num(float(res.rulebook.bottom_line))} 分才可能列为末位（没有被扣分的干部不列为末位）。"),
        ("参加排名条件", f"期末在册，且年度内在册满 {p['年度最少在册月数']} 个月（季度满 {p['季度最少在册月数']} 个月），以月末在册为准。"),
    ]
    return pd.DataFrame(lines, columns=["项目", "内容"])


def _charts(book: Book, ws, ranks: pd.DataFrame, period, base: float) -> None:
    year = ranks[(ranks["period"] == period.key) & ranks["ranked"]]
    groups = ranking.group_order(set(year["group"]))
    bins = score_bins(base)
    ws.write_string(0, 0, "积分分布（人数）", book.fmt["bold"])
    ws.write_string(1, 0, "分数段", book.fmt["head"])
    for j, g in enumerate(groups):
        ws.write_string(1, j + 1, g, book.fmt["head"])
    for i, (lo, hi, label) in enumerate(bins):
        ws.write_string(2 + i, 0, label, book.fmt["text"])
        for j, g in enumerate(groups):
            s = year[year["group"] == g]["score"]
            ws.write_number(2 + i, j + 1, int(((s >= lo) & (s < hi)).sum()), book.fmt["int"])
    dist = book.wb.add_chart({"type": "column"})
    for j in range(len(groups)):
        dist.add_series({"name": ["分布图", 1, j + 1], "categories": ["分布图", 2, 0, 1 + len(bins), 0],
                         "values": ["分布图", 2, j + 1, 1 + len(bins), j + 1]})
    dist.set_title({"name": f"{period.title}积分分布"})
    dist.set_y_axis({"name": "人数"})
    dist.set_size({"width": 620, "height": 320})
    ws.insert_chart(1, len(groups) + 2, dist)
    top = 4 + len(bins)
    ws.write_string(top, 0, "各季度平均积分", book.fmt["bold"])
    ws.write_string(top + 1, 0, "季度", book.fmt["head"])
    for j, g in enumerate(groups):
        ws.write_string(top + 1, j + 1, g, book.fmt["head"])
    for q in range(1, 5):
        ws.write_string(top + 1 + q, 0, f"第{q}季度", book.fmt["text"])
        qr = ranks[(ranks["period"] == f"{period.year}Q{q}") & ranks["ranked"]]
        for j, g in enumerate(groups):
            s = qr[qr["group"] == g]["score"]
            if len(s):
                ws.write_number(top + 1 + q, j + 1, round(float(s.mean()), 2), book.fmt["num"])
            else:
                ws.write_blank(top + 1 + q, j + 1, None, book.fmt["num"])
    trend = book.wb.add_chart({"type": "line"})
    for j in range(len(groups)):
        trend.add_series({"name": ["分布图", top + 1, j + 1], "categories": ["分布图", top + 2, 0, top + 5, 0],
                          "values": ["分布图", top + 2, j + 1, top + 5, j + 1], "marker": {"type": "circle"}})
    trend.set_title({"name": f"{period.year}年各季度平均积分"})
    trend.set_size({"width": 620, "height": 320})
    ws.insert_chart(top + 8, len(groups) + 2, trend)
    ws.set_column(0, 0, 14)
    ws.set_column(1, len(groups), 14)


# column widths chosen so that each sheet prints one landscape A4 page wide at full size (10 pt):
# (9 pt or more when fitted): quarter columns are narrow, their headers on two lines, long text wraps
ANNUAL_WIDTHS = {"排名分组": 12, "名次": 5, "干部编号": 9, "姓名": 8, "单位": 16, "职务": 10, "基础分": 6, "加分": 5,
                 "扣分": 5, "年度积分": 6, "等次": 5, **{f"{q}季度名次": 7 for q in QCN}, "备注": 24}
SUMMARY_WIDTHS = {"排名分组": 12, "干部编号": 8, "姓名": 8, "单位": 14, "年度积分": 7, "年度等次": 7,
                  **{f"{q}季度{what}": 7 for q in QCN for what in ("积分", "名次", "等次")}}
NOTES_WIDTHS = (18, 22, 52)       # 说明 (portrait): 项目/参数, 取值, 内容/说明


def write_notes(book: Book, ws, res, period) -> None:
    """说明: how the figures were made (program version and rulebook fingerprint included) and
    the parameters, on one portrait page; the input file list is in 运行清单.xlsx."""
    fmt = book.fmt
    width = NOTES_WIDTHS[1] + NOTES_WIDTHS[2]
    ws.merge_cells(0, 0, 0, 2, "计分和排名说明", fmt["title"])
    ws.row_height(0, 24)
    ws.put(1, 0, "项目", fmt["head"])
    ws.merge_cells(1, 1, 1, 2, "内容", fmt["head"])
    n_inputs = len(res.files) + len(res.skipped)
    lines = list(method_frame(res, period).itertuples(index=False)) + [
        ("输入文件", f"共 {n_inputs} 个；文件名及各自的 SHA-256 见 output 文件夹中的“运行清单.xlsx”。")]
    r = 2
    for item, text in lines:
        ws.put(r, 0, item, fmt["text"])
        ws.merge_cells(r, 1, r, 2, text, fmt["wrap"])
        fit_row(ws, r, [text], [width], [0])
        r += 1
    write_table(book, ws, params_frame(res.rulebook), title="计分参数", start_row=r + 1, autofilter=False,
                freeze=False, repeat=False, wrap={"取值", "说明"},
                widths=dict(zip(("参数", "取值", "说明"), NOTES_WIDTHS)))


def write_annual(res, log, period) -> None:
    from jifen.outputs.notice import notice_paths

    path = notice_paths(res.options.output_dir, period)[1]
    year_ranks = res.ranks[res.ranks["period"].str.startswith(str(period.year))]
    fraud = res.items[(res.items["reject_reason"] == reviews.FRAUD) & (res.items["year"] == period.year)]
    if log.reuse(path, (period, year_ranks, res.proposals.get(period.year), res.roster,
                        fraud[["item_id", "cadre_id", "name", "code", "desc", "decision"]],
                        len(res.files) + len(res.skipped), common.mark(res), common.stamp(res))):
        return
    draft = period.draft
    book = Book(f"{period.year}年度积分排名{draft}", mark=common.mark(res), stamp=common.stamp(res))
    df = annual_frame(res.ranks, period)
    tints = ["good" if b == "先进" else "bad" if b == "末位" else "" for b in df["等次"]]
    county = res.rulebook.params["县名"]
    sub = "计分方法、参数、程序版本和规则文件指纹见“说明”表"
    write_table(book, book.sheet("年度排名"), df, title=f"{county}县科级领导干部及后备干部{period.title}日常积分排名{draft}",
                subtitle=sub, row_formats=tints, widths=ANNUAL_WIDTHS, wrap={"单位", "职务", "备注"})
    for band, name in ((ranking.TOP, "先进人员"), (ranking.BOTTOM, "末位人员")):
        part = df[df["等次"] == band][["排名分组", "名次", "干部编号", "姓名", "单位", "职务", "年度积分", "备注"]]
        write_table(book, book.sheet(name), part, title=f"{period.title}{name}名单（按排名分组）", subtitle=sub,
                    widths={"单位": 22, "职务": 14, "备注": 36}, wrap={"备注"})
    write_table(book, book.sheet("季度汇总"), quarter_summary(res.ranks, period),
                title=f"{period.year}年各季度积分、名次和等次", subtitle=sub, widths=SUMMARY_WIDTHS, wrap={"单位"})
    props = res.proposals.get(period.year, pd.DataFrame(columns=["干部编号", "姓名", "结果", "依据", "期间"]))
    write_table(book, book.sheet("结果运用"), props[["干部编号", "姓名", "结果", "依据"]],
                title=f"{period.title}积分结果运用建议（供县委组织部研究）", subtitle=sub,
                widths={"结果": 16, "依据": 70}, wrap={"依据"})
    write_table(book, book.sheet("单位统计"), unit_stats(res.ranks, period, res.roster), title=f"{period.title}各单位积分统计",
                subtitle=sub, widths={"单位": 22})
    _charts(book, book.sheet("分布图"), res.ranks, period, float(res.rulebook.base_score))
    write_notes(book, book.sheet("说明", landscape=False), res, period)
    if len(fraud):
        fraud_df = pd.DataFrame({"事项ID": fraud["item_id"], "干部编号": fraud["cadre_id"], "姓名": fraud["name"],
                                 "项目代码": fraud["code"], "事项说明": fraud["desc"], "审核依据": fraud["decision"]})
        write_table(book, book.sheet("弄虚作假事项"), fraud_df, title=f"{period.year}年审核认定为弄虚作假的事项",
                    subtitle=sub, widths={"事项说明": 30, "审核依据": 50}, wrap={"事项说明", "审核依据"})
    log.write(path, book.close())
