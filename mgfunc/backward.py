"""Reverse-mode differentiation as a fold over the topological order.

``backward(y)`` seeds dy/dy = 1 and walks the graph from ``y`` back to the leaves. Each step of
the fold takes one node and adds ``local_gradient * gradient(node)`` to each of its inputs: the
chain rule, one multiply-add per edge. The accumulator is a dict that never leaves the function;
what comes out is a frozen :class:`~mgfunc.gradients.Gradients`. ``y`` and its graph are
untouched, so calling ``backward`` twice gives the same table twice, and there is nothing to zero.

>>> from mgfunc import Value, backward
>>> x = Value(-4.0, label="x")
>>> y = x * x * x
>>> backward(y)[x]
48.0
"""

from __future__ import annotations

from functools import reduce

from mgfunc.gradients import Gradients
from mgfunc.topology import topological_order
from mgfunc.value import Value

__all__ = ["backward"]


def backward(output: Value) -> Gradients:
    """The gradient of ``output`` with respect to every node of its graph.

    Args:
        output: the Value to differentiate, usually a scalar loss.

    Returns:
        A frozen :class:`~mgfunc.gradients.Gradients`: ``grads[x]`` is d output / d x, and 0.0
        for a Value outside the graph.

    Raises:
        InvalidTypeError: ``output`` is not a Value.

    >>> from mgfunc import Value
    >>> a, b = Value(2.0), Value(5.0)
    >>> grads = backward(a * b + a)
    >>> grads[a], grads[b]
    (6.0, 2.0)
    """
    order = topological_order(output)  # validates ``output``
    order.reverse()  # the output first, every node before its inputs
    table = reduce(_propagate, order, {output: 1.0})
    return Gradients(table)


def _propagate(table: dict[Value, float], node: Value) -> dict[Value, float]:
    """One step of the fold: pass ``node``'s gradient on to its inputs (the chain rule).

    ``table`` is the fold's private accumulator, created in :func:`backward` and frozen there;
    updating it in place keeps the fold linear in the number of edges.
    """
    upstream = table[node]
    for child, local in zip(node.inputs, node.local_gradients):
        table[child] = table.get(child, 0.0) + local * upstream
    return table
