"""Imports between the services and the task module run one way: tasks → services.

Every import statement counts, deferred ones inside functions too: a cycle hidden in a
function body is still a cycle that a newcomer trips on (and that breaks the day someone
moves the import to the top of the file)."""

from __future__ import annotations

import ast
from pathlib import Path

from conf.env import BASE_DIR

PLANNER = BASE_DIR / "planner"


def _module_name(path: Path) -> str:
    parts = path.relative_to(BASE_DIR).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _graph_modules() -> dict[str, Path]:
    paths = [PLANNER / "tasks.py", *sorted((PLANNER / "services").glob("*.py"))]
    return {_module_name(path): path for path in paths}


def _imports(path: Path, known: set[str]) -> set[str]:
    """The modules of ``known`` that ``path`` imports anywhere in its body."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # ``from planner.services import plans`` imports planner.services.plans.
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        else:
            continue
        found.update(name for name in names if name in known)
    return found


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` as a path that ends where it starts, or None."""
    visiting: list[str] = []
    done: set[str] = set()

    def visit(node: str) -> list[str] | None:
        if node in visiting:
            return [*visiting[visiting.index(node) :], node]
        if node in done:
            return None
        visiting.append(node)
        for nxt in sorted(graph.get(node, ())):
            found = visit(nxt)
            if found:
                return found
        visiting.pop()
        done.add(node)
        return None

    for start in sorted(graph):
        found = visit(start)
        if found:
            return found
    return None


def test_cycle_finder_finds_a_cycle_and_only_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_imports_sees_deferred_and_from_package_imports(tmp_path):
    source = tmp_path / "m.py"
    source.write_text(
        "from planner import tasks\n"
        "def f():\n"
        "    from planner.services.imports import import_run_execute\n"
    )
    known = {"planner.tasks", "planner.services.imports", "planner.services.plans"}

    assert _imports(source, known) == {"planner.tasks", "planner.services.imports"}


def test_services_and_tasks_import_without_a_cycle():
    modules = _graph_modules()
    graph = {name: _imports(path, set(modules)) - {name} for name, path in modules.items()}

    assert _cycle(graph) is None
    assert "planner.tasks" not in set().union(*graph.values()), "services send tasks by name"
    assert {"planner.services.imports", "planner.services.refresh"} <= graph["planner.tasks"]
