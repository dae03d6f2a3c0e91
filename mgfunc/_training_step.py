"""One training step, the pure function :func:`mgfunc.trainer.train` folds.

``step(state, batch) -> state``: a :class:`TrainingState` (the model, the optimizer state, the
history so far) and a :class:`Batch` (what the step sees) give the next state. Everything a
step needs is in its two arguments, so ``reduce(step, batches, state)`` is a whole run;
``mgfunc.trainer`` re-exports these names and adds the checks and the shell around the fold.
"""

from __future__ import annotations

import math

import attrs
from pyrsistent.typing import PVector

from mgfunc._checks import describe
from mgfunc._frozen import immutable
from mgfunc._training_checks import Points, check_alpha, check_loss
from mgfunc._training_records import HistoryRow, Snapshot, _check_optimizer
from mgfunc.backward import backward
from mgfunc.errors import InvalidTypeError, InvalidValueError, MgfuncError
from mgfunc.losses import Loss, LossFunction
from mgfunc.nn import MLP
from mgfunc.optim import Optimizer, OptimizerState

__all__ = ["Batch", "DivergedStopError", "StepRules", "TrainingState", "measure", "step"]


# A model, the history row describing it, and the optimizer state that goes with it.
_Described = tuple[MLP, HistoryRow, OptimizerState]


@immutable()
@attrs.frozen
class StepRules:
    """What every step of a run shares: the loss, its L2 strength, the optimizer, and the
    validation points (or None)."""

    loss: LossFunction = attrs.field(validator=lambda _i, _a, loss: check_loss(loss))
    alpha: float = attrs.field(validator=lambda _i, _a, alpha: check_alpha(alpha))
    optimizer: Optimizer = attrs.field(validator=lambda _i, _a, value: _check_optimizer(value))
    validation: Points | None = attrs.field(validator=lambda _i, _a, held: _check_points(held))


def _check_points(validation: object) -> None:
    if validation is not None and not isinstance(validation, Points):
        raise InvalidTypeError(
            f"validation must be the checked points of mgfunc.trainer.start's rules, or None, "
            f"got {describe(validation)}; make the rules with mgfunc.trainer.start"
        )


@immutable()
@attrs.frozen
class Batch:
    """What one step sees: its 0-based number, its points, and what to keep of it.

    ``whole`` says the points are the whole training set (then the state's ``loss``, measured
    by the step before, is this batch's loss); ``logged`` and ``snapshot`` say whether the
    step's row and its starting model are kept.
    """

    step: int
    points: Points
    whole: bool
    logged: bool
    snapshot: bool
    rules: StepRules


@immutable()
@attrs.frozen
class TrainingState:
    """The fold's accumulator between two steps.

    Args:
        model: the model the next step starts from.
        optimizer_state: the optimizer's state that goes with it.
        history: the rows logged so far.
        snapshots: the ``(step, model)`` pairs kept so far.
        steps: how many steps ``model`` has been trained for.
        loss: ``model``'s loss on the whole training set, measured by the step that made it
            when every step sees the whole set; None with mini-batches.
        previous: the model before the last step, its row and optimizer state (None before
            the first step): where a run ends if ``model`` turns out to have a non-finite loss.
    """

    model: MLP
    optimizer_state: OptimizerState
    history: PVector[HistoryRow]
    snapshots: PVector[Snapshot]
    steps: int
    loss: Loss | None = None
    previous: _Described | None = None


class DivergedStopError(MgfuncError, ArithmeticError):
    """A step met a non-finite loss or parameter: where the run ends, and what was seen.

    :func:`mgfunc.trainer.train` turns it into a ``TrainingDivergedError`` carrying the run;
    a fold of :func:`step` by hand sees it as it is.
    """

    def __init__(self, last_good: _Described, history: PVector[HistoryRow], reason: str) -> None:
        super().__init__(reason)
        self.last_good, self.history, self.reason = last_good, history, reason


def step(state: TrainingState, batch: Batch) -> TrainingState:
    """One gradient step: the pure function :func:`train` folds over the batches.

    Measures ``state.model`` on the batch (the row), differentiates the loss, lets the
    optimizer make the next model, and returns the next state; ``state`` is unchanged.

    Raises:
        InvalidTypeError: ``state`` or ``batch`` is not what the names say.
        LearningRateError: the step's learning rate is zero, negative, not finite or not a
            number.
        MgfuncError: an ``ArithmeticError`` too: the loss at this step, or a parameter after
            it, would not be finite; ``train`` turns it into a ``TrainingDivergedError`` that
            carries the run.

    >>> from functools import reduce
    >>> from mgfunc.datasets import moons
    >>> from mgfunc.nn import MLP
    >>> from mgfunc.trainer import start, train
    >>> model, data = MLP.create(2, [4, 1], seed=0), moons(20, seed=0)
    >>> state, batches = start(model, data, steps=3, learning_rate=0.1)
    >>> final = reduce(step, batches, state)
    >>> final.steps, [row.step for row in final.history]
    (3, [0, 1, 2])
    >>> final.model == train(model, data, steps=3, learning_rate=0.1).final_model
    True
    """
    if not isinstance(state, TrainingState) or not isinstance(batch, Batch):
        raise InvalidTypeError(
            f"step takes a TrainingState and a Batch, got {describe(state)} and "
            f"{describe(batch)}; make them with mgfunc.trainer.start"
        )
    rules, model, before = batch.rules, state.model, state.optimizer_state
    rate = rules.optimizer.learning_rate_at(before.step)
    loss = state.loss if state.loss is not None else measure(rules, model, batch.points)
    row = _row(batch, loss, rate, model)
    if not math.isfinite(row.loss):
        ending = state.previous if state.previous is not None else (model, row, before)
        raise DivergedStopError(ending, state.history, _loss_reason(state, row))
    try:
        updated, after = rules.optimizer.update(model, backward(loss.total_loss), before)
    except InvalidValueError as error:  # a parameter would become NaN or infinite
        raise DivergedStopError((model, row, before), state.history, str(error)) from None
    return TrainingState(
        model=updated,
        optimizer_state=after,
        history=state.history.append(row) if batch.logged else state.history,
        snapshots=state.snapshots.append((batch.step, model))
        if batch.snapshot
        else state.snapshots,
        steps=batch.step + 1,
        loss=measure(rules, updated, batch.points) if batch.whole else None,
        previous=(model, row, before),
    )


def measure(rules: StepRules, model: MLP, points: Points) -> Loss:
    return rules.loss(model, points.xs, points.targets, rules.alpha)


def _row(batch: Batch, loss: Loss, rate: float, model: MLP) -> HistoryRow:
    """The row of ``model`` at this step, measured on the validation points if it is logged."""
    validation = batch.rules.validation
    val_loss = val_accuracy = None
    if batch.logged and validation is not None:
        measured = measure(batch.rules, model, validation)
        val_loss, val_accuracy = measured.total_loss.data, measured.accuracy
    return HistoryRow(
        step=batch.step,
        loss=loss.total_loss.data,
        data_loss=loss.data_loss.data,
        reg_loss=loss.reg_loss.data,
        accuracy=loss.accuracy,
        learning_rate=rate,
        val_loss=val_loss,
        val_accuracy=val_accuracy,
    )


def _loss_reason(state: TrainingState, row: HistoryRow) -> str:
    """What was seen when the loss stopped being finite, and the advice that fits it."""
    seen = f"the loss at step {row.step} is {row.loss!r}"
    if state.previous is None:
        return f"{seen}, before any update: check the model's weights and the data"
    last = state.previous[1]
    first = state.history[0] if state.history else last
    if last.loss > first.loss:
        return (
            f"{seen}; it rose from {first.loss:.4g} at step {first.step} to {last.loss:.4g} at "
            f"step {last.step} at learning rate {last.learning_rate!r}: the steps overshoot, "
            "lower the learning rate"
        )
    before = "" if first is last else f" (from {first.loss:.4g} at step {first.step})"
    return (
        f"{seen}; it was {last.loss:.4g} at step {last.step}{before}, so one update at "
        f"learning rate {last.learning_rate!r} overflowed it: lower the learning rate or "
        "alpha, or scale the data down"
    )
