"""台账/积分总台账_YYYY.xlsx: every item read, the audit trail, 弄虚作假 items, the parameters."""

from __future__ import annotations

import pandas as pd

from jifen.outputs import common
from jifen.outputs.annual import params_frame
from jifen.outputs.xlsx import Book, write_table
from jifen.rules import reviews

AUDIT_CN = {"item_id": "事项ID", "matched_id": "对应事项", "cadre_id": "干部编号", "conclusion": "审核结论",
            "value": "审核分值", "reject_reason": "不通过原因", "opinion": "审核意见", "first_opinion": "初评意见",
            "reviewer": "审核人", "date": "审核日期", "type": "类型", "file": "来源文件", "row": "行号",
            "outcome": "处理结果"}


def audit_sheet(audit: pd.DataFrame, year: int) -> pd.DataFrame:
    if audit is None or audit.empty:
        return pd.DataFrame(columns=list(AUDIT_CN.values()))
    ids = audit["matched_id"].where(audit["matched_id"] != "", audit["item_id"])
    part = audit[ids.str.contains(f"-{year}-", regex=False) | ~ids.str.match(r"^.+-\d{4}-\d{2}-")]
    df = part[list(AUDIT_CN)].rename(columns=AUDIT_CN).copy()
    df["审核分值"] = df["审核分值"].map(lambda v: None if v is None else common.num(v))
    return df.reset_index(drop=True)


def write_master_ledger(res, log, year: int, rows: pd.DataFrame) -> None:
    path = res.options.output_dir / "台账" / f"积分总台账_{year}.xlsx"
    audit = audit_sheet(res.audit, year)
    fraud = rows[rows["事项ID"].isin(res.items.loc[res.items["reject_reason"] == reviews.FRAUD, "item_id"])]
    fixes = [t.assign(期间=k) for k, t in sorted(res.corrections.items()) if k.startswith(str(year))]
    if log.reuse(path, (rows, audit, fraud, fixes, common.mark(res), common.stamp(res))):
        return
    book = Book(f"{year}年积分总台账", mark=common.mark(res), stamp=common.stamp(res))
    county = res.rulebook.params["县名"]
    tints = ["" if s == "计分" else "bad" if s in ("无效", "不通过") else "" for s in rows["状态"]]
    counts = rows["状态"].value_counts()
    summary = "，".join(f"{s} {int(counts.get(s, 0))} 行" for s in ("计分", "待审核", "不通过", "无效"))
    write_table(book, book.sheet("积分明细"), rows,
                title=f"{county}县{year}年日常积分总台账", subtitle=f"共 {len(rows)} 行：{summary}。{common.stamp(res)}",
                widths={"项目名称": 24, "事项说明": 26, "差异说明": 36, "审核依据": 30, "来源文件": 30, "单位": 16},
                wrap={"项目名称", "事项说明", "差异说明", "审核依据", "来源文件"}, row_formats=tints, seal=True)
    write_table(book, book.sheet("审核记录"), audit,
                title=f"{year}年审核记录（读到的全部审核结论）", subtitle=common.stamp(res),
                widths={"审核意见": 30, "来源文件": 30, "处理结果": 24}, wrap={"审核意见", "来源文件"}, seal=True)
    write_table(book, book.sheet("弄虚作假事项"), fraud,
                title=f"{year}年审核认定为弄虚作假的事项（请按方案附则跟进处理）", subtitle=common.stamp(res),
                widths={"项目名称": 24, "事项说明": 26, "差异说明": 36}, wrap={"差异说明"})
    if fixes:
        table = pd.concat(fixes, ignore_index=True)
        table = table[["期间"] + [c for c in table.columns if c != "期间"]]
        write_table(book, book.sheet("更正说明"), table, title=f"{year}年已发布期间的更正说明",
                    subtitle=common.stamp(res), widths={"原因": 30}, wrap={"原因"})
    write_table(book, book.sheet("计分参数"), params_frame(res.rulebook), title="计分参数", autofilter=False,
                widths={"参数": 18, "取值": 30, "说明": 80}, wrap={"说明"})
    log.write(path, book.close())
