"""Find labelled fields and table headers by their text, never by fixed cell addresses."""

from __future__ import annotations

from jifen import normalize

# header text a clerk might type → the canonical column name
SYNONYMS = {
    "代码": "项目代码", "积分项目代码": "项目代码", "项目编码": "项目代码",
    "编号": "干部编号", "干部编码": "干部编号",
    "申报月份": "月份", "所属月份": "月份", "积分月份": "月份",
    "分值": "申报分值", "佐证": "佐证材料", "证明材料": "佐证材料",
    "同一事项": "同一事项标识", "事项标识": "同一事项标识",
    "项目": "项目名称", "说明": "事项说明",
}


def canon(value) -> str:
    s = normalize.label(value)
    return SYNONYMS.get(s, s)


def getter(cols: dict):
    """row, column name → the cell under that header, or None (rows may be ragged)."""
    def get(row, name):
        c = cols.get(name)
        return row[c] if c is not None and c < len(row) else None
    return get


def header_rows(rows, limit: int = 40) -> list[dict]:
    """Canonical header names found in each of the first rows → {name: first column}.

    Computed once per sheet; recognising a sheet tries several header patterns on it.
    """
    out = []
    for row in rows[:limit]:
        names: dict[str, int] = {}
        for c, v in enumerate(row):
            if isinstance(v, str):
                names.setdefault(canon(v), c)
        out.append(names)
    return out


def is_blank(value) -> bool:
    return value is None or normalize.text(value) == ""


def find_header(rows, required, limit: int = 40, heads: list[dict] | None = None):
    """→ (row index, {canonical name: column index}) of the first row holding all `required`."""
    for r, names in enumerate(heads if heads is not None else header_rows(rows, limit)):
        if all(req in names for req in required):
            return r, names
    return None, {}


def find_fields(rows, fields: dict, stop_row: int | None = None, known_labels=()) -> dict:
    """For each key of `fields` (key → its label texts): the labelled field's
    (value, row, col), or (None, row, col) when empty, or (None, None, None) when absent.

    The value is the next non-empty cell to the label's right, or follows a colon in the
    same cell (`姓名：张三`). A next cell that is itself a label means the field is empty.
    The text cells are normalised once for all the fields.
    """
    end = len(rows) if stop_row is None else stop_row
    cells = []
    for r in range(min(end, len(rows))):
        for c, v in enumerate(rows[r]):
            if isinstance(v, str):
                t = normalize.text(v)
                head, sep, tail = t.replace(" ", "").partition(":")
                cells.append((r, c, t, head, sep, tail, normalize.label(t)))
    labels = {normalize.label(n) for n in known_labels}
    for names in fields.values():
        labels |= {normalize.label(n) for n in names}
    return {key: _field(rows, cells, {normalize.label(n) for n in names}, labels) for key, names in fields.items()}


def _field(rows, cells, wanted: set, labels: set):
    for r, c, t, head, sep, tail, lab in cells:
        if sep and head in wanted:
            if tail:
                return t.split(":", 1)[1].strip(), r, c
        elif lab not in wanted:
            continue
        row = rows[r]
        for c2 in range(c + 1, len(row)):
            nxt = row[c2]
            if is_blank(nxt):
                continue
            if isinstance(nxt, str) and normalize.label(nxt) in labels:
                return None, r, c + 1
            return nxt, r, c2
        return None, r, c + 1
    return None, None, None


def cell_warnings(raw, what: str, where: dict) -> list:
    """Problems a raw ID-like cell carries even when it normalises fine: invisible characters
    (a copy-paste lookup in Excel then fails) and a long number Excel cut to 15 digits."""
    from jifen.problems import error, warning
    out = []
    if isinstance(raw, float) and abs(raw) >= 1e15:
        out.append(error("id-precision-lost", f"{what}是一个超过 15 位的数字，Excel 已丢失末几位（读到 {raw:.0f}）",
                            f"请把该单元格设置为文本格式后重新输入完整的{what}。", **where))
    elif isinstance(raw, str) and normalize.has_invisible(raw.replace("\u3000", "") if what == "姓名" else raw):
        # a full-width space inside a two-character name (“张　三”) is deliberate alignment
        out.append(warning("invisible-characters", f"{what}“{normalize.clean(raw)}”中含有不可见字符（零宽空格、不换行空格、全角空格等），已自动去除",
                              "建议在表格中删除这些字符，以免用 Excel 查找、比对时对不上。", **where))
    return out
