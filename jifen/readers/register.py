"""积分登记表: the department's own records (many cadres), counted as entered."""

from __future__ import annotations

from jifen import normalize
from jifen.problems import cell_name, col_letter, warning
from jifen.readers import locate

FIELDS = ["登记编号", "干部编号", "姓名", "月份", "项目代码", "事项说明", "同一事项标识", "发生日期", "数量",
          "依据", "登记人"]


def read_register_sheet(rows, hr, cols, file, sheet, stem):
    items, problems = [], []
    where = {"file": file, "sheet": sheet}
    if "登记编号" not in cols:
        problems.append(warning(
            "register-no-id-column", "登记表没有“登记编号”列，已按“文件名-行号”生成事项ID",
            "请增加“登记编号”列并为每行填写唯一编号，否则插入行后对登记事项的复核结论会失效。", **where))

    get = locate.getter(cols)
    letters = {k: col_letter(v) for k, v in cols.items() if k in FIELDS}   # shared by the rows

    for r in range(hr + 1, len(rows)):
        row = rows[r]
        if all(locate.is_blank(get(row, n)) for n in ("干部编号", "项目代码", "数量", "事项说明")):
            continue
        if locate.canon(get(row, "项目代码")) == "项目代码":
            continue  # a repeated header
        if all(locate.is_blank(get(row, n)) for n in ("数量", "月份")) and _is_note(row):
            continue  # 制表人：…, 注：… under the table
        for field, what in (("干部编号", "干部编号"), ("姓名", "姓名"), ("项目代码", "项目代码"), ("月份", "月份")):
            if field in cols:
                problems += locate.cell_warnings(get(row, field), what, {
                    "file": file, "sheet": sheet, "cell": cell_name(r, cols[field]), "row": r + 1})
        reg_id = normalize.text(get(row, "登记编号")).replace(" ", "")
        if not reg_id:
            reg_id = f"{stem}-{r + 1}"
            if "登记编号" in cols:
                problems.append(warning("register-missing-id", f"登记编号为空，已生成 {reg_id}",
                                           "请为每行填写唯一的登记编号。",
                                           cell=cell_name(r, cols["登记编号"]), row=r + 1, **where))
        month_raw = get(row, "月份")
        items.append({
            "source": "登记", "cadre_id": normalize.cadre_id(get(row, "干部编号")),
            "name": normalize.text(get(row, "姓名")).replace(" ", ""), "month": normalize.month(month_raw),
            "month_raw": normalize.clean(month_raw), "seq": r + 1,
            "code": normalize.cadre_id(get(row, "项目代码")), "desc": normalize.clean(get(row, "事项说明")),
            "matter": normalize.text(get(row, "同一事项标识")), "date_raw": get(row, "发生日期"),
            "qty_raw": get(row, "数量"), "declared_raw": None, "evidence": "",
            "note": "", "basis": normalize.clean(get(row, "依据")), "registrar": normalize.clean(get(row, "登记人")),
            "reg_id": reg_id, "file": file, "sheet": sheet, "row": r + 1,
            "cols": letters,
        })
    return items, problems


_NOTE_WORDS = ("制表", "注：", "注:", "备注：", "审核人", "填表", "签字", "日期：", "说明：")


def _is_note(row) -> bool:
    texts = [normalize.text(v) for v in row if isinstance(v, str) and normalize.text(v)]
    return bool(texts) and any(t.startswith(w) or w in t for t in texts for w in _NOTE_WORDS)
