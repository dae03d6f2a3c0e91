"""Training is ``reduce(step, batches, state)``: the fold train runs, done by hand."""

from __future__ import annotations

from functools import reduce

import pytest

from mgfunc import InvalidTypeError, MgfuncError
from mgfunc.datasets import moons
from mgfunc.nn import MLP
from mgfunc.optim import adamw
from mgfunc.trainer import Batch, TrainingState, start, step, train

DATA = moons(30, noise=0.1, seed=5)
HELD_OUT = moons(12, noise=0.1, seed=6)
MODEL = MLP.create(2, [6, 1], seed=5)


@pytest.mark.parametrize(
    "options",
    [
        {"steps": 6, "learning_rate": 0.1},
        {"steps": 7, "optimizer": adamw(0.05), "batch_size": 8, "log_every": 3},
        {"steps": 5, "validation": HELD_OUT, "snapshot_every": 2},
    ],
)
def test_folding_step_by_hand_is_train(options: dict[str, object]) -> None:
    state, batches = start(MODEL, DATA, **options)  # type: ignore[arg-type]
    final = reduce(step, batches, state)
    run = train(MODEL, DATA, **options)  # type: ignore[arg-type]
    assert final.model == run.final_model
    assert tuple(final.history) == run.history
    assert final.optimizer_state == run.optimizer_state
    assert final.steps == run.steps
    assert tuple(final.snapshots) == run.snapshots[:-1]  # train adds the final model


def test_a_step_leaves_its_state_and_batch_unchanged() -> None:
    state, batches = start(MODEL, DATA, steps=2, learning_rate=0.1)
    batch = next(batches)
    before = (state.model, tuple(state.history), state.optimizer_state, state.steps)
    following = step(state, batch)
    assert (state.model, tuple(state.history), state.optimizer_state, state.steps) == before
    assert following.steps == 1 and following.model != state.model
    again = step(state, batch)  # the same arguments, the same next state (losses are graphs,
    # new nodes each time, so they compare by their numbers)
    assert (again.model, again.history, again.optimizer_state) == (
        following.model,
        following.history,
        following.optimizer_state,
    )
    assert again.loss is not None and following.loss is not None
    assert again.loss.total_loss.data == following.loss.total_loss.data


def test_step_refuses_what_is_not_a_state_and_a_batch() -> None:
    state, batches = start(MODEL, DATA, steps=1, learning_rate=0.1)
    batch = next(batches)
    assert isinstance(state, TrainingState) and isinstance(batch, Batch)
    with pytest.raises(InvalidTypeError, match=r"step takes a TrainingState and a Batch"):
        step(MODEL, batch)  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match=r"make them with mgfunc.trainer.start"):
        step(state, DATA)  # type: ignore[arg-type]


def test_a_fold_by_hand_stops_at_divergence_with_an_mgfunc_error() -> None:
    state, batches = start(MODEL, DATA, steps=20, learning_rate=1e200)
    with pytest.raises(MgfuncError, match=r"the loss at step \d+ is") as caught:
        reduce(step, batches, state)
    assert isinstance(caught.value, ArithmeticError)
