"""The run's stages return new data instead of changing each other's: the Result is frozen,
no module changes one in place, and the pure computation leaves its input records alone."""

from __future__ import annotations

import ast
import dataclasses
import pickle
from pathlib import Path

import builders as b
import pandas as pd
import pytest

from jifen.pipeline import Options, Result
from jifen.publishing import publish
from jifen.readers import batch
from jifen.rulebook import read_rulebook
from jifen.rules import computation, consequences

PACKAGE = Path(__file__).resolve().parent.parent / "jifen"
FIELDS = {f.name for f in dataclasses.fields(Result)}
CHANGING = {"append", "extend", "update", "insert", "pop", "remove", "clear", "setdefault", "sort"}


def changes_in_place(tree: ast.AST) -> list[str]:
    """`<name>.<Result field>` assigned, augmented, item-assigned or changed by a list/dict method."""
    def result_field(node) -> str | None:
        while isinstance(node, ast.Subscript):
            node = node.value
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.attr in FIELDS \
                and node.value.id in ("res", "result", "alt", "side", "basis"):
            return f"{node.value.id}.{node.attr}"
        return None

    found = []
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in CHANGING:
            targets = [node.func.value]
        found += [f"{where} (line {node.lineno})" for t in targets if (where := result_field(t))]
    return found


def test_the_finder_sees_each_kind_of_change():
    code = ("res.problems.append(x)\nres.ranks = y\nres.timings['a'] += 1\nalt.notes += ['z']\n"
            "res.corrections[k] = t\nx = res.problems + [p]\nother.problems.append(p)\n")
    assert sorted(f.split(" ")[0] for f in changes_in_place(ast.parse(code))) == [
        "alt.notes", "res.corrections", "res.problems", "res.ranks", "res.timings"]


def test_no_module_changes_a_result_in_place():
    found = {f.relative_to(PACKAGE).as_posix(): hits for f in sorted(PACKAGE.rglob("*.py"))
             if (hits := changes_in_place(ast.parse(f.read_text("utf-8"))))}
    assert found == {}


def test_the_result_is_frozen(tmp_path):
    res = Result(Options(tmp_path, tmp_path, tmp_path / "r.xlsx", tmp_path))
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.ranks = pd.DataFrame()
    assert dataclasses.replace(res, notes=["x"]).notes == ["x"] and res.notes == []


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    """Two quarters of a small county: C04 bottom twice (a deduction each quarter)."""
    root = tmp_path_factory.mktemp("county")
    inp = b.scored_county(root, {"C04": {"2026Q1": -3, "2026Q2": -2}, "C05": {"2026-04": 2}},
                          [f"2026-{m:02d}" for m in range(1, 7)])
    parsed, skipped = batch.read_inputs(inp)
    return parsed, skipped, read_rulebook(b.RULEBOOK)


def test_compute_leaves_its_input_records_alone_and_repeats_itself(county):
    parsed, skipped, rulebook = county
    before = pickle.dumps((parsed, skipped))
    first = computation.compute(parsed, skipped, rulebook)
    second = computation.compute(parsed, skipped, rulebook)
    assert pickle.dumps((parsed, skipped)) == before
    for name in ("items", "scored", "scores", "ranks"):
        pd.testing.assert_frame_equal(getattr(first, name), getattr(second, name))
    q1 = first.ranks[(first.ranks["period"] == "2026Q1") & (first.ranks["cadre_id"] == "C04")].iloc[0]
    assert (q1["score"], q1["band"]) == (97.0, "末位")       # 100 − 3: the only deduction of the group


def test_later_stages_return_new_figures_and_leave_the_computed_ones(county, tmp_path):
    parsed, skipped, rulebook = county
    computed = computation.compute(parsed, skipped, rulebook)
    ranks = computed.ranks.copy()
    held = publish.recompute_published(computed, tmp_path / "archive", lambda rb: computation.compute(parsed, [], rb))
    assert held.computed is computed and held.published == {} and held.problems == []   # nothing published
    outcome = consequences.derive_consequences(computed.ranks, computed.periods, [], [], rulebook.params)
    pd.testing.assert_frame_equal(computed.ranks, ranks)
    assert set(outcome.proposals) == {2026}



def test_reading_keeps_one_object_per_distinct_text(tmp_path):
    """A unit, a name or a category read again in every file is stored once (a province's
    memory), and each file's records are still what parsing it alone gives."""
    from jifen.readers import inputs

    inp = b.scored_county(tmp_path, {"C04": {"2026Q1": -3}}, ["2026-01", "2026-02"])
    parsed, _ = batch.read_inputs(inp)
    texts = [v for p in parsed for rec in p.items + p.declarations + p.roster for v in rec.values()
             if type(v) is str]
    assert len({id(t) for t in texts}) == len(set(texts)) < len(texts) / 2
    letters = [rec["cols"] for p in parsed for rec in p.items]       # the same form in every file
    assert len(letters) > len({id(c) for c in letters}) == 1
    for p in parsed:
        alone = inputs.parse_file(inp / p.info.path, p.info.path)
        assert (alone.items, alone.declarations, alone.roster) == (p.items, p.declarations, p.roster)
