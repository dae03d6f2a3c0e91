"""The training step's shortcuts give exactly what the plain construction gives.

A model gathers each layer's parameters and floats once and builds the layer's nodes in one
``weighted_sums`` call; ``max_margin`` writes the margin ``1 - y * score`` as ``1 - score`` or
``1 + score``; a model rebuilt with new numbers skips the checks its parts would pass. Each is
checked bit for bit against the straightforward way.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable, Sequence

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mgfunc import Value, backward, linear, sum_values, topological_order
from mgfunc.losses import max_margin
from mgfunc.nn import MLP, Layer, Neuron, apply_gradients, parameters, with_parameters
from mgfunc.value import weighted_sums

finite = st.floats(min_value=-10.0, max_value=10.0, allow_nan=False)
numbers = st.one_of(finite, st.sampled_from([0.0, -0.0, 1.0, -1.0]))


def bits(x: float) -> bytes:
    return struct.pack("<d", x)


@settings(max_examples=100)
@given(
    inputs=st.lists(numbers, min_size=1, max_size=5),
    rows=st.lists(st.lists(numbers, min_size=6, max_size=6), min_size=1, max_size=4),
    activation=st.sampled_from(["linear", "relu", "tanh", "sigmoid"]),
)
def test_weighted_sums_are_the_linear_nodes_of_each_sum_bit_for_bit(
    inputs: list[float], rows: list[list[float]], activation: str
) -> None:
    xs, sums, nodes, plain = joined_and_plain(inputs, rows, activation)
    for node, (ws, b) in zip(nodes, sums):
        assert node.op == ("linear" if activation == "linear" else f"{activation}(linear)")
        # An edge to every weight, the bias, then every input, each with its local derivative.
        assert node.inputs == (*ws, b, *xs)
        assert len(node.local_gradients) == len(node.inputs)
    # The same gradients from a scalar that uses every node.
    assert_same_gradients(nodes, plain, xs, sums, Value(1.5))


Sums = list[tuple[list[Value], Value]]


def joined_and_plain(
    inputs: list[float], rows: list[list[float]], activation: str
) -> tuple[tuple[Value, ...], Sums, list[Value], list[Value]]:
    """The inputs, each row's weights and bias, the row's sums from ``weighted_sums`` and the
    same sums as ``linear`` then the activation's own node, their data checked bit for bit."""
    xs = tuple(Value(x) for x in inputs)
    sums = [([Value(w) for w in row[: len(xs)]], Value(row[-1])) for row in rows]
    nodes = weighted_sums(
        xs, [((*ws, b), tuple(w.data for w in ws), b.data) for ws, b in sums], activation
    )
    plain = [activated(linear(ws, xs, b), activation) for ws, b in sums]
    assert [bits(node.data) for node in nodes] == [bits(node.data) for node in plain]
    return xs, sums, nodes, plain


def assert_same_gradients(
    nodes: list[Value], plain: list[Value], xs: tuple[Value, ...], sums: Sums, scale: Value
) -> None:
    """The sum of each list times ``scale`` gives every input and parameter the same gradient."""
    fused_grads = backward(sum_values(nodes) * scale)
    separate_grads = backward(sum_values(plain) * scale)
    for node in (*xs, *(p for ws, b in sums for p in (*ws, b))):
        assert bits(fused_grads[node]) == bits(separate_grads[node])


def activated(node: Value, activation: str) -> Value:
    """``node`` through the activation's own node (none for ``"linear"``)."""
    if activation == "linear":
        return node
    squash: Callable[[Value], Value] = getattr(Value, activation)
    return squash(node)


# Sums that overflow to inf or NaN, and sums deep in the flat parts of tanh and sigmoid.
EXTREMES = [1e308, -1e308, 3e307, -800.0, 800.0, 40.0, -40.0, 1e-310, -0.0, 0.0]


@settings(max_examples=150)
@given(
    inputs=st.lists(st.sampled_from(EXTREMES) | numbers, min_size=1, max_size=3),
    rows=st.lists(
        st.lists(st.sampled_from(EXTREMES) | numbers, min_size=4, max_size=4),
        min_size=1,
        max_size=3,
    ),
    activation=st.sampled_from(["relu", "tanh", "sigmoid"]),
    upstream=st.sampled_from([1.0, -2.5, 0.0, 1e300, 1e-300, math.inf]),
)
def test_joined_activations_keep_the_gradients_of_two_nodes_at_the_extremes(
    inputs: list[float], rows: list[list[float]], activation: str, upstream: float
) -> None:
    xs, sums, nodes, plain = joined_and_plain(inputs, rows, activation)
    # An infinite upstream gradient comes from an overflow, as it would in a model.
    scale = Value(1e308) * 10.0 if upstream == math.inf else Value(upstream)
    assert_same_gradients(nodes, plain, xs, sums, scale)


def hand_built(model: MLP, activations: Sequence[str]) -> MLP:
    """``model`` with its first layer's neurons given the activations in turn (a mixed layer)."""
    first, *rest = model.layers
    neurons = [
        attrs.evolve(neuron, activation=activations[index % len(activations)])
        for index, neuron in enumerate(first.neurons)
    ]
    return MLP(layers=[Layer(neurons=neurons), *rest])


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
def test_a_layer_of_mixed_activations_matches_its_neurons_one_by_one(activation: str) -> None:
    model = hand_built(
        MLP.create(2, [5, 3, 2], activation=activation, seed=4), ["relu", "tanh", "sigmoid"]
    )
    point = (Value(0.5), Value(-1.25))
    outputs = model.forward(point)
    values: tuple[Value, ...] = point
    for layer in model.layers:
        values = tuple(neuron._forward(values) for neuron in layer.neurons)
    assert [bits(v.data) for v in outputs] == [bits(v.data) for v in values]
    assert [bits(v) for v in model.evaluate((0.5, -1.25))] == [bits(v.data) for v in outputs]
    assert {node.op for node in topological_order(outputs[0])} >= {
        "tanh(linear)",
        "sigmoid(linear)",
    }


def textbook_max_margin(model: MLP, xs: list[tuple[float, float]], ys: list[float]) -> Value:
    """micrograd's loss written plainly: ``relu(1 - y * score)``, the mean, the L2 term."""
    scores = [model.forward(row)[0] for row in xs]
    losses = [(1.0 - score * y).relu() for score, y in zip(scores, ys)]
    data_loss = sum_values(losses) * (1.0 / len(losses))
    reg_loss: Value = 1e-4 * sum_values([p * p for p in model.parameters()])
    return data_loss + reg_loss


@settings(max_examples=60)
@given(
    seed=st.integers(0, 10_000),
    points=st.lists(
        st.tuples(st.tuples(numbers, numbers), st.sampled_from([-1.0, 1.0])),
        min_size=1,
        max_size=6,
    ),
)
def test_max_margin_gives_the_textbook_losses_and_gradients_bit_for_bit(
    seed: int, points: list[tuple[tuple[float, float], float]]
) -> None:
    model = MLP.create(2, [4, 4, 1], seed=seed)
    xs, ys = [x for x, _ in points], [y for _, y in points]
    loss = max_margin(model, xs, ys).total_loss
    textbook = textbook_max_margin(model, xs, ys)
    assert bits(loss.data) == bits(textbook.data)
    grads, textbook_grads = backward(loss), backward(textbook)
    for p in parameters(model):
        assert bits(grads[p]) == bits(textbook_grads[p])


def constructed(model: MLP, numbers: Sequence[float]) -> MLP:
    """``model``'s shape holding ``numbers``, built through every checking constructor."""
    values = iter(numbers)
    return MLP(
        layers=[
            Layer(
                neurons=[
                    Neuron(
                        weights=[Value(next(values), label=w.label) for w in neuron.weights],
                        bias=Value(next(values), label=neuron.bias.label),
                        nonlinear=neuron.nonlinear,
                        activation=neuron.activation,
                    )
                    for neuron in layer.neurons
                ]
            )
            for layer in model.layers
        ]
    )


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_a_rebuilt_model_is_the_model_the_checking_constructors_build(activation: str) -> None:
    model = MLP.create(3, [4, 2], activation=activation, seed=9)
    numbers = [0.25 * i - 3.0 for i in range(len(model.parameters()))]
    rebuilt, expected = with_parameters(model, numbers), constructed(model, numbers)
    assert rebuilt == expected

    # Every field of every part is set and holds what the checks would give (ids aside).
    def fields(model: MLP) -> dict[str, object]:
        return attrs.asdict(model, filter=lambda field, _value: field.name != "id")

    assert fields(rebuilt) == fields(expected)
    for layer, expected_layer in zip(rebuilt.layers, expected.layers):
        assert type(layer) is Layer and type(layer.neurons) is tuple
        for neuron, expected_neuron in zip(layer.neurons, expected_layer.neurons):
            assert type(neuron) is Neuron and type(neuron.weights) is tuple
            assert [w.label for w in neuron.weights] == [w.label for w in expected_neuron.weights]
            assert (neuron.nonlinear, neuron.activation) == (
                expected_neuron.nonlinear,
                expected_neuron.activation,
            )
    # The rebuilt model is as frozen as any other.
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        rebuilt.layers[0].neurons[0].bias = Value(0.0)  # type: ignore[misc]


def test_apply_gradients_builds_the_model_of_the_textbook_update() -> None:
    model = MLP.create(2, [3, 1], seed=2)
    loss = max_margin(model, [(0.5, -1.0), (2.0, 0.25)], [1.0, -1.0]).total_loss
    grads = backward(loss)
    stepped = apply_gradients(model, grads, 0.1)
    expected = constructed(model, [p.data - 0.1 * grads[p] for p in model.parameters()])
    assert stepped == expected
    assert [bits(p.data) for p in stepped.parameters()] == [
        bits(p.data) for p in expected.parameters()
    ]
