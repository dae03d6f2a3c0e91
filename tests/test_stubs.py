"""The typed stubs in stubs/ describe the installed toolz: every stubbed function exists, and
behaves as its stub says for the calls mgfunc makes."""

from __future__ import annotations

import ast
import operator
from pathlib import Path

import toolz

STUB = Path(__file__).resolve().parent.parent / "stubs" / "toolz" / "__init__.pyi"


def test_every_stubbed_function_exists_in_toolz() -> None:
    names = {
        node.name
        for node in ast.walk(ast.parse(STUB.read_text()))
        if isinstance(node, ast.FunctionDef)
    }
    assert names == {"accumulate"}
    assert all(callable(getattr(toolz, name, None)) for name in names)


def test_accumulate_gives_running_figures_with_and_without_a_start() -> None:
    assert list(toolz.accumulate(operator.add, [0.8, 0.1])) == [0.8, 0.8 + 0.1]
    assert list(toolz.accumulate(operator.add, [1, 2], 10)) == [10, 11, 13]


IPYWIDGETS_STUB = STUB.parents[1] / "ipywidgets" / "__init__.pyi"


def test_every_stubbed_widget_and_method_exists_in_ipywidgets() -> None:
    import ipywidgets

    tree = ast.parse(IPYWIDGETS_STUB.read_text())
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    # Types for mypy alone: the dict an observer receives, and the private bases that stand for
    # the bases ipywidgets keeps in its submodules (their members are checked on each widget).
    stub_only = {"Change"} | {name for name in classes if name.startswith("_")}
    assert {"Button", "Image", "HTML", "VBox", "HBox", "Dropdown"} <= set(classes)

    def members(node: ast.ClassDef) -> set[str]:
        """The names the stub gives ``node``, with those of its stub-only bases."""
        names = {
            item.name if isinstance(item, ast.FunctionDef) else ast.unparse(item.target)
            for item in node.body
            if isinstance(item, (ast.FunctionDef, ast.AnnAssign))
        }
        for base in node.bases:
            base_name = ast.unparse(base).split("[")[0]
            if base_name in stub_only:
                names |= members(classes[base_name])
        return names

    for name, node in classes.items():
        if name in stub_only:
            continue
        widget = getattr(ipywidgets, name, None)
        assert isinstance(widget, type), name
        traits: dict[str, object] = getattr(widget, "class_traits", dict)()
        for member in members(node) - {"__init__"}:
            assert member in traits or hasattr(widget, member), f"{name}.{member}"
