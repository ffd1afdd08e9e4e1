"""审核结论: decision rows read back from a review list a clerk filled in input/."""

from __future__ import annotations

from jifen import normalize
from jifen.problems import cell_name, col_letter, error
from jifen.readers import locate

DECISION_FIELDS = ["事项ID", "指纹", "干部编号", "初评意见", "审核结论", "审核分值", "不通过原因", "审核意见",
                   "审核人", "审核日期", "类型"]


def read_review_sheet(rows, hr, cols, file, sheet):
    """Rows whose 审核结论 is filled; blank ones are simply undecided."""
    records, problems = [], []

    get = locate.getter(cols)
    letters = {k: col_letter(v) for k, v in cols.items() if k in DECISION_FIELDS}   # shared by the rows

    for r in range(hr + 1, len(rows)):
        row = rows[r]
        conclusion = normalize.text(get(row, "审核结论")).replace(" ", "")
        item_id = normalize.text(get(row, "事项ID")).replace(" ", "")
        if not conclusion:
            continue
        if not item_id:
            problems.append(error("review-missing-id", "该行填写了审核结论但没有事项ID，未采用",
                                     "请不要删除或修改“事项ID”列。", file=file, sheet=sheet,
                                     cell=cell_name(r, cols.get("事项ID")), row=r + 1))
            continue
        date_raw = get(row, "审核日期")
        records.append({
            "item_id": item_id, "fingerprint": normalize.text(get(row, "指纹")).replace(" ", ""),
            "cadre_id": normalize.cadre_id(get(row, "干部编号")),
            "first_opinion": normalize.clean(get(row, "初评意见")), "conclusion": conclusion,
            "value_raw": get(row, "审核分值"), "value": normalize.number(get(row, "审核分值")),
            "reject_reason": normalize.text(get(row, "不通过原因")).replace(" ", ""),
            "opinion": normalize.clean(get(row, "审核意见")), "reviewer": normalize.clean(get(row, "审核人")),
            "date_raw": normalize.clean(date_raw), "date": normalize.date(date_raw),
            "type": normalize.text(get(row, "类型")).replace(" ", "") or "初审",
            "file": file, "sheet": sheet, "row": r + 1,
            "cols": letters,
        })
    return records, problems
