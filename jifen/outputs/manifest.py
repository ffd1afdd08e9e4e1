"""运行清单.xlsx: the inputs (with SHA-256), the rulebook fingerprint and the program version."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from jifen import __version__
from jifen.outputs import common
from jifen.outputs.xlsx import Book, write_table


def manifest_frame(res) -> pd.DataFrame:
    rows = [{"文件": f.path, "类型": "、".join(dict.fromkeys(f.kinds)), "状态": f.status, "大小（字节）": f.size,
             "SHA-256": f.sha256} for f in res.files]
    rows += [{"文件": f.path, "类型": "", "状态": "跳过", "大小（字节）": f.size, "SHA-256": ""}
             for f in res.skipped]
    rows += [{"文件": f.path, "类型": "佐证材料", "状态": f.status, "大小（字节）": f.size, "SHA-256": f.sha256}
             for f in res.evidence]
    return pd.DataFrame(rows, columns=["文件", "类型", "状态", "大小（字节）", "SHA-256"]).sort_values(
        "文件", kind="stable")


def info_frame(res) -> pd.DataFrame:
    from jifen.readers import book

    rows = [
        ("程序版本", __version__),
        ("规则文件", Path(res.rulebook.path).name if res.rulebook else ""),
        ("规则文件 SHA-256", res.rulebook.sha256 if res.rulebook else ""),
        ("输入文件数", len(res.files) + len(res.skipped) + len(res.evidence)),
    ]
    if book.FALLBACK_REASON:          # only then: the same inputs give the same file elsewhere
        rows.append(("Excel 读取组件", f"openpyxl（python-calamine 无法加载：{book.FALLBACK_REASON}）"))
    return pd.DataFrame(rows, columns=["项目", "内容"])


def write_manifest(res, log) -> None:
    path = res.options.output_dir / "运行清单.xlsx"
    info, files = info_frame(res), manifest_frame(res)
    if log.reuse(path, (info, files, common.stamp(res))):
        return
    book = Book("运行清单", stamp=common.stamp(res))
    write_table(book, book.sheet("运行信息"), info, title="运行清单", autofilter=False,
                widths={"项目": 20, "内容": 80})
    # a row per input file (180,000 at a province): finished as written, not held cell by cell
    write_table(book, book.sheet("输入文件"), files, title="输入文件清单",
                widths={"文件": 50, "SHA-256": 70}, seal=True)
    log.write(path, book.close())
