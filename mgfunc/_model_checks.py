"""What the classes of :mod:`mgfunc.nn` accept: their fields, and the rows a model reads.

The attrs converters and validators of ``Neuron``, ``Layer`` and ``MLP``, and the checks of a
model's inputs (one row for ``model(...)`` and ``evaluate``, many for ``evaluate_many``). Each
error names the argument and what to pass instead. Nothing here needs the classes themselves,
so :mod:`mgfunc.nn` reads as the classes and the functions on them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import cast

import attrs

from mgfunc._checks import as_sequence, describe, float_row, real_number
from mgfunc.errors import InvalidTypeError, InvalidValueError
from mgfunc.value import Value, as_value


def to_tuple(items: object) -> object:
    # A non-iterable (an int, None) is left as it is, for the validator to refuse with a
    # message instead of a bare TypeError from tuple().
    if isinstance(items, Iterable) and not isinstance(items, (str, bytes)):
        return tuple(items)
    return items


def check_parts(parts: object, kind: type, argument: str) -> None:
    """A layer's neurons, a model's layers: a non-empty tuple (after the converter) of ``kind``."""
    if not isinstance(parts, tuple) or not parts or not all(isinstance(p, kind) for p in parts):
        raise InvalidTypeError(
            f"{argument} takes a non-empty sequence of {kind.__name__}s, got {describe(parts)}"
        )


def check_values(instance: object, attribute: attrs.Attribute[object], values: object) -> None:
    if not isinstance(values, tuple) or not all(isinstance(v, Value) for v in values):
        raise InvalidTypeError(
            f"{type(instance).__name__}({attribute.name}=...) takes a sequence of Values, got "
            f"{describe(values)}; wrap numbers as Value(0.5)"
        )
    if not values:
        raise InvalidValueError(
            f"{type(instance).__name__}({attribute.name}=...) must not be empty; a neuron needs "
            "at least one weight"
        )


def check_value(instance: object, attribute: attrs.Attribute[Value], value: object) -> None:
    if not isinstance(value, Value):
        raise InvalidTypeError(
            f"{type(instance).__name__}({attribute.name}=...) takes a Value, got "
            f"{describe(value)}; wrap numbers as Value(0.0)"
        )


def check_flag(instance: object, attribute: attrs.Attribute[bool], flag: object) -> None:
    if not isinstance(flag, bool):
        raise InvalidTypeError(
            f"{type(instance).__name__}({attribute.name}=...) takes True or False, got "
            f"{describe(flag)}"
        )


def check_learning_rate(learning_rate: object, argument: str = "learning_rate") -> float:
    """Return ``learning_rate`` as a float if it is a finite real number; raise otherwise."""
    return real_number(learning_rate, argument, example="0.1")


def check_numbers(inputs: object, nin: int) -> tuple[float, ...]:
    """``inputs`` as floats for ``evaluate``: ``nin`` finite real numbers, Values refused."""
    row = checked_inputs(inputs, nin)
    if any(isinstance(x, Value) for x in row):
        raise InvalidTypeError(
            "evaluate takes plain numbers, got a Value among the inputs; "
            "call the model itself, model(inputs), to build a graph from Values"
        )
    return tuple(real_number(x, f"inputs[{index}]") for index, x in enumerate(row))


def check_rows(rows: object, nin: int) -> list[tuple[float, ...]]:
    """``rows`` as tuples of floats for ``evaluate_many``: each row checked as ``evaluate`` does."""
    items = (
        rows
        if isinstance(rows, (list, tuple))
        else as_sequence(rows, "rows", what="points such as [(0.5, -1.0), (2.0, 0.25)]")
    )
    points = []
    for index, row in enumerate(items):
        # A row of nin finite floats (a grid's point) is accepted at once.
        fast = float_row(row, nin)
        if fast is not None:
            points.append(fast)
            continue
        try:
            points.append(check_numbers(row, nin))
        except (InvalidTypeError, InvalidValueError) as error:
            raise type(error)(f"rows[{index}]: {error}") from None
    return points


def checked_inputs(inputs: object, nin: int) -> Sequence[Value | float]:
    """``inputs`` as a sequence of ``nin`` items: a list or tuple as it is, an array as a list.

    numpy rows (and other array-likes) go through ``tolist()``, which gives Python floats with
    the same bits, so a model sees exactly the numbers the array holds.
    """
    row = inputs if isinstance(inputs, (tuple, list)) else _array_row(inputs, nin)
    if len(row) != nin:
        raise InvalidValueError(
            f"inputs has {len(row)} entries but the model takes {nin}; pass {nin} numbers"
        )
    # The items are checked where they are used: as_value and real_number refuse non-numbers.
    return cast("Sequence[Value | float]", row)


def input_values(row: Sequence[Value | float], owner: str) -> tuple[Value, ...]:
    """The inputs as Values; a bad item is named by its index, as ``evaluate`` names it."""
    try:
        return tuple([as_value(x, owner) for x in row])
    except (InvalidTypeError, InvalidValueError):
        for index, x in enumerate(row):
            if not isinstance(x, Value):
                real_number(x, f"{owner}: inputs[{index}]", example="0.5 (or a Value)")
        raise


def _array_row(inputs: object, nin: int) -> Sequence[object]:
    if isinstance(inputs, (str, bytes)) or not (
        isinstance(inputs, Sequence) or hasattr(inputs, "__array__")
    ):
        raise InvalidTypeError(
            f"inputs must be a sequence of {nin} numbers or Values, got {describe(inputs)}"
        )
    return as_sequence(inputs, "inputs", what=f"{nin} numbers or Values")
