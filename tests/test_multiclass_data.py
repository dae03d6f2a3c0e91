"""Datasets of any number of classes: yin_yang, K-class spiral and blobs, from_arrays, split,
and the networks' activations and initialisations."""

from __future__ import annotations

import math
import statistics

import pytest

from mgfunc import InvalidTypeError, InvalidValueError, backward
from mgfunc.datasets import DataPoint, Dataset, blobs, from_arrays, moons, spiral, split, yin_yang
from mgfunc.nn import MLP, parameters

from .gradcheck import assert_gradients_match


def test_two_class_datasets_keep_ys_and_give_class_indices() -> None:
    data = moons(50, seed=1)
    assert data.classes == 2 and set(data.labels) == {0, 1}
    assert data.ys == tuple(-1.0 if label == 0 else 1.0 for label in data.labels)
    assert data.class_names == ("label -1", "label +1")


def test_yin_yang_follows_the_symbols_geometry() -> None:
    r_small, r_big = 0.1, 0.5
    data = yin_yang(600, seed=2)
    assert data.classes == 3 and data.class_names == ("yin", "yang", "dots")
    assert [data.labels.count(k) for k in range(3)] == [200, 200, 200]
    for point in data.points:
        # Back to the symbol's own coordinates: c = (s / 2 + 1) * r_big.
        x, y = (point.x / 2 + 1) * r_big, (point.y / 2 + 1) * r_big
        assert math.hypot(x - r_big, y - r_big) <= r_big + 1e-12
        to_left = math.hypot(x - 0.5 * r_big, y - r_big)
        to_right = math.hypot(x - 1.5 * r_big, y - r_big)
        if point.label == 2:
            assert min(to_left, to_right) < r_small
        else:
            yin = to_left <= 0.5 * r_big or (y > r_big and to_right > 0.5 * r_big)
            assert point.label == (0 if yin else 1)
    assert min(p.x for p in data.points) >= -2.0 and max(p.x for p in data.points) <= 2.0
    assert yin_yang(60, seed=2) == yin_yang(60, seed=2) != yin_yang(60, seed=3)


@pytest.mark.parametrize("classes", [2, 3, 5])
def test_spiral_and_blobs_take_a_number_of_classes(classes: int) -> None:
    arms = spiral(10 * classes + 1, noise=0.0, classes=classes, seed=0)
    sizes = [arms.labels.count(k) for k in range(classes)]
    assert arms.classes == classes and sum(sizes) == 10 * classes + 1
    assert max(sizes) - min(sizes) <= 1
    clusters = blobs(40 * classes, noise=0.1, classes=classes, seed=0)
    centres = [
        (
            statistics.fmean(p.x for p in clusters.points if p.label == k),
            statistics.fmean(p.y for p in clusters.points if p.label == k),
        )
        for k in range(classes)
    ]
    distances = [math.dist(a, b) for i, a in enumerate(centres) for b in centres[i + 1 :]]
    assert min(distances) > 1.0  # the clusters are apart


def test_two_class_spiral_and_blobs_are_the_same_as_before() -> None:
    # The two-class generators keep their geometry: arm 1 is half a turn after arm 0 and the
    # clusters sit at (-1, -0.5) and (1, 0.5).
    arms = spiral(8, noise=0.0, turns=1.0, seed=0)
    for point in arms.points:
        radius = math.hypot(point.x, point.y)
        angle = math.atan2(point.y, point.x) - (math.pi if point.label == 1 else 0.0)
        assert math.isclose(math.cos(angle), math.cos(2 * math.pi * radius), abs_tol=1e-9)
    clean = blobs(4, noise=0.0, seed=0)
    assert {(p.x, p.y, p.label) for p in clean.points} == {(-1.0, -0.5, 0), (1.0, 0.5, 1)}


def test_from_arrays_takes_lists_tuples_and_both_label_forms() -> None:
    rows = [[0.0, 1.0], [1.0, 0.0], [0.5, 0.5]]
    indices = from_arrays(rows, [0, 1, 1])
    signs = from_arrays(tuple(map(tuple, rows)), (-1.0, 1.0, 1.0))
    assert indices.points == signs.points and indices.classes == 2
    assert from_arrays(rows, [0.0, 2.0, 1.0]).classes == 3
    assert from_arrays(rows, [0, 1, 0], name="mine").metadata["name"] == "mine"


@pytest.mark.parametrize(
    ("xs", "labels", "error", "pattern"),
    [
        ([[0.0, 1.0]], [3.5], InvalidValueError, r"labels\[0\] must be a class index"),
        ([[0.0, 1.0], [1.0, 0.0]], [-1, 2], InvalidValueError, r"mixes -1"),
        ([[0.0, 1.0], [1.0]], [0, 1], InvalidValueError, r"xs\[1\] has 1 numbers but 2"),
        ([[0.0, math.nan]], [0], InvalidValueError, r"xs\[0\]\[1\] must be finite"),
        ([[0.0, 1.0]], [0, 1], InvalidValueError, r"xs has 1 rows but labels has 2"),
        ([], [], InvalidValueError, r"at least one point"),
        ("ab", [0], InvalidTypeError, r"xs must be a sequence"),
        ([[0.0, 1.0]], [True], InvalidTypeError, r"labels\[0\] must be a real number"),
        ([[0.0, "1"]], [0], InvalidTypeError, r"xs\[0\]\[1\] must be a real number"),
    ],
)
def test_from_arrays_refuses_bad_data(
    xs: object, labels: object, error: type[Exception], pattern: str
) -> None:
    with pytest.raises(error, match=pattern):
        from_arrays(xs, labels)  # type: ignore[arg-type]


def test_split_puts_every_point_in_exactly_one_part() -> None:
    data = yin_yang(101, seed=4)
    parts = split(data, (0.8, 0.1, 0.1), seed=4)
    assert [len(part) for part in parts] == [81, 10, 10]

    def key(point: DataPoint) -> tuple[float, float, int]:
        return (point.x, point.y, point.label)

    assert sorted(map(key, (p for part in parts for p in part.points))) == sorted(
        map(key, data.points)
    )
    assert all(part.classes == 3 for part in parts)
    assert split(data, (0.8, 0.1, 0.1), seed=4) == parts != split(data, (0.8, 0.1, 0.1), seed=5)
    assert parts[1].metadata["part"] == 1 and parts[1].metadata["fractions"] == (0.8, 0.1, 0.1)


@pytest.mark.parametrize(
    ("fractions", "error", "pattern"),
    [
        ((0.8, 0.3), InvalidValueError, r"fractions must sum to 1"),
        ((1.0,), InvalidValueError, r"at least two parts"),
        ((1.2, -0.2), InvalidValueError, r"fractions\[1\] must be positive"),
        ((0.99, 0.01), InvalidValueError, r"leave part 1 empty"),
        ("ab", InvalidTypeError, r"fractions must be a sequence"),
    ],
)
def test_split_refuses_bad_fractions(
    fractions: object, error: type[Exception], pattern: str
) -> None:
    with pytest.raises(error, match=pattern):
        split(moons(20), fractions)  # type: ignore[arg-type]


def test_a_dataset_checks_its_classes_and_ys() -> None:
    with pytest.raises(InvalidValueError, match=r"a point has label 2.*pass classes=3"):
        Dataset([DataPoint(0.0, 0.0, 2)], classes=2)
    with pytest.raises(InvalidValueError, match=r"ys .* only for two classes.*dataset.labels"):
        _ = yin_yang(9).ys
    assert Dataset([DataPoint(0.0, 0.0, 0)]).classes == 2


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
def test_activations_match_between_graph_and_floats_and_differentiate(activation: str) -> None:
    model = MLP.create(2, [5, 4, 2], activation=activation, seed=1)
    hidden = {n.activation for layer in model.layers for n in layer.neurons}
    assert hidden == {activation}
    assert [n.nonlinear for n in model.layers[-1].neurons] == [False, False]
    point = [0.3, -0.7]
    assert tuple(v.data for v in model.forward(point)) == model.evaluate(point)

    def first_output(x: object, y: object) -> object:
        return model.forward([x, y])[0]  # type: ignore[list-item]

    assert_gradients_match(first_output, point)  # type: ignore[arg-type]


def test_scaled_init_divides_micrograds_draws_by_the_square_root_of_the_fan_in() -> None:
    plain = MLP.create(4, [3, 1], seed=7)
    scaled = MLP.create(4, [3, 1], init="scaled", seed=7)
    for a, b, fan_in in zip(
        plain.layers[0].neurons[0].weights,
        scaled.layers[0].neurons[0].weights,
        [4] * 4,
        strict=True,
    ):
        assert b.data == a.data / math.sqrt(fan_in)
    assert scaled.layers[1].neurons[0].weights[0].data == plain.layers[1].neurons[0].weights[
        0
    ].data / math.sqrt(3)


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"activation": "gelu"}, r"activation must be one of 'relu', 'tanh', 'sigmoid'"),
        ({"init": "xavier"}, r"init must be one of 'micrograd', 'scaled'"),
    ],
)
def test_unknown_activation_or_init_is_refused(kwargs: dict[str, str], pattern: str) -> None:
    with pytest.raises(InvalidValueError, match=pattern):
        MLP.create(2, [3, 1], **kwargs)  # type: ignore[arg-type]


def test_a_trained_three_class_model_has_gradients_everywhere() -> None:
    model = MLP.create(2, [4, 3], activation="tanh", init="scaled", seed=0)
    from mgfunc.losses import cross_entropy

    data = yin_yang(12, seed=0)
    grads = backward(cross_entropy(model, data.xs, data.labels).total_loss)
    assert all(p in grads for p in parameters(model))
