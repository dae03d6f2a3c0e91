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
