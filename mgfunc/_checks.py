"""Argument checks shared by the public entry points: each names the argument and the fix."""

from __future__ import annotations

import math
import numbers

from mgfunc.errors import InvalidTypeError, InvalidValueError


def real_number(value: object, argument: str, *, example: str = "0.1") -> float:
    """``value`` as a float if it is a finite real number (bool refused); raise otherwise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidTypeError(
            f"{argument} must be a real number, got {type(value).__name__} {value!r}; "
            f"pass a float such as {example}"
        )
    number = float(value)
    if not math.isfinite(number):
        raise InvalidValueError(
            f"{argument} must be finite, got {number!r}; pass a float such as {example}"
        )
    return number


def whole_number(value: object, argument: str, *, least: int, example: str = "100") -> int:
    """``value`` if it is an int (bool refused) of at least ``least``; raise otherwise."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidTypeError(
            f"{argument} must be an int, got {type(value).__name__} {value!r}; "
            f"pass for example {example}"
        )
    if value < least:
        raise InvalidValueError(f"{argument} must be at least {least}, got {value}")
    return value
