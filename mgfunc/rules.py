"""Every operation's derivative rules, as data: what the transforms read to go past first order.

A node keeps the floats of its local derivatives (``node.local_gradients``), computed in the
forward pass beside the forward formula (see :mod:`mgfunc.value`): that is all first-order
``backward`` and forward mode need. Going further needs three more facts per operation, and
this module keeps them side by side, one entry per op, so an op's whole calculus is in one place:

- ``values(node)``: the same local derivatives written as Values, built from the node's inputs
  and the node itself (``tanh``'s is ``1 - node * node``). They are nodes of the graph, so they
  can be differentiated again: nested ``grad`` and ``jvp`` read these.
- ``tangents(node, input_tangents, node_tangent)``: how the local derivatives move when the
  inputs move along a direction, on floats. Forward mode over the reverse fold reads these to
  give Hessian-vector products without building a single Value.
- ``taylor(node, inputs, order)``: the Taylor coefficients of the node from those of its inputs,
  on floats. ``derivative(derivative(...))`` of a function of one number reads these: one pass
  gives every derivative up to ``order`` (the k-th derivative is ``k!`` times coefficient k).

>>> from mgfunc import Value
>>> x = Value(0.5)
>>> y = x.tanh()
>>> (slope,) = local_derivatives(y)
>>> round(slope.data, 12) == round(y.local_gradients[0], 12)
True
>>> taylor_coefficients(y, [[0.5, 1.0, 0.0]], 2)[2] == -y.data * y.local_gradients[0]
True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence

import attrs

from mgfunc._frozen import immutable
from mgfunc.errors import DomainError
from mgfunc.value import Value

__all__ = ["Rule", "local_derivatives", "local_tangents", "rule_of", "taylor_coefficients"]

Local = Value | float
Series = list[float]
"""Taylor coefficients ``c0, c1, ..., c_order`` of a node: ``c_k`` is its k-th derivative / k!."""


@immutable()
@attrs.frozen
class Rule:
    """One operation's derivative rules (see the module docstring)."""

    values: Callable[[Value], tuple[Local, ...]]
    tangents: Callable[[Value, Sequence[float], float], tuple[float, ...] | None]
    taylor: Callable[[Value, Sequence[Series], int], Series]


class NoTaylorSeriesError(DomainError):
    """The Taylor rule cannot expand this node (``x ** 1.5`` at 0): use nested transforms."""


def local_derivatives(node: Value) -> tuple[Local, ...]:
    """``node``'s local derivatives as Values (or plain floats where they are constants)."""
    return rule_of(node).values(node)


def local_tangents(
    node: Value, input_tangents: Sequence[float], node_tangent: float
) -> tuple[float, ...] | None:
    """The directional derivatives of ``node``'s local derivatives; None when all are 0."""
    return rule_of(node).tangents(node, input_tangents, node_tangent)


def taylor_coefficients(node: Value, inputs: Sequence[Series], order: int) -> Series:
    """``node``'s Taylor coefficients up to ``order`` from its inputs' (``c0`` is node.data)."""
    return rule_of(node).taylor(node, inputs, order)


def rule_of(node: Value) -> Rule:
    """The rules of ``node``'s operation."""
    rule = _RULES.get(node.op)
    if rule is None:
        rule = _power_rule if node.op.startswith("**") else _RULES[node.op]  # KeyError: a bug
    return rule


# Helpers on Taylor series (lists of coefficients, all of length order + 1).


def _product(a: Series, b: Series, order: int) -> Series:
    return [sum([a[j] * b[k - j] for j in range(k + 1)]) for k in range(order + 1)]


def _add_up(terms: Iterable[float]) -> float:
    return sum(terms, 0.0)


def _constant(c0: float, order: int) -> Series:
    return [c0] + [0.0] * order


def _nan(order: int) -> Series:
    return [math.nan] * (order + 1)


# Sums and differences: local derivatives are constants, so nothing moves with the inputs.


def _no_tangents(_node: Value, _inputs: Sequence[float], _tangent: float) -> None:
    return None


def _ones(node: Value) -> tuple[Local, ...]:
    return (1.0,) * len(node.inputs)


def _sum_series(node: Value, inputs: Sequence[Series], order: int) -> Series:
    return [node.data] + [_add_up(s[k] for s in inputs) for k in range(1, order + 1)]


_add = Rule(_ones, _no_tangents, _sum_series)  # a + b and sum_values alike
_identity = Rule(lambda node: (1.0,), _no_tangents, lambda node, inputs, order: list(inputs[0]))
_subtract = Rule(
    lambda node: (1.0, -1.0),
    _no_tangents,
    lambda node, s, order: [node.data] + [s[0][k] - s[1][k] for k in range(1, order + 1)],
)
_negate = Rule(
    lambda node: (-1.0,),
    _no_tangents,
    lambda node, s, order: [-c for c in s[0]],
)

# Products: d(a*b)/da = b, d(a*b)/db = a.


def _multiply_series(node: Value, s: Sequence[Series], order: int) -> Series:
    a, b = s
    if not any(b[1:]):  # a constant factor scales the other series
        scaled = [b[0] * c for c in a]
    elif not any(a[1:]):
        scaled = [a[0] * c for c in b]
    else:
        scaled = _product(a, b, order)
    scaled[0] = node.data
    return scaled


_multiply = Rule(
    lambda node: (node.inputs[1], node.inputs[0]),
    lambda node, t, tangent: (t[1], t[0]),
    _multiply_series,
)


# Quotients: d(a/b)/da = 1/b, d(a/b)/db = -(a/b)/b.


def _divide_values(node: Value) -> tuple[Local, ...]:
    divisor = node.inputs[1]
    return (1.0 / divisor, -node / divisor)


def _divide_tangents(node: Value, t: Sequence[float], tangent: float) -> tuple[float, ...]:
    b = node.inputs[1].data
    return (-t[1] / (b * b), -tangent / b + node.data * t[1] / (b * b))


def _divide_series(node: Value, s: Sequence[Series], order: int) -> Series:
    a, b = s
    y = [node.data]
    for k in range(1, order + 1):
        y.append((a[k] - _add_up(b[j] * y[k - j] for j in range(1, k + 1))) / b[0])
    return y


_divide = Rule(_divide_values, _divide_tangents, _divide_series)


# Powers with a number exponent: d(x**p)/dx = p * x**(p - 1).


def _exponent(node: Value) -> float:
    # The op is "**" and the exponent as value.py wrote it (an int's digits or a float's repr,
    # both of which read back exactly).
    return float(node.op[2:])


def _power_values(node: Value) -> tuple[Local, ...]:
    p = _exponent(node)
    (x,) = node.inputs
    if p == 0.0:
        return (0.0,)
    if p == 1.0:
        return (1.0,)
    if p == 2.0:
        return (2.0 * x,)
    return (p * x ** (p - 1.0),)


def _power_tangents(node: Value, t: Sequence[float], tangent: float) -> tuple[float, ...] | None:
    p = _exponent(node)
    if p in (0.0, 1.0):
        return None
    x = node.inputs[0].data
    if p == 2.0:
        return (2.0 * t[0],)
    if x == 0.0 and p < 2.0:
        raise DomainError(
            f"the second derivative of x ** {p!r} at x = 0 is not finite; "
            "evaluate it at a non-zero point"
        )
    return (p * (p - 1.0) * math.pow(x, p - 2.0) * t[0],)


def _power_series(node: Value, s: Sequence[Series], order: int) -> Series:
    p = _exponent(node)
    (a,) = s
    if p.is_integer() and 0.0 <= p <= 16.0:
        # Repeated products: exact for polynomials and fine at x = 0.
        if p == 0.0:
            return _constant(1.0, order)
        y = list(a)
        for _ in range(int(p) - 1):
            y = _product(y, a, order)
        y[0] = node.data
        return y
    if a[0] == 0.0:
        raise NoTaylorSeriesError(f"x ** {p!r} has no Taylor series at x = 0")
    # y = a ** p satisfies a * y' = p * a' * y; its coefficients follow one at a time.
    y = [node.data]
    for k in range(1, order + 1):
        total = _add_up((p * j - (k - j)) * a[j] * y[k - j] for j in range(1, k + 1))
        y.append(total / (k * a[0]))
    return y


_power_rule = Rule(_power_values, _power_tangents, _power_series)


# ReLU: slope 1 above 0, 0 at and below 0 (as micrograd), NaN for NaN; no curvature.


def _relu_values(node: Value) -> tuple[Local, ...]:
    return node.local_gradients


def _relu_series(node: Value, s: Sequence[Series], order: int) -> Series:
    x = s[0][0]
    if x > 0.0:
        return list(s[0])
    if x <= 0.0:
        return _constant(0.0, order)
    return _nan(order)


_relu = Rule(_relu_values, _no_tangents, _relu_series)


# tanh: y' = (1 - y**2) x'. exp: y' = y x'. sigmoid: y' = y (1 - y) x'. log: y' = x' / x.


def _ode_series(y0: float, a: Series, order: int, slope: Callable[[Series, int], float]) -> Series:
    """y's coefficients from y(0) = y0, where y' = g(y) * a', g's coefficient m being
    slope(y, m)."""
    y = [y0]
    for k in range(1, order + 1):
        y.append(_add_up(j * a[j] * slope(y, k - j) for j in range(1, k + 1)) / k)
    return y


def _exp_slope(y: Series, m: int) -> float:
    return y[m]


def _tanh_slope(y: Series, m: int) -> float:
    square = _add_up(y[i] * y[m - i] for i in range(m + 1))
    return (1.0 if m == 0 else 0.0) - square


def _sigmoid_slope(y: Series, m: int) -> float:
    return y[m] - _add_up(y[i] * y[m - i] for i in range(m + 1))


_tanh = Rule(
    lambda node: (1.0 - node * node,),
    lambda node, t, tangent: (-2.0 * node.data * tangent,),
    lambda node, s, order: _ode_series(node.data, s[0], order, _tanh_slope),
)
_exp = Rule(
    lambda node: (node,),
    lambda node, t, tangent: (tangent,),
    lambda node, s, order: _ode_series(node.data, s[0], order, _exp_slope),
)
_sigmoid = Rule(
    lambda node: (node * (1.0 - node),),
    lambda node, t, tangent: (tangent * (1.0 - 2.0 * node.data),),
    lambda node, s, order: _ode_series(node.data, s[0], order, _sigmoid_slope),
)


def _log_series(node: Value, s: Sequence[Series], order: int) -> Series:
    return _log_of(node.data, s[0], order)


def _log_of(y0: float, a: Series, order: int) -> Series:
    """The coefficients of log(a), whose value is y0: a * y' = a'."""
    y = [y0]
    for k in range(1, order + 1):
        inner = _add_up(j * y[j] * a[k - j] for j in range(1, k)) / k
        y.append((a[k] - inner) / a[0])
    return y


_log = Rule(
    lambda node: (1.0 / node.inputs[0],),
    lambda node, t, tangent: (-t[0] / (node.inputs[0].data * node.inputs[0].data),),
    _log_series,
)


# Sums of squares: d/dv_i = 2 v_i.


def _sum_of_squares_series(node: Value, s: Sequence[Series], order: int) -> Series:
    total = _constant(node.data, order)
    for v in s:
        square = _product(v, v, order)
        for k in range(1, order + 1):
            total[k] += square[k]
    return total


_sum_of_squares = Rule(
    lambda node: tuple(2.0 * v for v in node.inputs),
    lambda node, t, tangent: tuple(2.0 * ti for ti in t),
    _sum_of_squares_series,
)


# A neuron's weighted sum: inputs are the weights w, the bias, then the inputs x;
# d/dw_i = x_i, d/dbias = 1, d/dx_i = w_i. relu(linear) is that sum through a ReLU.


def _halves(items: Sequence[object]) -> int:
    return (len(items) - 1) // 2


def _linear_values(node: Value) -> tuple[Local, ...]:
    n = _halves(node.inputs)
    return (*node.inputs[n + 1 :], 1.0, *node.inputs[:n])


def _linear_tangents(node: Value, t: Sequence[float], tangent: float) -> tuple[float, ...]:
    n = _halves(t)
    return (*t[n + 1 :], 0.0, *t[:n])


def _weighted_sum_series(s: Sequence[Series], order: int) -> Series:
    """The weighted sum's coefficients from its inputs' (its value as this sum rounds it)."""
    n = _halves(s)
    total = list(s[n])
    for w, x in zip(s[:n], s[n + 1 :]):
        product = _product(w, x, order)
        total = [t + p for t, p in zip(total, product)]
    return total


def _linear_series(node: Value, s: Sequence[Series], order: int) -> Series:
    total = _weighted_sum_series(s, order)
    total[0] = node.data  # the value as the forward pass rounded it
    return total


def _relu_linear_values(node: Value) -> tuple[Local, ...]:
    if node.data > 0.0:
        return _linear_values(node)
    return node.local_gradients  # flat (all 0.0) or NaN: constants either way


def _relu_linear_tangents(
    node: Value, t: Sequence[float], tangent: float
) -> tuple[float, ...] | None:
    return _linear_tangents(node, t, tangent) if node.data > 0.0 else None


def _relu_linear_series(node: Value, s: Sequence[Series], order: int) -> Series:
    if node.data > 0.0:
        return _linear_series(node, s, order)
    if math.isnan(node.data):
        return _nan(order)
    return _constant(0.0, order)


_linear = Rule(_linear_values, _linear_tangents, _linear_series)
_relu_linear = Rule(_relu_linear_values, _relu_linear_tangents, _relu_linear_series)


# tanh(linear) and sigmoid(linear): y = f(z) with z the weighted sum, so each local derivative is
# the slope f'(z) (a function of y: 1 - y**2, or y (1 - y)) times the sum's, u_i.


def _sum_floats(node: Value) -> tuple[float, ...]:
    """The weighted sum's own local derivatives u_i as floats: the inputs, 1.0, the weights."""
    n = _halves(node.inputs)
    return (*[x.data for x in node.inputs[n + 1 :]], 1.0, *[w.data for w in node.inputs[:n]])


def _squashed_rule(
    slope_of: Callable[[Value], Value],
    slope_float: Callable[[float], float],
    slope_change: Callable[[float], float],
    series_slope: Callable[[Series, int], float],
) -> Rule:
    """The rules of a weighted sum through an activation whose slope is ``slope_of(y)``;
    ``slope_change(y)`` is d slope / d y, and ``series_slope`` the slope's Taylor coefficients."""

    def values(node: Value) -> tuple[Local, ...]:
        slope = slope_of(node)
        return tuple([slope * local for local in _linear_values(node)])

    def tangents(node: Value, t: Sequence[float], tangent: float) -> tuple[float, ...]:
        # d(s * u_i) = (ds/dy * dy) * u_i + s * du_i, with dy the node's own tangent.
        y = node.data
        slope, moved = slope_float(y), slope_change(y) * tangent
        sums = _linear_tangents(node, t, tangent)
        return tuple(moved * u + slope * du for u, du in zip(_sum_floats(node), sums))

    def taylor(node: Value, s: Sequence[Series], order: int) -> Series:
        # The activation's series over the sum's: its constant term is not read (y0 is).
        return _ode_series(node.data, _weighted_sum_series(s, order), order, series_slope)

    return Rule(values, tangents, taylor)


_tanh_linear = _squashed_rule(
    lambda node: 1.0 - node * node, lambda y: 1.0 - y * y, lambda y: -2.0 * y, _tanh_slope
)
_sigmoid_linear = _squashed_rule(
    lambda node: node * (1.0 - node),
    lambda y: y * (1.0 - y),
    lambda y: 1.0 - 2.0 * y,
    _sigmoid_slope,
)


# logsumexp: d/dv_i = exp(v_i - y), the softmax.


def _logsumexp_tangents(node: Value, t: Sequence[float], tangent: float) -> tuple[float, ...]:
    return tuple(s * (ti - tangent) for s, ti in zip(node.local_gradients, t))


def _logsumexp_series(node: Value, s: Sequence[Series], order: int) -> Series:
    # y = m + log(sum(exp(v_i - m))) with m = y's own value: each exp(v_i - m) is a series
    # (y' = y a'), then their sum, then its log (whose value is 0).
    total = _constant(0.0, order)
    for v, weight in zip(s, node.local_gradients):  # exp(v_i - m) is the softmax weight at 0
        exp_i = _ode_series(weight, v, order, _exp_slope)
        total = [a + b for a, b in zip(total, exp_i)]
    total[0] = 1.0  # the softmax weights add up to 1
    return [node.data, *_log_of(0.0, total, order)[1:]]


_logsumexp = Rule(
    lambda node: tuple((v - node).exp() for v in node.inputs),
    _logsumexp_tangents,
    _logsumexp_series,
)


_RULES: dict[str, Rule] = {
    "+": _add,
    "-": _subtract,
    "*": _multiply,
    "/": _divide,
    "neg": _negate,
    "relu": _relu,
    "tanh": _tanh,
    "exp": _exp,
    "log": _log,
    "sigmoid": _sigmoid,
    "sum": _add,
    "sum of squares": _sum_of_squares,
    "linear": _linear,
    "relu(linear)": _relu_linear,
    "tanh(linear)": _tanh_linear,
    "sigmoid(linear)": _sigmoid_linear,
    "logsumexp": _logsumexp,
    "identity": _identity,
}
