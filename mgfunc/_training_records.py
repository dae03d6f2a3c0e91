"""The records a run is made of, and the errors that carry one.

:class:`HistoryRow` (one logged step), :class:`TrainingConfig` (how the run was made) and
:class:`TrainingRun` (what :func:`mgfunc.trainer.train` returns), frozen; and the subclasses of
:mod:`mgfunc.errors`' training errors whose ``run`` is typed as a :class:`TrainingRun`.
``mgfunc.trainer`` re-exports every name here; import them from there.
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs

from mgfunc import errors
from mgfunc._checks import describe, whole_number
from mgfunc._frozen import immutable
from mgfunc._random import Seed, check_seed
from mgfunc._training_checks import check_alpha, check_loss, check_snapshot_every
from mgfunc.errors import InvalidTypeError
from mgfunc.losses import LossFunction
from mgfunc.nn import MLP
from mgfunc.optim import SGD, Adam, Optimizer, OptimizerState

__all__ = [
    "HistoryRow",
    "LearningRateError",
    "Snapshot",
    "TrainingConfig",
    "TrainingDivergedError",
    "TrainingInterrupted",
    "TrainingRun",
]


@immutable()
@attrs.frozen
class HistoryRow:
    """The model at the start of one step: its losses, accuracy, and the step's learning rate.

    ``loss``, ``data_loss``, ``reg_loss`` and ``accuracy`` are measured on the data the step
    trains on (the whole dataset, or the step's mini-batch). With a validation set,
    ``val_loss`` (the same loss's total on it) and ``val_accuracy`` describe the same model on
    the validation points; without one they are None.
    """

    step: int
    loss: float
    data_loss: float
    reg_loss: float
    accuracy: float
    learning_rate: float
    val_loss: float | None = None
    val_accuracy: float | None = None

    def to_dict(self) -> dict[str, int | float]:
        """The row as a plain dict, e.g. for ``pandas.DataFrame``.

        The validation columns are left out when the run had no validation set, so a run
        without one gives the six columns of the training measurements only.
        """
        return {key: value for key, value in attrs.asdict(self).items() if value is not None}


Snapshot = tuple[int, MLP]
"""``(step, model)``: the model at the start of that step (``run.snapshots``)."""


def _check_optimizer(optimizer: object) -> None:
    if not isinstance(optimizer, (SGD, Adam)):
        raise InvalidTypeError(
            f"optimizer must be an optimizer of mgfunc.optim, got {describe(optimizer)}; pass "
            "for example mgfunc.optim.adam(0.01)"
        )


def _check_size(batch_size: object) -> None:
    if batch_size is not None:
        whole_number(batch_size, "batch_size (or None for every point)", least=1, example="32")


def _check_every(log_every: object) -> None:
    whole_number(log_every, "log_every", least=1, example="10")


def _check_flag(validation: object) -> None:
    if not isinstance(validation, bool):
        raise InvalidTypeError(
            f"validation must be True or False (whether the run measures a validation set), "
            f"got {describe(validation)}"
        )


@immutable()
@attrs.frozen
class TrainingConfig:
    """How a run was made, everything :func:`resume` needs to continue it exactly.

    Args:
        loss: the loss function.
        optimizer: the optimizer (its learning rate or schedule included).
        alpha: the L2 regularisation strength.
        batch_size: points per step, or None for the whole dataset.
        seed: the seed of the mini-batch sampling.
        log_every: a history row every this many steps.
        snapshot_every: a snapshot every this many steps, or None.
        validation: whether the run measures a validation set.
    """

    loss: LossFunction = attrs.field(validator=lambda _i, _a, loss: check_loss(loss))
    optimizer: Optimizer = attrs.field(validator=lambda _i, _a, value: _check_optimizer(value))
    alpha: float = attrs.field(validator=lambda _i, _a, alpha: check_alpha(alpha))
    batch_size: int | None = attrs.field(validator=lambda _i, _a, size: _check_size(size))
    seed: Seed = attrs.field(validator=lambda _i, _a, seed: check_seed(seed))
    log_every: int = attrs.field(validator=lambda _i, _a, every: _check_every(every))
    snapshot_every: int | None = attrs.field(
        validator=lambda _i, _a, every: check_snapshot_every(every)
    )
    validation: bool = attrs.field(validator=lambda _i, _a, flag: _check_flag(flag))


@immutable()
@attrs.frozen
class TrainingRun:
    """The result of :func:`train`. Unpacks as ``model, history = run``.

    Args:
        final_model: the model after the last step (for the partial run a
            ``TrainingDivergedError`` carries, the last model with a finite loss).
        history: one row per logged step, each describing the model at the start of that step.
        final_loss: the total loss of ``final_model`` on the whole training dataset.
        final_accuracy: the accuracy of ``final_model`` on the whole training dataset.
        optimizer_state: the optimizer's state after the last step (moments, step count).
        snapshots: ``(step, model)`` pairs, every ``snapshot_every`` steps and at the end.
        config: how the run was made, for :func:`resume`.
        steps: how many steps ``final_model`` has been trained for.
    """

    final_model: MLP
    history: tuple[HistoryRow, ...]
    final_loss: float
    final_accuracy: float
    optimizer_state: OptimizerState | None = None
    snapshots: tuple[Snapshot, ...] = ()
    config: TrainingConfig | None = None
    steps: int = 0

    def __iter__(self) -> Iterator[MLP | tuple[HistoryRow, ...]]:
        # Lets ``model, history = run`` work; read the attributes for precise static types.
        return iter((self.final_model, self.history))


class _CarriesTrainingRun(BaseException):
    """What the three errors below add to those of :mod:`mgfunc.errors`: ``run`` typed as the
    :class:`TrainingRun` that ``train`` attaches (there it is the protocol ``RunSoFar``, since
    that module knows nothing of the trainer). Each error's description says which steps it
    holds."""

    def __init__(self, message: str, run: TrainingRun) -> None:
        super().__init__(message, run)
        self._training_run = run

    @property
    def run(self) -> TrainingRun:
        """The run so far, as the error's description says."""
        return self._training_run


class TrainingDivergedError(_CarriesTrainingRun, errors.TrainingDivergedError):
    """:class:`mgfunc.errors.TrainingDivergedError` as ``train`` raises it: ``run`` is a
    :class:`TrainingRun` up to the last step with a finite loss.

    Catching ``mgfunc.errors.TrainingDivergedError`` catches it too; catch this class (also
    ``mgfunc.TrainingDivergedError``) for ``error.run`` typed as a ``TrainingRun``.
    """


class TrainingInterrupted(_CarriesTrainingRun, errors.TrainingInterrupted):
    """:class:`mgfunc.errors.TrainingInterrupted` as ``train`` raises it: ``run`` is a
    :class:`TrainingRun` of every step completed before the interrupt, which :func:`resume`
    continues (also ``mgfunc.TrainingInterrupted``)."""


class LearningRateError(_CarriesTrainingRun, errors.LearningRateError):
    """:class:`mgfunc.errors.LearningRateError` as ``train`` raises it: ``run`` is the
    :class:`TrainingRun` of every step completed before the step with the bad rate."""


# A model, the history row describing it, and the optimizer state that goes with it.
