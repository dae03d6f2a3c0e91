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
import random

from pyrsistent import pmap
from pyrsistent.typing import PMap

from mgfunc._checks import real_number, whole_number

# from_arrays and split live in mgfunc._own_data, the records in mgfunc._records; they are
# imported here, where users have always found them (`X as X` marks a name re-exported).
from mgfunc._own_data import TableLike as TableLike
from mgfunc._own_data import from_arrays, split
from mgfunc._own_data import real_numbers_of as real_numbers_of
from mgfunc._random import Seed, check_seed, make_rng
from mgfunc._records import (
    MAX_CLASSES,
    TWO_CLASS_NAMES,
    DataPoint,
    Dataset,
    MetadataValue,
    check_classes,
)
from mgfunc._records import OFFICIAL_SEED as OFFICIAL_SEED
from mgfunc._records import class_index as class_index
from mgfunc.errors import InvalidValueError

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

# Each point is a few Python objects; past this many a generator would exhaust memory first.
MAX_SAMPLES = 10_000_000


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
    count = check_classes(classes)
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
    count = check_classes(classes)
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
        entries["class_names"] = TWO_CLASS_NAMES
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


def _check_noise(noise: object) -> float:
    sigma = real_number(noise, "noise")
    if not 0.0 <= sigma <= _LARGEST_SETTING:
        raise InvalidValueError(
            f"noise is a standard deviation and must be between 0 and {_LARGEST_SETTING:g} "
            f"(so the points stay finite), got {noise!r}; pass for example 0.1"
        )
    return sigma
