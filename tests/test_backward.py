"""backward: known values, the frozen table, deep graphs, and properties of random expressions."""

from __future__ import annotations

import math
import sys
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mgfunc
from mgfunc import Gradients, InvalidTypeError, Value, backward
from tests.expressions import warmup
from tests.gradcheck import numeric_gradient


def test_warmup_known_values() -> None:
    x, y = warmup()
    grads = backward(y)
    assert y.data == -20.0
    assert grads[x] == 46.0


def test_micrograd_second_classic_expression() -> None:
    a, b = Value(-4.0), Value(2.0)
    c = a + b
    d = a * b + b**3
    c = c + (c + 1)
    c = c + (1 + c + (-a))
    d = d + (d * 2 + (b + a).relu())
    d = d + (3 * d + (b - a).relu())
    e = c - d
    f = e**2
    g = f / 2.0
    g = g + 10.0 / f
    grads = backward(g)
    assert g.data == pytest.approx(24.7041, abs=1e-4)
    assert grads[a] == pytest.approx(138.8338, abs=1e-4)
    assert grads[b] == pytest.approx(645.5773, abs=1e-4)


def test_outside_the_graph_is_zero_and_not_contained() -> None:
    x, y = warmup()
    stranger = Value(1.0)
    grads = backward(y)
    assert grads[stranger] == 0.0
    assert stranger not in grads and x in grads and y in grads
    assert grads[y] == 1.0
    assert "x" not in grads  # type: ignore[comparison-overlap]


def test_the_table_is_a_read_only_mapping() -> None:
    x, y = warmup()
    grads = backward(y)
    assert isinstance(grads, Gradients)
    assert len(grads) == len(mgfunc.topological_order(y))
    assert set(grads) == set(mgfunc.topological_order(y))
    assert next(iter(grads)) is y
    with pytest.raises(TypeError):
        grads[x] = 0.0  # type: ignore[index]
    with pytest.raises(AttributeError):
        grads._table = {}  # type: ignore[misc]
    with pytest.raises(TypeError):
        grads._table[x] = 0.0  # type: ignore[index]
    assert grads[x] == 46.0
    with pytest.raises(InvalidTypeError, match="looked up by Value"):
        _ = grads["x"]  # type: ignore[index]


def test_the_table_keeps_the_mapping_contract() -> None:
    # What any code written for a Mapping expects: get honours its default, and keys, values,
    # items and == agree with a dict of the same entries.
    x, y = warmup()
    stranger = Value(1.0)
    grads = backward(y)
    table = dict(grads.items())
    assert grads.get(x) == grads.get(x, -1.0) == 46.0
    assert grads.get(stranger) is None
    assert grads.get(stranger, -1.0) == -1.0
    assert grads.get("x", "absent") == "absent"  # type: ignore[call-overload]
    assert list(grads.keys()) == list(table) == list(grads)
    assert list(grads.values()) == [grads[node] for node in grads]
    assert grads == table and table == grads and grads == Gradients(table)
    assert grads != {**table, stranger: 0.0}  # one more entry: a Mapping compares entries
    assert grads != backward(warmup()[1])  # another graph: other nodes
    # The one deliberate difference from a dict: indexing gives the gradient, 0.0.
    assert grads[stranger] == 0.0
    with pytest.raises(KeyError):
        _ = table[stranger]


def test_a_table_built_from_a_dict_does_not_alias_it() -> None:
    x = Value(1.0)
    source = {x: 2.0}
    grads = Gradients(source)
    source[x] = 99.0
    assert grads[x] == 2.0


def test_backward_leaves_the_graph_untouched_and_repeats() -> None:
    _, y = warmup()
    snapshot = [(n.data, n.inputs, n.local_gradients) for n in mgfunc.topological_order(y)]
    first, second = backward(y), backward(y)
    assert dict(first) == dict(second)
    assert [(n.data, n.inputs, n.local_gradients) for n in mgfunc.topological_order(y)] == snapshot


def test_backward_refuses_a_non_value() -> None:
    with pytest.raises(InvalidTypeError, match="must be a Value"):
        backward(3.0)  # type: ignore[arg-type]


def test_a_million_node_chain_needs_no_recursion() -> None:
    x = Value(0.0, label="x")
    v = Value(1.0, label="v")
    for _ in range(1_000_000):
        x = x + v
    grads = backward(x)
    assert x.data == 1_000_000.0
    assert grads[v] == 1_000_000.0
    assert len(grads) == 1_000_002


def test_grad_and_value_and_grad() -> None:
    def f(a: Value, b: Value) -> Value:
        return (a * b + a.tanh()) / b

    value, (da, db) = mgfunc.value_and_grad(f)(0.5, 2.0)
    assert value == pytest.approx((0.5 * 2.0 + math.tanh(0.5)) / 2.0)
    assert (da, db) == mgfunc.grad(f)(0.5, 2.0)
    numeric = numeric_gradient(f, [0.5, 2.0])
    assert da == pytest.approx(numeric[0], rel=1e-6)
    assert db == pytest.approx(numeric[1], rel=1e-6)
    assert mgfunc.grad(lambda a: 3.0)(1.0) == (0.0,)
    with pytest.raises(InvalidTypeError, match="f must be a function"):
        mgfunc.grad(3.0)  # type: ignore[call-overload]
    with pytest.raises(InvalidTypeError, match="argument 0"):
        mgfunc.grad(lambda a: a)("x")  # type: ignore[call-overload]
    with pytest.raises(InvalidTypeError, match="must return a Value"):
        mgfunc.grad(lambda a: "oops")(1.0)  # type: ignore[arg-type, return-value]


# Random expressions: a small tree of operations over three inputs, built from a recipe.
UNARY: list[Callable[[Value], Value]] = [
    lambda a: a.tanh(),
    lambda a: a.sigmoid(),
    lambda a: -a,
    lambda a: a * 0.5,
    lambda a: (a * a + 1.0).log(),
    lambda a: a**2,
    lambda a: (a * 0.3).exp(),
]
BINARY: list[Callable[[Value, Value], Value]] = [
    lambda a, b: a + b,
    lambda a, b: a - b,
    lambda a, b: a * b,
    lambda a, b: a / (b * b + 1.0),
    lambda a, b: mgfunc.sum_values([a, b, a]),
    lambda a, b: mgfunc.linear([a, b], [b, 0.5], a),
]

recipes = st.lists(
    st.tuples(
        st.booleans(),
        st.integers(0, 6),
        st.integers(0, 50),
        st.integers(0, 50),
    ),
    min_size=1,
    max_size=12,
)
points = st.lists(st.floats(-2.0, 2.0, allow_nan=False), min_size=3, max_size=3)


def build(recipe: list[tuple[bool, int, int, int]]) -> Callable[..., Value]:
    def f(*inputs: Value) -> Value:
        pool = list(inputs)
        for unary, which, i, j in recipe:
            a, b = pool[i % len(pool)], pool[j % len(pool)]
            pool.append(UNARY[which](a) if unary else BINARY[which % len(BINARY)](a, b))
        return pool[-1]

    return f


@settings(max_examples=150)
@given(recipes, points)
def test_random_expressions_match_central_differences(
    recipe: list[tuple[bool, int, int, int]], point: list[float]
) -> None:
    f = build(recipe)
    value, analytic = mgfunc.value_and_grad(f)(*point)
    step = 1e-6
    numeric = numeric_gradient(f, point, step=step)
    # Central differences carry a rounding error of about eps * |f| / step: for an expression
    # whose value is in the millions that alone is about 1e-3, so the tolerance grows with |f|.
    rounding = 8 * sys.float_info.epsilon * abs(value) / step
    for a, n in zip(analytic, numeric, strict=True):
        assert math.isclose(a, n, rel_tol=1e-4, abs_tol=1e-5 + rounding), (analytic, numeric)


@settings(max_examples=100)
@given(recipes, points)
def test_random_expressions_leave_inputs_unchanged_and_tables_frozen(
    recipe: list[tuple[bool, int, int, int]], point: list[float]
) -> None:
    inputs = [Value(x) for x in point]
    output = build(recipe)(*inputs)
    grads = backward(output)
    assert [x.data for x in inputs] == point
    assert all(x.inputs == () for x in inputs)
    with pytest.raises(TypeError):
        grads[inputs[0]] = 1.0  # type: ignore[index]
    assert dict(backward(output)) == dict(grads)
