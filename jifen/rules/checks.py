"""Validation: the item table plus a list of small named checks, each returning problems.

`prepare_items` turns reader records into a typed DataFrame (one row per input item row);
every check looks only at rows still valid, marks the rows it rejects (`status` = 无效, with
the reason) and returns its problems. Adding a rule = one function here + one test.
"""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal

import pandas as pd

from jifen import frames, normalize
from jifen.problems import Problem, error, warning
from jifen.rules import scoring

COUNTED, PENDING, REJECTED_BY_REVIEW, INVALID = "计分", "待审核", "不通过", "无效"
STATUSES = [COUNTED, PENDING, REJECTED_BY_REVIEW, INVALID]

ITEM_COLUMNS = ["item_id", "fingerprint", "source", "cadre_id", "name", "month", "seq", "code",
                "desc", "matter", "date_raw", "qty_raw", "declared_raw", "evidence", "note",
                "basis", "registrar", "reg_id", "file", "sheet", "row", "cols", "decl", "head_cells", "part",
                "pictures"]


def fingerprint(code, qty, desc, matter, date) -> str:
    """A short hash of what a reviewer judged: an edited item no longer matches its decision."""
    parts = [normalize.text(code), "" if qty is None else format(qty.normalize(), "f") if isinstance(
        qty, Decimal) else normalize.text(qty), normalize.text(desc), normalize.text(matter), "" if date is None else str(date)]
    return hashlib.sha1("|".join(parts).encode("utf-8")).hexdigest()[:10]


def prepare_items(records: list[dict], rulebook) -> pd.DataFrame:
    """Reader records → typed item table, every row 'valid' until a check rejects it."""
    df = pd.DataFrame.from_records(records, columns=ITEM_COLUMNS)
    if df.empty:
        df = pd.DataFrame(columns=ITEM_COLUMNS + ["qty", "date", "declared", "kind", "points",
                                                  "status", "reason", "year", "quarter",
                                                  "attachments"])
        return df
    text_cols = ["item_id", "fingerprint", "source", "cadre_id", "name", "month", "code", "desc", "matter",
                 "evidence", "note", "basis", "registrar", "reg_id", "file", "sheet", "decl"]
    for col in text_cols:
        df[col] = df[col].astype(object).where(df[col].notna(), "")
    df["qty_dec"] = df["qty_raw"].map(normalize.number)
    df["qty"] = df["qty_dec"].map(lambda q: float(q) if q is not None else None).astype("float64")
    df["date"] = df["date_raw"].map(normalize.date)
    df["declared"] = df["declared_raw"].map(normalize.number).map(
        lambda q: float(q) if q is not None else None).astype("float64")
    items = rulebook.items
    df["kind"] = df["code"].map(items["kind"]).fillna("")
    df["points"] = df["code"].map(items["points"]).astype("float64")
    df["year"] = df["month"].map(lambda m: int(m[:4]) if m else 0)
    df["quarter"] = df["month"].map(lambda m: normalize.quarter_of(m) if m else 0)
    df["fingerprint"] = [fingerprint(c, q, d, m, t) for c, q, d, m, t in
                         zip(*frames.columns(df, "code", "qty_dec", "desc", "matter", "date"))]
    df["part"] = df["part"].fillna(0).astype(int)
    df["pictures"] = [p if isinstance(p, list) else [] for p in df["pictures"]]
    df["item_id"] = [
        reg if src == "登记" else f"{cid or '未知'}-{m or '未知'}-" + (f"续{part}-" if part else "") + str(seq)
        for src, reg, cid, m, seq, part in zip(*frames.columns(
            df, "source", "reg_id", "cadre_id", "month", "seq", "part"))]
    df["attachments"] = [[] for _ in range(len(df))]
    df["status"] = ""
    df["reason"] = ""
    df = df.drop(columns=["qty_dec"])
    return df


HEADER_FIELDS = {"干部编号": "干部编号", "姓名": "姓名", "月份": "月份"}


def _where(rec, field=None) -> dict:
    """Where a clerk finds the fault: a declaration's header cell for its header fields."""
    head = getattr(rec, "head_cells", None)
    if field in HEADER_FIELDS and isinstance(head, dict) and head.get(field):
        return {"file": rec.file, "sheet": rec.sheet, "cell": head[field], "row": 0, "cadre_id": rec.cadre_id}
    col = rec.cols.get(field) if field and isinstance(rec.cols, dict) else None
    cell = f"{col}{rec.row}" if col else f"第{rec.row}行"
    return {"file": rec.file, "sheet": rec.sheet, "cell": cell, "row": rec.row,
            "cadre_id": rec.cadre_id}


def _first_for_sheet(rec, seen: set) -> bool:
    """One problem per declaration (every row of it shares the header fault), one per register row."""
    key = rec.decl or (rec.file, rec.row)
    if key in seen:
        return False
    seen.add(key)
    return True


def _reject(items: pd.DataFrame, idx, reason: str) -> None:
    items.loc[idx, "status"] = INVALID
    items.loc[idx, "reason"] = reason


def _valid(items: pd.DataFrame) -> pd.DataFrame:
    return items[items["status"] == ""]


def check_declaration_header(items, ctx):
    """Items of a declaration without 干部编号 or month: already reported once for the sheet."""
    v = _valid(items)
    bad = v[(v["source"] == "申报") & ((v["cadre_id"] == "") | (v["month"] == ""))]
    _reject(items, bad.index, "申报表缺少干部编号或申报月份")
    return []


def check_register_fields(items, ctx):
    v = _valid(items)
    problems = []
    reg = v[v["source"] == "登记"]
    for rec in frames.rows(reg[reg["cadre_id"] == ""]):
        problems.append(error("missing-cadre-id", "登记表该行没有干部编号，不予计分", "请补填干部编号。",
                                 **_where(rec, "干部编号")))
        _reject(items, rec.Index, "缺少干部编号")
    reg = reg[reg["cadre_id"] != ""]
    for rec in frames.rows(reg[reg["month"] == ""]):
        problems.append(error("bad-month", "登记表该行的月份为空或无法识别，不予计分",
                                 "请填写月份，如 2026-03 或 2026年3月。", **_where(rec, "月份")))
        _reject(items, rec.Index, "月份缺失或无法识别")
    return problems


def check_duplicate_register_ids(items, ctx):
    v = _valid(items)
    reg = v[v["source"] == "登记"]
    dup = reg[reg.duplicated("reg_id", keep="first")]
    problems = []
    first = reg.drop_duplicates("reg_id").set_index("reg_id")
    for rec in frames.rows(dup):
        f = first.loc[rec.reg_id]
        problems.append(error("duplicate-register-id",
                                 f"登记编号 {rec.reg_id} 重复（已在 {f['file']} 第{f['row']}行使用），该行不予计分",
                                 "每条登记须有唯一的登记编号；如为同一事项重复登记请删除一行。",
                                 **_where(rec, "登记编号")))
        _reject(items, rec.Index, f"登记编号 {rec.reg_id} 重复")
    return problems


def check_cadre_known(items, ctx):
    """Unknown 干部编号 and a name that does not match it: one problem per declaration."""
    roster = ctx["roster"]
    names = roster.groupby("cadre_id")["name"].agg(lambda s: set(s)).to_dict() if not roster.empty else {}
    v = _valid(items)
    problems = []
    seen = set()
    unknown = v[~v["cadre_id"].isin(names.keys())]
    for rec in frames.rows(unknown):
        _reject(items, rec.Index, f"干部编号 {rec.cadre_id} 不在干部名册中")
        if not _first_for_sheet(rec, seen):
            continue
        what = "申报表的" if rec.source == "申报" else ""
        unit = ctx.get("units", {}).get(rec.decl, "")
        problems.append(error("unknown-cadre", f"{what}干部编号 {rec.cadre_id} 不在干部名册中，不予计分",
                                 unknown_cadre_hint(rec.cadre_id, rec.name, unit, roster),
                                 **_where(rec, "干部编号")))
    v = _valid(items)
    differs = pd.Series([n not in names.get(c, ()) for c, n in zip(*frames.columns(v, "cadre_id", "name"))],
                        index=v.index, dtype=bool)
    mismatch = v[(v["name"] != "") & differs]
    for rec in frames.rows(mismatch):
        expected = "、".join(sorted(names[rec.cadre_id]))
        _reject(items, rec.Index, f"姓名与干部编号不符（名册为 {expected}）")
        if not _first_for_sheet(rec, seen):
            continue
        problems.append(error("name-mismatch",
                                 f"姓名“{rec.name}”与干部编号 {rec.cadre_id} 不符（名册中为“{expected}”），不予计分",
                                 "请核对干部编号和姓名，同名同姓的干部以干部编号区分。", **_where(rec, "姓名")))
    return problems


NEAR_IDS = 3          # roster entries named for a mistyped 干部编号


def unknown_cadre_hint(cadre_id: str, name: str, unit: str, roster: pd.DataFrame) -> str:
    """What an unknown 干部编号 can be: the declared name on the roster under its own ID, the
    nearest roster IDs (a digit mistyped, dropped or swapped), a file of another county (an ID
    spelt unlike any on the roster, a unit not on it), or a new cadre."""
    people = list(frames.rows(roster.drop_duplicates("cadre_id", keep="last"))) if not roster.empty else []

    def who(r) -> str:
        return f"{r.cadre_id}（{r.name}，{r.unit}）" if r.unit else f"{r.cadre_id}（{r.name}）"

    said = []
    same_name = [r for r in people if name and r.name == name]
    if same_name:
        said.append(f"名册中“{name}”的干部编号是 " + "、".join(who(r) for r in same_name[:NEAR_IDS]))
    limit = max(1, len(cadre_id) // 4)          # K0099: one edit; an 18-digit ID: up to four
    near = [] if same_name else sorted((d, r.cadre_id, r) for r in people
                                       if (d := _id_distance(cadre_id, r.cadre_id)) <= limit)
    if near:
        said.append("相近的干部编号有 " + "、".join(who(r) for _, _, r in near[:NEAR_IDS]) + "，请核对是否填错")
    shape = _id_shape(cadre_id)
    foreign = []
    if people and shape not in {_id_shape(r.cadre_id) for r in people}:
        foreign.append("编号的写法与本县名册中的编号都不同")
    if unit and people and unit not in set(roster["unit"]):
        foreign.append(f"名册中没有单位“{unit}”")
    if foreign:
        said.append("，".join(foreign) + "：该文件可能是其他县（区）的，请确认后移出 input 文件夹")
    said.append("如是新任干部，请先在干部名册中增加")
    return "请核对干部编号：" + "；".join(said) + "。"


def _id_shape(cadre_id: str) -> tuple:
    """An ID's letters and how many digits follow (K0099 → ('K', 4))."""
    letters = re.match(r"\D*", cadre_id).group(0)
    return letters.upper(), sum(ch.isdigit() for ch in cadre_id)


def _id_distance(a: str, b: str) -> int:
    """Edits from one ID to the other (a character changed, added, dropped, or two swapped)."""
    if abs(len(a) - len(b)) > 2:
        return 3
    prev2, prev = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i]
        for j, cb in enumerate(b, 1):
            cost = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (ca != cb))
            if prev2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, prev2[j - 2] + 1)
            row.append(cost)
        prev2, prev = prev, row
    return prev[-1]


def check_on_roster(items, ctx):
    """An item in a month the cadre was not on the roster (before joining, after leaving)."""
    roster = ctx["roster"]
    v = _valid(items)
    problems = []
    seen = set()
    for month, part in v.groupby("month"):
        day = normalize.month_end(month)
        on = roster[(roster["start_d"] <= day) & (roster["end_d"] >= day)]["cadre_id"]
        for rec in frames.rows(part[~part["cadre_id"].isin(on)]):
            _reject(items, rec.Index, f"{month} 月末该干部不在册")
            if not _first_for_sheet(rec, seen):
                continue
            problems.append(error("not-on-roster", f"干部 {rec.cadre_id} 在 {month} 月末不在册，该月事项不予计分",
                                     "请核对月份，或在干部名册中核对该干部的在册起止日期。",
                                     **_where(rec, "月份")))
    return problems


def check_code(items, ctx):
    rulebook = ctx["rulebook"]
    v = _valid(items)
    problems = []
    for rec in frames.rows(v[v["code"] == ""]):
        problems.append(error("missing-code", "该行没有填写项目代码，不予计分",
                                 "请从下拉列表中选择项目代码。", **_where(rec, "项目代码")))
        _reject(items, rec.Index, "缺少项目代码")
    v = _valid(items)
    for rec in frames.rows(v[~v["code"].isin(rulebook.items.index)]):
        problems.append(error("unknown-code", f"项目代码“{rec.code}”不在积分规则中，不予计分",
                                 "请对照积分规则（rulebook.xlsx）改正项目代码。", **_where(rec, "项目代码")))
        _reject(items, rec.Index, f"未知项目代码 {rec.code}")
    v = _valid(items)
    declarable = rulebook.items["self_declarable"]
    bad = v[(v["source"] == "申报") & ~v["code"].map(declarable).fillna(False).astype(bool)]
    for rec in frames.rows(bad):
        problems.append(error("not-self-declarable",
                                 f"项目“{rec.code}”不能由干部自主申报（由组织部登记），不予计分",
                                 "基础积分扣分由组织部根据巡访情况登记，请删除该行。", **_where(rec, "项目代码")))
        _reject(items, rec.Index, f"{rec.code} 不可自主申报")
    return problems


def check_quantity(items, ctx):
    v = _valid(items)
    q = v["qty"]
    base = v["kind"] == "base"
    bad = q.isna() | (q <= 0) | (~base & (q != q.round())) | (base & ((q * 2) != (q * 2).round()))
    problems = []
    for rec in frames.rows(v[bad]):
        q1, raw = rec.qty, normalize.clean(rec.qty_raw)
        if pd.isna(q1):
            msg = "数量为空" if not raw else f"数量“{raw}”不是数字"
        elif q1 <= 0:
            msg = f"数量 {raw} 不是正数"
        elif rec.kind != "base":
            msg = f"数量 {raw} 不是整数（加分、扣分项目按次、篇、项计数）"
        else:
            msg = f"扣分数 {raw} 须为 0.5 的整数倍"
        problems.append(error("bad-quantity", msg + "，不予计分", "请填写正整数（基础积分扣分可填 0.5 的倍数）。",
                                 **_where(rec, "数量")))
        _reject(items, rec.Index, msg)
    return problems


def check_date(items, ctx):
    v = _valid(items)
    problems = []
    unreadable = v["date"].isna() & v["date_raw"].map(lambda x: normalize.clean(x) != "")
    for rec in frames.rows(v[unreadable]):
        problems.append(error("bad-date", f"发生日期“{normalize.clean(rec.date_raw)}”无法识别，不予计分",
                                 "请写成 2026-03-15 或设置为日期格式。", **_where(rec, "发生日期")))
        _reject(items, rec.Index, "发生日期无法识别")
    dated = v[v["date"].notna()]
    ends = dated["month"].map(lambda m: normalize.month_end(m))
    late = dated[dated["date"] > ends]
    for rec in frames.rows(late):
        problems.append(error("date-after-month",
                                 f"发生日期 {rec.date:%Y-%m-%d} 晚于所属月份 {rec.month}，不予计分",
                                 "事项应在发生后的月份申报；请核对发生日期或改到正确月份的申报表。",
                                 **_where(rec, "发生日期")))
        _reject(items, rec.Index, "发生日期晚于所属月份")
    return problems


def check_declared_value(items, ctx):
    v = _valid(items)
    v = v[(v["source"] == "申报") & v["declared"].notna()]
    expected = scoring.row_value(v["points"], v["qty"])
    differs = expected != v["declared"].round(scoring.ROUND)
    problems = []
    for rec, exp in zip(frames.rows(v[differs]), expected[differs]):
        problems.append(warning("declared-value-differs",
                                   f"申报分值 {normalize.clean(rec.declared_raw)} 与规则计算的 {exp:g} 分不一致，按规则计 {exp:g} 分",
                                   "申报分值仅供参考，以积分规则为准；无需修改。", **_where(rec, "申报分值")))
    return problems


def check_evidence(items, ctx):
    """需佐证 items with neither a file nor a picture (evidence.py attached them), and file
    names in the 佐证材料 text that were not handed in."""
    from jifen.rules import evidence

    rulebook = ctx["rulebook"]
    v = _valid(items)
    v = v[v["source"] == "申报"]
    needs = v["code"].map(rulebook.items["needs_evidence"]).fillna(False).astype(bool)
    problems = []
    hint = ("请干部把佐证材料（扫描件、照片等）与申报表一起交回：放在以申报表文件名命名的文件夹中，"
            "或文件名以申报表文件名开头，或直接粘贴在“佐证材料”单元格中；审核时请核实。")
    text_only: dict[str, list] = {}
    for rec in frames.rows(v[needs & (v["attachments"].map(len) == 0)]):
        if rec.evidence == "":
            problems.append(warning("missing-evidence", f"项目“{rec.code}”需要佐证材料，但未填写，也没有随表提交文件或图片",
                                       hint, **_where(rec, "佐证材料")))
        else:
            text_only.setdefault(rec.decl or f"{rec.file}|{rec.sheet}", []).append(rec)
    # one warning per declaration (the review list marks each item): a county where nobody
    # hands in files yet gets one line per form in 校验报告, not one per item
    for recs in text_only.values():
        where = {**_where(recs[0], "佐证材料"), "row": 0}
        rows = "、".join(f"第{r.row}行（{r.code}）" for r in recs[:8]) + ("等" if len(recs) > 8 else "")
        problems.append(warning("evidence-not-attached",
                                   f"本表 {len(recs)} 项需佐证的事项只写了文字说明，没有随表提交文件或图片：{rows}",
                                   hint, **where))
    for rec in frames.rows(v[v["evidence"].str.contains("[.．]")]):        # a file name has an extension
        have = {a["name"].lower() for a in rec.attachments if a["kind"] == evidence.FILE}
        missing = [n for n in evidence.named_files(rec.evidence)
                   if not any(h == n.lower() or h.endswith(n.lower()) for h in have)]
        if missing:
            problems.append(warning("evidence-file-not-found",
                                       f"佐证材料中写的文件“{'、'.join(missing)}”没有随表提交（input 中找不到）",
                                       "请干部补交该文件，放在申报表旁（文件名以申报表文件名开头）或以申报表文件名命名的文件夹中。",
                                       **_where(rec, "佐证材料")))
    return problems


def check_duplicate_item_ids(items, ctx):
    """Two rows of one declaration with the same 序号 would share an 事项ID: keep them apart."""
    v = items[(items["source"] == "申报") & (items["status"] == "")]
    dup = v[v.duplicated("item_id", keep="first")]
    problems = []
    for rec in frames.rows(dup):
        new_id = f"{rec.item_id}-行{rec.row}"
        items.at[rec.Index, "item_id"] = new_id
        problems.append(warning("duplicate-seq", f"序号 {rec.seq} 在本表中重复，该行事项ID记为 {new_id}",
                                   "请把序号改为不重复的数字。", **_where(rec, "序号")))
    return problems


def check_per_year_limit(items, ctx):
    """每年上限次数, counted by 数量 in order of month then 序号; the earliest are kept."""
    rulebook = ctx["rulebook"]
    limits = rulebook.items["max_per_year"].dropna()
    v = _valid(items)
    v = v[v["code"].isin(limits.index)]
    problems = []
    if v.empty:
        return problems
    v = v.sort_values(["cadre_id", "year", "code", "month", "source", "seq", "file", "row"], kind="stable")
    used = v.groupby(["cadre_id", "year", "code"])["qty"].cumsum()
    for rec, total in zip(frames.rows(v), used):
        limit = int(limits[rec.code])
        if total > limit:
            problems.append(error("over-yearly-limit",
                                     f"项目“{rec.code}”每年最多计 {limit} 次，{rec.year} 年已达上限，该行不予计分",
                                     "同一年度该项目只能计分一次（如上年度考核结果），请删除重复的申报或登记。",
                                     **_where(rec, "项目代码")))
            _reject(items, rec.Index, f"超过每年上限 {limit} 次")
    return problems


CHECKS = [
    check_duplicate_item_ids,
    check_declaration_header,
    check_register_fields,
    check_duplicate_register_ids,
    check_cadre_known,
    check_on_roster,
    check_code,
    check_quantity,
    check_date,
    check_declared_value,
    check_evidence,
    check_per_year_limit,
]


def validate_items(items: pd.DataFrame, rulebook, roster, units: dict | None = None) -> list[Problem]:
    """Run every check in order; rows still valid afterwards await review or count.
    `units`: declaration key → the 单位 its header names."""
    ctx = {"rulebook": rulebook, "roster": roster, "units": units or {}}
    problems: list[Problem] = []
    for check in CHECKS:
        if items.empty:
            break
        problems += check(items, ctx)
    return problems


def mark_valid(items: pd.DataFrame, review_required: bool) -> None:
    """Valid register rows count; valid declared rows await review unless the rulebook says not."""
    valid = items["status"] == ""
    declared = items["source"] == "申报"
    items.loc[valid & ~declared, "status"] = COUNTED
    items.loc[valid & declared, "status"] = PENDING if review_required else COUNTED
    items.loc[valid & declared & (items["status"] == PENDING), "reason"] = "等待组织部审核"


def check_template_versions(decls: list[dict], rulebook) -> list[Problem]:
    """A declaration made from a template offering other items (codes, names, points) than the
    current rulebook: a warning, never a rejection. A rulebook changed only in its parameters
    or 通报设置 offers the same items, so its templates are not old."""
    from jifen.rulebook import declarable_digest

    problems, current = [], None
    for d in decls:
        info = d.get("template") or {}
        digest, sha = info.get("可申报项目摘要"), info.get("规则文件SHA-256")
        if digest:
            current = current or declarable_digest(rulebook)
            old = digest != current
        else:                      # a template listing no items: only its rulebook's fingerprint
            old = bool(sha) and sha != rulebook.sha256
        if old:
            problems.append(warning(
                "template-old-rulebook", "该申报表所用的模板来自旧版积分规则（可申报项目的代码、名称或分值已改变），已按现行规则计分",
                "下月请使用新生成的申报模板（process.py template --month YYYY-MM）。",
                file=d["file"], sheet=d["sheet"], cadre_id=d["cadre_id"]))
    return problems


def check_duplicate_declarations(decls: list[dict]) -> tuple[set, list[Problem]]:
    """Two declaration workbooks for one cadre and month (SPEC §4).

    Byte-identical copies count once; an empty copy yields to the other; otherwise both are
    held back until a clerk removes one. → (declaration keys whose items are not used, problems)
    """
    drop, problems = set(), []
    groups: dict[tuple, list[dict]] = {}
    for d in decls:
        if d["cadre_id"] and d["month"]:
            # a continuation (续表) adds to the month's declaration: only continuations with
            # the same number can conflict
            groups.setdefault((d["cadre_id"], d["month"], d.get("continuation", 0)), []).append(d)
    for (cid, month, part), group in sorted(groups.items()):
        if len(group) < 2:
            continue
        group = sorted(group, key=lambda d: d["key"])
        kept = group[0]
        for other in group[1:]:
            where = {"file": other["file"], "sheet": other["sheet"], "cell": "", "cadre_id": cid}
            if other["sha256"] == kept["sha256"]:
                drop.add(other["key"])
                problems.append(warning("duplicate-declaration-identical",
                                           f"与 {kept['file']} 完全相同（重复提交），只计一次",
                                           "可把重复的一份移出 input 文件夹（两份完全相同，只计一次，不影响结果）。", **where))
            elif other["n_items"] == 0:
                drop.add(other["key"])
                problems.append(warning("duplicate-declaration-empty",
                                           f"{cid} 的 {month} 申报表有两份，本份没有事项，采用 {kept['file']}",
                                           "可删除没有事项的那一份。", **where))
            elif kept["n_items"] == 0:
                drop.add(kept["key"])
                problems.append(warning("duplicate-declaration-empty",
                                           f"{cid} 的 {month} 申报表有两份，{kept['file']} 没有事项，采用本份",
                                           "可删除没有事项的那一份。", **where))
                kept = other
            else:
                drop.update({kept["key"], other["key"]})
                what = f"续表{part}" if part else "申报表"
                problems.append(error("duplicate-declaration-conflict",
                                         f"{cid} 的 {month} {what}有两份且内容不同（另一份：{kept['file']}），两份都暂不计分",
                                         "请确认哪一份有效，把另一份移出 input 文件夹后重新运行；如两份都要申报，"
                                         "请在后交的一份的“续表”栏填写“是”（再有一份填 2、3…）。", **where))
    return drop, problems
