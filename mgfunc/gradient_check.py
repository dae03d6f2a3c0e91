"""``check_grads``: every transform's derivatives against central finite differences.

The idea of HIPS autograd's and JAX's ``check_grads`` at scalar size: for each argument, forward
mode (:func:`~mgfunc.transforms.jvp`) and reverse mode (:func:`~mgfunc.transforms.vjp`) must
agree with a central difference of ``f`` along that argument, and, up to ``order``, so must the
derivatives of those derivatives (the check runs again on the function that computes them).

>>> from mgfunc import check_grads
>>> check_grads(lambda x, y: (x * y).tanh(), (0.3, -0.7), order=3)
>>> from mgfunc import Value
>>> check_grads(lambda x: Value(x.data * x.data), (1.5,))
Traceback (most recent call last):
...
mgfunc.errors.GradientCheckError: check_grads: order 1, forward mode, argument 0: jvp gives 0.0 ...
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from mgfunc._checks import describe, real_number
from mgfunc.errors import GradientCheckError, InvalidTypeError, InvalidValueError
from mgfunc.transforms import VectorFunction, jvp, vjp
from mgfunc.value import Value

__all__ = ["DEFAULT_ATOL", "DEFAULT_EPS", "DEFAULT_RTOL", "MODES", "check_grads"]

DEFAULT_EPS = 1e-4
"""The step of the central differences: their error is about eps**2 times the third derivative,
plus rounding of about 1e-16 / eps."""
DEFAULT_RTOL = 1e-5
"""Relative tolerance of a comparison."""
DEFAULT_ATOL = 1e-6
"""Absolute tolerance of a comparison (for derivatives near 0)."""
MODES = ("forward", "reverse")


def check_grads(
    f: VectorFunction,
    args: Sequence[float],
    *,
    order: int = 2,
    modes: Sequence[str] = MODES,
    eps: float = DEFAULT_EPS,
    rtol: float = DEFAULT_RTOL,
    atol: float = DEFAULT_ATOL,
) -> None:
    """Check ``f``'s derivatives up to ``order`` against central finite differences.

    Order 1 compares, for each argument ``i``, ``jvp`` along argument ``i`` (forward) and entry
    ``i`` of ``vjp``'s pullback of ones (reverse) with ``(f(x + eps e_i) - f(x - eps e_i)) / 2
    eps``. Order ``k`` then checks, the same way, the function that computes each of those
    derivatives, to order ``k - 1``. Finite differences call ``f`` with fresh Values.

    Args:
        f: a function of Values returning one Value or a sequence of them.
        args: the point, one number per argument.
        order: how many orders to check (1 to 4).
        modes: ``"forward"``, ``"reverse"`` or both.
        eps: the central differences' step (default :data:`DEFAULT_EPS`).
        rtol: relative tolerance (default :data:`DEFAULT_RTOL`).
        atol: absolute tolerance (default :data:`DEFAULT_ATOL`).

    Returns:
        None when every derivative agrees.

    Raises:
        GradientCheckError: a derivative disagrees; the message names the argument, order,
            mode and both numbers.
        InvalidTypeError: ``f`` not callable, ``args`` not numbers, ``modes`` not strings.
        InvalidValueError: ``order`` outside 1..4, an unknown mode, or a non-positive ``eps``.
    """
    if not callable(f):
        raise InvalidTypeError(
            f"check_grads: f must be a function of Values, got {describe(f)}; "
            "pass a function such as lambda x: x * x"
        )
    if isinstance(args, (str, bytes)) or not isinstance(args, Sequence):
        raise InvalidTypeError(
            f"check_grads(args=...) takes a sequence of numbers, got {describe(args)}; "
            "pass a tuple such as (0.5, -1.0)"
        )
    point = tuple(real_number(x, f"args[{i}]") for i, x in enumerate(args))
    if type(order) is not int or not 1 <= order <= 4:
        raise InvalidValueError(f"check_grads(order=...) takes 1, 2, 3 or 4, got {order!r}")
    if (
        isinstance(modes, str)
        or not isinstance(modes, Sequence)
        or not modes
        or not all(isinstance(mode, str) and mode in MODES for mode in modes)
    ):
        raise InvalidValueError(
            f"check_grads(modes=...) takes a tuple of 'forward' and/or 'reverse', got "
            f"{modes!r}; pass modes=('forward', 'reverse')"
        )
    tolerances = (
        real_number(eps, "eps", example="1e-4"),
        real_number(rtol, "rtol", example="1e-5"),
        real_number(atol, "atol", example="1e-6"),
    )
    if min(tolerances) <= 0.0:
        raise InvalidValueError(
            f"check_grads: eps, rtol and atol must be positive, got {tolerances}; "
            "leave them at their defaults or pass small positive numbers"
        )
    for mode in modes:
        _check(f, point, order, 1, mode, *tolerances, plain=False)


def _check(
    f: VectorFunction,
    point: tuple[float, ...],
    order: int,
    current: int,
    mode: str,
    eps: float,
    rtol: float,
    atol: float,
    *,
    plain: bool,
) -> None:
    """Check ``f`` along each argument; ``plain``: ``f`` takes numbers (a derivative function).

    A derivative function is evaluated on numbers for the finite differences, so its
    differences come from the float folds, while its derivative comes from the Value rules
    (:mod:`mgfunc.rules`) that nest: a wrong rule of either kind shows.
    """
    for i in range(len(point)):
        derivative = _along(f, i, mode)
        analytic = _flat(derivative(*point))
        up = _flat(_evaluate(f, _moved(point, i, eps), plain))
        down = _flat(_evaluate(f, _moved(point, i, -eps), plain))
        numeric = tuple((high - low) / (2.0 * eps) for high, low in zip(up, down))
        if mode == "reverse":
            numeric = (sum(numeric),)
        for a, n in zip(analytic, numeric):
            if not abs(a - n) <= atol + rtol * max(abs(a), abs(n)):
                name = "jvp" if mode == "forward" else "vjp"
                raise GradientCheckError(
                    f"check_grads: order {current}, {mode} mode, argument {i}: {name} gives "
                    f"{a!r} but central differences give {n!r} (eps {eps}, rtol {rtol}, "
                    f"atol {atol})"
                )
        if current < order:
            _check(derivative, point, order, current + 1, mode, eps, rtol, atol, plain=True)


def _along(
    f: VectorFunction, i: int, mode: str
) -> Callable[..., Value | float | tuple[Value | float, ...]]:
    """The function computing f's derivative along argument ``i`` in ``mode``."""

    def forward(*xs: Value | float) -> Value | float | tuple[Value | float, ...]:
        tangents = tuple(1.0 if j == i else 0.0 for j in range(len(xs)))
        return jvp(f, xs, tangents)[1]

    def reverse(*xs: Value | float) -> Value | float:
        value, pullback = vjp(f, *xs)
        ones = tuple(1.0 for _ in value) if isinstance(value, tuple) else 1.0
        return pullback(ones)[i]

    return forward if mode == "forward" else reverse


def _evaluate(f: Callable[..., object], point: tuple[float, ...], plain: bool) -> object:
    return f(*point) if plain else f(*(Value(x) for x in point))


def _flat(result: object) -> tuple[float, ...]:
    items = result if isinstance(result, (tuple, list)) else (result,)
    return tuple(item.data if isinstance(item, Value) else float(item) for item in items)


def _moved(point: tuple[float, ...], i: int, step: float) -> tuple[float, ...]:
    return (*point[:i], point[i] + step, *point[i + 1 :])
