"""Value: construction, every operation's forward value and local derivatives, immutability."""

from __future__ import annotations

import math
from collections.abc import Callable

import attrs
import pytest

import mgfunc
from mgfunc import DomainError, InvalidTypeError, InvalidValueError, Value, backward
from tests.gradcheck import assert_gradients_match

# One line per operation: the function, and points to check it at (away from kinks).
OPERATIONS: list[tuple[str, Callable[..., Value], list[tuple[float, ...]]]] = [
    ("add", lambda a, b: a + b, [(1.5, -2.0), (0.0, 3.0)]),
    ("radd", lambda a: 2.5 + a, [(1.0,), (-3.0,)]),
    ("sub", lambda a, b: a - b, [(1.5, -2.0)]),
    ("rsub", lambda a: 1.0 - a, [(0.3,)]),
    ("mul", lambda a, b: a * b, [(1.5, -2.0), (0.0, 4.0)]),
    ("rmul", lambda a: -3.0 * a, [(0.7,)]),
    ("div", lambda a, b: a / b, [(1.5, -2.0), (-3.0, 0.25)]),
    ("rdiv", lambda a: 10.0 / a, [(2.0,), (-0.5,)]),
    ("neg", lambda a: -a, [(1.25,)]),
    ("pow2", lambda a: a**2, [(-1.5,), (3.0,)]),
    ("pow3", lambda a: a**3, [(-1.5,), (0.5,)]),
    ("pow-1", lambda a: a**-1, [(2.0,), (-0.5,)]),
    ("pow0.5", lambda a: a**0.5, [(4.0,), (0.3,)]),
    ("pow0", lambda a: a**0, [(4.0,)]),
    ("relu", lambda a: a.relu(), [(2.0,), (-2.0,)]),
    ("tanh", lambda a: a.tanh(), [(0.3,), (-2.0,)]),
    ("exp", lambda a: a.exp(), [(0.3,), (-2.0,)]),
    ("log", lambda a: a.log(), [(0.3,), (5.0,)]),
    ("sigmoid", lambda a: a.sigmoid(), [(0.3,), (-4.0,), (30.0,)]),
    ("sum_values", lambda a, b: mgfunc.sum_values([a, b, a], start=1.0), [(0.5, 2.0)]),
    ("linear", lambda w, x, b: mgfunc.linear([w, w], [x, 2.0], b), [(0.5, -1.5, 0.25)]),
    ("f.add", lambda a, b: mgfunc.add(a, b), [(1.0, 2.0)]),
    ("f.sub", lambda a, b: mgfunc.sub(a, b), [(1.0, 2.0)]),
    ("f.mul", lambda a, b: mgfunc.mul(a, b), [(1.0, 2.0)]),
    ("f.div", lambda a, b: mgfunc.div(a, b), [(1.0, 2.0)]),
    ("f.neg", lambda a: mgfunc.neg(a), [(1.0,)]),
    ("f.pow", lambda a: mgfunc.pow(a, 3), [(1.2,)]),
    ("f.relu", lambda a: mgfunc.relu(a), [(1.2,)]),
    ("f.tanh", lambda a: mgfunc.tanh(a), [(1.2,)]),
    ("f.exp", lambda a: mgfunc.exp(a), [(1.2,)]),
    ("f.log", lambda a: mgfunc.log(a), [(1.2,)]),
    ("f.sigmoid", lambda a: mgfunc.sigmoid(a), [(1.2,)]),
]


@pytest.mark.parametrize(
    ("f", "point"),
    [
        pytest.param(f, point, id=f"{name}{point}")
        for name, f, points in OPERATIONS
        for point in points
    ],
)
def test_every_operation_matches_finite_differences(
    f: Callable[..., Value], point: tuple[float, ...]
) -> None:
    assert_gradients_match(f, point)


def test_forward_values_match_the_math() -> None:
    a, b = Value(2.0), Value(-3.0)
    assert (a + b).data == -1.0
    assert (a - b).data == 5.0
    assert (a * b).data == -6.0
    assert (a / b).data == 2.0 / -3.0
    assert (-a).data == -2.0
    assert (a**3).data == 8.0
    assert a.relu().data == 2.0 and b.relu().data == 0.0
    assert a.tanh().data == math.tanh(2.0)
    assert a.exp().data == math.exp(2.0)
    assert a.log().data == math.log(2.0)
    assert b.sigmoid().data == pytest.approx(1 / (1 + math.exp(3.0)), rel=1e-15)
    assert (1 - a).data == -1.0 and (10 / a).data == 5.0 and (3 + a).data == 5.0


def test_relu_kink_has_derivative_zero_as_in_micrograd() -> None:
    x = Value(0.0)
    assert backward(x.relu())[x] == 0.0
    assert backward(mgfunc.relu(x))[x] == 0.0


def test_pow_kinks_and_special_exponents() -> None:
    x = Value(0.0)
    assert backward(x**2)[x] == 0.0
    assert backward(x**1)[x] == 1.0
    assert backward(x**0)[x] == 0.0 and (x**0).data == 1.0
    y = Value(-2.0)
    assert backward(y**3)[y] == 12.0  # a negative base with an integer exponent is fine


def test_local_gradients_are_recorded_in_the_forward_pass() -> None:
    a, b = Value(3.0, label="a"), Value(4.0, label="b")
    c = a * b
    assert c.op == "*"
    assert c.inputs == (a, b)
    assert c.local_gradients == (4.0, 3.0)
    assert a.op == "" and a.inputs == () and a.local_gradients == ()


def test_the_same_input_twice_accumulates_both_edges() -> None:
    x = Value(3.0)
    assert backward(x * x)[x] == 6.0
    assert backward(x + x + x)[x] == 3.0
    assert backward(mgfunc.sum_values([x, x]))[x] == 2.0


def test_nodes_have_identity_not_value_equality() -> None:
    a, b = Value(2.0), Value(2.0)
    assert a != b and a == a
    assert len({a, b}) == 2
    assert a.id != b.id


def test_every_attribute_refuses_assignment() -> None:
    x = Value(1.0, label="x")
    y = x * 2
    for node in (x, y):
        for name in ("data", "label", "op", "inputs", "local_gradients", "id", "grad"):
            with pytest.raises((attrs.exceptions.FrozenInstanceError, AttributeError)):
                setattr(node, name, 5.0)
    assert x.data == 1.0 and y.data == 2.0


def test_reading_grad_points_to_backward() -> None:
    x = Value(1.0)
    assert not hasattr(x, "grad")
    with pytest.raises(AttributeError, match=r"backward\(y\).*grads\[x\]"):
        _ = x.grad


def test_repr_is_short_even_for_deep_graphs() -> None:
    x = Value(1.0, label="x")
    y = x
    for _ in range(10_000):
        y = y + 1.0
    assert repr(x) == "Value(data=1.0, label='x')"
    assert repr(y) == "Value(data=10001.0, op='+')"


@pytest.mark.parametrize("bad", ["3", None, [1.0], True, 1j])
def test_value_refuses_non_numbers(bad: object) -> None:
    with pytest.raises(InvalidTypeError, match=r"Value\(data=\.\.\.\)"):
        Value(bad)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_value_refuses_non_finite_numbers(bad: float) -> None:
    with pytest.raises(InvalidValueError, match="finite"):
        Value(bad)


def test_value_refuses_a_non_str_label() -> None:
    with pytest.raises(InvalidTypeError, match="label"):
        Value(1.0, label=3)  # type: ignore[arg-type]


def test_operations_refuse_bad_operands_with_the_operation_named() -> None:
    x = Value(1.0)
    with pytest.raises(InvalidTypeError, match=r"\+"):
        _ = x + "a"  # type: ignore[operator]
    with pytest.raises(InvalidTypeError, match="mul"):
        mgfunc.mul("a", x)  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match="finite"):
        _ = x * math.nan


def test_undefined_operations_raise_domain_errors() -> None:
    with pytest.raises(DomainError, match="log"):
        Value(0.0).log()
    with pytest.raises(DomainError, match="log"):
        mgfunc.log(-1.0)
    with pytest.raises(DomainError, match="division by zero"):
        _ = Value(1.0) / 0.0
    with pytest.raises(DomainError, match="negative base"):
        _ = Value(-2.0) ** 0.5
    with pytest.raises(DomainError, match=r"0\.0 \*\*"):
        _ = Value(0.0) ** -1
    with pytest.raises(InvalidTypeError, match="exponent"):
        _ = Value(2.0) ** Value(2.0)  # type: ignore[operator]


def test_overflow_gives_inf_like_float_arithmetic() -> None:
    assert Value(1000.0).exp().data == math.inf
    assert (Value(10.0) ** 400).data == math.inf
    assert (Value(-10.0) ** 401).data == -math.inf
    assert Value(-1000.0).sigmoid().data == 0.0 and Value(1000.0).sigmoid().data == 1.0


def test_linear_checks_lengths_and_matches_the_unfused_sum() -> None:
    ws = [Value(0.5), Value(-1.25), Value(2.0)]
    xs = [Value(1.5), Value(0.25), Value(-0.75)]
    b = Value(0.1)
    fused = mgfunc.linear(ws, xs, b)
    unfused = b + ws[0] * xs[0] + ws[1] * xs[1] + ws[2] * xs[2]
    assert fused.data == unfused.data
    fused_grads, unfused_grads = backward(fused), backward(unfused)
    for node in (*ws, *xs, b):
        assert fused_grads[node] == unfused_grads[node]
    with pytest.raises(InvalidValueError, match="2 weights but 3 inputs"):
        mgfunc.linear(ws[:2], xs, b)


def test_sum_values_adds_left_to_right_like_sum() -> None:
    terms = [0.1, 0.2, 0.3, 1e16, -1e16, 0.4]
    assert mgfunc.sum_values(terms).data == sum(terms)
    assert mgfunc.sum_values([]).data == 0.0
