"""An everyday re-run rebuilds only what its changes touch, and ends where a --force run ends.

Random sequences of a clerk's changes (a declaration added, corrected or removed, a review
decision, a roster row added, changed or removed, the rulebook changed) are applied to a small
generated county; after each, one output folder gets an ordinary run and another a --force
run. The two folders must be byte-identical after every step (the 总览 page included: both
saw the same runs), and the incremental folder must equal a --force run into a fresh folder
(less the 总览 page, which reports what changed since the previous run).
"""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import builders
import openpyxl
import pytest

from jifen import bench_county as bench

MONTHS = ["2026-01", "2026-02", "2026-03"]
OVERVIEW = "总览.html"


def _files(folder: Path) -> dict:
    """What a clerk sees in an output folder: rel path → bytes (hidden files and folders aside)."""
    out = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder)
        if p.is_file() and not any(part.startswith(".") for part in rel.parts):
            out[rel.as_posix()] = p.read_bytes()
    return out


def _empty_folders(folder: Path) -> list:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                  if p.is_dir() and not p.name.startswith(".") and not any(p.iterdir()))


def _differences(a: dict, b: dict, skip=()) -> list:
    names = (set(a) | set(b)) - set(skip)
    return sorted(n for n in names if a.get(n) != b.get(n))


def _county(base: Path, seed: int) -> list:
    inp = base / "input"
    bench.generate(inp, 16, MONTHS, seed=seed, workers=1)
    shutil.copy(builders.RULEBOOK, base / "rulebook.xlsx")
    rnd = random.Random(seed)
    decls = sorted((inp / "申报表").rglob("*.xlsx"))
    for f in rnd.sample(decls, 6):     # room for declarations to be added
        f.unlink()
    return bench._cadres(16, random.Random(seed))


def _change(base: Path, rnd: random.Random, cadres: list) -> str:
    """One random change of the inputs, as a clerk makes it; → what was done."""
    inp = base / "input"
    decls = sorted((inp / "申报表").rglob("*.xlsx"))
    kind = rnd.choice(["add", "correct", "remove", "review", "roster-add", "roster-change", "roster-remove",
                       "rulebook"])
    if kind in ("add", "correct"):
        c = rnd.choice(cadres)
        month = rnd.choice(MONTHS)
        path = inp / "申报表" / month / f"{c['id']}_{month}.xlsx"
        items = [(rnd.choice(bench.CODES)[0], rnd.choice([1, 2]), "") for _ in range(rnd.randint(1, 3))]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(bench._declaration(c, month, items))
        return f"{kind} {path.name}"
    if kind == "remove" and decls:
        victim = rnd.choice(decls)
        victim.unlink()
        return f"remove {victim.name}"
    if kind == "review":
        path = next((inp / "审核结论").glob("*.xlsx"))
        wb = openpyxl.load_workbook(path)
        ws = wb.active
        r = rnd.randint(2, max(2, ws.max_row))
        ws.cell(row=r, column=3, value="不通过" if ws.cell(row=r, column=3).value == "通过" else "通过")
        wb.save(path)
        return f"review row {r}"
    roster = inp / "干部名册.xlsx"
    wb = openpyxl.load_workbook(roster)
    ws = wb.active
    if kind == "roster-add":
        n = ws.max_row
        ws.append([f"N{n:04d}", f"新干部{n}", "县财政局", "副局长", "科级领导干部", "2020-01-01", None])
    elif kind == "roster-change":
        r = rnd.randint(2, ws.max_row)
        ws.cell(row=r, column=3, value=rnd.choice(["县水利局", "城关镇", "县财政局"]))
    elif kind == "roster-remove" and ws.max_row > 10:
        ws.delete_rows(rnd.randint(2, ws.max_row))
    elif kind == "rulebook":
        builders.rulebook_with(base / "rulebook.xlsx", 先进比例=rnd.choice(["15%", "20%", "30%"]),
                               基础分=rnd.choice([100, 90]))
        return "rulebook"
    wb.save(roster)
    return kind


def _run(base: Path, output: Path, *args) -> None:
    proc = builders.run_process(base, *args, output=output, rulebook=base / "rulebook.xlsx",
                                env={"JIFEN_TODAY": "2026-04-20"})
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr


@pytest.mark.parametrize("seed", [3, 11])
def test_incremental_runs_end_where_force_runs_end(tmp_path, seed):
    cadres = _county(tmp_path, seed)
    inc, forced = tmp_path / "inc", tmp_path / "forced"
    _run(tmp_path, inc)
    _run(tmp_path, forced, "--force")
    rnd = random.Random(seed * 7919)
    done = []
    for _ in range(5):
        done.append(_change(tmp_path, rnd, cadres))
        builders.run_many([(tmp_path, (), {"output": inc, "rulebook": tmp_path / "rulebook.xlsx",
                                           "env": {"JIFEN_TODAY": "2026-04-20"}}),
                           (tmp_path, ("--force",), {"output": forced, "rulebook": tmp_path / "rulebook.xlsx",
                                                     "env": {"JIFEN_TODAY": "2026-04-20"}})])
        got, want = _files(inc), _files(forced)
        assert _differences(got, want) == [], f"after {done}"
        assert _empty_folders(inc) == _empty_folders(forced) == [], f"after {done}"
    fresh = tmp_path / "fresh"
    _run(tmp_path, fresh, "--force")
    assert _differences(_files(inc), _files(fresh), skip=[OVERVIEW]) == [], f"after {done}"
    assert _empty_folders(inc) == []


def test_one_corrected_declaration_rebuilds_only_what_it_touches(tmp_path):
    """Every per-cadre file is swapped for same-size junk with its old modification time (so it
    looks untouched): what the next run rebuilds is restored, what it keeps stays junk. Kept must
    be exactly the files whose content did not change."""
    cadres = _county(tmp_path, 5)
    out = tmp_path / "output"
    _run(tmp_path, out)
    original = {rel: data for rel, data in _files(out).items() if rel.startswith(("台账/", "积分档案/", "告知单/"))}
    for rel, data in original.items():
        st = (out / rel).stat()
        (out / rel).write_bytes(b"#" * len(data))
        os.utime(out / rel, ns=(st.st_atime_ns, st.st_mtime_ns))
    c = cadres[0]
    path = tmp_path / "input" / "申报表" / "2026-02" / f"{c['id']}_2026-02.xlsx"
    path.write_bytes(bench._declaration(c, "2026-02", [("J6", 1, ""), ("J7", 1, "")]))
    _run(tmp_path, out)
    forced = tmp_path / "forced"
    _run(tmp_path, forced, "--force")
    now, want = _files(out), _files(forced)
    kept = sorted(rel for rel in original if now.get(rel) == b"#" * len(original[rel]))
    rebuilt = sorted(rel for rel in original if rel not in kept)
    assert any(f"/{c['id']}_" in rel for rel in rebuilt)
    assert len(kept) > len(rebuilt), rebuilt
    assert [rel for rel in kept if original[rel] != want.get(rel)] == []      # kept only if unchanged
    assert [rel for rel in rebuilt if now[rel] != want.get(rel)] == []
    personal = [rel for rel in kept if "/个人/" in rel]
    assert personal and not any(f"/{c['id']}_" in rel for rel in personal)


def test_a_file_edited_or_deleted_by_hand_is_built_again(tmp_path):
    _county(tmp_path, 8)
    out = tmp_path / "output"
    _run(tmp_path, out)
    ledgers = sorted((out / "台账").rglob("个人/*/*.xlsx"))
    edited, deleted = ledgers[0], ledgers[1]
    edited.write_bytes(b"not a workbook any more")
    deleted.unlink()
    (tmp_path / "input" / "登记表" / "登记表_2026-01.xlsx").unlink()     # something changes
    _run(tmp_path, out)
    assert deleted.exists()
    assert edited.read_bytes()[:2] == b"PK"
    fresh = tmp_path / "fresh"
    _run(tmp_path, fresh, "--force")
    assert _differences(_files(out), _files(fresh), skip=[OVERVIEW]) == []


def test_a_cadre_off_the_roster_takes_their_files_and_says_so(tmp_path):
    cadres = _county(tmp_path, 9)
    out = tmp_path / "output"
    _run(tmp_path, out)
    gone, unit = cadres[2]["id"], cadres[2]["unit"]
    assert [c for c in cadres if c["unit"] == unit] == [cadres[2]]      # alone in the unit
    mine = sorted(rel for rel in _files(out) if f"/{gone}_" in rel or rel.endswith(f"/{unit}.xlsx")
                  or rel.endswith(f"/{unit}.docx"))
    assert len(mine) >= 3, mine      # personal ledger, archive, the unit's ledger (and 告知单)
    roster = tmp_path / "input" / "干部名册.xlsx"
    wb = openpyxl.load_workbook(roster)
    ws = wb.active
    for r in range(ws.max_row, 1, -1):
        if ws.cell(row=r, column=1).value == gone:
            ws.delete_rows(r)
    wb.save(roster)
    for f in (tmp_path / "input" / "申报表").rglob(f"{gone}_*.xlsx"):
        f.unlink()
    proc = builders.run_process(tmp_path, output=out, rulebook=tmp_path / "rulebook.xlsx",
                                env={"JIFEN_TODAY": "2026-04-20"})
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    assert not any(rel in mine for rel in _files(out))
    assert not (out / "台账" / "2026" / "个人" / unit).exists()      # the folder left empty goes too
    assert f"删除不再需要的 {len(mine)} 个" in proc.stdout


def test_a_units_ledger_takes_its_kept_cadres_sheets_from_the_render_cache(tmp_path):
    """The cached sheets are marked after the first run: the unit's ledger built again for one
    changed cadre shows the mark on the other cadres' sheets only (they came from the cache),
    and a damaged cache only means rendering again."""
    import pickle
    import zipfile

    cadres = _county(tmp_path, 5)
    out = tmp_path / "output"
    _run(tmp_path, out)
    caches = sorted((out / ".cache" / "render").glob("*.pickle"))
    assert caches
    for f in caches:
        entries = pickle.loads(f.read_bytes())
        for key, (content, head, last) in entries.items():
            rows = {r: x.replace("<t>", "<t>CACHED", 1) for r, x in content[0].items()}
            entries[key] = ((rows, *content[1:]), head, last)
        f.write_bytes(pickle.dumps(entries))
    unit = next(u for u in sorted({c["unit"] for c in cadres}) if sum(c["unit"] == u for c in cadres) >= 2)
    c = next(c for c in cadres if c["unit"] == unit)
    path = tmp_path / "input" / "申报表" / "2026-02" / f"{c['id']}_2026-02.xlsx"
    path.write_bytes(bench._declaration(c, "2026-02", [("J6", 1, ""), ("J7", 1, "")]))
    _run(tmp_path, out)
    with zipfile.ZipFile(out / "台账" / "2026" / "单位" / f"{unit}.xlsx") as z:
        sheets = {n: z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/sheet")}
        book = z.read("xl/workbook.xml").decode("utf-8")
    marked = [n for n, x in sheets.items() if b"CACHED" in x]
    assert len(sheets) >= 2 and len(marked) == len(sheets) - 1, (book, marked)

    for f in (out / ".cache" / "render").glob("*.pickle"):
        f.write_bytes(b"damaged")
    path.write_bytes(bench._declaration(c, "2026-02", [("J6", 2, "")]))
    _run(tmp_path, out)
    fresh = tmp_path / "fresh"
    _run(tmp_path, fresh, "--force")
    assert _differences(_files(out), _files(fresh), skip=[OVERVIEW]) == []
