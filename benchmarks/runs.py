"""What every variant of the benchmark shares: the settings, the data, the result record.

A worker process runs one variant of one workload and prints its :class:`Run` as JSON; the
parent reads it back with :meth:`Run.from_json`. The constants fix the workloads: the official
demo's seeds and L2 strength, the grid's step, the mini-batch size and the yin-yang network.
"""

from __future__ import annotations

import gc
import hashlib
import math
import resource
import struct
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

import attrs
import floor

import mgfunc
from mgfunc.datasets import Dataset, moons, split, yin_yang
from mgfunc.nn import MLP
from mgfunc.optim import Adam, adamw
from mgfunc.trainer import _batch as train_batch  # the indices train(batch_size=...) draws

OFFICIAL_SEED = (1337, 1337, 1337)
WEIGHT_SEED = 1337  # seeds Python's ``random`` before micrograd draws its weights
ALPHA = 1e-4
GRID_H = 0.05
BATCH_SIZE = 16
YIN_YANG_SAMPLES = 300
YIN_YANG_SEED = 0  # the data, the split and the weights
YIN_YANG_SIZES = (8, 3)
YIN_YANG_RATE = 0.1
YIN_YANG_DECAY = 1e-4
LOSS_TOLERANCE = 1e-9
clock = time.process_time

# -- schedule and results -------------------------------------------------------------------


def learning_rate(step: int) -> float:
    """The demo's schedule."""
    return 1.0 - 0.9 * step / 100


@attrs.frozen
class Settings:
    """What a worker runs: the data, the model's widths, the training steps, the grid step.

    ``samples`` and ``sizes`` are the moons workloads'; the yin-yang workload has its own.
    """

    samples: int
    sizes: tuple[int, ...]
    steps: int
    grid_h: float
    batch_size: int = BATCH_SIZE


@attrs.frozen
class Run:
    """One variant of a workload, run once in its own process.

    For a training workload the phases are forward, backward and update over ``steps`` steps;
    for the grid, ``forward_s`` is the time to score the whole grid (``steps`` is 1) and
    ``digest`` fingerprints the scores, bit for bit.
    """

    workload: str
    variant: str
    samples: int
    sizes: tuple[int, ...]
    steps: int
    forward_s: float
    backward_s: float
    update_s: float
    nodes: int
    edges: int
    peak_rss_mib: float
    rss_growth_mib: float
    losses: tuple[float, ...] = ()
    final_loss: float = math.nan
    final_accuracy: float = math.nan
    points: int = 0
    digest: str = ""
    batch_size: int = 0  # points per step of the mini-batch workload (0: every point)

    @property
    def total_s(self) -> float:
        """The timed work: forward + backward + update over every step."""
        return self.forward_s + self.backward_s + self.update_s

    def per_step_ms(self, seconds: float) -> float:
        """``seconds`` spread over the steps, in milliseconds."""
        return 1e3 * seconds / max(self.steps, 1)

    def to_json(self) -> dict[str, object]:
        """The run with per-step figures, for ``--json``."""
        row: dict[str, object] = attrs.asdict(self)
        row.update(
            total_s=self.total_s,
            forward_ms_per_step=self.per_step_ms(self.forward_s),
            backward_ms_per_step=self.per_step_ms(self.backward_s),
            update_ms_per_step=self.per_step_ms(self.update_s),
            step_ms=self.per_step_ms(self.total_s),
        )
        for key in ("final_loss", "final_accuracy"):
            if math.isnan(row[key]):  # type: ignore[arg-type]
                row[key] = None  # JSON has no NaN
        return row

    @classmethod
    def from_json(cls, row: dict[str, object]) -> Run:
        """The inverse of the worker's output (plain JSON types back into a Run)."""
        return cls(
            workload=str(row["workload"]),
            variant=str(row["variant"]),
            samples=_int(row["samples"]),
            sizes=tuple(_int(size) for size in _list(row["sizes"])),
            steps=_int(row["steps"]),
            forward_s=_float(row["forward_s"]),
            backward_s=_float(row["backward_s"]),
            update_s=_float(row["update_s"]),
            nodes=_int(row["nodes"]),
            edges=_int(row["edges"]),
            peak_rss_mib=_float(row["peak_rss_mib"]),
            rss_growth_mib=_float(row["rss_growth_mib"]),
            losses=tuple(_float(loss) for loss in _list(row["losses"])),
            final_loss=math.nan if row["final_loss"] is None else _float(row["final_loss"]),
            final_accuracy=(
                math.nan if row["final_accuracy"] is None else _float(row["final_accuracy"])
            ),
            points=_int(row["points"]),
            digest=str(row["digest"]),
            batch_size=_int(row["batch_size"]),
        )


_State = TypeVar("_State")
_Carry = TypeVar("_Carry")
_Grads = TypeVar("_Grads")


def timed_training(
    settings: Settings,
    state: _State,
    *,
    forward: Callable[[int, _State], tuple[float, _Carry]],
    backward: Callable[[_State, _Carry], _Grads],
    update: Callable[[int, _State, _Grads], _State],
    final: Callable[[_State], tuple[float, float]],
    workload: str,
    variant: str,
    samples: int,
    sizes: Sequence[int],
    nodes: int = 0,
    edges: int = 0,
    pause_gc: bool = False,
    batch_size: int = 0,
) -> Run:
    """``settings.steps`` training steps from ``state``, each phase on its own clock, as a Run.

    A variant says only what its phases do: ``forward(step, state)`` gives the loss and what
    ``backward(state, carry)`` needs for the gradients, ``update(step, state, grads)`` the next
    state, and ``final(state)`` the (loss, accuracy) after the last step. Every variant is
    timed by this one loop, so all are measured the same way. With ``pause_gc`` the cyclic GC
    is off during each step (as ``train`` runs), on between steps.
    """
    gc.collect()
    baseline = peak_rss_mib()
    forward_s = backward_s = update_s = 0.0
    losses: list[float] = []
    for k in range(settings.steps):
        if pause_gc:
            gc.disable()
        start = clock()
        loss, carry = forward(k, state)
        after_forward = clock()
        grads = backward(state, carry)
        after_backward = clock()
        state = update(k, state, grads)
        end = clock()
        if pause_gc:
            gc.enable()
        forward_s += after_forward - start
        backward_s += after_backward - after_forward
        update_s += end - after_backward
        losses.append(loss)
    final_loss, final_accuracy = final(state)
    peak = peak_rss_mib()
    return Run(
        workload=workload,
        variant=variant,
        samples=samples,
        sizes=tuple(sizes),
        steps=settings.steps,
        forward_s=forward_s,
        backward_s=backward_s,
        update_s=update_s,
        nodes=nodes,
        edges=edges,
        peak_rss_mib=peak,
        rss_growth_mib=peak - baseline,
        losses=tuple(losses),
        final_loss=final_loss,
        final_accuracy=final_accuracy,
        batch_size=batch_size,
    )


def _int(value: object) -> int:
    if not isinstance(value, int):
        raise TypeError(f"expected an int in the worker's output, got {value!r}")
    return value


def _float(value: object) -> float:
    if not isinstance(value, (int, float)):
        raise TypeError(f"expected a number in the worker's output, got {value!r}")
    return float(value)


def _list(value: object) -> list[object]:
    if not isinstance(value, list):
        raise TypeError(f"expected a list in the worker's output, got {value!r}")
    return value


def peak_rss_mib() -> float:
    """This process's peak resident set size so far, in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes on macOS


def digest(scores: Iterable[float]) -> str:
    """A fingerprint of the scores' exact bits: equal digests, identical scores."""
    return hashlib.sha256(b"".join(struct.pack("<d", score) for score in scores)).hexdigest()


def mgfunc_graph_size(output: mgfunc.Value) -> tuple[int, int]:
    """Nodes and edges of an mgfunc graph."""
    order = mgfunc.topological_order(output)
    return len(order), sum(len(node.inputs) for node in order)


# -- the data and models --------------------------------------------------------------------


def moons_data(settings: Settings) -> Dataset:
    """The official two moons, ``settings.samples`` points."""
    return moons(settings.samples, noise=0.1, seed=OFFICIAL_SEED)


def yin_yang_data(_settings: Settings) -> Dataset:
    """The training part of ``yin_yang(300)`` split 0.8 / 0.1 / 0.1: 240 points."""
    whole = yin_yang(YIN_YANG_SAMPLES, seed=YIN_YANG_SEED)
    return split(whole, (0.8, 0.1, 0.1), seed=YIN_YANG_SEED)[0]


def yin_yang_model() -> MLP:
    """The yin-yang network: tanh hidden layer, one logit per class, scaled initial weights."""
    return MLP.create(2, list(YIN_YANG_SIZES), activation="tanh", init="scaled", seed=YIN_YANG_SEED)


def yin_yang_optimizer() -> Adam:
    """The yin-yang workload's optimizer: AdamW at its rate and weight decay."""
    return adamw(YIN_YANG_RATE, weight_decay=YIN_YANG_DECAY)


def floats_of(model: MLP) -> tuple[floor.Weights, floor.Biases]:
    """An mgfunc model's weights and biases as the floor's lists of floats."""
    weights = [[[w.data for w in n.weights] for n in layer.neurons] for layer in model.layers]
    biases = [[n.bias.data for n in layer.neurons] for layer in model.layers]
    return weights, biases


def batch_of(dataset: Dataset, settings: Settings, step: int) -> list[int]:
    """The indices of step ``step``'s mini-batch, as ``train(batch_size=...)`` draws them."""
    return train_batch(OFFICIAL_SEED, step, len(dataset.xs), settings.batch_size)
