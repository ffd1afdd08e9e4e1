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


def draft_mark(period) -> str:
    """（草稿，截至N月） for an incomplete period: its notice must not pass for a formal one."""
    return "" if period.complete else f"（草稿，截至{int(period.last_data_month[5:7])}月）"


def notice_paths(output_dir: Path, period, mark: str | None = None) -> tuple[Path, Path]:
    """The notice and its attachment (the annual ranking for a year); an incomplete period's
    names carry 草稿 (`mark` gives the names with another mark, "" = the formal ones)."""
    mark = draft_mark(period) if mark is None else mark
    if period.kind == "quarter":
        base = output_dir / "季度通报" / f"{period.year}年第{period.quarter}季度"
    else:
        base = output_dir / "年度排名" / f"{period.year}年度"
    return Path(f"{base}积分情况通报{mark}.docx"), Path(f"{base}积分排名{mark}.xlsx")


def superseded(output_dir: Path, period) -> list[Path]:
    """The other names this period's notice and attachment (and the notice's PDF) had or may
    have had: the formal ones while it is a draft, a draft as of another month, the drafts once
    it is complete. A run removes the ones it made (outputs/__init__.py)."""
    current = set(notice_paths(output_dir, period))
    marks = [""] + [f"（草稿，截至{m}月）" for m in range(1, 13)]
    out = []
    for mark in marks:
        for p in notice_paths(output_dir, period, mark):
            if p not in current:
                out.append(p)
                if p.suffix == ".docx":
                    out.append(p.with_suffix(".pdf"))
    return out


def write_quarter_attachment(res, log, period, extra_sheets=()) -> None:
    _, path = notice_paths(res.options.output_dir, period)
    draft = period.draft
    df = quarter_frame(res.ranks, period)
    if log.reuse(path, (period, df, list(extra_sheets), common.mark(res), common.stamp(res))):
        return
    book = Book(f"{period.title}积分排名{draft}", mark=common.mark(res), stamp=common.stamp(res))
    tints = ["good" if b == "先进" else "bad" if b == "末位" else "" for b in df["等次"]]
    county = res.rulebook.params["县名"]
    write_table(book, book.sheet("季度排名"), df, title=f"{county}县{period.title}日常积分排名（通报附件{'，草稿' if draft else ''}）",
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
    if log.reuse(path, (ctx, common.stamp(res))):
        return path
    try:
        data = docx_render.render(TEMPLATES / NOTICE_TEMPLATE, ctx, common.stamp(res))
    except docx_render.TemplateError as exc:
        log.failed.append((log.rel(path), str(exc)))
        return None
    return path if log.write(path, data) else None


def remove_superseded(res, log, recorded: dict) -> list[str]:
    """Remove the notices, attachments and PDFs this program made under a period's other names
    (a draft once the period is complete, …) → their relative paths. Only periods written in
    this run, and only files as we wrote them: a file a clerk changed or made stays."""
    from jifen.outputs import pdf, state

    out = res.options.output_dir
    made_pdfs = pdf.load_status(out)["made"]
    gone = []
    for period in res.periods:
        if period.kind not in ("quarter", "year") or not any(
                log.rel(p) in log.hashes for p in notice_paths(out, period)):
            continue
        for path in superseded(out, period):
            rel = log.rel(path)
            try:
                if not path.is_file():
                    continue
                ours = rel in made_pdfs if path.suffix == ".pdf" else \
                    state.sha256_path(path) in state.known(recorded, rel)
                if ours:
                    path.unlink()
                    gone.append(rel)
            except OSError:
                continue        # held open: removed by a later run
    return gone
