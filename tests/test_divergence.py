"""Training that diverges raises TrainingDivergedError and keeps everything computed before."""

from __future__ import annotations

import ast
import inspect
import math
import re
from collections.abc import Callable

import pytest

import mgfunc
from mgfunc import InvalidValueError, MgfuncError, Value, errors
from mgfunc._checks import Numbers, Rows
from mgfunc.datasets import Dataset, moons
from mgfunc.losses import Loss, max_margin
from mgfunc.nn import MLP, Layer, Neuron, parameters
from mgfunc.trainer import (
    HistoryRow,
    LearningRateError,
    TrainingDivergedError,
    TrainingRun,
    train,
)

DATA = moons(30, noise=0.1, seed=4)
MODEL = MLP.create(2, [8, 8, 1], seed=4)


def diverge(
    learning_rate: float | Callable[[int], float],
    *,
    model: MLP = MODEL,
    data: Dataset = DATA,
    steps: int = 20,
    alpha: float = 1e-4,
    log_every: int = 1,
) -> TrainingDivergedError:
    with pytest.raises(TrainingDivergedError) as caught:
        train(
            model, data, steps=steps, alpha=alpha, learning_rate=learning_rate, log_every=log_every
        )
    return caught.value


def assert_consistent(run: TrainingRun, data: Dataset = DATA, alpha: float = 1e-4) -> None:
    """The partial run is a run: finite, and its numbers are those of its own final model."""
    assert all(math.isfinite(p.data) for p in parameters(run.final_model))
    assert all(
        math.isfinite(value)
        for row in run.history
        for value in row.to_dict().values()
        if value is not None
    )
    loss = max_margin(run.final_model, data.xs, data.ys, alpha)
    assert math.isfinite(run.final_loss)
    assert run.final_loss == loss.total_loss.data == run.history[-1].loss
    assert run.final_accuracy == loss.accuracy == run.history[-1].accuracy


@pytest.mark.parametrize("learning_rate", [1e200, 1e100, 1e30])
def test_a_huge_learning_rate_raises_with_the_run_up_to_the_last_finite_loss(
    learning_rate: float,
) -> None:
    error = diverge(learning_rate)
    run = error.run
    last = run.history[-1].step
    assert [row.step for row in run.history] == list(range(last + 1))
    assert_consistent(run)
    assert f"the loss at step {last + 1} is" in str(error)
    assert f"up to step {last}" in str(error)
    # Nothing is lost: the same arguments, stopped before the divergence, give the same rows
    # and the same model, float for float.
    normal = train(MODEL, DATA, steps=last, learning_rate=learning_rate)
    assert run.history[:-1] == normal.history
    assert [p.data for p in parameters(run.final_model)] == [
        p.data for p in parameters(normal.final_model)
    ]


def test_a_schedule_that_jumps_diverges_and_keeps_the_rows_logged_before() -> None:
    def schedule(step: int) -> float:
        return 0.05 if step < 6 else 1e200

    error = diverge(schedule, log_every=4)
    run = error.run
    last = run.history[-1].step
    assert last >= 6  # the jump happened, then the loss overflowed one step later
    assert_consistent(run)
    every_row = train(MODEL, DATA, steps=last, learning_rate=schedule).history
    # Logged rows every 4 steps, and always the row of the last finite model.
    assert run.history[:-1] == tuple(row for row in every_row if row.step % 4 == 0)
    assert run.history[-1].learning_rate == schedule(last)


def test_divergence_detected_after_the_last_step_still_raises() -> None:
    full = diverge(1e200).run
    last = full.history[-1].step
    # With exactly one more step, the model with a non-finite loss is the final one.
    short = diverge(1e200, steps=last + 1).run
    assert short == full


def test_a_parameter_overflowing_stops_at_the_model_before_the_update() -> None:
    # alpha=1 makes the gradient of the weights about 200, and 200 * 1e307 overflows.
    neuron = Neuron(weights=(Value(100.0), Value(-100.0)), bias=Value(0.0), nonlinear=False)
    model = MLP(layers=(Layer((neuron,)),))
    error = diverge(1e307, model=model, alpha=1.0)
    assert "a parameter would become" in str(error) and "up to step 0" in str(error)
    run = error.run
    assert run.final_model == model
    assert [row.step for row in run.history] == [0]
    assert_consistent(run, alpha=1.0)


def test_the_error_is_an_arithmetic_error_and_an_mgfunc_error() -> None:
    error = diverge(1e200)
    assert isinstance(error, ArithmeticError) and isinstance(error, MgfuncError)
    assert isinstance(error.run, TrainingRun)


def test_on_step_only_sees_rows_with_a_finite_loss() -> None:
    seen: list[HistoryRow] = []
    with pytest.raises(TrainingDivergedError) as caught:
        train(MODEL, DATA, steps=20, learning_rate=1e200, on_step=seen.append)
    assert seen and all(math.isfinite(row.loss) for row in seen)
    assert tuple(seen) == caught.value.run.history


def test_a_starting_loss_that_is_not_finite_is_a_bad_argument() -> None:
    with pytest.raises(InvalidValueError, match=r"starting model's loss is inf.*lower alpha"):
        train(MODEL, DATA, steps=3, alpha=1e308)


@pytest.mark.parametrize(
    ("returned", "shown"),
    [
        (math.nan, "got nan"),
        (math.inf, "got inf"),
        (-0.009, "got -0.009; a negative rate climbs the loss"),
        (0.0, "got 0.0; a rate of 0 leaves the model as it is"),
        ("fast", "got str 'fast'"),
        (None, "got NoneType None"),
    ],
)
def test_a_schedule_returning_a_bad_rate_names_the_step_and_keeps_the_run(
    returned: object, shown: str
) -> None:
    def schedule(step: int) -> object:
        return 0.1 if step < 2 else returned

    with pytest.raises(LearningRateError) as caught:
        train(MODEL, DATA, steps=5, learning_rate=schedule)  # type: ignore[arg-type]
    message = str(caught.value)
    assert "the learning rate at step 2 (learning_rate(2)) must be a positive finite number" in (
        message
    )
    assert shown in message and "training stopped after step 2" in message
    assert isinstance(caught.value, errors.LearningRateError)
    assert isinstance(caught.value, InvalidValueError)  # a ValueError, as before
    run = caught.value.run
    assert run.steps == 2 and [row.step for row in run.history] == [0, 1]
    assert run == train(MODEL, DATA, steps=2, learning_rate=schedule)  # type: ignore[arg-type]


def test_the_errors_module_types_the_run_without_the_trainer() -> None:
    # mgfunc.errors is the bottom of the house: it imports nothing of mgfunc's.
    tree = ast.parse(inspect.getsource(errors))
    imported = [
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    ]
    assert imported and not [name for name in imported if name and name.startswith("mgfunc")]
    # What train raises is caught as mgfunc.errors' classes, and carries a TrainingRun.
    error = diverge(1e200)
    assert isinstance(error, errors.TrainingDivergedError) and isinstance(error.run, TrainingRun)
    assert errors.TrainingDivergedError is not TrainingDivergedError  # the precise subclass
    assert mgfunc.TrainingDivergedError is TrainingDivergedError


def test_a_nan_gradient_with_a_finite_loss_stops_with_the_run_and_the_right_advice() -> None:
    def loss(model: MLP, xs: Rows, ys: Numbers, alpha: float) -> Loss:
        margin = max_margin(model, xs, ys, alpha)
        if len(model.parameters()) and model.parameters()[0].data > 0.0:
            weight = model.parameters()[0]
            huge = Value(1.0) * 1e300 * 1e300  # inf, from float arithmetic
            # tanh(inf) - 1 = 0 adds nothing to the loss, but d/dweight = 0 * inf = nan.
            poison = (weight * huge).tanh() - 1.0
            return Loss(margin.total_loss + poison, margin.data_loss, margin.reg_loss, 0.0)
        return margin

    model = MLP.create(2, [4, 1], seed=1)
    first = model.parameters()[0]
    assert first.data > 0.0
    with pytest.raises(TrainingDivergedError) as caught:
        train(model, DATA, steps=5, loss=loss, learning_rate=0.01)
    message = str(caught.value)
    assert "its gradient is nan" in message and "no learning rate causes" in message
    assert "lower the learning rate" not in message
    run = caught.value.run
    assert run.final_model == model and [row.step for row in run.history] == [0]
    assert math.isfinite(run.history[0].loss)


def test_a_rate_that_is_too_large_is_named_with_the_loss_it_saw_rise() -> None:
    error = diverge(1e30)
    message = str(error)
    assert re.search(
        r"it rose from \S+ at step 0 to \S+ at step \d+ at learning rate 1e\+30", message
    )
    assert "lower the learning rate" in message


def test_the_default_schedule_runs_past_step_111_without_climbing() -> None:
    # The reproduction from the issue: the old schedule turned negative after step 111 and
    # ended this run at a loss of 2.3e62, accuracy 0.5, without an error.
    run = train(MLP.create(2, [8, 1], seed=0), moons(100, seed=0), steps=300)
    assert all(row.learning_rate > 0.1 for row in run.history)
    assert run.final_loss < 0.5 and run.final_accuracy > 0.8
    assert run.final_loss <= min(row.loss for row in run.history[:100]) * 1.5


def test_a_constant_rate_that_is_not_positive_is_refused_before_any_step() -> None:
    seen: list[HistoryRow] = []
    for rate in (-0.1, 0.0, math.nan):
        with pytest.raises(
            errors.LearningRateError, match=r"learning_rate must be a positive finite"
        ) as caught:
            train(MODEL, DATA, steps=3, learning_rate=rate, on_step=seen.append)
        assert caught.value.run is None  # refused before any step: there is no run yet
    assert seen == []
