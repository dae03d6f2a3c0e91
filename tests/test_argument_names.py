"""Errors that name the argument at fault, for the cases the entry-point sweep found.

Each test here is the direct form of a case ``tests/test_sweep.py`` once listed as a known
failure: the bad input, and the exact words the error must now say (the sweep only checks that
the argument's name appears somewhere in the message).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

import attrs
import pandas as pd  # type: ignore[import-untyped]  # pandas-stubs is not a dependency
import pytest

from mgfunc import io as model_io
from mgfunc import playground, plot_data, vega
from mgfunc.datasets import moons
from mgfunc.errors import InvalidTypeError, InvalidValueError, ModelFileError
from mgfunc.losses import Loss, cross_entropy, logistic, max_margin
from mgfunc.nn import MLP
from mgfunc.optim import Adam, AdamState, SGDState, adam, sgd
from mgfunc.plots import animate_training
from mgfunc.trainer import StepRules, train
from mgfunc.value import Value, linear, sigmoid_of

DATA = moons(20, seed=0)
MODEL = MLP.create(2, [4, 1], seed=0)


def test_adam_refuses_a_name_of_its_own() -> None:
    with pytest.raises(InvalidValueError, match=r"name must be 'adam' or 'adamw', got NoneType"):
        Adam(0.1, name=None)  # type: ignore[arg-type]
    assert Adam(0.1, name="adamw").name == "adamw"


@pytest.mark.parametrize(
    ("bad", "error", "words"),
    [
        (10**400, InvalidValueError, r"inputs\[1\] is too large for a float"),
        (math.inf, InvalidValueError, r"inputs\[1\] must be finite"),
        (math.nan, InvalidValueError, r"inputs\[1\] must be finite"),
        (None, InvalidTypeError, r"inputs\[1\] must be a real number, got NoneType"),
    ],
)
def test_a_bad_input_is_named_by_its_index(bad: object, error: type[Exception], words: str) -> None:
    model = MLP.create(2, [3, 1], seed=0)
    inputs: list[Any] = [0.0, bad]
    calls: tuple[tuple[Callable[[list[Any]], object], str], ...] = (
        (model, "MLP"),
        (model.forward, "MLP"),
        (model.layers[0], "Layer"),
        (model.layers[0].neurons[0], "Neuron"),
    )
    for call, owner in calls:
        with pytest.raises(error, match=rf"^{owner}: {words}"):
            call(inputs)
    neuron = model.layers[0].neurons[0]
    with pytest.raises(error, match=rf"^linear: {words}"):
        linear(list(neuron.weights), inputs, neuron.bias)
    assert inputs == [0.0, bad] or bad != bad  # unchanged (NaN is not equal to itself)


def test_good_inputs_still_give_the_same_numbers() -> None:
    model = MLP.create(2, [3, 1], seed=0)
    assert model([0.5, Value(-1.0)]).data == model.evaluate([0.5, -1.0])[0]  # type: ignore[union-attr]


def test_sigmoid_of_refuses_what_is_not_a_real_number() -> None:
    with pytest.raises(InvalidTypeError, match=r"sigmoid_of\(x=\.\.\.\) must be a real number"):
        sigmoid_of(None)  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match=r"sigmoid_of\(x=\.\.\.\) must be finite"):
        sigmoid_of(math.nan)
    with pytest.raises(InvalidValueError, match=r"sigmoid_of\(x=\.\.\.\) is too large"):
        sigmoid_of(10**400)
    assert (sigmoid_of(math.inf), sigmoid_of(-math.inf), sigmoid_of(0)) == (1.0, 0.0, 0.5)
    assert Value(0.25).sigmoid().data == sigmoid_of(0.25)


@pytest.mark.parametrize(
    "read", [model_io.model_from_json, model_io.history_from_json, model_io.run_from_json]
)
def test_json_text_errors_name_text(read: object) -> None:
    with pytest.raises(ModelFileError, match=r"^text: not valid JSON"):
        read("")  # type: ignore[operator]
    with pytest.raises(ModelFileError, match=r"^text: the file must hold a JSON object"):
        read("[]")  # type: ignore[operator]


def test_as_dicts_refuses_what_is_not_rows() -> None:
    with pytest.raises(InvalidTypeError, match=r"^rows must be an iterable of rows"):
        plot_data.as_dicts(None)  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match=r"^rows must be an iterable of rows"):
        plot_data.as_dicts("0")  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match=r"^rows\[1\] has no to_dict\(\) method"):
        plot_data.as_dicts([plot_data.PointRow(0.5, -1.0, 1), None])  # type: ignore[list-item]
    rows = (plot_data.PointRow(0.5, -1.0, 1) for _ in range(2))  # any iterable, once
    assert plot_data.as_dicts(rows) == [{"x": 0.5, "y": -1.0, "label": 1}] * 2


def test_a_grid_too_large_because_of_padding_says_padding(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(plot_data, "MAX_GRID_POINTS", 5_000)
    with pytest.raises(InvalidValueError, match=r"^padding=17\.0 makes the grid at h=0\.25") as got:
        plot_data.decision_boundary(MODEL, DATA, h=0.25, padding=17.0)
    suggested = re.search(r"a smaller padding such as ([0-9.e+-]+),", str(got.value))
    assert suggested is not None, str(got.value)
    padding = float(suggested.group(1))
    assert 1.0 < padding < 17.0
    assert len(plot_data.decision_boundary(MODEL, DATA, h=0.25, padding=padding)) <= 5_000
    # h too small for the points alone: still h's fault, whatever the padding.
    with pytest.raises(InvalidValueError, match=r"^h=0\.01 .*pass a larger h"):
        plot_data.decision_boundary(MODEL, DATA, h=0.01, padding=17.0)


def test_the_real_limit_blames_padding_too() -> None:
    with pytest.raises(InvalidValueError, match=r"^padding=300\.0 .*smaller padding"):
        plot_data.decision_boundary(MODEL, DATA, h=0.25, padding=300.0)
    with pytest.raises(InvalidValueError, match=r"^padding=1e\+300 .*smaller padding"):
        plot_data.grid_axes(MODEL, DATA, 0.5, 1e300)


def test_loss_comparison_chart_names_the_entry_that_is_not_a_run() -> None:
    run = train(MODEL, DATA, steps=2)
    with pytest.raises(InvalidTypeError, match=r"^runs\['b'\] must be a TrainingRun, got float"):
        vega.loss_comparison_chart({"a": run, "b": 0.0})  # type: ignore[dict-item]


@pytest.mark.parametrize(
    ("scale", "error"),
    [
        ("x", InvalidTypeError),
        (None, InvalidTypeError),
        (math.nan, InvalidValueError),
        (-1.0, InvalidValueError),
        (0.0, InvalidValueError),
        (0.05, InvalidValueError),
        (10.5, InvalidValueError),
        (1e6, InvalidValueError),
    ],
)
def test_to_png_checks_scale_before_rendering(scale: object, error: type[Exception]) -> None:
    chart = vega.dataset_chart(DATA)
    with pytest.raises(error, match=r"^scale must"):
        vega.to_png(chart, scale=scale)  # type: ignore[arg-type]


@pytest.mark.parametrize("figsize", [(8.0, 1e6), (51.0, 4.0), (0.5, 4.0), (6.0, 0.99)])
def test_animate_training_bounds_figsize(figsize: tuple[float, float]) -> None:
    run = train(MODEL, DATA, steps=2, snapshot_every=1)
    with pytest.raises(InvalidValueError, match=r"^figsize must be between 1 and 50 inches"):
        animate_training(run, DATA, figsize=figsize)


@pytest.mark.parametrize(
    "make",
    [
        playground.make_data,
        playground.make_loss,
        playground.make_model,
        playground.make_optimizer,
    ],
)
def test_playground_makers_refuse_what_is_not_settings(make: object) -> None:
    with pytest.raises(InvalidTypeError, match=r"^settings must be a playground Settings"):
        make(None)  # type: ignore[operator]


def test_optimizer_rows_and_parse_hidden_name_their_arguments() -> None:
    run = train(MODEL, DATA, steps=2)
    with pytest.raises(InvalidTypeError, match=r"^run must be a TrainingRun, got NoneType"):
        playground.optimizer_rows(None, DATA)  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match=r"^top must be an int, got float 1\.5"):
        playground.optimizer_rows(run, DATA, top=1.5)  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match=r"^top must be at least 1"):
        playground.optimizer_rows(run, DATA, top=0)
    assert len(playground.optimizer_rows(run, DATA, top=2)) == 2
    with pytest.raises(InvalidTypeError, match=r"^text must be a str of layer widths"):
        playground.parse_hidden(1.0)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("field", "bad", "error", "words"),
    [
        ("dataset", None, InvalidTypeError, r"dataset must be one of 'moons'"),
        ("dataset", "circles", InvalidValueError, r"dataset must be one of 'moons'"),
        ("points", None, InvalidTypeError, r"points must be an int"),
        ("points", 3, InvalidValueError, r"points must be at least 4"),
        ("noise", math.nan, InvalidValueError, r"noise must be finite"),
        ("noise", -0.1, InvalidValueError, r"noise must be at least 0"),
        ("classes", True, InvalidTypeError, r"classes must be an int"),
        ("activation", "gelu", InvalidValueError, r"activation must be one of"),
        ("loss", 1, InvalidTypeError, r"loss must be one of"),
        ("optimizer", "rmsprop", InvalidValueError, r"optimizer must be one of"),
        ("learning_rate", 0.0, InvalidValueError, r"learning_rate must be above 0"),
        ("learning_rate", "0.1", InvalidTypeError, r"learning_rate must be a real number"),
        ("batch_size", -1, InvalidValueError, r"batch_size must be at least 0"),
        ("validation", 0.6, InvalidValueError, r"validation must be at least 0 and at most 0.5"),
        ("seed", math.nan, InvalidTypeError, r"seed must be an int or a tuple of ints"),
        ("hidden", (8, True), InvalidTypeError, r"hidden must be a tuple of layer widths"),
    ],
)
def test_settings_refuse_bad_fields_with_mgfunc_errors(
    field: str, bad: object, error: type[Exception], words: str
) -> None:
    with pytest.raises(error, match=rf"^{words}"):
        playground.Settings(**{field: bad})  # type: ignore[arg-type]


def test_settings_keep_accepting_what_the_controls_give() -> None:
    settings = playground.Settings(
        dataset="spiral", points=40, noise=0, classes=3, hidden="4, 4", learning_rate=1
    )
    assert (settings.hidden, settings.noise, settings.learning_rate) == ((4, 4), 0, 1)
    assert playground.make_model(settings).nout == 3


def test_the_losses_take_pandas_tables_as_from_arrays_does() -> None:
    frame = pd.DataFrame(list(DATA.xs), columns=["x", "y"])
    labels = pd.Series(list(DATA.ys))
    for loss in (max_margin, logistic):
        from_table = loss(MODEL, frame, labels, 1e-4)
        from_lists = loss(MODEL, list(DATA.xs), list(DATA.ys), 1e-4)
        assert from_table.total_loss.data == from_lists.total_loss.data
        assert from_table.accuracy == from_lists.accuracy
    three = MLP.create(2, [4, 2], seed=0)
    classes = list(DATA.labels)
    assert (
        cross_entropy(three, frame, pd.Series(classes), 0.0).total_loss.data
        == cross_entropy(three, list(DATA.xs), classes, 0.0).total_loss.data
    )
    assert MODEL.evaluate_many(frame) == MODEL.evaluate_many(list(DATA.xs))


def test_a_table_of_the_wrong_shape_is_refused_by_its_row_not_its_printout() -> None:
    frame = pd.DataFrame({"x": [0.5] * 50, "y": [1.0] * 50, "z": [2.0] * 50})
    with pytest.raises(InvalidValueError, match=r"^xs\[0\] has 3 numbers but 2 are needed"):
        max_margin(MODEL, frame, [1.0] * 50, 0.0)


# Records a user builds check their fields (the optimizers and losses build theirs unchecked).


def _any(value: object) -> Any:
    """``value`` as a type checker sees anything: a wrong type passed on purpose."""
    return value


def test_a_loss_record_of_your_own_is_checked() -> None:
    good = max_margin(MODEL, DATA.xs, DATA.ys, 1e-4)
    with pytest.raises(InvalidTypeError, match=r"^total_loss must be a Value .* got float nan"):
        Loss(math.nan, good.data_loss, good.reg_loss, 0.5)  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match=r"^accuracy must be from 0 to 1 .* got 1\.5"):
        Loss(good.total_loss, good.data_loss, good.reg_loss, 1.5)
    with pytest.raises(InvalidValueError, match=r"^accuracy must be finite"):
        Loss(good.total_loss, good.data_loss, good.reg_loss, math.nan)

    def halved(model: MLP, xs: object, ys: object, alpha: float) -> Loss:
        loss = max_margin(model, xs, ys, alpha)  # type: ignore[arg-type]
        return Loss(loss.total_loss * 0.5, loss.data_loss * 0.5, loss.reg_loss, loss.accuracy)

    run = train(MODEL, DATA, steps=3, loss=halved)
    assert math.isfinite(run.final_loss)


@pytest.mark.parametrize(
    ("make", "error", "words"),
    [
        (lambda: SGDState(-1, (2, 1)), InvalidValueError, r"step must be at least 0"),
        (lambda: SGDState(_any(math.nan), (2, 1)), InvalidTypeError, r"step must be an int"),
        (lambda: SGDState(0, _any([2, 1])), InvalidTypeError, r"shape must be a tuple"),
        (lambda: SGDState(0, (2, 0)), InvalidTypeError, r"shape must be a tuple"),
        (lambda: SGDState(0, (1, 1), _any([0.0])), InvalidTypeError, r"velocity must be a tuple"),
        (lambda: SGDState(0, (1, 1), (0.0, math.inf)), InvalidValueError, r"velocity\[1\]"),
        (
            lambda: AdamState(0, (1, 1), (math.nan, 0.0), (0.0, 0.0)),
            InvalidValueError,
            r"first_moment\[0\] must be finite",
        ),
        (
            lambda: AdamState(0, (1, 1), (0.0, 0.0), (0.0, -1.0)),
            InvalidValueError,
            r"second_moment\[1\] must be at least 0",
        ),
    ],
)
def test_an_optimizer_state_built_by_hand_is_checked(
    make: Callable[[], object], error: type[Exception], words: str
) -> None:
    with pytest.raises(error, match=rf"^{words}"):
        make()


def test_the_optimizers_states_still_round_trip() -> None:
    for optimizer in (sgd(0.1, momentum=0.9), adam(0.01)):
        run = train(MODEL, DATA, steps=3, optimizer=optimizer)
        state = run.optimizer_state
        assert state is not None
        assert attrs.evolve(state) == state  # what the optimizer made passes the checks
        assert model_io.run_from_json(model_io.run_to_json(run)).optimizer_state == state


@pytest.mark.parametrize(
    ("field", "bad", "words"),
    [
        ("loss", 0.5, r"loss must be a loss function"),
        ("optimizer", "adam", r"optimizer must be an optimizer of mgfunc.optim"),
        ("alpha", math.inf, r"alpha must be finite"),
        ("batch_size", 0, r"batch_size \(or None for every point\) must be at least 1"),
        ("seed", "0", r"seed must be an int or a tuple of ints"),
        ("log_every", 0, r"log_every must be at least 1"),
        ("snapshot_every", 2.5, r"snapshot_every \(or None for no snapshots\) must be an int"),
        ("validation", None, r"validation must be True or False"),
    ],
)
def test_a_training_config_checks_its_fields(field: str, bad: object, words: str) -> None:
    config = train(MODEL, DATA, steps=1).config
    assert config is not None
    with pytest.raises((InvalidTypeError, InvalidValueError), match=rf"^{words}"):
        attrs.evolve(config, **{field: bad})  # type: ignore[arg-type]


def test_step_rules_check_their_fields() -> None:
    with pytest.raises(InvalidValueError, match=r"^alpha must be at least 0"):
        StepRules(max_margin, -1.0, adam(0.01), None)
    with pytest.raises(InvalidTypeError, match=r"^validation must be the checked points"):
        StepRules(max_margin, 0.0, adam(0.01), [(0.0, 1.0)])  # type: ignore[arg-type]
