"""The map of the house: each module in one layer, and imports only downwards, without circles.

The layers and their rule are described in guides/design_notes.md ("A map of the house"). The
imports are read from the source with ``ast`` (every ``import``, including those inside
functions and under ``TYPE_CHECKING``, since a type also ties two modules together), so a new
import that breaks the rule fails here, before anyone runs it.

To add a module: put its name in the layer it belongs to in ``LAYERS`` (a package's modules
are covered by the package's name, e.g. ``plots`` covers ``plots.charts``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "mgfunc"

# Each layer: its modules (names inside mgfunc; a name covers a package's submodules too) and
# the layers below it, which it may import. A module may import its own layer and those below.
LAYERS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # What every module may use: exceptions, argument checks, frozen classes, seeds, files.
    "foundation": (("errors", "_checks", "_frozen", "_random", "_files", "_document"), ()),
    # Autodiff on scalars: knows nothing of networks.
    "core": (
        (
            "value",
            "backward",
            "gradients",
            "topology",
            "ops",
            "rules",
            "folds",
            "_calls",
            "transforms",
            "gradient_check",
        ),
        ("foundation",),
    ),
    # Points and labels: knows nothing of networks.
    "data": (("datasets", "_records", "_own_data"), ("foundation",)),
    # Networks and their optimizers: know nothing of datasets or pictures.
    "networks": (("nn", "_model_checks", "optim"), ("core", "foundation")),
    # Measuring a network on data: the losses, and the curvature of a loss.
    "losses": (("losses", "curvature"), ("networks", "data", "core", "foundation")),
    # Training as a fold of steps.
    "training": (
        ("trainer", "_training_checks", "_training_records", "_training_step"),
        ("losses", "networks", "data", "core", "foundation"),
    ),
    # Seeing: plain rows for plotting, graph rows and DOT text, and the pictures.
    "seeing": (
        ("graph", "plot_data", "plots", "vega", "playground"),
        ("training", "losses", "networks", "data", "core", "foundation"),
    ),
    # Files: the records of models, histories and runs.
    "files": (
        ("io", "_schema"),
        ("training", "losses", "networks", "data", "core", "foundation"),
    ),
    # The command line, on top of everything.
    "command line": (
        ("__main__", "_demo_options"),
        ("files", "seeing", "training", "losses", "networks", "data", "core", "foundation"),
    ),
}

# The package's public surface re-exports from the layers; no module of the package imports it.
SURFACE = "__init__"

# Imports that go against the rule, each with its reason. Nothing else may.
EXCEPTIONS: dict[tuple[str, str], str] = {
    # micrograd's habit `loss.backward()` returns the gradient table: the method imports the
    # backward fold when it is called, and names the table's type for mypy. The one convenience
    # method of the core that reaches back to the fold built on it.
    ("value", "backward"): "Value.backward() calls the backward fold",
    ("value", "gradients"): "Value.backward() returns a Gradients table (a type only)",
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    if parts[-1] == "__init__" and len(parts) > 1:  # a subpackage: named by its folder
        parts = parts[:-1]
    return ".".join(parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _exists(name: str) -> bool:
    return name in MODULES


def _imports(name: str) -> Iterator[str]:
    """The mgfunc modules that module ``name`` imports, anywhere in its source."""
    path = MODULES[name]
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "mgfunc" or alias.name.startswith("mgfunc."):
                    yield _target(alias.name.removeprefix("mgfunc").lstrip("."))
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from the module's own package
                package = name.split(".") if is_package else name.split(".")[:-1]
                base = ".".join(package[: len(package) - node.level + 1])
                module = ".".join(part for part in (base, node.module or "") if part)
            elif node.module == "mgfunc" or (node.module or "").startswith("mgfunc."):
                module = (node.module or "").removeprefix("mgfunc").lstrip(".")
            else:
                continue
            for alias in node.names:  # `from mgfunc import plots` imports a module
                submodule = f"{module}.{alias.name}" if module else alias.name
                yield _target(submodule if _exists(submodule) else module)


def _target(module: str) -> str:
    return module or SURFACE


def _layer_of(name: str) -> str:
    top = name.split(".")[0]
    for layer, (modules, _) in LAYERS.items():
        if name in modules or top in modules:
            return layer
    raise LookupError(name)


def _edges() -> set[tuple[str, str]]:
    return {
        (name, imported)
        for name in MODULES
        if name != SURFACE
        for imported in _imports(name)
        if imported != name
    }


def test_the_scan_reads_every_kind_of_import() -> None:
    edges = _edges()
    assert ("io", "trainer") in edges  # from mgfunc.trainer import ...
    assert ("__main__", "plots") in edges  # from mgfunc import plots
    assert ("value", "backward") in edges  # inside a method
    assert ("value", "gradients") in edges  # under TYPE_CHECKING
    assert len(MODULES) > 20


@pytest.mark.parametrize("name", sorted(set(MODULES) - {SURFACE}))
def test_every_module_has_a_layer(name: str) -> None:
    try:
        _layer_of(name)
    except LookupError:
        pytest.fail(
            f"mgfunc/{name.replace('.', '/')} is in no layer: add it to LAYERS in "
            "tests/test_layers.py and to the map in guides/design_notes.md"
        )


def test_imports_go_to_the_same_layer_or_below() -> None:
    broken = []
    for importer, imported in sorted(_edges()):
        if imported == SURFACE:
            broken.append(f"{importer} imports the package mgfunc itself; import the module")
            continue
        if (importer, imported) in EXCEPTIONS:
            continue
        layer, target = _layer_of(importer), _layer_of(imported)
        if target != layer and target not in LAYERS[layer][1]:
            broken.append(f"{importer} ({layer}) imports {imported} ({target})")
    assert broken == [], "imports against the layers:\n" + "\n".join(broken)


def test_the_exceptions_are_still_needed() -> None:
    # A listed exception that no longer exists would let the same import back in unnoticed.
    assert set(EXCEPTIONS) <= _edges()


def _circles(edges: set[tuple[str, str]]) -> list[list[str]]:
    """The groups of modules that import one another, directly or not (Tarjan's algorithm)."""
    graph: dict[str, list[str]] = {}
    for importer, imported in sorted(edges):
        graph.setdefault(importer, []).append(imported)
        graph.setdefault(imported, [])
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for following in graph[node]:
            if following not in index:
                visit(following)
                low[node] = min(low[node], low[following])
            elif following in on_stack:
                low[node] = min(low[node], index[following])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_the_circle_finder_finds_circles() -> None:
    assert _circles({("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")}) == [["a", "b", "c"]]
    assert _circles({("a", "b"), ("b", "c")}) == []


def test_no_import_circle_but_the_listed_exceptions() -> None:
    edges = _edges() - set(EXCEPTIONS) - {edge for edge in _edges() if SURFACE in edge}
    assert _circles(edges) == []
    # With the exceptions, the one circle is the one they explain, in the core.
    assert _circles(_edges()) == [["backward", "gradients", "topology", "value"]]
