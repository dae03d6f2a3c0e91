"""numpy arrays wherever numbers go: the README's micrograd-style demo fed numpy data end to
end, and numpy inputs giving bit-identical results to the same numbers as lists."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mgfunc import InvalidTypeError, InvalidValueError, Value, backward
from mgfunc.datasets import from_arrays
from mgfunc.losses import cross_entropy, logistic, max_margin, mse
from mgfunc.nn import MLP
from mgfunc.optim import adamw
from mgfunc.plot_data import decision_boundary
from mgfunc.trainer import train
from tests.refusals import Refusal, refusals


def numpy_moons(n: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's make_moons, written with numpy: an (n, 2) array and 0/1 labels."""
    rng = np.random.default_rng(seed)
    n_outer = n // 2
    outer = np.linspace(0, np.pi, n_outer)
    inner = np.linspace(0, np.pi, n - n_outer)
    xs = np.concatenate(
        [
            np.stack([np.cos(outer), np.sin(outer)], axis=1),
            np.stack([1 - np.cos(inner), 1 - np.sin(inner) - 0.5], axis=1),
        ]
    )
    labels = np.concatenate(
        [np.zeros(n_outer, dtype=np.int64), np.ones(n - n_outer, dtype=np.int64)]
    )
    xs = xs + rng.normal(scale=noise, size=xs.shape)
    order = rng.permutation(n)
    return xs[order], labels[order]


def test_the_micrograd_demo_runs_on_numpy_arrays() -> None:
    # micrograd's demo: X, y = make_moons(n_samples=100, noise=0.1); y = y * 2 - 1.
    points, y = numpy_moons(100, 0.1, seed=0)
    y = y * 2 - 1
    model = MLP.create(2, [16, 16, 1], seed=0)
    loss = max_margin(model, points, y)
    grads = backward(loss.total_loss)
    assert math.isfinite(loss.total_loss.data) and len(grads) > 0
    assert model(points[0]).data == model.evaluate(points[0])[0] == model(list(points[0])).data  # type: ignore[union-attr]

    dataset = from_arrays(points, y)
    run = train(model, dataset, steps=30)
    assert run.final_accuracy > 0.9
    rows = decision_boundary(run.final_model, dataset, h=np.float64(0.5), padding=np.float64(0.5))
    assert rows and all(row.predicted in (-1.0, 1.0) for row in rows)


def test_zero_one_numpy_labels_train_with_max_margin_and_cross_entropy() -> None:
    points, labels = numpy_moons(60, 0.1, seed=1)
    dataset = from_arrays(points, labels)
    assert dataset.labels == tuple(int(label) for label in labels)
    assert dataset.ys == tuple(float(2 * label - 1) for label in labels)
    margin = train(MLP.create(2, [8, 1], seed=1), dataset, steps=40, learning_rate=0.1)
    softmax = train(
        MLP.create(2, [8, 2], seed=1),
        dataset,
        steps=40,
        loss=cross_entropy,
        optimizer=adamw(0.05, weight_decay=0.0),
    )
    assert margin.final_accuracy > 0.8 and softmax.final_accuracy > 0.8


FINITE = st.floats(min_value=-5.0, max_value=5.0, allow_nan=False, width=64)


@settings(max_examples=40)
@given(
    rows=st.lists(st.tuples(FINITE, FINITE), min_size=1, max_size=6),
    signs=st.lists(st.sampled_from([-1, 1]), min_size=6, max_size=6),
    seed=st.integers(0, 5),
)
def test_numpy_inputs_give_bit_identical_results(
    rows: list[tuple[float, float]], signs: list[int], seed: int
) -> None:
    ys = signs[: len(rows)]
    array, labels = np.array(rows, dtype=np.float64), np.array(ys)
    one = MLP.create(2, [4, 1], seed=seed)
    three = MLP.create(2, [4, 3], activation="tanh", seed=seed)
    for loss, model, targets in (
        (max_margin, one, ys),
        (logistic, one, ys),
        (mse, one, ys),
        (cross_entropy, three, [s + 1 for s in ys]),
    ):
        from_lists = loss(model, rows, targets, 1e-3)
        from_numpy = loss(model, array, np.array(targets), 1e-3)
        assert from_numpy.total_loss.data.hex() == from_lists.total_loss.data.hex()
        assert from_numpy.accuracy == from_lists.accuracy
        list_grads = backward(from_lists.total_loss)
        numpy_grads = backward(from_numpy.total_loss)
        assert [numpy_grads[p] for p in model.parameters()] == [
            list_grads[p] for p in model.parameters()
        ]
    for row in rows:
        assert one.evaluate(np.array(row)) == one.evaluate(list(row))
        assert three.forward(np.array(row))[2].data == three.forward(list(row))[2].data
    # classes=2: the generated labels may all be one class.
    assert from_arrays(array, labels, classes=2) == from_arrays(rows, ys, classes=2)


def test_numpy_scalars_work_as_numbers() -> None:
    assert Value(np.float32(0.5)).data == 0.5 and Value(np.int64(3)).data == 3.0
    assert (Value(2.0) * np.float64(1.5)).data == 3.0
    model = MLP.create(np.int64(2), np.array([3, 1]), seed=0)
    assert [layer.nout for layer in model.layers] == [3, 1]


MODEL = MLP.create(2, [3, 1], seed=0)


@refusals(
    [
        (lambda: MODEL(np.array([0.5, np.nan])), InvalidValueError, r"must be finite, got nan"),
        (lambda: MODEL(np.array([0.5, 1.0, 2.0])), InvalidValueError, r"inputs has 3 entries"),
        (
            lambda: MODEL.evaluate(np.array([True, False])),
            InvalidTypeError,
            r"real number, got bool",
        ),
        (lambda: MODEL.evaluate(np.array(["a", "b"])), InvalidTypeError, r"real number, got str"),
        (lambda: MODEL(np.float64(0.5)), InvalidTypeError, r"inputs must be a sequence of 2"),
        (
            lambda: max_margin(MODEL, np.array([[0.5, 1.0], [np.inf, 0.0]]), np.array([1, -1])),
            InvalidValueError,
            r"xs\[1\]\[0\] must be finite",
        ),
        (
            lambda: max_margin(MODEL, np.array([[0.5, 1.0, 2.0]]), np.array([1])),
            InvalidValueError,
            r"xs\[0\] has 3 numbers but 2",
        ),
        (
            lambda: max_margin(MODEL, np.array([[0.5, 1.0]]), np.array([0])),
            InvalidValueError,
            r"ys\[0\] must be -1.0 or 1.0",
        ),
        (
            lambda: from_arrays(np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([0.5, 1.0])),
            InvalidValueError,
            r"labels\[0\] must be a class index",
        ),
    ],
)
def test_numpy_inputs_are_validated_as_strictly_as_lists(refusal: Refusal) -> None:
    refusal.check()


def test_import_mgfunc_loads_neither_numpy_nor_matplotlib() -> None:
    code = (
        "import sys, mgfunc, mgfunc.datasets, mgfunc.optim, mgfunc.trainer, mgfunc.losses\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('numpy', 'matplotlib')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
