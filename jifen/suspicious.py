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

import re

import pandas as pd

from jifen import cadres
from jifen import normalize as nz

COLUMNS = ["规则", "事项ID", "干部编号", "姓名", "月份", "项目代码", "提示", "来源文件"]
SAME_FILE, SAME_DOC, REPEATED, LATE, MANY = "同一佐证", "同一文号", "重复申报", "超期申报", "申报过多"

_DOC_NO = re.compile(r"([\u4e00-\u9fffA-Za-z]{1,12})\s*[〔\[［(（【]\s*(\d{4})\s*[〕\]］)）】]\s*第?\s*(\d{1,5})\s*号")


_LEAD = re.compile(r"^(?:详见|参见|依据|根据|按照|见|附|文号|文件|依)+")


def doc_numbers(*texts) -> set[str]:
    """The 文号 written in an item's texts, in one spelling (`云委发〔2026〕3号`)."""
    out = set()
    for t in texts:
        for prefix, year, num in _DOC_NO.findall(nz.text(t)):
            prefix = _LEAD.sub("", prefix) or prefix       # “见县委〔2026〕3号” is 县委〔2026〕3号
            out.add(f"{prefix}〔{year}〕{int(num)}号")
    return out


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
    names: dict[str, dict] = {}
    for rec in live.itertuples():
        for a in rec.attachments:
            if a.get("sha256"):
                by_hash.setdefault(a["sha256"], set()).add(rec.cadre_id)
                names.setdefault(a["sha256"], {}).setdefault(rec.cadre_id, a["name"])
        for doc in doc_numbers(rec.desc, rec.evidence):
            by_doc.setdefault(doc, set()).add(rec.cadre_id)
    out = []
    mine = live[(live["source"] == "申报") & live["code"].isin(personal)]
    for rec in mine.itertuples():
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


def repeated(items: pd.DataFrame) -> list[dict]:
    """A declared item matching an earlier month's item of the same cadre: same code and value,
    the same 同一事项标识, 文号 or 事项说明, and not a different 发生日期."""
    live = _live(items)
    live = live[live["month"] != ""]
    out = []
    for _, group in live.groupby(["cadre_id", "code", "rule_value"], sort=False):
        if group["month"].nunique() < 2:
            continue
        recs = sorted(group.itertuples(), key=lambda r: (r.month, r.seq))
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


def _matter_keys(rec) -> set:
    keys = {("文号", d) for d in doc_numbers(rec.desc, rec.evidence)}
    if rec.matter:
        keys.add(("标识", nz.text(rec.matter)))
    desc = re.sub(r"\s+", "", nz.text(rec.desc))
    if len(desc) >= 4:
        keys.add(("说明", desc))
    return keys


def _what(a, b) -> str:
    common = {k for k, _ in _matter_keys(a) & _matter_keys(b)}
    return "、".join(x for x, k in (("同一事项标识", "标识"), ("文号", "文号"), ("事项说明", "说明")) if k in common)


def late(items: pd.DataFrame, limit_months: int) -> list[dict]:
    """Declared items whose 发生日期 lies more than `limit_months` months before the month."""
    live = _live(items)
    live = live[(live["source"] == "申报") & live["date"].notna() & (live["month"] != "")]
    out = []
    for rec in live.itertuples():
        gap = int(rec.month[:4]) * 12 + int(rec.month[5:7]) - (rec.date.year * 12 + rec.date.month)
        if gap > limit_months:
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
        end = nz.month_end(f"{int(year)}-{int(quarter) * 3:02d}")
        on = cadres.as_of(roster, end)
        counts = part.groupby("cadre_id").size()
        for group, members in on.groupby("group", sort=True):
            n = counts.reindex(members.index, fill_value=0)
            median = float(n.median())
            for cid, k in n.items():
                if k >= minimum and k > ratio * median:
                    times = f"为同组中位数 {median:g} 项的 {k / median:.1f} 倍" if median else "同组中位数为 0 项"
                    for rec in part[part["cadre_id"] == cid].itertuples():
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
