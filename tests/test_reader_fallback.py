"""Reading without python-calamine (its DLL blocked by antivirus, or Wine lacking
bcryptprimitives.dll): openpyxl gives the same records, and the run says so in one line.

The import failure is simulated the way Python sees a blocked DLL: `import python_calamine`
raises ImportError (a `None` entry in sys.modules does exactly that). Below Python 3.11
python-calamine is not installed (openpyxl is the only parser there), so the comparisons skip.
"""
from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import builders as b
import pytest

from jifen.readers import book
from jifen.readers.inputs import parse_file

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "input"
NOTE = "python-calamine 无法加载"
needs_calamine = pytest.mark.skipif(book.CalamineWorkbook is None,
                                    reason="python-calamine is not installed (Python < 3.11): nothing to compare with")


def records(parsed) -> dict:
    out = dataclasses.asdict(parsed)
    out.pop("seconds", None)              # CPU time, differs by nature
    return out


@pytest.fixture
def without_calamine(monkeypatch):
    """read_book as it runs when the import failed."""
    monkeypatch.setattr(book, "CalamineWorkbook", None)
    monkeypatch.setattr(book, "FALLBACK_REASON", "ImportError: simulated")


def compare(files, base: Path, monkeypatch) -> list:
    """[(file, field)] where the two parsers' records differ."""
    first = {p: records(parse_file(p, p.relative_to(base).as_posix())) for p in files}
    monkeypatch.setattr(book, "CalamineWorkbook", None)
    diffs = []
    for p in files:
        again = records(parse_file(p, p.relative_to(base).as_posix()))
        diffs += [(p.name, k) for k in first[p] if first[p][k] != again[k]]
    return diffs


def demo_sample() -> list[Path]:
    """Every demo file but the monthly declarations, and the declarations of one month."""
    files = sorted(DEMO.rglob("*.xlsx"))
    return [p for p in files if "申报表" not in p.parts or p.parent.name == "2025-07"]


@needs_calamine
def test_demo_inputs_give_the_same_records(monkeypatch):
    files = demo_sample()
    assert len(files) > 30
    assert compare(files, DEMO, monkeypatch) == []


@needs_calamine
def test_hostile_corpus_gives_the_same_records_and_problems(tmp_path, monkeypatch):
    from corpus import make_corpus

    inp = tmp_path / "input"
    make_corpus.write_baseline(inp)
    cases = make_corpus.build(inp)
    # the million-row sheets take seconds in openpyxl; the lying-size bombs are the
    # fallback's own guard, so they stay
    slow = {c.name for c in cases if c.heavy and "谎报大小" not in c.name}
    files = sorted(p for p in inp.rglob("*") if p.is_file() and p.relative_to(inp).as_posix() not in slow)
    assert len(files) > 50
    assert compare(files, inp, monkeypatch) == []


def test_values_are_typed_as_calamine_types_them(tmp_path, without_calamine):
    import datetime as dt

    path = b.workbook(tmp_path / "t.xlsx", {"表": [[None, 3, 2.5, dt.datetime(2026, 1, 5), "_x0007_a"],
                                                   [], [True, None, None, dt.datetime(2026, 1, 5, 8, 30)]]})
    wb = book._OpenpyxlBook.from_filelike(path.open("rb"))
    rows = wb.get_sheet_by_name("表").to_python()
    assert rows == [["", 3.0, 2.5, dt.date(2026, 1, 5), "\x07a"],
                    ["", "", "", "", ""],
                    [True, "", "", dt.datetime(2026, 1, 5, 8, 30), ""]]
    assert isinstance(rows[0][1], float)


@needs_calamine
def test_a_run_without_calamine_says_so_once_and_matches(tmp_path):
    """process.py with the import failing: one note, and the same annual ranking."""
    base = tmp_path / "c"
    b.roster(base / "input" / "干部名册.xlsx", b.cadre_group(3))
    b.declaration(base / "input" / "申报" / "C01.xlsx", "C01", "干部C01", "2026-01",
                  [{"code": "J1-4", "desc": "在市级刊物发表信息", "qty": 1, "date": "2026-01-10"}])
    normal = b.run_process(base, output=tmp_path / "out-normal")
    runner = ("import runpy, sys; sys.modules['python_calamine'] = None; "
              "sys.argv = ['process.py'] + sys.argv[1:]; "
              f"runpy.run_path({str(ROOT / 'process.py')!r}, run_name='__main__')")
    cmd = [sys.executable, "-c", runner, "--input", str(base / "input"), "--output",
           str(tmp_path / "out-fallback"), "--archive", str(base / "archive")]
    fallback = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8",
                              env=b.no_soffice_env(base), timeout=300)
    assert fallback.returncode == normal.returncode, fallback.stdout + fallback.stderr
    assert fallback.stdout.count(NOTE) == 1 and NOTE not in normal.stdout
    assert b.problem_codes(tmp_path / "out-fallback") == b.problem_codes(tmp_path / "out-normal")
    ledgers = sorted((tmp_path / "out-normal").rglob("积分总台账*.xlsx"))
    assert ledgers
    for left in ledgers:
        right = tmp_path / "out-fallback" / left.relative_to(tmp_path / "out-normal")
        assert b.table(right, "积分明细", "事项ID") == b.table(left, "积分明细", "事项ID")
