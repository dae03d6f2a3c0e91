"""The fast paths give exactly the numbers of the straightforward ones.

A hidden neuron is one node (``relu(linear)``, ``tanh(linear)`` or ``sigmoid(linear)``), a model
reads its weights' floats once per model, the topological walk uses set operations on wide
frontiers, the fold skips nodes that pass on only zeros, and ``evaluate_many`` evaluates a
neuron at every point before the next neuron. Each is checked bit for bit against the plain way
of computing the same thing.
"""

from __future__ import annotations

import copy
import gc
import math
import pickle
import struct
import weakref
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mgfunc import (
    InvalidTypeError,
    InvalidValueError,
    Value,
    backward,
    linear,
    sum_values,
    topological_order,
)
from mgfunc.datasets import moons
from mgfunc.losses import max_margin
from mgfunc.nn import MLP, Layer, Neuron, apply_gradients, forward_rows, parameters
from mgfunc.plot_data import decision_boundary
from mgfunc.value import (
    ActivatedSum,
    Leaf,
    NeuronNode,
    SharedGroup,
    leaf,
    leaves,
    weighted_sums,
)

# The textbook fold over the same graph, no skipped nodes: the equivalence test's reference.
from tests.test_equivalence import plain_fold

finite = st.floats(min_value=-10.0, max_value=10.0, allow_nan=False)
# Zeros of both signs and exact ties make ReLU's kink and signed zeros likely.
numbers = st.one_of(finite, st.sampled_from([0.0, -0.0, 1.0, -1.0]))


def bits(x: float) -> bytes:
    return struct.pack("<d", x)


def model_from(
    weights: Sequence[Sequence[Sequence[float]]],
    biases: Sequence[Sequence[float]],
    activation: str = "relu",
) -> MLP:
    last = len(weights) - 1
    return MLP(
        layers=[
            Layer(
                neurons=[
                    Neuron(
                        weights=[Value(w) for w in row],
                        bias=Value(b),
                        nonlinear=index != last,
                        activation=activation,
                    )
                    for row, b in zip(layer, layer_biases)
                ]
            )
            for index, (layer, layer_biases) in enumerate(zip(weights, biases))
        ]
    )


@st.composite
def models(draw: st.DrawFn, nin: int = 2) -> MLP:
    widths = [nin, *draw(st.lists(st.integers(1, 5), min_size=1, max_size=3))]
    weights = [
        [draw(st.lists(numbers, min_size=fan_in, max_size=fan_in)) for _ in range(fan_out)]
        for fan_in, fan_out in pairwise(widths)
    ]
    biases = [draw(st.lists(numbers, min_size=width, max_size=width)) for width in widths[1:]]
    return model_from(weights, biases, draw(st.sampled_from(["relu", "tanh", "sigmoid"])))


def unfused_forward(model: MLP, point: Sequence[Value | float]) -> tuple[Value, ...]:
    """The same forward pass with a separate activation node (ReLU, tanh or sigmoid) after
    every hidden ``linear`` node."""
    values = tuple(x if isinstance(x, Value) else Value(x) for x in point)
    for layer in model.layers:
        values = tuple(
            _activation_node(linear(n.weights, values, n.bias), n.activation)
            if n.nonlinear
            else linear(n.weights, values, n.bias)
            for n in layer.neurons
        )
    return values


def _activation_node(node: Value, activation: str) -> Value:
    if activation == "relu":
        return node.relu()
    return node.tanh() if activation == "tanh" else node.sigmoid()


@settings(max_examples=150)
@given(
    weights=st.lists(numbers, min_size=1, max_size=6),
    inputs=st.lists(numbers, min_size=6, max_size=6),
    bias=numbers,
    upstream=numbers,
)
def test_a_relu_linear_node_has_the_gradients_of_linear_then_relu_bit_for_bit(
    weights: list[float], inputs: list[float], bias: float, upstream: float
) -> None:
    ws = tuple(Value(w) for w in weights)
    xs = tuple(Value(x) for x in inputs[: len(weights)])
    b = Value(bias)
    (fused,) = weighted_sums(xs, [((*ws, b), tuple(weights), bias)], "relu")
    separate = linear(ws, xs, b).relu()
    assert fused.op == "relu(linear)" and len(fused.inputs) == len(fused.local_gradients)
    assert bits(fused.data) == bits(separate.data)
    # Scale by an upstream gradient, as a loss above the neuron would.
    fused_grads = backward(fused * upstream)
    separate_grads = backward(separate * upstream)
    for node in (*ws, *xs, b):
        assert bits(fused_grads[node]) == bits(separate_grads[node])


@settings(max_examples=60)
@given(model=models(), points=st.lists(st.tuples(numbers, numbers), min_size=1, max_size=4))
def test_a_models_graph_gives_the_gradients_of_the_unfused_graph_bit_for_bit(
    model: MLP, points: list[tuple[float, float]]
) -> None:
    fused = sum((model.forward(point)[0] for point in points), Value(0.0))
    unfused = sum((unfused_forward(model, point)[0] for point in points), Value(0.0))
    assert bits(fused.data) == bits(unfused.data)
    fused_grads, unfused_grads = backward(fused), backward(unfused)
    for p in parameters(model):
        assert bits(fused_grads[p]) == bits(unfused_grads[p])
    # One node per neuron per point: each hidden neuron's separate activation node is gone.
    hidden = sum(neuron.nonlinear for layer in model.layers for neuron in layer.neurons)
    saved = len(topological_order(unfused)) - len(topological_order(fused))
    assert saved == hidden * len(points)


def test_the_skip_keeps_the_nan_of_an_infinite_gradient_into_a_flat_relu() -> None:
    # Every local derivative of a flat relu(linear) node is 0, so the fold may skip it, except
    # when its upstream gradient is infinite: 0 * inf is NaN, and the plain fold has it.
    w, x, b = Value(1.0), Value(-2.0), Value(0.0)
    (flat,) = weighted_sums((x,), [((w, b), (1.0,), 0.0)], "relu")
    assert flat.data == 0.0 and flat.local_gradients == (0.0, 0.0, 0.0)
    huge = Value(1000.0).exp()  # inf, local derivative inf
    y = flat * huge
    expected, grads = plain_fold(y), backward(y)
    assert math.isnan(expected[w]) and math.isnan(grads[w])
    assert all(bits(grads[node]) == bits(expected[node]) for node in expected)
    # With a finite upstream the flat node passes on nothing, and every entry stays +0.0.
    finite_grads = backward(flat * 3.0)
    assert [bits(finite_grads[node]) for node in (w, x, b)] == [bits(0.0)] * 3


def same(a: float, b: float) -> bool:
    """Equal bit for bit, or both NaN (a NaN's payload is not part of the contract)."""
    return (math.isnan(a) and math.isnan(b)) or bits(a) == bits(b)


def non_finite(kind: str) -> Value:
    """A node holding inf, -inf or NaN (leaves refuse them, so each comes from operations)."""
    infinity = Value(1000.0).exp()
    if kind == "inf":
        return infinity
    if kind == "-inf":
        return -infinity
    return infinity - Value(1000.0).exp()


specials = st.one_of(numbers, st.sampled_from(["inf", "-inf", "nan"]))


@settings(max_examples=200)
@given(
    weights=st.lists(numbers, min_size=1, max_size=4),
    inputs=st.lists(specials, min_size=4, max_size=4),
    bias=numbers,
    upstream=st.one_of(numbers, st.sampled_from([math.inf, -math.inf])),
)
def test_the_fused_neuron_agrees_with_linear_then_relu_on_infinities_and_nan(
    weights: list[float], inputs: list[float | str], bias: float, upstream: float
) -> None:
    ws = tuple(Value(w) for w in weights)
    xs = tuple(non_finite(x) if isinstance(x, str) else Value(x) for x in inputs[: len(weights)])
    b = Value(bias)
    (fused,) = weighted_sums(xs, [((*ws, b), tuple(weights), bias)], "relu")
    separate = linear(ws, xs, b).relu()
    assert same(fused.data, separate.data)
    # The upstream gradient (possibly infinite) comes from a node above the neuron.
    scale = (
        Value(1000.0).exp() * (1.0 if upstream > 0 else -1.0) if math.isinf(upstream) else upstream
    )
    fused_grads = backward(fused * scale)
    separate_grads = backward(separate * scale)
    for node in (*ws, *xs, b):
        assert same(fused_grads[node], separate_grads[node]), node


def test_an_infinite_input_into_a_flat_neuron_gives_nan_gradients_as_zero_times_inf() -> None:
    # The sum is -inf, so the ReLU is flat; the plain graph passes back 0 * x = 0 * -inf = NaN
    # to the weight, and the fused node must too (it once passed back 0.0).
    w, b = Value(1.0), Value(0.0)
    x = non_finite("-inf")
    (fused,) = weighted_sums((x,), [((w, b), (1.0,), 0.0)], "relu")
    separate = linear((w,), (x,), b).relu()
    assert fused.data == separate.data == 0.0
    fused_grads, separate_grads = backward(fused), backward(separate)
    assert math.isnan(separate_grads[w]) and math.isnan(fused_grads[w])
    assert same(fused_grads[b], separate_grads[b]) and same(fused_grads[x], separate_grads[x])


def test_a_nan_sum_gives_nan_as_relu_does() -> None:
    w, b = Value(1.0), Value(0.0)
    x = non_finite("nan")
    (fused,) = weighted_sums((x,), [((w, b), (1.0,), 0.0)], "relu")
    plain = linear((w,), (x,), b).relu()
    # relu(NaN) is NaN (not max(0, NaN) = 0), and so is the fused neuron's NaN sum.
    assert math.isnan(fused.data) and math.isnan(plain.data)
    fused_grads, plain_grads = backward(fused), backward(plain)
    for node in (w, b, x):
        assert math.isnan(fused_grads[node]) and math.isnan(plain_grads[node])


@settings(max_examples=60)
@given(model=models(), point=st.tuples(specials, specials), upstream=numbers)
def test_a_model_on_non_finite_inputs_gives_the_unfused_graphs_numbers(
    model: MLP, point: tuple[float | str, float | str], upstream: float
) -> None:
    inputs = tuple(non_finite(x) if isinstance(x, str) else Value(x) for x in point)
    fused = model.forward(inputs)[0]
    unfused = unfused_forward(model, inputs)[0]
    assert same(fused.data, unfused.data)
    fused_grads, unfused_grads = backward(fused * upstream), backward(unfused * upstream)
    for node in (*parameters(model), *inputs):
        assert same(fused_grads[node], unfused_grads[node])


def test_a_model_that_ran_before_another_still_uses_its_own_weights() -> None:
    first = MLP.create(2, [4, 4, 1], seed=1)
    second = MLP.create(2, [4, 4, 1], seed=2)
    point = [0.5, -0.75]
    expected = {id(m): tuple(v.data for v in unfused_forward(m, point)) for m in (first, second)}
    for model in (first, second, first, second, first):
        assert tuple(v.data for v in model.forward(point)) == expected[id(model)]
        assert model.evaluate(point) == expected[id(model)]


def test_running_a_model_does_not_keep_it_alive() -> None:
    model = MLP.create(2, [64, 64, 1], seed=3)
    model.forward([0.5, -0.75])
    alive = weakref.ref(model)
    del model
    gc.collect()
    assert alive() is None


def test_threads_running_different_models_get_their_own_numbers() -> None:
    models_ = [MLP.create(2, [8, 8, 1], seed=seed) for seed in range(4)]
    data = moons(20, noise=0.1, seed=5)

    def losses(model: MLP) -> list[float]:
        return [max_margin(model, data.xs, data.ys).total_loss.data for _ in range(20)]

    expected = [losses(model) for model in models_]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(losses, models_ * 2)) == expected * 2


@st.composite
def graphs(draw: st.DrawFn) -> Value:
    """Random DAGs of +, *, relu and n-ary sums: wide levels and long narrow chains."""
    leaves = [Value(draw(finite)) for _ in range(draw(st.integers(1, 6)))]
    nodes = list(leaves)
    for _ in range(draw(st.integers(1, 40))):
        kind = draw(st.sampled_from(["add", "mul", "relu", "sum"]))
        pick = st.sampled_from(nodes)
        if kind == "add":
            nodes.append(draw(pick) + draw(pick))
        elif kind == "mul":
            nodes.append(draw(pick) * draw(pick))
        elif kind == "relu":
            nodes.append(draw(pick).relu())
        else:
            nodes.append(sum_values(draw(st.lists(pick, min_size=1, max_size=20))))
    return nodes[-1]


def reference_order(output: Value) -> list[Value]:
    """Depth-first collection with an explicit stack, sorted by creation id."""
    seen, stack = {output}, [output]
    while stack:
        for node in stack.pop().inputs:
            if node not in seen:
                seen.add(node)
                stack.append(node)
    return sorted(seen, key=lambda node: node.id)


@settings(max_examples=150)
@given(output=graphs())
def test_the_walk_finds_every_node_once_in_creation_order(output: Value) -> None:
    order = topological_order(output)
    assert order == reference_order(output)
    position = {node: index for index, node in enumerate(order)}
    assert all(position[child] < position[node] for node in order for child in node.inputs)


@settings(max_examples=60)
@given(
    model=models(),
    points=st.lists(st.tuples(numbers, numbers), min_size=1, max_size=30),
    extra=st.booleans(),
)
def test_the_walk_of_a_models_graph_finds_every_node_once_in_creation_order(
    model: MLP, points: list[tuple[float, float]], extra: bool
) -> None:
    # Many points make wide frontiers whose nodes share their parameter and input groups;
    # ``extra`` adds nodes that read a neuron's node and a parameter outside any group.
    outputs = [row[0] for row in forward_rows(model, points)]
    terms = [out * parameters(model)[0] if extra else out for out in outputs]
    output = sum_values(terms)
    assert topological_order(output) == reference_order(output)
    # The fold over the grouped edges against the textbook fold over ``inputs``, bit for bit.
    # A tanh or sigmoid neuron's node passes its gradient on as its two nodes would: through
    # the activation's slope first, then the sum's own derivatives.
    table = {output: 1.0}
    for node in reversed(reference_order(output)):
        upstream, local_gradients = table[node], node.local_gradients
        if isinstance(node, ActivatedSum):
            upstream, local_gradients = 0.0 + upstream * node._slope, node._sum_gradients
        for child, local in zip(node.inputs, local_gradients):
            table[child] = table.get(child, 0.0) + local * upstream
    grads = backward(output)
    assert all(bits(grads[node]) == bits(gradient) for node, gradient in table.items())


def test_a_neurons_nodes_share_their_parameter_and_input_groups() -> None:
    # The walk unpacks a shared group once: a neuron's parameters are one tuple at every point,
    # and a layer's inputs at a point one tuple for every neuron, never a copy per node.
    model = MLP.create(2, [3, 1], seed=0)
    (first,), (second,) = forward_rows(model, [(0.5, -1.0), (2.0, 0.25)])
    (top,) = model.layers[1].neurons
    for output in (first, second):
        hidden = output._input_group
        # What users read stays the flat, plain tuples.
        assert type(output.inputs) is tuple
        assert output.inputs == (*top.weights, top.bias, *hidden)
        assert output.local_gradients == (
            *(h.data for h in hidden),
            1.0,
            *(w.data for w in top.weights),
        )
        assert len({id(node._input_group) for node in hidden}) == 1
    assert first._parameter_group is second._parameter_group
    pairs = zip(model.layers[0].neurons, first._input_group, second._input_group)
    for neuron, at_first, at_second in pairs:
        assert at_first._parameter_group is at_second._parameter_group
        assert tuple(at_first._parameter_group) == neuron.parameters()


def test_shared_groups_are_equal_and_hashed_only_by_identity() -> None:
    x, y = Value(1.0), Value(2.0)
    group, twin = SharedGroup((x, y)), SharedGroup((x, y))
    assert group == group and group != twin
    assert len({group, twin, group}) == 2
    assert hash(group) == object.__hash__(group)
    assert list(group) == [x, y] and isinstance(group, tuple)


def test_the_walk_handles_a_wide_level_above_a_long_chain() -> None:
    x = Value(1.0)
    chain = x
    for _ in range(3_000):
        chain = chain * 1.0
    top = sum_values(chain + float(i) for i in range(100))
    order = topological_order(top)
    assert order == reference_order(top)
    assert backward(top)[x] == 100.0


@settings(max_examples=100)
@given(model=models(), points=st.lists(st.tuples(numbers, numbers), max_size=30))
def test_evaluate_many_equals_evaluate_at_every_point_bit_for_bit(
    model: MLP, points: list[tuple[float, float]]
) -> None:
    many = model.evaluate_many(points)
    assert len(many) == len(points)
    for point, outputs in zip(points, many):
        one = model.evaluate(point)
        graph = tuple(v.data for v in model.forward(point))
        assert [bits(v) for v in outputs] == [bits(v) for v in one] == [bits(v) for v in graph]


def test_evaluate_many_takes_lists_and_mixed_numbers_like_evaluate() -> None:
    model = MLP.create(3, [4, 2], seed=3)
    rows: list[Sequence[float]] = [[1, 2.5, -3], (0.0, -0.0, 1e-300), [5e-324, 0.5, 0.25]]
    assert model.evaluate_many(rows) == tuple(model.evaluate(row) for row in rows)
    assert model.evaluate_many([]) == ()


@pytest.mark.parametrize(
    ("rows", "error", "message"),
    [
        ("ab", InvalidTypeError, r"rows must be a sequence of points.*got str"),
        (5, InvalidTypeError, r"rows must be a sequence of points.*got int"),
        ([(1.0, 2.0), (1.0,)], InvalidValueError, r"rows\[1\]: inputs has 1 entries"),
        (
            [(1.0, 2.0), (1.0, math.nan)],
            InvalidValueError,
            r"rows\[1\]: inputs\[1\] must be finite",
        ),
        ([(1.0, math.inf)], InvalidValueError, r"rows\[0\]: inputs\[1\] must be finite"),
        ([(1.0, "2")], InvalidTypeError, r"rows\[0\]: inputs\[1\] must be a real number"),
        ([(Value(1.0), 2.0)], InvalidTypeError, r"rows\[0\]: evaluate takes plain numbers"),
    ],
)
def test_evaluate_many_refuses_bad_rows_naming_the_row(
    rows: object, error: type[Exception], message: str
) -> None:
    model = MLP.create(2, [3, 1], seed=0)
    with pytest.raises(error, match=message):
        model.evaluate_many(rows)  # type: ignore[arg-type]


def test_decision_boundary_at_h_005_scores_every_point_as_evaluate_does() -> None:
    data = moons(30, noise=0.1, seed=7)
    model = MLP.create(2, [8, 8, 1], seed=7)
    rows = decision_boundary(model, data, h=0.05)
    assert len(rows) > 4_000
    assert all(bits(row.score) == bits(model.evaluate((row.x, row.y))[0]) for row in rows)


# A tanh or sigmoid neuron's node keeps the activation's slope apart from the sum's derivatives.


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_a_joined_activations_local_gradients_are_the_two_nodes_products(activation: str) -> None:
    ws, xs, b = (Value(0.7), Value(-1.3)), (Value(0.4), Value(2.0)), Value(0.1)
    (node,) = weighted_sums(xs, [((*ws, b), (0.7, -1.3), 0.1)], activation)
    total = linear(ws, xs, b)
    squashed = _activation_node(total, activation)
    assert isinstance(node, ActivatedSum) and node.op == f"{activation}(linear)"
    assert node.inputs == (*ws, b, *xs)
    (slope,) = squashed.local_gradients
    assert node.local_gradients == tuple(slope * local for local in total.local_gradients)
    assert bits(node.data) == bits(squashed.data)


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
def test_a_neurons_nodes_read_copy_and_refuse_evolve_like_values(activation: str) -> None:
    model = MLP.create(2, [3, 1], activation=activation, seed=2)
    (score,) = model.forward((0.5, -0.25))
    hidden = score.inputs[-1]
    assert isinstance(score, NeuronNode) and isinstance(hidden, NeuronNode)
    assert (score.op, hidden.op) == ("linear", f"{activation}(linear)")
    assert score.label == hidden.label == ""
    for node in (score, hidden):
        for copied in (copy.copy(node), copy.deepcopy(node), pickle.loads(pickle.dumps(node))):
            assert type(copied) is type(node) and copied is not node
            assert (copied.data, copied.op, copied.label, copied.id) == (
                node.data,
                node.op,
                node.label,
                node.id,
            )
            assert copied.local_gradients == node.local_gradients
            assert [v.data for v in copied.inputs] == [v.data for v in node.inputs]
            assert backward(copied)[copied.inputs[0]] == backward(node)[node.inputs[0]]
        with pytest.raises(InvalidTypeError, match=r"Value\(data, label=\.\.\.\)"):
            attrs.evolve(node, label="h")
        with pytest.raises(attrs.exceptions.FrozenInstanceError, match=r"^Value is immutable"):
            node.data = 1.0  # type: ignore[misc]


def test_leaves_are_the_values_leaf_builds_one_at_a_time() -> None:
    # A rebuilt model's parameters are made all at once; each is the leaf leaf() would make.
    numbers = [0.5, -0.0, 1e-300, -3.0]
    labels = ["w", "", "b", "x"]
    built = leaves(numbers, labels)
    one_by_one = [leaf(x, label) for x, label in zip(numbers, labels)]
    assert len(built) == len(numbers)
    for new, single in zip(built, one_by_one):
        assert type(new) is type(single) is Leaf and isinstance(new, Value)
        assert bits(new.data) == bits(single.data)
        assert new.label == single.label
        assert (new.op, new.inputs, new.local_gradients) == ("", (), ())
        assert (single.op, single.inputs, single.local_gradients) == ("", (), ())
    ids = [node.id for node in built]
    assert ids == sorted(set(ids))  # distinct, in the nodes' order
    assert ids[-1] < one_by_one[0].id  # drawn from the one counter, when they were made
    with pytest.raises(AttributeError):
        built[0].data = 1.0  # type: ignore[misc]
    assert leaves([], []) == []


def test_a_gradient_table_reads_many_nodes_as_it_reads_one() -> None:
    x, y, outside = Value(2.0), Value(-3.0), Value(1.0)
    grads = backward(x * y + x)
    nodes = [x, outside, y, x]
    assert grads._gradients_of(nodes) == [grads[node] for node in nodes] == [-2.0, 0.0, 2.0, -2.0]


def test_parameters_are_each_neurons_weights_then_bias_layer_by_layer() -> None:
    model = MLP.create(2, [3, 2, 1], seed=3)
    plain = [p for layer in model.layers for n in layer.neurons for p in (*n.weights, n.bias)]
    assert parameters(model) == tuple(plain)
    assert model.layers[1].parameters() == tuple(plain[9:17])
    assert model.layers[0].neurons[2].parameters() == tuple(plain[6:9])


def test_mgfuncs_own_leaves_read_copy_and_evolve_like_values() -> None:
    model = MLP.create(2, [2, 1], seed=1)
    grads = backward(max_margin(model, [(0.5, -0.5)], [1.0]).total_loss)
    updated = apply_gradients(model, grads, 0.1)
    weight = updated.parameters()[0]
    user = Value(weight.data, label=weight.label)
    assert isinstance(weight, Leaf)
    for read in ("data", "label", "op", "inputs", "local_gradients"):
        assert getattr(weight, read) == getattr(user, read)
    for copied in (copy.copy(weight), copy.deepcopy(weight), pickle.loads(pickle.dumps(weight))):
        assert type(copied) is Leaf and copied is not weight
        assert (copied.data, copied.label, copied.id) == (weight.data, weight.label, weight.id)
    # attrs.evolve checks the data and label as Value(...) does, and makes a fresh leaf.
    moved = attrs.evolve(weight, data=0.25)
    assert (moved.data, moved.label, moved.op, moved.inputs) == (0.25, weight.label, "", ())
    assert moved.id > weight.id
    with pytest.raises(InvalidValueError, match="finite"):
        attrs.evolve(weight, data=math.inf)
    with pytest.raises(InvalidTypeError):
        attrs.evolve(weight, label=3)  # type: ignore[arg-type]  # deliberately wrong
    with pytest.raises(attrs.exceptions.FrozenInstanceError, match=r"^Value is immutable"):
        weight.data = 1.0  # type: ignore[misc]


def test_error_messages_name_every_kind_of_value_value() -> None:
    model = MLP.create(2, [2, 1], seed=1)
    (score,) = model.forward((0.5, -0.5))
    hidden, weight = score.inputs[-1], parameters(model)[0]
    updated = apply_gradients(model, backward(score), 0.1)
    for node in (score, hidden, updated.parameters()[0]):
        assert type(node) is not Value
        with pytest.raises(InvalidTypeError, match=r"got Value Value\(data="):
            Value(node)  # the converter takes any object and refuses this one
        with pytest.raises(InvalidTypeError, match="grads must be a Gradients table, got Value;"):
            apply_gradients(model, node, 0.1)  # type: ignore[arg-type]  # deliberately wrong
    with pytest.raises(InvalidTypeError, match="model must be an MLP, got Value"):
        max_margin(weight, [(0.5, -0.5)], [1.0])  # type: ignore[arg-type]  # deliberately wrong
