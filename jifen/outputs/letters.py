"""告知单/YYYY年第N季度/<单位>.docx and 告知单/YYYY年度/<单位>.docx: each cadre's page, per unit.

Thousands of pages in a large county: the Word template is prepared once per process
(docx_render.DocxPattern) and each unit's file only renders its body; the jobs run in the
parallel output workers, a few units each.
"""

from __future__ import annotations

from pathlib import Path

from jifen.files import safe_filename
from jifen.outputs import common, docx_render
from jifen.pipeline_paths import TEMPLATES
from jifen.views import letters

TEMPLATE = "积分告知单.docx"
_PATTERNS: dict = {}


def folder(output_dir: Path, period) -> Path:
    name = f"{period.year}年第{period.quarter}季度" if period.kind == "quarter" else f"{period.year}年度"
    return Path(output_dir) / "告知单" / name


def _warnings(res, period):
    """A quarter's warnings; for the year those of its fourth quarter, except 末位 last year and so
    far this year: the year's own result is known by then (结果运用 in the annual workbook)."""
    from jifen.rules import early_warning

    if period.kind == "quarter":
        return res.warnings.get(period.key)
    warn = res.warnings.get(f"{period.year}Q4")
    return None if warn is None else warn[warn["预警"] != early_warning.LAST_YEAR]


def _sample(period, rulebook) -> dict:
    page = {"cadre_id": "", "name": "", "unit": "", "post": "", "group": "", "score": "", "score_line": "",
            "parts": [], "no_parts": "", "rank_line": "", "warnings": [], "appeal": ""}
    return letters.context(period, rulebook, [page])


def pattern(res, period):
    """The prepared template (one per process, template and stamp); None when it cannot be
    prepared (each file is then rendered the ordinary way, which reports the template's fault)."""
    path = TEMPLATES / TEMPLATE
    try:
        key = (path.stat().st_mtime_ns, path.stat().st_size, common.stamp(res))
    except OSError:
        return None
    if key not in _PATTERNS:
        try:
            _PATTERNS[key] = docx_render.DocxPattern(path, _sample(period, res.rulebook), common.stamp(res))
        except docx_render.TemplateError:
            _PATTERNS[key] = None
    return _PATTERNS[key]


def letter_jobs(res, period, size: int = 150) -> list[tuple]:
    """The period's unit files as jobs of about `size` cadres each."""
    pr = res.ranks[res.ranks["period"] == period.key]
    counts = pr["unit"].fillna("").replace("", "未填单位").value_counts().sort_index()
    pattern(res, period)                 # prepared here, inherited by the forked workers
    _INDEX.clear()                       # a new run: the period indexes are built afresh
    jobs, batch, n = [], [], 0
    for unit, k in counts.items():
        batch.append(unit)
        n += int(k)
        if n >= size:
            jobs.append((write_letters, (period, batch)))
            batch, n = [], 0
    if batch:
        jobs.append((write_letters, (period, batch)))
    return jobs


_INDEX: dict = {}


def _index(res, period) -> dict:
    key = (id(res), period.key)               # built once per period in each worker process
    if key not in _INDEX:
        _INDEX[key] = letters.period_index(period, res.ranks, res.scored, _warnings(res, period), res.rulebook)
    return _INDEX[key]


def own_args(res, args: tuple) -> tuple:
    """A letters job's arguments with its own units' part of the period index
    (outputs/parcels.py)."""
    period, units = args
    return period, units, letters.index_part(_index(res, period), units)


def forget_indexes() -> None:
    """The period indexes built so far (own_args builds them all at once: a province's five
    held ~200 MB)."""
    _INDEX.clear()


def write_letters(res, log, period, units: list, index: dict | None = None) -> None:
    """`index`: these units' part of the period index (own_args), else the whole one."""
    index = index if index is not None else _index(res, period)
    fast = pattern(res, period)
    base = folder(res.options.output_dir, period)
    for unit in units:
        path = base / safe_filename(f"{unit}.docx")
        ctx = letters.context(period, res.rulebook, letters.unit_pages(index, unit, res.rulebook))
        if log.reuse(path, (ctx, common.stamp(res))):
            continue
        try:
            data = fast.fill(ctx) if fast is not None else docx_render.render(TEMPLATES / TEMPLATE, ctx,
                                                                                common.stamp(res))
        except docx_render.TemplateError as exc:
            log.failed.append((log.rel(path), str(exc)))
            continue
        log.write(path, data)
