"""The topological order of a graph, found without recursion.

Every node gets a creation id from a counter, and a node's inputs always exist before the node
itself, so sorting the reachable nodes by id puts every input before every node built from it.
The walk that collects them uses an explicit stack, so a graph a million nodes deep needs no
recursion at all (micrograd's recursive sort stops at about a thousand).

>>> from mgfunc import Value
>>> x = Value(2.0, label="x")
>>> y = (x * x).relu()
>>> [node.op or node.label for node in topological_order(y)]
['x', '*', 'relu']
"""

from __future__ import annotations

from operator import attrgetter

from mgfunc.errors import InvalidTypeError
from mgfunc.value import Value

__all__ = ["topological_order"]

_creation_id = attrgetter("id")


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
            f"output must be a Value, got {type(output).__name__} {output!r}; "
            "pass the Value at the end of a computation"
        )
    seen = {output}
    stack = [output]
    while stack:
        for node in stack.pop().inputs:
            if node not in seen:
                seen.add(node)
                stack.append(node)
    return sorted(seen, key=_creation_id)
