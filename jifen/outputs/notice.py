"""季度通报/ and 年度排名/ notices: the Word notice (public) and the ranking attachment (internal)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from jifen.outputs import common, docx_render
from jifen.outputs.xlsx import Book, write_table
from jifen.pipeline_paths import TEMPLATES
from jifen.rules import ranking
from jifen.views import notices

NOTICE_TEMPLATE = "积分情况通报.docx"
QUARTER_COLUMNS = ["排名分组", "名次", "干部编号", "姓名", "单位", "职务", "季度积分", "等次", "备注"]


def quarter_frame(ranks: pd.DataFrame, period) -> pd.DataFrame:
    q = ranks[ranks["period"] == period.key].copy()
    order = {g: i for i, g in enumerate(ranking.group_order(set(q["group"])))}
    q["_g"] = q["group"].map(order)
    q = q.sort_values(["_g", "rank", "cadre_id"], kind="stable", na_position="last")
    return pd.DataFrame({
        "排名分组": q["group"], "名次": [None if pd.isna(v) else int(v) for v in q["rank"]],
        "干部编号": q["cadre_id"], "姓名": q["name"], "单位": q["unit"], "职务": q["post"],
        "季度积分": q["score"].map(common.num), "等次": q["band"], "备注": q["note"]}, columns=QUARTER_COLUMNS)


def notice_paths(output_dir: Path, period) -> tuple[Path, Path]:
    if period.kind == "quarter":
        base = output_dir / "季度通报" / f"{period.year}年第{period.quarter}季度"
        return Path(f"{base}积分情况通报.docx"), Path(f"{base}积分排名.xlsx")
    base = output_dir / "年度排名" / f"{period.year}年度"
    return Path(f"{base}积分情况通报.docx"), Path(f"{base}积分排名.xlsx")


def write_quarter_attachment(res, log, period, extra_sheets=()) -> None:
    _, path = notice_paths(res.options.output_dir, period)
    book = Book(f"{period.title}积分排名", mark=common.mark(res), stamp=common.stamp(res))
    df = quarter_frame(res.ranks, period)
    tints = ["good" if b == "先进" else "bad" if b == "末位" else "" for b in df["等次"]]
    county = res.rulebook.params["县名"]
    write_table(book, book.sheet("季度排名"), df, title=f"{county}县{period.title}日常积分排名（通报附件）",
                subtitle=common.stamp(res), row_formats=tints,
                widths={"排名分组": 12, "名次": 6, "干部编号": 10, "姓名": 9, "单位": 22, "职务": 16, "备注": 40},
                wrap={"备注"})
    for name, frame, title in extra_sheets:
        write_table(book, book.sheet(name), frame, title=title, subtitle=common.stamp(res), wrap={"依据"},
                    widths={"依据": 50})
    log.write(path, book.close())


def write_notice(res, log, period, corrections=None) -> Path | None:
    path, _ = notice_paths(res.options.output_dir, period)
    ctx = notices.notice_context(period, res.ranks, res.items, res.rulebook, corrections)
    try:
        data = docx_render.render(TEMPLATES / NOTICE_TEMPLATE, ctx, common.stamp(res))
    except docx_render.TemplateError as exc:
        log.failed.append((log.rel(path), str(exc)))
        return None
    return path if log.write(path, data) else None
