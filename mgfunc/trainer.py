"""Training as a fold: ``reduce(step, range(steps), (model, optimizer state, history, ...))``.

Each step computes the loss of the current model (on the whole dataset, or on a seeded
mini-batch), differentiates it, and returns a new model, a new optimizer state and one more
history row. Nothing is mutated, so the model you pass in is still there after training, two
runs from the same arguments give identical histories, and :func:`resume` continues a run
exactly where it stopped.

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
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import reduce

import attrs
from pyrsistent import pvector
from pyrsistent.typing import PVector

from mgfunc._checks import describe, real_number, whole_number
from mgfunc._frozen import immutable
from mgfunc._random import Seed, check_seed, make_rng
from mgfunc.backward import backward
from mgfunc.datasets import OFFICIAL_SEED, Dataset
from mgfunc.errors import (
    InvalidTypeError,
    InvalidValueError,
    TrainingDivergedError,
    TrainingInterrupted,
)
from mgfunc.losses import Loss, LossFunction, cross_entropy, logistic, max_margin, mse
from mgfunc.nn import MLP
from mgfunc.optim import SGD, Adam, Optimizer, OptimizerState, Schedule, sgd

__all__ = [
    "HistoryRow",
    "Snapshot",
    "TrainingConfig",
    "TrainingRun",
    "official_micrograd_learning_rate",
    "resume",
    "train",
]


def official_micrograd_learning_rate(step: int) -> float:
    """The micrograd demo's schedule: 1.0 at step 0, falling linearly by 0.009 a step.

    >>> official_micrograd_learning_rate(0), official_micrograd_learning_rate(50)
    (1.0, 0.55)
    """
    return 1.0 - 0.9 * whole_number(step, "step", least=0, most=2**53, example="0") / 100


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

    loss: LossFunction
    optimizer: Optimizer
    alpha: float
    batch_size: int | None
    seed: Seed
    log_every: int
    snapshot_every: int | None
    validation: bool


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


# A model, the history row describing it, and the optimizer state that goes with it.
_Described = tuple[MLP, HistoryRow, OptimizerState]


@immutable()
@attrs.frozen
class _State:
    """The fold's accumulator, one per step boundary.

    ``loss`` is the current model's loss on the whole dataset when training full-batch
    (computed once, at the end of the step that made the model), None with mini-batches.
    ``last_good`` is the last model with a finite loss (None before the first step).
    """

    model: MLP
    optimizer_state: OptimizerState
    history: PVector[HistoryRow]
    snapshots: PVector[Snapshot]
    loss: Loss | None
    last_good: _Described | None
    steps: int


class _DivergedError(Exception):
    """Internal: stops the fold at a non-finite number, carrying the last finite model."""

    def __init__(self, last_good: _Described, history: PVector[HistoryRow], reason: str) -> None:
        super().__init__(reason)
        self.last_good, self.history, self.reason = last_good, history, reason


@immutable()
@attrs.frozen
class _Data:
    """A dataset's inputs and the targets the loss takes, checked once."""

    xs: tuple[tuple[float, float], ...]
    targets: tuple[float, ...]


def train(
    model: MLP,
    dataset: Dataset,
    *,
    steps: int = 100,
    loss: LossFunction = max_margin,
    optimizer: Optimizer | None = None,
    learning_rate: float | Schedule = official_micrograd_learning_rate,
    alpha: float = 1e-4,
    batch_size: int | None = None,
    seed: Seed = OFFICIAL_SEED,
    validation: Dataset | None = None,
    log_every: int = 1,
    on_step: Callable[[HistoryRow], None] | None = None,
    snapshot_every: int | None = None,
) -> TrainingRun:
    """Train ``model`` on ``dataset`` by gradient descent; the defaults are micrograd's demo.

    Args:
        model: an MLP whose outputs fit the loss (one score, or one logit per class); it is
            not changed.
        dataset: the training data. The loss gets ``dataset.labels`` (class indices) for
            :func:`~mgfunc.losses.cross_entropy`, ``dataset.ys`` (-1.0 / 1.0) for the other
            built-in losses; a loss of your own gets ``labels`` when the model has several
            outputs or the dataset more than two classes, ``ys`` otherwise.
        steps: how many gradient steps (0 or more).
        loss: :func:`~mgfunc.losses.max_margin` (the default), ``logistic``, ``cross_entropy``,
            ``mse``, or a function of the same shape.
        optimizer: an optimizer from :mod:`mgfunc.optim`; None means
            ``sgd(learning_rate)``, micrograd's update.
        learning_rate: a float, or a function of the 0-based step returning one; only without
            ``optimizer`` (an optimizer carries its own).
        alpha: the L2 regularisation strength.
        batch_size: train each step on this many points drawn without replacement by a
            generator seeded with ``seed`` and the step (None: the whole dataset).
        seed: an int or a tuple of ints for the mini-batch sampling.
        validation: a Dataset to measure every logged row on (``val_loss``,
            ``val_accuracy``).
        log_every: keep a history row every this many steps (and always the last step).
        on_step: called with each row as it is logged, e.g. to show progress.
        snapshot_every: keep ``(step, model)`` in ``run.snapshots`` every this many steps
            and at the end (for animations and replays); None keeps none.

    Returns:
        A :class:`TrainingRun`; :func:`resume` continues it.

    Raises:
        InvalidTypeError, InvalidValueError: a bad argument (before any training), a
            schedule returning something other than a finite number (at that step), or a
            starting model whose loss is already NaN or infinite.
        TrainingDivergedError: the loss or a parameter became NaN or infinite; its ``run``
            holds every row up to the last step with a finite loss, and the model of that
            step as ``final_model``.
        TrainingInterrupted: Ctrl-C (KeyboardInterrupt) during training; its ``run`` holds
            every step completed before it, and can be resumed.
    """
    chosen = _check_optimizer(optimizer, learning_rate)
    config = TrainingConfig(
        loss=_check_loss(loss),
        optimizer=chosen,
        alpha=_check_alpha(alpha),
        batch_size=_check_batch_size(batch_size, dataset),
        seed=check_seed(seed),
        log_every=whole_number(log_every, "log_every", least=1, example="10"),
        snapshot_every=_check_snapshot_every(snapshot_every),
        validation=validation is not None,
    )
    if not isinstance(model, MLP):
        raise InvalidTypeError(f"model must be an MLP, got {type(model).__name__}")
    start = chosen.init(model)
    return _run(model, start, dataset, validation, config, 0, steps, on_step, None)


def resume(
    run: TrainingRun,
    dataset: Dataset,
    *,
    steps: int,
    validation: Dataset | None = None,
    on_step: Callable[[HistoryRow], None] | None = None,
) -> TrainingRun:
    """Continue ``run`` for ``steps`` more steps, exactly as if it had never stopped.

    Training 50 steps and resuming for 50 more gives the same model, history, optimizer state
    and snapshots as training 100 steps at once: the schedule continues from the run's step,
    and each step's mini-batch depends only on the seed and the step number.

    Args:
        run: a run returned by :func:`train` or :func:`resume`, or loaded with
            :func:`mgfunc.io.load_run`, or the ``run`` of a :class:`TrainingInterrupted`.
        dataset: the same training data as before.
        steps: how many more steps (0 or more).
        validation: the same validation set, if the run had one (required then).
        on_step: called with each new row as it is logged.

    Returns:
        A new :class:`TrainingRun` covering all the steps; ``run`` is unchanged.

    Raises:
        InvalidTypeError, InvalidValueError: a bad argument, a run without the state needed to
            continue (one built by hand), or a validation set missing or given against the
            run's.
        TrainingDivergedError, TrainingInterrupted: as :func:`train`.

    >>> from mgfunc.datasets import moons
    >>> from mgfunc.nn import MLP
    >>> data, model = moons(20, seed=0), MLP.create(2, [4, 1], seed=0)
    >>> half = train(model, data, steps=2, learning_rate=0.1)
    >>> resume(half, data, steps=2) == train(model, data, steps=4, learning_rate=0.1)
    True
    """
    if not isinstance(run, TrainingRun):
        raise InvalidTypeError(
            f"run must be a TrainingRun, got {describe(run)}; pass what train returned"
        )
    if run.config is None or run.optimizer_state is None:
        raise InvalidValueError(
            "run cannot be resumed: it has no training configuration or optimizer state (it "
            "was built by hand); train again with mgfunc.trainer.train"
        )
    if run.config.validation and validation is None:
        raise InvalidValueError(
            "run was trained with a validation set; pass the same one as validation=..."
        )
    if not run.config.validation and validation is not None:
        raise InvalidValueError(
            "run was trained without a validation set, so its history has no validation "
            "columns; resume without validation=..., or train a new run with it"
        )
    _check_batch_size(run.config.batch_size, dataset)
    return _run(
        run.final_model,
        run.optimizer_state,
        dataset,
        validation,
        run.config,
        run.steps,
        steps,
        on_step,
        run,
    )


def _run(
    model: MLP,
    optimizer_state: OptimizerState,
    dataset: Dataset,
    validation: Dataset | None,
    config: TrainingConfig,
    first_step: int,
    steps: int,
    on_step: Callable[[HistoryRow], None] | None,
    prior: TrainingRun | None,
) -> TrainingRun:
    """The fold behind :func:`train` and :func:`resume`: steps ``first_step`` onwards."""
    count = whole_number(steps, "steps", least=0)
    if on_step is not None and not callable(on_step):
        raise InvalidTypeError(
            f"on_step must be None or a function of a HistoryRow, got {describe(on_step)}; "
            "pass for example print"
        )
    if not isinstance(model, MLP):
        raise InvalidTypeError(f"model must be an MLP, got {type(model).__name__}")
    data = _data(config.loss, model, dataset, "dataset")
    checked = None if validation is None else _data(config.loss, model, validation, "validation")
    loss_fn, alpha, batch_size = config.loss, config.alpha, config.batch_size
    # Validates the data against the model before any work, and the starting point itself.
    start_loss = loss_fn(model, data.xs, data.targets, alpha)
    if not math.isfinite(start_loss.total_loss.data):
        raise InvalidValueError(
            f"the starting model's loss is {start_loss.total_loss.data!r} before any training; "
            "lower alpha or check the model's weights"
        )
    if checked is not None:
        loss_fn(model, checked.xs, checked.targets, alpha)  # the validation set fits the model
    optimizer, end = config.optimizer, first_step + count
    log_every, snapshot_every = config.log_every, config.snapshot_every

    def measure(current: MLP, k: int) -> Loss:
        if batch_size is None:
            return loss_fn(current, data.xs, data.targets, alpha)
        picked = _batch(config.seed, k, len(data.xs), batch_size)
        xs = [data.xs[i] for i in picked]
        return loss_fn(current, xs, [data.targets[i] for i in picked], alpha)

    def measure_all(current: MLP) -> Loss:
        return loss_fn(current, data.xs, data.targets, alpha)

    def step(state: _State, k: int) -> _State:
        current, history = state.model, state.history
        rate = optimizer.learning_rate_at(state.optimizer_state.step)
        loss = state.loss if state.loss is not None else measure(current, k)
        logged = k % log_every == 0 or k == end - 1
        val_loss = val_accuracy = None
        if logged and checked is not None:
            measured = loss_fn(current, checked.xs, checked.targets, alpha)
            val_loss, val_accuracy = measured.total_loss.data, measured.accuracy
        row = HistoryRow(
            step=k,
            loss=loss.total_loss.data,
            data_loss=loss.data_loss.data,
            reg_loss=loss.reg_loss.data,
            accuracy=loss.accuracy,
            learning_rate=rate,
            val_loss=val_loss,
            val_accuracy=val_accuracy,
        )
        if not math.isfinite(row.loss):
            if state.last_good is None:  # a mini-batch of the very first step
                raise _DivergedError(
                    (current, row, state.optimizer_state),
                    history,
                    f"the loss at step {k} is {row.loss!r}",
                )
            raise _DivergedError(state.last_good, history, f"the loss at step {k} is {row.loss!r}")
        try:
            updated, next_state = optimizer.update(
                current, backward(loss.total_loss), state.optimizer_state
            )
        except InvalidValueError as error:  # a parameter would become NaN or infinite
            raise _DivergedError(
                (current, row, state.optimizer_state), history, str(error)
            ) from None
        snapshots = state.snapshots
        if snapshot_every is not None and k % snapshot_every == 0:
            snapshots = snapshots.append((k, current))
        if logged:
            history = history.append(row)
            if on_step is not None:
                on_step(row)
        following = _State(
            model=updated,
            optimizer_state=next_state,
            history=history,
            snapshots=snapshots,
            loss=measure(updated, k + 1) if batch_size is None else None,
            last_good=(current, row, state.optimizer_state),
            steps=k + 1,
        )
        latest[0] = following
        return following

    begin = _State(
        model=model,
        optimizer_state=optimizer_state,
        history=pvector(_kept_rows(prior, log_every)),
        snapshots=pvector(() if prior is None else _kept_snapshots(prior)),
        loss=start_loss if batch_size is None else None,
        last_good=None,
        steps=first_step,
    )
    # The last completed step, kept only so that Ctrl-C can hand back the work done so far.
    latest = [begin]
    try:
        with _cyclic_gc_paused():
            final = reduce(step, range(first_step, end), begin)
        final_loss = final.loss if final.loss is not None else measure_all(final.model)
        if not math.isfinite(final_loss.total_loss.data):
            previous = final.last_good
            if previous is None:
                raise InvalidValueError("the starting model's loss is not finite")
            raise _DivergedError(
                previous,
                final.history,
                f"the loss after the last step is {final_loss.total_loss.data!r}",
            )
    except _DivergedError as stop:
        partial = _partial_run(stop, data, config)
        raise TrainingDivergedError(
            f"training diverged: {stop.reason}. error.run holds the run up to step "
            f"{partial.history[-1].step}, the last with a finite loss, and its model as "
            "final_model; lower the learning rate or alpha",
            partial,
        ) from None
    except KeyboardInterrupt:
        done = latest[0]
        raise TrainingInterrupted(
            f"training interrupted after step {done.steps}; error.run holds the run so far "
            "(resume it with mgfunc.trainer.resume)",
            _finish(done, measure_all(done.model), config),
        ) from None
    return _finish(final, final_loss, config)


def _finish(state: _State, loss: Loss, config: TrainingConfig) -> TrainingRun:
    snapshots = state.snapshots
    if config.snapshot_every is not None:
        snapshots = snapshots.append((state.steps, state.model))
    return TrainingRun(
        final_model=state.model,
        history=tuple(state.history),
        final_loss=loss.total_loss.data,
        final_accuracy=loss.accuracy,
        optimizer_state=state.optimizer_state,
        snapshots=tuple(snapshots),
        config=config,
        steps=state.steps,
    )


def _partial_run(stop: _DivergedError, data: _Data, config: TrainingConfig) -> TrainingRun:
    """The run up to the last finite model, whose row always ends the history."""
    model, row, optimizer_state = stop.last_good
    rows = stop.history
    if not rows or rows[-1] is not row:  # the row was not logged (log_every > 1)
        rows = rows.append(row)
    loss = config.loss(model, data.xs, data.targets, config.alpha)
    return TrainingRun(
        model,
        tuple(rows),
        loss.total_loss.data,
        loss.accuracy,
        optimizer_state=optimizer_state,
        config=config,
        steps=row.step,
    )


def _kept_rows(prior: TrainingRun | None, log_every: int) -> tuple[HistoryRow, ...]:
    """A resumed run's rows, less those the resumed fold logs again or would not log.

    That is a last row logged only because it was the last step, and the row of a diverged
    run's final model (which describes the step the resumed fold starts with).
    """
    if prior is None:
        return ()
    return tuple(
        row for row in prior.history if row.step < prior.steps and row.step % log_every == 0
    )


def _kept_snapshots(prior: TrainingRun) -> tuple[Snapshot, ...]:
    """A resumed run's snapshots, less the final one (the resumed fold takes it again)."""
    return tuple(snapshot for snapshot in prior.snapshots if snapshot[0] < prior.steps)


def _batch(seed: Seed, step: int, size: int, batch_size: int) -> list[int]:
    """The indices of step ``step``'s mini-batch: ``batch_size`` distinct points.

    Each step's generator is seeded with the seed and the step number, so a batch never depends
    on the steps before it (which is what makes :func:`resume` exact).
    """
    return make_rng(seed, f"mgfunc.trainer.batch:{step}").sample(range(size), batch_size)


def _data(loss: LossFunction, model: MLP, dataset: object, argument: str) -> _Data:
    if not isinstance(dataset, Dataset):
        raise InvalidTypeError(
            f"{argument} must be a Dataset, got {type(dataset).__name__}; "
            "make one with mgfunc.datasets.moons(100)"
        )
    if loss in _SIGNED_LOSSES:
        if dataset.classes > 2:
            raise InvalidValueError(
                f"the loss takes -1.0 / 1.0 labels (two classes), but {argument} has "
                f"{dataset.classes} classes; train with loss=mgfunc.losses.cross_entropy and a "
                f"model with one output per class, e.g. MLP.create(2, [16, {dataset.classes}])"
            )
        targets: Sequence[float] = dataset.ys
    elif loss is cross_entropy or model.nout > 1 or dataset.classes > 2:
        targets = dataset.labels
    else:
        targets = dataset.ys
    return _Data(dataset.xs, tuple(targets))


# The built-in losses that take -1.0 / 1.0 labels (mse takes them as targets).
_SIGNED_LOSSES = (max_margin, logistic, mse)


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


def _check_optimizer(optimizer: object, learning_rate: object) -> Optimizer:
    if optimizer is None:
        if callable(learning_rate):
            _check_schedule(learning_rate)
        return sgd(learning_rate)  # type: ignore[arg-type]  # checked by sgd
    if not isinstance(optimizer, (SGD, Adam)):
        raise InvalidTypeError(
            f"optimizer must be one of mgfunc.optim's (sgd, adam, adamw) or None, got "
            f"{describe(optimizer)}; pass for example mgfunc.optim.adamw(0.1)"
        )
    if learning_rate is not official_micrograd_learning_rate:
        raise InvalidValueError(
            "pass either optimizer= or learning_rate=, not both: the optimizer carries its "
            "own learning rate; write e.g. optimizer=mgfunc.optim.adamw(learning_rate=0.1)"
        )
    return optimizer


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


def _check_loss(loss: object) -> LossFunction:
    if not callable(loss):
        raise InvalidTypeError(
            f"loss must be a loss function such as mgfunc.losses.cross_entropy, got "
            f"{describe(loss)}"
        )
    return loss  # its shape is checked when it is first called, before any step


def _check_alpha(alpha: object) -> float:
    strength = real_number(alpha, "alpha", example="1e-4")
    if strength < 0.0:
        raise InvalidValueError(f"alpha must be at least 0, got {alpha!r}; pass e.g. 1e-4")
    return strength


def _check_batch_size(batch_size: object, dataset: object) -> int | None:
    if batch_size is None:
        return None
    size = whole_number(batch_size, "batch_size", least=1, example="32")
    if isinstance(dataset, Dataset) and size > len(dataset):
        raise InvalidValueError(
            f"batch_size must be at most the dataset's {len(dataset)} points, got {size}; "
            "pass a smaller batch_size, or None to train on every point each step"
        )
    return size


def _check_snapshot_every(snapshot_every: object) -> int | None:
    if snapshot_every is None:
        return None
    return whole_number(
        snapshot_every, "snapshot_every (or None for no snapshots)", least=1, example="10"
    )
