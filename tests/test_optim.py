"""Optimizers: first steps against closed-form hand computations, convergence, purity, and
bad input."""

from __future__ import annotations

import math
import struct
from collections.abc import Callable
from functools import reduce

import attrs
import pytest

from mgfunc import InvalidTypeError, InvalidValueError, Value, backward
from mgfunc.datasets import moons
from mgfunc.errors import LearningRateError
from mgfunc.losses import mse
from mgfunc.nn import MLP, Layer, Neuron, apply_gradients, parameters, with_parameters
from mgfunc.optim import SGD, Adam, AdamState, Optimizer, SGDState, adam, adamw, sgd
from mgfunc.trainer import train
from tests.refusals import Refusal, refusals

W0, B0 = 0.75, -0.25
X = 2.0  # the score w * x + b has gradient (x, 1) = (2, 1) whatever w and b are


def tiny() -> MLP:
    neuron = Neuron(weights=(Value(W0),), bias=Value(B0), nonlinear=False)
    return MLP(layers=(Layer((neuron,)),))


def step(optimizer: Optimizer, model: MLP, state: object) -> tuple[MLP, object]:
    grads = backward(model.forward([X])[0])
    return optimizer.update(model, grads, state)  # type: ignore[arg-type]


def numbers(model: MLP) -> list[float]:
    return [p.data for p in parameters(model)]


def run_steps(optimizer: Optimizer, count: int) -> tuple[MLP, object]:
    model = tiny()
    state: object = optimizer.init(model)
    for _ in range(count):
        model, state = step(optimizer, model, state)
    return model, state


GRADIENT = (X, 1.0)


def test_sgd_is_micrograds_update_and_apply_gradients() -> None:
    model, state = run_steps(sgd(0.1), 1)
    assert numbers(model) == [W0 - 0.1 * 2.0, B0 - 0.1 * 1.0]
    assert state == SGDState(step=1, shape=(1, 1), velocity=())
    start = tiny()
    assert apply_gradients(start, backward(start.forward([X])[0]), 0.1) == model


def test_sgd_momentum_by_hand() -> None:
    # torch: b1 = g, b_t = mu * b_{t-1} + g (dampening 0); p_t = p_{t-1} - lr * b_t.
    lr, mu = 0.1, 0.9
    model, state = run_steps(sgd(lr, momentum=mu), 3)
    expected = []
    for p0, g in zip((W0, B0), GRADIENT, strict=True):
        b1 = g
        b2 = mu * b1 + g
        b3 = mu * b2 + g
        expected.append(((p0 - lr * b1) - lr * b2) - lr * b3)
    assert numbers(model) == pytest.approx(expected, rel=1e-15)
    assert isinstance(state, SGDState) and state.step == 3
    assert state.velocity == pytest.approx([mu * (mu * g + g) + g for g in GRADIENT])


@pytest.mark.parametrize("weight_decay", [0.0, 0.1])
def test_adam_and_adamw_first_two_steps_by_hand(weight_decay: float) -> None:
    # With a constant gradient g, m_t / (1 - b1^t) = g and v_t / (1 - b2^t) = g^2, so each
    # Adam step is lr * g / (|g| + eps); AdamW first scales p by (1 - lr * weight_decay).
    lr, eps = 0.01, 1e-8
    optimizer = adamw(lr, weight_decay=weight_decay, eps=eps) if weight_decay else adam(lr)
    model, state = run_steps(optimizer, 2)
    expected = []
    for p0, g in zip((W0, B0), GRADIENT, strict=True):
        p = p0
        for _ in range(2):
            p = p * (1.0 - lr * weight_decay) - lr * g / (abs(g) + eps)
        expected.append(p)
    assert numbers(model) == pytest.approx(expected, rel=1e-12)
    assert isinstance(state, AdamState) and state.step == 2
    b1, b2 = 0.9, 0.999
    assert state.first_moment == pytest.approx([(1 - b1) * (1 + b1) * g for g in GRADIENT])
    assert state.second_moment == pytest.approx([(1 - b2) * (1 + b2) * g * g for g in GRADIENT])


def test_adam_formula_on_a_changing_gradient_by_hand() -> None:
    # Two steps with gradients 3 then -1 on a bare parameter, torch.optim.Adam's formula.
    lr, (b1, b2), eps = 0.1, (0.9, 0.999), 1e-8
    neuron = Neuron(weights=(Value(0.0),), bias=Value(1.0), nonlinear=False)
    model = MLP(layers=(Layer((neuron,)),))
    optimizer = adam(lr)
    state = optimizer.init(model)
    p, m, v = 1.0, 0.0, 0.0
    for t, g in enumerate((3.0, -1.0), start=1):
        bias = model.layers[0].neurons[0].bias
        grads = backward(bias * g)  # d(g * b)/db = g
        model, state = optimizer.update(model, grads, state)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        p = p - (lr / (1 - b1**t)) * m / (math.sqrt(v) / math.sqrt(1 - b2**t) + eps)
        assert model.layers[0].neurons[0].bias.data == pytest.approx(p, rel=1e-14)


def test_a_schedule_gives_each_step_its_own_rate() -> None:
    rates = [0.5, 0.25, 0.125]
    model, _state = run_steps(sgd(lambda k: rates[k]), 3)
    assert numbers(model) == pytest.approx([W0 - sum(rates) * 2.0, B0 - sum(rates)])
    assert sgd(lambda k: 0.1 * k).learning_rate_at(3) == pytest.approx(0.3)


def test_update_is_pure() -> None:
    model = tiny()
    optimizer = adamw(0.1)
    state = optimizer.init(model)
    before = (numbers(model), state)
    new_model, new_state = step(optimizer, model, state)
    assert (numbers(model), state) == before
    assert new_model is not model and new_state != state
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        new_state.step = 0  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "optimizer",
    [sgd(0.1), sgd(0.05, momentum=0.9), adam(0.1), adamw(0.1, weight_decay=0.0)],
    ids=["sgd", "momentum", "adam", "adamw"],
)
def test_every_optimizer_minimises_a_quadratic(optimizer: Optimizer) -> None:
    # (b - 3)^2 through a one-neuron model whose input is 0: only the bias matters.
    start = MLP(
        layers=(Layer((Neuron(weights=(Value(0.0),), bias=Value(-2.0), nonlinear=False),)),)
    )

    def one_step(carry: tuple[MLP, object], _k: int) -> tuple[MLP, object]:
        model, state = carry
        loss = mse(model, [[0.0]], [3.0])
        return optimizer.update(model, backward(loss.total_loss), state)  # type: ignore[arg-type]

    begin: tuple[MLP, object] = (start, optimizer.init(start))
    model, _ = reduce(one_step, range(400), begin)
    assert model.layers[0].neurons[0].bias.data == pytest.approx(3.0, abs=2e-2)


@pytest.mark.parametrize(
    "optimizer", [adam(0.05), adamw(0.05, weight_decay=1e-4), sgd(0.2, momentum=0.5)]
)
def test_every_optimizer_learns_the_moons(optimizer: Optimizer) -> None:
    data = moons(60, noise=0.1, seed=2)
    run = train(MLP.create(2, [8, 8, 1], seed=2), data, steps=60, optimizer=optimizer)
    assert run.final_accuracy >= 0.9
    assert run.final_loss < run.history[0].loss


def test_adamw_decays_a_parameter_without_a_gradient() -> None:
    model = tiny()
    optimizer = adamw(0.1, weight_decay=0.5)
    grads = backward(Value(1.0) * 2.0)  # no parameter in this graph: every gradient is 0
    new_model, _ = optimizer.update(model, grads, optimizer.init(model))
    assert numbers(new_model) == [W0 * (1 - 0.05), B0 * (1 - 0.05)]


@refusals(
    [
        (lambda: adam(betas=(1.0, 0.999)), InvalidValueError, r"betas\[0\] must be in \[0, 1\)"),
        (lambda: adamw(betas=(0.9, -0.1)), InvalidValueError, r"betas\[1\] must be in \[0, 1\)"),
        (lambda: adam(betas=0.9), InvalidTypeError, r"betas must be a pair"),  # type: ignore[arg-type]
        (lambda: adam(eps=-1e-8), InvalidValueError, r"eps must be at least 0"),
        (lambda: adamw(weight_decay=-0.1), InvalidValueError, r"weight_decay must be at least 0"),
        (lambda: sgd(0.1, momentum=1.5), InvalidValueError, r"momentum must be in \[0, 1\)"),
        (
            lambda: sgd(math.nan),
            LearningRateError,
            r"learning_rate must be a positive finite number, got nan",
        ),
        (lambda: sgd("fast"), InvalidTypeError, r"learning_rate must be a positive number"),  # type: ignore[arg-type]
        (lambda: Adam(0.1, name="nadam"), ValueError, r"name"),  # type: ignore[arg-type]
    ],
)
def test_bad_settings_are_refused(refusal: Refusal) -> None:
    refusal.check()


def test_a_state_from_another_model_or_optimizer_is_refused() -> None:
    model = tiny()
    other = MLP.create(2, [3, 1], seed=0)
    grads = backward(model.forward([X])[0])
    optimizer = adamw(0.1)
    with pytest.raises(InvalidValueError, match=r"state belongs to a model of shape \[2, 3, 1\]"):
        optimizer.update(model, grads, optimizer.init(other))
    with pytest.raises(InvalidTypeError, match=r"state was made by sgd.*optimizer.init"):
        optimizer.update(model, grads, sgd(0.1).init(model))
    with pytest.raises(InvalidTypeError, match=r"grads must be a Gradients table"):
        optimizer.update(model, {}, optimizer.init(model))  # type: ignore[arg-type]
    short = attrs.evolve(optimizer.init(model), first_moment=(0.0,))
    with pytest.raises(InvalidValueError, match=r"moments of another length"):
        optimizer.update(model, grads, short)


def test_a_diverging_update_names_the_learning_rate() -> None:
    model = tiny()
    grads = backward(model.forward([X])[0])
    with pytest.raises(
        InvalidValueError, match=r"a parameter would become -?inf.*lower the learning rate"
    ):
        sgd(1e308).update(model, grads, sgd(1e308).init(model))


def test_optimizers_are_frozen_values() -> None:
    assert sgd(0.1) == SGD(0.1) and adamw(0.1).name == "adamw" and adam().name == "adam"
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        sgd(0.1).momentum = 0.5  # type: ignore[misc]


@pytest.mark.parametrize("make", [sgd, adam, adamw])
@pytest.mark.parametrize(
    ("rate", "pattern"),
    [
        (-0.1, r"got -0.1; a negative rate climbs the loss"),
        (-1e-3, r"got -0.001; a negative rate climbs the loss"),
        (0.0, r"got 0.0; a rate of 0 leaves the model as it is"),
        (math.inf, r"got inf"),
        (-math.inf, r"got -inf"),
        (math.nan, r"got nan"),
        (10**400, r"got inf"),
    ],
)
def test_a_constant_rate_that_is_not_positive_and_finite_is_refused_at_construction(
    make: Callable[[float], Optimizer], rate: float, pattern: str
) -> None:
    with pytest.raises(
        LearningRateError, match=r"learning_rate must be a positive finite number, "
    ):
        make(rate)
    with pytest.raises(InvalidValueError, match=pattern):  # a ValueError, as before
        make(rate)


@pytest.mark.parametrize("make", [sgd, adam, adamw])
@pytest.mark.parametrize("bad", [-0.009, 0.0, math.nan, math.inf, "fast", None])
def test_a_schedules_rate_is_checked_at_each_update_naming_the_step(
    make: Callable[[Callable[[int], float]], Optimizer], bad: object
) -> None:
    model = tiny()
    grads = backward(model.forward([X])[0])
    optimizer = make(lambda step: 0.1 if step < 2 else bad)  # type: ignore[arg-type, return-value]
    state = optimizer.init(model)
    for _ in range(2):
        model, state = optimizer.update(model, grads, state)
    with pytest.raises(
        LearningRateError,
        match=r"the learning rate at step 2 \(learning_rate\(2\)\) must be a positive finite",
    ) as caught:
        optimizer.update(model, grads, state)
    assert caught.value.run is None  # outside train there is no run to keep
    assert repr(bad) in str(caught.value) or str(bad) in str(caught.value)


def test_a_state_of_plain_sgd_given_to_momentum_sgd_names_its_maker() -> None:
    model = tiny()
    grads = backward(model.forward([X])[0])
    plain = sgd(0.1)
    _, state = plain.update(model, grads, plain.init(model))
    with pytest.raises(
        InvalidTypeError,
        match=r"state was made by sgd without momentum .*but this optimizer is sgd with "
        r"momentum 0.9.*optimizer.init\(model\)",
    ):
        sgd(0.1, momentum=0.9).update(model, grads, state)
    with pytest.raises(InvalidTypeError, match=r"state was made by sgd without momentum.*adam"):
        adam(0.1).update(model, grads, state)


def test_a_state_of_momentum_sgd_given_to_plain_sgd_or_adam_names_its_maker() -> None:
    model = tiny()
    grads = backward(model.forward([X])[0])
    momentum = sgd(0.1, momentum=0.9)
    _, state = momentum.update(model, grads, momentum.init(model))
    with pytest.raises(
        InvalidTypeError,
        match=r"state was made by sgd with momentum .*this optimizer is sgd without momentum",
    ):
        sgd(0.1).update(model, grads, state)
    adam_state = adamw(0.1).init(model)
    with pytest.raises(InvalidTypeError, match=r"state was made by adam or adamw.*init\(model\)"):
        momentum.update(model, grads, adam_state)


def test_a_fresh_state_suits_momentum_sgd_and_plain_sgd_alike() -> None:
    model = tiny()
    grads = backward(model.forward([X])[0])
    fresh = sgd(0.1).init(model)  # step 0: no velocity yet, whichever sgd made it
    first, _ = sgd(0.1, momentum=0.9).update(model, grads, fresh)
    assert first == sgd(0.1).update(model, grads, fresh)[0]  # the first step is the same


def test_a_nan_gradient_is_named_as_the_cause_not_the_learning_rate() -> None:
    model = tiny()
    weight = model.parameters()[0]
    huge = Value(1.0) * 1e300 * 1e300  # inf, from float arithmetic
    grads = backward((weight * huge).tanh())  # tanh(inf) = 1.0, but d/dweight = 0 * inf = nan
    with pytest.raises(InvalidValueError, match=r"its gradient is nan.*which no learning rate"):
        sgd(0.1).update(model, grads, sgd(0.1).init(model))


@pytest.mark.parametrize(
    "optimizer", [sgd(0.1), sgd(0.1, momentum=0.9), adam(0.1), adamw(0.1)], ids=repr
)
def test_an_update_builds_the_model_with_parameters_would(optimizer: Optimizer) -> None:
    # An update rebuilds its model without with_parameters' checks (its numbers are checked
    # already): the result is the model with_parameters builds from the same numbers, with
    # the parameters' labels and the neurons' kinds kept, fresh leaves, every part frozen.
    base = MLP.create(2, [3, 2, 1], activation="tanh", seed=3)
    labelled = with_parameters(
        base, [Value(p.data, label=f"p{i}") for i, p in enumerate(base.parameters())]
    )
    data = moons(8, noise=0.1, seed=2)
    grads = backward(mse(labelled, data.xs, data.ys, alpha=1e-3).total_loss)
    new, _ = optimizer.update(labelled, grads, optimizer.init(labelled))
    reference = with_parameters(labelled, numbers(new))
    assert new == reference
    assert [struct_bits(x) for x in numbers(new)] == [struct_bits(x) for x in numbers(reference)]
    assert [p.label for p in parameters(new)] == [f"p{i}" for i in range(len(numbers(base)))]
    assert [(n.nonlinear, n.activation) for layer in new.layers for n in layer.neurons] == [
        (n.nonlinear, n.activation) for layer in base.layers for n in layer.neurons
    ]
    assert not {id(p) for p in parameters(new)} & {id(p) for p in parameters(labelled)}
    assert new.forward([0.5, -1.0])[0].data == reference.forward([0.5, -1.0])[0].data
    with pytest.raises(AttributeError):
        new.layers = ()  # type: ignore[misc]
    with pytest.raises(AttributeError):
        new.layers[0].neurons[0].bias = Value(1.0)  # type: ignore[misc]


def struct_bits(x: float) -> bytes:
    return struct.pack("<d", x)


def test_apply_gradients_names_the_first_parameter_that_would_overflow() -> None:
    neuron = Neuron(weights=(Value(0.5), Value(-0.5)), bias=Value(0.0), nonlinear=False)
    model = MLP(layers=(Layer((neuron,)),))
    grads = backward(model.forward([1.0, 4.0])[0])  # gradients 1.0, 4.0 and 1.0
    # 0.5 - 1e308 * 1.0 is finite; -0.5 - 1e308 * 4.0 overflows: the second weight is named.
    with pytest.raises(
        InvalidValueError,
        match=r"apply_gradients: a parameter would become -inf \(data -0\.5, gradient 4\.0, "
        r"learning_rate 1e\+308\); the step diverged: lower the learning rate",
    ):
        apply_gradients(model, grads, 1e308)
    assert numbers(model) == [0.5, -0.5, 0.0]  # the model passed in is unchanged
