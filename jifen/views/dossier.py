"""积分档案 content (pure): every year known of each cadre, from the run's own results.

A year comes from this run's computation when its inputs are present, else from the latest
archived snapshot of each published period, else from the 历年结果 workbook (bands and the
annual rank only) — the same order of sources as the multi-year consequences. Per year: the
four quarters and the year (score, rank in the group of N, band, source), the consequences
proposed, and the counted items summed by category.
"""

from __future__ import annotations

import pandas as pd

from jifen.rules import consequences

KIND_CN = {"base": "基础积分扣减", "bonus": "奖励加分", "penalty": "惩戒扣分"}
QUARTER_CN = ["全年", "第一季度", "第二季度", "第三季度", "第四季度"]


def _key(period: str) -> tuple[int, int]:
    return int(period[:4]), (int(period[-1]) if "Q" in period else 0)


def index(res, archived: list[dict], history: list[dict]) -> dict:
    """Everything the archives are made from, grouped by cadre (built once per run)."""
    rows: dict[str, dict] = {}
    sizes: dict[tuple, int] = {}
    incomplete = {p.key: p for p in res.periods if not p.complete}
    r = res.ranks[res.ranks["period"].str.match(r"^\d{4}(Q\d)?$")]
    ranked = r[r["ranked"].astype(bool)]
    for (period, group), n in ranked.groupby(["period", "group"]).size().items():
        sizes[(period, group)] = int(n)
    cols = ["period", "cadre_id", "group", "score", "rank", "band", "ranked", "note"]
    for period, cid, group, score, rank, band, is_ranked, note in zip(*(r[c].tolist() for c in cols)):
        y, q = _key(period)
        if period in incomplete:
            note = "；".join(x for x in (f"截至{int(incomplete[period].last_data_month[5:7])}月", note) if x)
        rows.setdefault(cid, {})[(y, q)] = {
            "score": float(score), "rank": None if pd.isna(rank) or not is_ranked else int(rank),
            "size": sizes.get((period, group)) if is_ranked else None, "band": band or "", "source": "计算",
            "note": note or ""}
    computed = {_key(p.key) for p in res.periods if p.kind in ("quarter", "year")}
    have = set(computed)
    for snap in archived:
        y, q = _key(snap["period"])
        if (y, q) in have:
            continue
        counts: dict[str, int] = {}
        for x in snap["ranks"]:
            if x["ranked"]:
                counts[x["group"]] = counts.get(x["group"], 0) + 1
        for x in snap["ranks"]:
            rows.setdefault(x["cadre_id"], {})[(y, q)] = {
                "score": x["score"], "rank": x["rank"] if x["ranked"] else None,
                "size": counts.get(x["group"]) if x["ranked"] else None, "band": x["band"] or "",
                "source": "归档", "note": x.get("note", "") or ""}
    have |= {_key(s["period"]) for s in archived}
    for h in history:
        if (h["year"], h["quarter"]) in have:
            continue
        rows.setdefault(h["cadre_id"], {})[(h["year"], h["quarter"])] = {
            "score": None, "rank": h.get("rank") if h["quarter"] == 0 else None, "size": None,
            "band": h["band"], "source": "历年结果", "note": ""}
    return {"rows": rows, "proposals": _proposals(res), "items": _items(res, archived, computed)}


def _proposals(res) -> dict:
    """干部编号 → year → [(结果, 依据)], for every year with bands (computed or not)."""
    out: dict[str, dict] = {}
    props = dict(res.proposals)
    bands = res.bands if res.bands is not None else pd.DataFrame(columns=consequences.BAND_COLUMNS)
    for year in sorted(set(bands["year"]) - set(props)):
        props[int(year)] = consequences.proposals(bands, int(year), True, res.rulebook.params)
    for year, df in props.items():
        for cid, result, why in zip(df["干部编号"], df["结果"], df["依据"]):
            out.setdefault(cid, {}).setdefault(int(year), []).append((result, why))
    return out


def _items(res, archived: list[dict], computed: set) -> dict:
    """干部编号 → year → [(类别, 项目类别, 事项数, 计分)] of the counted items."""
    items = res.rulebook.items
    frames = []
    if res.scored is not None and not res.scored.empty:
        s = res.scored
        frames.append(pd.DataFrame({"cadre_id": s["cadre_id"], "year": s["month"].str[:4].astype(int),
                                    "code": s["code"], "counted": s["contribution"].astype(float)}))
    years_done = {y for y, q in computed if q == 0}
    for snap in archived:
        y, q = _key(snap["period"])
        if y in years_done or (q == 0) != any(_key(x["period"]) == (y, 0) for x in archived):
            continue               # a year computed here, or quarters when the year itself is archived
        if snap["items"]:
            frames.append(pd.DataFrame([{"cadre_id": i["cadre_id"], "year": y, "code": i["code"],
                                         "counted": float(i["counted"])} for i in snap["items"]]))
    out: dict[str, dict] = {}
    if not frames:
        return out
    df = pd.concat(frames, ignore_index=True)
    df["kind"] = df["code"].map(items["kind"]).fillna("")
    df["category"] = df["code"].map(items["category"]).fillna("")
    order = {"base": 0, "bonus": 1, "penalty": 2}
    g = df.groupby(["cadre_id", "year", "kind", "category"]).agg(n=("code", "size"), pts=("counted", "sum"))
    for (cid, year, kind, cat), n, pts in zip(g.index, g["n"], g["pts"]):
        out.setdefault(cid, {}).setdefault(int(year), []).append((order.get(kind, 3), KIND_CN.get(kind, kind), cat,
                                                                   int(n), round(float(pts), 4)))
    for per_year in out.values():
        for year in per_year:
            per_year[year] = [t[1:] for t in sorted(per_year[year])]
    return out


def person(cid: str, info: dict, idx: dict) -> dict:
    """One cadre's archive: particulars and, per year known, 5 period rows, proposals, items."""
    mine = idx["rows"].get(cid, {})
    props = idx["proposals"].get(cid, {})
    items = idx["items"].get(cid, {})
    years = sorted({y for y, _ in mine} | set(props) | set(items))
    out = []
    for y in years:
        periods = []
        for q in (1, 2, 3, 4, 0):
            rec = mine.get((y, q))
            periods.append({"label": QUARTER_CN[q], **(rec or {"score": None, "rank": None, "size": None, "band": "",
                                                                "source": "", "note": ""})})
        out.append({"year": y, "periods": periods, "proposals": props.get(y, []), "items": items.get(y, [])})
    return {"cadre_id": cid, "name": info["display_name"], "unit": info["unit"], "post": info["post"],
            "category": info["category"], "years": out}
