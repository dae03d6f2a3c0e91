"""Function transforms that compose: derivatives of any order, forward and reverse mode.

Each transform turns a function of Values into a new function. Called with numbers it returns
numbers; called with Values, or inside a function another transform differentiates, its results
are Values, nodes of the caller's graph, whenever they depend on a Value of an enclosing
transform (closures included), so the transforms nest to any order.

Each call gives the arguments it differentiates fresh nodes of their own, and differentiates
with respect to those nodes only, so nested calls never confuse their variables.

>>> from mgfunc import derivative, grad, jvp
>>> def f(x, y):
...     return x * x * y + y
>>> grad(f)(3.0, 2.0)
(12.0, 10.0)
>>> grad(f, argnums=0)(3.0, 2.0)
12.0
>>> derivative(derivative(lambda x: x ** 3))(2.0)
12.0
>>> jvp(f, (3.0, 2.0), (1.0, 0.0))
(20.0, 12.0)
>>> derivative(lambda x: x * derivative(lambda y: x + y)(1.0))(1.0)
1.0
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Sequence
from typing import Protocol, TypeAlias, cast, overload

import attrs

from mgfunc._calls import (
    _begin,
    _Call,
    _check_argnums,
    _check_arity,
    _data,
    _make,
    _numbers,
    _order,
    _outputs,
    _positions,
    _run,
    _scalar,
    _seeded,
    _stack,
    _symbolic,
)
from mgfunc._checks import describe
from mgfunc._frozen import immutable
from mgfunc.backward import backward
from mgfunc.errors import InvalidTypeError
from mgfunc.folds import (
    forward_floats,
    forward_values,
    hessian_vector_floats,
    reverse_values,
    taylor_floats,
)
from mgfunc.rules import NoTaylorSeriesError
from mgfunc.topology import topological_order
from mgfunc.value import Value

__all__ = [
    "Derivative",
    "Gradient",
    "Hessian",
    "HessianVectorProduct",
    "Jacobian",
    "Pullback",
    "ValueAndDerivative",
    "ValueAndGradient",
    "derivative",
    "grad",
    "hessian",
    "hvp",
    "jacobian",
    "jvp",
    "value_and_grad",
    "vjp",
]

ScalarFunction = Callable[..., "Value | float"]
"""A function of Values (one per argument) returning one Value, or a number."""
VectorFunction = Callable[..., "Value | float | Sequence[Value | float]"]
"""A function of Values returning one Value or number, or a sequence of them."""
Outputs: TypeAlias = "Value | float | tuple[Value | float, ...]"
"""What :func:`jvp` and :func:`vjp` return for a :data:`VectorFunction`: one or a tuple."""


def _gradients(
    f: Callable[..., object], args: Sequence[Value | float], positions: tuple[int, ...]
) -> tuple[Value | float, tuple[Value | float, ...]]:
    """f's value and its gradient with respect to the arguments at ``positions``."""
    call = _begin(args, positions)
    output = _scalar(_run(f, call))
    if not isinstance(output, Value):
        return output, (0.0,) * len(positions)
    if not call.symbolic:
        grads = backward(output)
        return output.data, tuple(grads[v] for v in call.variables)
    found = reverse_values(topological_order(output), [(output, 1.0)], call.variables)
    return call.finish(output), tuple(call.finish(found[v]) for v in call.variables)


def _taylor(
    f: Callable[..., object], args: Sequence[Value | float], position: int, order: int
) -> float | None:
    """The ``order``-th derivative on floats in one Taylor pass, or None where it cannot run.

    It runs when no transform encloses this one and the arguments are numbers: then no result
    can be a Value. Every derivative up to ``order`` comes from one pass over the graph of one
    call of ``f`` (:func:`mgfunc.folds.taylor_floats`), instead of ``order`` nested transforms
    each differentiating the graph the one inside built.
    """
    if _stack() or any(isinstance(arg, Value) for arg in args):
        return None
    call = _begin(args, (position,))
    output = _scalar(_run(f, call))
    if not isinstance(output, Value):
        return 0.0
    try:
        series = taylor_floats(topological_order(output), call.variables[0], order)
    except NoTaylorSeriesError:
        return None
    coefficients = series.get(output)
    return 0.0 if coefficients is None else math.factorial(order) * coefficients[order]


@immutable()
@attrs.frozen
class _Transform:
    function: Callable[..., object]
    signature: inspect.Signature | None = attrs.field(eq=False, repr=False)

    def _positions(
        self, argnums: int | tuple[int, ...] | None, args: tuple[object, ...]
    ) -> tuple[int, ...]:
        _check_arity(self.signature, len(args))
        return _positions(argnums, len(args))


@immutable()
@attrs.frozen
class ValueAndGradient(_Transform):
    """``value_and_grad(f)`` or ``value_and_grad(f, argnums=(i, j))``: ``(value, gradient)``."""

    argnums: tuple[int, ...] | None = None

    @overload
    def __call__(self, *args: float) -> tuple[float, tuple[float, ...]]: ...
    @overload
    def __call__(self, *args: Value | float) -> tuple[Value | float, tuple[Value | float, ...]]: ...
    def __call__(self, *args: Value | float) -> tuple[Value | float, tuple[Value | float, ...]]:
        return _gradients(self.function, args, self._positions(self.argnums, args))


@immutable()
@attrs.frozen
class Gradient(_Transform):
    """``grad(f)`` or ``grad(f, argnums=(i, j))``: the gradient, a tuple."""

    argnums: tuple[int, ...] | None = None

    @overload
    def __call__(self, *args: float) -> tuple[float, ...]: ...
    @overload
    def __call__(self, *args: Value | float) -> tuple[Value | float, ...]: ...
    def __call__(self, *args: Value | float) -> tuple[Value | float, ...]:
        return _gradients(self.function, args, self._positions(self.argnums, args))[1]


@immutable()
@attrs.frozen
class ValueAndDerivative(_Transform):
    """``value_and_grad(f, argnums=i)``: ``(value, df/dx_i)``."""

    argnum: int = 0

    @overload
    def __call__(self, *args: float) -> tuple[float, float]: ...
    @overload
    def __call__(self, *args: Value | float) -> tuple[Value | float, Value | float]: ...
    def __call__(self, *args: Value | float) -> tuple[Value | float, Value | float]:
        value, (slope,) = _gradients(self.function, args, self._positions(self.argnum, args))
        return value, slope


@immutable()
@attrs.frozen
class Derivative(_Transform):
    """``derivative(f)`` or ``grad(f, argnums=i)``, nested ``order`` times: one number.

    ``derivative(derivative(f))`` is ``Derivative(f, order=2)``: it knows it differentiates
    ``f`` twice, so on numbers it finds both derivatives in one Taylor pass over ``f``'s graph.
    """

    argnum: int = 0
    order: int = 1

    @overload
    def __call__(self, *args: float) -> float: ...
    @overload
    def __call__(self, *args: Value | float) -> Value | float: ...
    def __call__(self, *args: Value | float) -> Value | float:
        (position,) = self._positions(self.argnum, args)
        if self.order == 1:
            return _gradients(self.function, args, (position,))[1][0]
        fast = _taylor(self.function, args, position, self.order)
        if fast is not None:
            return fast
        inner = attrs.evolve(self, order=self.order - 1)
        return _gradients(inner, args, (position,))[1][0]


def derivative(f: ScalarFunction) -> Derivative:
    """The derivative of a function of one number: ``x -> df/dx``.

    Args:
        f: a function of one Value returning a Value (or a number, whose derivative is 0).

    Returns:
        A function: a number in, a number out; a Value in (or a call inside another
        transform), a Value out where the result depends on the enclosing transform's Values.
        It nests: ``derivative(derivative(f))`` is the second derivative.

    Raises:
        InvalidTypeError: ``f`` is not callable (at once); an argument is not a number or a
            Value, or ``f`` returns something else (when called).

    >>> derivative(lambda x: x.tanh())(0.0)
    1.0
    >>> derivative(derivative(derivative(lambda x: x ** 3)))(2.0)
    6.0
    """
    return _differentiated(f, 0, "derivative")


def _differentiated(f: object, argnum: int, transform: str) -> Derivative:
    """The derivative of ``f`` along argument ``argnum``; of a Derivative, one order more."""
    if isinstance(f, Derivative) and f.argnum == argnum:
        return attrs.evolve(f, order=f.order + 1)
    function, signature = _make(f, transform)
    return Derivative(function, signature, argnum, 1)


@overload
def grad(f: ScalarFunction, argnums: tuple[int, ...] | None = None) -> Gradient: ...
@overload
def grad(f: ScalarFunction, argnums: int) -> Derivative: ...
def grad(f: ScalarFunction, argnums: int | tuple[int, ...] | None = None) -> Gradient | Derivative:
    """The gradient of ``f`` as a new function.

    Args:
        f: a function of Values (one per argument) returning a Value.
        argnums: None for the derivative with respect to every argument (a tuple); an int for
            that one argument's (a number); a tuple of ints for those, in the order given.
            Negative positions count from the end. Arguments not differentiated reach ``f`` as
            they were passed.

    Returns:
        A function of the same arguments. Numbers in, numbers out; Values in (or a call inside
        another transform), Values out where they depend on those Values.

    Raises:
        InvalidTypeError: ``f`` is not callable or ``argnums`` not an int or tuple of ints (at
            once); an argument is not a number or a Value (when called).
        InvalidValueError: ``argnums`` is out of range or repeated (when called, before ``f``
            runs).

    >>> (slope,) = grad(lambda x: x ** 3)(2.0)
    >>> slope
    12.0
    >>> grad(lambda x, y: x * y, argnums=-1)(3.0, 4.0)
    3.0
    >>> grad(grad(lambda x: x ** 3, argnums=0), argnums=0)(2.0)
    12.0
    """
    _check_argnums(argnums)
    if isinstance(argnums, int):
        return _differentiated(f, argnums, "grad")
    function, signature = _make(f, "grad")
    return Gradient(function, signature, argnums)


@overload
def value_and_grad(
    f: ScalarFunction, argnums: tuple[int, ...] | None = None
) -> ValueAndGradient: ...
@overload
def value_and_grad(f: ScalarFunction, argnums: int) -> ValueAndDerivative: ...
def value_and_grad(
    f: ScalarFunction, argnums: int | tuple[int, ...] | None = None
) -> ValueAndGradient | ValueAndDerivative:
    """Like :func:`grad`, returning ``(f(*args), gradient)`` from one pass.

    >>> value_and_grad(lambda x: x.tanh())(0.0)
    (0.0, (1.0,))
    >>> value_and_grad(lambda x, y: x * y, argnums=0)(3.0, 4.0)
    (12.0, 4.0)
    """
    _check_argnums(argnums)
    function, signature = _make(f, "value_and_grad")
    if isinstance(argnums, int):
        return ValueAndDerivative(function, signature, argnums)
    return ValueAndGradient(function, signature, argnums)


# Forward mode, pullbacks, and the matrices built from them.


@overload
def jvp(
    f: Callable[..., Sequence[Value | float]],
    primals: Sequence[float],
    tangents: Sequence[float],
) -> tuple[tuple[float, ...], tuple[float, ...]]: ...
@overload
def jvp(
    f: Callable[..., Value | float], primals: Sequence[float], tangents: Sequence[float]
) -> tuple[float, float]: ...
@overload
def jvp(
    f: Callable[..., Sequence[Value | float]],
    primals: Sequence[Value | float],
    tangents: Sequence[Value | float],
) -> tuple[tuple[Value | float, ...], tuple[Value | float, ...]]: ...
@overload
def jvp(
    f: Callable[..., Value | float],
    primals: Sequence[Value | float],
    tangents: Sequence[Value | float],
) -> tuple[Value | float, Value | float]: ...
@overload
def jvp(
    f: VectorFunction, primals: Sequence[Value | float], tangents: Sequence[Value | float]
) -> tuple[Outputs, Outputs]: ...
def jvp(
    f: VectorFunction, primals: Sequence[Value | float], tangents: Sequence[Value | float]
) -> tuple[Outputs, Outputs]:
    """Forward mode: ``f(*primals)`` and its directional derivative along ``tangents``.

    One pass forwards over the graph of one call of ``f``; no backward pass.

    Args:
        f: a function of Values returning one Value or a sequence of them.
        primals: the arguments, one number or Value each.
        tangents: the direction, one number or Value per argument.

    Returns:
        ``(value, tangent)``, or two tuples when ``f`` returns a sequence.

    Raises:
        InvalidTypeError: ``f`` is not callable, or ``primals`` / ``tangents`` are not
            sequences of numbers or Values.
        InvalidValueError: ``tangents`` differs in length from ``primals``, or holds NaN or
            infinity (all checked before ``f`` runs).

    >>> jvp(lambda x, y: x * y, (3.0, 4.0), (1.0, 0.5))
    (12.0, 5.5)
    >>> jvp(lambda x: (x * x, x.exp()), (0.0,), (1.0,))
    ((0.0, 1.0), (0.0, 1.0))
    """
    function, signature = _make(f, "jvp")
    arguments = _numbers(primals, "primals", nonempty=True)
    _check_arity(signature, len(arguments), "primals")
    direction = _numbers(tangents, "tangents", len(arguments))
    symbolic = _symbolic(arguments, direction)
    call = _seeded(_begin(arguments, tuple(range(len(arguments)))), direction)
    outputs, many = _outputs(_run(function, call))
    order = _order(outputs)
    if symbolic:
        moved = forward_values(order, dict(zip(call.variables, direction)))
        values = tuple(call.finish(output) for output in outputs)
        slopes = tuple(
            call.finish(moved.get(output, 0.0)) if isinstance(output, Value) else 0.0
            for output in outputs
        )
    else:
        floats = forward_floats(
            order, dict(zip(call.variables, cast(tuple[float, ...], direction)))
        )
        values = tuple(_data(output) for output in outputs)
        slopes = tuple(
            floats.get(output, 0.0) if isinstance(output, Value) else 0.0 for output in outputs
        )
    return (values, slopes) if many else (values[0], slopes[0])


@immutable()
@attrs.frozen
class Pullback:
    """What :func:`vjp` returns beside the value: ``cotangent -> one entry per primal``."""

    _call: _Call = attrs.field(repr=False)
    _outputs: tuple[Value | float, ...] = attrs.field(repr=False)
    _many: bool

    @overload
    def __call__(self, cotangent: float | Sequence[float]) -> tuple[float, ...]: ...
    @overload
    def __call__(
        self, cotangent: Value | float | Sequence[Value | float]
    ) -> tuple[Value | float, ...]: ...
    def __call__(
        self, cotangent: Value | float | Sequence[Value | float]
    ) -> tuple[Value | float, ...]:
        if self._many:
            weights = _numbers(cotangent, "cotangent", len(self._outputs))
        elif isinstance(cotangent, (Value, int, float)) and not isinstance(cotangent, bool):
            weights = _numbers((cotangent,), "cotangent")
        else:
            raise InvalidTypeError(
                f"cotangent must be one number or Value (f returned one output), got "
                f"{describe(cotangent)}; pass for example 1.0"
            )
        call = _seeded(self._call, weights)
        pairs = [(out, w) for out, w in zip(self._outputs, weights) if isinstance(out, Value)]
        if call.symbolic:
            found = reverse_values(_order(self._outputs), pairs, call.variables)
            return tuple(call.finish(found[v]) for v in call.variables)
        totals = [0.0] * len(call.variables)
        for output, weight in pairs:
            grads = backward(output)
            totals = [t + cast(float, weight) * grads[v] for t, v in zip(totals, call.variables)]
        return tuple(totals)


@overload
def vjp(
    f: Callable[..., Sequence[Value | float]], *primals: float
) -> tuple[tuple[float, ...], Pullback]: ...
@overload
def vjp(f: Callable[..., Value | float], *primals: float) -> tuple[float, Pullback]: ...
@overload
def vjp(
    f: Callable[..., Sequence[Value | float]], *primals: Value | float
) -> tuple[tuple[Value | float, ...], Pullback]: ...
@overload
def vjp(
    f: Callable[..., Value | float], *primals: Value | float
) -> tuple[Value | float, Pullback]: ...
@overload
def vjp(f: VectorFunction, *primals: Value | float) -> tuple[Outputs, Pullback]: ...
def vjp(f: VectorFunction, *primals: Value | float) -> tuple[Outputs, Pullback]:
    """Reverse mode as a function: ``f(*primals)`` and its pullback.

    Args:
        f: a function of Values returning one Value or a sequence of them.
        *primals: the arguments, one number or Value each.

    Returns:
        ``(value, pullback)``: ``pullback(cotangent)`` is the tuple of
        ``sum(cotangent_i * d output_i / d primal_j)``, one entry per primal; ``cotangent`` is
        one number (one output) or one per output.

    Raises:
        InvalidTypeError: ``f`` is not callable or a primal is not a number or Value.

    >>> value, pullback = vjp(lambda x, y: x * y, 3.0, 4.0)
    >>> value, pullback(1.0), pullback(2.0)
    (12.0, (4.0, 3.0), (8.0, 6.0))
    """
    function, signature = _make(f, "vjp")
    _check_arity(signature, len(primals))
    call = _begin(primals, tuple(range(len(primals))))
    outputs, many = _outputs(_run(function, call))
    values = tuple(call.finish(output) for output in outputs)
    return (values if many else values[0]), Pullback(call, outputs, many)


class _JacobianFunction(Protocol):
    @overload
    def __call__(self, *args: float) -> tuple[float, ...]: ...
    @overload
    def __call__(self, *args: Value | float) -> tuple[Value | float, ...]: ...


class _MatrixFunction(Protocol):
    """What ``jacobian`` (of a function of several outputs) and ``hessian`` return: rows of
    floats on floats, rows of Values where an argument is a Value."""

    @overload
    def __call__(self, *args: float) -> tuple[tuple[float, ...], ...]: ...
    @overload
    def __call__(self, *args: Value | float) -> tuple[tuple[Value | float, ...], ...]: ...


@immutable()
@attrs.frozen
class Jacobian(_Transform):
    """``jacobian(f)``: one row per output of ``f``, a flat tuple for one output."""

    def __call__(self, *args: Value | float) -> object:
        _check_arity(self.signature, len(args))
        call = _begin(args, tuple(range(len(args))))
        outputs, many = _outputs(_run(self.function, call))
        rows = [_row(output, call) for output in outputs]
        return tuple(rows) if many else rows[0]


def _row(output: Value | float, call: _Call) -> tuple[Value | float, ...]:
    if not isinstance(output, Value):
        return (0.0,) * len(call.variables)
    if call.symbolic:
        found = reverse_values(topological_order(output), [(output, 1.0)], call.variables)
        return tuple(call.finish(found[v]) for v in call.variables)
    grads = backward(output)
    return tuple(grads[v] for v in call.variables)


@overload
def jacobian(f: Callable[..., Sequence[Value | float]]) -> _MatrixFunction: ...
@overload
def jacobian(f: Callable[..., Value | float]) -> _JacobianFunction: ...
def jacobian(f: VectorFunction) -> object:
    """The Jacobian of ``f``: one row per output, one entry per argument.

    Args:
        f: a function of Values returning one Value or a sequence of them.

    Returns:
        A function of the same arguments returning the rows (a tuple of tuples), or one flat
        tuple, the gradient, when ``f`` returns one Value.

    >>> jacobian(lambda x, y: (x * y, x + y))(3.0, 4.0)
    ((4.0, 3.0), (1.0, 1.0))
    >>> jacobian(lambda x, y: x * y)(3.0, 4.0)
    (4.0, 3.0)
    """
    function, signature = _make(f, "jacobian")
    return Jacobian(function, signature)


@immutable()
@attrs.frozen
class Hessian(_Transform):
    """``hessian(f)``: the n x n matrix of second derivatives, a tuple of rows."""

    def __call__(self, *args: Value | float) -> tuple[tuple[Value | float, ...], ...]:
        _check_arity(self.signature, len(args))
        if _symbolic(args):
            gradient = Gradient(self.function, self.signature, None)
            return cast(tuple[tuple[Value | float, ...], ...], Jacobian(gradient, None)(*args))
        call = _begin(args, tuple(range(len(args))))
        output = _scalar(_run(self.function, call))
        n = len(call.variables)
        if not isinstance(output, Value):
            return ((0.0,) * n,) * n
        order = topological_order(output)
        columns = [
            hessian_vector_floats(order, output, {variable: 1.0})[1] for variable in call.variables
        ]
        return tuple(tuple(column.get(v, 0.0) for column in columns) for v in call.variables)


def hessian(f: ScalarFunction) -> _MatrixFunction:
    """The Hessian of ``f``: ``hessian(f)(*args)[i][j]`` is d2f / dx_i dx_j.

    On numbers it runs one forward-over-reverse pass per argument over one graph of ``f``.

    >>> hessian(lambda x, y: x * x * y)(3.0, 2.0)
    ((4.0, 6.0), (6.0, 0.0))
    """
    function, signature = _make(f, "hessian")
    return cast(_MatrixFunction, Hessian(function, signature))


class _HessianVectorFunction(Protocol):
    @overload
    def __call__(self, primals: Sequence[float], vector: Sequence[float]) -> tuple[float, ...]: ...
    @overload
    def __call__(
        self, primals: Sequence[Value | float], vector: Sequence[Value | float]
    ) -> tuple[Value | float, ...]: ...


@immutable()
@attrs.frozen
class HessianVectorProduct(_Transform):
    """``hvp(f)``: ``(primals, vector) -> Hessian @ vector``, without forming the Hessian."""

    def __call__(
        self, primals: Sequence[Value | float], vector: Sequence[Value | float]
    ) -> tuple[Value | float, ...]:
        arguments = _numbers(primals, "primals", nonempty=True)
        _check_arity(self.signature, len(arguments), "primals")
        direction = _numbers(vector, "vector", len(arguments))
        if _symbolic(arguments, direction):
            gradient = Gradient(self.function, self.signature, None)
            return jvp(gradient, arguments, direction)[1]
        call = _begin(arguments, tuple(range(len(arguments))))
        output = _scalar(_run(self.function, call))
        if not isinstance(output, Value):
            return (0.0,) * len(arguments)
        seeds = dict(zip(call.variables, cast(tuple[float, ...], direction)))
        motion = hessian_vector_floats(topological_order(output), output, seeds)[1]
        return tuple(motion.get(v, 0.0) for v in call.variables)


def hvp(f: ScalarFunction) -> _HessianVectorFunction:
    """The Hessian-vector product of ``f``, without forming the Hessian.

    On numbers it is forward mode over the reverse fold, on floats all the way: one graph of
    ``f``, then one pass forwards and one backwards.

    Args:
        f: a function of Values returning one Value.

    Returns:
        ``(primals, vector) -> tuple``: ``primals`` the positional arguments, ``vector`` one
        number per argument; the result has one entry per argument.

    Raises:
        InvalidTypeError: ``f`` is not callable; ``primals`` or ``vector`` not sequences.
        InvalidValueError: ``vector`` of the wrong length, or holding NaN or infinity (checked
            before ``f`` runs).

    >>> hvp(lambda x, y: x * x * y)((3.0, 2.0), (1.0, 0.0))
    (4.0, 6.0)
    """
    function, signature = _make(f, "hvp")
    return cast(_HessianVectorFunction, HessianVectorProduct(function, signature))
