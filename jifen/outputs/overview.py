"""总览.html: the run at a glance, from templates/总览.html.j2 (jinja2, autoescaped).

One self-contained file (inline CSS and SVG, no script, nothing fetched) that opens from the
file system in any browser. Links are relative to output/ and percent-encoded (UTF-8), so they
work under file:// wherever the program folder is copied; a file on another drive gets an
absolute file URI. The record of this run, which the next page compares with, is kept in
output/.cache/ (disposable like the rest of the cache).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import quote

from jifen.files import write_atomic
from jifen.outputs import common
from jifen.pipeline_paths import TEMPLATES
from jifen.views import overview

OVERVIEW_NAME = "总览.html"
TEMPLATE_NAME = "总览.html.j2"
RECORD_NAME = "overview-record.json"


def href(target: Path, base: Path) -> str:
    """A link from a page in `base` to `target` that a browser resolves under file://."""
    try:
        rel = os.path.relpath(target, base)
    except ValueError:          # Windows: another drive has no relative path
        return Path(target).resolve().as_uri()
    return quote(Path(rel).as_posix(), safe="/")


def linker(base: Path):
    """path → relative href when the file exists, else None (the page shows no dead link)."""
    if os.sep != "/":
        def link(path) -> str | None:
            path = Path(path)
            return href(path, base) if path.is_file() else None
        return link
    # POSIX: os.path.relpath with the folder's parts worked out once (the page links to ~10⁴ files);
    # the relative path it gives is normalised, which Path(…).as_posix() keeps as it is
    start = [x for x in os.path.abspath(base).split("/") if x]

    def link_posix(path) -> str | None:
        if not isinstance(path, Path):
            path = Path(path)
        if not path.is_file():
            return None
        parts = [x for x in os.path.abspath(path).split("/") if x]
        i = len(os.path.commonprefix([start, parts]))
        return quote("/".join([os.pardir] * (len(start) - i) + parts[i:]) or os.curdir, safe="/")
    return link_posix


def render(ctx: dict) -> bytes:
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    return env.get_template(TEMPLATE_NAME).render(**ctx).encode("utf-8")


def load_record(output_dir: Path) -> dict | None:
    try:
        return json.loads((output_dir / ".cache" / RECORD_NAME).read_text("utf-8"))
    except (OSError, ValueError):
        return None


def save_record(output_dir: Path, record: dict) -> None:
    try:
        write_atomic(output_dir / ".cache" / RECORD_NAME,
                     json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    except OSError:
        pass        # the next page only loses its "since the previous run" section


def write_overview(res, log) -> None:
    """Written last, after the other outputs are in place: it links to them and reports their
    failures."""
    from jifen.outputs.comparison import load_summary
    from jifen.views import comparison

    out = res.options.output_dir
    current = overview.record(res)
    # the previous run's record let go before the rest of the page is built: at a province it is
    # ~120 MB of objects, and the page's other parts need ~100 MB more of their own
    changed = overview.changes(load_record(out), current)
    link = linker(out)
    compared = load_summary(out, link, comparison.input_fingerprint(res.files, res.rulebook.sha256))
    ctx = overview.context(res, link, changed, compared)
    ctx["stamp"] = common.stamp(res)
    if log.write(out / OVERVIEW_NAME, render(ctx)):
        save_record(out, current)
