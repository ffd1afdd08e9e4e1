"""The package's import graph has no cycles, counting imports inside functions too."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "jifen"


def import_graph() -> dict[str, set[str]]:
    modules = {}
    for f in PACKAGE.rglob("*.py"):
        parts = f.relative_to(PACKAGE.parent).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = f
    graph = {m: set() for m in modules}
    for name, f in modules.items():
        for node in ast.walk(ast.parse(f.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("jifen"):
                for alias in node.names:
                    sub = f"{node.module}.{alias.name}"
                    graph[name].add(sub if sub in modules else node.module)
            elif isinstance(node, ast.Import):
                graph[name] |= {a.name for a in node.names if a.name.startswith("jifen.")}
    return {m: {t for t in deps if t in modules and t not in (m, "jifen")} for m, deps in graph.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while not comp or comp[-1] != v:
                comp.append(stack.pop())
                on.discard(comp[-1])
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycles():
    assert cycles(import_graph()) == []


def test_low_level_helpers_import_nothing_of_the_package():
    graph = import_graph()
    assert graph["jifen.files"] == set() and graph["jifen.timing"] == set()


def imports_from(graph: dict, package: str, forbidden: tuple) -> dict:
    return {m: sorted(d for d in deps if d.startswith(forbidden))
            for m, deps in graph.items() if m.startswith(package) and any(d.startswith(forbidden) for d in deps)}


def test_the_rules_know_nothing_of_documents_archives_or_the_run():
    """rules/ is the pure middle: it may use the readers' record definitions, nothing later."""
    forbidden = ("jifen.views", "jifen.outputs", "jifen.publishing", "jifen.pipeline", "jifen.cli", "jifen.summary")
    assert imports_from(import_graph(), "jifen.rules", forbidden) == {}


def test_views_read_computed_data_only():
    """views/ turns computed frames into what a document shows; reading and publishing are not its business."""
    forbidden = ("jifen.readers", "jifen.publishing", "jifen.pipeline", "jifen.cli", "jifen.summary")
    assert imports_from(import_graph(), "jifen.views", forbidden) == {}


def test_the_layering_check_sees_a_forbidden_import():
    graph = {"jifen.rules.x": {"jifen.outputs.y", "jifen.normalize"}, "jifen.rules.z": {"jifen.normalize"}}
    assert imports_from(graph, "jifen.rules", ("jifen.outputs",)) == {"jifen.rules.x": ["jifen.outputs.y"]}
