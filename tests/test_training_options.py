"""train's v0.2 options: losses, optimizers, mini-batches, validation, snapshots, resume,
interrupts, and their bad input."""

from __future__ import annotations

import math

import pytest

from mgfunc import InvalidTypeError, InvalidValueError, TrainingInterrupted
from mgfunc.datasets import moons, yin_yang
from mgfunc.losses import cross_entropy, logistic, max_margin, mse
from mgfunc.nn import MLP
from mgfunc.optim import adam, adamw, sgd
from mgfunc.trainer import (
    HistoryRow,
    TrainingRun,
    official_micrograd_learning_rate,
    resume,
    train,
)
from tests.refusals import Refusal, assert_refused_before_any_step, refusals
from tests.runs import three_class_run

DATA = moons(40, noise=0.1, seed=5)
HELD_OUT = moons(20, noise=0.1, seed=6)
MODEL = MLP.create(2, [6, 1], seed=5)


def test_the_defaults_are_plain_sgd_on_the_official_schedule() -> None:
    explicit = train(
        MODEL,
        DATA,
        steps=5,
        loss=max_margin,
        optimizer=sgd(official_micrograd_learning_rate),
    )
    assert explicit == train(MODEL, DATA, steps=5)
    assert [row.learning_rate for row in explicit.history] == [
        official_micrograd_learning_rate(k) for k in range(5)
    ]


def test_same_seed_same_run_and_another_seed_other_batches() -> None:
    def run(seed: int) -> TrainingRun:
        return train(MODEL, DATA, steps=6, optimizer=adam(0.05), batch_size=8, seed=seed)

    first, again, other = run(1), run(1), run(2)
    assert first == again
    assert [row.loss for row in first.history] != [row.loss for row in other.history]
    assert first.final_model != other.final_model


def test_a_batch_is_batch_size_distinct_points() -> None:
    seen: list[HistoryRow] = []
    train(MODEL, DATA, steps=3, batch_size=5, learning_rate=0.1, on_step=seen.append)
    # Each row's accuracy is measured on its batch of 5 points.
    assert all(round(row.accuracy * 5) == row.accuracy * 5 for row in seen)
    full = train(MODEL, DATA, steps=1, batch_size=len(DATA), learning_rate=0.1)
    # A batch of every point, in a shuffled order, gives the full-batch loss up to summation
    # order.
    assert full.history[0].loss == pytest.approx(
        train(MODEL, DATA, steps=1, learning_rate=0.1).history[0].loss, rel=1e-12
    )


@pytest.mark.parametrize(
    ("options", "halves"),
    [
        ({"learning_rate": 0.1}, (50, 50)),
        ({"optimizer": sgd(official_micrograd_learning_rate, momentum=0.9)}, (30, 70)),
        (
            {
                "optimizer": adamw(0.05, weight_decay=1e-3),
                "batch_size": 16,
                "validation": HELD_OUT,
                "snapshot_every": 7,
                "log_every": 3,
            },
            (50, 50),
        ),
    ],
    ids=["sgd", "momentum-schedule", "adamw-batches-validation-snapshots"],
)
def test_fifty_plus_fifty_equals_a_hundred(
    options: dict[str, object], halves: tuple[int, int]
) -> None:
    whole = train(MODEL, DATA, steps=100, **options)  # type: ignore[arg-type]
    first = train(MODEL, DATA, steps=halves[0], **options)  # type: ignore[arg-type]
    validation = HELD_OUT if "validation" in options else None
    second = resume(first, DATA, steps=halves[1], validation=validation)
    assert second == whole
    assert second.final_model == whole.final_model
    assert second.history == whole.history
    assert second.optimizer_state == whole.optimizer_state
    assert second.snapshots == whole.snapshots and second.steps == 100


def test_resume_by_zero_steps_and_in_three_parts() -> None:
    options = {"optimizer": adam(0.05), "batch_size": 10, "log_every": 4}
    whole = train(MODEL, DATA, steps=12, **options)  # type: ignore[arg-type]
    parts = resume(resume(train(MODEL, DATA, steps=5, **options), DATA, steps=0), DATA, steps=4)  # type: ignore[arg-type]
    assert resume(parts, DATA, steps=3) == whole


def test_validation_columns_describe_the_same_model_on_other_points() -> None:
    run = train(MODEL, DATA, steps=4, learning_rate=0.1, validation=HELD_OUT, log_every=2)
    for row, model in zip(
        run.history,
        [MODEL, train(MODEL, DATA, steps=2, learning_rate=0.1).final_model, None],
        strict=True,
    ):
        if model is None:
            continue
        measured = max_margin(model, HELD_OUT.xs, HELD_OUT.ys)
        assert (row.val_loss, row.val_accuracy) == (measured.total_loss.data, measured.accuracy)
    assert all(row.val_loss is not None for row in run.history)
    assert set(run.history[0].to_dict()) >= {"val_loss", "val_accuracy"}
    without = train(MODEL, DATA, steps=2, learning_rate=0.1)
    assert all(row.val_loss is None and row.val_accuracy is None for row in without.history)


def test_snapshots_every_k_steps_and_the_final_model() -> None:
    run = train(MODEL, DATA, steps=10, learning_rate=0.1, snapshot_every=4)
    assert [step for step, _ in run.snapshots] == [0, 4, 8, 10]
    assert run.snapshots[0][1] == MODEL and run.snapshots[-1][1] == run.final_model
    middle = train(MODEL, DATA, steps=4, learning_rate=0.1).final_model
    assert run.snapshots[1][1] == middle
    assert train(MODEL, DATA, steps=3, learning_rate=0.1).snapshots == ()


@pytest.mark.parametrize("loss", [logistic, mse])
def test_other_one_output_losses_train(loss: object) -> None:
    run = train(MODEL, DATA, steps=40, loss=loss, optimizer=adam(0.05), alpha=0.0)  # type: ignore[arg-type]
    assert run.final_loss < run.history[0].loss and run.final_accuracy >= 0.8


def test_a_three_class_network_learns_yin_yang() -> None:
    run, (_, _, test_set) = three_class_run(
        300,
        (0.8, 0.1, 0.1),
        seed=3,
        hidden=8,
        steps=150,
        optimizer=adamw(0.1, weight_decay=1e-4),
        log_every=10,
    )
    last = run.history[-1]
    assert last.val_accuracy is not None and last.val_accuracy > 0.7  # chance is 1/3
    assert run.final_accuracy > 0.75 and run.final_loss < run.history[0].loss
    assert cross_entropy(run.final_model, test_set.xs, test_set.labels).accuracy > 0.6


def test_ctrl_c_keeps_the_run_so_far_and_it_resumes_exactly() -> None:
    def interrupt_at_step_6(row: HistoryRow) -> None:
        if row.step == 6:
            raise KeyboardInterrupt

    options = {"optimizer": adamw(0.05), "batch_size": 8}
    with pytest.raises(TrainingInterrupted) as caught:
        train(MODEL, DATA, steps=20, on_step=interrupt_at_step_6, **options)  # type: ignore[arg-type]
    partial = caught.value.run
    assert isinstance(caught.value, KeyboardInterrupt) and not isinstance(caught.value, Exception)
    assert partial.steps == 6 and [row.step for row in partial.history] == list(range(6))
    whole = train(MODEL, DATA, steps=20, **options)  # type: ignore[arg-type]
    assert partial.final_model == train(MODEL, DATA, steps=6, **options).final_model  # type: ignore[arg-type]
    assert resume(partial, DATA, steps=14) == whole
    assert "after step 6" in str(caught.value) and "resume" in str(caught.value)


def test_a_diverged_run_keeps_its_optimizer_state() -> None:
    from mgfunc.trainer import TrainingDivergedError

    with pytest.raises(TrainingDivergedError) as caught:
        train(MODEL, DATA, steps=30, learning_rate=1e200)
    run = caught.value.run
    assert run.optimizer_state is not None and run.config is not None
    assert run.steps == run.history[-1].step
    assert math.isfinite(run.final_loss)


THREE = yin_yang(30, seed=0)


@refusals(
    [
        (
            lambda: train(MODEL, DATA, optimizer=adam(0.1), learning_rate=0.1),
            InvalidValueError,
            r"pass either optimizer= or learning_rate=, not both",
        ),
        (
            lambda: train(MODEL, DATA, batch_size=0),
            InvalidValueError,
            r"batch_size must be at least 1",
        ),
        (
            lambda: train(MODEL, DATA, batch_size=41),
            InvalidValueError,
            r"batch_size must be at most the dataset's 40 points",
        ),
        (
            lambda: train(MODEL, DATA, batch_size=2.5),  # type: ignore[arg-type]
            InvalidTypeError,
            r"batch_size must be an int",
        ),
        (
            lambda: train(MODEL, DATA, snapshot_every=0),
            InvalidValueError,
            r"snapshot_every \(or None for no snapshots\) must be at least 1",
        ),
        (
            lambda: train(MODEL, DATA, optimizer="adam"),  # type: ignore[arg-type]
            InvalidTypeError,
            r"optimizer must be one of",
        ),
        (lambda: train(MODEL, DATA, loss="mse"), InvalidTypeError, r"loss must be a loss function"),  # type: ignore[arg-type]
        (
            lambda: train(MODEL, DATA, validation=DATA.xs),  # type: ignore[arg-type]
            InvalidTypeError,
            r"validation must be a Dataset",
        ),
        (
            lambda: train(MLP.create(2, [4, 2]), DATA, validation=THREE, loss=cross_entropy),
            InvalidValueError,
            r"labels\[\d+\] must be a class index 0 \.\. 1",
        ),
        (lambda: train(MODEL, THREE), InvalidValueError, r"-1.0 / 1.0 labels \(two classes\)"),
        (
            lambda: train(MLP.create(2, [4, 3]), THREE),
            InvalidValueError,
            r"has 3 classes; train with loss=mgfunc.losses.cross_entropy",
        ),
        (
            lambda: train(MODEL, THREE, loss=cross_entropy),
            InvalidValueError,
            r"one output \(logit\) per class",
        ),
        (lambda: train(MODEL, DATA, seed="x"), InvalidTypeError, r"seed must be an int or a tuple"),  # type: ignore[arg-type]
        (lambda: resume(DATA, DATA, steps=1), InvalidTypeError, r"run must be a TrainingRun"),  # type: ignore[arg-type]
        (
            lambda: resume(TrainingRun(MODEL, (), 1.0, 0.5), DATA, steps=1),
            InvalidValueError,
            r"cannot be resumed",
        ),
        (
            lambda: resume(train(MODEL, DATA, steps=1, validation=HELD_OUT), DATA, steps=1),
            InvalidValueError,
            r"pass the same one as validation=",
        ),
        (
            lambda: resume(train(MODEL, DATA, steps=1), DATA, steps=1, validation=HELD_OUT),
            InvalidValueError,
            r"trained without a validation set",
        ),
        (
            lambda: resume(train(MODEL, DATA, steps=1), DATA, steps=-1),
            InvalidValueError,
            r"steps must be at least 0",
        ),
    ],
)
def test_bad_input_is_refused_before_any_step(refusal: Refusal) -> None:
    refusal.check()


def test_nothing_runs_before_a_bad_argument_is_found() -> None:
    assert_refused_before_any_step(
        lambda schedule: train(MODEL, DATA, steps=5, optimizer=sgd(schedule), batch_size=500),
        lambda schedule: train(
            MODEL, DATA, steps=5, optimizer=sgd(schedule), validation=THREE, loss=cross_entropy
        ),
    )
