"""Training that diverges raises TrainingDivergedError and keeps everything computed before."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest

from mgfunc import InvalidTypeError, InvalidValueError, MgfuncError, Value
from mgfunc.datasets import Dataset, moons
from mgfunc.errors import TrainingDivergedError
from mgfunc.losses import max_margin
from mgfunc.nn import MLP, Layer, Neuron, parameters
from mgfunc.trainer import HistoryRow, TrainingRun, train

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
    ("returned", "error", "message"),
    [
        (math.nan, InvalidValueError, r"learning_rate\(2\) must be finite, got nan"),
        (math.inf, InvalidValueError, r"learning_rate\(2\) must be finite, got inf"),
        ("fast", InvalidTypeError, r"learning_rate\(2\) must be a real number, got str 'fast'"),
        (None, InvalidTypeError, r"learning_rate\(2\) must be a real number, got NoneType"),
    ],
)
def test_a_schedule_returning_a_bad_rate_names_the_step(
    returned: object, error: type[Exception], message: str
) -> None:
    def schedule(step: int) -> object:
        return 0.1 if step < 2 else returned

    with pytest.raises(error, match=message):
        train(MODEL, DATA, steps=5, learning_rate=schedule)  # type: ignore[arg-type]
