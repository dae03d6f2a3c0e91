"""The max-margin loss and the trainer, including the pinned official run."""

from __future__ import annotations

import gc

import pytest

from mgfunc import InvalidTypeError, InvalidValueError, backward
from mgfunc._checks import Numbers, Rows
from mgfunc.datasets import moons
from mgfunc.losses import Loss, max_margin
from mgfunc.nn import MLP, apply_gradients, parameters
from mgfunc.trainer import HistoryRow, TrainingRun, official_micrograd_learning_rate, train

OFFICIAL = (1337, 1337, 1337)


@pytest.fixture(scope="module")
def official_run() -> TrainingRun:
    return train(
        MLP.create(2, [16, 16, 1], seed=OFFICIAL),
        moons(100, noise=0.1, seed=OFFICIAL),
        steps=100,
        alpha=1e-4,
        learning_rate=official_micrograd_learning_rate,
    )


def test_max_margin_follows_the_formula() -> None:
    data = moons(12, seed=2)
    model = MLP.create(2, [4, 1], seed=2)
    loss = max_margin(model, data.xs, data.ys, alpha=0.01)
    scores = [model.evaluate(x)[0] for x in data.xs]
    hinge = [max(0.0, 1.0 - y * s) for y, s in zip(data.ys, scores, strict=True)]
    assert loss.data_loss.data == pytest.approx(sum(hinge) / len(hinge), rel=1e-12)
    assert loss.reg_loss.data == pytest.approx(0.01 * sum(p.data**2 for p in parameters(model)))
    assert loss.total_loss.data == loss.data_loss.data + loss.reg_loss.data
    correct = sum((y > 0) == (s > 0) for y, s in zip(data.ys, scores, strict=True))
    assert loss.accuracy == correct / len(scores)


def test_max_margin_gradients_reach_every_parameter() -> None:
    data = moons(12, seed=2)
    model = MLP.create(2, [4, 1], seed=2)
    grads = backward(max_margin(model, data.xs, data.ys).total_loss)
    assert all(p in grads for p in parameters(model))


def test_the_official_run_reaches_full_accuracy_with_falling_loss(
    official_run: TrainingRun,
) -> None:
    history = official_run.history
    assert [row.step for row in history] == list(range(100))
    assert official_run.final_accuracy >= 0.99
    assert official_run.final_loss < history[0].loss / 10
    assert history[0].learning_rate == 1.0 and history[99].learning_rate == pytest.approx(0.109)
    assert all(isinstance(row, HistoryRow) for row in history)


def test_the_official_run_is_pinned(official_run: TrainingRun) -> None:
    # The values this run produces; a change here means the numerics changed.
    assert official_run.final_loss == pytest.approx(0.011774951179063136, rel=1e-9)
    assert official_run.final_accuracy == 1.0
    assert official_run.history[0].loss == pytest.approx(0.821703554636074, rel=1e-12)


def test_two_runs_are_identical(official_run: TrainingRun) -> None:
    again = train(MLP.create(2, [16, 16, 1], seed=OFFICIAL), moons(100, seed=OFFICIAL))
    assert again.history == official_run.history
    assert again.final_model == official_run.final_model
    assert again.final_loss == official_run.final_loss


def test_a_run_unpacks_and_leaves_the_model_unchanged() -> None:
    model = MLP.create(2, [4, 1], seed=0)
    before = [p.data for p in parameters(model)]
    run = train(model, moons(20, seed=0), steps=5, learning_rate=0.1)
    final_model, history = run
    assert final_model is run.final_model and history is run.history
    assert [p.data for p in parameters(model)] == before
    final = max_margin(run.final_model, moons(20, seed=0).xs, moons(20, seed=0).ys)
    assert run.final_loss == final.total_loss.data and run.final_accuracy == final.accuracy


def test_each_step_is_one_gradient_step() -> None:
    data = moons(20, seed=1)
    model = MLP.create(2, [4, 1], seed=1)
    run = train(model, data, steps=2, learning_rate=lambda k: 0.5 / (k + 1))
    loss = max_margin(model, data.xs, data.ys)
    first = apply_gradients(model, backward(loss.total_loss), 0.5)
    second_loss = max_margin(first, data.xs, data.ys)
    second = apply_gradients(first, backward(second_loss.total_loss), 0.25)
    assert run.final_model == second
    assert [row.loss for row in run.history] == [loss.total_loss.data, second_loss.total_loss.data]
    assert [row.learning_rate for row in run.history] == [0.5, 0.25]


def test_log_every_keeps_every_nth_row_and_the_last() -> None:
    seen: list[int] = []
    run = train(
        MLP.create(2, [4, 1], seed=0),
        moons(20, seed=0),
        steps=10,
        log_every=4,
        learning_rate=0.1,
        on_step=lambda row: seen.append(row.step),
    )
    assert [row.step for row in run.history] == [0, 4, 8, 9] == seen


def test_zero_steps_returns_the_model_and_its_loss() -> None:
    model = MLP.create(2, [4, 1], seed=0)
    run = train(model, moons(20, seed=0), steps=0)
    assert run.final_model is model and run.history == ()


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"steps": -1}, InvalidValueError, "steps"),
        ({"steps": 2.5}, InvalidTypeError, "steps"),
        ({"log_every": 0}, InvalidValueError, "log_every"),
        ({"learning_rate": float("nan")}, InvalidValueError, "learning_rate"),
        ({"learning_rate": "fast"}, InvalidTypeError, "learning_rate"),
        ({"alpha": -1.0}, InvalidValueError, "alpha"),
    ],
)
def test_train_refuses_bad_arguments(
    kwargs: dict[str, object], error: type[Exception], pattern: str
) -> None:
    with pytest.raises(error, match=pattern):
        train(MLP.create(2, [4, 1], seed=0), moons(20, seed=0), **kwargs)  # type: ignore[arg-type]


def test_a_schedule_returning_non_finite_is_refused_naming_the_step() -> None:
    with pytest.raises(InvalidValueError, match=r"learning_rate\(2\)"):
        train(
            MLP.create(2, [4, 1], seed=0),
            moons(20, seed=0),
            steps=5,
            learning_rate=lambda k: 0.1 if k < 2 else float("inf"),
        )


def test_max_margin_refuses_mismatched_data() -> None:
    model = MLP.create(2, [4, 1], seed=0)
    with pytest.raises(InvalidValueError, match="xs has 2 rows but ys has 1"):
        max_margin(model, [[0.0, 1.0], [1.0, 0.0]], [1.0])
    with pytest.raises(InvalidValueError, match=r"xs\[0\] has 3"):
        max_margin(model, [[0.0, 1.0, 2.0]], [1.0])
    with pytest.raises(InvalidValueError, match=r"ys\[0\] must be -1.0 or 1.0"):
        max_margin(model, [[0.0, 1.0]], [0.0])
    with pytest.raises(InvalidValueError, match="exactly one output"):
        max_margin(MLP.create(2, [2], seed=0), [[0.0, 1.0]], [1.0])
    with pytest.raises(InvalidValueError, match="empty"):
        max_margin(model, [], [])


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_paused_for_the_library_only_and_callbacks_see_the_users(
    enabled: bool,
) -> None:
    model, data = MLP.create(2, [4, 1], seed=0), moons(20, seed=0)
    in_callback: list[bool] = []
    in_loss: list[bool] = []

    def loss(model: MLP, xs: Rows, ys: Numbers, alpha: float) -> Loss:
        in_loss.append(gc.isenabled())
        return max_margin(model, xs, ys, alpha)

    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        train(
            model,
            data,
            steps=3,
            loss=loss,
            learning_rate=0.1,
            on_step=lambda row: in_callback.append(gc.isenabled()),
        )
        assert in_callback == [enabled] * 3  # the user's code runs as the user left it
        # The steps' own losses (every call after the first, checking call) run paused.
        assert in_loss[1:] and not any(in_loss[1:])
        assert gc.isenabled() == enabled  # restored when training ends
        with pytest.raises(InvalidValueError):
            train(model, data, steps=3, learning_rate=lambda k: 0.1 if k < 1 else float("nan"))
        assert gc.isenabled() == enabled  # restored after an error too
    finally:
        (gc.enable if was else gc.disable)()


def test_a_callback_that_switches_the_collector_keeps_its_choice() -> None:
    model, data = MLP.create(2, [4, 1], seed=0), moons(20, seed=0)
    seen: list[bool] = []

    def callback(row: HistoryRow) -> None:
        seen.append(gc.isenabled())
        gc.disable()

    assert gc.isenabled()
    try:
        train(model, data, steps=3, learning_rate=0.1, on_step=callback)
        assert seen == [True, False, False]
        assert not gc.isenabled()
    finally:
        gc.enable()
