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

import math

from mgfunc.gradients import Gradients
from mgfunc.topology import topological_order
from mgfunc.value import ActivatedSum, Value

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
    # The fold's accumulator: every node starts at 0.0 (so the table lists the whole graph,
    # output first), and the seed dy/dy = 1. It never leaves this function: each step of the
    # fold updates it in place, which keeps the fold linear in the number of edges, and the
    # table is frozen once at the end.
    table = dict.fromkeys(order, 0.0)
    table[output] = 1.0
    # One step of the fold per node: pass the node's gradient on to its inputs (the chain rule).
    # Iterating the table itself reads each node's gradient as it stands when the node's turn
    # comes (every node that feeds into it came earlier): one lookup fewer per node. Only
    # values change during the loop, never the keys, which a dict allows.
    for node, upstream in table.items():
        # A node whose every product local * upstream is zero passes nothing on: adding a zero
        # leaves every entry as it is (no entry is ever -0.0: they start at +0.0). That is so
        # when the upstream gradient is 0 (a satisfied margin, a node below a flat ReLU) or
        # every local derivative is 0 (a flat ReLU itself), unless the other factor is infinite
        # or NaN, whose product with 0 is NaN: such nodes take the full path.
        if upstream == 0.0:
            local_gradients = node.local_gradients
            if _isfinite(sum(local_gradients)):
                continue
        elif type(node) is ActivatedSum:
            # A neuron's node with its tanh or sigmoid inside (see ActivatedSum) passes g back
            # as (g * slope) * u_i, the order of the sum's node and the activation's node it
            # stands for. Those two pass nothing on exactly when the slope is 0 and g finite:
            # the sum's own derivatives u_i are finite and include the bias's 1.0.
            slope = node._slope
            if not slope and _isfinite(upstream):
                continue
            upstream *= slope
            local_gradients = node._sum_gradients
        else:
            local_gradients = node.local_gradients
            if not any(local_gradients) and _isfinite(upstream):
                continue
        # node.inputs, written out: a property call per node would cost more than the join.
        for child, local in zip(node._parameter_group + node._input_group, local_gradients):
            table[child] += local * upstream
    return Gradients._wrap(table)


_isfinite = math.isfinite
