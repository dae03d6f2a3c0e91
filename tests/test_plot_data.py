"""Plot rows: their fields, their numbers against the run and the model, and bad input."""

from __future__ import annotations

import math

import attrs
import numpy as np
import pytest

from mgfunc import Value, backward
from mgfunc.datasets import DataPoint, Dataset, moons
from mgfunc.errors import InvalidTypeError, InvalidValueError
from mgfunc.graph import nodes
from mgfunc.nn import MLP
from mgfunc.plot_data import (
    MAX_GRID_POINTS,
    BoundaryRow,
    MetricRow,
    NeuronGrid,
    PointRow,
    accuracy_history,
    as_dicts,
    dataset_points,
    decision_boundary,
    loss_history,
    neuron_grid,
    training_history,
)
from mgfunc.trainer import HistoryRow, TrainingRun, train


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return moons(16, noise=0.1, seed=3)


@pytest.fixture(scope="module")
def model() -> MLP:
    return MLP.create(2, [6, 6, 1], seed=3)


@pytest.fixture(scope="module")
def run(model: MLP, dataset: Dataset) -> TrainingRun:
    return train(model, dataset, steps=5, learning_rate=0.2)


def field_names(cls: type) -> tuple[str, ...]:
    return tuple(field.name for field in attrs.fields(cls))


def test_row_classes_have_exactly_the_documented_fields() -> None:
    assert field_names(PointRow) == ("x", "y", "label")
    assert field_names(MetricRow) == ("step", "metric", "value")
    assert field_names(BoundaryRow) == ("x", "y", "score", "predicted")
    assert field_names(HistoryRow) == (
        "step",
        "loss",
        "data_loss",
        "reg_loss",
        "accuracy",
        "learning_rate",
        "val_loss",
        "val_accuracy",
    )


def test_dataset_points_copy_every_point_in_order(dataset: Dataset) -> None:
    rows = dataset_points(dataset)
    assert [(r.x, r.y, r.label) for r in rows] == [(p.x, p.y, p.label) for p in dataset.points]
    assert rows[0].to_dict() == {"x": rows[0].x, "y": rows[0].y, "label": rows[0].label}
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        rows[0].x = 0.0  # type: ignore[misc]  # frozen on purpose: this is the check


def test_training_history_is_the_runs_history(run: TrainingRun) -> None:
    rows = training_history(run)
    assert rows == run.history and [row.step for row in rows] == [0, 1, 2, 3, 4]
    # Without a validation set the validation columns are left out of the dicts.
    assert set(rows[0].to_dict()) == set(field_names(HistoryRow)) - {"val_loss", "val_accuracy"}


def test_loss_history_has_three_long_rows_per_history_row(run: TrainingRun) -> None:
    rows = loss_history(run)
    assert len(rows) == 3 * len(run.history)
    for index, history_row in enumerate(run.history):
        total, data, regularization = rows[3 * index : 3 * index + 3]
        assert total == MetricRow(history_row.step, "total", history_row.loss)
        assert data == MetricRow(history_row.step, "data", history_row.data_loss)
        assert regularization == MetricRow(history_row.step, "regularization", history_row.reg_loss)
    assert rows[0].to_dict() == {"step": 0, "metric": "total", "value": run.history[0].loss}


def test_accuracy_history_is_in_percent(run: TrainingRun) -> None:
    rows = accuracy_history(run)
    assert [row.step for row in rows] == [row.step for row in run.history]
    assert {row.metric for row in rows} == {"accuracy"}
    assert [row.value for row in rows] == [row.accuracy * 100.0 for row in run.history]
    assert all(0.0 <= row.value <= 100.0 for row in rows)
    assert any(row.value > 1.0 for row in rows)  # percent, not a fraction


@pytest.mark.parametrize(("h", "padding"), [(0.25, 1.0), (0.3, 0.5), (0.7, 0.0)])
def test_decision_boundary_grid_follows_numpy_arange(
    model: MLP, dataset: Dataset, h: float, padding: float
) -> None:
    xs = [p.x for p in dataset.points]
    ys = [p.y for p in dataset.points]
    grid_x = np.arange(min(xs) - padding, max(xs) + padding, h)
    grid_y = np.arange(min(ys) - padding, max(ys) + padding, h)
    rows = decision_boundary(model, dataset, h=h, padding=padding)
    assert len(rows) == len(grid_x) * len(grid_y)
    # Rows run along x first, then up in y, as numpy's meshgrid(...).ravel() does.
    xx, yy = np.meshgrid(grid_x, grid_y)
    assert [row.x for row in rows] == pytest.approx(xx.ravel().tolist(), abs=1e-12)
    assert [row.y for row in rows] == pytest.approx(yy.ravel().tolist(), abs=1e-12)


def test_decision_boundary_scores_equal_the_graph_forward_pass(
    model: MLP, dataset: Dataset
) -> None:
    rows = decision_boundary(model, dataset)
    for row in rows[::17]:
        score = model([row.x, row.y])
        assert isinstance(score, Value)
        assert row.score == score.data  # exactly: float inference is the same arithmetic
    assert all(row.predicted == (1.0 if row.score > 0.0 else -1.0) for row in rows)
    assert {row.predicted for row in rows} == {-1.0, 1.0}
    assert rows[0].to_dict() == {
        "x": rows[0].x,
        "y": rows[0].y,
        "score": rows[0].score,
        "predicted": rows[0].predicted,
    }


def test_decision_boundary_builds_no_graph(
    model: MLP, dataset: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: MLP, inputs: object) -> Value:
        raise AssertionError("decision_boundary must use model.evaluate, not model(...)")

    monkeypatch.setattr(MLP, "__call__", refuse)
    monkeypatch.setattr(MLP, "forward", refuse)
    assert len(decision_boundary(model, dataset, h=0.5)) > 0


def test_decision_boundary_predicts_minus_one_for_a_zero_score(dataset: Dataset) -> None:
    zero = MLP.create(2, [1], seed=0)
    neuron = zero.layers[0].neurons[0]
    silent = attrs.evolve(neuron, weights=(Value(0.0), Value(0.0)))
    rows = decision_boundary(
        MLP(layers=(attrs.evolve(zero.layers[0], neurons=(silent,)),)), dataset
    )
    assert {(row.score, row.predicted) for row in rows} == {(0.0, -1.0)}


@pytest.mark.parametrize(
    ("h", "error"),
    [
        (0.0, InvalidValueError),
        (-0.25, InvalidValueError),
        (math.nan, InvalidValueError),
        (math.inf, InvalidValueError),
        ("0.25", InvalidTypeError),
        (True, InvalidTypeError),
    ],
)
def test_decision_boundary_refuses_a_bad_h(
    model: MLP, dataset: Dataset, h: object, error: type[Exception]
) -> None:
    with pytest.raises(error, match=r"\bh\b") as raised:
        decision_boundary(model, dataset, h=h)  # type: ignore[arg-type]  # bad on purpose
    assert repr(h) in str(raised.value) or str(h) in str(raised.value)


@pytest.mark.parametrize(
    ("padding", "error"),
    [
        (-1.0, InvalidValueError),
        (math.nan, InvalidValueError),
        (math.inf, InvalidValueError),
        ("1", InvalidTypeError),
    ],
)
def test_decision_boundary_refuses_a_bad_padding(
    model: MLP, dataset: Dataset, padding: object, error: type[Exception]
) -> None:
    with pytest.raises(error, match="padding"):
        decision_boundary(model, dataset, padding=padding)  # type: ignore[arg-type]


def test_decision_boundary_refuses_a_grid_too_large_naming_h(model: MLP, dataset: Dataset) -> None:
    with pytest.raises(InvalidValueError, match=r"h=0\.001 .*more than 1,000,000") as raised:
        decision_boundary(model, dataset, h=0.001, padding=1.0)
    assert "larger h" in str(raised.value)
    with pytest.raises(InvalidValueError, match="h=1e-300"):
        decision_boundary(model, dataset, h=1e-300)  # span / h overflows to infinity
    assert MAX_GRID_POINTS == 1_000_000


def test_decision_boundary_refuses_an_empty_grid() -> None:
    one_point = Dataset([DataPoint(0.5, 0.5, 1.0)])
    with pytest.raises(InvalidValueError, match="padding"):
        decision_boundary(MLP.create(2, [1], seed=0), one_point, padding=0.0)
    assert len(decision_boundary(MLP.create(2, [1], seed=0), one_point, padding=0.1, h=0.1)) == 4


@pytest.mark.parametrize(
    ("model", "error", "fragment"),
    [
        ("not a model", InvalidTypeError, "model must be an MLP, got str"),
        (MLP.create(3, [1], seed=0), InvalidValueError, "model must take 2 inputs"),
    ],
)
def test_decision_boundary_refuses_a_bad_model(
    dataset: Dataset, model: object, error: type[Exception], fragment: str
) -> None:
    with pytest.raises(error, match=fragment):
        decision_boundary(model, dataset)  # type: ignore[arg-type]  # bad on purpose


def test_functions_refuse_a_bad_dataset_or_run(model: MLP) -> None:
    with pytest.raises(InvalidTypeError, match="dataset must be a Dataset, got list"):
        decision_boundary(model, [(0.0, 0.0)])  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match="dataset must hold at least one point"):
        decision_boundary(model, Dataset([]))
    with pytest.raises(InvalidTypeError, match="dataset must be a Dataset, got tuple"):
        dataset_points(())  # type: ignore[arg-type]
    for function in (training_history, loss_history, accuracy_history):
        with pytest.raises(InvalidTypeError, match="run must be a TrainingRun, got tuple"):
            function((model, ()))  # type: ignore[arg-type]


def test_as_dicts_converts_rows_of_every_kind(run: TrainingRun, dataset: Dataset) -> None:
    x = Value(2.0, label="x")
    y = x * x
    graph_rows = as_dicts(nodes(y, backward(y)))
    assert [row["label"] for row in graph_rows] == ["x", ""]
    assert as_dicts(accuracy_history(run))[0] == accuracy_history(run)[0].to_dict()
    assert as_dicts(dataset_points(dataset)) == [p.to_dict() for p in dataset.points]
    assert as_dicts(()) == []


def test_decision_boundary_of_a_k_output_model_predicts_the_argmax_class(dataset: Dataset) -> None:
    model = MLP.create(2, [4, 3], seed=0)
    rows = decision_boundary(model, dataset, h=0.5)
    for row in rows:
        outputs = model.evaluate((row.x, row.y))
        assert row.score == max(outputs) and row.predicted == float(outputs.index(max(outputs)))
    assert {row.predicted for row in rows} <= {0.0, 1.0, 2.0}


def test_neuron_grid_holds_every_neuron_of_the_graph_forward_pass(
    model: MLP, dataset: Dataset
) -> None:
    grid = neuron_grid(model, dataset, h=0.3)
    assert isinstance(grid, NeuronGrid)
    rows = decision_boundary(model, dataset, h=0.3)
    assert [(x, y) for y in grid.ys for x in grid.xs] == [(row.x, row.y) for row in rows]
    assert [len(layer) for layer in grid.layers] == [6, 6, 1]
    for index in range(0, len(rows), 13):
        values: tuple[Value, ...] = tuple(Value(v) for v in (rows[index].x, rows[index].y))
        for layer, outputs in zip(model.layers, grid.layers):
            values = layer(values)
            # exactly: the same arithmetic as the graph, one neuron at a time
            assert [neuron[index] for neuron in outputs] == [value.data for value in values]
    assert grid.outputs == grid.layers[-1]
    assert grid.predicted() == tuple(row.predicted for row in rows)
    assert any(value == 0.0 for value in grid.layers[0][0] + grid.layers[0][1])  # ReLU's zeros


def test_neuron_grid_predicts_the_argmax_class_of_a_k_output_model(dataset: Dataset) -> None:
    model = MLP.create(2, [5, 3], seed=4)
    grid = neuron_grid(model, dataset, h=0.5)
    assert grid.predicted() == tuple(
        row.predicted for row in decision_boundary(model, dataset, h=0.5)
    )
    assert len(set(grid.predicted())) > 1


def test_neuron_grid_refuses_what_decision_boundary_refuses(model: MLP, dataset: Dataset) -> None:
    with pytest.raises(InvalidValueError, match="h is the grid step"):
        neuron_grid(model, dataset, h=0.0)
    with pytest.raises(InvalidTypeError, match="model must be an MLP"):
        neuron_grid("model", dataset)  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match="2 inputs"):
        neuron_grid(MLP.create(3, [2, 1], seed=0), dataset)


def test_a_step_far_wider_than_the_data_is_refused_by_name() -> None:
    model, data = MLP.create(2, [4, 1], seed=0), moons(20, seed=0)
    with pytest.raises(InvalidValueError, match=r"h=6e\+307 is far wider than the area"):
        decision_boundary(model, data, h=6e307)
    assert len(decision_boundary(model, data, h=50.0)) == 1  # one cell is still a grid
