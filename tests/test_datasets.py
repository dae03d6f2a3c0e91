"""mgfunc.datasets: geometry, determinism across processes, labels, metadata, validation."""

from __future__ import annotations

import math
import statistics
import subprocess
import sys
from typing import Any, cast

import pytest

from mgfunc import InvalidTypeError, InvalidValueError
from mgfunc.datasets import DataPoint, Dataset, blobs, moons, spiral
from tests.refusals import Refusal, refusals

OFFICIAL = (1337, 1337, 1337)


def test_clean_moons_lie_on_make_moons_half_circles() -> None:
    data = moons(101, noise=0.0, seed=OFFICIAL)
    outer = [p for p in data.points if p.label == 0]
    inner = [p for p in data.points if p.label == 1]
    assert (len(outer), len(inner)) == (50, 51)
    for p in outer:
        assert math.isclose(math.hypot(p.x, p.y), 1.0) and p.y >= -1e-12
    for p in inner:
        assert math.isclose(math.hypot(p.x - 1.0, p.y - 0.5), 1.0) and p.y <= 0.5 + 1e-12
    assert min(p.x for p in outer) == -1.0 and max(p.x for p in inner) == 2.0


def test_noise_is_gaussian_with_the_given_standard_deviation() -> None:
    clean = moons(4000, noise=0.0, seed=5)
    noisy = moons(4000, noise=0.1, seed=5)
    offsets = [a.x - b.x for a, b in zip(noisy.points, clean.points, strict=True)]
    offsets += [a.y - b.y for a, b in zip(noisy.points, clean.points, strict=True)]
    assert abs(statistics.fmean(offsets)) < 0.01
    assert statistics.stdev(offsets) == pytest.approx(0.1, rel=0.05)


def test_points_are_shuffled_and_labels_are_plus_minus_one() -> None:
    data = moons(100, seed=OFFICIAL)
    assert set(data.ys) == {-1.0, 1.0}
    assert list(data.ys) != sorted(data.ys)
    assert data.xs[0] == (data.points[0].x, data.points[0].y)
    assert data.points[0].to_dict() == {
        "x": data.points[0].x,
        "y": data.points[0].y,
        "label": data.points[0].label,
    }


@pytest.mark.parametrize("make", [moons, blobs, spiral])
def test_generators_are_pure_and_seeded(make: object) -> None:
    assert callable(make)
    first, second = make(50, seed=(1, 2, 3)), make(50, seed=(1, 2, 3))
    assert first == second and isinstance(first, Dataset)
    assert make(50, seed=(1, 2, 4)) != first
    assert make(50, seed=7) == make(50, seed=7)
    assert len(first) == 50 and len(first.xs) == len(first.ys) == 50


SCRIPT = (
    "from mgfunc.datasets import moons, spiral, blobs\n"
    "for d in (moons(30, seed=(1337, 1337, 1337)), spiral(30, noise=0.05, turns=1.5, seed=4),"
    " blobs(30, noise=0.3, seed=9)):\n"
    "    print([(p.x.hex(), p.y.hex(), p.label) for p in d.points])\n"
)


def test_the_same_arguments_give_the_same_data_in_another_process() -> None:
    runs = [
        subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True)
        for _ in range(2)
    ]
    assert runs[0].stdout == runs[1].stdout
    here = [
        [(p.x.hex(), p.y.hex(), p.label) for p in d.points]
        for d in (
            moons(30, seed=(1337, 1337, 1337)),
            spiral(30, noise=0.05, turns=1.5, seed=4),
            blobs(30, noise=0.3, seed=9),
        )
    ]
    assert runs[0].stdout == "".join(f"{row}\n" for row in here)


def test_metadata_describes_the_generator() -> None:
    data = spiral(60, noise=0.05, turns=1.5, seed=(1, 2, 3))
    assert dict(data.metadata) == {
        "name": "spiral",
        "n_samples": 60,
        "noise": 0.05,
        "seed": (1, 2, 3),
        "n_features": 2,
        "classes": 2,
        "class_names": ("label -1", "label +1"),
        "turns": 1.5,
    }
    assert moons(10).metadata["seed"] == OFFICIAL
    with pytest.raises(TypeError):
        cast(Any, data.metadata)["name"] = "x"


def test_spiral_arms_wind_apart_and_blobs_cluster() -> None:
    arms = spiral(200, noise=0.0, turns=1.0, seed=0)
    radii = [math.hypot(p.x, p.y) for p in arms.points]
    assert max(radii) == pytest.approx(1.0) and min(radii) > 0.0
    clusters = blobs(400, noise=0.2, seed=0)
    left = [p for p in clusters.points if p.label == 0]
    assert statistics.fmean(p.x for p in left) == pytest.approx(-1.0, abs=0.05)


@refusals(
    [
        (lambda: moons(1), InvalidValueError, "n_samples"),
        (lambda: moons(10.0), InvalidTypeError, "n_samples"),  # type: ignore[arg-type]
        (lambda: moons(10, noise=-0.1), InvalidValueError, "noise"),
        (lambda: moons(10, noise=math.nan), InvalidValueError, "noise"),
        (lambda: moons(10, seed=()), InvalidValueError, "seed"),
        (lambda: moons(10, seed="1"), InvalidTypeError, "seed"),  # type: ignore[arg-type]
        (lambda: moons(10, seed=(1, 2.0)), InvalidTypeError, "seed"),  # type: ignore[arg-type]
        (lambda: spiral(10, turns=0), InvalidValueError, "turns"),
        (lambda: blobs(True), InvalidTypeError, "n_samples"),
    ],
)
def test_bad_arguments_are_refused(refusal: Refusal) -> None:
    refusal.check()


def test_datasets_are_frozen() -> None:
    data = moons(10)
    with pytest.raises(AttributeError):
        data.points = ()  # type: ignore[misc]
    with pytest.raises(AttributeError):
        data.points[0].x = 1.0  # type: ignore[misc]
    assert isinstance(data.points[0], DataPoint)
