"""Transforms that nest, as a user writes them: run it, and type-check it with mypy --strict.

    python examples/higher_order.py
    mypy --strict examples/higher_order.py

Every annotation below is what mgfunc's types say: numbers in, numbers out; Values in (or a
call inside another transform), Values out where they depend on those Values.
"""

from __future__ import annotations

import math

from mgfunc import (
    Value,
    check_grads,
    derivative,
    exp,
    grad,
    hessian,
    hvp,
    jacobian,
    jvp,
    value_and_grad,
    vjp,
)
from mgfunc.curvature import sharpness
from mgfunc.datasets import moons
from mgfunc.losses import max_margin
from mgfunc.nn import MLP, with_parameters
from mgfunc.transforms import Derivative


def f(x: Value) -> Value:
    return x.tanh()


# The first four derivatives of tanh, each a plain float.
d1: Derivative = derivative(f)
d4: Derivative = derivative(derivative(derivative(d1)))
slopes: list[float] = [d1(0.5), derivative(d1)(0.5), derivative(derivative(d1))(0.5), d4(0.5)]


# Newton's method for a root of x**3 - 2, with the derivative from mgfunc.
def cubic(x: Value) -> Value:
    return x**3 - 2.0


x = 1.0
for _ in range(6):
    x = x - cubic(Value(x)).data / derivative(cubic)(x)


# Gradients by argument, jvp, vjp, the Jacobian, the Hessian and its product with a vector.
def g(a: Value, b: Value) -> Value:
    # mgfunc.exp rather than b.exp(): with argnums=0, b reaches g as the float it was passed.
    return a * a * b + exp(b)


both: tuple[float, tuple[float, ...]] = value_and_grad(g)(1.0, 0.5)
first: float = grad(g, argnums=0)(1.0, 0.5)
pair: tuple[float, ...] = grad(g, argnums=(1, 0))(1.0, 0.5)
value, tangent = jvp(g, (1.0, 0.5), (1.0, 0.0))
out, pullback = vjp(g, 1.0, 0.5)
cotangents: tuple[float, ...] = pullback(1.0)
row: tuple[float, ...] = jacobian(g)(1.0, 0.5)
matrix: tuple[tuple[float, ...], ...] = hessian(g)(1.0, 0.5)
product: tuple[float, ...] = hvp(g)((1.0, 0.5), (1.0, -1.0))

# Values in, Values out: a derivative that can be differentiated again.
point = Value(0.5)
symbolic: Value | float = derivative(f)(point)


# A closure over the enclosing transform's variable: the inner result depends on x.
def outer(x: Value) -> Value | float:
    def inner(y: Value) -> Value:
        return x * y * y

    return derivative(inner)(1.0)


mixed: float = derivative(outer)(3.0)

# A model's loss as a function of its parameters: curvature.
data = moons(30, seed=0)
model = MLP.create(2, [8, 1], seed=0)


def loss(*parameters: Value) -> Value:
    return max_margin(with_parameters(model, parameters), data.xs, data.ys, 1e-4).total_loss


parameters = [p.data for p in model.parameters()]
curved: tuple[float, ...] = hvp(loss)(parameters, [1.0] * len(parameters))
top: float = sharpness(model, data)

check_grads(g, (1.0, 0.5), order=3)

if __name__ == "__main__":
    t = math.tanh(0.5)
    assert abs(slopes[1] - (-2 * t * (1 - t * t))) < 1e-12
    assert abs(x - 2 ** (1 / 3)) < 1e-12
    assert mixed == 2.0
    assert first == 2 * 1.0 * 0.5
    print("tanh'(0.5) .. tanh''''(0.5):", [round(s, 6) for s in slopes])
    print("cube root of 2 by Newton:", x)
    print("Hessian of a*a*b + exp(b) at (1, 0.5):", matrix)
    print(f"sharpness of an [8, 1] model's loss: {top:.4f}")
