"""What mgfunc is measured against: micrograd 0.1.0, and the floor written by hand on floats.

The micrograd variants run the demo notebook's loop verbatim (``loss()``, ``zero_grad()``,
``backward()``, ``p.data -= lr * p.grad``), with the cyclic GC on as shipped or switched off.
The floor variants run ``floor.py``: the same steps on plain lists of floats, no graph at all.
Every one starts from micrograd's initial weights (``random.seed(1337)``) or, for the yin-yang
network, from mgfunc's, and is timed phase by phase in CPU time.
"""

from __future__ import annotations

import gc
import random
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

import floor

# micrograd ships no type hints: the Protocols below describe the part the demo uses.
from micrograd import engine as micrograd_engine  # type: ignore[import-untyped]
from micrograd import nn as micrograd_nn
from runs import (
    ALPHA,
    WEIGHT_SEED,
    YIN_YANG_DECAY,
    YIN_YANG_RATE,
    YIN_YANG_SIZES,
    Run,
    Settings,
    batch_of,
    floats_of,
    learning_rate,
    timed_training,
    yin_yang_model,
)

from mgfunc.datasets import Dataset
from mgfunc.nn import MLP, with_parameters

# -- the micrograd adapter ------------------------------------------------------------------


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
    """An mgfunc MLP holding exactly the numbers of a micrograd MLP.

    Both put ReLU on the hidden layers and none on the last, and list the parameters in the
    same order (layer by layer, each neuron's weights then its bias), so the numbers go
    straight into a model of the same shape.
    """
    nin = len(model.layers[0].neurons[0].w)
    shape = MLP.create(nin, [len(layer.neurons) for layer in model.layers], seed=0)
    return with_parameters(shape, [p.data for p in model.parameters()])


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


def train_micrograd(dataset: Dataset, settings: Settings, gc_on: bool) -> Run:
    """The demo's training loop on micrograd, timed phase by phase."""
    # micrograd's backward sorts its graph recursively, and sum(losses) is a chain as long as
    # the data: from about 800 samples the default limit of 1000 frames raises RecursionError.
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 2 * len(dataset.xs) + 1000))
    model = micrograd_model(settings.sizes)
    nodes, edges = micrograd_graph_size(micrograd_loss(model, dataset)[0])

    def forward(_step: int, current: MicrogradMLP) -> tuple[float, MicrogradValue]:
        total_loss, _ = micrograd_loss(current, dataset)
        return total_loss.data, total_loss

    def backward(current: MicrogradMLP, total_loss: MicrogradValue) -> None:
        current.zero_grad()
        total_loss.backward()

    def update(step: int, current: MicrogradMLP, _grads: None) -> MicrogradMLP:
        rate = learning_rate(step)
        for p in current.parameters():
            p.data -= rate * p.grad
        return current

    def final(current: MicrogradMLP) -> tuple[float, float]:
        final_loss, final_accuracy = micrograd_loss(current, dataset)
        return final_loss.data, final_accuracy

    if not gc_on:
        gc.disable()
    run = timed_training(
        settings,
        model,
        forward=forward,
        backward=backward,
        update=update,
        final=final,
        workload="demo",
        variant="micrograd" if gc_on else "micrograd-gc-off",
        samples=len(dataset.xs),
        sizes=settings.sizes,
        nodes=nodes,
        edges=edges,
    )
    gc.enable()
    return run


# -- the floor ------------------------------------------------------------------------------


def floor_model(sizes: Sequence[int]) -> tuple[floor.Weights, floor.Biases]:
    """micrograd's initial weights as the floor's lists of floats."""
    model = micrograd_model(sizes)
    weights = [[[w.data for w in neuron.w] for neuron in layer.neurons] for layer in model.layers]
    biases = [[neuron.b.data for neuron in layer.neurons] for layer in model.layers]
    return weights, biases


def train_floor(dataset: Dataset, settings: Settings) -> Run:
    """The official step by hand on floats (floor.py), timed phase by phase."""
    return _floor_run("demo", dataset, settings, None)


Floats = tuple[floor.Weights, floor.Biases]
"""A model on the floor: its weights and biases."""
AdamFloats = tuple[floor.Weights, floor.Biases, floor.AdamMoments]
"""The yin-yang floor's state: the model and AdamW's moments."""
_Slopes = tuple[floor.Traces, list[list[float]]]  # the traces and d loss / d logits


def _floor_run(
    workload: str,
    dataset: Dataset,
    settings: Settings,
    pick: Callable[[int], list[int]] | None,
) -> Run:
    """The demo's floor, each step on the whole dataset or on ``pick(step)``'s points (the batch
    drawn inside the timed forward, as train draws it)."""
    xs, ys = dataset.xs, dataset.ys

    def forward(step: int, model: Floats) -> tuple[float, tuple[floor.Traces, Sequence[float]]]:
        if pick is None:
            step_xs, step_ys = xs, ys
        else:
            picked = pick(step)
            step_xs, step_ys = tuple(xs[i] for i in picked), tuple(ys[i] for i in picked)
        total, _, traces = floor.loss(*model, step_xs, step_ys, ALPHA)
        return total, (traces, step_ys)

    def backward(model: Floats, carry: tuple[floor.Traces, Sequence[float]]) -> Floats:
        traces, step_ys = carry
        return floor.gradients(*model, traces, step_ys, ALPHA)

    def update(step: int, model: Floats, grads: Floats) -> Floats:
        return floor.update(*model, *grads, learning_rate(step))

    def final(model: Floats) -> tuple[float, float]:
        final_loss, final_accuracy, _ = floor.loss(*model, xs, ys, ALPHA)
        return final_loss, final_accuracy

    return timed_training(
        settings,
        floor_model(settings.sizes),
        forward=forward,
        backward=backward,
        update=update,
        final=final,
        workload=workload,
        variant="floor",
        samples=len(xs),
        sizes=settings.sizes,
    )


def train_yin_yang_floor(dataset: Dataset, settings: Settings) -> Run:
    """The yin-yang step by hand on floats (floor.py), timed phase by phase."""
    xs, labels = dataset.xs, dataset.labels

    def forward(_step: int, state: AdamFloats) -> tuple[float, _Slopes]:
        weights, biases, _ = state
        total, _, traces, slopes = floor.cross_entropy(weights, biases, xs, labels)
        return total, (traces, slopes)

    def backward(state: AdamFloats, carry: _Slopes) -> Floats:
        return floor.tanh_gradients(state[0], *carry)

    def update(_step: int, state: AdamFloats, grads: Floats) -> AdamFloats:
        weights, biases, moments = state
        return floor.adamw(weights, biases, *grads, moments, YIN_YANG_RATE, YIN_YANG_DECAY)

    def final(state: AdamFloats) -> tuple[float, float]:
        final_loss, final_accuracy, _, _ = floor.cross_entropy(state[0], state[1], xs, labels)
        return final_loss, final_accuracy

    weights, biases = floats_of(yin_yang_model())
    return timed_training(
        settings,
        (weights, biases, floor.adam_start(weights, biases)),
        forward=forward,
        backward=backward,
        update=update,
        final=final,
        workload="yin-yang",
        variant="floor",
        samples=len(xs),
        sizes=YIN_YANG_SIZES,
    )


def train_mini_batch_floor(dataset: Dataset, settings: Settings) -> Run:
    """The demo's floor on each step's mini-batch (the batch drawn inside the timed forward)."""
    return _floor_run("mini-batch", dataset, settings, lambda k: batch_of(dataset, settings, k))
