"""The folds the transforms run over a graph, forwards and backwards, on floats or on Values.

:func:`mgfunc.backward` is the reverse fold on floats. The transforms add its siblings:

- :func:`forward_floats`: forward mode, a tangent per node, ``sum(local * tangent(input))``
  over the topological order: the same chain rule as ``backward``, run from the inputs out.
- :func:`forward_values` and :func:`reverse_values`: the same two folds, but every tangent and
  gradient is a Value built from the operations' rules (:mod:`mgfunc.rules`), so the result is
  part of the graph and can be differentiated again.
- :func:`hessian_vector_floats`: forward mode over the reverse fold, on floats: the gradient and
  its directional derivative together, a Hessian-vector product without a single new node.
- :func:`taylor_floats`: Taylor coefficients per node, every derivative of a function of one
  number up to a given order in one pass.

Each accumulator is a dict that never leaves its function; nothing in the graph is changed.

>>> from mgfunc import Value
>>> from mgfunc.topology import topological_order
>>> x = Value(3.0)
>>> y = x * x * x
>>> forward_floats(topological_order(y), {x: 1.0})[y]
27.0
>>> taylor_floats(topological_order(y), x, 3)[y]
[27.0, 27.0, 9.0, 1.0]
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from mgfunc.rules import Local, Series, local_derivatives, local_tangents, taylor_coefficients
from mgfunc.value import Value, sum_values

__all__ = [
    "dependents",
    "forward_floats",
    "forward_values",
    "hessian_vector_floats",
    "reverse_values",
    "taylor_floats",
]

_isfinite = math.isfinite


def dependents(order: Sequence[Value], variables: Iterable[Value]) -> set[Value]:
    """The nodes of ``order`` that depend on any of ``variables`` (the variables included)."""
    found = set(variables)
    for node in order:
        if node not in found:
            for child in node.inputs:
                if child in found:
                    found.add(node)
                    break
    return found


def forward_floats(order: Sequence[Value], seeds: dict[Value, float]) -> dict[Value, float]:
    """Forward mode on floats: each node's tangent from its inputs', in topological order.

    Args:
        order: a topological order (inputs first) holding the seeded variables.
        seeds: the tangent of each variable.

    Returns:
        A tangent for every node that depends on a variable (the others' tangent is 0).
    """
    tangents = dict(seeds)
    get = tangents.get
    for node in order:
        if node in tangents:
            continue
        total = 0.0
        moved = False
        for child, local in zip(node.inputs, node.local_gradients):
            tangent = get(child)
            if tangent is not None:
                total += local * tangent
                moved = True
        if moved:
            tangents[node] = total
    return tangents


def times(local: Local, factor: Local) -> Local:
    """``local * factor``, without a node where one side is the constant 1, -1 or 0.

    Multiplying by 0.0 is skipped only where the other side is finite (0 * inf is NaN).
    """
    if isinstance(local, float):
        if local == 1.0:
            return factor
        if local == 0.0 and _isfinite(_data(factor)):
            return 0.0
        if local == -1.0:
            return -factor
    if isinstance(factor, float):
        if factor == 1.0:
            return local
        if factor == 0.0 and _isfinite(_data(local)):
            return 0.0
    return local * factor


def total(terms: list[Local]) -> Local:
    """The sum of ``terms``, one node at most (an n-ary sum), a float when none is a Value."""
    constant = 0.0
    values: list[Value] = []
    for term in terms:
        if isinstance(term, Value):
            values.append(term)
        else:
            constant += term
    if not values:
        return constant
    if len(values) == 1 and constant == 0.0:
        return values[0]
    if len(values) == 2 and constant == 0.0:
        return values[0] + values[1]
    return sum_values(values, constant)


def _data(x: Local) -> float:
    return x.data if isinstance(x, Value) else x


def forward_values(order: Sequence[Value], seeds: dict[Value, Local]) -> dict[Value, Local]:
    """Forward mode whose tangents are Values built from the rules: differentiable again.

    Args:
        order: a topological order holding the seeded variables.
        seeds: the tangent of each variable (a Value or a number).

    Returns:
        A tangent for every node that depends on a variable.
    """
    tangents: dict[Value, Local] = dict(seeds)
    live = dependents(order, seeds)
    for node in order:
        if node in tangents or node not in live:
            continue
        locals_ = local_derivatives(node)
        terms = [
            times(local, tangents[child])
            for child, local in zip(node.inputs, locals_)
            if child in tangents
        ]
        tangents[node] = total(terms)
    return tangents


def reverse_values(
    order: Sequence[Value], seeds: Iterable[tuple[Value, Local]], variables: Sequence[Value]
) -> dict[Value, Local]:
    """The reverse fold whose gradients are Values built from the rules.

    Only the nodes between the variables and the seeded outputs take part.

    Args:
        order: a topological order (inputs first) of the seeded outputs' graph.
        seeds: pairs of an output and its cotangent (a Value or a number).
        variables: the nodes whose gradients are wanted.

    Returns:
        The gradient of ``sum(seed * output)`` with respect to each variable (0.0 where the
        outputs do not depend on it).
    """
    live = dependents(order, variables)
    wanted = set(variables)
    contributions: dict[Value, list[Local]] = {}
    for node, seed in seeds:
        contributions.setdefault(node, []).append(seed)
    gradients: dict[Value, Local] = dict.fromkeys(variables, 0.0)
    for node in reversed(order):
        terms = contributions.pop(node, None)
        if terms is None or node not in live:
            continue
        gradient = total(terms)
        if node in wanted:
            gradients[node] = gradient
            continue
        locals_ = local_derivatives(node)
        for child, local in zip(node.inputs, locals_):
            if child in live:
                contributions.setdefault(child, []).append(times(local, gradient))
    return gradients


def hessian_vector_floats(
    order: Sequence[Value], output: Value, seeds: dict[Value, float]
) -> tuple[dict[Value, float], dict[Value, float]]:
    """The gradient of ``output`` and its directional derivative along ``seeds``, on floats.

    Forward mode over the reverse fold: the tangents of every node and of every local derivative
    are floats (:func:`forward_floats`, :func:`mgfunc.rules.local_tangents`), and the reverse
    fold carries each gradient with its tangent. For the variables, the tangents of the
    gradient are the Hessian times the seeded vector.

    Returns:
        ``(gradients, hessian_vector)``, each by node.
    """
    tangents = forward_floats(order, seeds)
    gradient = dict.fromkeys(order, 0.0)
    motion = dict.fromkeys(order, 0.0)
    gradient[output] = 1.0
    for node in reversed(order):
        inputs = node.inputs
        if not inputs:
            continue
        upstream = gradient[node]
        moving = motion[node]
        if upstream == 0.0 and moving == 0.0 and _isfinite(sum(node.local_gradients)):
            continue
        node_tangent = tangents.get(node)
        shifts = (
            None
            if node_tangent is None
            else local_tangents(node, [tangents.get(child, 0.0) for child in inputs], node_tangent)
        )
        if shifts is None:
            for child, local in zip(inputs, node.local_gradients):
                gradient[child] += local * upstream
                motion[child] += local * moving
        else:
            for child, local, shift in zip(inputs, node.local_gradients, shifts):
                gradient[child] += local * upstream
                motion[child] += local * moving + shift * upstream
    return gradient, motion


def taylor_floats(order: Sequence[Value], variable: Value, degree: int) -> dict[Value, Series]:
    """Taylor coefficients up to ``degree`` of every node that depends on ``variable``.

    The variable moves as ``x + t``; coefficient k of a node is its k-th derivative with respect
    to the variable divided by k!.

    Raises:
        NoTaylorSeriesError: a node has no Taylor series there (the caller nests transforms
            instead).
    """
    series: dict[Value, Series] = {variable: [variable.data, 1.0] + [0.0] * (degree - 1)}
    get = series.get
    zeros = [0.0] * degree
    for node in order:
        inputs = node.inputs
        if not inputs or node in series:
            continue
        full = []
        moved = False
        for child in inputs:
            coefficients = get(child)
            if coefficients is None:
                full.append([child.data, *zeros])  # a constant: no higher coefficients
            else:
                full.append(coefficients)
                moved = True
        if moved:
            series[node] = taylor_coefficients(node, full, degree)
    return series
