"""Recognise what a sheet holds by its content (sheet name or header row), never by file name."""

from __future__ import annotations

from jifen.readers import locate

ROSTER, DECLARATION, REGISTER, REVIEW, HISTORY = "名册", "申报表", "登记表", "审核结论", "历史结果"

_SHEET_NAMES = {"干部名册": ROSTER, "积分申报表": DECLARATION, "积分登记表": REGISTER,
                "历年结果": HISTORY}

# kind → header labels that identify it (first match wins, most specific first)
_HEADERS = [
    (REVIEW, ["事项ID", "审核结论"]),
    (HISTORY, ["年度", "干部编号", "年度名次"]),
    (HISTORY, ["年度", "干部编号", "等次"]),
    (REGISTER, ["干部编号", "月份", "项目代码", "数量"]),
    (DECLARATION, ["序号", "项目代码", "数量"]),
    (ROSTER, ["干部编号", "姓名", "干部类别"]),
]


def sheet_kind(name: str, rows) -> tuple[str | None, int | None, dict]:
    """→ (kind, header row index, header columns); kind None when the sheet is not ours."""
    heads = locate.header_rows(rows)
    for kind, required in _HEADERS:
        hr, cols = locate.find_header(rows, required, heads=heads)
        if hr is not None:
            return kind, hr, cols
    kind = _SHEET_NAMES.get(name.strip())
    return (kind, None, {}) if kind else (None, None, {})
