"""Read and validate rulebook.xlsx into typed rules and parameters.

A broken rulebook stops the run before any input is read (RulebookError, every fault named by
sheet, row and column); a missing parameter takes its documented default with a warning, so a
rulebook a clerk edited keeps working as parameters are added.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd

from jifen import normalize
from jifen.files import sha256_of_file
from jifen.problems import Problem, RulebookError, cell_name, error, warning
from jifen.rules_default import ITEM_COLUMNS, ITEM_SHEETS, NOTICE_COLUMNS, PARAMETERS

PARAM_SHEET = "参数"
NOTICE_SHEET = "通报设置"
KNOWN_SHEETS = set(ITEM_SHEETS) | {PARAM_SHEET, NOTICE_SHEET, "使用说明"}


@dataclass
class Rulebook:
    items: pd.DataFrame                 # one row per item code, see `_item_record`
    params: dict                        # parameter name → typed value
    notices: dict = field(default_factory=dict)   # period key (2026Q1 / 2026) → settings
    sha256: str = ""
    path: str = ""
    warnings: list = field(default_factory=list)

    def item(self, code: str) -> dict | None:
        if code in self.items.index:
            return self.items.loc[code].to_dict()
        return None

    @property
    def base_score(self) -> Decimal:
        return Decimal(str(self.params["基础分"]))

    @property
    def top_line(self) -> Decimal:
        line = self.params["先进分数线"]
        return self.base_score if line is None else Decimal(str(line))

    @property
    def bottom_line(self) -> Decimal:
        line = self.params["末位分数线"]
        return self.base_score if line is None else Decimal(str(line))


def offer_digest(rows) -> str:
    """Fingerprint of the items a declaration template offers: (code, name, points) rows, in
    any order. Two rulebooks that differ only in parameters or 通报设置 offer the same items,
    so templates made from either are equally good."""
    lines = sorted(f"{normalize.text(code)}|{normalize.text(name)}|{float(points):g}" for code, name, points in rows)
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:16]


def declarable_digest(rulebook: Rulebook) -> str:
    codes = rulebook.items[rulebook.items["self_declarable"]]
    return offer_digest(zip(codes["code"], codes["name"], codes["points"]))


def read_rulebook(path: Path) -> Rulebook:
    """Load rulebook.xlsx; raise RulebookError with every fatal problem found."""
    path = Path(path)
    where = {"file": path.name}
    if not path.exists():
        raise RulebookError([error(
            "rulebook-missing", f"找不到规则文件 {path}", "请把 rulebook.xlsx 放在程序目录，或用 --rulebook 指定。",
            **where)])
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # any parse failure is the clerk's file, not our bug
        raise RulebookError([error(
            "rulebook-unreadable", f"规则文件无法打开：{exc}", "请用 Excel 打开检查后另存为 .xlsx。", **where)]) from exc
    errors: list[Problem] = []
    warnings: list[Problem] = []
    sheets = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
    wb.close()

    records = []
    seen: dict[str, str] = {}
    for sheet, kind in ITEM_SHEETS.items():
        if sheet not in sheets:
            errors.append(error("rulebook-sheet-missing", f"规则文件缺少工作表“{sheet}”",
                                   "请从程序自带的 rulebook.xlsx 复制该工作表。", file=path.name, sheet=sheet))
            continue
        errors += _read_items(sheets[sheet], sheet, kind, path.name, records, seen)
    for name in sheets:
        if name not in KNOWN_SHEETS:
            warnings.append(warning("rulebook-extra-sheet", f"规则文件中的工作表“{name}”不是程序使用的表，已忽略",
                                       "如无需要可删除该表。", file=path.name, sheet=name))
    params, p_err, p_warn = _read_params(sheets.get(PARAM_SHEET), path.name)
    errors += p_err
    warnings += p_warn
    notices, n_err = _read_notices(sheets.get(NOTICE_SHEET), path.name)
    errors += n_err
    if errors:
        raise RulebookError(errors)
    items = pd.DataFrame.from_records(records).set_index("code", drop=False)
    return Rulebook(items=items, params=params, notices=notices, sha256=sha256_of_file(path),
                    path=str(path), warnings=warnings)


def _header_index(rows: list[list], wanted: list[str], required: list[str]):
    """Find the header row (the first holding every required label) → (row index, {label: col})."""
    for r, row in enumerate(rows[:30]):
        labels = [normalize.label(v) for v in row]
        if all(req in labels for req in required):
            return r, {w: labels.index(w) for w in wanted if w in labels}
    return None, {}


def _read_items(rows, sheet, kind, fname, records, seen) -> list[Problem]:
    errors = []
    required = ["代码", "名称", "上限" if kind == "base" else "分值"]
    hr, cols = _header_index(rows, ITEM_COLUMNS, required)
    if hr is None:
        return [error("rulebook-header", f"工作表“{sheet}”找不到表头（须含 {'、'.join(required)}）",
                         "请恢复表头行。", file=fname, sheet=sheet)]

    def get(row, name):
        c = cols.get(name)
        return row[c] if c is not None and c < len(row) else None

    def num(row, r, name, required_):
        raw = get(row, name)
        if raw is None or normalize.text(raw) == "":
            if required_:
                errors.append(error("rulebook-value", f"“{name}”为空", "请填写数字。", file=fname,
                                       sheet=sheet, cell=cell_name(r, cols.get(name))))
            return None
        value = normalize.number(raw)
        if value is None or value < 0:
            errors.append(error("rulebook-value", f"“{name}”的值“{normalize.text(raw)}”不是非负数字",
                                   "请填写数字（扣分也写正数）。", file=fname, sheet=sheet,
                                   cell=cell_name(r, cols.get(name))))
        return value

    for r in range(hr + 1, len(rows)):
        row = rows[r]
        code = normalize.cadre_id(get(row, "代码"))
        if not code:
            continue
        if code in seen:
            errors.append(error("rulebook-duplicate-code", f"项目代码 {code} 重复（已在 {seen[code]} 出现）",
                                   "每个代码只能出现一次。", file=fname, sheet=sheet,
                                   cell=cell_name(r, cols["代码"])))
            continue
        seen[code] = f"“{sheet}”第{r + 1}行"
        points = num(row, r, "分值", kind != "base")
        cap = num(row, r, "上限", kind == "base")
        per_year = num(row, r, "每年上限次数", False)
        records.append({
            "code": code, "kind": kind, "category": normalize.clean(get(row, "类别")),
            "name": normalize.clean(get(row, "名称")),
            "points": float(points) if points is not None else (1.0 if kind == "base" else 0.0),
            "cap": float(cap) if cap is not None else None,
            "unit": normalize.text(get(row, "计分单位")) or "每次",
            "self_declarable": normalize.yes(get(row, "可自主申报"), default=kind != "base"),
            "needs_evidence": normalize.yes(get(row, "需佐证")),
            "max_per_year": int(per_year) if per_year is not None else None,
            "note": normalize.clean(get(row, "说明")),
            "origin": f"{sheet}!{r + 1}",
        })
    return errors


def parse_param(spec, raw):
    """Convert one parameter cell; returns (value, error message or None)."""
    s = normalize.text(raw)
    if s == "":
        return None, None
    if spec.kind in ("number", "int", "share"):
        pct = s.endswith("%")
        value = normalize.number(s.rstrip("%"))
        if value is None:
            return None, f"参数“{spec.name}”的值“{s}”不是数字"
        if pct or (spec.kind == "share" and value > 1):
            value = value / 100
        if spec.kind == "int":
            if value != int(value):
                return None, f"参数“{spec.name}”须为整数，当前为“{s}”"
            value = int(value)
        if (spec.minimum is not None and value < spec.minimum) or (
                spec.maximum is not None and value > spec.maximum):
            return None, f"参数“{spec.name}”的值 {s} 超出范围 {spec.minimum}～{spec.maximum}"
        return (value if spec.kind == "int" else float(value)), None
    if spec.kind == "bool":
        if s in ("是", "否"):
            return s == "是", None
        return None, f"参数“{spec.name}”须填“是”或“否”，当前为“{s}”"
    if spec.kind == "list":
        return [p for p in re.split(r"[、,，;；\s]+", s) if p], None
    return normalize.clean(raw), None


def _read_params(rows, fname):
    errors, warnings, params = [], [], {}
    found: dict[str, tuple[object, int, int]] = {}
    if rows is None:
        warnings.append(warning("rulebook-params-missing", f"规则文件缺少工作表“{PARAM_SHEET}”，全部参数取默认值",
                                   "", file=fname, sheet=PARAM_SHEET))
    else:
        hr, cols = _header_index(rows, ["参数", "值"], ["参数", "值"])
        if hr is None:
            errors.append(error("rulebook-header", f"工作表“{PARAM_SHEET}”找不到表头（参数、值）",
                                   "请恢复表头行。", file=fname, sheet=PARAM_SHEET))
        else:
            for r in range(hr + 1, len(rows)):
                row = rows[r]
                name = normalize.label(row[cols["参数"]] if cols["参数"] < len(row) else None)
                if name:
                    found[name] = (row[cols["值"]] if cols["值"] < len(row) else None, r, cols["值"])
    for spec in PARAMETERS:
        if spec.name not in found:
            warnings.append(warning("rulebook-param-default",
                                       f"参数“{spec.name}”未在规则文件中设置，取默认值 {_show(spec.default)}",
                                       "如需修改，请在“参数”表中增加该行。", file=fname, sheet=PARAM_SHEET))
            params[spec.name] = spec.default
            continue
        raw, r, c = found[spec.name]
        value, msg = parse_param(spec, raw)
        if msg:
            errors.append(error("rulebook-value", msg, "请改正后重新运行。", file=fname, sheet=PARAM_SHEET,
                                   cell=cell_name(r, c)))
        params[spec.name] = value if normalize.text(raw) != "" else (
            None if spec.default is None else spec.default)
    for name, (_, r, _) in found.items():
        if name not in {p.name for p in PARAMETERS}:
            warnings.append(warning("rulebook-unknown-param", f"参数“{name}”不是程序认识的参数，已忽略",
                                       "请检查参数名称是否写错。", file=fname, sheet=PARAM_SHEET,
                                       cell=cell_name(r, None)))
    return params, errors, warnings


def _show(value) -> str:
    if value is None:
        return "（空）"
    if value is True or value is False:
        return "是" if value else "否"
    return str(value)


def period_key(value) -> str | None:
    """`2026Q1`, `2026年第一季度`, `2026年第1季度`, `2026`, `2026年度` → canonical key."""
    s = normalize.text(value).replace(" ", "").upper()
    m = re.match(r"^(\d{4})(?:Q|年第)([1-4一二三四])(?:季度)?$", s)
    if m:
        q = "1234一二三四".index(m.group(2)) % 4 + 1
        return f"{m.group(1)}Q{q}"
    m = re.match(r"^(\d{4})(年|年度)?$", s)
    if m:
        return m.group(1)
    return None


def _read_notices(rows, fname):
    errors, notices = [], {}
    if rows is None:
        return notices, errors
    hr, cols = _header_index(rows, NOTICE_COLUMNS, ["期间"])
    if hr is None:
        return notices, errors
    for r in range(hr + 1, len(rows)):
        row = rows[r]

        def get(name, row=row):
            c = cols.get(name)
            return row[c] if c is not None and c < len(row) else None

        raw = get("期间")
        if normalize.text(raw) == "":
            continue
        key = period_key(raw)
        if key is None:
            errors.append(error("rulebook-value", f"通报设置的期间“{normalize.text(raw)}”无法识别",
                                   "请写成 2026Q1 或 2026年第一季度 或 2026年度。", file=fname,
                                   sheet=NOTICE_SHEET, cell=cell_name(r, cols["期间"])))
            continue
        entry = {"文号": normalize.text(get("文号")), "申辩途径": normalize.clean(get("申辩途径"))}
        for name in ("发文日期", "申辩截止日期"):
            raw_d = get(name)
            d = normalize.date(raw_d)
            if normalize.text(raw_d) and d is None:
                errors.append(error("rulebook-value", f"通报设置的{name}“{normalize.text(raw_d)}”不是日期",
                                       "请写成 2026-04-10。", file=fname, sheet=NOTICE_SHEET,
                                       cell=cell_name(r, cols[name])))
            entry[name] = d
        notices[key] = entry
    return notices, errors


def notice_dates(rulebook: Rulebook, key: str, period_end: dt.date) -> dict:
    """发文日期 / 文号 / 申辩截止日期 / 申辩途径 for a period: from 通报设置, else the documented defaults."""
    from jifen.rules_default import DEFAULT_APPEAL_ROUTE

    entry = dict(rulebook.notices.get(key, {}))
    issued = entry.get("发文日期") or period_end + dt.timedelta(days=10)
    return {"发文日期": issued, "文号": entry.get("文号", ""), "申辩途径": entry.get("申辩途径") or DEFAULT_APPEAL_ROUTE,
            "申辩截止日期": entry.get("申辩截止日期") or issued + dt.timedelta(days=7)}
