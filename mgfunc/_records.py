"""The records of the data layer: a labelled point, a dataset, and what a class index is.

:mod:`mgfunc.datasets` gives these to users (``from mgfunc.datasets import Dataset``); they live
here so that the generators (:mod:`mgfunc.datasets`) and the reading of your own data
(:mod:`mgfunc._own_data`) can both build on them without importing each other.

>>> Dataset([DataPoint(0.0, 1.0, -1.0), DataPoint(1.0, 0.0, 1.0)]).labels
(0, 1)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs
from pyrsistent import PMap as PMapType
from pyrsistent import pmap
from pyrsistent.typing import PMap

from mgfunc._checks import describe, real_number, whole_number
from mgfunc._frozen import immutable
from mgfunc._random import Seed
from mgfunc.errors import InvalidTypeError, InvalidValueError

OFFICIAL_SEED: Seed = (1337, 1337, 1337)
MetadataValue = str | int | float | tuple[int, ...] | tuple[str, ...] | tuple[float, ...]

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
TWO_CLASS_NAMES = ("label -1", "label +1")


def check_classes(classes: object) -> int:
    """``classes`` as a number of classes: a whole number from 2 to :data:`MAX_CLASSES`."""
    return whole_number(classes, "classes", least=2, most=MAX_CLASSES, example="3")
