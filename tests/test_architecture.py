"""The house rules of qwb's layout: imports go one way (no cycles, counting imports inside functions),
and no module grows past what one person reads in one sitting."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "qwb"
MAX_LINES = 700


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imported(path: Path, name: str, known: set[str]) -> set[str]:
    """The qwb modules one module imports, anywhere in its body; `from pkg import mod` counts as mod."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {id(n) for block in ast.walk(tree) if _is_type_checking(block) for n in ast.walk(block)}
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            # `from pkg import mod` imports pkg.mod; `from pkg import name` imports pkg itself
            found |= {f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names}
    return {m for m in found if m in known and m != name}


def _is_type_checking(node: ast.AST) -> bool:
    """An `if TYPE_CHECKING:` block: its imports are for annotations only, not a dependency at run time."""
    return isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def import_graph() -> dict[str, set[str]]:
    mods = modules()
    return {name: imported(path, name, set(mods)) for name, path in mods.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_graph_sees_imports_inside_functions() -> None:
    graph = import_graph()
    assert "qwb.pipeline" in graph["qwb.cli"] or "qwb.terminal" in graph["qwb.cli"]
    assert "qwb.report" in graph["qwb.pipeline"]  # imported inside run_consolidation


def test_cycle_detection_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycles() -> None:
    assert cycles(import_graph()) == []


def test_entry_points_are_on_top() -> None:
    """Nothing below the entry points imports them: the pipeline never reaches up for printing."""
    entry_points = {"qwb.__main__", "qwb.cli", "qwb.demo_year", "qwb.terminal", "qwb.console", "qwb.console_book", "qwb.demo", "qwb.serve", "qwb.bench", "qwb.bundle"}
    graph = import_graph()
    for name, targets in graph.items():
        if name not in entry_points:
            assert not targets & entry_points, f"{name} imports {sorted(targets & entry_points)}"


def test_no_module_is_too_long() -> None:
    long = {name: n for name, path in modules().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def names_used_in(paths: list[Path]) -> set[str]:
    names: set[str] = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Name):
                names.add(node.id)
            elif isinstance(node, ast.alias):
                names.add(node.name)
    return names


def test_every_issue_type_is_raised_somewhere_and_issues_are_built_from_types() -> None:
    """Every registered code is emitted by some code path (a type nobody uses is a documented lie), and no
    issue is built from a bare code string, so every emitted code is a registered one."""
    from qwb.issues import REGISTRY

    others = [p for p in sorted(PACKAGE.rglob("*.py")) if p.name != "issues.py"]
    used = names_used_in(others)
    assert sorted(cls.__name__ for cls in REGISTRY.values() if cls.__name__ not in used) == []
    for path in others:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in ("Issue", "make"), f"{path.name}:{node.lineno} builds an issue by code"
