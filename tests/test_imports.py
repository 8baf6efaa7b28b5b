"""The package's modules import each other without a cycle (function-level imports included,
the way the code is read, not only the way it happens to run), and every one of them imports."""

from __future__ import annotations

import ast
import importlib
import re
from collections import Counter
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "xladdin"


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imported(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The package's modules that ``name`` imports anywhere in its code: ``from a.b import c``
    imports the module ``a.b.c`` where there is one, else ``a.b``; relative imports resolved."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            candidates = [f"{base}.{alias.name}" for alias in node.names]
            targets |= {c if c in known else base for c in candidates}
        elif isinstance(node, ast.Import):
            targets |= {alias.name for alias in node.names}
    resolved = set()
    for target in targets:
        while target and target not in known:  # "xladdin.engine.raw.x" names xladdin.engine.raw
            target = target.rpartition(".")[0]
        if target and target != name:
            resolved.add(target)
    return resolved


def cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of ``graph`` (as the path round it), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        state[node] = 2
        path.pop()
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_package_has_no_import_cycle():
    known = modules()
    graph = {name: imported(name, path, known) for name, path in known.items()}
    assert graph["xladdin.jobs.monthly"] >= {"xladdin.jobs.building", "xladdin.ooxml.xlsxpatch"}
    assert "xladdin.excel.addin" in graph["xladdin"]  # the ribbon's entry point, function-level
    found = cycle(graph)
    assert found is None, " → ".join(found)


def test_the_cycle_finder_finds_a_cycle_through_a_function_level_import(tmp_path):
    """The check itself: two modules that import each other, one inside a function."""
    a, b = tmp_path / "a.py", tmp_path / "b.py"
    a.write_text("from pkg.b import x\n", encoding="utf-8")
    b.write_text("def f():\n    from pkg import a\n", encoding="utf-8")
    known = {"pkg.a": a, "pkg.b": b}
    graph = {name: imported(name, path, known) for name, path in known.items()}
    assert graph == {"pkg.a": {"pkg.b"}, "pkg.b": {"pkg.a"}}
    assert cycle(graph) == ["pkg.a", "pkg.b", "pkg.a"]


@pytest.mark.parametrize("name", sorted(modules()))
def test_every_module_imports(name):
    importlib.import_module(name)


def test_every_function_and_class_of_the_package_is_used():
    """No code left behind: each top-level function and class of the package is named
    somewhere besides its definition (the package, its tests, benchmarks or docs scripts)."""
    root = PACKAGE.parent
    words = Counter(word for folder in ("xladdin", "tests", "benchmarks", "docs")
                    for p in (root / folder).rglob("*.py") if "node_modules" not in p.parts
                    for word in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", p.read_text(encoding="utf-8")))
    unused = [f"{name}.{node.name}" for name, path in modules().items()
              for node in ast.parse(path.read_text(encoding="utf-8")).body
              if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
              and words[node.name] < 2]  # the definition only
    assert unused == []
