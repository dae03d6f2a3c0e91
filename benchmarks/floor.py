"""The floor: the benchmark's workloads written by hand on Python floats, with no graph at all.

What a scalar autodiff library cannot beat in pure Python: the multiply-adds of the forward
pass and of the hand-derived backward pass on plain lists of floats, in the same order as the
graph does them. ``bench_demo.py`` runs these beside mgfunc and micrograd and reports
mgfunc's time as a multiple of the floor's.

A model is two lists per layer: ``weights[layer][neuron]`` (a list of floats, one per input)
and ``biases[layer][neuron]``; every layer but the last applies ReLU (the demo, the grid and
the mini-batch workload) or tanh (the yin-yang workload, whose last layer gives one logit per
class, trained with softmax cross-entropy and AdamW).

>>> weights, biases = [[[1.0, -1.0]], [[2.0]]], [[0.5], [0.0]]
>>> scores(weights, biases, [(3.0, 1.0), (0.0, 1.0)])
[5.0, 0.0]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

Weights = list[list[list[float]]]
Biases = list[list[float]]
Traces = list[list[list[float]]]
"""Every point's trace: each layer's outputs at the point, the point itself first."""


def forward(weights: Weights, biases: Biases, point: Sequence[float]) -> list[list[float]]:
    """Every layer's outputs at ``point``, the point itself first (backward needs them all)."""
    last = len(weights) - 1
    trace = [list(point)]
    values = trace[0]
    for layer, (layer_weights, layer_biases) in enumerate(zip(weights, biases)):
        outputs = []
        for neuron_weights, bias in zip(layer_weights, layer_biases):
            total = bias
            for w, x in zip(neuron_weights, values):
                total += w * x
            outputs.append(total if layer == last or total > 0.0 else 0.0)
        values = outputs
        trace.append(values)
    return trace


def scores(weights: Weights, biases: Biases, points: Sequence[Sequence[float]]) -> list[float]:
    """The first output at every point: the decision-boundary grid's work, point by point."""
    return [forward(weights, biases, point)[-1][0] for point in points]


def loss(
    weights: Weights,
    biases: Biases,
    xs: Sequence[Sequence[float]],
    ys: Sequence[float],
    alpha: float,
) -> tuple[float, float, Traces]:
    """The demo's max-margin loss with L2 term: (total loss, accuracy, every point's trace).

    The floats are added in mgfunc's order: the hinge terms from 0.0 then times ``1 / n``, the
    squares of the parameters neuron by neuron (weights, then bias) from 0.0 then times alpha.
    """
    traces = [forward(weights, biases, x) for x in xs]
    data_loss = 0.0
    correct = 0
    for trace, y in zip(traces, ys):
        score = trace[-1][0]
        margin = 1.0 - score * y
        data_loss += margin if margin > 0.0 else 0.0
        correct += (y > 0.0) == (score > 0.0)
    squares = 0.0
    for layer_weights, layer_biases in zip(weights, biases):
        for neuron_weights, bias in zip(layer_weights, layer_biases):
            for w in neuron_weights:
                squares += w * w
            squares += bias * bias
    total = data_loss * (1.0 / len(xs)) + alpha * squares
    return total, correct / len(xs), traces


def gradients(
    weights: Weights,
    biases: Biases,
    traces: Sequence[list[list[float]]],
    ys: Sequence[float],
    alpha: float,
) -> tuple[Weights, Biases]:
    """d loss / d every weight and bias, by the chain rule written out by hand.

    A point whose margin is met, and a neuron whose ReLU is flat, pass nothing back (the
    graph's fold skips the same zeros).
    """
    n = len(traces)
    last = len(weights) - 1
    weight_grads = [[[0.0] * len(w) for w in layer] for layer in weights]
    bias_grads = [[0.0] * len(layer) for layer in biases]
    for trace, y in zip(traces, ys):
        if 1.0 - trace[-1][0] * y <= 0.0:
            continue  # the hinge is flat here
        upstream = [-y / n]  # d loss / d score
        for layer in range(last, -1, -1):
            inputs, outputs = trace[layer], trace[layer + 1]
            downstream = [0.0] * len(inputs)
            for j, (neuron_weights, gradient) in enumerate(zip(weights[layer], upstream)):
                if layer != last and outputs[j] <= 0.0:
                    continue  # a flat ReLU
                if gradient == 0.0:
                    continue
                bias_grads[layer][j] += gradient
                grads_j = weight_grads[layer][j]
                for i, x in enumerate(inputs):
                    grads_j[i] += gradient * x
                    downstream[i] += gradient * neuron_weights[i]
            upstream = downstream
    for layer_weights, layer_grads in zip(weights, weight_grads):
        for neuron_weights, neuron_grads in zip(layer_weights, layer_grads):
            for i, w in enumerate(neuron_weights):
                neuron_grads[i] += 2.0 * alpha * w
    for layer_biases, layer_bias_grads in zip(biases, bias_grads):
        for j, bias in enumerate(layer_biases):
            layer_bias_grads[j] += 2.0 * alpha * bias
    return weight_grads, bias_grads


def update(
    weights: Weights, biases: Biases, weight_grads: Weights, bias_grads: Biases, rate: float
) -> tuple[Weights, Biases]:
    """One gradient-descent step: new lists, ``p - rate * grad`` for every parameter."""
    new_weights = [
        [[w - rate * g for w, g in zip(ws, gs)] for ws, gs in zip(layer, grads)]
        for layer, grads in zip(weights, weight_grads)
    ]
    new_biases = [
        [b - rate * g for b, g in zip(layer, grads)] for layer, grads in zip(biases, bias_grads)
    ]
    return new_weights, new_biases


# -- the yin-yang workload: tanh, softmax cross-entropy, AdamW ---------------------------------


def forward_tanh(weights: Weights, biases: Biases, point: Sequence[float]) -> list[list[float]]:
    """Every layer's outputs at ``point`` with tanh hidden layers, the point itself first."""
    last = len(weights) - 1
    trace = [list(point)]
    values = trace[0]
    for layer, (layer_weights, layer_biases) in enumerate(zip(weights, biases)):
        outputs = []
        for neuron_weights, bias in zip(layer_weights, layer_biases):
            total = bias
            for w, x in zip(neuron_weights, values):
                total += w * x
            outputs.append(total if layer == last else math.tanh(total))
        values = outputs
        trace.append(values)
    return trace


def cross_entropy(
    weights: Weights, biases: Biases, xs: Sequence[Sequence[float]], labels: Sequence[int]
) -> tuple[float, float, Traces, list[list[float]]]:
    """Mean softmax cross-entropy: (loss, accuracy, every point's trace, d loss_i / d logits).

    ``loss_i = logsumexp(logits) - logits[label]``, the log-sum-exp taken stably (the largest
    logit out first). The slopes are ``softmax(logits) - onehot(label)`` per point, before the
    ``1 / n`` of the mean. No L2 term: AdamW's weight decay regularises instead.
    """
    traces = [forward_tanh(weights, biases, x) for x in xs]
    slopes = []
    data_loss = 0.0
    correct = 0
    for trace, label in zip(traces, labels):
        logits = trace[-1]
        largest = max(logits)
        shifted = [math.exp(z - largest) for z in logits]
        total = sum(shifted)
        data_loss += largest + math.log(total) - logits[label]
        slope = [e / total for e in shifted]
        slope[label] -= 1.0
        slopes.append(slope)
        correct += logits.index(largest) == label
    return data_loss * (1.0 / len(xs)), correct / len(xs), traces, slopes


def tanh_gradients(
    weights: Weights, traces: Sequence[list[list[float]]], slopes: Sequence[list[float]]
) -> tuple[Weights, Biases]:
    """d mean loss / d every weight and bias of a tanh network, from the logits' slopes."""
    scale = 1.0 / len(traces)
    last = len(weights) - 1
    weight_grads = [[[0.0] * len(w) for w in layer] for layer in weights]
    bias_grads = [[0.0] * len(layer) for layer in weights]
    for trace, slope in zip(traces, slopes):
        upstream = [s * scale for s in slope]
        for layer in range(last, -1, -1):
            inputs, outputs = trace[layer], trace[layer + 1]
            downstream = [0.0] * len(inputs)
            layer_grads, layer_bias_grads = weight_grads[layer], bias_grads[layer]
            for j, (neuron_weights, gradient) in enumerate(zip(weights[layer], upstream)):
                if layer != last:
                    out = outputs[j]
                    gradient *= 1.0 - out * out  # through tanh
                layer_bias_grads[j] += gradient
                grads_j = layer_grads[j]
                for i, x in enumerate(inputs):
                    grads_j[i] += gradient * x
                    downstream[i] += gradient * neuron_weights[i]
            upstream = downstream
    return weight_grads, bias_grads


class AdamMoments(NamedTuple):
    """AdamW's state on floats: steps taken, first and second moments shaped like the model."""

    step: int
    first_weights: Weights
    first_biases: Biases
    second_weights: Weights
    second_biases: Biases


def adam_start(weights: Weights, biases: Biases) -> AdamMoments:
    """The state before the first step: every moment 0."""

    def zero_weights() -> Weights:
        return [[[0.0] * len(w) for w in layer] for layer in weights]

    def zero_biases() -> Biases:
        return [[0.0] * len(layer) for layer in biases]

    return AdamMoments(0, zero_weights(), zero_biases(), zero_weights(), zero_biases())


def adamw(
    weights: Weights,
    biases: Biases,
    weight_grads: Weights,
    bias_grads: Biases,
    moments: AdamMoments,
    rate: float,
    weight_decay: float,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
) -> tuple[Weights, Biases, AdamMoments]:
    """One AdamW step as torch.optim.AdamW computes it: new parameters and moments.

    Step ``t`` (from 1): ``p *= 1 - lr * wd``; ``m = b1 m + (1 - b1) g``;
    ``v = b2 v + (1 - b2) g g``; ``p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)``.
    """
    beta1, beta2 = betas
    t = moments.step + 1
    step_size = rate / (1.0 - beta1**t)
    correction = math.sqrt(1.0 - beta2**t)
    decay = 1.0 - rate * weight_decay
    sqrt = math.sqrt

    def step(
        ps: list[float], gs: list[float], ms: list[float], vs: list[float]
    ) -> tuple[list[float], list[float], list[float]]:
        new_ps, new_ms, new_vs = [], [], []
        for p, g, m, v in zip(ps, gs, ms, vs):
            m = beta1 * m + (1.0 - beta1) * g
            v = beta2 * v + (1.0 - beta2) * g * g
            new_ps.append(p * decay - step_size * (m / (sqrt(v) / correction + eps)))
            new_ms.append(m)
            new_vs.append(v)
        return new_ps, new_ms, new_vs

    new_weights: Weights = []
    first_weights: Weights = []
    second_weights: Weights = []
    for layer in zip(weights, weight_grads, moments.first_weights, moments.second_weights):
        stepped = [step(*neuron) for neuron in zip(*layer)]
        new_weights.append([ps for ps, _, _ in stepped])
        first_weights.append([ms for _, ms, _ in stepped])
        second_weights.append([vs for _, _, vs in stepped])
    stepped_biases = [
        step(*layer)
        for layer in zip(biases, bias_grads, moments.first_biases, moments.second_biases)
    ]
    new_biases = [ps for ps, _, _ in stepped_biases]
    state = AdamMoments(
        t,
        first_weights,
        [ms for _, ms, _ in stepped_biases],
        second_weights,
        [vs for _, _, vs in stepped_biases],
    )
    return new_weights, new_biases, state
