"""The transforms of contract v0.3: what they return, how they nest, and what they refuse."""

from __future__ import annotations

import math

import attrs
import pytest

from mgfunc import (
    GradientCheckError,
    InvalidTypeError,
    InvalidValueError,
    MgfuncError,
    Value,
    check_grads,
    derivative,
    grad,
    hessian,
    hvp,
    jacobian,
    jvp,
    value_and_grad,
    vjp,
)
from tests.refusals import Case, Refusal, refusals


def test_the_contracts_examples() -> None:
    assert derivative(derivative(derivative(lambda x: x**3)))(2.0) == 6.0
    # A closure over the enclosing transform's variable makes the inner result a Value.
    assert derivative(lambda x: derivative(lambda y: x * y * y)(1.0))(3.0) == 2.0
    # Perturbation confusion: a confused implementation gives 2.0 and 2.0.
    assert derivative(lambda x: x * derivative(lambda y: x + y)(1.0))(1.0) == 1.0
    assert derivative(lambda x: derivative(lambda y: x * y)(x))(3.0) == 1.0


def test_no_perturbation_confusion_with_jvp_inside_jvp_and_inside_grad() -> None:
    def outer(x: Value) -> Value | float:
        def shifted(y: Value) -> Value:
            return x + y

        inner = jvp(shifted, (1.0,), (1.0,))[1]
        return x * inner

    assert jvp(outer, (1.0,), (1.0,)) == (1.0, 1.0)

    def depends_on_x(x: Value) -> Value | float:
        def scaled(y: Value) -> Value:
            return x * y

        return jvp(scaled, (x,), (1.0,))[1]  # d(x*y)/dy at y = x is x

    assert jvp(depends_on_x, (3.0,), (1.0,)) == (3.0, 1.0)
    assert grad(depends_on_x, argnums=0)(3.0) == 1.0
    assert grad(lambda x: x * jvp(lambda y: x * y, (1.0,), (1.0,))[1], argnums=0)(2.0) == 4.0


def test_numbers_in_numbers_out_values_in_values_out() -> None:
    x = Value(3.0)
    slopes = grad(lambda a, b: a * a * b)(x, 2.0)
    # d/da = 2ab depends on x: a Value of the caller's graph; d/db = a*a depends on x too.
    assert all(isinstance(s, Value) for s in slopes)
    assert [s.data for s in slopes if isinstance(s, Value)] == [12.0, 9.0]
    # A derivative that depends on no Value of the caller is a plain float.
    assert grad(lambda a: 2.0 * a, argnums=0)(x) == 2.0
    assert isinstance(grad(lambda a: a * a)(3.0)[0], float)
    # ... and the Value results can be differentiated again by hand.
    from mgfunc import backward

    (twice,) = grad(lambda a: a * a * a)(x)
    assert isinstance(twice, Value)
    assert backward(twice)[x] == 18.0  # d/dx 3x^2 = 6x


def test_argnums() -> None:
    def f(x: Value, y: Value, z: Value) -> Value:
        return x * y + z * z * y

    assert grad(f)(1.0, 2.0, 3.0) == (2.0, 10.0, 12.0)
    assert grad(f, argnums=1)(1.0, 2.0, 3.0) == 10.0
    assert grad(f, argnums=-1)(1.0, 2.0, 3.0) == 12.0
    assert grad(f, argnums=(2, 0))(1.0, 2.0, 3.0) == (12.0, 2.0)
    assert value_and_grad(f, argnums=(0,))(1.0, 2.0, 3.0) == (20.0, (2.0,))
    assert value_and_grad(f, argnums=0)(1.0, 2.0, 3.0) == (20.0, 2.0)


def test_arguments_not_differentiated_reach_f_as_passed() -> None:
    seen: list[object] = []

    def f(x: Value, label: object) -> Value:
        seen.append(label)
        return x * x

    assert grad(f, argnums=0)(3.0, "kept") == 6.0  # type: ignore[call-overload]
    assert seen == ["kept"]


def test_jvp_vjp_and_jacobian_agree() -> None:
    def f(x: Value, y: Value) -> tuple[Value, Value]:
        return (x * y).tanh(), x.exp() + y * y

    point = (0.3, -0.8)
    rows = jacobian(f)(*point)
    for j in range(2):
        tangent = tuple(1.0 if k == j else 0.0 for k in range(2))
        _, column = jvp(f, point, tangent)
        assert column == pytest.approx(tuple(row[j] for row in rows), rel=1e-14)
    value, pullback = vjp(f, *point)
    assert value == jvp(f, point, (0.0, 0.0))[0]
    for i in range(2):
        cotangent = tuple(1.0 if k == i else 0.0 for k in range(2))
        assert pullback(cotangent) == pytest.approx(rows[i], rel=1e-14)
    # One output: a flat row, a scalar cotangent.
    assert jacobian(lambda x, y: x * y)(3.0, 4.0) == (4.0, 3.0)
    assert vjp(lambda x, y: x * y, 3.0, 4.0)[1](2.0) == (8.0, 6.0)


def test_hessian_and_hvp_of_a_known_function() -> None:
    def f(x: Value, y: Value) -> Value:
        return x * x * y + y.exp()

    point = (1.5, 0.5)
    expected = ((2 * 0.5, 2 * 1.5), (2 * 1.5, math.exp(0.5)))
    rows = hessian(f)(*point)
    assert [list(row) for row in rows] == [pytest.approx(row, rel=1e-15) for row in expected]
    assert hvp(f)(point, (1.0, 2.0)) == pytest.approx(
        (expected[0][0] + 2 * expected[0][1], expected[1][0] + 2 * expected[1][1]), rel=1e-15
    )
    # Inside another transform (Values in) the same numbers come out as nodes.
    nodes = hessian(f)(Value(1.5), 0.5)
    assert [[_number(e) for e in row] for row in nodes] == [
        pytest.approx(row, rel=1e-15) for row in expected
    ]


def _number(x: Value | float) -> float:
    return x.data if isinstance(x, Value) else x


def test_a_constant_function_has_zero_derivatives() -> None:
    assert derivative(lambda x: 5.0)(1.0) == 0.0
    assert derivative(derivative(lambda x: 5.0))(1.0) == 0.0
    assert hessian(lambda x, y: 1.0)(1.0, 2.0) == ((0.0, 0.0), (0.0, 0.0))
    assert hvp(lambda x: 2.0)((1.0,), (1.0,)) == (0.0,)
    assert jvp(lambda x: 2.0, (1.0,), (1.0,)) == (2.0, 0.0)


def test_the_inputs_are_never_modified() -> None:
    x = Value(2.0)
    primals: list[Value | float] = [x, 1.0]
    tangents: list[Value | float] = [1.0, 0.0]
    jvp(lambda a, b: a * b, primals, tangents)
    assert primals == [x, 1.0] and tangents == [1.0, 0.0]
    assert x.data == 2.0 and x.op == "" and x.inputs == ()


def test_check_grads_passes_for_correct_rules_and_names_a_wrong_one() -> None:
    check_grads(lambda x, y: (x * y).tanh() + (x / y).exp(), (0.3, -0.7), order=3)
    check_grads(lambda x: (x.sigmoid(), x.log()), (0.8,), order=2, modes=("reverse",))

    def broken(x: Value) -> Value:
        return Value(x.data * x.data)  # cuts the graph: every derivative is 0

    with pytest.raises(GradientCheckError) as caught:
        check_grads(broken, (1.5,))
    message = str(caught.value)
    assert "order 1" in message and "forward mode" in message and "argument 0" in message
    assert "jvp gives 0.0 but central differences give 2.99999" in message
    assert isinstance(caught.value, MgfuncError)


def test_check_grads_catches_a_wrong_second_order_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    # tanh's local derivative as a Value made wrong (1 - t instead of 1 - t*t): first order
    # runs on the floats the node keeps and stays right, every second derivative goes wrong.
    from mgfunc import rules

    wrong = attrs.evolve(rules._RULES["tanh"], values=lambda node: (1.0 - node,))
    monkeypatch.setitem(rules._RULES, "tanh", wrong)
    check_grads(lambda x: x.tanh(), (0.4,), order=1)
    for mode in ("forward", "reverse"):
        with pytest.raises(GradientCheckError, match=f"order 2, {mode} mode, argument 0"):
            check_grads(lambda x: x.tanh(), (0.4,), order=2, modes=(mode,))


def test_check_grads_refuses_bad_settings() -> None:
    with pytest.raises(InvalidValueError, match="order"):
        check_grads(lambda x: x, (1.0,), order=0)
    with pytest.raises(InvalidValueError, match="modes"):
        check_grads(lambda x: x, (1.0,), modes=("sideways",))
    with pytest.raises(InvalidValueError, match="positive"):
        check_grads(lambda x: x, (1.0,), eps=-1.0)
    with pytest.raises(InvalidTypeError, match="args"):
        check_grads(lambda x: x, 1.0)  # type: ignore[arg-type]


def _never_called(*_: object) -> Value:
    raise AssertionError("f ran although its arguments were refused")


BAD_CALLS: dict[str, Case] = {
    "grad of a number": (
        lambda: grad(3.0),  # type: ignore[call-overload]
        InvalidTypeError,
        "f must be a function",
    ),
    "jvp of a string": (
        lambda: jvp("f", (1.0,), (1.0,)),  # type: ignore[call-overload]
        InvalidTypeError,
        "f must be a function",
    ),
    "hvp of None": (lambda: hvp(None), InvalidTypeError, "f must be a function"),  # type: ignore[arg-type]
    "argnums out of range": (
        lambda: grad(_never_called, argnums=2)(1.0, 2.0),
        InvalidValueError,
        r"argnums 2 is out of range for 2 argument",
    ),
    "argnums negative out of range": (
        lambda: grad(_never_called, argnums=(-3,))(1.0, 2.0),
        InvalidValueError,
        "out of range",
    ),
    "argnums repeated": (
        lambda: grad(_never_called, argnums=(0, -2))(1.0, 2.0),
        InvalidValueError,
        "names an argument twice",
    ),
    "argnums a float": (
        lambda: grad(_never_called, argnums=1.0),  # type: ignore[call-overload]
        InvalidTypeError,
        "argnums must be",
    ),
    "argnums a bool": (
        lambda: grad(_never_called, argnums=True),
        InvalidTypeError,
        "argnums must be",
    ),
    "tangents too short": (
        lambda: jvp(_never_called, (1.0, 2.0), (1.0,)),
        InvalidValueError,
        "tangents has 1 entries but 2 are needed",
    ),
    "tangent NaN": (
        lambda: jvp(_never_called, (1.0,), (math.nan,)),
        InvalidValueError,
        r"tangents\[0\] must be finite",
    ),
    "tangents not a sequence": (
        lambda: jvp(_never_called, (1.0,), 1.0),  # type: ignore[call-overload]
        InvalidTypeError,
        "tangents must be a sequence",
    ),
    "primal a string": (
        lambda: jvp(_never_called, ("x",), (1.0,)),  # type: ignore[arg-type]
        InvalidTypeError,
        r"primals\[0\]",
    ),
    "vector too long": (
        lambda: hvp(_never_called)((1.0,), (1.0, 2.0)),
        InvalidValueError,
        "vector has 2 entries but 1 are needed",
    ),
    "vector infinite": (
        lambda: hvp(_never_called)((1.0,), (math.inf,)),
        InvalidValueError,
        r"vector\[0\] must be finite",
    ),
    "argument NaN": (
        lambda: derivative(_never_called)(math.nan),
        InvalidValueError,
        "argument 0 must be finite",
    ),
    "too many arguments": (
        lambda: derivative(lambda x: x)(1.0, 2.0),
        InvalidTypeError,
        "cannot take 2 argument",
    ),
}


@refusals(BAD_CALLS)
def test_bad_input_is_refused_before_f_runs(refusal: Refusal) -> None:
    refusal.check()


def test_a_wrong_cotangent_is_refused() -> None:
    _, pullback = vjp(lambda x, y: (x * y, x + y), 1.0, 2.0)
    with pytest.raises(InvalidValueError, match="cotangent has 1 entries but 2"):
        pullback((1.0,))
    with pytest.raises(InvalidValueError, match=r"cotangent\[1\] must be finite"):
        pullback((1.0, math.inf))
    _, single = vjp(lambda x: x * x, 1.0)
    with pytest.raises(InvalidTypeError, match="cotangent must be one number"):
        single((1.0, 2.0))


def test_f_returning_something_else_is_named() -> None:
    with pytest.raises(InvalidTypeError, match="f must return a Value"):
        derivative(lambda x: "oops")(1.0)  # type: ignore[arg-type, return-value]
    with pytest.raises(InvalidTypeError, match="f must return a Value"):
        jvp(lambda x: [x, None], (1.0,), (1.0,))


def test_grad_of_grad_says_how_to_nest() -> None:
    with pytest.raises(InvalidTypeError, match=r"grad\(f, argnums=0\)"):
        grad(grad(lambda x: x * x))(1.0)  # type: ignore[arg-type]
    assert grad(grad(lambda x: x * x, argnums=0), argnums=0)(1.0) == 2.0


def test_empty_primals_are_named() -> None:
    with pytest.raises(InvalidValueError, match="primals is empty"):
        jvp(_never_called, (), (1.0,))
    with pytest.raises(InvalidValueError, match="primals is empty"):
        hvp(_never_called)((), (1.0,))
    with pytest.raises(InvalidValueError, match="modes"):
        check_grads(lambda x: x, (1.0,), modes=1.0)  # type: ignore[arg-type]


def test_primals_that_f_cannot_take_are_named_before_the_vector() -> None:
    def f(x: Value, y: Value) -> Value:
        return x * y

    with pytest.raises(InvalidTypeError, match=r"primals has 1 entries, but f\(x: "):
        hvp(f)((0.0,), (1.0, 2.0))
    with pytest.raises(InvalidTypeError, match="primals has 3 entries"):
        jvp(f, (0.0, 1.0, 2.0), (1.0, 2.0, 3.0))
