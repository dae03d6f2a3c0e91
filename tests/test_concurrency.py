"""Training is pure: the same run in four threads at once gives four identical results."""

from __future__ import annotations

import struct
from concurrent.futures import ThreadPoolExecutor

from mgfunc.datasets import moons
from mgfunc.nn import MLP, parameters
from mgfunc.trainer import TrainingRun, train

DATA = moons(30, noise=0.1, seed=11)
MODEL = MLP.create(2, [8, 8, 1], seed=11)


def run_once(_index: int = 0) -> TrainingRun:
    return train(MODEL, DATA, steps=10, learning_rate=0.1)


def fingerprint(run: TrainingRun) -> tuple[object, ...]:
    """Every number of a run as exact bytes: history, final parameters, final loss."""
    history = tuple(
        tuple(struct.pack("<d", float(value)) for value in row.to_dict().values())
        for row in run.history
    )
    weights = tuple(struct.pack("<d", p.data) for p in parameters(run.final_model))
    return history, weights, struct.pack("<d", run.final_loss), run.final_accuracy


def test_four_threads_training_one_model_agree_with_a_single_thread() -> None:
    before = [p.data for p in parameters(MODEL)]
    expected = fingerprint(run_once())
    with ThreadPoolExecutor(max_workers=4) as pool:
        runs = list(pool.map(run_once, range(4)))
    assert [fingerprint(run) for run in runs] == [expected] * 4
    assert len(runs[0].history) == 10
    # The shared starting model is untouched, and the threads built separate final models.
    assert [p.data for p in parameters(MODEL)] == before
    assert len({id(run.final_model) for run in runs}) == 4
