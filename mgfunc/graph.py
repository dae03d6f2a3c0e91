"""Inspect a computation graph as rows, or as Graphviz DOT text.

Nothing here changes the graph, and Graphviz is never needed: :func:`to_dot` only writes text.

>>> from mgfunc import Value, backward
>>> from mgfunc.graph import edges, nodes
>>> x = Value(3.0, label="x")
>>> y = (x * 2).relu()
>>> [(row.label or row.op, row.data, row.grad) for row in nodes(y, backward(y))]
[('x', 3.0, 2.0), ('', 2.0, 3.0), ('*', 6.0, 1.0), ('relu', 6.0, 1.0)]
>>> [(row.child_op, row.local_gradient) for row in edges(y)]
[('*', 2.0), ('*', 3.0), ('relu', 1.0)]
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from mgfunc._checks import type_name
from mgfunc._frozen import immutable
from mgfunc.errors import InvalidTypeError
from mgfunc.gradients import Gradients
from mgfunc.topology import topological_order
from mgfunc.value import Value

__all__ = ["EdgeRow", "NodeRow", "edges", "nodes", "to_dot"]


@immutable()
@attrs.frozen
class NodeRow:
    """One node: its id, label, op ("" for a leaf), data and gradient (None without a table)."""

    id: int
    label: str
    op: str
    data: float
    grad: float | None

    def to_dict(self) -> dict[str, int | str | float | None]:
        """The row as a plain dict, e.g. for ``pandas.DataFrame``."""
        return attrs.asdict(self)


@immutable()
@attrs.frozen
class EdgeRow:
    """One edge: data flows from node ``from_id`` into node ``to_id``, whose op is ``child_op``.

    ``local_gradient`` is d(to) / d(from), recorded when ``to`` was computed.
    """

    from_id: int
    to_id: int
    child_op: str
    local_gradient: float

    def to_dict(self) -> dict[str, int | str | float]:
        """The row as a plain dict, e.g. for ``pandas.DataFrame``."""
        return attrs.asdict(self)


def nodes(output: Value, grads: Gradients | None = None) -> tuple[NodeRow, ...]:
    """One row per node of ``output``'s graph, inputs before the nodes built from them.

    Args:
        output: the Value whose graph to list.
        grads: a table from :func:`mgfunc.backward`; without one every ``grad`` is None.

    Returns:
        A tuple of frozen :class:`NodeRow`.

    Raises:
        InvalidTypeError: ``output`` is not a Value or ``grads`` is not a Gradients table.
    """
    _check_grads(grads)
    return tuple(
        NodeRow(
            id=node.id,
            label=node.label,
            op=node.op,
            data=node.data,
            grad=None if grads is None else grads[node],
        )
        for node in topological_order(output)
    )


def edges(output: Value) -> tuple[EdgeRow, ...]:
    """One row per edge of ``output``'s graph, grouped by the node the edges flow into.

    Args:
        output: the Value whose graph to list.

    Returns:
        A tuple of frozen :class:`EdgeRow`; an input used twice (``x * x``) gives two rows.

    Raises:
        InvalidTypeError: ``output`` is not a Value.
    """
    return tuple(
        EdgeRow(from_id=child.id, to_id=node.id, child_op=node.op, local_gradient=local_gradient)
        for node in topological_order(output)
        for child, local_gradient in zip(node.inputs, node.local_gradients)
    )


def to_dot(output: Value, grads: Gradients | None = None) -> str:
    """The graph as Graphviz DOT text, left to right, in micrograd's drawing style.

    Each node is a record ``label | data | grad``; each operation is a small oval feeding it.
    Render it with ``dot -Tsvg`` where Graphviz is installed, or any online DOT viewer.

    Args:
        output: the Value whose graph to draw.
        grads: a table from :func:`mgfunc.backward`, to show gradients.

    Returns:
        The DOT source as one string.

    Raises:
        InvalidTypeError: ``output`` is not a Value or ``grads`` is not a Gradients table.

    >>> from mgfunc import Value
    >>> print(to_dot(Value(1.0, label="a") + 2).splitlines()[0])
    digraph mgfunc {
    """
    _check_grads(grads)
    lines = ["digraph mgfunc {", "  rankdir=LR;", '  node [fontname="Helvetica"];']
    for node in topological_order(output):
        cells = [_escape(node.label)] if node.label else []
        cells.append(f"data {node.data:.4f}")
        if grads is not None:
            cells.append(f"grad {grads[node]:.4f}")
        lines.append(f'  n{node.id} [shape=record, label="{{ {" | ".join(cells)} }}"];')
        if node.op:
            lines.append(f'  n{node.id}_op [label="{_escape(node.op)}", shape=oval];')
            lines.append(f"  n{node.id}_op -> n{node.id};")
            lines.extend(f"  n{child.id} -> n{node.id}_op;" for child in node.inputs)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _check_grads(grads: Mapping[Value, float] | None) -> None:
    if grads is not None and not isinstance(grads, Gradients):
        raise InvalidTypeError(
            f"grads must be a Gradients table or None, got {type_name(grads)}; "
            "pass the result of mgfunc.backward(output)"
        )


def _escape(text: str) -> str:
    # Characters that are syntax inside a DOT record label.
    for special in '\\"{}|<>':
        text = text.replace(special, "\\" + special)
    return text
