"""Argument checks shared by the public entry points: each names the argument and the fix."""

from __future__ import annotations

import math
import numbers
import reprlib
from collections.abc import Sequence
from typing import Protocol, TypeGuard, TypeVar

from mgfunc.errors import InvalidTypeError, InvalidValueError


def real_number(value: object, argument: str, *, example: str = "0.1") -> float:
    """``value`` as a float if it is a finite real number (bool refused); raise otherwise."""
    if type(value) is float and _isfinite(value):
        return value  # the common case, without the general checks
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


_isfinite = math.isfinite


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
    return f"{type_name(value)} {_short.repr(value)}"


def type_name(value: object) -> str:
    """The name of ``value``'s type for error messages: ``"Value"`` for every kind of Value.

    mgfunc builds some Values as small internal subclasses (a neuron's node, its own leaves);
    to users they are Values, so messages say so. A class says how it is shown with a
    ``_shown_as`` class attribute (``Value`` has one); any other type shows its own name.
    """
    shown: object = getattr(type(value), "_shown_as", None)
    return shown if isinstance(shown, str) else type(value).__name__


_short = reprlib.Repr()
_short.maxstring = 60
_short.maxother = 60
_short.maxlong = 40


class ArrayLike(Protocol):
    """An array of numbers from another library: anything with ``tolist()``.

    numpy arrays and pandas Series are array-likes; mgfunc reads them through ``tolist()``
    (which gives Python numbers with the same bits) and never imports numpy itself.
    """

    def tolist(self) -> object:
        """The array's items as (nested) Python lists of Python numbers."""
        ...


Numbers = Sequence[float] | ArrayLike
"""A row of numbers: a list or tuple of floats, or a 1-d array."""
Rows = Sequence[Sequence[float]] | ArrayLike
"""Rows of numbers: a list of rows, or a 2-d array."""


def as_sequence(value: object, argument: str, *, what: str) -> Sequence[object]:
    """``value`` as a sequence: lists and tuples as they are, array-likes through ``tolist()``.

    numpy arrays (and pandas columns, and anything else with ``__array__`` and ``tolist``) become
    plain lists of Python numbers, so a float64 keeps its exact bits; numpy itself is never
    imported. A pandas DataFrame (anything with ``to_numpy()``) is read through its array, as
    :func:`mgfunc.datasets.from_arrays` reads it. Strings, bytes, mappings and sets are refused:
    they are iterable but not rows.
    """
    if not isinstance(value, (list, tuple)):
        to_numpy = getattr(value, "to_numpy", None)
        if callable(to_numpy):
            value = to_numpy()  # a table or column: its array, read below through tolist()
    if _is_array_like(value):
        converted = value.tolist()  # type: ignore[attr-defined]  # checked by _is_array_like
        if isinstance(converted, list):
            return converted
        value = converted  # a 0-d array: a lone number, refused below
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise InvalidTypeError(
            f"{argument} must be a sequence of {what} (a list, tuple or 1-d/2-d array), "
            f"got {describe(value)}"
        )
    return value


def _is_array_like(value: object) -> bool:
    return hasattr(value, "__array__") and callable(getattr(value, "tolist", None))


def real_numbers(
    values: object, argument: str, *, width: int | None = None, example: str = "0.5"
) -> tuple[float, ...]:
    """``values`` as a tuple of floats (a row): each a finite real number, ``width`` of them."""
    row = as_sequence(values, argument, what="numbers")
    if width is not None and len(row) != width:
        raise InvalidValueError(
            f"{argument} has {len(row)} numbers but {width} are needed; pass rows of {width}"
        )
    fast = float_row(row, None)  # the width is checked above
    if fast is not None:
        return fast
    return tuple(real_number(x, f"{argument}[{j}]", example=example) for j, x in enumerate(row))


def float_row(row: object, width: int | None) -> tuple[float, ...] | None:
    """``row`` as a tuple if it is a list or tuple of ``width`` (any if None) finite floats, else
    None.

    The common case of every row check, accepted without the general checks: a sum of floats is
    finite only if every one of them is (a finite row whose sum overflows gets None, and so the
    general path, which accepts it).
    """
    if (
        isinstance(row, (tuple, list))
        and (width is None or len(row) == width)
        and _all_floats(row)
        and _isfinite(sum(row))
    ):
        return tuple(row)
    return None


def _all_floats(row: Sequence[object]) -> TypeGuard[Sequence[float]]:
    return all(type(x) is float for x in row)


def rows_of_numbers(
    rows: object, argument: str, *, width: int | None = None
) -> list[tuple[float, ...]]:
    """``rows`` (a sequence or 2-d array) as a list of float tuples, all ``width`` long.

    Without ``width`` every row must have the first row's length (no ragged rows).
    """
    items = as_sequence(rows, argument, what="rows of numbers")
    result: list[tuple[float, ...]] = []
    for index, row in enumerate(items):
        expected = width if width is not None or not result else len(result[0])
        fast = float_row(row, expected)
        if fast is None:  # not the common case: the general checks, naming the row
            fast = real_numbers(row, f"{argument}[{index}]", width=expected)
        result.append(fast)
    return result


_Kind = TypeVar("_Kind")


def of_type(
    value: object,
    kind: type[_Kind] | tuple[type[_Kind], ...],
    argument: str,
    wanted: str,
    hint: str = "",
) -> _Kind:
    """``value`` itself if it is an instance of ``kind``; else InvalidTypeError naming ``argument``.

    >>> of_type(3, str, "text", "a str of JSON", "pass what model_to_json returned")
    Traceback (most recent call last):
    ...
    mgfunc.errors.InvalidTypeError: text must be a str of JSON, got int 3; pass what \
model_to_json returned
    """
    if not isinstance(value, kind):
        advice = f"; {hint}" if hint else ""
        raise InvalidTypeError(f"{argument} must be {wanted}, got {describe(value)}{advice}")
    return value


def check_choice(value: object, argument: str, choices: tuple[str, ...]) -> str:
    """``value`` if it is one of ``choices``; raise an error listing them otherwise."""
    if not isinstance(value, str) or value not in choices:
        raise (InvalidValueError if isinstance(value, str) else InvalidTypeError)(
            f"{argument} must be one of {', '.join(map(repr, choices))}, got {describe(value)}"
        )
    return value
