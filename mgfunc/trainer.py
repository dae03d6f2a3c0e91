"""Training as a fold: ``reduce(step, range(steps), (model, history))``.

Each step computes the loss of the current model, differentiates it, and returns a new model
with one more history row. Nothing is mutated, so the model you pass in is still there after
training, and two runs from the same arguments give identical histories.

>>> from mgfunc.datasets import moons
>>> from mgfunc.nn import MLP
>>> run = train(MLP.create(2, [4, 1], seed=0), moons(20, seed=0), steps=3, learning_rate=0.1)
>>> model, history = run
>>> [row.step for row in history], run.final_model is model
([0, 1, 2], True)
"""

from __future__ import annotations

import gc
import inspect
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import reduce

import attrs
from pyrsistent import pvector
from pyrsistent.typing import PVector

from mgfunc._checks import describe, whole_number
from mgfunc._frozen import immutable
from mgfunc.backward import backward
from mgfunc.datasets import Dataset
from mgfunc.errors import InvalidTypeError, InvalidValueError, TrainingDivergedError
from mgfunc.losses import MaxMarginLoss, max_margin
from mgfunc.nn import MLP, apply_gradients, check_learning_rate

__all__ = ["HistoryRow", "TrainingRun", "official_micrograd_learning_rate", "train"]

Schedule = Callable[[int], float]


def official_micrograd_learning_rate(step: int) -> float:
    """The micrograd demo's schedule: 1.0 at step 0, falling linearly by 0.009 a step.

    >>> official_micrograd_learning_rate(0), official_micrograd_learning_rate(50)
    (1.0, 0.55)
    """
    return 1.0 - 0.9 * whole_number(step, "step", least=0, most=2**53, example="0") / 100


@immutable()
@attrs.frozen
class HistoryRow:
    """The model at the start of one step: its losses, accuracy, and the step's learning rate."""

    step: int
    loss: float
    data_loss: float
    reg_loss: float
    accuracy: float
    learning_rate: float

    def to_dict(self) -> dict[str, int | float]:
        """The row as a plain dict, e.g. for ``pandas.DataFrame``."""
        return attrs.asdict(self)


@immutable()
@attrs.frozen
class TrainingRun:
    """The result of :func:`train`. Unpacks as ``model, history = run``.

    Args:
        final_model: the model after the last step (for the partial run a
            ``TrainingDivergedError`` carries, the last model with a finite loss).
        history: one row per logged step, each describing the model at the start of that step.
        final_loss: the total loss of ``final_model`` on the training data.
        final_accuracy: the accuracy of ``final_model`` on the training data, in [0, 1].
    """

    final_model: MLP
    history: tuple[HistoryRow, ...]
    final_loss: float
    final_accuracy: float

    def __iter__(self) -> Iterator[MLP | tuple[HistoryRow, ...]]:
        # Lets ``model, history = run`` work; read the attributes for precise static types.
        return iter((self.final_model, self.history))


# A model together with the history row describing it (its loss, accuracy, ...).
_Described = tuple[MLP, HistoryRow]
# The fold's accumulator: the current model, the history so far, the current model's loss
# (computed once, at the end of the step that made the model), and the last model with a
# finite loss with its row (None before the first step).
_State = tuple[MLP, PVector[HistoryRow], MaxMarginLoss, _Described | None]


class _DivergedError(Exception):
    """Internal: stops the fold at a non-finite number, carrying the last finite model."""

    def __init__(self, last_good: _Described, history: PVector[HistoryRow], reason: str) -> None:
        super().__init__(reason)
        self.last_good, self.history, self.reason = last_good, history, reason

    def partial_run(self) -> TrainingRun:
        """The run up to the last finite model, whose row always ends the history."""
        model, row = self.last_good
        rows = self.history
        if not rows or rows[-1] is not row:  # the row was not logged (log_every > 1)
            rows = rows.append(row)
        return TrainingRun(model, tuple(rows), row.loss, row.accuracy)


def train(
    model: MLP,
    dataset: Dataset,
    *,
    steps: int = 100,
    alpha: float = 1e-4,
    learning_rate: float | Schedule = official_micrograd_learning_rate,
    log_every: int = 1,
    on_step: Callable[[HistoryRow], None] | None = None,
) -> TrainingRun:
    """Train ``model`` on ``dataset`` by full-batch gradient descent on the max-margin loss.

    Args:
        model: a one-output MLP; it is not changed.
        dataset: the training data (``dataset.xs``, ``dataset.ys``).
        steps: how many gradient steps (0 or more).
        alpha: the L2 regularisation strength.
        learning_rate: a float, or a function of the 0-based step returning one.
        log_every: keep a history row every this many steps (and always the last step).
        on_step: called with each row as it is logged, e.g. to show progress.

    Returns:
        A :class:`TrainingRun`.

    Raises:
        InvalidTypeError, InvalidValueError: a bad argument (before any training), a
            schedule returning something other than a finite number (at that step), or a
            starting model whose loss is already NaN or infinite.
        TrainingDivergedError: the loss or a parameter became NaN or infinite; its ``run``
            holds every row up to the last step with a finite loss, and the model of that
            step as ``final_model``.
    """
    _check_arguments(model, dataset, steps, log_every, learning_rate, on_step)
    xs, ys = dataset.xs, dataset.ys
    # Validates the data against the model before any work, and the starting point itself.
    start_loss = max_margin(model, xs, ys, alpha)
    if not math.isfinite(start_loss.total_loss.data):
        raise InvalidValueError(
            f"the starting model's loss is {start_loss.total_loss.data!r} before any training; "
            "lower alpha or check the model's weights"
        )
    schedule = _schedule(learning_rate)

    def step(state: _State, k: int) -> _State:
        current, history, loss, previous = state
        rate = check_learning_rate(schedule(k), f"learning_rate({k})")
        row = HistoryRow(
            step=k,
            loss=loss.total_loss.data,
            data_loss=loss.data_loss.data,
            reg_loss=loss.reg_loss.data,
            accuracy=loss.accuracy,
            learning_rate=rate,
        )
        if not math.isfinite(row.loss):
            # The starting loss was checked, so a non-finite loss has a finite predecessor.
            assert previous is not None
            raise _DivergedError(previous, history, f"the loss at step {k} is {row.loss!r}")
        try:
            updated = apply_gradients(current, backward(loss.total_loss), rate)
        except InvalidValueError as error:  # a parameter would become NaN or infinite
            raise _DivergedError((current, row), history, str(error)) from None
        if k % log_every == 0 or k == steps - 1:
            history = history.append(row)
            if on_step is not None:
                on_step(row)
        return updated, history, max_margin(updated, xs, ys, alpha), (current, row)

    start: _State = (model, pvector(), start_loss, None)
    try:
        with _cyclic_gc_paused():
            final_model, history, final, previous = reduce(step, range(steps), start)
        if not math.isfinite(final.total_loss.data):
            assert previous is not None  # as above: the starting loss is finite
            raise _DivergedError(
                previous, history, f"the loss after the last step is {final.total_loss.data!r}"
            )
    except _DivergedError as stop:
        partial = stop.partial_run()
        raise TrainingDivergedError(
            f"training diverged: {stop.reason}. error.run holds the run up to step "
            f"{partial.history[-1].step}, the last with a finite loss, and its model as "
            "final_model; lower the learning rate or alpha",
            partial,
        ) from None
    return TrainingRun(final_model, tuple(history), final.total_loss.data, final.accuracy)


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause CPython's cyclic garbage collector while training, and restore it afterwards.

    mgfunc's graphs are acyclic (a node refers only to its inputs), so reference counting frees
    every step's graph the moment the step ends; the cyclic collector would only spend time
    scanning the tens of thousands of young objects a step creates. Pausing it makes a step
    faster (see the benchmark's mgfunc-gc-paused variant) without letting memory grow. If the
    collector was already off, it is left off; it is always switched back on when it was on.
    The collector's switch is process-wide: a ``gc.disable()`` another thread makes while
    training runs is undone when training ends.
    """
    was_enabled = gc.isenabled()
    if was_enabled:
        gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _schedule(learning_rate: float | Schedule) -> Schedule:
    if callable(learning_rate):
        return learning_rate
    rate = check_learning_rate(learning_rate)
    return lambda _step: rate


def _check_schedule(schedule: Callable[..., object]) -> None:
    try:
        signature = inspect.signature(schedule)
    except (TypeError, ValueError):  # some builtins do not say; calling them will tell
        return
    try:
        signature.bind(0)
    except TypeError:
        raise InvalidTypeError(
            f"learning_rate must be a float or a function of the 0-based step, got a function "
            f"taking {signature}; pass for example 0.05 or lambda step: 1.0 - 0.009 * step"
        ) from None


def _check_arguments(
    model: object,
    dataset: object,
    steps: object,
    log_every: object,
    learning_rate: object,
    on_step: object,
) -> None:
    if not isinstance(model, MLP):
        raise InvalidTypeError(f"model must be an MLP, got {type(model).__name__}")
    if not isinstance(dataset, Dataset):
        raise InvalidTypeError(
            f"dataset must be a Dataset, got {type(dataset).__name__}; "
            "make one with mgfunc.datasets.moons(100)"
        )
    whole_number(steps, "steps", least=0)
    whole_number(log_every, "log_every", least=1, example="10")
    if callable(learning_rate):
        _check_schedule(learning_rate)
    else:
        check_learning_rate(learning_rate)
    if on_step is not None and not callable(on_step):
        raise InvalidTypeError(
            f"on_step must be None or a function of a HistoryRow, got {describe(on_step)}; "
            "pass for example print"
        )
