"""Training as a fold: ``reduce(step, batches, state)``.

:func:`step` is one pure gradient step: from a :class:`TrainingState` (the model, the
optimizer state, the history so far) and a :class:`Batch` (the step's number and points) it
computes the loss, differentiates it, and returns the next state. :func:`train` checks its
arguments, makes the first state and one batch per step (:func:`start`), and folds ``step``
over them with ``functools.reduce``. Nothing is mutated, so the model you pass in is still
there after training, two runs from the same arguments give identical histories, and
:func:`resume` continues a run exactly where it stopped.

>>> from mgfunc.datasets import moons
>>> from mgfunc.nn import MLP
>>> run = train(MLP.create(2, [4, 1], seed=0), moons(20, seed=0), steps=3, learning_rate=0.1)
>>> model, history = run
>>> [row.step for row in history], run.final_model is model
([0, 1, 2], True)
"""

from __future__ import annotations

import gc
import math
from collections.abc import Callable, Iterator
from functools import reduce

import attrs
from pyrsistent import pvector

from mgfunc import errors
from mgfunc._checks import describe, whole_number
from mgfunc._frozen import immutable
from mgfunc._random import Seed, check_seed, make_rng
from mgfunc._training_checks import (
    Points,
    check_alpha,
    check_batch_size,
    check_loss,
    check_model,
    check_on_step,
    check_optimizer,
    check_snapshot_every,
    points,
)
from mgfunc._training_records import (
    HistoryRow,
    LearningRateError,
    Snapshot,
    TrainingConfig,
    TrainingDivergedError,
    TrainingInterrupted,
    TrainingRun,
)
from mgfunc._training_step import (
    Batch,
    DivergedStopError,
    StepRules,
    TrainingState,
    measure,
    step,
)
from mgfunc.datasets import OFFICIAL_SEED, Dataset
from mgfunc.errors import InvalidTypeError, InvalidValueError
from mgfunc.losses import Loss, LossFunction, max_margin
from mgfunc.nn import MLP
from mgfunc.optim import Optimizer, OptimizerState, Schedule

__all__ = [
    "Batch",
    "HistoryRow",
    "LearningRateError",
    "Snapshot",
    "StepRules",
    "TrainingConfig",
    "TrainingDivergedError",
    "TrainingInterrupted",
    "TrainingRun",
    "TrainingState",
    "official_micrograd_learning_rate",
    "resume",
    "start",
    "step",
    "train",
]

_HELD_FROM = 99  # the last step of micrograd's 100-step demo


def official_micrograd_learning_rate(step: int) -> float:
    """The micrograd demo's schedule: 1.0 at step 0, falling by 0.009 a step, then held.

    Steps 0 to 99 (the demo's 100 steps) follow micrograd exactly, ``1.0 - 0.9 * step / 100``;
    from step 100 on the rate stays at step 99's, 0.109, instead of falling on to 0 at step
    111 and below it after (where a step would climb the loss instead of descending it).

    Args:
        step: the 0-based step.

    Returns:
        The learning rate of that step, always positive.

    >>> official_micrograd_learning_rate(0), official_micrograd_learning_rate(50)
    (1.0, 0.55)
    >>> official_micrograd_learning_rate(99) == official_micrograd_learning_rate(5000)
    True
    >>> round(official_micrograd_learning_rate(300), 6)
    0.109
    """
    k = whole_number(step, "step", least=0, most=2**53, example="0")
    return 1.0 - 0.9 * min(k, _HELD_FROM) / 100


def start(
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
    snapshot_every: int | None = None,
) -> tuple[TrainingState, Iterator[Batch]]:
    """The state before the first step and the batches of ``steps`` steps, as :func:`train`
    folds them: ``reduce(step, batches, state)``.

    Takes :func:`train`'s arguments (except ``on_step``) and checks them the same way,
    before any step. Folding the batches by hand is the run ``train`` returns, without its
    shell (``on_step``, the paused collector, and the errors that keep the run so far).

    Returns:
        The starting :class:`TrainingState` and an iterator of one :class:`Batch` per step.

    Raises:
        InvalidTypeError, InvalidValueError, LearningRateError: as :func:`train`, for a bad
            argument.

    >>> from functools import reduce
    >>> from mgfunc.datasets import moons
    >>> from mgfunc.nn import MLP
    >>> state, batches = start(MLP.create(2, [4, 1], seed=0), moons(20, seed=0), steps=2)
    >>> [batch.step for batch in batches], state.steps
    ([0, 1], 0)
    """
    config = _config(
        model,
        dataset,
        loss,
        optimizer,
        learning_rate,
        alpha,
        batch_size,
        seed,
        validation,
        log_every,
        snapshot_every,
    )
    plan = _plan(model, config.optimizer.init(model), dataset, validation, config, 0, steps, None)
    return plan.begin, _batches(plan)


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
        learning_rate: a positive float, or a function of the 0-based step returning one
            (checked at each step); only without ``optimizer`` (an optimizer carries its own).
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
        InvalidTypeError, InvalidValueError: a bad argument (before any training), or a
            starting model whose loss is already NaN or infinite.
        LearningRateError: a learning rate that is zero, negative, NaN, infinite or not a
            number: a constant one before any training, a schedule's at the step it returns
            it; then its ``run`` holds every step completed before that one.
        TrainingDivergedError: the loss, a gradient or a parameter became NaN or infinite;
            its ``run`` holds every row up to the last step with a finite loss, and the model
            of that step as ``final_model``; the message says what was seen and what to try.
        TrainingInterrupted: Ctrl-C (KeyboardInterrupt) during training; its ``run`` holds
            every step completed before it, and can be resumed.

    The cyclic garbage collector is paused for the library's work (the graphs are acyclic,
    so nothing leaks) and ``on_step`` runs with it as you left it.
    """
    config = _config(
        model,
        dataset,
        loss,
        optimizer,
        learning_rate,
        alpha,
        batch_size,
        seed,
        validation,
        log_every,
        snapshot_every,
    )
    check_on_step(on_step)
    start_state = config.optimizer.init(model)
    return _run(_plan(model, start_state, dataset, validation, config, 0, steps, None), on_step)


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
        LearningRateError, TrainingDivergedError, TrainingInterrupted: as :func:`train`.

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
    check_batch_size(run.config.batch_size, dataset)
    check_on_step(on_step)
    plan = _plan(
        run.final_model, run.optimizer_state, dataset, validation, run.config, run.steps, steps, run
    )
    return _run(plan, on_step)


@immutable()
@attrs.frozen
class _Plan:
    """A checked run, ready to fold: its first state, its rules and its step range."""

    begin: TrainingState
    rules: StepRules
    config: TrainingConfig
    data: Points
    first: int
    end: int


def _config(
    model: object,
    dataset: object,
    loss: object,
    optimizer: object,
    learning_rate: object,
    alpha: object,
    batch_size: object,
    seed: object,
    validation: object,
    log_every: object,
    snapshot_every: object,
) -> TrainingConfig:
    """``train``'s arguments, checked, as the configuration :func:`resume` reuses."""
    config = TrainingConfig(
        loss=check_loss(loss),
        optimizer=check_optimizer(optimizer, learning_rate, official_micrograd_learning_rate),
        alpha=check_alpha(alpha),
        batch_size=check_batch_size(batch_size, dataset),
        seed=check_seed(seed),
        log_every=whole_number(log_every, "log_every", least=1, example="10"),
        snapshot_every=check_snapshot_every(snapshot_every),
        validation=validation is not None,
    )
    check_model(model)
    return config


def _plan(
    model: MLP,
    optimizer_state: OptimizerState,
    dataset: Dataset,
    validation: Dataset | None,
    config: TrainingConfig,
    first: int,
    steps: int,
    prior: TrainingRun | None,
) -> _Plan:
    """Every check that needs the data, and the starting loss, before any step."""
    count = whole_number(steps, "steps", least=0)
    check_model(model)
    data = points(config.loss, model, dataset, "dataset")
    held_out = None if validation is None else points(config.loss, model, validation, "validation")
    rules = StepRules(config.loss, config.alpha, config.optimizer, held_out)
    start_loss = measure(rules, model, data)  # checks the data against the model, too
    if not math.isfinite(start_loss.total_loss.data):
        raise InvalidValueError(
            f"the starting model's loss is {start_loss.total_loss.data!r} before any training; "
            "lower alpha or check the model's weights"
        )
    if held_out is not None:
        measure(rules, model, held_out)  # the validation set fits the model
    begin = TrainingState(
        model=model,
        optimizer_state=optimizer_state,
        history=pvector(_kept_rows(prior, config.log_every)),
        snapshots=pvector(() if prior is None else _kept_snapshots(prior)),
        steps=first,
        loss=start_loss if config.batch_size is None else None,
    )
    return _Plan(begin, rules, config, data, first, first + count)


def _batches(plan: _Plan) -> Iterator[Batch]:
    """One :class:`Batch` per step of the plan: the whole data, or the step's seeded sample."""
    config, data = plan.config, plan.data
    for k in range(plan.first, plan.end):
        seen = data
        if config.batch_size is not None:
            picked = _batch(config.seed, k, len(data.xs), config.batch_size)
            seen = Points(tuple(data.xs[i] for i in picked), tuple(data.targets[i] for i in picked))
        yield Batch(
            step=k,
            points=seen,
            whole=config.batch_size is None,
            logged=k % config.log_every == 0 or k == plan.end - 1,
            snapshot=config.snapshot_every is not None and k % config.snapshot_every == 0,
            rules=plan.rules,
        )


def _run(plan: _Plan, on_step: Callable[[HistoryRow], None] | None) -> TrainingRun:
    """The fold behind :func:`train` and :func:`resume`, and the errors that keep the run."""
    shell = _Shell(plan.begin, on_step)
    try:
        with shell:
            final = reduce(shell, _batches(plan), plan.begin)
        final_loss = final.loss if final.loss is not None else _measure_all(plan, final.model)
        if not math.isfinite(final_loss.total_loss.data) and final.previous is not None:
            reason = f"the loss after the last step is {final_loss.total_loss.data!r}"
            raise DivergedStopError(final.previous, final.history, reason)
    except DivergedStopError as stop:
        partial = _partial_run(stop, plan)
        raise TrainingDivergedError(
            f"training diverged: {stop.reason}. error.run holds the run up to step "
            f"{partial.history[-1].step}, the last with a finite loss, and its model as "
            "final_model",
            partial,
        ) from None
    except errors.LearningRateError as error:
        done = shell.latest
        raise LearningRateError(
            f"{error} (training stopped after step {done.steps}; error.run holds the run so far)",
            _finish(done, _measure_all(plan, done.model), plan.config),
        ) from None
    except KeyboardInterrupt:
        done = shell.latest
        raise TrainingInterrupted(
            f"training interrupted after step {done.steps}; error.run holds the run so far "
            "(resume it with mgfunc.trainer.resume)",
            _finish(done, _measure_all(plan, done.model), plan.config),
        ) from None
    return _finish(final, final_loss, plan.config)


class _Shell:
    """The impure shell around the pure :func:`step`, as ``reduce`` calls it.

    It keeps the last completed state (all that Ctrl-C or a bad learning rate can hand back),
    and it pauses CPython's cyclic garbage collector for the library's own work only: the
    user's ``on_step`` runs with the collector as the user left it.

    mgfunc's graphs are acyclic (a node refers only to its inputs), so reference counting frees
    every step's graph the moment the step ends; the cyclic collector would only spend time
    scanning the tens of thousands of young objects a step creates. Pausing it makes a step
    faster (see the benchmark's mgfunc-gc-paused variant) without letting memory grow. When
    training ends, however it ends, the collector is left as the user last had it (a callback
    that switches it keeps its choice). The switch is process-wide: a ``gc.disable()`` another
    thread makes while training runs is undone when training ends.
    """

    def __init__(self, begin: TrainingState, on_step: Callable[[HistoryRow], None] | None):
        self.latest, self.on_step, self.user_collector = begin, on_step, gc.isenabled()

    def __enter__(self) -> None:
        self.user_collector = gc.isenabled()
        gc.disable()

    def __exit__(self, *exception: object) -> None:
        if self.user_collector:
            gc.enable()

    def __call__(self, state: TrainingState, batch: Batch) -> TrainingState:
        following = step(state, batch)
        if self.on_step is not None and batch.logged:
            if self.user_collector:
                gc.enable()
            try:
                self.on_step(following.history[-1])
            finally:
                self.user_collector = gc.isenabled()
                gc.disable()
        self.latest = following
        return following


def _measure_all(plan: _Plan, model: MLP) -> Loss:
    return measure(plan.rules, model, plan.data)


def _finish(state: TrainingState, loss: Loss, config: TrainingConfig) -> TrainingRun:
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


def _partial_run(stop: DivergedStopError, plan: _Plan) -> TrainingRun:
    """The run up to the last finite model, whose row always ends the history."""
    model, row, optimizer_state = stop.last_good
    rows = stop.history
    if not rows or rows[-1] is not row:  # the row was not logged (log_every > 1)
        rows = rows.append(row)
    loss = _measure_all(plan, model)
    return TrainingRun(
        model,
        tuple(rows),
        loss.total_loss.data,
        loss.accuracy,
        optimizer_state=optimizer_state,
        config=plan.config,
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
