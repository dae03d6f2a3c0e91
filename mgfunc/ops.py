"""Every operation as a plain function of ``Value | float``.

These are the operators and methods of :class:`~mgfunc.value.Value` in function form, handy in
``map``, ``reduce`` and pipelines. Plain numbers become constant leaves.

>>> from mgfunc import Value, ops
>>> x = Value(0.0)
>>> ops.add(ops.mul(2, x), 1).data
1.0
>>> ops.sigmoid(x).data
0.5
"""

from __future__ import annotations

import builtins

from mgfunc.value import Value, as_value

__all__ = ["add", "div", "exp", "log", "mul", "neg", "pow", "relu", "sigmoid", "sub", "tanh"]


def add(a: Value | float, b: Value | float) -> Value:
    """``a + b``; local derivatives 1 and 1."""
    return as_value(a, "add") + b


def sub(a: Value | float, b: Value | float) -> Value:
    """``a - b``; local derivatives 1 and -1."""
    return as_value(a, "sub") - b


def mul(a: Value | float, b: Value | float) -> Value:
    """``a * b``; local derivatives b and a."""
    return as_value(a, "mul") * b


def div(a: Value | float, b: Value | float) -> Value:
    """``a / b``; local derivatives 1/b and -a/b**2. Raises DomainError when b is 0."""
    return as_value(a, "div") / b


def neg(a: Value | float) -> Value:
    """``-a``; local derivative -1."""
    return -as_value(a, "neg")


def pow(a: Value | float, exponent: float) -> Value:
    """``a ** exponent`` for a plain-number exponent; local derivative exponent * a**(exponent-1).

    >>> pow(3.0, 2).data
    9.0
    """
    return builtins.pow(as_value(a, "pow"), exponent)


def relu(a: Value | float) -> Value:
    """``max(0, a)``; local derivative 1 where a > 0, else 0 (0 at the kink, as micrograd)."""
    return as_value(a, "relu").relu()


def tanh(a: Value | float) -> Value:
    """``tanh(a)``; local derivative 1 - tanh(a)**2."""
    return as_value(a, "tanh").tanh()


def exp(a: Value | float) -> Value:
    """``e ** a``; local derivative e ** a."""
    return as_value(a, "exp").exp()


def log(a: Value | float) -> Value:
    """Natural log of ``a > 0``; local derivative 1/a. Raises DomainError when a <= 0."""
    return as_value(a, "log").log()


def sigmoid(a: Value | float) -> Value:
    """``1 / (1 + e ** -a)``; local derivative s * (1 - s)."""
    return as_value(a, "sigmoid").sigmoid()
