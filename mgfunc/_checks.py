"""Argument checks shared by the public entry points: each names the argument and the fix."""

from __future__ import annotations

import math
import numbers
import reprlib

from mgfunc.errors import InvalidTypeError, InvalidValueError


def real_number(value: object, argument: str, *, example: str = "0.1") -> float:
    """``value`` as a float if it is a finite real number (bool refused); raise otherwise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidTypeError(
            f"{argument} must be a real number, got {describe(value)}; "
            f"pass a float such as {example}"
        )
    try:
        number = float(value)
    except OverflowError:
        # A huge int or Fraction: float() raises instead of rounding to inf.
        raise InvalidValueError(
            f"{argument} is too large for a float, got {describe(value)}; "
            f"pass a float such as {example}"
        ) from None
    if not math.isfinite(number):
        raise InvalidValueError(
            f"{argument} must be finite, got {number!r}; pass a float such as {example}"
        )
    return number


def whole_number(
    value: object, argument: str, *, least: int, most: int | None = None, example: str = "100"
) -> int:
    """``value`` as an int if it is an integer (bool refused) in [least, most]; raise otherwise.

    Any integral type is accepted (``numpy.int64`` too) and returned as a plain int.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InvalidTypeError(
            f"{argument} must be an int, got {describe(value)}; pass for example {example}"
        )
    number = int(value)
    if number < least:
        raise InvalidValueError(
            f"{argument} must be at least {least}, got {_short.repr(number)}; "
            f"pass for example {example}"
        )
    if most is not None and number > most:
        raise InvalidValueError(
            f"{argument} must be at most {most:,}, got {_short.repr(number)}; "
            f"pass for example {example}"
        )
    return number


def describe(value: object) -> str:
    """The type and a shortened repr of ``value``, for error messages (long inputs truncated)."""
    return f"{type(value).__name__} {_short.repr(value)}"


_short = reprlib.Repr()
_short.maxstring = 60
_short.maxother = 60
_short.maxlong = 40
