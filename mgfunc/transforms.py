"""Function transforms: the gradient of a function of floats, as a new function.

``grad(f)`` turns ``f(x1, ..., xn) -> Value`` into ``(x1, ..., xn) -> (df/dx1, ..., df/dxn)``,
the idea of JAX's ``grad`` at scalar size. ``f`` receives a leaf Value for each float.

>>> from mgfunc import grad, value_and_grad
>>> def f(x, y):
...     return x * x * y + y
>>> grad(f)(3.0, 2.0)
(12.0, 10.0)
>>> value_and_grad(f)(3.0, 2.0)
(20.0, (12.0, 10.0))
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

from mgfunc._checks import describe, real_number
from mgfunc.backward import backward
from mgfunc.errors import InvalidTypeError
from mgfunc.value import Value

__all__ = ["grad", "value_and_grad"]

ScalarFunction = Callable[..., "Value | float"]


def value_and_grad(f: ScalarFunction) -> Callable[..., tuple[float, tuple[float, ...]]]:
    """Turn ``f`` into a function returning ``(f(*args), gradient w.r.t. every argument)``.

    Args:
        f: a function of Values (one per argument) returning a Value, or a plain number when
            its result does not depend on them (every gradient is then 0.0).

    Returns:
        A function of floats returning ``(value, (df/dx1, ..., df/dxn))``.

    Raises:
        InvalidTypeError: ``f`` is not callable (at once); an argument is not a real number,
            or ``f`` returns something other than a Value or number (when called).

    >>> value_and_grad(lambda x: x.tanh())(0.0)
    (0.0, (1.0,))
    """
    if not callable(f):
        raise InvalidTypeError(
            f"f must be a function of Values, got {describe(f)}; "
            "pass a function such as lambda x: x * x"
        )
    signature = _signature(f)

    def evaluate(*args: float) -> tuple[float, tuple[float, ...]]:
        inputs = tuple(
            Value(real_number(arg, f"argument {i}"), label=f"arg{i}") for i, arg in enumerate(args)
        )
        if signature is not None:
            try:
                signature.bind(*inputs)
            except TypeError as error:
                raise InvalidTypeError(
                    f"f{signature} cannot take {len(inputs)} argument(s) ({error}); "
                    "pass one number per parameter of f"
                ) from None
        output = f(*inputs)
        if isinstance(output, Value):
            grads = backward(output)
            return output.data, tuple(grads[x] for x in inputs)
        if isinstance(output, (int, float)) and not isinstance(output, bool):
            return real_number(output, "the result of f"), (0.0,) * len(inputs)
        raise InvalidTypeError(
            f"f must return a Value (or a number), got {describe(output)}; "
            "build the result from the Values f receives"
        )

    return evaluate


def _signature(f: ScalarFunction) -> inspect.Signature | None:
    """``f``'s signature, to check the argument count; None where Python cannot tell."""
    try:
        return inspect.signature(f)
    except (TypeError, ValueError):
        return None


def grad(f: ScalarFunction) -> Callable[..., tuple[float, ...]]:
    """Turn ``f`` into a function returning its gradient with respect to every argument.

    Args:
        f: a function of Values (one per argument) returning a Value.

    Returns:
        A function of floats returning ``(df/dx1, ..., df/dxn)``, a tuple even for one argument.

    Raises:
        InvalidTypeError: as :func:`value_and_grad`.

    >>> (slope,) = grad(lambda x: x ** 3)(2.0)
    >>> slope
    12.0
    """
    with_value = value_and_grad(f)

    def gradient(*args: float) -> tuple[float, ...]:
        return with_value(*args)[1]

    return gradient
