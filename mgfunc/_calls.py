"""The bookkeeping of one transform call, shared by every transform in :mod:`mgfunc.transforms`.

A call checks its arguments, gives each one it differentiates a fresh node (:func:`_begin`),
runs ``f`` with those nodes on a per-thread stack of running transforms (:func:`_run`), and
finally decides, result by result, whether to hand back a Value or a float
(:meth:`_Call.finish`): a Value exactly when the result depends on a Value of an enclosing
transform or a Value the caller passed in. Internal: import the transforms from ``mgfunc``.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable, Sequence

import attrs

from mgfunc._checks import describe, real_number
from mgfunc._frozen import immutable
from mgfunc.errors import InvalidTypeError, InvalidValueError
from mgfunc.rules import Local
from mgfunc.topology import topological_order
from mgfunc.value import Value, _node, leaf

# The variables of the transforms running now, innermost last (one stack per thread).
_running = threading.local()


def _stack() -> list[tuple[Value, ...]]:
    stack: list[tuple[Value, ...]] | None = getattr(_running, "stack", None)
    if stack is None:
        stack = _running.stack = []
    return stack


@immutable()
@attrs.frozen
class _Call:
    """One transform call: its fresh variables, the arguments f receives, and what is outer."""

    variables: tuple[Value, ...]
    inputs: tuple[Value | float, ...]
    outer: tuple[Value, ...]  # Values of enclosing transforms and Value arguments

    @property
    def symbolic(self) -> bool:
        """Whether results may depend on outer Values (then derivatives are built as Values)."""
        return bool(self.outer)

    def finish(self, result: Local) -> Value | float:
        """``result`` as a Value if it depends on an outer Value, else as a float."""
        if isinstance(result, Value):
            return result if _depends(result, self.outer) else result.data
        return result


def _begin(args: Sequence[Value | float], argnums: tuple[int, ...]) -> _Call:
    """Check the arguments and give each differentiated one a fresh node."""
    variables = []
    inputs = list(args)
    for i in argnums:
        arg = args[i]
        if isinstance(arg, Value):
            # A node of its own that passes the caller's Value through: d/d(this node) is what
            # this call computes, so an enclosing call differentiating the same Value is not
            # confused with it.
            variable = _node(arg.data, "identity", (arg,), (1.0,))
        else:
            variable = leaf(real_number(arg, f"argument {i}"), f"arg{i}")
        variables.append(variable)
        inputs[i] = variable
    outer = [v for frame in _stack() for v in frame]
    outer.extend(arg for arg in args if isinstance(arg, Value))
    return _Call(tuple(variables), tuple(inputs), tuple(outer))


def _run(f: Callable[..., object], call: _Call) -> object:
    """``f`` on the call's inputs, with its variables on the stack of running transforms."""
    stack = _stack()
    stack.append(call.variables)
    try:
        return f(*call.inputs)
    finally:
        stack.pop()


def _depends(result: Value, outer: Sequence[Value]) -> bool:
    """Whether ``result``'s graph reaches any of ``outer``.

    A node is younger than its inputs (creation ids), so the walk stops at nodes older than the
    oldest outer Value: a model's parameters made long before never cost a step.
    """
    if not outer:
        return False
    targets = set(outer)
    oldest = min(v.id for v in outer)
    seen: set[Value] = set()
    pending = [result]
    while pending:
        node = pending.pop()
        if node in targets:
            return True
        if node.id < oldest or node in seen:
            continue
        seen.add(node)
        pending.extend(node.inputs)
    return False


def _scalar(output: object) -> Value | float:
    if isinstance(output, Value):
        return output
    if isinstance(output, (int, float)) and not isinstance(output, bool):
        return real_number(output, "the result of f")
    if isinstance(output, (tuple, list)):
        raise InvalidTypeError(
            f"f must return one Value (or a number), got {describe(output)}; grad(f) returns a "
            "tuple, so to nest it differentiate one entry: grad(f, argnums=0) (a number), "
            "derivative(f) for one argument, or hessian(f) for every second derivative"
        )
    raise InvalidTypeError(
        f"f must return a Value (or a number), got {describe(output)}; "
        "build the result from the Values f receives"
    )


def _outputs(output: object) -> tuple[tuple[Value | float, ...], bool]:
    """f's result as a tuple of scalars, and whether f returned a sequence."""
    if isinstance(output, (list, tuple)):
        return tuple(_scalar(item) for item in output), True
    return (_scalar(output),), False


def _order(outputs: Sequence[Value | float]) -> list[Value]:
    nodes = [output for output in outputs if isinstance(output, Value)]
    if len(nodes) == 1:
        return topological_order(nodes[0])
    return sorted({n for node in nodes for n in topological_order(node)}, key=lambda n: n.id)


def _check_arity(signature: inspect.Signature | None, count: int, argument: str = "") -> None:
    """Refuse ``count`` arguments that ``f`` cannot take; ``argument`` says where they come from."""
    if signature is None:
        return
    try:
        signature.bind(*([None] * count))
    except TypeError as error:
        given = f"{argument} has {count} entries, but " if argument else ""
        raise InvalidTypeError(
            f"{given}f{signature} cannot take {count} argument(s) ({error}); "
            "pass one number per parameter of f"
        ) from None


def _check_argnums(argnums: object) -> None:
    items = argnums if isinstance(argnums, tuple) else (argnums,)
    if argnums is None:
        return
    if not items or not all(type(i) is int for i in items):
        raise InvalidTypeError(
            f"argnums must be None, an int or a non-empty tuple of ints, got {describe(argnums)}; "
            "pass for example argnums=0 or argnums=(0, 1)"
        )


def _positions(argnums: int | tuple[int, ...] | None, count: int) -> tuple[int, ...]:
    """The argument positions to differentiate, negative indices counted from the end."""
    if argnums is None:
        return tuple(range(count))
    items = argnums if isinstance(argnums, tuple) else (argnums,)
    positions = []
    for i in items:
        if not -count <= i < count:
            raise InvalidValueError(
                f"argnums {argnums!r} is out of range for {count} argument(s); "
                f"pass positions from 0 to {count - 1} (or -1 for the last)"
            )
        positions.append(i % count)
    if len(set(positions)) != len(positions):
        raise InvalidValueError(
            f"argnums {argnums!r} names an argument twice; pass each position once"
        )
    return tuple(positions)


def _make(f: object, transform: str) -> tuple[Callable[..., object], inspect.Signature | None]:
    """``f`` checked to be callable, with its signature (None where Python cannot tell)."""
    if not callable(f):
        raise InvalidTypeError(
            f"{transform}: f must be a function of Values, got {describe(f)}; "
            "pass a function such as lambda x: x * x"
        )
    try:
        return f, inspect.signature(f)
    except (TypeError, ValueError):
        return f, None


def _numbers(
    values: object, argument: str, count: int | None = None, *, nonempty: bool = False
) -> tuple[Value | float, ...]:
    """A tuple of Values and finite numbers (tangents, cotangents, vectors, primals)."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise InvalidTypeError(
            f"{argument} must be a sequence of numbers or Values, got {describe(values)}; "
            "pass a tuple such as (1.0, 0.0)"
        )
    if nonempty and not values:
        raise InvalidValueError(
            f"{argument} is empty; pass one number per argument of f, such as (1.0, 0.0)"
        )
    if count is not None and len(values) != count:
        raise InvalidValueError(
            f"{argument} has {len(values)} entries but {count} are needed; pass one per "
            "argument of f (one per output for a cotangent)"
        )
    return tuple(
        item if isinstance(item, Value) else real_number(item, f"{argument}[{i}]")
        for i, item in enumerate(values)
    )


def _has_values(*groups: Sequence[object]) -> bool:
    return any(isinstance(item, Value) for group in groups for item in group)


def _symbolic(*groups: Sequence[object]) -> bool:
    """Whether a call must build its derivatives as Values (see :class:`_Call`)."""
    return bool(_stack()) or _has_values(*groups)


def _seeded(call: _Call, *extra: Sequence[Value | float]) -> _Call:
    """``call`` whose results also count as Values where they depend on ``extra``'s Values."""
    more = tuple(item for group in extra for item in group if isinstance(item, Value))
    return attrs.evolve(call, outer=call.outer + more) if more else call


def _data(output: Value | float) -> float:
    return output.data if isinstance(output, Value) else output
