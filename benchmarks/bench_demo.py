"""mgfunc against a hand-written float floor and micrograd, workload by workload.

Every variant runs in a fresh worker process (so that its peak RSS is its own and one variant's
garbage cannot slow the next), in alternating order over ``--repeats`` rounds, and the report
gives the median run of each. Times are the worker's CPU time (``time.process_time``), so other
load on a shared machine does not count. Workloads and their variants (``WORKLOADS``):

``demo``: the official training step, 100 two-moons points, ``MLP(2, [16, 16, 1])``,
max-margin loss with L2, ``lr = 1.0 - 0.9 * k / 100``, all from micrograd's initial weights.

- ``floor``: the step written by hand on Python floats (``floor.py``): no graph at all, only
  the multiply-adds of the forward and the hand-derived backward pass;
- ``micrograd``: micrograd 0.1.0 as shipped (cyclic GC on);
- ``micrograd-gc-off``: the same with ``gc.disable()``, the fairest view of its design cost
  (every step's graph is a reference cycle, so with the GC off it leaks);
- ``mgfunc``: ``max_margin`` + ``backward`` + ``apply_gradients``, with the cyclic GC on;
- ``mgfunc-gc-paused``: the same with the GC paused during each step, as ``train`` runs.

``grid``: the decision-boundary grid at ``h = 0.05`` over the same data and model.

- ``floor``: every grid point through the float forward pass of ``floor.py``;
- ``mgfunc``: ``mgfunc.plot_data.decision_boundary`` (``MLP.evaluate_many``);
- ``mgfunc-evaluate``: ``model.evaluate(point)`` point by point;
- ``mgfunc-graph``: ``model(point).data``, a graph per point;
- ``micrograd``: the demo notebook's way, a micrograd graph per point (cyclic GC on).

``yin-yang``: the 3-class yin-yang network, ``yin_yang(300)`` split 0.8 / 0.1 / 0.1 (seed 0,
the training part's 240 points), ``MLP.create(2, [8, 3], activation="tanh", init="scaled",
seed=0)``, softmax cross-entropy (no L2 term), ``adamw(0.1, weight_decay=1e-4)``, full batch.

- ``floor``: the step by hand on floats (tanh forward, a stable log-sum-exp, the hand-derived
  backward pass, AdamW's update as torch computes it);
- ``mgfunc`` / ``mgfunc-gc-paused``: ``cross_entropy`` + ``backward`` + ``optimizer.update``,
  the cyclic GC on, or paused during each step as ``train`` runs.

``mini-batch``: the demo's model, loss and schedule (plain SGD), each step on ``--batch-size``
points (16 by default) drawn as ``train(batch_size=...)`` draws them (``mgfunc.trainer._batch``
with the official seed), so every variant trains on the same batches.

- ``floor``: the demo's floor on each step's batch;
- ``mgfunc`` / ``mgfunc-gc-paused``: ``max_margin`` on the batch + ``backward`` +
  ``sgd(...).update``, the cyclic GC on, or paused during each step.

Workloads still to come would be listed in ``PLANNED_WORKLOADS`` (none are pending): each
becomes an entry of ``WORKLOADS``, with a floor of its own, once mgfunc has what it needs.

Run ``python benchmarks/bench_demo.py --help`` for the options; see benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import math
import os
import platform
import random
import resource
import struct
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

import attrs
import floor

# micrograd ships no type hints: the Protocols below describe the part the demo uses.
from micrograd import engine as micrograd_engine  # type: ignore[import-untyped]
from micrograd import nn as micrograd_nn

import mgfunc
from mgfunc.datasets import Dataset, moons, split, yin_yang
from mgfunc.losses import Loss, LossFunction, cross_entropy, max_margin
from mgfunc.nn import MLP, Layer, Neuron, apply_gradients
from mgfunc.optim import Optimizer, adamw, sgd
from mgfunc.plot_data import decision_boundary
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
SCALING_SAMPLES = (50, 100, 200, 400, 800)
SCALING_WIDTHS = ((8, 8, 1), (16, 16, 1), (32, 32, 1))
clock = time.process_time


def learning_rate(step: int) -> float:
    """The demo's schedule."""
    return 1.0 - 0.9 * step / 100


# -- results -------------------------------------------------------------------------------


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


# -- the micrograd adapter -----------------------------------------------------------------


class MicrogradValue(Protocol):
    """The part of micrograd's ``Value`` that the demo uses."""

    data: float
    grad: float
    _prev: set[MicrogradValue]

    def __add__(self, other: MicrogradValue | float) -> MicrogradValue: ...
    def __radd__(self, other: float) -> MicrogradValue: ...
    def __mul__(self, other: MicrogradValue | float) -> MicrogradValue: ...
    def __rmul__(self, other: float) -> MicrogradValue: ...
    def relu(self) -> MicrogradValue: ...
    def backward(self) -> None: ...


class MicrogradNeuron(Protocol):
    """micrograd's ``Neuron``: weights ``w``, bias ``b``, ``nonlin``."""

    w: list[MicrogradValue]
    b: MicrogradValue
    nonlin: bool


class MicrogradLayer(Protocol):
    """micrograd's ``Layer``."""

    neurons: list[MicrogradNeuron]


class MicrogradMLP(Protocol):
    """micrograd's ``MLP``: callable on a row of Values, with ``parameters`` and ``zero_grad``."""

    layers: list[MicrogradLayer]

    def __call__(self, x: list[MicrogradValue]) -> MicrogradValue: ...
    def parameters(self) -> list[MicrogradValue]: ...
    def zero_grad(self) -> None: ...


def micrograd_value(data: float) -> MicrogradValue:
    """A micrograd leaf."""
    value: MicrogradValue = micrograd_engine.Value(data)
    return value


def micrograd_model(sizes: Sequence[int]) -> MicrogradMLP:
    """micrograd's own ``MLP(2, sizes)``, its weights drawn after seeding ``random``."""
    random.seed(WEIGHT_SEED)
    model: MicrogradMLP = micrograd_nn.MLP(2, list(sizes))
    return model


def to_mgfunc(model: MicrogradMLP) -> MLP:
    """An mgfunc MLP holding exactly the numbers of a micrograd MLP."""
    return MLP(
        layers=[
            Layer(
                neurons=[
                    Neuron(
                        weights=tuple(mgfunc.Value(w.data) for w in neuron.w),
                        bias=mgfunc.Value(neuron.b.data),
                        nonlinear=neuron.nonlin,
                    )
                    for neuron in layer.neurons
                ]
            )
            for layer in model.layers
        ]
    )


def micrograd_sum(terms: Iterable[MicrogradValue]) -> MicrogradValue:
    """``sum(terms)``, as the demo writes it: ``0 + first_term`` already makes a Value."""
    total = sum(terms)
    if isinstance(total, int):
        raise ValueError("micrograd_sum needs at least one term")
    return total


def micrograd_loss(model: MicrogradMLP, dataset: Dataset) -> tuple[MicrogradValue, float]:
    """The demo notebook's ``loss()``, verbatim apart from names: (total loss, accuracy)."""
    inputs = [list(map(micrograd_value, row)) for row in dataset.xs]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(dataset.ys, scores)]
    data_loss = micrograd_sum(losses) * (1.0 / len(losses))
    reg_loss = ALPHA * micrograd_sum(p * p for p in model.parameters())
    total_loss = data_loss + reg_loss
    accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(dataset.ys, scores)]
    return total_loss, sum(accuracy) / len(accuracy)


def micrograd_graph_size(output: MicrogradValue) -> tuple[int, int]:
    """Nodes and edges of a micrograd graph (edges as micrograd stores them: a set per node)."""
    seen = {id(output): output}
    stack = [output]
    edges = 0
    while stack:
        children = stack.pop()._prev
        edges += len(children)
        for child in children:
            if id(child) not in seen:
                seen[id(child)] = child
                stack.append(child)
    return len(seen), edges


def mgfunc_graph_size(output: mgfunc.Value) -> tuple[int, int]:
    """Nodes and edges of an mgfunc graph."""
    order = mgfunc.topological_order(output)
    return len(order), sum(len(node.inputs) for node in order)


# -- the demo: one training step, four ways --------------------------------------------------


def peak_rss_mib() -> float:
    """This process's peak resident set size so far, in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes on macOS


def floor_model(sizes: Sequence[int]) -> tuple[floor.Weights, floor.Biases]:
    """micrograd's initial weights as the floor's lists of floats."""
    model = micrograd_model(sizes)
    weights = [[[w.data for w in neuron.w] for neuron in layer.neurons] for layer in model.layers]
    biases = [[neuron.b.data for neuron in layer.neurons] for layer in model.layers]
    return weights, biases


def train_floor(dataset: Dataset, settings: Settings) -> Run:
    """The official step by hand on floats (floor.py), timed phase by phase."""
    return _floor_run("demo", dataset, settings, None)


def _floor_run(
    workload: str,
    dataset: Dataset,
    settings: Settings,
    pick: Callable[[int], list[int]] | None,
) -> Run:
    """The demo's floor, each step on the whole dataset or on ``pick(step)``'s points (the batch
    drawn inside the timed forward, as train draws it)."""
    weights, biases = floor_model(settings.sizes)
    xs, ys = dataset.xs, dataset.ys
    gc.collect()
    baseline = peak_rss_mib()
    forward = backward = update = 0.0
    losses: list[float] = []
    for k in range(settings.steps):
        start = clock()
        if pick is None:
            step_xs, step_ys = xs, ys
        else:
            picked = pick(k)
            step_xs, step_ys = tuple(xs[i] for i in picked), tuple(ys[i] for i in picked)
        total, _, traces = floor.loss(weights, biases, step_xs, step_ys, ALPHA)
        after_forward = clock()
        weight_grads, bias_grads = floor.gradients(weights, biases, traces, step_ys, ALPHA)
        after_backward = clock()
        weights, biases = floor.update(weights, biases, weight_grads, bias_grads, learning_rate(k))
        end = clock()
        forward += after_forward - start
        backward += after_backward - after_forward
        update += end - after_backward
        losses.append(total)
    final_loss, final_accuracy, _ = floor.loss(weights, biases, xs, ys, ALPHA)
    peak = peak_rss_mib()
    return Run(
        workload=workload,
        variant="floor",
        samples=len(xs),
        sizes=settings.sizes,
        steps=settings.steps,
        forward_s=forward,
        backward_s=backward,
        update_s=update,
        nodes=0,
        edges=0,
        peak_rss_mib=peak,
        rss_growth_mib=peak - baseline,
        losses=tuple(losses),
        final_loss=final_loss,
        final_accuracy=final_accuracy,
    )


def train_micrograd(dataset: Dataset, settings: Settings, gc_on: bool) -> Run:
    """The demo's training loop on micrograd, timed phase by phase."""
    # micrograd's backward sorts its graph recursively, and sum(losses) is a chain as long as
    # the data: from about 800 samples the default limit of 1000 frames raises RecursionError.
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 2 * len(dataset.xs) + 1000))
    model = micrograd_model(settings.sizes)
    nodes, edges = micrograd_graph_size(micrograd_loss(model, dataset)[0])
    gc.collect()
    baseline = peak_rss_mib()
    if not gc_on:
        gc.disable()
    forward = backward = update = 0.0
    losses: list[float] = []
    for k in range(settings.steps):
        start = clock()
        total_loss, _ = micrograd_loss(model, dataset)
        after_forward = clock()
        model.zero_grad()
        total_loss.backward()
        after_backward = clock()
        rate = learning_rate(k)
        for p in model.parameters():
            p.data -= rate * p.grad
        end = clock()
        forward += after_forward - start
        backward += after_backward - after_forward
        update += end - after_backward
        losses.append(total_loss.data)
    final_loss, final_accuracy = micrograd_loss(model, dataset)
    peak = peak_rss_mib()
    gc.enable()
    return Run(
        workload="demo",
        variant="micrograd" if gc_on else "micrograd-gc-off",
        samples=len(dataset.xs),
        sizes=settings.sizes,
        steps=settings.steps,
        forward_s=forward,
        backward_s=backward,
        update_s=update,
        nodes=nodes,
        edges=edges,
        peak_rss_mib=peak,
        rss_growth_mib=peak - baseline,
        losses=tuple(losses),
        final_loss=final_loss.data,
        final_accuracy=final_accuracy,
    )


def train_mgfunc(dataset: Dataset, settings: Settings, pause_gc: bool) -> Run:
    """mgfunc.trainer.train's step (loss, backward, apply_gradients), timed phase by phase."""
    model = to_mgfunc(micrograd_model(settings.sizes))
    xs, ys = dataset.xs, dataset.ys
    nodes, edges = mgfunc_graph_size(max_margin(model, xs, ys, ALPHA).total_loss)
    gc.collect()
    baseline = peak_rss_mib()
    forward = backward = update = 0.0
    losses: list[float] = []
    for k in range(settings.steps):
        if pause_gc:
            gc.disable()
        start = clock()
        loss = max_margin(model, xs, ys, ALPHA)
        after_forward = clock()
        grads = mgfunc.backward(loss.total_loss)
        after_backward = clock()
        model = apply_gradients(model, grads, learning_rate(k))
        end = clock()
        gc.enable()
        forward += after_forward - start
        backward += after_backward - after_forward
        update += end - after_backward
        losses.append(loss.total_loss.data)
    final = max_margin(model, xs, ys, ALPHA)
    peak = peak_rss_mib()
    return Run(
        workload="demo",
        variant="mgfunc-gc-paused" if pause_gc else "mgfunc",
        samples=len(xs),
        sizes=settings.sizes,
        steps=settings.steps,
        forward_s=forward,
        backward_s=backward,
        update_s=update,
        nodes=nodes,
        edges=edges,
        peak_rss_mib=peak,
        rss_growth_mib=peak - baseline,
        losses=tuple(losses),
        final_loss=final.total_loss.data,
        final_accuracy=final.accuracy,
    )


# -- the yin-yang network and the mini-batch demo: the trainer's step -------------------------


def yin_yang_data(_settings: Settings) -> Dataset:
    """The training part of ``yin_yang(300)`` split 0.8 / 0.1 / 0.1: 240 points."""
    whole = yin_yang(YIN_YANG_SAMPLES, seed=YIN_YANG_SEED)
    return split(whole, (0.8, 0.1, 0.1), seed=YIN_YANG_SEED)[0]


def moons_data(settings: Settings) -> Dataset:
    """The official two moons, ``settings.samples`` points."""
    return moons(settings.samples, noise=0.1, seed=OFFICIAL_SEED)


def yin_yang_model() -> MLP:
    """The yin-yang network: tanh hidden layer, one logit per class, scaled initial weights."""
    return MLP.create(2, list(YIN_YANG_SIZES), activation="tanh", init="scaled", seed=YIN_YANG_SEED)


def floats_of(model: MLP) -> tuple[floor.Weights, floor.Biases]:
    """An mgfunc model's weights and biases as the floor's lists of floats."""
    weights = [[[w.data for w in n.weights] for n in layer.neurons] for layer in model.layers]
    biases = [[n.bias.data for n in layer.neurons] for layer in model.layers]
    return weights, biases


def batch_of(dataset: Dataset, settings: Settings, step: int) -> list[int]:
    """The indices of step ``step``'s mini-batch, as ``train(batch_size=...)`` draws them."""
    return train_batch(OFFICIAL_SEED, step, len(dataset.xs), settings.batch_size)


def train_yin_yang_floor(dataset: Dataset, settings: Settings) -> Run:
    """The yin-yang step by hand on floats (floor.py), timed phase by phase."""
    weights, biases = floats_of(yin_yang_model())
    moments = floor.adam_start(weights, biases)
    xs, labels = dataset.xs, dataset.labels
    gc.collect()
    baseline = peak_rss_mib()
    forward = backward = update = 0.0
    losses: list[float] = []
    for _ in range(settings.steps):
        start = clock()
        total, _, traces, slopes = floor.cross_entropy(weights, biases, xs, labels)
        after_forward = clock()
        weight_grads, bias_grads = floor.tanh_gradients(weights, traces, slopes)
        after_backward = clock()
        weights, biases, moments = floor.adamw(
            weights, biases, weight_grads, bias_grads, moments, YIN_YANG_RATE, YIN_YANG_DECAY
        )
        end = clock()
        forward += after_forward - start
        backward += after_backward - after_forward
        update += end - after_backward
        losses.append(total)
    final_loss, final_accuracy, _, _ = floor.cross_entropy(weights, biases, xs, labels)
    peak = peak_rss_mib()
    return Run(
        workload="yin-yang",
        variant="floor",
        samples=len(xs),
        sizes=YIN_YANG_SIZES,
        steps=settings.steps,
        forward_s=forward,
        backward_s=backward,
        update_s=update,
        nodes=0,
        edges=0,
        peak_rss_mib=peak,
        rss_growth_mib=peak - baseline,
        losses=tuple(losses),
        final_loss=final_loss,
        final_accuracy=final_accuracy,
    )


def train_mini_batch_floor(dataset: Dataset, settings: Settings) -> Run:
    """The demo's floor on each step's mini-batch (the batch drawn inside the timed forward)."""
    return _floor_run("mini-batch", dataset, settings, lambda k: batch_of(dataset, settings, k))


def train_mgfunc_optimizer(
    workload: str,
    dataset: Dataset,
    settings: Settings,
    pause_gc: bool,
) -> Run:
    """``train``'s step with an optimizer (loss, ``backward``, ``optimizer.update``), timed.

    The yin-yang workload: ``cross_entropy`` on every point, AdamW. The mini-batch workload:
    ``max_margin`` on the step's batch (drawn inside the timed forward), SGD on the schedule.
    """
    model: MLP
    loss_fn: LossFunction
    optimizer: Optimizer
    targets: tuple[float, ...]
    if workload == "yin-yang":
        model, loss_fn, alpha, batch_size = yin_yang_model(), cross_entropy, 0.0, 0
        optimizer = adamw(YIN_YANG_RATE, weight_decay=YIN_YANG_DECAY)
        targets = tuple(map(float, dataset.labels))
    else:
        model, loss_fn, alpha = to_mgfunc(micrograd_model(settings.sizes)), max_margin, ALPHA
        optimizer, batch_size, targets = sgd(learning_rate), settings.batch_size, dataset.ys
    xs = dataset.xs

    def measure(current: MLP, k: int) -> Loss:
        if not batch_size:
            return loss_fn(current, xs, targets, alpha)
        picked = batch_of(dataset, settings, k)
        return loss_fn(current, [xs[i] for i in picked], [targets[i] for i in picked], alpha)

    nodes, edges = mgfunc_graph_size(measure(model, 0).total_loss)
    state = optimizer.init(model)
    gc.collect()
    baseline = peak_rss_mib()
    forward = backward = update = 0.0
    losses: list[float] = []
    for k in range(settings.steps):
        if pause_gc:
            gc.disable()
        start = clock()
        loss = measure(model, k)
        after_forward = clock()
        grads = mgfunc.backward(loss.total_loss)
        after_backward = clock()
        model, state = optimizer.update(model, grads, state)
        end = clock()
        gc.enable()
        forward += after_forward - start
        backward += after_backward - after_forward
        update += end - after_backward
        losses.append(loss.total_loss.data)
    final = loss_fn(model, xs, targets, alpha)
    peak = peak_rss_mib()
    return Run(
        workload=workload,
        variant="mgfunc-gc-paused" if pause_gc else "mgfunc",
        samples=len(xs),
        sizes=YIN_YANG_SIZES if workload == "yin-yang" else settings.sizes,
        steps=settings.steps,
        forward_s=forward,
        backward_s=backward,
        update_s=update,
        nodes=nodes,
        edges=edges,
        peak_rss_mib=peak,
        rss_growth_mib=peak - baseline,
        losses=tuple(losses),
        final_loss=final.total_loss.data,
        final_accuracy=final.accuracy,
        batch_size=batch_size,
    )


def _training_variants(
    workload: str, floor_title: str, floor_run: Callable[[Dataset, Settings], Run]
) -> tuple[Variant, ...]:
    """A training workload's three variants: its floor, mgfunc, and mgfunc as train runs."""
    return (
        Variant("floor", floor_title, floor_run),
        Variant("mgfunc", "mgfunc, cyclic GC on", _trainer(workload, False)),
        Variant(
            "mgfunc-gc-paused", "mgfunc, cyclic GC paused (as train runs)", _trainer(workload, True)
        ),
    )


def _trainer(workload: str, pause_gc: bool) -> Callable[[Dataset, Settings], Run]:
    return lambda dataset, settings: train_mgfunc_optimizer(workload, dataset, settings, pause_gc)


# -- the grid: scoring every point of a decision boundary -------------------------------------


def grid_points(dataset: Dataset, h: float) -> list[tuple[float, float]]:
    """The points of ``decision_boundary(model, dataset, h)``, in its order."""
    any_model = MLP.create(2, [1], seed=0)  # the grid depends only on the data and h
    return [(row.x, row.y) for row in decision_boundary(any_model, dataset, h)]


def digest(scores: Iterable[float]) -> str:
    """A fingerprint of the scores' exact bits: equal digests, identical scores."""
    return hashlib.sha256(b"".join(struct.pack("<d", score) for score in scores)).hexdigest()


def score_grid(dataset: Dataset, settings: Settings, variant: str) -> Run:
    """Score the decision-boundary grid once with ``variant``, timed."""
    points = grid_points(dataset, settings.grid_h)
    reference = micrograd_model(settings.sizes)
    model = to_mgfunc(reference)
    weights, biases = floor_model(settings.sizes)
    nodes = edges = 0
    gc.collect()
    baseline = peak_rss_mib()
    start = clock()
    if variant == "floor":
        scores = floor.scores(weights, biases, points)
    elif variant == "mgfunc":
        scores = [row.score for row in decision_boundary(model, dataset, settings.grid_h)]
    elif variant == "mgfunc-evaluate":
        scores = [model.evaluate(point)[0] for point in points]
    elif variant == "mgfunc-graph":
        scores = [model.forward(point)[0].data for point in points]
    else:  # micrograd, as the demo notebook draws its boundary
        inputs = [list(map(micrograd_value, point)) for point in points]
        scores = [score.data for score in map(reference, inputs)]
    elapsed = clock() - start
    peak = peak_rss_mib()
    if variant == "mgfunc-graph":
        nodes, edges = mgfunc_graph_size(model.forward(points[0])[0])
    elif variant == "micrograd":
        nodes, edges = micrograd_graph_size(reference(list(map(micrograd_value, points[0]))))
    return Run(
        workload="grid",
        variant=variant,
        samples=len(dataset.xs),
        sizes=settings.sizes,
        steps=1,
        forward_s=elapsed,
        backward_s=0.0,
        update_s=0.0,
        nodes=nodes,
        edges=edges,
        peak_rss_mib=peak,
        rss_growth_mib=peak - baseline,
        points=len(points),
        digest=digest(scores),
    )


def _grid(variant: str) -> Callable[[Dataset, Settings], Run]:
    return lambda dataset, settings: score_grid(dataset, settings, variant)


# -- the registry ----------------------------------------------------------------------------


@attrs.frozen
class Variant:
    """One way to run a workload: a name, what it is, and the worker function."""

    name: str
    what: str
    run: Callable[[Dataset, Settings], Run]
    slow: bool = False  # micrograd as shipped: skipped by --skip-micrograd-gc


@attrs.frozen
class Workload:
    """A job every variant does; the ``floor`` variant is what the others are measured against."""

    name: str
    what: str
    variants: tuple[Variant, ...]
    training: bool = True  # a training table and the loss check; otherwise the grid's
    data: Callable[[Settings], Dataset] = moons_data

    def variant(self, name: str) -> Variant:
        """The variant called ``name``."""
        return next(variant for variant in self.variants if variant.name == name)


WORKLOADS: dict[str, Workload] = {
    "demo": Workload(
        "demo",
        "the official training step (max-margin loss, L2, the demo's schedule)",
        (
            Variant("floor", "by hand on floats (floor.py)", train_floor),
            Variant(
                "micrograd",
                "micrograd 0.1.0 as shipped",
                lambda data, s: train_micrograd(data, s, gc_on=True),
                slow=True,
            ),
            Variant(
                "micrograd-gc-off",
                "micrograd with its cyclic GC off (leaks)",
                lambda data, s: train_micrograd(data, s, gc_on=False),
            ),
            Variant("mgfunc", "mgfunc, cyclic GC on", lambda data, s: train_mgfunc(data, s, False)),
            Variant(
                "mgfunc-gc-paused",
                "mgfunc, cyclic GC paused (as train runs)",
                lambda data, s: train_mgfunc(data, s, True),
            ),
        ),
    ),
    "grid": Workload(
        "grid",
        "scoring the decision-boundary grid (h = 0.05 by default)",
        (
            Variant("floor", "by hand on floats, point by point", _grid("floor")),
            Variant("mgfunc", "decision_boundary (evaluate_many)", _grid("mgfunc")),
            Variant("mgfunc-evaluate", "model.evaluate per point", _grid("mgfunc-evaluate")),
            Variant("mgfunc-graph", "model(point).data per point", _grid("mgfunc-graph")),
            Variant(
                "micrograd", "a micrograd graph per point (GC on)", _grid("micrograd"), slow=True
            ),
        ),
        training=False,
    ),
    "yin-yang": Workload(
        "yin-yang",
        "the 3-class yin-yang network (tanh, softmax cross-entropy, AdamW, 240 points)",
        _training_variants("yin-yang", "by hand on floats (floor.py)", train_yin_yang_floor),
        data=yin_yang_data,
    ),
    "mini-batch": Workload(
        "mini-batch",
        "the official step on a mini-batch drawn each step (--batch-size, 16 by default)",
        _training_variants(
            "mini-batch", "by hand on floats, on the same batches", train_mini_batch_floor
        ),
    ),
}

# Hooks: workloads to add to WORKLOADS once mgfunc has what they need (none today). Each
# needs its own floor in floor.py (the same job by hand on floats) and mgfunc variants; the
# report lists these as pending until then.
PLANNED_WORKLOADS: dict[str, str] = {}


# -- workers ---------------------------------------------------------------------------------


def run_worker(workload: str, variant: str, settings: Settings) -> Run:
    """Run one variant of one workload in this process."""
    chosen = WORKLOADS[workload]
    return chosen.variant(variant).run(chosen.data(settings), settings)


def spawn(workload: str, variant: str, settings: Settings) -> Run:
    """Run one variant in a fresh interpreter and read back its Run."""
    command = [
        sys.executable,
        os.path.abspath(__file__),
        "--worker",
        f"{workload}:{variant}",
        "--samples",
        str(settings.samples),
        "--sizes",
        ",".join(map(str, settings.sizes)),
        "--steps",
        str(settings.steps),
        "--grid-h",
        repr(settings.grid_h),
        "--batch-size",
        str(settings.batch_size),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"worker {workload}:{variant} failed:\n{done.stderr}")
    row = json.loads(done.stdout.strip().splitlines()[-1])
    if not isinstance(row, dict):
        raise TypeError(f"worker {workload}:{variant} printed {row!r}, not a JSON object")
    return Run.from_json(row)


# -- the report ------------------------------------------------------------------------------


def machine() -> dict[str, object]:
    """Python, platform and CPU of this machine."""
    cpu = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "platform": platform.platform(),
        "cpu": cpu,
        "cores": os.cpu_count() or 0,
        "mgfunc": mgfunc.__version__,
        "micrograd": "0.1.0",
    }


def median_runs(runs: Sequence[Run]) -> dict[str, Run]:
    """Each variant's median run by total time (the lower middle one for an even count)."""
    names = list(dict.fromkeys(run.variant for run in runs))
    chosen = {}
    for name in names:
        mine = sorted((run for run in runs if run.variant == name), key=lambda run: run.total_s)
        chosen[name] = mine[(len(mine) - 1) // 2]
    return chosen


def compare_demo(runs: dict[str, Run]) -> dict[str, object]:
    """Time ratios to the floor and to micrograd, memory ratios and the loss check."""
    mine = runs["mgfunc"]
    result: dict[str, object] = {}
    for name, run in runs.items():
        row: dict[str, object] = {
            "time_vs_floor": _ratio(run, runs.get("floor")),
            "micrograd_time_vs_it": _ratio(runs.get("micrograd"), run),
            "micrograd_gc_off_time_vs_it": _ratio(runs.get("micrograd-gc-off"), run),
            "peak_rss_vs_mgfunc": run.peak_rss_mib / mine.peak_rss_mib,
        }
        if name != "mgfunc":
            gap = max((abs(a - b) for a, b in zip(run.losses, mine.losses)), default=0.0)
            gap = max(gap, abs(run.final_loss - mine.final_loss))
            row.update(max_loss_difference=gap, losses_agree=gap <= LOSS_TOLERANCE)
        result[name] = row
    return result


def compare_grid(runs: dict[str, Run]) -> dict[str, object]:
    """Time ratios to the floor, and whether every variant gave the same scores bit for bit."""
    floor_digest = runs["floor"].digest if "floor" in runs else None
    return {
        name: {
            "time_vs_floor": _ratio(run, runs.get("floor")),
            "identical_to_floor": run.digest == floor_digest,
        }
        for name, run in runs.items()
    }


def _ratio(numerator: Run | None, denominator: Run | None) -> float | None:
    if numerator is None or denominator is None or denominator.total_s <= 0.0:
        return None
    return numerator.total_s / denominator.total_s


def _times(ratio: object) -> str:
    return f"{ratio:.2f}x" if isinstance(ratio, float) else "-"


def print_demo(
    runs: dict[str, Run], comparison: dict[str, object], out: Callable[[str], None]
) -> None:
    """A training table: phases per step, graph size, memory, ratios; then the loss check.

    The columns of micrograd's time over each variant's appear when micrograd ran.
    """
    micrograd = any(name.startswith("micrograd") for name in runs)
    header = (
        f"{'variant':<18}{'fwd ms':>9}{'bwd ms':>9}{'upd ms':>8}{'step ms':>9}{'total s':>9}"
        f"{'nodes':>8}{'edges':>9}{'peak MiB':>10}{'x floor':>9}"
        + (f"{'mg / it':>9}{'mg-off / it':>12}" if micrograd else "")
    )
    out(header)
    out("-" * len(header))
    for name, run in runs.items():
        row = comparison[name]
        assert isinstance(row, dict)
        ratios = (
            f"{_times(row['micrograd_time_vs_it']):>9}"
            f"{_times(row['micrograd_gc_off_time_vs_it']):>12}"
        )
        out(
            f"{name:<18}{run.per_step_ms(run.forward_s):>9.2f}"
            f"{run.per_step_ms(run.backward_s):>9.2f}{run.per_step_ms(run.update_s):>8.2f}"
            f"{run.per_step_ms(run.total_s):>9.2f}{run.total_s:>9.2f}{run.nodes:>8}"
            f"{run.edges:>9}{run.peak_rss_mib:>10.1f}{_times(row['time_vs_floor']):>9}"
            + (ratios if micrograd else "")
        )
    out("")
    if micrograd:
        out("x floor: time / the floor's time; mg / it and mg-off / it: micrograd's time (as")
        out("shipped, GC off) / this variant's time. Every figure is CPU time of the variant's")
        out("median run.")
    else:
        out("x floor: time / the floor's time. Every figure is CPU time of the median run.")
    out("")
    for name, run in runs.items():
        out(f"final loss {name:<18}{run.final_loss!r:<24} accuracy {run.final_accuracy:.0%}")
    for name, row in comparison.items():
        assert isinstance(row, dict)
        if "losses_agree" in row:
            verdict = "OK" if row["losses_agree"] else "MISMATCH"
            out(
                f"{verdict}: {name} and mgfunc losses, every step and final, differ by at most "
                f"{row['max_loss_difference']:.3g} (tolerance {LOSS_TOLERANCE:g})"
            )


def print_grid(
    runs: dict[str, Run], comparison: dict[str, object], out: Callable[[str], None]
) -> None:
    """The grid's table: time to score the grid, memory, ratio to the floor, identical scores."""
    header = f"{'variant':<18}{'points':>8}{'grid ms':>10}{'peak MiB':>10}{'x floor':>9}  scores"
    out(header)
    out("-" * len(header))
    for name, run in runs.items():
        row = comparison[name]
        assert isinstance(row, dict)
        same = "identical to the floor's" if row["identical_to_floor"] else "DIFFERENT"
        out(
            f"{name:<18}{run.points:>8}{1e3 * run.total_s:>10.1f}{run.peak_rss_mib:>10.1f}"
            f"{_times(row['time_vs_floor']):>9}  {same}"
        )


def print_scaling(rows: list[dict[str, object]], out: Callable[[str], None]) -> None:
    """Time per step against graph size."""
    out("")
    out("scaling: time per step against graph size")
    header = (
        f"{'variant':<18}{'samples':>8}{'sizes':>12}{'nodes':>9}{'edges':>10}"
        f"{'step ms':>10}{'us/edge':>9}"
    )
    out(header)
    out("-" * len(header))
    for row in rows:
        out(
            f"{row['variant']!s:<18}{row['samples']!s:>8}{row['sizes']!s:>12}"
            f"{row['nodes']!s:>9}{row['edges']!s:>10}{row['step_ms']:>10.2f}"
            f"{row['us_per_edge']:>9.3f}"
        )


def scaling(
    steps: int, samples_list: Sequence[int], sizes_list: Sequence[tuple[int, ...]]
) -> list[dict[str, object]]:
    """mgfunc and micrograd (GC off) per step, over sample counts and over layer widths."""
    widths = sorted(sizes_list, key=sum)
    middle = widths[len(widths) // 2]
    configs = [(samples, middle) for samples in samples_list]
    configs += [(100, sizes) for sizes in widths if (100, sizes) not in configs]
    rows: list[dict[str, object]] = []
    for samples, sizes in configs:
        for variant in ("micrograd-gc-off", "mgfunc"):
            run = spawn("demo", variant, Settings(samples, sizes, steps, GRID_H))
            step_ms = run.per_step_ms(run.total_s)
            rows.append(
                {
                    "variant": variant,
                    "samples": samples,
                    "sizes": list(sizes),
                    "nodes": run.nodes,
                    "edges": run.edges,
                    "step_ms": step_ms,
                    "us_per_edge": 1e3 * step_ms / run.edges,
                }
            )
    return rows


# -- command line --------------------------------------------------------------------------


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--steps", type=int, default=100, help="training steps (default 100)")
    parser.add_argument("--samples", type=int, default=100, help="moons samples (default 100)")
    parser.add_argument(
        "--repeats", type=int, default=1, help="runs per variant, alternating (default 1)"
    )
    parser.add_argument(
        "--workloads",
        default=",".join(WORKLOADS),
        help=f"comma-separated workloads to run (default {','.join(WORKLOADS)})",
    )
    parser.add_argument(
        "--grid-h", type=float, default=GRID_H, help=f"the grid's step (default {GRID_H})"
    )
    parser.add_argument(
        "--json",
        nargs="?",
        const="-",
        metavar="PATH",
        help="also write machine-readable results to PATH (stdout without PATH)",
    )
    parser.add_argument(
        "--skip-micrograd-gc",
        action="store_true",
        help="skip micrograd as shipped (GC on: ~220 s for the demo, ~35 s for the grid)",
    )
    parser.add_argument(
        "--scaling",
        action="store_true",
        help="also time per step for samples 50..800 and widths [8,8,1]..[32,32,1]",
    )
    parser.add_argument(
        "--scaling-steps", type=int, default=5, help="steps per scaling point (default 5)"
    )
    parser.add_argument(
        "--scaling-samples",
        default=",".join(map(str, SCALING_SAMPLES)),
        help="sample counts for --scaling (default 50,100,200,400,800)",
    )
    parser.add_argument(
        "--scaling-sizes",
        default=";".join(",".join(map(str, sizes)) for sizes in SCALING_WIDTHS),
        help="layer widths for --scaling, ';' between models (default 8,8,1;16,16,1;32,32,1)",
    )
    parser.add_argument("--sizes", default="16,16,1", help="layer widths (default 16,16,1)")
    parser.add_argument(
        "--batch-size",
        type=int,
        default=BATCH_SIZE,
        help=f"points per step of the mini-batch workload (default {BATCH_SIZE})",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    for name in ("steps", "samples", "repeats", "scaling_steps", "batch_size"):
        if getattr(options, name) < (0 if name == "steps" else 1):
            parser.error(f"--{name.replace('_', '-')} is too small")
    if not options.grid_h > 0.0:
        parser.error("--grid-h must be positive")
    unknown = set(options.workloads.split(",")) - set(WORKLOADS)
    if unknown:
        parser.error(f"--workloads: unknown {sorted(unknown)}; choose from {list(WORKLOADS)}")
    batches = "mini-batch" in options.workloads.split(",") and not options.worker
    if batches and options.batch_size > options.samples:
        parser.error(
            f"--batch-size {options.batch_size} is more than the {options.samples} samples; "
            "pass a smaller --batch-size or more --samples"
        )
    return options


def widths(text: str) -> tuple[int, ...]:
    """``"16,16,1"`` as ``(16, 16, 1)``."""
    return tuple(int(width) for width in text.split(","))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; returns 0 when the losses agree, 1 on a mismatch."""
    options = parse(argv)
    settings = Settings(
        options.samples, widths(options.sizes), options.steps, options.grid_h, options.batch_size
    )
    if options.worker:
        workload, variant = options.worker.split(":")
        print(json.dumps(run_worker(workload, variant, settings).to_json()))
        return 0
    to_stdout = options.json == "-"

    def out(line: str) -> None:
        # With the JSON on stdout, the readable table goes to stderr.
        print(line, file=sys.stderr if to_stdout else sys.stdout)

    jobs = [
        (workload.name, variant.name)
        for workload in (WORKLOADS[name] for name in options.workloads.split(","))
        for variant in workload.variants
        if not (options.skip_micrograd_gc and variant.slow)
    ]
    runs: list[Run] = []
    for repeat in range(options.repeats):
        # Alternate the order so that drifts of the machine hit every variant alike.
        for workload, variant in jobs if repeat % 2 == 0 else reversed(jobs):
            if not to_stdout:
                print(
                    f"... {workload}: {variant} (run {repeat + 1} of {options.repeats})", flush=True
                )
            runs.append(spawn(workload, variant, settings))
    info = machine()
    report: dict[str, object] = {
        "machine": info,
        "config": {
            "samples": settings.samples,
            "sizes": list(settings.sizes),
            "steps": settings.steps,
            "grid_h": settings.grid_h,
            "batch_size": settings.batch_size,
            "repeats": options.repeats,
            "alpha": ALPHA,
            "clock": "process CPU time (time.process_time)",
            "jobs": [f"{workload}:{variant}" for workload, variant in jobs],
        },
        "workloads": {},
        "planned_workloads": PLANNED_WORKLOADS,
    }
    out(f"mgfunc {info['mgfunc']} against a float floor and micrograd {info['micrograd']}")
    out(f"machine: {info['cpu']}, {info['cores']} cores; {info['python']}; {info['platform']}")
    out(
        f"config: {settings.samples} samples, MLP(2, {list(settings.sizes)}), {settings.steps} "
        f"steps, grid h={settings.grid_h}; median of {options.repeats} alternating run(s) per "
        "variant, each in its own process; CPU time"
    )
    agree = True
    results = report["workloads"]
    assert isinstance(results, dict)
    for name in options.workloads.split(","):
        chosen = median_runs([run for run in runs if run.workload == name])
        out("")
        out(f"{name}: {WORKLOADS[name].what}")
        if WORKLOADS[name].training:
            comparison = compare_demo(chosen)
            print_demo(chosen, comparison, out)
            agree = agree and all(
                row.get("losses_agree", True)
                for row in comparison.values()
                if isinstance(row, dict)
            )
        else:
            comparison = compare_grid(chosen)
            print_grid(chosen, comparison, out)
            agree = agree and all(
                row["identical_to_floor"] for row in comparison.values() if isinstance(row, dict)
            )
        results[name] = {
            "runs": {variant: run.to_json() for variant, run in chosen.items()},
            "all_totals_s": {
                variant: [r.total_s for r in runs if r.workload == name and r.variant == variant]
                for variant in chosen
            },
            "comparison": comparison,
        }
    out("")
    for name, what in PLANNED_WORKLOADS.items():
        out(f"{name}: pending ({what})")
    if options.scaling:
        if not to_stdout:
            print("... scaling", flush=True)
        rows = scaling(
            options.scaling_steps,
            [int(samples) for samples in options.scaling_samples.split(",")],
            [widths(sizes) for sizes in options.scaling_sizes.split(";")],
        )
        report["scaling"] = rows
        print_scaling(rows, out)
    if options.json:
        text = json.dumps(report, indent=2)
        if to_stdout:
            print(text)
        else:
            with open(options.json, "w", encoding="utf-8") as file:
                file.write(text + "\n")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
