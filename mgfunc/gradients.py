"""The gradient table that :func:`mgfunc.backward` returns.

>>> from mgfunc import Value, backward
>>> x, unused = Value(3.0), Value(1.0)
>>> grads = backward(x * x)
>>> grads[x], grads[unused], x in grads, unused in grads
(6.0, 0.0, True, False)
>>> grads.get(unused, None) is None
True
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from itertools import repeat
from types import MappingProxyType
from typing import TypeVar, overload

import attrs

from mgfunc._checks import type_name
from mgfunc._frozen import NEW_GRADIENTS, immutable
from mgfunc.errors import InvalidTypeError
from mgfunc.value import Value

__all__ = ["Gradients"]

_Default = TypeVar("_Default")


def _read_only(table: Mapping[Value, float]) -> Mapping[Value, float]:
    # A private copy behind a read-only view: no alias the caller keeps can change the table.
    if not isinstance(table, Mapping):
        raise InvalidTypeError(
            f"Gradients(table=...) takes a mapping from Values to floats, got "
            f"{type_name(table)}; tables normally come from mgfunc.backward(output)"
        )
    return MappingProxyType(dict(table))


@immutable(NEW_GRADIENTS)
@attrs.frozen(eq=False, repr=False)
class Gradients(Mapping[Value, float]):
    """A read-only table from every node of one graph to d output / d node.

    It is a :class:`collections.abc.Mapping` from the graph's nodes to their gradients, and
    behaves as one: ``x in grads``, ``len``, iteration (the graph's nodes, from the output back
    to the leaves), ``keys()``, ``values()``, ``items()``, ``get(x, default)`` (``default`` for
    a Value outside the graph) and ``==`` (equal when both map the same nodes to the same
    gradients, as two dicts compare). The table cannot be changed: it has no setters, and its
    attributes refuse assignment.

    One deliberate difference from a dict: ``grads[x]`` for a Value ``x`` outside the graph is
    0.0, not a ``KeyError``, because that is its gradient (it does not affect the output).
    ``x in grads`` and ``grads.get(x, default)`` tell the two cases apart.

    Args:
        table: the gradients by node; wrapped read-only, so do not keep a writable alias.
    """

    _table: Mapping[Value, float] = attrs.field(converter=_read_only)

    @classmethod
    def _wrap(cls, table: dict[Value, float]) -> Gradients:
        """Freeze a dict that no one else holds, without the defensive copy of ``__init__``.

        Internal: :func:`mgfunc.backward` passes its private accumulator, which never escapes.
        """
        gradients: Gradients = object.__new__(cls)
        object.__setattr__(gradients, "_table", MappingProxyType(table))
        return gradients

    def __getitem__(self, node: Value) -> float:
        if not isinstance(node, Value):
            raise InvalidTypeError(
                f"gradients are looked up by Value, got {type_name(node)} {node!r}; "
                "pass a Value such as a parameter or an input of the graph"
            )
        return self._table.get(node, 0.0)

    def _gradients_of(self, nodes: Sequence[Value]) -> list[float]:
        """``[self[node] for node in nodes]`` for nodes known to be Values, in one pass.

        Internal: an optimizer reads every parameter's gradient each step, and its parameters
        are Values by construction, so the type check of ``__getitem__`` is left out and the
        lookups run in C (``map`` over the table's ``get``, 0.0 for a node outside the graph).
        """
        return list(map(self._table.get, nodes, repeat(0.0)))

    @overload
    def get(self, node: Value, /) -> float | None: ...
    @overload
    def get(self, node: Value, /, default: float | _Default) -> float | _Default: ...
    def get(self, node: object, /, default: object = None) -> object:
        """``grads[node]`` if ``node`` is in the graph, else ``default`` (None unless given).

        As ``Mapping.get``: unlike ``grads[node]``, a Value outside the graph gives
        ``default``, not 0.0, and so does anything that is not a Value.

        >>> from mgfunc import Value, backward
        >>> x, unused = Value(3.0), Value(1.0)
        >>> grads = backward(x * x)
        >>> grads.get(x), grads.get(unused), grads.get(unused, 0.0)
        (6.0, None, 0.0)
        """
        return self._table.get(node, default) if isinstance(node, Value) else default

    def __contains__(self, node: object) -> bool:
        return isinstance(node, Value) and node in self._table

    def __iter__(self) -> Iterator[Value]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)

    def __repr__(self) -> str:
        return f"Gradients(<{len(self._table)} nodes>)"
