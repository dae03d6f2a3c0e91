"""Training runs that several test files make, each with its own sizes."""

from __future__ import annotations

from mgfunc.datasets import Dataset, split, yin_yang
from mgfunc.losses import cross_entropy
from mgfunc.nn import MLP
from mgfunc.optim import Optimizer
from mgfunc.trainer import TrainingRun, train


def three_class_run(
    points: int,
    fractions: tuple[float, ...],
    *,
    seed: int,
    hidden: int,
    steps: int,
    optimizer: Optimizer,
    log_every: int = 1,
    snapshot_every: int | None = None,
) -> tuple[TrainingRun, tuple[Dataset, ...]]:
    """A three-class run: ``yin_yang(points)`` split by ``fractions``, a tanh network with one
    hidden layer of ``hidden`` neurons trained with cross-entropy and no weight penalty on the
    first part, the second part as its validation set.

    Returns:
        The run and the parts of the split.
    """
    parts = split(yin_yang(points, seed=seed), fractions, seed=seed)
    run = train(
        MLP.create(2, [hidden, 3], activation="tanh", seed=seed),
        parts[0],
        steps=steps,
        loss=cross_entropy,
        optimizer=optimizer,
        alpha=0.0,
        validation=parts[1],
        log_every=log_every,
        snapshot_every=snapshot_every,
    )
    return run, parts
