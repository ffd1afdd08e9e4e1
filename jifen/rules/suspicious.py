"""可疑申报: hints for the reviewer about declarations worth a second look (pure).

The plan punishes 弄虚作假, but only a reviewer may decide it: nothing here changes a status
or a score. Each rule returns one row per declared item it flags, with the reason in words a
reviewer can check:
- 同一佐证: the same evidence file or picture (by content hash) behind personal items
  (参数“个人事项代码”: individual commendations J1-1…J1-4, articles J5) of different cadres;
- 同一文号: the same document number (文号, e.g. 云委发〔2026〕3号) in personal items of
  different cadres;
- 重复申报: the same matter (same code and value, and the same 同一事项标识, 文号 or 事项说明,
  and not a different 发生日期) declared again in a later month;
- 超期申报: a 发生日期 more than 申报时限月数 months before the declared month;
- 申报过多: a cadre's self-declared bonus items in a quarter above 可疑申报倍数 × the median
  of their ranking group, and at least 可疑申报最少项数.
"""

from __future__ import annotations

import functools
import re

import pandas as pd

from jifen import frames, normalize
from jifen.rules import cadres

COLUMNS = ["规则", "事项ID", "干部编号", "姓名", "月份", "项目代码", "提示", "来源文件"]
SAME_FILE, SAME_DOC, REPEATED, LATE, MANY = "同一佐证", "同一文号", "重复申报", "超期申报", "申报过多"

_DOC_NO = re.compile(r"([\u4e00-\u9fffA-Za-z]{1,12})\s*[〔\[［(（【]\s*(\d{4})\s*[〕\]］)）】]\s*第?\s*(\d{1,5})\s*号")


_LEAD = re.compile(r"^(?:详见|参见|依据|根据|按照|见|附|文号|文件|依)+")


def doc_numbers(*texts) -> set[str]:
    """The 文号 written in an item's texts, in one spelling (`云委发〔2026〕3号`)."""
    out: set[str] = set()
    for t in texts:
        if isinstance(t, str) and "号" in t:          # most texts hold none: skip the normalising
            out |= _doc_numbers(t)
    return out


@functools.lru_cache(maxsize=1 << 16)
def _doc_numbers(text: str) -> frozenset:
    out = set()
    for prefix, year, num in _DOC_NO.findall(normalize.text(text)):
        prefix = _LEAD.sub("", prefix) or prefix       # “见县委〔2026〕3号” is 县委〔2026〕3号
        out.add(f"{prefix}〔{year}〕{int(num)}号")
    return frozenset(out)


@functools.lru_cache(maxsize=1 << 16)
def _flat(text: str) -> str:
    return re.sub(r"\s+", "", normalize.text(text))


def _row(rec, rule: str, reason: str) -> dict:
    return {"规则": rule, "事项ID": rec.item_id, "干部编号": rec.cadre_id, "姓名": rec.name, "月份": rec.month,
            "项目代码": rec.code, "提示": reason, "来源文件": f"{rec.file} 第{rec.row}行"}


def _live(items: pd.DataFrame) -> pd.DataFrame:
    return items[items["status"] != "无效"]


def shared_evidence(items: pd.DataFrame, personal: list[str]) -> list[dict]:
    """Personal declared items whose evidence (file or picture, by content) or 文号 another
    cadre's item also carries."""
    live = _live(items)
    by_hash: dict[str, set] = {}
    by_doc: dict[str, set] = {}
    for cid, atts, desc, text in zip(*frames.columns(live, "cadre_id", "attachments", "desc", "evidence")):
        for a in atts:
            if a.get("sha256"):
                by_hash.setdefault(a["sha256"], set()).add(cid)
        for doc in doc_numbers(desc, text):
            by_doc.setdefault(doc, set()).add(cid)
    out = []
    mine = live[(live["source"] == "申报") & live["code"].isin(personal)]
    for rec in frames.rows(mine):
        seen = set()
        for a in rec.attachments:
            sha = a.get("sha256")
            others = sorted(by_hash.get(sha, set()) - {rec.cadre_id}) if sha else []
            if others and sha not in seen:
                seen.add(sha)
                out.append(_row(rec, SAME_FILE, f"佐证材料“{a['name']}”与干部 {'、'.join(others)} 的事项所附材料内容完全相同"
                                                "（个人表彰、个人发表文章应为本人材料）"))
        for doc in sorted(doc_numbers(rec.desc, rec.evidence)):
            others = sorted(by_doc[doc] - {rec.cadre_id})
            if others:
                out.append(_row(rec, SAME_DOC, f"文号 {doc} 也出现在干部 {'、'.join(others)} 的申报中"
                                               "（个人事项，请核实是否同一文件中的不同人员）"))
    return out


_REC_COLUMNS = ["item_id", "cadre_id", "name", "month", "seq", "code", "rule_value", "desc", "matter", "evidence",
                "date", "source", "file", "row"]


def repeated(items: pd.DataFrame) -> list[dict]:
    """A declared item matching an earlier month's item of the same cadre: same code and value,
    the same 同一事项标识, 文号 or 事项说明, and not a different 发生日期.

    Candidates are found column-wise (one row per item and key, grouped); only the few items
    sharing a key with another month's item are compared one by one."""
    live = _live(items)
    live = live[live["month"] != ""]
    rows = [(i, cid, code, value, month, key)
            for i, cid, code, value, month, desc, matter, text in zip(
                live.index, live["cadre_id"], live["code"], live["rule_value"], live["month"], live["desc"],
                live["matter"], live["evidence"])
            for key in _keys(desc, matter, text)]
    if not rows:
        return []
    keyed = pd.DataFrame(rows, columns=["i", "cadre_id", "code", "value", "month", "key"])
    again = keyed.groupby(["cadre_id", "code", "value", "key"])["month"].transform("nunique") > 1
    suspects = live.loc[sorted(set(keyed.loc[again, "i"])), _REC_COLUMNS]
    groups: dict[tuple, list] = {}
    for rec in suspects.itertuples(index=False):
        groups.setdefault((rec.cadre_id, rec.code, rec.rule_value), []).append(rec)
    out = []
    for group in groups.values():
        recs = sorted(group, key=lambda r: (r.month, r.seq))
        for i, later in enumerate(recs):
            if later.source != "申报":
                continue
            keys = _matter_keys(later)
            for earlier in recs[:i]:
                if earlier.month >= later.month or not keys & _matter_keys(earlier):
                    continue
                if pd.notna(earlier.date) and pd.notna(later.date) and earlier.date != later.date:
                    continue
                out.append(_row(later, REPEATED, f"与 {earlier.month} 已申报（或登记）的事项 {earlier.item_id} 相同"
                                                 f"（项目 {later.code}、分值相同，{_what(later, earlier)}相同），请核实是否重复申报"))
                break
    return out


def _keys(desc, matter, text) -> set:
    keys = {("文号", d) for d in doc_numbers(desc, text)}
    if matter:
        keys.add(("标识", normalize.text(matter)))
    flat = _flat(desc) if isinstance(desc, str) else ""
    if len(flat) >= 4:
        keys.add(("说明", flat))
    return keys


def _matter_keys(rec) -> set:
    return _keys(rec.desc, rec.matter, rec.evidence)


def _what(a, b) -> str:
    common = {k for k, _ in _matter_keys(a) & _matter_keys(b)}
    return "、".join(x for x, k in (("同一事项标识", "标识"), ("文号", "文号"), ("事项说明", "说明")) if k in common)


def late(items: pd.DataFrame, limit_months: int) -> list[dict]:
    """Declared items whose 发生日期 lies more than `limit_months` months before the month."""
    live = _live(items)
    live = live[(live["source"] == "申报") & live["date"].notna() & (live["month"] != "")]
    gaps = [int(m[:4]) * 12 + int(m[5:7]) - (d.year * 12 + d.month) for m, d in zip(*frames.columns(live, "month", "date"))]
    out = []
    for rec, gap in zip(frames.rows(live[[g > limit_months for g in gaps]]), [g for g in gaps if g > limit_months]):
        out.append(_row(rec, LATE, f"发生日期 {rec.date:%Y-%m-%d} 早于申报月份 {rec.month} 共 {gap} 个月"
                                   f"（超过申报时限 {limit_months} 个月），请核实为何没有及时申报"))
    return out


def many(items: pd.DataFrame, roster: pd.DataFrame, ratio: float, minimum: int) -> list[dict]:
    """Cadres whose self-declared bonus items in a quarter are far above their group's median
    (the median counts every cadre of the group on the roster at the quarter's end, zeros too)."""
    live = _live(items)
    live = live[(live["source"] == "申报") & (live["kind"] == "bonus") & (live["month"] != "")]
    out = []
    if live.empty or roster.empty:
        return out
    for (year, quarter), part in live.groupby(["year", "quarter"]):
        end = normalize.month_end(f"{int(year)}-{int(quarter) * 3:02d}")
        on = cadres.as_of(roster, end)
        counts = part.groupby("cadre_id").size()
        for group, members in on.groupby("group", sort=True):
            n = counts.reindex(members.index, fill_value=0)
            median = float(n.median())
            for cid, k in n.items():
                if k >= minimum and k > ratio * median:
                    times = f"为同组中位数 {median:g} 项的 {k / median:.1f} 倍" if median else "同组中位数为 0 项"
                    for rec in frames.rows(part[part["cadre_id"] == cid]):
                        out.append(_row(rec, MANY, f"{int(year)}年第{int(quarter)}季度自主申报加分事项 {k} 项，"
                                                   f"{times}（{group}，{len(n)} 人），请核实"))
    return out


def find(items: pd.DataFrame, roster: pd.DataFrame, rulebook) -> pd.DataFrame:
    """Every hint, one row per flagged item and rule, in a stable order."""
    p = rulebook.params
    if items is None or items.empty:
        return pd.DataFrame(columns=COLUMNS)
    rows = (shared_evidence(items, p["个人事项代码"]) + repeated(items) + late(items, int(p["申报时限月数"]))
            + many(items, roster, float(p["可疑申报倍数"]), int(p["可疑申报最少项数"])))
    df = pd.DataFrame(rows, columns=COLUMNS)
    return df.sort_values(["干部编号", "月份", "事项ID", "规则"], kind="stable").reset_index(drop=True)


def hints_by_item(table: pd.DataFrame | None) -> dict:
    """事项ID → the reasons, joined, for the review list's 可疑提示 column."""
    out: dict[str, list[str]] = {}
    if table is not None:
        for iid, rule, reason in zip(table["事项ID"], table["规则"], table["提示"]):
            out.setdefault(iid, []).append(f"【{rule}】{reason}")
    return {k: "；".join(v) for k, v in out.items()}
