"""Everyday use: labels as users have them, pandas tables, predict and accuracy."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd  # type: ignore[import-untyped]  # pandas-stubs is not a dependency
import pytest

from mgfunc.datasets import Dataset, blobs, from_arrays, moons, spiral, split, yin_yang
from mgfunc.errors import InvalidTypeError, InvalidValueError
from mgfunc.losses import accuracy, cross_entropy, logistic, max_margin, mse
from mgfunc.nn import MLP, with_parameters
from mgfunc.optim import adam
from mgfunc.trainer import train

ROWS = [[0.0, 1.0], [1.0, 0.0], [0.5, 0.5]]


# Labels: 0 .. K-1 with every class present, -1 / 1, or classes=K said out loud.


def test_labels_with_missing_classes_are_refused_with_the_renumbering() -> None:
    # [0, 5, 5] made a six-class dataset with four empty classes, silently.
    with pytest.raises(InvalidValueError) as caught:
        from_arrays(ROWS, [0, 5, 5])
    message = str(caught.value)
    assert "no point has class 1, 2, 3, 4" in message
    assert "mapping = {0: 0, 5: 1}" in message and "classes=6" in message


def test_the_renumbering_the_error_shows_works() -> None:
    labels = [0, 5, 5]
    mapping = {0: 0, 5: 1}  # as the message shows
    data = from_arrays(ROWS, [mapping[label] for label in labels])
    assert data.classes == 2 and data.labels == (0, 1, 1)
    assert "empty_classes" not in data.metadata


@pytest.mark.parametrize(
    ("labels", "pattern"),
    [
        ([1, 1, 1], r"labels are all 1"),
        ([0, 0, 0], r"labels are all 0: .* classes=2"),
        ([1, 2, 2], r"mapping = \{1: 0, 2: 1\}"),
        ([0, 2, 2], r"no point has class 1"),
    ],
)
def test_labels_that_leave_a_class_empty_are_refused(labels: list[int], pattern: str) -> None:
    with pytest.raises(InvalidValueError, match=pattern):
        from_arrays(ROWS, labels)


def test_names_as_labels_get_the_mapping_to_indices() -> None:
    with pytest.raises(InvalidTypeError, match=r"mapping = \{name: k for k, name in enumerate"):
        from_arrays(ROWS, ["cat", "dog", "cat"])  # type: ignore[list-item]


def test_classes_allows_empty_classes_and_says_which() -> None:
    data = from_arrays(ROWS, [0, 5, 5], classes=6)
    assert data.classes == 6 and data.labels == (0, 5, 5)
    assert data.metadata["empty_classes"] == (1, 2, 3, 4)
    assert data.metadata["classes"] == 6
    one_class_here = from_arrays(ROWS, [1, 1, 1], classes=2)
    assert one_class_here.ys == (1.0, 1.0, 1.0)
    assert one_class_here.metadata["empty_classes"] == (0,)


def test_classes_is_checked() -> None:
    with pytest.raises(InvalidValueError, match=r"labels\[1\] is 3, .* classes=4 or more"):
        from_arrays(ROWS, [0, 3, 1], classes=3)
    with pytest.raises(InvalidValueError, match=r"-1 / 1 name two classes, but classes=3"):
        from_arrays(ROWS, [-1, 1, 1], classes=3)
    with pytest.raises(InvalidValueError, match=r"classes must be at least 2"):
        from_arrays(ROWS, [0, 1, 1], classes=1)
    with pytest.raises(InvalidTypeError, match=r"classes must be an int"):
        from_arrays(ROWS, [0, 1, 1], classes=2.0)  # type: ignore[arg-type]


def test_both_label_forms_still_work() -> None:
    assert from_arrays(ROWS, [-1, 1, 1]).labels == from_arrays(ROWS, [0, 1, 1]).labels
    assert from_arrays(ROWS, [0.0, 2.0, 1.0]).classes == 3


# pandas and other array-likes, without mgfunc importing either.


FRAME = pd.DataFrame({"x": [0.0, 1.0, 0.5], "y": [1.0, 0.0, 0.5], "label": [0, 1, 1]})


def test_a_dataframe_and_a_series_are_taken() -> None:
    data = from_arrays(FRAME[["x", "y"]], FRAME["label"])
    assert data == from_arrays(ROWS, [0, 1, 1])


def test_a_refused_dataframe_is_described_by_type_and_shape() -> None:
    big = pd.DataFrame(np.arange(3000.0).reshape(1000, 3), columns=["x", "y", "label"])
    with pytest.raises(InvalidValueError) as caught:
        from_arrays(big, big["label"])
    message = str(caught.value)
    assert "DataFrame of shape (1000, 3)" in message and 'frame[["x", "y"]]' in message
    assert "\n" not in message and len(message) < 200  # no printout of the table
    with pytest.raises(InvalidValueError, match=r"DataFrame of shape \(3, 1\).*frame\[\"label\"\]"):
        from_arrays(FRAME[["x", "y"]], FRAME[["label"]])


def test_a_dataframe_is_not_changed() -> None:
    frame = FRAME.copy()
    from_arrays(frame[["x", "y"]], frame["label"])
    pd.testing.assert_frame_equal(frame, FRAME)


class OnlyArray:
    """An array-like with ``__array__`` and nothing else (no tolist, no to_numpy)."""

    def __init__(self, values: object) -> None:
        self.values = np.asarray(values)

    def __array__(self, dtype: object = None, copy: object = None) -> np.ndarray:
        return self.values


def test_anything_with_array_is_taken() -> None:
    data = from_arrays(OnlyArray(ROWS), OnlyArray([0, 1, 1]))  # type: ignore[arg-type]
    assert data == from_arrays(ROWS, [0, 1, 1])


# predict and accuracy.


def test_predict_gives_class_indices() -> None:
    one = MLP.create(2, [4, 1], seed=0)
    rows = moons(20, seed=0).xs
    assert one.predict(rows) == tuple(int(one.evaluate(row)[0] > 0.0) for row in rows)
    three = MLP.create(2, [8, 3], seed=0)
    expected = []
    for row in rows:
        logits = three.evaluate(row)
        expected.append(logits.index(max(logits)))
    assert three.predict(rows) == tuple(expected)
    assert all(type(k) is int for k in three.predict(rows))


def test_predict_takes_arrays_and_tables() -> None:
    model = MLP.create(2, [4, 1], seed=0)
    assert model.predict(np.array(ROWS)) == model.predict(ROWS)
    assert model.predict(FRAME[["x", "y"]]) == model.predict(ROWS)


def test_predict_refuses_bad_rows_naming_the_argument() -> None:
    model = MLP.create(2, [4, 1], seed=0)
    with pytest.raises(InvalidValueError, match=r"rows\[1\]"):
        model.predict([[0.0, 1.0], [1.0]])
    with pytest.raises(InvalidValueError, match=r"rows\[0\].*finite"):
        model.predict([[math.nan, 1.0]])
    with pytest.raises(InvalidTypeError, match=r"rows must be"):
        model.predict(3.0)  # type: ignore[arg-type]
    assert model.predict([]) == ()


def test_predict_refuses_a_model_whose_outputs_are_not_finite() -> None:
    model = with_parameters(MLP.create(2, [1], seed=0), [1e308, 1e308, 0.0])
    with pytest.raises(InvalidValueError, match=r"rows\[0\].*not finite"):
        model.predict([[10.0, 10.0]])


@pytest.mark.parametrize(
    ("nouts", "loss", "dataset"),
    [
        ([8, 1], max_margin, moons(40, seed=0)),
        ([8, 1], logistic, moons(40, seed=1)),
        ([8, 1], mse, moons(40, seed=2)),
        ([8, 3], cross_entropy, yin_yang(45, seed=0)),
    ],
)
def test_accuracy_equals_the_training_history(
    nouts: list[int], loss: object, dataset: Dataset
) -> None:
    run = train(MLP.create(2, nouts, seed=0), dataset, steps=5, loss=loss)  # type: ignore[arg-type]
    assert accuracy(run.final_model, dataset) == run.final_accuracy
    first = run.history[0]
    assert accuracy(MLP.create(2, nouts, seed=0), dataset) == first.accuracy


def test_accuracy_of_the_official_run_is_one() -> None:
    data = moons(100, noise=0.1)
    run = train(MLP.create(2, [16, 16, 1]), data, steps=100)
    assert accuracy(run.final_model, data) == run.final_accuracy == 1.0


def test_accuracy_with_an_optimizer_and_a_split() -> None:
    train_set, test_set = split(yin_yang(60, seed=3), (0.5, 0.5), seed=0)
    run = train(
        MLP.create(2, [8, 3], seed=1), train_set, steps=5, loss=cross_entropy, optimizer=adam(0.05)
    )
    assert accuracy(run.final_model, train_set) == run.final_accuracy
    assert 0.0 <= accuracy(run.final_model, test_set) <= 1.0


def test_accuracy_refuses_bad_arguments_naming_them() -> None:
    one, data = MLP.create(2, [4, 1], seed=0), moons(10, seed=0)
    with pytest.raises(InvalidTypeError, match=r"model must be an MLP"):
        accuracy("model", data)  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match=r"dataset must be a Dataset"):
        accuracy(one, data.xs)  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match=r"model takes 3 inputs"):
        accuracy(MLP.create(3, [4, 1], seed=0), data)
    with pytest.raises(InvalidValueError, match=r"dataset has 3 classes.*one output"):
        accuracy(one, yin_yang(9, seed=0))
    with pytest.raises(InvalidValueError, match=r"dataset has 3 classes.*2 outputs"):
        accuracy(MLP.create(2, [4, 2], seed=0), yin_yang(9, seed=0))


def test_too_few_samples_for_the_classes_names_classes() -> None:
    # It named only n_samples ("one point per class at least"), not the classes asked for.
    with pytest.raises(InvalidValueError, match=r"n_samples must be at least classes=13"):
        spiral(12, classes=13)
    with pytest.raises(InvalidValueError, match=r"classes=3 .* or fewer classes"):
        blobs(2, classes=3)
