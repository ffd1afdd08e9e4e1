"""Writers: DataFrames in, formatted files out. They know nothing of scoring."""

from __future__ import annotations

from jifen.outputs.atomic import OutputLog


def write_report_only(res) -> OutputLog:
    from jifen.outputs import report

    log = OutputLog(res.options.output_dir)
    report.write_report(res, log)
    return log


def write_all(res) -> OutputLog:
    """Every output of a normal run; each writer formats what the pipeline computed."""
    from jifen.outputs import annual, manifest, report

    log = OutputLog(res.options.output_dir)
    report.write_report(res, log)
    if res.rulebook is None:
        return log
    manifest.write_manifest(res, log)
    for period in res.periods:
        if period.kind == "year":
            annual.write_annual(res, period, log)
    return log
