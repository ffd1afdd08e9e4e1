"""结果运用 (pure): proposals from runs of quarterly and annual bands (SPEC §3.5).

Bands come from three sources, best first: periods computed from this run's inputs, published
periods in archive/, and the history workbook in input/. Only complete periods count; an
unranked or missing quarter breaks a run of 末位 quarters.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from jifen import frames
from jifen.problems import warning
from jifen.rules import ranking

PRIORITY, TALK, NO_HONOURS, ADMONISH, DEMOTE = "优先考虑", "组织约谈", "当年不得评先评优", "诫勉谈话", "调整岗位或降职"
RESULT_ORDER = [PRIORITY, TALK, NO_HONOURS, ADMONISH, DEMOTE]
BAND_COLUMNS = ["year", "quarter", "cadre_id", "name", "band", "ranked", "source"]


def band_history(ranks: pd.DataFrame, periods, archived: list[dict], history: list[dict]):
    """→ (one row per year/quarter/cadre with the band that counts, warnings).

    quarter 0 is the year. Computed periods win over the archive, the archive over history.
    """
    complete = {p.key for p in periods if p.complete}
    computed = {(p.year, p.quarter if p.kind == "quarter" else 0) for p in periods if p.kind in ("quarter", "year")}
    rows = []
    for r in ranks[ranks["period"].isin(complete)].to_dict("records"):
        key = r["period"]
        year, quarter = int(key[:4]), (int(key[-1]) if "Q" in key else 0)
        rows.append({"year": year, "quarter": quarter, "cadre_id": r["cadre_id"], "name": r["name"],
                     "band": r["band"] if r["ranked"] else "", "ranked": bool(r["ranked"]), "source": "计算"})
    have = set(computed)          # an incomplete computed period is not filled in from elsewhere
    for snap in archived:
        key = snap["period"]
        year, quarter = int(key[:4]), (int(key[-1]) if "Q" in key else 0)
        if (year, quarter) in have:
            continue
        for r in snap["ranks"]:
            rows.append({"year": year, "quarter": quarter, "cadre_id": r["cadre_id"], "name": r["name"],
                         "band": r["band"] if r["ranked"] else "", "ranked": r["ranked"], "source": "归档"})
    have = have | {(x["year"], x["quarter"]) for x in rows}
    known = {(x["year"], x["quarter"], x["cadre_id"]): x["band"] for x in rows}
    warnings = []
    for h in history:
        k = (h["year"], h["quarter"], h["cadre_id"])
        if (h["year"], h["quarter"]) in have:
            if known.get(k, "") != h["band"]:
                warnings.append(warning(
                    "history-disagrees",
                    f"历年结果中 {h['cadre_id']} 的{_period_cn(h['year'], h['quarter'])}等次为“{h['band'] or '无'}”，"
                    f"与计算或归档结果“{known.get(k, '') or '无（不在该期间的排名中）'}”不一致，以计算或归档结果为准",
                    "请核对历年结果表。", file=h["file"], sheet=h["sheet"], cell=f"第{h['row']}行", row=h["row"],
                    cadre_id=h["cadre_id"]))
            continue
        rows.append({"year": h["year"], "quarter": h["quarter"], "cadre_id": h["cadre_id"], "name": h["name"],
                     "band": h["band"], "ranked": True, "source": "历年结果"})
    return pd.DataFrame(rows, columns=BAND_COLUMNS), warnings


def _period_cn(year, quarter) -> str:
    return f"{year}年度" if quarter == 0 else f"{year}年第{quarter}季度"


def _quarters_text(qs: list[tuple]) -> str:
    """[(2024, 4), (2025, 1), (2025, 2)] → 2024年第4季度、2025年第1、2季度."""
    parts, year = [], None
    for y, q in qs:
        if y != year:
            parts.append(f"{y}年第{q}")
            year = y
        else:
            parts[-1] += f"、{q}"
    return "、".join(p + "季度" for p in parts)


def proposals(bands: pd.DataFrame, year: int, year_complete: bool, params: dict,
              last_quarter: tuple | None = None) -> pd.DataFrame:
    """One row per cadre and proposal for `year`: 干部编号, 姓名, 结果, 依据, 期间."""
    top = f"前{round(params['先进比例'] * 100):g}%"
    low = f"后{round(params['末位比例'] * 100):g}%"
    cross = params["跨年连续"]
    out = []
    qb = bands[bands["quarter"] > 0]
    order = {"计算": 0, "归档": 1, "历年结果": 2}
    named = bands[bands["name"] != ""].assign(_o=bands["source"].map(order))
    names = named.sort_values(["_o", "year", "quarter"], ascending=[True, False, False], kind="stable") \
        .drop_duplicates("cadre_id").set_index("cadre_id")["name"].to_dict()
    by_cadre: dict[str, dict] = {}
    for cid, y, q, band in zip(*frames.columns(qb, "cadre_id", "year", "quarter", "band")):
        by_cadre.setdefault(cid, {})[(y, q)] = band
    first_year = int(qb["year"].min()) if len(qb) else year
    for cid, seq in sorted(by_cadre.items()):
        this_year = [seq.get((year, q)) for q in range(1, 5)]
        if all(b == ranking.TOP for b in this_year):
            out.append((cid, PRIORITY, f"{year}年第1、2、3、4季度均排在{top}（工作实绩是否明显由县委组织部研究确定）",
                        f"{year}"))
        if all(b == ranking.BOTTOM for b in this_year):
            out.append((cid, NO_HONOURS, f"{year}年4个季度均排在{low}，当年不得评先评优，不列入年度先进人员", f"{year}"))
        run: list[tuple] = []
        for y in range(first_year if cross else year, year + 1):
            if not cross:
                run = []
            for q in range(1, 5):
                if seq.get((y, q)) == ranking.BOTTOM:
                    run.append((y, q))
                    if len(run) == 3 and y == year:
                        out.append((cid, TALK, f"{_quarters_text(run)}连续排在{low}", f"{y}Q{q}"))
                else:
                    run = []
    ab = bands[bands["quarter"] == 0]
    annual = {(r.cadre_id, r.year): r.band for r in frames.rows(ab)}
    if year_complete:
        for cid in sorted({c for c, y in annual if y == year}):
            if annual.get((cid, year)) != ranking.BOTTOM:
                continue
            if annual.get((cid, year - 1)) == ranking.BOTTOM and annual.get((cid, year - 2)) == ranking.BOTTOM:
                out.append((cid, DEMOTE, f"{year - 2}、{year - 1}、{year}年度连续三年被确定为末位人员"
                                         f"（{year - 1}年度已连续两年末位，按规定应由县纪委诫勉谈话），建议调整岗位或相应降职", f"{year}"))
            elif annual.get((cid, year - 1)) == ranking.BOTTOM:
                out.append((cid, ADMONISH, f"{year - 1}、{year}年度连续两年被确定为末位人员，建议按照干部管理权限由县纪委实行诫勉谈话",
                            f"{year}"))
    df = pd.DataFrame([{"干部编号": c, "姓名": names.get(c, ""), "结果": r, "依据": b, "期间": p}
                       for c, r, b, p in out], columns=["干部编号", "姓名", "结果", "依据", "期间"])
    if len(df):
        df["_o"] = df["结果"].map(RESULT_ORDER.index)
        df = df.sort_values(["_o", "干部编号", "期间"], kind="stable").drop(columns="_o").reset_index(drop=True)
    return df


def talks_due(props: pd.DataFrame, quarter_key: str) -> pd.DataFrame:
    """The 组织约谈 that fall due at one quarter (for that quarter's attachment)."""
    return props[(props["结果"] == TALK) & (props["期间"] == quarter_key)].reset_index(drop=True)


def apply_no_honours(ranks: pd.DataFrame, props: pd.DataFrame, year: int) -> pd.DataFrame:
    """Remove 当年不得评先评优 cadres from the annual 先进 list; no one moves up in their place."""
    ids = set(props.loc[props["结果"] == NO_HONOURS, "干部编号"])
    if not ids:
        return ranks
    ranks = ranks.copy()
    hit = (ranks["period"] == str(year)) & ranks["cadre_id"].isin(ids) & (ranks["band"] == ranking.TOP)
    ranks.loc[hit, "band"] = ""
    ranks.loc[hit, "note"] = (ranks.loc[hit, "note"] + "；4个季度均为末位，当年不得评先评优，取消先进（名额不递补）").str.lstrip("；")
    return ranks


def empty() -> pd.DataFrame:
    return pd.DataFrame(columns=["干部编号", "姓名", "结果", "依据", "期间"])


@dataclass(frozen=True)
class Consequences:
    bands: pd.DataFrame        # band history behind the proposals
    proposals: dict            # year → 结果运用 DataFrame
    ranks: pd.DataFrame        # the ranks with 当年不得评先评优 applied to the annual 先进
    problems: list


def derive_consequences(ranks: pd.DataFrame, periods: list, archived: list, history: list,
                        params: dict) -> Consequences:
    """结果运用 for every year computed, from computed, archived and historical bands."""
    bands, problems = band_history(ranks, periods, archived, history)
    found = {}
    for period in periods:
        if period.kind != "year":
            continue
        found[period.year] = proposals(bands, period.year, period.complete, params)
        ranks = apply_no_honours(ranks, found[period.year], period.year)
    return Consequences(bands, found, ranks, problems)
