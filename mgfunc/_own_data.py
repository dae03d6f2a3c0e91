"""Your own data as a Dataset (:func:`from_arrays`), and any dataset cut into parts (:func:`split`).

Users import these from :mod:`mgfunc.datasets`, beside the generators.

>>> data = from_arrays([[0.0, 1.0], [1.0, 0.0], [0.5, 0.5], [1.0, 1.0]], [0, 1, 1, 0])
>>> [len(part) for part in split(data, (0.5, 0.5), seed=0)]
[2, 2]
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from itertools import pairwise
from typing import Protocol

from pyrsistent import pmap
from toolz import accumulate

from mgfunc._checks import Numbers, Rows, as_sequence, describe, real_number, rows_of_numbers
from mgfunc._random import Seed, check_seed, make_rng
from mgfunc._records import (
    OFFICIAL_SEED,
    TWO_CLASS_NAMES,
    DataPoint,
    Dataset,
    MetadataValue,
    check_classes,
    class_index,
)
from mgfunc.errors import InvalidTypeError, InvalidValueError

__all__ = ["TableLike", "from_arrays", "real_numbers_of", "split"]


class TableLike(Protocol):
    """A table or column from another library: anything with ``to_numpy()``.

    A pandas DataFrame or Series is one; mgfunc reads it through ``to_numpy()`` and never imports
    pandas or numpy itself.
    """

    def to_numpy(self) -> object:
        """The table's numbers as an array."""
        ...


def from_arrays(
    xs: Rows | TableLike,
    labels: Numbers | TableLike,
    *,
    classes: int | None = None,
    name: str = "custom",
) -> Dataset:
    """A Dataset from your own points and labels: lists, tuples, numpy arrays, pandas tables.

    Labels are class indices ``0 .. K-1`` with every class present (ints, or floats that are
    whole numbers), or ``-1 / 1`` for two classes (read as class 0 / class 1). Other labels,
    such as ``[0, 5, 5]`` (classes 1 to 4 missing) or names, are refused with the mapping that
    renumbers them; or say ``classes=K``, and classes without points are allowed (listed in
    ``metadata["empty_classes"]``).

    Args:
        xs: one row ``(x, y)`` per point: a list of pairs, an ``(n, 2)`` numpy array, or a
            pandas DataFrame of two columns (anything with ``to_numpy()`` or ``__array__``).
        labels: one label per row: a list, a numpy array, or a pandas Series.
        classes: the number of classes, when some have no points here (e.g. a part of a larger
            dataset); None (the default) means one more than the largest label, every class
            present.
        name: the dataset's name in its metadata and plot titles.

    Returns:
        The dataset, with ``classes`` classes.

    Raises:
        InvalidTypeError: ``xs`` is not rows of numbers, ``labels`` not a sequence of numbers,
            ``classes`` not an int or None, or ``name`` not a str.
        InvalidValueError: no points, a row without exactly 2 numbers, a NaN or infinite
            number, a label that is not a class index, -1 mixed with labels other than 1,
            ``xs`` and ``labels`` of different lengths, a class without points (without
            ``classes``), or a label not below ``classes``.

    >>> data = from_arrays([[0.0, 1.0], [1.0, 0.0], [0.5, 0.5]], [0, 1, 1])
    >>> data.classes, data.ys
    (2, (-1.0, 1.0, 1.0))
    >>> from_arrays([(0.0, 1.0), (1.0, 0.0)], [-1.0, 1.0]).labels
    (0, 1)
    >>> part = from_arrays([(0.0, 1.0), (1.0, 0.0)], [0, 2], classes=4)
    >>> part.classes, part.metadata["empty_classes"]
    (4, (1, 3))
    """
    if not isinstance(name, str):
        raise InvalidTypeError(f'name must be a str, got {describe(name)}; pass for example "mine"')
    count = None if classes is None else check_classes(classes)
    rows = rows_of_numbers(_plain_array(xs, "xs", width=2), "xs", width=2)
    raw_labels = as_sequence(
        _plain_array(labels, "labels"), "labels", what="labels (class indices)"
    )
    if not rows:
        raise InvalidValueError("xs must hold at least one point; pass rows such as [[0.5, 1.0]]")
    if len(rows) != len(raw_labels):
        raise InvalidValueError(
            f"xs has {len(rows)} rows but labels has {len(raw_labels)}; pass one label per row"
        )
    indices = _class_indices(raw_labels, count)
    present = set(indices)
    if count is None:
        count = max(2, 1 + max(indices))
        _check_every_class_present(raw_labels, present, count)
    points = tuple(DataPoint(x, y, label) for (x, y), label in zip(rows, indices))
    entries: dict[str, MetadataValue] = {
        "name": name,
        "n_samples": len(points),
        "n_features": 2,
        "classes": count,
    }
    empty = tuple(k for k in range(count) if k not in present)
    if empty:
        entries["empty_classes"] = empty
    if count == 2:
        entries["class_names"] = TWO_CLASS_NAMES
    return Dataset(points, pmap(entries), classes=count)


def _plain_array(value: object, argument: str, *, width: int | None = None) -> object:
    """A pandas table or column (``to_numpy()``) or an object with only ``__array__`` as an array.

    Lists, tuples and numpy arrays pass as they are (the checks read arrays through
    ``tolist()``). A table of the wrong shape is described by its type and shape, never by its
    printout, which can run to pages.
    """
    if isinstance(value, (list, tuple, str, bytes)):
        return value
    converted = value
    to_numpy = getattr(value, "to_numpy", None)
    if callable(to_numpy):
        converted = to_numpy()
    elif hasattr(value, "__array__") and not callable(getattr(value, "tolist", None)):
        converted = value.__array__()
    shape = getattr(converted, "shape", None)
    if converted is value or not isinstance(shape, tuple):
        return converted
    what = f"{type(value).__name__} of shape {shape}"
    if width is not None and (len(shape) != 2 or shape[1] != width):
        raise InvalidValueError(
            f"{argument} must be a table of {width} columns (x, y), got a {what}; pass two "
            'columns, e.g. frame[["x", "y"]]'
        )
    if width is None and len(shape) != 1:
        raise InvalidValueError(
            f"{argument} must be one column of labels, got a {what}; pass one column, e.g. "
            'frame["label"]'
        )
    return converted


def _class_indices(raw_labels: Sequence[object], classes: int | None) -> list[int]:
    """Each label as a class index, or an error that says how to map labels to indices."""
    names = [label for label in raw_labels if isinstance(label, str)]
    if names:
        kinds = sorted({str(label) for label in names})[:3]
        raise InvalidTypeError(
            f"labels must be class indices 0, 1, ..., got names such as {kinds}; map each name "
            "to an index, e.g. mapping = {name: k for k, name in enumerate(sorted(set(labels)))}"
            " and pass [mapping[name] for name in labels]"
        )
    indices = [class_index(label, f"labels[{i}]") for i, label in enumerate(raw_labels)]
    numbers = [real_number(label, "labels") for label in raw_labels]
    signed = [i for i, number in enumerate(numbers) if number == -1.0]
    if signed:
        others = [i for i, number in enumerate(numbers) if number not in (-1.0, 1.0)]
        if others:
            raise InvalidValueError(
                f"labels mixes -1 (labels[{signed[0]}]) with {raw_labels[others[0]]!r} "
                f"(labels[{others[0]}]); use -1 / 1 for two classes, or class indices "
                "0, 1, 2, ... for any number of classes"
            )
        if classes is not None and classes != 2:
            raise InvalidValueError(
                f"labels -1 / 1 name two classes, but classes={classes}; pass class indices "
                f"0 .. {classes - 1} for {classes} classes, or classes=2"
            )
    if classes is not None:
        largest = max(indices, default=0)
        if largest >= classes:
            where = indices.index(largest)
            raise InvalidValueError(
                f"labels[{where}] is {raw_labels[where]!r}, but with classes={classes} labels "
                f"must be below {classes}; pass classes={largest + 1} or more"
            )
    return indices


def _check_every_class_present(raw_labels: Sequence[object], present: set[int], count: int) -> None:
    """Refuse labels that leave classes 0 .. count-1 without points, showing the renumbering."""
    missing = [k for k in range(count) if k not in present]
    if not missing:
        return
    used = sorted(present)
    if used == [1]:  # every label 1: one class, whichever spelling was meant
        raise InvalidValueError(
            "labels are all 1: a dataset needs points of at least two classes; pass "
            "classes=2 if class 0 has no points here"
        )
    if len(used) == 1:
        raise InvalidValueError(
            f"labels are all {used[0]}: a dataset needs points of at least two classes; pass "
            f"classes={count} if the other classes have no points here"
        )
    mapping = ", ".join(f"{label}: {k}" for k, label in enumerate(used))
    shown = ", ".join(map(str, missing[:5])) + (", ..." if len(missing) > 5 else "")
    raise InvalidValueError(
        f"labels use classes {_listed(used)} but no point has class {shown}: class indices "
        f"must run 0 .. K-1 with every class present. Renumber them, e.g. "
        f"mapping = {{{mapping}}}; labels = [mapping[label] for label in labels], or pass "
        f"classes={count} to keep {count} classes, "
        f"{len(missing)} of them without points"
    )


def _listed(numbers: list[int]) -> str:
    return ", ".join(map(str, numbers[:8])) + (", ..." if len(numbers) > 8 else "")


def split(
    dataset: Dataset, fractions: Numbers, *, seed: Seed = OFFICIAL_SEED
) -> tuple[Dataset, ...]:
    """Cut ``dataset`` into parts by a seeded shuffle: e.g. train, validation and test sets.

    The points are shuffled by a generator seeded with ``seed``, then cut in order: part ``i``
    gets the points from ``round(n * (f_0 + ... + f_{i-1}))`` up to
    ``round(n * (f_0 + ... + f_i))``. Every point lands in exactly one part; each part keeps
    the whole dataset's ``classes`` and metadata (plus ``part`` and ``fractions``).

    Args:
        dataset: the dataset to cut; it is not changed.
        fractions: two or more positive numbers summing to 1, e.g. ``(0.8, 0.1, 0.1)``.
        seed: an int or a tuple of ints; the same seed gives the same parts.

    Returns:
        A tuple of Datasets, one per fraction.

    Raises:
        InvalidTypeError: an argument has the wrong type.
        InvalidValueError: fewer than two fractions, a fraction that is not positive, fractions
            that do not sum to 1, or a part that would be empty.

    >>> from mgfunc.datasets import yin_yang
    >>> train, validation, test = split(yin_yang(30, seed=0), (0.8, 0.1, 0.1), seed=0)
    >>> len(train), len(validation), len(test), validation.classes
    (24, 3, 3, 3)
    """
    if not isinstance(dataset, Dataset):
        raise InvalidTypeError(
            f"dataset must be a Dataset, got {describe(dataset)}; make one with "
            "mgfunc.datasets.moons(100) or from_arrays(xs, labels)"
        )
    parts = real_numbers_of(fractions)
    rng = make_rng(check_seed(seed), "mgfunc.datasets.split")
    n = len(dataset.points)
    # The running sums of the fractions, scaled to points, are where the parts end.
    cuts = [0, *(round(n * total) for total in accumulate(operator.add, parts[:-1])), n]
    sizes = [stop - start for start, stop in pairwise(cuts)]
    if min(sizes) < 1:
        empty = sizes.index(min(sizes))
        raise InvalidValueError(
            f"fractions {tuple(parts)} of {n} points leave part {empty} empty (sizes {sizes}); "
            "pass larger fractions for the small parts, fewer parts, or a larger dataset"
        )
    order = list(range(n))
    rng.shuffle(order)
    shuffled = [dataset.points[i] for i in order]
    return tuple(
        Dataset(
            shuffled[start:stop],
            dataset.metadata.update(
                {"part": index, "fractions": tuple(parts), "n_samples": stop - start}
            ),
            classes=dataset.classes,
        )
        for index, (start, stop) in enumerate(pairwise(cuts))
    )


def real_numbers_of(fractions: object) -> list[float]:
    """Check ``split``'s fractions: two or more positive numbers summing to 1."""
    items = as_sequence(fractions, "fractions", what="numbers such as (0.8, 0.1, 0.1)")
    parts = [real_number(f, f"fractions[{i}]", example="0.8") for i, f in enumerate(items)]
    if len(parts) < 2:
        raise InvalidValueError(
            f"fractions must have at least two parts, got {len(parts)}; pass for example "
            "(0.8, 0.2) or (0.8, 0.1, 0.1)"
        )
    for index, fraction in enumerate(parts):
        if fraction <= 0.0:
            raise InvalidValueError(
                f"fractions[{index}] must be positive, got {fraction!r}; every part needs points"
            )
    if abs(math.fsum(parts) - 1.0) > 1e-9:
        raise InvalidValueError(
            f"fractions must sum to 1, got {tuple(parts)} (sum {math.fsum(parts)!r}); pass for "
            "example (0.8, 0.1, 0.1)"
        )
    return parts
