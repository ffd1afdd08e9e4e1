"""积分申报表: one cadre, one month; labelled fields above an item table."""

from __future__ import annotations

import re

from jifen import normalize
from jifen.problems import cell_name, col_letter, error
from jifen.readers import locate

FIELDS = {"干部编号": ["干部编号", "编号"], "姓名": ["姓名"], "单位": ["单位", "工作单位"],
          "月份": ["申报月份", "月份", "所属月份"], "续表": ["续表", "是否续表"]}
ITEM_FIELDS = ["序号", "项目代码", "项目名称", "事项说明", "同一事项标识", "发生日期", "数量", "申报分值",
               "佐证材料", "备注"]
_FOOTER_WORDS = ("承诺", "签字", "签名", "审核人", "日期：", "日期:")
_ALL_LABELS = [n for names in FIELDS.values() for n in names]


def continuation_number(value) -> int:
    """The 续表 field: 0 for the month's main declaration; 1 for 是 / 续表; n for a number n
    (a second continuation of the same month says 2)."""
    text = normalize.text(value)
    if not text or text in ("否", "不是", "无", "0"):
        return 0
    digits = re.search(r"\d+", text)
    if digits and 0 < int(digits.group()) < 100:
        return int(digits.group())
    return 1 if text.startswith(("是", "续")) or text.lower() in ("y", "yes") else 0


def _is_footer(row) -> bool:
    texts = [normalize.text(v) for v in row if isinstance(v, str)]
    return bool(texts) and any(w in t for t in texts for w in _FOOTER_WORDS)


def _looks_like_item(code, qty, row) -> bool:
    """A row that holds an item (a code, or a quantity that is not a footer's label)."""
    if not locate.is_blank(code):
        return True
    if locate.is_blank(qty):
        return False
    return not (isinstance(qty, str) and _is_footer(row))


def read_declaration_sheet(rows, hr, cols, file, sheet):
    """→ (header record, item records, problems)."""
    problems = []
    head = {"file": file, "sheet": sheet, "cells": {}}
    for key, (value, r, c) in locate.find_fields(rows, FIELDS, stop_row=hr, known_labels=_ALL_LABELS).items():
        head[key] = value
        head["cells"][key] = cell_name(r, c) if r is not None else ""
    for key, what in (("干部编号", "干部编号"), ("姓名", "姓名"), ("月份", "申报月份")):
        problems += locate.cell_warnings(head[key], what, {"file": file, "sheet": sheet,
                                                           "cell": head["cells"][key]})
    cid = normalize.cadre_id(head["干部编号"])
    month = normalize.month(head["月份"])
    decl = {
        "file": file, "sheet": sheet, "cadre_id": cid,
        "name": normalize.text(head["姓名"]).replace(" ", ""), "unit": normalize.clean(head["单位"]),
        "month": month, "month_raw": normalize.clean(head["月份"]), "cells": head["cells"],
        "continuation": continuation_number(head["续表"]),
    }
    if not head["cells"].get("续表"):
        head["cells"].pop("续表", None)     # an optional field: only where the form has it
    where = {"file": file, "sheet": sheet}
    if not cid:
        problems.append(error("missing-cadre-id", "申报表没有填写干部编号，本表所有事项不予计分",
                                 "请在“干部编号”后填写组织部统一编号。",
                                 cell=head["cells"]["干部编号"] or "表头", **where))
    if month is None:
        msg = ("申报表没有填写申报月份" if not decl["month_raw"]
               else f"申报月份“{decl['month_raw']}”无法识别")
        problems.append(error("bad-month", msg + "，本表所有事项不予计分",
                                 "请填写申报月份，如 2026年3月 或 2026-03。",
                                 cell=head["cells"]["月份"] or "表头", cadre_id=cid, **where))

    get = locate.getter(cols)
    letters = {k: col_letter(v) for k, v in cols.items() if k in ITEM_FIELDS}   # shared by the rows

    items = []
    last_item_row = max((r for r in range(hr + 1, len(rows)) if _looks_like_item(get(rows[r], "项目代码"),
                                                                                 get(rows[r], "数量"), rows[r])),
                        default=hr)
    for r in range(hr + 1, len(rows)):
        row = rows[r]
        code_raw, qty_raw = get(row, "项目代码"), get(row, "数量")
        if locate.canon(code_raw) == "项目代码" and locate.canon(qty_raw) == "数量":
            continue  # a repeated header (a second section of the table)
        if locate.is_blank(code_raw) and locate.is_blank(qty_raw):
            if r > last_item_row and _is_footer(row):
                break
            content = [get(row, n) for n in ("事项说明", "同一事项标识", "发生日期", "佐证材料")]
            if all(locate.is_blank(v) for v in content):
                continue  # an empty template line (only 序号 pre-filled) or a blank row
        if "项目代码" in cols:
            problems += locate.cell_warnings(code_raw, "项目代码", {
                "file": file, "sheet": sheet, "cell": cell_name(r, cols["项目代码"]), "row": r + 1})
        seq_num = normalize.number(get(row, "序号"))
        seq = int(seq_num) if seq_num is not None and seq_num == int(seq_num) else None
        items.append({
            "source": "申报", "cadre_id": cid, "name": decl["name"], "month": month,
            "seq": seq if seq is not None else len(items) + 1,
            "code": normalize.cadre_id(code_raw), "desc": normalize.clean(get(row, "事项说明")),
            "matter": normalize.text(get(row, "同一事项标识")),
            "date_raw": get(row, "发生日期"), "qty_raw": qty_raw,
            "declared_raw": get(row, "申报分值"), "evidence": normalize.clean(get(row, "佐证材料")),
            "note": normalize.clean(get(row, "备注")), "basis": "", "registrar": "", "reg_id": "",
            "file": file, "sheet": sheet, "row": r + 1, "part": decl["continuation"],
            "cols": letters,
            "head_cells": head["cells"],
        })
    decl["n_items"] = len(items)
    return decl, items, problems
