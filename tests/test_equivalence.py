"""mgfunc's fused graph against an unfused graph of plain operations and against micrograd.

Three references for the same numbers: a straightforward fold over the unfused graph built
from ``w * x`` products and ``+`` chains, micrograd 0.1.0 itself, and a plain dict fold over
mgfunc's own graph (what ``backward`` must reproduce bit for bit).
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

import pytest

from mgfunc import Value, backward, topological_order
from mgfunc.datasets import moons
from mgfunc.losses import max_margin
from mgfunc.nn import MLP, Layer, Neuron, apply_gradients, parameters
from mgfunc.trainer import official_micrograd_learning_rate

micrograd_engine = pytest.importorskip("micrograd.engine")
micrograd_nn = pytest.importorskip("micrograd.nn")

ALPHA = 1e-4
DATA = moons(12, noise=0.1, seed=(1337, 1337, 1337))


def close(a: float, b: float, rel: float = 1e-12) -> bool:
    return a == b or abs(a - b) <= rel * max(abs(a), abs(b))


def micrograd_model(seed: int) -> object:
    random.seed(seed)
    return micrograd_nn.MLP(2, [16, 16, 1])


def copy_of(model: object) -> MLP:
    """The micrograd model's numbers in mgfunc's frozen classes."""
    return MLP(
        layers=[
            Layer(
                neurons=[
                    Neuron(
                        weights=tuple(Value(w.data) for w in neuron.w),
                        bias=Value(neuron.b.data),
                        nonlinear=neuron.nonlin,
                    )
                    for neuron in layer.neurons
                ]
            )
            for layer in model.layers  # type: ignore[attr-defined]
        ]
    )


def micrograd_loss(model: object) -> object:
    """The demo notebook's loss, on DATA."""
    inputs = [list(map(micrograd_engine.Value, row)) for row in DATA.xs]
    scores = list(map(model, inputs))  # type: ignore[call-overload]
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(DATA.ys, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = ALPHA * sum(p * p for p in model.parameters())  # type: ignore[attr-defined]
    return data_loss + reg_loss


def unfused_loss(model: MLP, xs: Sequence[Sequence[float]], ys: Sequence[float]) -> Value:
    """The same loss from plain operations: a ``+`` node per term, a ``*`` node per weight."""
    scores = []
    for row in xs:
        values = [Value(x) for x in row]
        for layer in model.layers:
            outputs = []
            for neuron in layer.neurons:
                activation = neuron.bias
                for w, x in zip(neuron.weights, values):
                    activation = activation + w * x
                outputs.append(activation.relu() if neuron.nonlinear else activation)
            values = outputs
        scores.append(values[0])
    losses = [(1 + -y * score).relu() for y, score in zip(ys, scores)]
    data_loss: Value = Value(0.0)
    for loss in losses:
        data_loss = data_loss + loss
    reg_loss: Value = Value(0.0)
    for p in parameters(model):
        reg_loss = reg_loss + p * p
    return data_loss * (1.0 / len(losses)) + ALPHA * reg_loss


def plain_fold(output: Value) -> dict[Value, float]:
    """The textbook fold: a dict, ``get(child, 0.0) + local * upstream`` on every edge."""
    table = {output: 1.0}
    for node in reversed(topological_order(output)):
        upstream = table[node]
        for child, local in zip(node.inputs, node.local_gradients):
            table[child] = table.get(child, 0.0) + local * upstream
    return table


@pytest.mark.parametrize("seed", [1337, 7, 2024])
def test_the_fused_graph_has_the_unfused_graphs_gradients(seed: int) -> None:
    model = copy_of(micrograd_model(seed))
    fused = max_margin(model, DATA.xs, DATA.ys, ALPHA).total_loss
    unfused = unfused_loss(model, DATA.xs, DATA.ys)
    assert close(fused.data, unfused.data)
    fused_grads, unfused_grads = backward(fused), backward(unfused)
    assert len(topological_order(fused)) < len(topological_order(unfused)) / 3
    for p in parameters(model):
        assert close(fused_grads[p], unfused_grads[p]), p


@pytest.mark.parametrize("seed", [1337, 7, 2024])
def test_gradients_equal_micrographs_for_the_same_weights(seed: int) -> None:
    reference = micrograd_model(seed)
    model = copy_of(reference)
    reference_loss = micrograd_loss(reference)
    reference.zero_grad()  # type: ignore[attr-defined]
    reference_loss.backward()  # type: ignore[attr-defined]
    loss = max_margin(model, DATA.xs, DATA.ys, ALPHA).total_loss
    assert loss.data == reference_loss.data  # type: ignore[attr-defined]
    grads = backward(loss)
    reference_parameters = reference.parameters()  # type: ignore[attr-defined]
    pairs = list(zip(parameters(model), reference_parameters, strict=True))
    assert len(pairs) == 337
    scale = max(abs(grads[p]) for p, _ in pairs)
    assert scale > 0.0
    for p, q in pairs:
        # micrograd adds a node's contributions in another order. Where they cancel, the
        # result is a rounding residue of the terms (e.g. -1.4e-17 against 0.0), so the
        # tolerance is relative to the largest gradient as well as to the pair itself.
        difference = abs(grads[p] - q.grad)
        assert close(grads[p], q.grad) or difference <= 1e-12 * scale, (grads[p], q.grad)


def test_the_training_losses_follow_micrographs_step_by_step() -> None:
    reference = micrograd_model(1337)
    model = copy_of(reference)
    for k in range(5):
        reference_loss = micrograd_loss(reference)
        reference.zero_grad()  # type: ignore[attr-defined]
        reference_loss.backward()  # type: ignore[attr-defined]
        rate = 1.0 - 0.9 * k / 100
        for p in reference.parameters():  # type: ignore[attr-defined]
            p.data -= rate * p.grad
        loss = max_margin(model, DATA.xs, DATA.ys, ALPHA).total_loss
        assert abs(loss.data - reference_loss.data) <= 1e-9  # type: ignore[attr-defined]
        model = apply_gradients(model, backward(loss), official_micrograd_learning_rate(k))
    final = max_margin(model, DATA.xs, DATA.ys, ALPHA).total_loss.data
    assert abs(final - micrograd_loss(reference).data) <= 1e-9  # type: ignore[attr-defined]


def same_bits(a: float, b: float) -> bool:
    return repr(a) == repr(b)  # tells 0.0 from -0.0, and nan equals nan


@pytest.mark.parametrize("steps", [0, 30])
def test_backward_equals_the_plain_fold_bit_for_bit_with_dead_relus(steps: int) -> None:
    # After some training most hinge losses and many ReLUs are flat: most edges carry a zero,
    # which is exactly where backward may skip work.
    model = copy_of(micrograd_model(1337))
    for k in range(steps):
        loss = max_margin(model, DATA.xs, DATA.ys, ALPHA).total_loss
        model = apply_gradients(model, backward(loss), official_micrograd_learning_rate(k))
    output = max_margin(model, DATA.xs, DATA.ys, ALPHA).total_loss
    expected, grads = plain_fold(output), backward(output)
    assert list(grads) == list(reversed(topological_order(output)))
    assert set(grads) == set(expected)
    assert any(value == 0.0 for value in expected.values())
    assert all(same_bits(grads[node], expected[node]) for node in expected)


def test_backward_keeps_the_nan_of_an_infinite_derivative_times_a_zero() -> None:
    x = Value(1000.0)
    huge = x.exp()  # inf, with local derivative inf
    y = huge * Value(0.0) + x.relu() * Value(-3.0)
    expected, grads = plain_fold(y), backward(y)
    assert math.isnan(expected[x]) and math.isnan(grads[x])
    assert all(same_bits(grads[node], expected[node]) for node in expected)


def test_backward_keeps_signed_zeros_as_the_plain_fold_does() -> None:
    x = Value(-2.0)
    dead = (x * -1.5).relu() * Value(0.0)  # upstream 0 into relu, negative locals behind it
    y = dead + x * Value(0.0) - x * Value(-0.0)
    expected, grads = plain_fold(y), backward(y)
    assert all(same_bits(grads[node], expected[node]) for node in expected)
