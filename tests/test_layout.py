"""The layout shows the architecture: no import circles, and a model that stands alone.

The import graph is read from the source with `ast`: imports at module level and inside
functions both count (a call-time import is still a dependency, and the usual way a circle is
hidden); imports under `if TYPE_CHECKING:` do not (they never run). `from P import N` is an
edge to the module P.N when there is one, else to P. Importing a submodule also runs its
parent package's `__init__`; that implicit edge is left out, as every module would otherwise
depend on `fastseed/__init__.py` (the public API, which imports everything).
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

MODEL = (
    "fastseed.schema",
    "fastseed.plan",
    "fastseed.scenario",
    "fastseed.server",
    "fastseed.pattern_syntax",
)
"""What a run is about, before any value exists or any server is spoken to (with their
submodules). Besides each other they may import only fastseed.errors."""
MODEL_MAY_IMPORT = ("fastseed.errors",)


def _modules(root: Path, package: str) -> dict[str, tuple[Path, bool]]:
    """Module name -> (file, is a package), for every .py file under root/package."""
    out = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts.pop()
        out[".".join(parts)] = (path, is_package)
    return out


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def import_graph(
    root: Path, package: str = "fastseed", *, type_checking: bool = False
) -> dict[str, set[str]]:
    """Module -> the package's modules it imports (module level and in functions; with
    `type_checking`, the imports under `if TYPE_CHECKING:` too)."""
    modules = _modules(root, package)
    graph: dict[str, set[str]] = {}
    for name, (path, is_package) in modules.items():
        here = name.split(".") if is_package else name.split(".")[:-1]
        found: set[str] = set()

        def visit(node: ast.AST, here: list[str] = here, found: set[str] = found) -> None:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.If) and _type_checking(child) and not type_checking:
                    for other in child.orelse:
                        visit(other)
                    continue
                if isinstance(child, ast.Import):
                    found.update(a.name for a in child.names if a.name in modules)
                elif isinstance(child, ast.ImportFrom):
                    if child.level:
                        base = here[: len(here) - (child.level - 1)]
                        source = ".".join([*base, *([child.module] if child.module else [])])
                    else:
                        source = child.module or ""
                    for alias in child.names:
                        if f"{source}.{alias.name}" in modules:
                            found.add(f"{source}.{alias.name}")
                        elif source in modules:
                            found.add(source)
                visit(child)

        visit(ast.parse(path.read_text(), str(path)))
        found.discard(name)
        graph[name] = found
    return graph


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """Each import circle, as the modules of one strongly connected component (sorted)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:  # Tarjan; the graph is a few hundred modules deep at most
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def _in(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def test_the_graph_sees_module_function_and_relative_imports(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("from . import b\n")
    (pkg / "a.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import pkg.c\n"
        "def f():\n    from pkg.sub import b\n"
    )
    (pkg / "sub" / "b.py").write_text("from ..a import f\n")
    (pkg / "c.py").write_text("import pkg.a\n")
    graph = import_graph(tmp_path, "pkg")
    assert graph == {
        "pkg": set(),
        "pkg.sub": {"pkg.sub.b"},
        "pkg.a": {"pkg.sub.b"},
        "pkg.sub.b": {"pkg.a"},
        "pkg.c": {"pkg.a"},
    }
    assert cycles(graph) == [["pkg.a", "pkg.sub.b"]]


def test_fastseed_has_no_import_circles() -> None:
    graph = import_graph(ROOT)
    assert "fastseed.plan" in graph["fastseed.api"]  # the graph is the real one
    found = cycles(graph)
    assert not found, "import circles:\n" + "\n".join(
        " <-> ".join(c) + "\n    " + "\n    ".join(f"{m} -> {sorted(graph[m] & set(c))}" for m in c)
        for c in found
    )


def test_the_model_imports_nothing_from_dialects_or_generate() -> None:
    # TYPE_CHECKING imports count here too: the model does not even name those layers' types
    graph = import_graph(ROOT)
    model = [m for m in graph if _in(m, MODEL)]
    assert {"fastseed.plan", "fastseed.scenario.model", "fastseed.scenario.file"} <= set(model)
    wrong = {
        m: sorted(i for i in imports if not _in(i, MODEL + MODEL_MAY_IMPORT))
        for m, imports in import_graph(ROOT, type_checking=True).items()
        if m in model
    }
    assert not {m: w for m, w in wrong.items() if w}
