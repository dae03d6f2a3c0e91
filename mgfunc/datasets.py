"""Small labelled datasets in the plane, generated in pure Python, and the user's own data.

Each generator is pure and deterministic: the same arguments give the same points on every run
and every machine (a SHA-256 of the seed seeds Python's Mersenne Twister). Every dataset knows
its number of ``classes`` and gives each point a class index (``labels``: 0, 1, ...); a
two-class dataset also gives the -1.0 / 1.0 form the max-margin loss uses (``ys``).

>>> from mgfunc.datasets import moons, yin_yang
>>> data = moons(100, noise=0.1, seed=(1337, 1337, 1337))
>>> len(data.xs), sorted(set(data.ys)), sorted(set(data.labels)), data.metadata["name"]
(100, [-1.0, 1.0], [0, 1], 'moons')
>>> moons(100, noise=0.1, seed=(1337, 1337, 1337)) == data
True
>>> yin_yang(30, seed=0).classes
3
"""

from __future__ import annotations

import math
import numbers
import operator
import random
from collections.abc import Iterable, Mapping, Sequence
from itertools import pairwise
from typing import Protocol

import attrs
from pyrsistent import PMap as PMapType
from pyrsistent import pmap
from pyrsistent.typing import PMap
from toolz import accumulate

from mgfunc._checks import (
    Numbers,
    Rows,
    as_sequence,
    describe,
    real_number,
    rows_of_numbers,
    whole_number,
)
from mgfunc._frozen import immutable
from mgfunc._random import Seed, check_seed, make_rng
from mgfunc.errors import InvalidTypeError, InvalidValueError

__all__ = [
    "MAX_CLASSES",
    "DataPoint",
    "Dataset",
    "blobs",
    "from_arrays",
    "moons",
    "spiral",
    "split",
    "yin_yang",
]

OFFICIAL_SEED: Seed = (1337, 1337, 1337)
MetadataValue = str | int | float | tuple[int, ...] | tuple[str, ...] | tuple[float, ...]

# Each point is a few Python objects; past this many a generator would exhaust memory first.
MAX_SAMPLES = 10_000_000
MAX_CLASSES = 1000
"""The most classes a dataset may have (a model needs one output per class)."""


def _to_x(x: float) -> float:
    return real_number(x, "DataPoint(x=...)", example="0.5")


def _to_y(y: float) -> float:
    return real_number(y, "DataPoint(y=...)", example="0.5")


def _to_label(label: float) -> int:
    return class_index(label, "DataPoint(label=...)")


def class_index(label: object, argument: str) -> int:
    """``label`` as a class index: an integral number 0, 1, ..., or -1 read as class 0.

    -1 is the max-margin spelling of a two-class dataset's first class (-1.0 / 1.0 labels), so
    ``DataPoint(x, y, -1.0)`` and ``DataPoint(x, y, 0)`` are the same point.
    """
    number = real_number(label, argument, example="0 or 1")
    if not number.is_integer() or not -1.0 <= number < MAX_CLASSES:
        raise InvalidValueError(
            f"{argument} must be a class index 0, 1, ... (below {MAX_CLASSES}), or -1.0 / 1.0 "
            f"for two classes, got {label!r}; pass for example 0 or 1"
        )
    return 0 if number == -1.0 else int(number)


@immutable()
@attrs.frozen
class DataPoint:
    """One labelled point: coordinates ``x``, ``y`` and its class index ``label``.

    ``label`` is 0, 1, 2, ...; the two-class spelling -1.0 / 1.0 is accepted and stored as class
    0 / class 1 (a two-class :class:`Dataset` gives it back as :attr:`Dataset.ys`).

    Raises:
        InvalidTypeError: a field is not a real number.
        InvalidValueError: a coordinate is not finite or the label is not a class index.

    >>> DataPoint(0.5, 1.0, -1.0).label, DataPoint(0.5, 1.0, 2).label
    (0, 2)
    """

    x: float = attrs.field(converter=_to_x)
    y: float = attrs.field(converter=_to_y)
    label: int = attrs.field(converter=_to_label)

    def to_dict(self) -> dict[str, float | int]:
        """The row as a plain dict, e.g. for ``pandas.DataFrame``."""
        return attrs.asdict(self)


def _to_points(points: Iterable[DataPoint]) -> tuple[DataPoint, ...]:
    given: object = points  # the annotation is the promise; check what actually came
    if isinstance(given, (str, bytes)) or not isinstance(given, Iterable):
        raise InvalidTypeError(
            f"Dataset(points=...) takes a sequence of DataPoint, got {describe(points)}"
        )
    rows = tuple(points)
    for index, point in enumerate(rows):
        if not isinstance(point, DataPoint):
            raise InvalidTypeError(
                f"Dataset(points=...): item {index} must be a DataPoint, got {describe(point)}; "
                "make points with DataPoint(x, y, label)"
            )
    return rows


def _to_metadata(metadata: Mapping[str, MetadataValue]) -> PMap[str, MetadataValue]:
    given: object = metadata  # the annotation is the promise; check what actually came
    if not isinstance(given, Mapping) or not all(isinstance(key, str) for key in given):
        raise InvalidTypeError(
            f"Dataset(metadata=...) takes a mapping with str keys, got {describe(metadata)}; "
            'pass for example {"name": "mine"}'
        )
    return metadata if isinstance(metadata, PMapType) else pmap(metadata)


def _to_classes(classes: int) -> int:
    return whole_number(classes, "Dataset(classes=...)", least=2, most=MAX_CLASSES, example="3")


def _default_classes(dataset: Dataset) -> int:
    return max(2, 1 + max((point.label for point in dataset.points), default=0))


@immutable()
@attrs.frozen
class Dataset:
    """Labelled points, how many classes they come from, and how they were made.

    Args:
        points: the labelled points.
        metadata: how they were made: name, n_samples, noise, seed and the generator's own
            settings, as a frozen map (``class_names`` names the classes in plots).
        classes: the number of classes (at least 2); by default one more than the largest
            label. A part cut by :func:`split` keeps its whole dataset's count.

    Raises:
        InvalidTypeError: a field has the wrong type.
        InvalidValueError: ``classes`` is below 2, or a point's label is not below it.

    >>> data = Dataset([DataPoint(0.0, 1.0, 0), DataPoint(1.0, 0.0, 2)])
    >>> data.classes, data.labels
    (3, (0, 2))
    """

    points: tuple[DataPoint, ...] = attrs.field(converter=_to_points)
    metadata: PMap[str, MetadataValue] = attrs.field(factory=pmap, converter=_to_metadata)
    classes: int = attrs.field(
        default=attrs.Factory(_default_classes, takes_self=True), kw_only=True
    )

    @classes.validator
    def _check_classes(self, _attribute: object, classes: object) -> None:
        count = whole_number(
            classes, "Dataset(classes=...)", least=2, most=MAX_CLASSES, example="3"
        )
        largest = max((point.label for point in self.points), default=0)
        if largest >= count:
            raise InvalidValueError(
                f"Dataset(classes={count}): a point has label {largest}, but labels must be "
                f"below the number of classes; pass classes={largest + 1} or more"
            )

    @property
    def xs(self) -> tuple[tuple[float, float], ...]:
        """The inputs: one ``(x, y)`` pair per point."""
        return tuple((point.x, point.y) for point in self.points)

    @property
    def labels(self) -> tuple[int, ...]:
        """The class indices (0 .. classes - 1), in the order of :attr:`xs`."""
        return tuple(point.label for point in self.points)

    @property
    def ys(self) -> tuple[float, ...]:
        """The labels of a two-class dataset as -1.0 (class 0) or 1.0 (class 1), for max_margin.

        Raises:
            InvalidValueError: the dataset has more than two classes; read :attr:`labels`.
        """
        if self.classes != 2:
            raise InvalidValueError(
                f"ys (-1.0 / 1.0 labels) exists only for two classes, but this dataset has "
                f"{self.classes}; read dataset.labels (class indices) and train with "
                "mgfunc.losses.cross_entropy"
            )
        return tuple(_SIGNS[point.label] for point in self.points)

    @property
    def class_names(self) -> tuple[str, ...]:
        """A name per class for legends: ``metadata["class_names"]``, else ``class 0``, ..."""
        names = self.metadata.get("class_names")
        if isinstance(names, tuple) and len(names) == self.classes:
            return tuple(str(name) for name in names)
        return tuple(f"class {k}" for k in range(self.classes))

    def __len__(self) -> int:
        return len(self.points)


_SIGNS = (-1.0, 1.0)
_TWO_CLASS_NAMES = ("label -1", "label +1")


def moons(n_samples: int, *, noise: float = 0.1, seed: Seed = OFFICIAL_SEED) -> Dataset:
    """Two interleaving half circles, with the geometry of sklearn's ``make_moons``.

    The outer moon (class 0, label -1.0) is the upper half of the unit circle; the inner moon
    (class 1, label 1.0)
    is the lower half circle centred on (1, 0.5). The points are shuffled, then Gaussian noise
    with standard deviation ``noise`` is added to each coordinate.

    Args:
        n_samples: how many points (at least 2); the outer moon gets ``n_samples // 2``.
        noise: the noise's standard deviation (at least 0).
        seed: an int or a tuple of ints.

    Returns:
        The dataset, with metadata ``name="moons"``.

    Raises:
        InvalidTypeError: an argument has the wrong type.
        InvalidValueError: ``n_samples`` < 2 or ``noise`` negative or not finite.

    >>> moons(4, noise=0.0).metadata["n_samples"]
    4
    """
    _check_n_samples(n_samples)
    sigma = _check_noise(noise)
    rng = make_rng(check_seed(seed), "mgfunc.datasets.moons")
    n_outer = n_samples // 2
    n_inner = n_samples - n_outer
    outer = [(math.cos(t), math.sin(t), 0) for t in _half_turn(n_outer)]
    inner = [(1.0 - math.cos(t), 0.5 - math.sin(t), 1) for t in _half_turn(n_inner)]
    return _noisy_dataset(
        outer + inner, rng, sigma, _metadata("moons", n_samples, sigma, seed, 2), 2
    )


def spiral(
    n_samples: int,
    *,
    noise: float = 0.05,
    turns: float = 1.5,
    classes: int = 2,
    seed: Seed = OFFICIAL_SEED,
) -> Dataset:
    """Interleaved spiral arms, one per class: a hard problem for a small MLP.

    Each arm winds ``turns`` times around the origin while its radius grows from 0 to 1; arm
    ``k`` starts ``k / classes`` of a turn after arm 0 (two arms are half a turn apart). Gaussian
    noise with standard deviation ``noise`` is added to each coordinate.

    Args:
        n_samples: how many points (at least one per class); the arms differ by at most one.
        noise: the noise's standard deviation (at least 0).
        turns: how many times each arm winds (positive).
        classes: how many arms (at least 2).
        seed: an int or a tuple of ints.

    Returns:
        The dataset, with metadata ``name="spiral"`` and ``turns``.

    Raises:
        InvalidTypeError: an argument has the wrong type.
        InvalidValueError: too few samples, ``noise`` negative, ``turns`` not positive, fewer
            than 2 classes.

    >>> spiral(6, noise=0.0).ys.count(1.0)
    3
    >>> sorted(set(spiral(9, classes=3).labels))
    [0, 1, 2]
    """
    count = _check_classes(classes)
    _check_n_samples(n_samples, count, chosen=True)
    sigma = _check_noise(noise)
    winding = real_number(turns, "turns", example="1.5")
    if not 0.0 < winding <= _LARGEST_SETTING:
        raise InvalidValueError(
            f"turns must be positive and at most {_LARGEST_SETTING:g} (the angles must stay "
            f"finite), got {turns!r}; pass for example 1.5"
        )
    rng = make_rng(check_seed(seed), "mgfunc.datasets.spiral")

    def arm(size: int, phase: float, label: int) -> list[tuple[float, float, int]]:
        rows = []
        for i in range(size):
            radius = (i + 1) / size
            angle = 2.0 * math.pi * winding * radius + phase
            rows.append((radius * math.cos(angle), radius * math.sin(angle), label))
        return rows

    rows = [
        row
        for k, size in enumerate(_class_sizes(n_samples, count))
        for row in arm(size, 2.0 * math.pi * k / count, k)
    ]
    return _noisy_dataset(
        rows, rng, sigma, _metadata("spiral", n_samples, sigma, seed, count, turns=winding), count
    )


def blobs(
    n_samples: int, *, noise: float = 0.25, classes: int = 2, seed: Seed = OFFICIAL_SEED
) -> Dataset:
    """Round Gaussian clusters, one per class.

    Two clusters are centred on (-1, -0.5) (class 0, label -1.0) and (1, 0.5) (class 1, label
    1.0); more are spread evenly on a circle of radius 1.5 around the origin.

    Args:
        n_samples: how many points (at least one per class); the clusters differ by at most one.
        noise: each cluster's standard deviation (at least 0).
        classes: how many clusters (at least 2).
        seed: an int or a tuple of ints.

    Returns:
        The dataset, with metadata ``name="blobs"``.

    Raises:
        InvalidTypeError: an argument has the wrong type.
        InvalidValueError: too few samples, ``noise`` negative or not finite, fewer than 2
            classes.

    >>> blobs(10, noise=0.0).points[0].x in (-1.0, 1.0)
    True
    >>> blobs(12, classes=4).classes
    4
    """
    count = _check_classes(classes)
    _check_n_samples(n_samples, count, chosen=True)
    sigma = _check_noise(noise)
    rng = make_rng(check_seed(seed), "mgfunc.datasets.blobs")
    if count == 2:
        centres = [(-1.0, -0.5), (1.0, 0.5)]
    else:
        turn = 2.0 * math.pi / count
        centres = [(1.5 * math.cos(k * turn), 1.5 * math.sin(k * turn)) for k in range(count)]
    rows = [
        (*centres[k], k)
        for k, size in enumerate(_class_sizes(n_samples, count))
        for _ in range(size)
    ]
    return _noisy_dataset(
        rows, rng, sigma, _metadata("blobs", n_samples, sigma, seed, count), count
    )


def yin_yang(
    n_samples: int, *, r_small: float = 0.1, r_big: float = 0.5, seed: Seed = OFFICIAL_SEED
) -> Dataset:
    """The yin-yang symbol: three classes (yin, yang, and the two dots), balanced.

    Points are drawn uniformly in the disc of radius ``r_big`` centred on ``(r_big, r_big)``.
    The two dots, of radius ``r_small``, are centred on ``(0.5 r_big, r_big)`` and
    ``(1.5 r_big, r_big)``: a point in either is class 2 ("dots"). Otherwise a point is class 0
    ("yin") when it lies within ``0.5 r_big`` of the left dot's centre, or above the centre
    line and farther than ``0.5 r_big`` from the right dot's centre; the rest is class 1
    ("yang"). Point ``i`` is drawn (by rejection) from class ``i % 3``, so the classes differ in
    size by at most one (a dot point is drawn from the two dots directly, uniformly, so a tiny
    ``r_small`` costs no time). Coordinates are scaled to [-2, 2] by ``(c / r_big - 1) * 2``.

    Args:
        n_samples: how many points (at least 3).
        r_small: the dots' radius (positive, below ``r_big / 2``).
        r_big: the symbol's radius (positive).
        seed: an int or a tuple of ints.

    Returns:
        The dataset, with ``classes=3`` and metadata ``name="yin_yang"``.

    Raises:
        InvalidTypeError: an argument has the wrong type.
        InvalidValueError: fewer than 3 samples, or radii out of range.

    >>> data = yin_yang(30, seed=0)
    >>> data.labels[:6], data.class_names
    ((0, 1, 2, 0, 1, 2), ('yin', 'yang', 'dots'))
    """
    _check_n_samples(n_samples, 3)
    big = real_number(r_big, "r_big", example="0.5")
    if not 0.0 < big <= _LARGEST_SETTING:
        raise InvalidValueError(f"r_big must be positive, got {r_big!r}; pass for example 0.5")
    small = real_number(r_small, "r_small", example="0.1")
    if not 0.0 < small < 0.5 * big:
        raise InvalidValueError(
            f"r_small must be positive and below r_big / 2 = {0.5 * big!r} (the dots must fit "
            f"inside their halves), got {r_small!r}; pass for example 0.1"
        )
    rng = make_rng(check_seed(seed), "mgfunc.datasets.yin_yang")

    def which_class(x: float, y: float) -> int:
        to_left = math.hypot(x - 0.5 * big, y - big)
        to_right = math.hypot(x - 1.5 * big, y - big)
        if to_left < small or to_right < small:
            return 2
        yin = to_left <= 0.5 * big or (y > big and to_right > 0.5 * big)
        return 0 if yin else 1

    def draw(wanted: int) -> DataPoint:
        while True:
            if wanted == 2:
                # The dots are small: draw from one of them (equal areas, so either with
                # probability 1/2) instead of from the whole disc, which could take a very long
                # time for a tiny r_small. The points are uniform over the two dots either way.
                centre = (0.5 if rng.random() < 0.5 else 1.5) * big
                x = rng.uniform(centre - small, centre + small)
                y = rng.uniform(big - small, big + small)
            else:
                x, y = rng.uniform(0.0, 2.0 * big), rng.uniform(0.0, 2.0 * big)
            if math.hypot(x - big, y - big) <= big and which_class(x, y) == wanted:
                return DataPoint((x / big - 1.0) * 2.0, (y / big - 1.0) * 2.0, wanted)

    points = tuple(draw(i % 3) for i in range(n_samples))
    metadata = _metadata("yin_yang", n_samples, 0.0, seed, 3, r_small=small, r_big=big)
    return Dataset(points, metadata.set("class_names", ("yin", "yang", "dots")), classes=3)


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
    count = None if classes is None else _check_classes(classes)
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
        entries["class_names"] = _TWO_CLASS_NAMES
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


def _half_turn(count: int) -> list[float]:
    """``count`` angles evenly spaced over [0, pi], as numpy's ``linspace(0, pi, count)``."""
    if count == 1:
        return [0.0]
    return [math.pi * i / (count - 1) for i in range(count)]


def _class_sizes(n_samples: int, classes: int) -> list[int]:
    """How many points each class gets: equal shares, the last classes taking the remainder."""
    share, extra = divmod(n_samples, classes)
    return [share + (1 if k >= classes - extra else 0) for k in range(classes)]


def _noisy_dataset(
    rows: list[tuple[float, float, int]],
    rng: random.Random,
    sigma: float,
    metadata: PMap[str, MetadataValue],
    classes: int,
) -> Dataset:
    """Shuffle the clean rows, then add Gaussian noise to each coordinate."""
    rng.shuffle(rows)
    points = tuple(
        DataPoint(x + rng.gauss(0.0, sigma), y + rng.gauss(0.0, sigma), label)
        for x, y, label in rows
    )
    return Dataset(points, metadata, classes=classes)


def _metadata(
    name: str, n_samples: int, noise: float, seed: Seed, classes: int, **settings: float
) -> PMap[str, MetadataValue]:
    entries: dict[str, MetadataValue] = {
        "name": name,
        "n_samples": n_samples,
        "noise": noise,
        "seed": seed,
        "n_features": 2,
        "classes": classes,
    }
    if classes == 2:
        entries["class_names"] = _TWO_CLASS_NAMES
    entries.update(settings)
    return pmap(entries)


# Gaussian draws stay within about 9 standard deviations, so a noise (or a spiral's number of
# turns) up to this keeps every coordinate finite.
_LARGEST_SETTING = 1e300


def _check_n_samples(n_samples: object, classes: int = 2, *, chosen: bool = False) -> None:
    """At least one point per class; ``chosen``: the caller passed ``classes``, so name it."""
    integral = isinstance(n_samples, numbers.Integral) and not isinstance(n_samples, bool)
    # int() of a numbers.Integral works at run time; typeshed does not say so.
    if chosen and integral and int(n_samples) < classes:  # type: ignore[call-overload]
        raise InvalidValueError(
            f"n_samples must be at least classes={classes} (one point per class), got "
            f"{n_samples}; pass n_samples={classes} or more, or fewer classes"
        )
    whole_number(
        n_samples, "n_samples (one point per class at least)", least=classes, most=MAX_SAMPLES
    )


def _check_classes(classes: object) -> int:
    return whole_number(classes, "classes", least=2, most=MAX_CLASSES, example="3")


def _check_noise(noise: object) -> float:
    sigma = real_number(noise, "noise")
    if not 0.0 <= sigma <= _LARGEST_SETTING:
        raise InvalidValueError(
            f"noise is a standard deviation and must be between 0 and {_LARGEST_SETTING:g} "
            f"(so the points stay finite), got {noise!r}; pass for example 0.1"
        )
    return sigma
