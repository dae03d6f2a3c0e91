"""The topological order of a graph, found without recursion.

Every node gets a creation id from a counter, and a node's inputs always exist before the node
itself, so sorting the reachable nodes by id puts every input before every node built from it.
The walk that collects them goes level by level from the output (a frontier of nodes whose
inputs are not yet collected), so a graph a million nodes deep needs no recursion at all
(micrograd's recursive sort stops at about a thousand).

>>> from mgfunc import Value
>>> x = Value(2.0, label="x")
>>> y = (x * x).relu()
>>> [node.op or node.label for node in topological_order(y)]
['x', '*', 'relu']
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from operator import attrgetter

from mgfunc._checks import type_name
from mgfunc.errors import InvalidTypeError
from mgfunc.value import Value

__all__ = ["topological_order"]

_creation_id = attrgetter("id")
_parameter_group = attrgetter("_parameter_group")
_input_group = attrgetter("_input_group")
# Above this many nodes a frontier is walked with set operations. Measured on frontiers of 1 to
# 32 nodes: below about 8 the plain loop is faster, above it the set operations are.
_WIDE = 8


def topological_order(output: Value) -> list[Value]:
    """Every node ``output`` depends on, inputs before the nodes built from them.

    Args:
        output: the node whose graph to order.

    Returns:
        A new list of the reachable nodes (``output`` included, last), each once.

    Raises:
        InvalidTypeError: ``output`` is not a Value.
    """
    if not isinstance(output, Value):
        raise InvalidTypeError(
            f"output must be a Value, got {type_name(output)} {output!r}; "
            "pass the Value at the end of a computation"
        )
    seen = {output}
    frontier: Collection[Value] = (output,)
    while frontier:
        if len(frontier) > _WIDE:
            # A wide frontier (a network's): set operations do the work of each edge in C.
            fresh = inputs_of(frontier)
            fresh -= seen
            seen |= fresh
            frontier = fresh
        else:
            # A narrow frontier (a long chain): a plain loop is cheaper than building sets.
            fresh_nodes = []
            for node in frontier:
                for group in (node._parameter_group, node._input_group):
                    for child in group:
                        if child not in seen:
                            seen.add(child)
                            fresh_nodes.append(child)
            frontier = fresh_nodes
    return sorted(seen, key=_creation_id)


def inputs_of(frontier: Collection[Value]) -> set[Value]:
    """Every input of every node of ``frontier``, by set operations: the bulk of a wide walk.

    A group of inputs that many nodes share is unpacked once: the groups go through a set
    first, one hash of a group's address (see :class:`~mgfunc.value.SharedGroup`) instead of one
    per edge. The parameter groups always do (they are neurons', or the empty one); the other
    groups only on a level of neurons alone, where each is a layer's inputs at one point, shared
    by the layer's neurons (elsewhere most are a node's own inputs, and hashing them as tuples
    would cost more than it saves).
    """
    parameters = set(map(_parameter_group, frontier))
    others: Iterable[tuple[Value, ...]] = map(_input_group, frontier)
    if () not in parameters:
        others = set(others)
    return set().union(*parameters, *others)
