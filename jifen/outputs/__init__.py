"""Writers: DataFrames in, formatted files out. They know nothing of scoring."""

from __future__ import annotations

from jifen import consequences, ledger
from jifen import problems as pb
from jifen.outputs.atomic import OutputLog


def write_report_only(res) -> OutputLog:
    from jifen.outputs import report

    log = OutputLog(res.options.output_dir)
    report.write_report(res, log)
    return log


def write_all(res) -> OutputLog:
    """Every output of a normal run; each writer formats what the pipeline computed."""
    from jifen.outputs import (annual, appeal_replies, manifest, master_ledger, monthly, notice,
                               personal_ledger, report, review_list, state)
    from jifen.pipeline import timed

    log = OutputLog(res.options.output_dir)
    recorded = state.load(res.options.output_dir)
    state.forget_run(res.options.output_dir)     # an interrupted run must not look finished
    state.remove_stale_temporaries(res.options.output_dir)
    periods = [p for p in res.periods if res.options.year in (None, p.year)]
    if res.rulebook is not None:
        with timed(res, "写出：运行清单"):
            manifest.write_manifest(res, log)
        for period in periods:
            if period.kind == "year":
                with timed(res, "写出：待审核清单"):
                    review_list.write_review_list(res, period.year, res.standing, recorded, log)
                with timed(res, "台账数据"):
                    rows = ledger.ledger_frame(res.items, res.scored, res.roster, res.rulebook, period.year)
                with timed(res, "写出：积分总台账"):
                    master_ledger.write_master_ledger(res, period.year, log, rows)
                with timed(res, "写出：个人和单位台账"):
                    personal_ledger.write_ledgers(res, period.year, log, rows)
                with timed(res, "写出：年度排名"):
                    annual.write_annual(res, period, log)
            elif period.kind == "quarter":
                with timed(res, "写出：季度排名附件"):
                    notice.write_quarter_attachment(res, period, log, _attachment_extras(res, period))
            elif period.kind == "month":
                with timed(res, "写出：月度统计"):
                    monthly.write_monthly(res, period, log)
        with timed(res, "写出：通报（Word）"):
            docs = [p for p in (notice.write_notice(res, period, log, _correction_lines(res, period))
                                for period in periods if period.kind in ("quarter", "year")) if p is not None]
        with timed(res, "写出：申辩答复"):
            appeal_replies.write_appeal_replies(res, log)
        if res.options.pdf:
            with timed(res, "写出：通报 PDF（LibreOffice）"):
                res.notes.append(notice.convert_to_pdf(docs, log))
    for path, msg in log.failed:
        res.problems.append(pb.error("output-not-written", f"输出文件 {path} 未能写入：{msg}",
                                     "请先关闭该文件，或按提示处理后重新运行。", file=path))
    with timed(res, "写出：校验报告"):
        report.write_report(res, log)       # last: it lists what could not be written
    state.save(res.options.output_dir, {**recorded, **log.hashes})
    return log


def _attachment_extras(res, period) -> list:
    extra = []
    if period.key in res.corrections:
        extra.append(("更正说明", res.corrections[period.key], f"{period.title}更正说明（与已发布结果相比）"))
    talks = consequences.talks_due(res.proposals.get(period.year, consequences.empty()), period.key)
    if len(talks):
        extra.append(("组织约谈", talks[["干部编号", "姓名", "结果", "依据"]],
                      f"{period.title}应进行组织约谈的人员（连续3个季度排在末位）"))
    return extra


def _correction_lines(res, period) -> list[str]:
    from jifen import corrections

    table = res.corrections.get(period.key)
    if table is None or table.empty:
        return []
    return corrections.notice_lines(table, res.rulebook.params["公开通报分组"])
