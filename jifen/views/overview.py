"""总览.html's content (pure): what a run found, as summaries a clerk reads in one page.

Everything here is plain data for the jinja2 template; nothing reads or writes files. Links are
made by a `link(path) -> href | None` callable the writer passes in (None: no such file, so no
link). The page stays light for a large county: counts, distributions and short lists, with
links to the workbooks that hold the full tables.

`record(res)` is what the next run compares with (scores, ranks, bands, problems), so the
page can say what changed since the previous run.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from jifen import normalize
from jifen.rules import cadres, checks, consequences, ranking

MAX_FILES = 300          # problem files listed on the page; the rest are in 校验报告
MAX_CHANGES = 60         # moved cadres listed per period
MAX_PROBLEM_CHANGES = 60
MAX_BAND_ROWS = 400      # 先进 / 末位 names per group and period
GLOBAL_FILE = "（全局，不属于某个文件）"     # where a problem that names no file is listed
RECORD_VERSION = 1

STATUS_TEXT = {0: ("完成", "ok"), 1: ("完成，但有错误需要处理", "warn"), 2: ("未能全部完成", "bad")}
# what the exit status means, for the clerk who never sees one (README §三)
STATUS_MEANING = {0: "没有“错误”级问题，结果全部写出（可以有警告）",
                  1: "发现“错误”级问题，结果仍全部写出；有错误的事项没有计分，按校验报告的处理建议改正后重新运行",
                  2: "有输出未能写入或运行未完成，见下面的说明"}
# the file counts of Result.balance(), as 校验报告's 数量核对 names them (the parts add up to the total)
FILE_COUNTS = [("files_total", "文件总数"), ("files_read", "已读取"), ("files_rejected", "无法读取或未识别"),
               ("files_evidence", "佐证材料"), ("files_skipped", "跳过")]


def _n(v) -> str:
    return "" if v is None or (isinstance(v, float) and v != v) else str(normalize.shown(v))


def _rank(v):
    return None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else int(v)


# --- status and balance ---------------------------------------------------------------------


def status(res) -> dict:
    b = res.balance()
    n_err = len(res.errors)
    text, cls = STATUS_TEXT[res.exit_code]
    return {
        "code": res.exit_code, "text": text, "meaning": STATUS_MEANING[res.exit_code], "cls": cls, "fatal": list(res.fatal),
        "errors": n_err, "warnings": len(res.problems) - n_err,
        "files": [{"key": k, "label": label, "n": b[k]} for k, label in FILE_COUNTS if k in b],
        "counts": {"items_read": b["items_read"], **{s: b[s] for s in checks.STATUSES}},
        "items_ok": b["items_read"] == sum(b[s] for s in checks.STATUSES),
        "files_ok": b["files_total"] == sum(b[k] for k, _ in FILE_COUNTS[1:] if k in b),
        "failed": [{"path": p, "message": m} for p, m in (res.log.failed if res.log else [])],
        "notes": [n for n in res.notes if n],
    }


# --- problems by unit and file ----------------------------------------------------------------


def _unit_of_cadre(roster: pd.DataFrame) -> dict:
    if roster is None or roster.empty:
        return {}
    last = roster.sort_values(["cadre_id", "start_d"], kind="stable").drop_duplicates("cadre_id", keep="last")
    return dict(zip(last["cadre_id"], last["unit"]))


def file_units(res) -> dict:
    """File → the unit it belongs to: a declaration's cadre's unit (roster first, then the
    unit written on the form); organisation files (roster, registers, reviews) by their kind."""
    units = _unit_of_cadre(res.roster)
    out = {}
    for d in res.declarations:
        out.setdefault(d["file"], units.get(d["cadre_id"]) or d.get("unit") or "")
    for f in res.files:
        if f.path not in out or not out[f.path]:
            kinds = "、".join(dict.fromkeys(f.kinds))
            out[f.path] = f"组织部材料（{kinds}）" if kinds and "申报表" not in kinds else ""
    return out


def problems_by_unit(res, link) -> dict:
    """Units → files with their error and warning counts and first message, each file linked."""
    units_of_file = file_units(res)
    cadre_unit = _unit_of_cadre(res.roster)
    # file → [errors, warnings, first message, whether it is an error's, smallest cadre ID]: a
    # list, not a dict with a set of cadres (a province's ~100,000 files with problems held
    # ~100 MB of those at the overview, the run's last and, with two years, its highest peak)
    per_file: dict[str, list] = {}
    for p in res.problems:
        f = per_file.get(p.file)
        if f is None:
            f = per_file[p.file] = [0, 0, "", False, ""]
        f[0 if p.is_error else 1] += 1
        if not f[2] or (p.is_error and not f[3]):
            where = "，".join(x for x in (p.sheet, p.cell) if x)
            f[2] = f"{where}：{p.message}" if where else p.message
            f[3] = p.is_error
        if p.cadre_id and (not f[4] or p.cadre_id < f[4]):
            f[4] = p.cadre_id
    units: dict[str, dict] = {}
    for name, (errors, warnings, first, _, cadre) in per_file.items():
        unit = units_of_file.get(name, "")
        if not unit and cadre:
            unit = cadre_unit.get(cadre, "")
        if not name:
            unit = "（全局）"
        unit = unit or "（未能确定单位）"
        u = units.setdefault(unit, {"unit": unit, "errors": 0, "warnings": 0, "files": []})
        u["errors"] += errors
        u["warnings"] += warnings
        u["files"].append((name or GLOBAL_FILE, name, errors, warnings, first))
    ordered = sorted(units.values(), key=lambda u: (-u["errors"], -u["warnings"], u["unit"]))
    shown, total = 0, sum(len(u["files"]) for u in ordered)
    for u in ordered:
        files = sorted(u["files"], key=lambda f: (-f[2], -f[3], f[0]))
        room = max(0, MAX_FILES - shown)
        u["more"] = max(0, len(files) - room)
        # only the files shown are linked (a county may have thousands)
        rows = [{"path": path, "errors": errors, "warnings": warnings, "first": first,
                 "href": link(name) if name else None} for path, name, errors, warnings, first in files[:room]]
        shown += len(rows)
        # files with errors first and open; warning-only files folded (evidence notes can be many)
        u["warned"] = [f for f in rows if not f["errors"]]
        u["files"] = [f for f in rows if f["errors"]]
    return {"units": ordered, "n_files": total, "n_shown": shown}


# --- submissions ----------------------------------------------------------------------------


def submission_matrix(res, year: int, link_month) -> dict:
    """Unit × month: declaration forms handed in by the cadres on the roster at month end."""
    months = sorted({d["month"] for d in res.declarations if d["month"] and d["month"].startswith(f"{year}-")}
                    | {p.key for p in res.periods if p.kind == "month" and p.year == year})
    if not months or res.roster is None or res.roster.empty:
        return {"months": [], "rows": [], "complete": []}
    handed = {(d["cadre_id"], d["month"]) for d in res.declarations if d["month"] in months}
    cells: dict[str, dict] = {}
    totals = []
    for m in months:
        on = cadres.as_of(res.roster, normalize.month_end(m))
        done = pd.Series([(cid, m) in handed for cid in on.index], index=on.index, dtype=bool)
        g = pd.DataFrame({"unit": on["unit"], "done": done}).groupby("unit")["done"]
        size, sums = g.size(), g.sum()
        for unit in size.index:
            cells.setdefault(unit, {})[m] = (int(sums[unit]), int(size[unit]))
        totals.append({"declared": int(done.sum()), "due": len(on), "missing": int(len(on) - done.sum())})
    rows = []
    order = cadres.unit_order(res.roster)       # the department's own order of its units
    for unit in sorted(cells, key=lambda u: (order.get(u, len(order)), u)):
        row = []
        for m in months:
            declared, due = cells[unit].get(m, (0, 0))
            row.append({"declared": declared, "due": due, "missing": due - declared,
                        "cls": "" if due == 0 else ("ok" if declared == due else ("bad" if declared == 0 else "warn"))})
        rows.append({"unit": unit, "cells": row, "missing": sum(c["missing"] for c in row)})
    # units with forms missing first (most missing on top); the complete ones folded below
    rows.sort(key=lambda r: -r["missing"])
    return {"months": [{"key": m, "label": f"{int(m[5:7])}月", "href": link_month(m)} for m in months],
            "rows": [r for r in rows if r["missing"]], "complete": [r for r in rows if not r["missing"]],
            "totals": totals}



# --- distributions and bands ------------------------------------------------------------------


NICE_WIDTHS = (0.5, 1, 2, 5, 10, 20, 50)


def histogram(scores: pd.Series, bands: pd.Series, max_bins: int = 24) -> dict:
    """Scores → bins of a nice width, each split into 先进 / 末位 / other counts (for an SVG)."""
    if scores.empty:
        return {"bins": [], "max": 0}
    lo, hi = float(scores.min()), float(scores.max())
    width = next((w for w in NICE_WIDTHS if (hi - lo) / w < max_bins), NICE_WIDTHS[-1])
    start = math.floor(lo / width) * width
    n = int((hi - start) // width) + 1
    idx = ((scores.astype(float) - start) // width).astype(int).clip(0, n - 1)
    bins = []
    for i in range(n):
        inside = idx == i
        top = int((inside & (bands == ranking.TOP)).sum())
        bottom = int((inside & (bands == ranking.BOTTOM)).sum())
        bins.append({"from": _n(start + i * width), "to": _n(start + (i + 1) * width),
                     "top": top, "bottom": bottom, "other": int(inside.sum()) - top - bottom})
    return {"bins": bins, "max": max(b["top"] + b["bottom"] + b["other"] for b in bins), "width": _n(width)}


def svg_bars(hist: dict, w: int = 440, h: int = 150) -> dict:
    """Geometry for the template's inline SVG: stacked bars, labels every few bins."""
    bins, top = hist["bins"], max(1, hist["max"])
    if not bins:
        return {"w": w, "h": h, "bars": [], "labels": []}
    left, bottom_pad, plot_h = 28, 22, h - 32
    bw = (w - left - 4) / len(bins)
    bars, labels = [], []
    step = max(1, math.ceil(len(bins) / 8))
    for i, b in enumerate(bins):
        x = left + i * bw
        y = h - bottom_pad
        parts = []
        for key, cls in (("bottom", "b-bottom"), ("other", "b-other"), ("top", "b-top")):
            height = plot_h * b[key] / top
            if b[key]:
                y -= height
                parts.append({"x": round(x + 1, 1), "y": round(y, 1), "w": round(max(bw - 2, 1), 1),
                              "h": round(height, 1), "cls": cls})
        total = b["top"] + b["bottom"] + b["other"]
        bars.append({"parts": parts, "title": f"{b['from']}～{b['to']}分：{total}人"
                     + (f"（先进 {b['top']}）" if b["top"] else "") + (f"（末位 {b['bottom']}）" if b["bottom"] else "")})
        if i % step == 0:
            labels.append({"x": round(x + 1, 1), "text": b["from"]})
    return {"w": w, "h": h, "bars": bars, "labels": labels, "max": hist["max"], "base_y": h - bottom_pad,
            "top_y": h - bottom_pad - plot_h}


def _people(df: pd.DataFrame) -> list[dict]:
    return [{"name": r["name"], "unit": r["unit"], "score": _n(r["score"]), "rank": _rank(r["rank"]),
             "note": r["note"]} for r in df.head(MAX_BAND_ROWS).to_dict("records")]


def period_groups(ranks: pd.DataFrame, period) -> list[dict]:
    """Per ranking group of one period: counts, distribution and the 先进 / 末位 lists."""
    part = ranks[ranks["period"] == period.key]
    out = []
    for group in ranking.group_order(set(part["group"])):
        g = part[part["group"] == group]
        ranked = g[g["ranked"]]
        top, low = ranked[ranked["band"] == ranking.TOP], ranked[ranked["band"] == ranking.BOTTOM]
        scores = ranked["score"].astype(float)
        out.append({
            "group": group, "n": len(g), "n_ranked": len(ranked), "n_top": len(top), "n_bottom": len(low),
            "mean": _n(round(scores.mean(), 2)) if len(scores) else "", "min": _n(scores.min()) if len(scores) else "",
            "max": _n(scores.max()) if len(scores) else "",
            "svg": svg_bars(histogram(scores, ranked["band"])),
            "top": _people(top), "bottom": _people(low),
            "top_more": max(0, len(top) - MAX_BAND_ROWS), "bottom_more": max(0, len(low) - MAX_BAND_ROWS)})
    return out


def shown_year(res) -> int | None:
    years = [p.year for p in res.periods if p.kind == "year"]
    if res.options.year in years:
        return res.options.year
    return max(years) if years else None


def ranking_periods(res, year: int) -> list:
    """The periods the page details: the year and its latest quarter."""
    quarters = [p for p in res.periods if p.kind == "quarter" and p.year == year]
    years = [p for p in res.periods if p.kind == "year" and p.year == year]
    return quarters[-1:] + years


# --- 结果运用 and 预警 -----------------------------------------------------------------------


def proposals(res, year: int) -> dict:
    props = res.proposals.get(year, consequences.empty())
    counts = props["结果"].value_counts() if len(props) else pd.Series(dtype=int)
    return {"year": year, "counts": [{"result": r, "n": int(counts.get(r, 0))} for r in consequences.RESULT_ORDER],
            "rows": props.head(MAX_BAND_ROWS).to_dict("records"), "more": max(0, len(props) - MAX_BAND_ROWS)}


def early_warnings(res, year: int) -> dict | None:
    """预警 of the year's latest complete quarter, when the pipeline computes them (`res.warnings`:
    quarter key → DataFrame); None when this version computes no 预警 (the section is left out)."""
    by_quarter = getattr(res, "warnings", None)
    if not isinstance(by_quarter, dict):
        return None
    keys = sorted(k for k in by_quarter if str(k).startswith(f"{year}Q"))
    if not keys:
        return {"title": "", "rows": [], "more": 0}
    frame = by_quarter[keys[-1]]
    title = next((p.title for p in res.periods if p.key == keys[-1]), keys[-1])
    return {"title": title, "rows": frame.head(MAX_BAND_ROWS).to_dict("records"),
            "more": max(0, len(frame) - MAX_BAND_ROWS)}


# --- what changed since the previous run --------------------------------------------------------


def _problem_key(p) -> str:
    return "|".join((p.code, p.file, p.sheet, p.cell, p.cadre_id))


def record(res) -> dict:
    """What the next run compares with: every ranked period's scores, ranks and bands, and the
    problems (key → level, file, message)."""
    ranks = res.ranks if res.ranks is not None else pd.DataFrame(columns=ranking.RANK_COLUMNS)
    periods: dict[str, dict] = {}
    for key, cid, name, unit, score, rank, band in zip(ranks["period"], ranks["cadre_id"], ranks["name"],
                                                       ranks["unit"], ranks["score"], ranks["rank"], ranks["band"]):
        periods.setdefault(key, {})[cid] = [name, unit, float(score), _rank(rank), band]
    titles = {p.key: p.title for p in res.periods}
    return {"version": RECORD_VERSION, "titles": titles, "ranks": periods,
            "problems": {_problem_key(p): [p.level, p.file, p.message] for p in res.problems}}


def changes(previous: dict | None, current: dict) -> dict:
    """Cadres whose score, rank or band moved in a period both runs ranked; problems fixed and new."""
    if not previous or previous.get("version") != RECORD_VERSION:
        return {"first": True}
    periods = []
    for key, now in current["ranks"].items():
        before = previous["ranks"].get(key)
        if before is None:
            periods.append({"key": key, "title": current["titles"].get(key, key), "new": True, "moved": 0,
                            "rows": []})
            continue
        moved = []
        for cid, (name, unit, score, rank, band) in now.items():
            old = before.get(cid)
            if old is None:
                moved.append({"cadre_id": cid, "name": name, "unit": unit, "old_score": "", "score": _n(score),
                              "old_rank": None, "rank": rank, "old_band": "", "band": band, "what": "新列入",
                              "delta": math.inf})
                continue
            _, _, o_score, o_rank, o_band = old
            if (o_score, o_rank, o_band) != (score, rank, band):
                moved.append({"cadre_id": cid, "name": name, "unit": unit, "old_score": _n(o_score),
                              "score": _n(score), "old_rank": o_rank, "rank": rank, "old_band": o_band,
                              "band": band, "what": "", "delta": abs(score - o_score)})
        for cid in sorted(set(before) - set(now)):
            name, unit, o_score, o_rank, o_band = before[cid]
            moved.append({"cadre_id": cid, "name": name, "unit": unit, "old_score": _n(o_score), "score": "",
                          "old_rank": o_rank, "rank": None, "old_band": o_band, "band": "", "what": "不再列入",
                          "delta": math.inf})
        moved.sort(key=lambda r: (r["old_band"] == r["band"], -r["delta"], r["cadre_id"]))
        periods.append({"key": key, "title": current["titles"].get(key, key), "new": False, "moved": len(moved),
                        "band_moved": sum(1 for r in moved if r["old_band"] != r["band"]),
                        "rows": moved[:MAX_CHANGES], "more": max(0, len(moved) - MAX_CHANGES)})
    periods.sort(key=lambda p: p["key"], reverse=True)
    before_p, now_p = previous.get("problems", {}), current["problems"]
    fixed = [{"level": v[0], "file": v[1], "message": v[2]} for k, v in sorted(before_p.items()) if k not in now_p]
    new = [{"level": v[0], "file": v[1], "message": v[2]} for k, v in sorted(now_p.items()) if k not in before_p]
    return {"first": False, "periods": periods, "n_fixed": len(fixed), "n_new": len(new),
            "fixed": fixed[:MAX_PROBLEM_CHANGES], "new": new[:MAX_PROBLEM_CHANGES]}


# --- the page -------------------------------------------------------------------------------


def context(res, link, changed: dict, comparison: dict | None = None) -> dict:
    """Everything the template shows. `link(path)` → href or None; paths are absolute;
    `changed`: what changed since the previous run (`changes`)."""
    out = res.options.output_dir
    year = shown_year(res)
    county = res.rulebook.params["县名"] if res.rulebook else ""
    outputs = [("校验报告", out / "校验报告.xlsx"), ("运行清单", out / "运行清单.xlsx")]
    periods = []
    if year is not None:
        from jifen.outputs import notice, review_list

        year_period = next((p for p in res.periods if p.kind == "year" and p.year == year), None)
        annual = (notice.notice_paths(out, year_period)[1] if year_period is not None
                  else out / "年度排名" / f"{year}年度积分排名.xlsx")
        outputs += [(f"{year}年度积分排名", annual),
                    (f"{year}年积分总台账", out / "台账" / f"积分总台账_{year}.xlsx"),
                    (f"{year}年待审核清单", review_list.list_path(out, year))]
        for p in ranking_periods(res, year):
            periods.append({"key": p.key, "title": p.title, "complete": p.complete,
                            "href": link(notice.notice_paths(out, p)[1]), "groups": period_groups(res.ranks, p)})
    return {
        "county": county, "year": year, "status": status(res),
        "report_href": link(out / "校验报告.xlsx"),
        "outputs": [{"label": label, "href": h} for label, path in outputs if (h := link(path))],
        "problems": problems_by_unit(res, lambda f: next(filter(None, map(link, _sources(res, f))), None)),
        "matrix": submission_matrix(res, year, lambda m: link(out / "月度统计" / f"{m}月度积分统计.xlsx"))
        if year is not None else {"months": [], "rows": [], "complete": []},
        "periods": periods,
        "alerts": early_warnings(res, year) if year is not None else None,
        "proposals": proposals(res, year) if year is not None else None,
        "changes": changed,
        "comparison": comparison,
    }


def _sources(res, name: str) -> list[Path]:
    """Where a problem's file may lie, most likely first: under input/, the rulebook, archive/,
    an output (the link goes to the first that exists)."""
    opts = res.options
    out = [opts.input_dir / name]
    if name == Path(opts.rulebook).name:
        out.insert(0, Path(opts.rulebook))
    if name.startswith("archive/"):
        out.append(opts.archive_dir.parent / name)
    return out + [opts.output_dir / name]
