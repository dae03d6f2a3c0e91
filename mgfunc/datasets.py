"""Small two-class datasets in the plane, generated in pure Python.

Each generator is pure and deterministic: the same arguments give the same points on every run
and every machine (a SHA-256 of the seed seeds Python's Mersenne Twister). Labels are -1.0 and
1.0, the form the max-margin loss uses.

>>> from mgfunc.datasets import moons
>>> data = moons(100, noise=0.1, seed=(1337, 1337, 1337))
>>> len(data.xs), sorted(set(data.ys)), data.metadata["name"]
(100, [-1.0, 1.0], 'moons')
>>> moons(100, noise=0.1, seed=(1337, 1337, 1337)) == data
True
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import attrs
from pyrsistent import PMap as PMapType
from pyrsistent import pmap
from pyrsistent.typing import PMap

from mgfunc._checks import describe, real_number, whole_number
from mgfunc._frozen import immutable
from mgfunc._random import Seed, check_seed, make_rng
from mgfunc.errors import InvalidTypeError, InvalidValueError

__all__ = ["DataPoint", "Dataset", "blobs", "moons", "spiral"]

OFFICIAL_SEED: Seed = (1337, 1337, 1337)
MetadataValue = str | int | float | tuple[int, ...]

# Each point is a few Python objects; past this many a generator would exhaust memory first.
MAX_SAMPLES = 10_000_000


def _to_x(x: float) -> float:
    return real_number(x, "DataPoint(x=...)", example="0.5")


def _to_y(y: float) -> float:
    return real_number(y, "DataPoint(y=...)", example="0.5")


def _to_label(label: float) -> float:
    number = real_number(label, "DataPoint(label=...)", example="1.0")
    if number not in (-1.0, 1.0):
        raise InvalidValueError(f"DataPoint(label=...) must be -1.0 or 1.0, got {label!r}")
    return number


@immutable()
@attrs.frozen
class DataPoint:
    """One labelled point: coordinates ``x``, ``y`` and ``label`` (-1.0 or 1.0).

    Raises:
        InvalidTypeError: a field is not a real number.
        InvalidValueError: a coordinate is not finite or the label is not -1.0 or 1.0.
    """

    x: float = attrs.field(converter=_to_x)
    y: float = attrs.field(converter=_to_y)
    label: float = attrs.field(converter=_to_label)

    def to_dict(self) -> dict[str, float]:
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


@immutable()
@attrs.frozen
class Dataset:
    """Labelled points plus a description of how they were made.

    Args:
        points: the labelled points.
        metadata: how they were made: name, n_samples, noise, seed and the generator's own
            settings, as a frozen map.
    """

    points: tuple[DataPoint, ...] = attrs.field(converter=_to_points)
    metadata: PMap[str, MetadataValue] = attrs.field(factory=pmap, converter=_to_metadata)

    @property
    def xs(self) -> tuple[tuple[float, float], ...]:
        """The inputs: one ``(x, y)`` pair per point."""
        return tuple((point.x, point.y) for point in self.points)

    @property
    def ys(self) -> tuple[float, ...]:
        """The labels, -1.0 or 1.0, in the order of :attr:`xs`."""
        return tuple(point.label for point in self.points)

    def __len__(self) -> int:
        return len(self.points)


def moons(n_samples: int, *, noise: float = 0.1, seed: Seed = OFFICIAL_SEED) -> Dataset:
    """Two interleaving half circles, with the geometry of sklearn's ``make_moons``.

    The outer moon (label -1.0) is the upper half of the unit circle; the inner moon (label 1.0)
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
    outer = [(math.cos(t), math.sin(t), -1.0) for t in _half_turn(n_outer)]
    inner = [(1.0 - math.cos(t), 0.5 - math.sin(t), 1.0) for t in _half_turn(n_inner)]
    rows = outer + inner
    rng.shuffle(rows)
    points = tuple(
        DataPoint(x + rng.gauss(0.0, sigma), y + rng.gauss(0.0, sigma), label)
        for x, y, label in rows
    )
    return Dataset(points, _metadata("moons", n_samples, sigma, seed))


def spiral(
    n_samples: int, *, noise: float = 0.05, turns: float = 1.5, seed: Seed = OFFICIAL_SEED
) -> Dataset:
    """Two interleaved spiral arms, half a turn apart: a hard problem for a small MLP.

    Arm -1.0 and arm 1.0 each wind ``turns`` times around the origin while their radius grows
    from 0 to 1; Gaussian noise with standard deviation ``noise`` is added to each coordinate.

    Args:
        n_samples: how many points (at least 2).
        noise: the noise's standard deviation (at least 0).
        turns: how many times each arm winds (positive).
        seed: an int or a tuple of ints.

    Returns:
        The dataset, with metadata ``name="spiral"`` and ``turns``.

    Raises:
        InvalidTypeError: an argument has the wrong type.
        InvalidValueError: ``n_samples`` < 2, ``noise`` negative, ``turns`` not positive.

    >>> spiral(6, noise=0.0).ys.count(1.0)
    3
    """
    _check_n_samples(n_samples)
    sigma = _check_noise(noise)
    winding = real_number(turns, "turns", example="1.5")
    if not 0.0 < winding <= _LARGEST_SETTING:
        raise InvalidValueError(
            f"turns must be positive and at most {_LARGEST_SETTING:g} (the angles must stay "
            f"finite), got {turns!r}; pass for example 1.5"
        )
    rng = make_rng(check_seed(seed), "mgfunc.datasets.spiral")
    n_first = n_samples // 2

    def arm(count: int, phase: float, label: float) -> list[tuple[float, float, float]]:
        rows = []
        for i in range(count):
            radius = (i + 1) / count
            angle = 2.0 * math.pi * winding * radius + phase
            rows.append((radius * math.cos(angle), radius * math.sin(angle), label))
        return rows

    rows = arm(n_first, 0.0, -1.0) + arm(n_samples - n_first, math.pi, 1.0)
    rng.shuffle(rows)
    points = tuple(
        DataPoint(x + rng.gauss(0.0, sigma), y + rng.gauss(0.0, sigma), label)
        for x, y, label in rows
    )
    return Dataset(points, _metadata("spiral", n_samples, sigma, seed, turns=winding))


def blobs(n_samples: int, *, noise: float = 0.25, seed: Seed = OFFICIAL_SEED) -> Dataset:
    """Two round Gaussian clusters, centred on (-1, -0.5) (label -1.0) and (1, 0.5) (label 1.0).

    Args:
        n_samples: how many points (at least 2).
        noise: each cluster's standard deviation (at least 0).
        seed: an int or a tuple of ints.

    Returns:
        The dataset, with metadata ``name="blobs"``.

    Raises:
        InvalidTypeError: an argument has the wrong type.
        InvalidValueError: ``n_samples`` < 2 or ``noise`` negative or not finite.

    >>> blobs(10, noise=0.0).points[0].x in (-1.0, 1.0)
    True
    """
    _check_n_samples(n_samples)
    sigma = _check_noise(noise)
    rng = make_rng(check_seed(seed), "mgfunc.datasets.blobs")
    n_first = n_samples // 2
    rows = [(-1.0, -0.5, -1.0)] * n_first + [(1.0, 0.5, 1.0)] * (n_samples - n_first)
    rng.shuffle(rows)
    points = tuple(
        DataPoint(x + rng.gauss(0.0, sigma), y + rng.gauss(0.0, sigma), label)
        for x, y, label in rows
    )
    return Dataset(points, _metadata("blobs", n_samples, sigma, seed))


def _half_turn(count: int) -> list[float]:
    """``count`` angles evenly spaced over [0, pi], as numpy's ``linspace(0, pi, count)``."""
    if count == 1:
        return [0.0]
    return [math.pi * i / (count - 1) for i in range(count)]


def _metadata(
    name: str, n_samples: int, noise: float, seed: Seed, **settings: float
) -> PMap[str, MetadataValue]:
    entries: dict[str, MetadataValue] = {
        "name": name,
        "n_samples": n_samples,
        "noise": noise,
        "seed": seed,
        "n_features": 2,
        "labels": "-1.0 / 1.0",
    }
    entries.update(settings)
    return pmap(entries)


# Gaussian draws stay within about 9 standard deviations, so a noise (or a spiral's number of
# turns) up to this keeps every coordinate finite.
_LARGEST_SETTING = 1e300


def _check_n_samples(n_samples: object) -> None:
    whole_number(n_samples, "n_samples (one point per class at least)", least=2, most=MAX_SAMPLES)


def _check_noise(noise: object) -> float:
    sigma = real_number(noise, "noise")
    if not 0.0 <= sigma <= _LARGEST_SETTING:
        raise InvalidValueError(
            f"noise is a standard deviation and must be between 0 and {_LARGEST_SETTING:g} "
            f"(so the points stay finite), got {noise!r}; pass for example 0.1"
        )
    return sigma
