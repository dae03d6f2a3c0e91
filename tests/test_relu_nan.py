"""An overflow upstream of a ReLU surfaces as NaN instead of vanishing (max(0, NaN) would be 0)."""

from __future__ import annotations

import math

from mgfunc import Value, backward, derivative, relu


def _nan_node() -> tuple[Value, Value]:
    x = Value(1e308)
    huge = x * 10.0  # inf, as float arithmetic overflows
    return x, huge - huge  # inf - inf: NaN


def test_relu_of_nan_is_nan_forward_and_backward() -> None:
    x, nan = _nan_node()
    out = nan.relu()
    assert math.isnan(out.data)
    assert math.isnan(out.local_gradients[0])
    assert math.isnan(backward(out)[x])
    assert math.isnan(relu(nan).data)


def test_relu_elsewhere_is_unchanged() -> None:
    assert Value(2.0).relu().local_gradients == (1.0,)
    assert Value(0.0).relu().local_gradients == (0.0,)
    assert Value(-2.0).relu().data == 0.0
    assert math.isnan(derivative(lambda v: (v * 1e308 * 10.0 - v * 1e308 * 10.0).relu())(1.0))
