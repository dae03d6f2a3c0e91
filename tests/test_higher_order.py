"""Derivatives of every order: every op and fused node, random expressions, a model's loss.

Three independent references: closed forms, central differences, and the same expression
written with plain operators. Each derivative is computed along every path mgfunc has: the Taylor
pass (numbers in), nested transforms (a Value in), forward over reverse, reverse over forward.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mgfunc import (
    Value,
    derivative,
    grad,
    hessian,
    hvp,
    jvp,
    logsumexp,
    sum_values,
)
from mgfunc.losses import cross_entropy, max_margin
from mgfunc.nn import MLP, with_parameters
from mgfunc.transforms import Derivative
from mgfunc.value import sum_of_squares, weighted_sums

Scalar = Callable[[Value], Value]


def _number(x: Value | float) -> float:
    return x.data if isinstance(x, Value) else x


def _nth(f: Callable[[Value], Value | float], n: int) -> Derivative:
    """The n-th derivative of f (n >= 1), by nesting ``derivative``."""
    g = derivative(f)
    for _ in range(n - 1):
        g = derivative(g)
    return g


def _falling(p: float, k: int) -> float:
    return math.prod(p - i for i in range(k))


def _tanh_derivatives(x: float) -> list[float]:
    t = math.tanh(x)
    s = 1.0 - t * t
    return [s, -2 * t * s, s * (6 * t * t - 2), s * (16 * t - 24 * t**3)]


def _sigmoid_derivatives(x: float) -> list[float]:
    s = 1.0 / (1.0 + math.exp(-x))
    d = s * (1 - s)
    return [
        d,
        d * (1 - 2 * s),
        d * (1 - 6 * s + 6 * s * s),
        d * (1 - 2 * s) * (1 - 12 * s + 12 * s * s),
    ]


# (function of x, its derivatives of order 1..4 at x, the point)
CLOSED_FORMS: dict[str, tuple[Scalar, Callable[[float], list[float]], float]] = {
    "x + c": (lambda x: x + 2.5, lambda x: [1.0, 0.0, 0.0, 0.0], 0.7),
    "c - x": (lambda x: 2.5 - x, lambda x: [-1.0, 0.0, 0.0, 0.0], 0.7),
    "x * x": (lambda x: x * x, lambda x: [2 * x, 2.0, 0.0, 0.0], 0.7),
    "c / x": (
        lambda x: 3.0 / x,
        lambda x: [3.0 * (-1) ** k * math.factorial(k) / x ** (k + 1) for k in range(1, 5)],
        0.7,
    ),
    "x / c": (lambda x: x / 4.0, lambda x: [0.25, 0.0, 0.0, 0.0], 0.7),
    "-x": (lambda x: -x, lambda x: [-1.0, 0.0, 0.0, 0.0], 0.7),
    "x ** 3": (lambda x: x**3, lambda x: [_falling(3, k) * x ** (3 - k) for k in range(1, 5)], 0.7),
    "x ** 5 at 0": (lambda x: x**5, lambda x: [0.0, 0.0, 0.0, 0.0], 0.0),
    "x ** 0.5": (
        lambda x: x**0.5,
        lambda x: [_falling(0.5, k) * x ** (0.5 - k) for k in range(1, 5)],
        0.7,
    ),
    "x ** -2": (
        lambda x: x**-2,
        lambda x: [_falling(-2, k) * x ** (-2 - k) for k in range(1, 5)],
        0.7,
    ),
    "x ** 1.5": (
        lambda x: x**1.5,
        lambda x: [_falling(1.5, k) * x ** (1.5 - k) for k in range(1, 5)],
        1.3,
    ),
    "relu(x), x > 0": (lambda x: x.relu(), lambda x: [1.0, 0.0, 0.0, 0.0], 0.7),
    "relu(x), x < 0": (lambda x: x.relu(), lambda x: [0.0, 0.0, 0.0, 0.0], -0.7),
    "tanh": (lambda x: x.tanh(), _tanh_derivatives, 0.4),
    "exp": (lambda x: x.exp(), lambda x: [math.exp(x)] * 4, 0.4),
    "log": (
        lambda x: x.log(),
        lambda x: [(-1) ** (k - 1) * math.factorial(k - 1) / x**k for k in range(1, 5)],
        0.4,
    ),
    "sigmoid": (lambda x: x.sigmoid(), _sigmoid_derivatives, -0.3),
    "sum": (
        lambda x: sum_values([x, x * x, 2.0]),
        lambda x: [1 + 2 * x, 2.0, 0.0, 0.0],
        0.4,
    ),
    "sum of squares": (
        lambda x: sum_of_squares([x, 2.0 * x]),
        lambda x: [10 * x, 10.0, 0.0, 0.0],
        0.4,
    ),
    "logsumexp": (
        # log(e^x + e^0) = softplus(x): its derivatives are those of the sigmoid, one order down
        lambda x: logsumexp([x, 0.0]),
        lambda x: [1.0 / (1.0 + math.exp(-x)), *_sigmoid_derivatives(x)[:3]],
        0.3,
    ),
}


@pytest.mark.parametrize("name", sorted(CLOSED_FORMS))
def test_every_op_to_order_four_against_its_closed_form(name: str) -> None:
    f, closed_form, x = CLOSED_FORMS[name]
    expected = closed_form(x)
    for order in range(1, 5):
        fast = _nth(f, order)(x)  # numbers in: the Taylor pass (order > 1)
        nested = _nth(f, order)(Value(x))  # a Value in: transforms nested order times
        want = expected[order - 1]
        assert fast == pytest.approx(want, rel=1e-12, abs=1e-12), (name, order, "taylor")
        assert _number(nested) == pytest.approx(want, rel=1e-12, abs=1e-12), (name, order)


@pytest.mark.parametrize("name", sorted(CLOSED_FORMS))
def test_every_op_to_order_four_against_central_differences(name: str) -> None:
    f, _, x = CLOSED_FORMS[name]
    step = 1e-4
    for order in range(1, 5):
        if order == 1:
            numeric = (f(Value(x + step)).data - f(Value(x - step)).data) / (2 * step)
        else:
            lower = _nth(f, order - 1)
            numeric = (lower(x + step) - lower(x - step)) / (2 * step)
        assert _number(_nth(f, order)(x)) == pytest.approx(numeric, rel=1e-5, abs=1e-6), (
            name,
            order,
        )


# Fused nodes against the same expression in plain operators, along a line through inputs.

DIRECTIONS = (0.3, -0.7, 0.5, 0.9, -0.2, 0.4, -0.6)
START = (0.2, -0.4, 0.8, -0.1, 0.6, 0.3, -0.5)


def _line(t: Value, count: int) -> list[Value]:
    return [START[i] + DIRECTIONS[i] * t for i in range(count)]


def _linear_fused(t: Value, activation: str) -> Value:
    w0, w1, b, x0, x1 = _line(t, 5)
    (node,) = weighted_sums((x0, x1), [((w0, w1, b), (w0.data, w1.data), b.data)], activation)
    assert node.op == ("linear" if activation == "linear" else f"{activation}(linear)")
    return node


def _linear_plain(t: Value, activation: str) -> Value:
    w0, w1, b, x0, x1 = _line(t, 5)
    total = b + w0 * x0 + w1 * x1
    if activation == "linear":
        return total
    squash: Callable[[], Value] = getattr(total, activation)
    return squash()


def _joined(activation: str, shift: float = 0.0) -> tuple[Scalar, Scalar]:
    return (
        lambda t: _linear_fused(shift + t, activation),
        lambda t: _linear_plain(shift + t, activation),
    )


FUSED: dict[str, tuple[Scalar, Scalar]] = {
    "linear": _joined("linear"),
    "relu(linear), active": _joined("relu"),
    "relu(linear), flat": (
        lambda t: _linear_fused(-3.0 - t, "relu"),
        lambda t: _linear_plain(-3.0 - t, "relu"),
    ),
    "tanh(linear)": _joined("tanh"),
    "tanh(linear), away from 0": _joined("tanh", 1.5),
    "sigmoid(linear)": _joined("sigmoid"),
    "sigmoid(linear), away from 0": _joined("sigmoid", -2.0),
    "sum": (
        lambda t: sum_values(_line(t, 4), 1.5),
        lambda t: 1.5 + _line(t, 4)[0] + _line(t, 4)[1] + _line(t, 4)[2] + _line(t, 4)[3],
    ),
    "sum of squares": (
        lambda t: sum_of_squares(_line(t, 3)),
        lambda t: _line(t, 3)[0] ** 2 + _line(t, 3)[1] ** 2 + _line(t, 3)[2] ** 2,
    ),
    "logsumexp": (
        lambda t: logsumexp(_line(t, 3)),
        lambda t: sum_values([v.exp() for v in _line(t, 3)]).log(),
    ),
}


@pytest.mark.parametrize("name", sorted(FUSED))
def test_fused_nodes_equal_plain_operators_to_order_four(name: str) -> None:
    fused, plain = FUSED[name]
    for t in (0.25, -0.6):
        for order in range(1, 5):
            want = _nth(plain, order)(t)
            assert _nth(fused, order)(t) == pytest.approx(want, rel=1e-12, abs=1e-13)
            assert _number(_nth(fused, order)(Value(t))) == pytest.approx(
                want, rel=1e-12, abs=1e-13
            )


# Random expressions: every way to a Hessian agrees with every other and with differences.

UNARY: dict[str, Callable[[Value], Value]] = {
    "tanh": lambda v: v.tanh(),
    "sigmoid": lambda v: v.sigmoid(),
    "exp": lambda v: (0.3 * v).exp(),
    "log": lambda v: (1.0 + v * v).log(),
    "square": lambda v: v**2,
    "cube": lambda v: v**3,
    "neg": lambda v: -v,
    "relu": lambda v: v.relu(),
}
BINARY: dict[str, Callable[[Value, Value], Value]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / (1.5 + b * b),
    "logsumexp": lambda a, b: logsumexp([a, b, 0.5]),
    "sum": lambda a, b: sum_values([a, b, a * b]),
    "sum of squares": lambda a, b: sum_of_squares([a, b]),
}

Tree = tuple[object, ...]


def _trees() -> st.SearchStrategy[Tree]:
    leaves = st.sampled_from([("x",), ("y",), ("c", 0.75), ("c", -1.25)])
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.tuples(st.just("u"), st.sampled_from(sorted(UNARY)), inner),
            st.tuples(st.just("b"), st.sampled_from(sorted(BINARY)), inner, inner),
        ),
        max_leaves=6,
    )


def _build(tree: Tree, x: Value, y: Value) -> Value | float:
    kind = tree[0]
    if kind == "x":
        return x
    if kind == "y":
        return y
    if kind == "c":
        return float(tree[1])  # type: ignore[arg-type]
    if kind == "u":
        return UNARY[str(tree[1])](_as_value(_build(tree[2], x, y)))  # type: ignore[arg-type]
    left = _build(tree[2], x, y)  # type: ignore[arg-type]
    right = _build(tree[3], x, y)  # type: ignore[arg-type]
    return BINARY[str(tree[1])](_as_value(left), _as_value(right))


def _as_value(v: Value | float) -> Value:
    return v if isinstance(v, Value) else Value(v)


def _close(a: float, b: float, scale: float) -> bool:
    return abs(a - b) <= 1e-7 * max(1.0, scale)


def _hessians(tree: Tree, point: tuple[float, float]) -> dict[str, list[list[float]]]:
    def f(x: Value, y: Value) -> Value | float:
        return _build(tree, x, y)

    found: dict[str, list[list[float]]] = {"fast": [list(r) for r in hessian(f)(*point)]}
    for name in ("nested reverse", "forward over reverse", "reverse over forward"):
        found[name] = [[0.0, 0.0], [0.0, 0.0]]
    for i in range(2):
        for j in range(2):
            e_i = tuple(1.0 if k == i else 0.0 for k in range(2))

            def gradient_i(x: Value, y: Value, i: int = i) -> Value | float:
                return grad(f)(x, y)[i]

            def tangent_i(x: Value, y: Value, e_i: tuple[float, ...] = e_i) -> Value | float:
                return jvp(f, (x, y), e_i)[1]

            e_j = tuple(1.0 if k == j else 0.0 for k in range(2))
            found["nested reverse"][i][j] = grad(gradient_i, argnums=j)(*point)
            found["forward over reverse"][i][j] = jvp(gradient_i, point, e_j)[1]
            found["reverse over forward"][i][j] = grad(tangent_i, argnums=j)(*point)
    step = 1e-5
    numeric = [[0.0, 0.0], [0.0, 0.0]]
    for j in range(2):
        up = grad(f)(*[p + (step if k == j else 0.0) for k, p in enumerate(point)])
        down = grad(f)(*[p - (step if k == j else 0.0) for k, p in enumerate(point)])
        for i in range(2):
            numeric[i][j] = (up[i] - down[i]) / (2 * step)
    found["differences"] = numeric
    return found


@settings(max_examples=60)
@given(_trees(), st.floats(-1.5, 1.5), st.floats(-1.5, 1.5))
def test_random_expressions_every_hessian_agrees(tree: Tree, x: float, y: float) -> None:
    point = (x, y)
    found = _hessians(tree, point)
    reference = found.pop("fast")
    numeric = found.pop("differences")
    scale = max(abs(v) for row in reference for v in row)
    for name, matrix in found.items():
        for i in range(2):
            for j in range(2):
                assert abs(matrix[i][j] - reference[i][j]) <= 1e-9 * max(1.0, scale), (
                    name,
                    tree,
                    point,
                )
    # Differences near a ReLU's kink see both sides; only compare away from it.
    if not _near_kink(tree, point):
        for i in range(2):
            for j in range(2):
                assert _close(reference[i][j], numeric[i][j], scale * 1e2), (tree, point)


def _near_kink(tree: Tree, point: tuple[float, float]) -> bool:
    if "relu" not in repr(tree):
        return False
    probes = [(point[0] + dx, point[1] + dy) for dx in (-1e-4, 1e-4) for dy in (-1e-4, 1e-4)]
    signs = set()
    for probe in probes:
        recorded: list[bool] = []

        def spy(v: Value, recorded: list[bool] = recorded) -> Value:
            recorded.append(v.data > 0.0)
            return v.relu()

        old = UNARY["relu"]
        UNARY["relu"] = spy
        try:
            _build(tree, Value(probe[0]), Value(probe[1]))
        finally:
            UNARY["relu"] = old
        signs.add(tuple(recorded))
    return len(signs) > 1


@settings(max_examples=40)
@given(_trees(), st.floats(-1.5, 1.5))
def test_random_expressions_third_derivative_taylor_equals_nested(tree: Tree, x: float) -> None:
    def f(t: Value) -> Value | float:
        return _build(tree, t, 0.5 * t + 0.25)

    fast = _nth(f, 3)(x)
    nested = _number(_nth(f, 3)(Value(x)))
    assert abs(fast - nested) <= 1e-9 * max(1.0, abs(fast)), (tree, x)


# A model and its losses: Hessian-vector products against differences of the gradient.


def _loss_of(model: MLP, loss: str) -> tuple[Callable[..., Value], list[float]]:
    rows = [(0.5, -1.0), (-0.3, 0.8), (1.2, 0.4), (-0.9, -0.6)]
    if loss == "max_margin":
        ys = [1.0, -1.0, 1.0, -1.0]

        def f(*ps: Value) -> Value:
            return max_margin(with_parameters(model, ps), rows, ys, 1e-3).total_loss
    else:
        labels = [0, 2, 1, 2]

        def f(*ps: Value) -> Value:
            return cross_entropy(with_parameters(model, ps), rows, labels, 1e-3).total_loss

    return f, [p.data for p in model.parameters()]


@pytest.mark.parametrize(
    ("loss", "nouts", "activation"),
    [
        ("max_margin", [3, 1], "tanh"),
        ("max_margin", [3, 1], "sigmoid"),
        ("cross_entropy", [3, 3], "relu"),
        ("cross_entropy", [3, 3], "tanh"),
    ],
)
def test_hvp_and_hessian_of_losses_equal_differences_of_the_gradient(
    loss: str, nouts: list[int], activation: str
) -> None:
    model = MLP.create(2, nouts, activation=activation, seed=3)
    f, point = _loss_of(model, loss)
    n = len(point)
    matrix = hessian(f)(*point)
    vector = [math.sin(i + 1.0) for i in range(n)]
    product = hvp(f)(point, vector)
    step = 1e-6
    up = grad(f)(*[p + step * v for p, v in zip(point, vector)])
    down = grad(f)(*[p - step * v for p, v in zip(point, vector)])
    numeric = [(u - d) / (2 * step) for u, d in zip(up, down)]
    assert product == pytest.approx(numeric, rel=1e-6, abs=1e-6)
    assert [sum(row[j] * vector[j] for j in range(n)) for row in matrix] == pytest.approx(
        list(product), rel=1e-12, abs=1e-12
    )
    for i in range(n):
        for j in range(n):
            assert matrix[i][j] == pytest.approx(matrix[j][i], rel=1e-12, abs=1e-14)


def _plain_forward(model: MLP, row: Sequence[float], ps: Sequence[Value]) -> list[Value]:
    """The model's forward pass written with plain operators only, parameters from ``ps``."""
    values: list[Value | float] = list(row)
    position = 0
    for layer in model.layers:
        outputs: list[Value | float] = []
        for neuron in layer.neurons:
            n = len(neuron.weights)
            weights, bias = ps[position : position + n], ps[position + n]
            position += n + 1
            total: Value = bias
            for w, x in zip(weights, values):
                total = total + w * x
            if neuron.nonlinear:
                total = getattr(total, neuron.activation)()
            outputs.append(total)
        values = outputs
    return [_as_value(v) for v in values]


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu"])
def test_a_models_loss_to_order_three_equals_plain_operators(activation: str) -> None:
    model = MLP.create(2, [3, 1], activation=activation, seed=5)
    rows = [(0.5, -1.0), (-0.3, 0.8), (1.2, 0.4)]
    ys = [1.0, -1.0, 1.0]
    params = [p.data for p in model.parameters()]
    direction = [math.cos(i) for i in range(len(params))]

    def fused(t: Value) -> Value:
        ps = [p + d * t for p, d in zip(params, direction)]
        return max_margin(with_parameters(model, ps), rows, ys, 1e-3).total_loss

    def plain(t: Value) -> Value:
        ps = [p + d * t for p, d in zip(params, direction)]
        losses = []
        for row, y in zip(rows, ys):
            (score,) = _plain_forward(model, row, ps)
            losses.append((1.0 - y * score).relu())
        data = sum_values(losses) * (1.0 / len(rows))
        reg = 1e-3 * sum_values([p * p for p in ps])
        return data + reg

    for order in range(1, 4):
        want = _nth(plain, order)(0.1)
        assert _nth(fused, order)(0.1) == pytest.approx(want, rel=1e-12, abs=1e-13)
