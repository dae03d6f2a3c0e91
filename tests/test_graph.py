"""mgfunc.graph: node and edge rows, and DOT text that Graphviz accepts."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from mgfunc import InvalidTypeError, Value, backward
from mgfunc.graph import EdgeRow, NodeRow, edges, nodes, to_dot


def small_graph() -> tuple[Value, Value, Value]:
    x = Value(3.0, label="x")
    w = Value(-2.0, label="w")
    y = (x * w + 1.0).relu()
    return x, w, y


def test_node_rows_list_every_node_with_gradients() -> None:
    x, _, y = small_graph()
    grads = backward(y)
    rows = nodes(y, grads)
    assert all(isinstance(row, NodeRow) for row in rows)
    assert [row.op for row in rows] == ["", "", "*", "", "+", "relu"]
    assert rows[0].to_dict() == {"id": x.id, "label": "x", "op": "", "data": 3.0, "grad": 0.0}
    assert rows[-1].id == y.id and rows[-1].data == 0.0 and rows[-1].grad == 1.0
    assert all(row.grad is None for row in nodes(y))


def test_edge_rows_carry_local_gradients() -> None:
    x, w, y = small_graph()
    rows = edges(y)
    assert all(isinstance(row, EdgeRow) for row in rows)
    product = y.inputs[0].inputs[0]
    assert EdgeRow(from_id=x.id, to_id=product.id, child_op="*", local_gradient=-2.0) in rows
    assert EdgeRow(from_id=w.id, to_id=product.id, child_op="*", local_gradient=3.0) in rows
    assert len(rows) == sum(len(n.inputs) for n in (y, y.inputs[0], product))
    assert set(rows[0].to_dict()) == {"from_id", "to_id", "child_op", "local_gradient"}


def test_rows_are_frozen() -> None:
    _, _, y = small_graph()
    with pytest.raises(AttributeError):
        nodes(y)[0].data = 1.0  # type: ignore[misc]


def test_dot_text_is_structurally_valid() -> None:
    x, w, y = small_graph()
    dot = to_dot(y, backward(y))
    assert dot.startswith("digraph mgfunc {") and dot.rstrip().endswith("}")
    assert dot.count("{") == dot.count("}")
    for node in (x, w, y):
        assert re.search(rf"\bn{node.id} \[shape=record", dot)
    assert "grad -6.0000" not in dot  # relu is off here: every gradient below it is 0
    assert 'label="{ x | data 3.0000 | grad 0.0000 }"' in dot
    assert f"n{y.id}_op -> n{y.id};" in dot


def test_dot_escapes_record_syntax_in_labels() -> None:
    y = Value(1.0, label='a|b{c}"d') * 2
    assert r"a\|b\{c\}\"d" in to_dot(y)


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_graphviz_accepts_the_dot_text() -> None:
    _, _, y = small_graph()
    result = subprocess.run(
        ["dot", "-Tsvg"], input=to_dot(y, backward(y)), capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "<svg" in result.stdout


def test_bad_arguments_are_refused() -> None:
    _, _, y = small_graph()
    with pytest.raises(InvalidTypeError, match="must be a Value"):
        nodes(1.0)  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match="grads must be a Gradients"):
        to_dot(y, {})  # type: ignore[arg-type]
