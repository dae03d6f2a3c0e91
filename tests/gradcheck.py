"""A finite-difference gradient checker for functions of mgfunc Values."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from mgfunc import Value, value_and_grad

Function = Callable[..., Value]


def numeric_gradient(f: Function, point: Sequence[float], step: float = 1e-6) -> list[float]:
    """Central differences (f(x + h) - f(x - h)) / 2h in each coordinate."""
    slopes = []
    for i in range(len(point)):
        up = [*point[:i], point[i] + step, *point[i + 1 :]]
        down = [*point[:i], point[i] - step, *point[i + 1 :]]
        high = f(*(Value(x) for x in up)).data
        low = f(*(Value(x) for x in down)).data
        slopes.append((high - low) / (2 * step))
    return slopes


def assert_gradients_match(
    f: Function, point: Sequence[float], *, rtol: float = 1e-5, atol: float = 1e-6
) -> None:
    """Fail unless mgfunc's gradient of ``f`` at ``point`` equals central differences."""
    _, analytic = value_and_grad(f)(*point)
    numeric = numeric_gradient(f, point)
    for i, (a, n) in enumerate(zip(analytic, numeric, strict=True)):
        assert abs(a - n) <= atol + rtol * max(abs(a), abs(n)), (
            f"d/dx{i} at {list(point)}: backward gives {a}, central differences give {n}"
        )
