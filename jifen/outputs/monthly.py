"""月度统计/YYYY-MM月度积分统计.xlsx."""

from __future__ import annotations

from jifen.outputs import common
from jifen.outputs.xlsx import Book, write_table
from jifen.views import monthly_figures


def write_monthly(res, log, period) -> None:
    people, units, missing = monthly_figures.monthly_frames(
        period.key, res.roster, res.items, res.declarations, res.scores, float(res.rulebook.base_score))
    county = res.rulebook.params["县名"]
    title = f"{county}县{period.title}日常积分统计"
    unread = monthly_figures.unread_files(period.key, missing, res.files, res.roster)
    path = res.options.output_dir / "月度统计" / f"{period.key}月度积分统计.xlsx"
    if log.reuse(path, (people, units, missing, unread, title, common.mark(res), common.stamp(res))):
        return
    book = Book(title, mark=common.mark(res), stamp=common.stamp(res))
    write_table(book, book.sheet("人员统计"), people, title=title,
                subtitle=f"在册 {len(people)} 人，未交申报表 {len(missing)} 人。{common.stamp(res)}",
                widths={"单位": 18})
    write_table(book, book.sheet("单位统计"), units, title=f"{title}（按单位）", subtitle=common.stamp(res),
                widths={"单位": 20})
    said = ("其中 " + "、".join(f"{name}（{'、'.join(paths)}）" for name, paths in unread.items())
            + " 交来的文件程序无法读取，见校验报告。") if unread else ""
    write_table(book, book.sheet("未交申报表名单"), missing, title=f"{period.title}未交申报表人员名单",
                subtitle=said + common.stamp(res), widths={"单位": 20})
    log.write(path, book.close())
