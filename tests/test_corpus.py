"""Broken and hostile inputs (tests/corpus/make_corpus.py) in one input folder, beside a valid
roster and one valid declaration, through one whole run (SPEC §4, §6: bad input never stops
the run; every file is read, rejected with a reason, or listed as skipped).

Each case asserts its problem code(s) by file name and level, the file's status and, when it
is read, the status of each of its items. Cases marked xfail are what the program SHOULD do
but does not yet (reason: BUG/MISSING …). Then each file is read alone, timed, and its memory
measured (Python heap with tracemalloc, and native memory in a child process): the bounds
asserted are generous sanity limits; the figures are printed at the end of the module.
"""

import dataclasses
import hashlib
import re
import zipfile
from pathlib import Path

import builders as b
import pytest
from corpus import make_corpus, measure

from jifen.pipeline import Options, run
from jifen.readers.inputs import parse_file, scan_inputs
from jifen.rules import checks

CASES = make_corpus.cases()
READ_CASES = [c for c in CASES if c.status != make_corpus.SKIPPED]
MAX_SECONDS, MAX_MB = 10.0, 500.0          # per file, alone: sanity bounds on a noisy machine


def case_params(cases, xfail=True):
    return [pytest.param(c, id=Path(c.name).name,
                         marks=[pytest.mark.xfail(strict=True, reason=c.xfail)] if xfail and c.xfail else [])
            for c in cases]


def options(inp: Path, out: Path, **kw) -> Options:
    """Options without LibreOffice (PDF copies are not this module's concern)."""
    names = {f.name for f in dataclasses.fields(Options)}
    kw = {k: v for k, v in {"pdf": False, **kw}.items() if k in names}
    return Options(inp, out, b.RULEBOOK, out.parent / "archive", **kw)


def fingerprints(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def corpus(tmp_path_factory):
    """→ (input folder, cases): the corpus plus the valid roster and declaration."""
    inp = tmp_path_factory.mktemp("corpus") / "input"
    make_corpus.write_baseline(inp)
    return inp, make_corpus.build(inp)


@pytest.fixture(scope="session")
def outcome(corpus):
    """One whole run (outputs written) over the corpus; the input fingerprints before and after."""
    inp, _ = corpus
    before = fingerprints(inp)
    with pytest.MonkeyPatch.context() as mp:
        empty = inp.parent / "no-soffice"
        empty.mkdir(exist_ok=True)
        mp.setenv("PATH", str(empty))        # hide LibreOffice whatever Options supports
        res = run(options(inp, inp.parent / "output"))
    return res, before, fingerprints(inp)


# the corpus's declarations name a 佐证文件.pdf they do not hand in: evidence is tested in
# test_evidence.py, not here
EVIDENCE_CODES = {"evidence-not-attached", "evidence-file-not-found"}


def problems_of(res, name):
    return [p for p in res.problems if p.file == name and p.code not in EVIDENCE_CODES]


def items_of(res, name):
    it = res.items
    return it[it["file"] == name].sort_values("row")


# --- the whole run ----------------------------------------------------------------------------


def test_corpus_is_big_enough_and_small():
    assert len(CASES) >= 30
    assert len({c.name for c in CASES}) == len(CASES)


def test_corpus_files_are_small_and_deterministic(corpus, tmp_path):
    inp, cases = corpus
    again = tmp_path / "again"
    make_corpus.build(again, keep=lambda c: not c.heavy)
    for c in cases:
        size = (inp / c.name).stat().st_size
        assert size < 1 << 20, (c.name, size)
        if not c.heavy:
            assert (again / c.name).read_bytes() == (inp / c.name).read_bytes(), c.name


def test_run_completes_and_writes_everything(outcome):
    res, _, _ = outcome
    assert res.fatal == []
    assert res.log is not None and res.log.failed == []
    assert res.exit_code == 1                     # errors found, every output still written
    out = res.options.output_dir
    assert (out / "校验报告.xlsx").exists()
    assert zipfile.ZipFile(out / "校验报告.xlsx").testzip() is None


def test_inputs_untouched(outcome):
    _, before, after = outcome
    assert after == before


def test_good_declaration_still_pending(outcome):
    res, _, _ = outcome
    good = items_of(res, make_corpus.GOOD_DECLARATION)
    assert list(good["status"]) == [checks.PENDING]
    assert list(good["cadre_id"]) == ["K0001"] and list(good["month"]) == ["2026-03"]
    assert problems_of(res, make_corpus.GOOD_DECLARATION) == []
    assert problems_of(res, make_corpus.ROSTER_FILE) == []
    assert {"K0001", "K0002", "K0003", "K0004", "H0001"} <= set(res.roster["cadre_id"])


def test_conservation_balance(outcome):
    res, _, _ = outcome
    bal = res.balance()
    assert bal["files_total"] == (bal["files_read"] + bal["files_rejected"] + bal["files_skipped"]
                                  + bal["files_evidence"])
    assert bal["items_read"] == len(res.items) == (bal["计分"] + bal["待审核"] + bal["不通过"] + bal["无效"])
    assert set(res.items["status"]) <= set(checks.STATUSES)
    assert (res.items.loc[res.items["status"] == checks.INVALID, "reason"] != "").all()


def test_no_file_silently_dropped(outcome, corpus):
    """Every file on disk is read, or rejected with a problem naming it, or listed as skipped."""
    res, _, _ = outcome
    inp, _ = corpus
    on_disk = {p.relative_to(inp).as_posix() for p in inp.rglob("*") if p.is_file()}
    skipped = {f.path for f in res.skipped} | {f.path for f in res.evidence}
    status = {f.path: f.status for f in res.files}
    named = {p.file for p in res.problems}
    assert on_disk == skipped | set(status), on_disk ^ (skipped | set(status))
    assert not skipped & set(status)
    for rel, st in status.items():
        if st != "已读取":
            assert rel in named, (rel, st)
    bal = res.balance()
    assert bal["files_total"] == len(on_disk)


@pytest.mark.parametrize("case", case_params(CASES))
def test_case(outcome, case):
    res, _, _ = outcome
    found = problems_of(res, case.name)
    if case.status == make_corpus.SKIPPED:
        assert case.name in {f.path for f in res.skipped}
        assert found == []
        return
    (info,) = [f for f in res.files if f.path == case.name]
    for code in case.codes:
        hits = [p for p in found if p.code == code]
        assert hits, (code, [(p.code, p.level, p.cell) for p in found])
        assert {p.level for p in hits} == {case.level}, (code, [(p.code, p.level) for p in hits])
    if not case.codes:
        assert found == [], [(p.code, p.level, p.cell, p.message) for p in found]
    assert info.status == case.status
    items = items_of(res, case.name)
    assert tuple(items["status"]) == case.statuses, list(zip(items["row"], items["status"], items["reason"]))
    for column, value in case.expect.items():
        assert set(items[column]) == {value}, (column, list(items[column]))


# --- details of some cases ------------------------------------------------------------------


def test_problem_cells_point_at_the_fault(outcome):
    """The clerk is told the cell: 数量 is column G from row 6 in every generated declaration."""
    res, _, _ = outcome
    cells = {(p.file, p.code): p.cell for p in res.problems}
    assert cells[(f"{make_corpus.SUB}/40-错误值数量.xlsx", "bad-quantity")] == "G6"
    assert cells[(f"{make_corpus.SUB}/42-公式无结果.xlsx", "bad-quantity")] == "G6"
    assert cells[(f"{make_corpus.SUB}/41-错误值编号.xlsx", "unknown-cadre")] == "B2"
    assert cells[(f"{make_corpus.SUB}/62-没有月份.xlsx", "bad-month")] in ("B3", "A3", "表头")
    assert {p.cell for p in res.problems if p.file == f"{make_corpus.SUB}/46-负数和小数.xlsx"} == {"G6", "G7"}


def test_error_values_are_shown_not_blank(outcome):
    """An Excel error value reaches the message as itself (#DIV/0!, #N/A), not as an empty cell."""
    res, _, _ = outcome
    msgs = {p.file: p.message for p in res.problems if p.code in ("bad-quantity", "unknown-cadre")}
    assert "#DIV/0!" in msgs[f"{make_corpus.SUB}/40-错误值数量.xlsx"]
    assert "#N/A" in msgs[f"{make_corpus.SUB}/41-错误值编号.xlsx"]
    assert "公式" in msgs[f"{make_corpus.SUB}/42-公式无结果.xlsx"]


_FORMULA = re.compile(rb"<f>([^<]*)</f>")


def test_input_text_never_becomes_a_formula(outcome):
    """事项说明 starting with = + - @ is written as text in every output workbook."""
    res, _, _ = outcome
    out = res.options.output_dir
    seen_as_text = False
    for path in sorted(out.rglob("*.xlsx")):
        with zipfile.ZipFile(path) as zf:
            for name in zf.namelist():
                if not name.endswith(".xml"):
                    continue
                xml = zf.read(name)
                for f in _FORMULA.findall(xml):
                    assert b"evil.example" not in f and b"cmd|" not in f and b"SUM(1+1)" not in f, (path, f)
                if name == "xl/sharedStrings.xml" and b"evil.example" in xml:
                    seen_as_text = True
    assert seen_as_text, "the item's 事项说明 should appear (as text) in the ledgers"


@pytest.mark.parametrize("case", [
    pytest.param(c, id=Path(c.name).name)
    for c in CASES if Path(c.name).name.startswith(("33-", "34-"))])
def test_bounded_reader_reads_a_bounded_prefix(corpus, case, monkeypatch):
    """A sheet too large to scan is read only as far as GRID_ROWS rows, never to its end."""
    from jifen.readers import gate

    inp, _ = corpus
    read = {}
    real_read, real_read1 = zipfile.ZipExtFile.read, zipfile.ZipExtFile.read1

    def counting(fn):
        def wrapper(self, n=-1):
            data = fn(self, n)
            read[self.name] = read.get(self.name, 0) + len(data)
            return data
        return wrapper

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting(real_read))
    monkeypatch.setattr(zipfile.ZipExtFile, "read1", counting(real_read1))
    parsed = parse_file(inp / case.name, case.name)
    assert [p.code for p in parsed.problems] == ["range-too-large"]
    sheet = read.get("xl/worksheets/sheet1.xml", 0)
    with zipfile.ZipFile(inp / case.name) as zf:
        whole = zf.getinfo("xl/worksheets/sheet1.xml").file_size
    # the reader stops after GRID_ROWS rows (a few dozen bytes each), long before the end
    assert sheet <= min(gate.GRID_ROWS * 64, whole // 2), f"read {sheet / 2**20:.1f} of {whole / 2**20:.1f} MB"


# --- each file alone: time and memory ------------------------------------------------------

FIGURES: dict = {}


@pytest.fixture(scope="module", autouse=True)
def print_figures(request):
    yield
    if FIGURES:
        text = ("\nparse_file alone, per corpus file (time without tracemalloc; py = tracemalloc peak, "
                "rss = native peak in a child process):\n" + measure.table(FIGURES))
        capman = request.config.pluginmanager.get_plugin("capturemanager")
        with capman.global_and_fixture_disabled():
            print(text)


@pytest.fixture(scope="session")
def native(corpus):
    """Every file read once more in a fresh child process: peak resident memory per file."""
    inp, cases = corpus
    return measure.measure_native([(inp / c.name, c.name) for c in cases if c.status != make_corpus.SKIPPED])


@pytest.mark.parametrize("case", case_params(READ_CASES, xfail=False))
def test_parse_alone_time_and_memory(corpus, native, case):
    inp, _ = corpus
    fig = measure.measure(inp / case.name, case.name, trace=not case.heavy)
    fig["rss_peak_mb"] = native[case.name]["rss_peak_mb"]
    FIGURES[case.name] = fig
    print(f"{case.name}: {fig['seconds'] * 1000:.0f} ms, py {fig['py_peak_mb']} MB, rss {fig['rss_peak_mb']} MB")
    assert fig["status"] == case.status or case.xfail
    assert fig["seconds"] < MAX_SECONDS
    for mb in (fig["py_peak_mb"], fig["rss_peak_mb"]):
        assert mb is None or mb < MAX_MB


def test_skipped_files_are_never_opened(corpus):
    inp, cases = corpus
    paths, skipped = scan_inputs(inp)
    rels = {p.relative_to(inp).as_posix() for p in paths}
    for c in cases:
        if c.status == make_corpus.SKIPPED:
            assert c.name not in rels and c.name in {s.path for s in skipped}


def test_plain_zip_directory_agrees_with_zipfile_or_steps_aside(corpus):
    """zipdir reads the common zip itself and must then see exactly what zipfile sees."""
    import io
    import zipfile

    from jifen.readers import zipdir

    inp, _ = corpus
    read_here = 0
    for path in sorted(inp.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        plain = zipdir.read_directory(data)
        if plain is None:
            continue
        read_here += 1
        theirs = zipfile.ZipFile(io.BytesIO(data)).infolist()
        fields = ("filename", "compress_type", "CRC", "compress_size", "file_size", "header_offset")
        assert [tuple(getattr(e, f) for f in fields) for e in plain.infolist()] == \
               [tuple(getattr(i, f) for f in fields) for i in theirs], path.name
    assert read_here >= 20
    valid = next(p for p in sorted(inp.rglob("*.xlsx")) if zipdir.read_directory(p.read_bytes()))
    data = valid.read_bytes()
    assert zipdir.read_directory(b"junk" + data) is None                 # bytes before the archive
    assert zipdir.read_directory(data[:-2] + b"\x03\x00abc") is None      # an archive comment
    assert zipdir.read_directory(data[:-30]) is None                      # truncated
