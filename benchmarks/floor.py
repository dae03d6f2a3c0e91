"""The floor: the benchmark's workloads written by hand on Python floats, with no graph at all.

What a scalar autodiff library cannot beat in pure Python: the multiply-adds of the forward
pass and of the hand-derived backward pass on plain lists of floats, in the same order as the
graph does them. ``bench_demo.py`` runs these beside mgfunc and micrograd and reports
mgfunc's time as a multiple of the floor's.

A model is two lists per layer: ``weights[layer][neuron]`` (a list of floats, one per input)
and ``biases[layer][neuron]``; every layer but the last applies ReLU.

>>> weights, biases = [[[1.0, -1.0]], [[2.0]]], [[0.5], [0.0]]
>>> scores(weights, biases, [(3.0, 1.0), (0.0, 1.0)])
[5.0, 0.0]
"""

from __future__ import annotations

from collections.abc import Sequence

Weights = list[list[list[float]]]
Biases = list[list[float]]


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
) -> tuple[float, float, list[list[list[float]]]]:
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
