"""The loss family and logsumexp: values and gradients against hand computations and central
differences, stability for huge logits, and the checks each loss shares."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mgfunc import InvalidTypeError, InvalidValueError, Value, backward, logsumexp
from mgfunc.datasets import moons, yin_yang
from mgfunc.losses import LOSSES, Loss, MaxMarginLoss, cross_entropy, logistic, max_margin, mse
from mgfunc.nn import MLP, Layer, Neuron, parameters

from .gradcheck import assert_gradients_match
from .refusals import Refusal, refusals

LOGITS = st.floats(min_value=-30.0, max_value=30.0, allow_nan=False)


def linear_model(weights: list[list[float]], biases: list[float]) -> MLP:
    """A one-layer linear model with the given numbers: outputs are plain weighted sums."""
    neurons = tuple(
        Neuron(weights=tuple(Value(w) for w in row), bias=Value(b), nonlinear=False)
        for row, b in zip(weights, biases, strict=True)
    )
    return MLP(layers=(Layer(neurons),))


# logsumexp


def test_logsumexp_by_hand() -> None:
    a, b, c = Value(1.0), Value(2.0), Value(3.0)
    out = logsumexp([a, b, c])
    expected = math.log(math.exp(1.0) + math.exp(2.0) + math.exp(3.0))
    assert out.data == pytest.approx(expected, rel=1e-15)
    grads = backward(out)
    total = math.exp(1.0) + math.exp(2.0) + math.exp(3.0)
    for node, x in ((a, 1.0), (b, 2.0), (c, 3.0)):
        assert grads[node] == pytest.approx(math.exp(x) / total, rel=1e-14)
    assert (out.op, len(out.inputs)) == ("logsumexp", 3)


@pytest.mark.parametrize("big", [1000.0, -1000.0, 1e300])
def test_logsumexp_is_exact_for_huge_inputs(big: float) -> None:
    a, b = Value(big), Value(big)
    out = logsumexp([a, b, 0.0])
    assert math.isfinite(out.data)
    grads = backward(out)
    if big > 0:
        assert out.data == pytest.approx(big + math.log(2.0))
        assert grads[a] == grads[b] == 0.5
    else:
        assert out.data == 0.0 and grads[a] == grads[b] == 0.0


@settings(max_examples=60)
@given(xs=st.lists(LOGITS, min_size=1, max_size=5))
def test_logsumexp_gradients_match_central_differences(xs: list[float]) -> None:
    assert_gradients_match(lambda *v: logsumexp(v), xs, rtol=1e-4, atol=1e-6)


def test_logsumexp_refuses_nothing_and_non_numbers() -> None:
    with pytest.raises(InvalidValueError, match="at least one value"):
        logsumexp([])
    with pytest.raises(InvalidTypeError, match="iterable"):
        logsumexp(3.0)  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match="real number"):
        logsumexp([Value(1.0), "2"])  # type: ignore[list-item]


# cross_entropy


def test_cross_entropy_by_hand() -> None:
    # Logits (1, 2, 0) for label 1: loss = log(e + e^2 + 1) - 2, and dL/dlogit_k = p_k - [k = 1].
    model = linear_model([[0.0], [0.0], [0.0]], [1.0, 2.0, 0.0])
    loss = cross_entropy(model, [[0.5]], [1])
    total = math.e + math.e**2 + 1.0
    assert loss.data_loss.data == pytest.approx(math.log(total) - 2.0, rel=1e-14)
    assert loss.reg_loss.data == 0.0 and loss.accuracy == 1.0
    grads = backward(loss.total_loss)
    biases = [neuron.bias for neuron in model.layers[0].neurons]
    expected = [math.e / total, math.e**2 / total - 1.0, 1.0 / total]
    assert [grads[b] for b in biases] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("scale", [1000.0, -1000.0])
def test_cross_entropy_is_stable_for_logits_of_a_thousand(scale: float) -> None:
    model = linear_model([[scale], [0.0], [-scale]], [0.0, 0.0, 0.0])
    right = cross_entropy(model, [[1.0]], [0])
    wrong = cross_entropy(model, [[1.0]], [2])
    for loss in (right, wrong):
        grads = backward(loss.total_loss)
        assert math.isfinite(loss.total_loss.data)
        assert all(math.isfinite(grads[p]) for p in parameters(model))
    best, worst = (right, wrong) if scale > 0 else (wrong, right)
    assert best.data_loss.data == 0.0 and worst.data_loss.data == pytest.approx(2000.0)
    assert best.accuracy == 1.0 and worst.accuracy == 0.0


@settings(max_examples=40)
@given(
    logits=st.lists(LOGITS, min_size=2, max_size=4),
    label=st.integers(0, 3),
)
def test_cross_entropy_gradients_match_central_differences(logits: list[float], label: int) -> None:
    label %= len(logits)
    count = len(logits)

    def loss_of(*biases: Value) -> Value:
        model = MLP(
            layers=(
                Layer(
                    tuple(Neuron(weights=(Value(0.0),), bias=b, nonlinear=False) for b in biases)
                ),
            )
        )
        return cross_entropy(model, [[1.0]], [label]).total_loss

    assert_gradients_match(loss_of, logits, rtol=1e-4, atol=1e-6)
    assert count == len(logits)


def test_cross_entropy_accuracy_is_argmax_with_the_first_on_a_tie() -> None:
    model = linear_model([[0.0], [0.0]], [1.0, 1.0])
    assert cross_entropy(model, [[0.0]], [0]).accuracy == 1.0
    assert cross_entropy(model, [[0.0]], [1]).accuracy == 0.0


# logistic and mse


def test_logistic_by_hand() -> None:
    model = linear_model([[2.0]], [0.5])  # score = 2x + 0.5
    loss = logistic(model, [[1.0], [-1.0]], [1.0, 1.0])
    scores = [2.5, -1.5]
    expected = sum(math.log1p(math.exp(-s)) for s in scores) / 2
    assert loss.data_loss.data == pytest.approx(expected, rel=1e-14)
    assert loss.accuracy == 0.5
    grads = backward(loss.total_loss)
    # dL/ds = -sigmoid(-s) per point, halved by the mean; ds/dw = x, ds/db = 1.
    slopes = [-1.0 / (1.0 + math.exp(s)) / 2 for s in scores]
    weight, bias = parameters(model)
    assert grads[weight] == pytest.approx(slopes[0] * 1.0 + slopes[1] * -1.0, rel=1e-12)
    assert grads[bias] == pytest.approx(sum(slopes), rel=1e-12)


@pytest.mark.parametrize("score", [1000.0, -1000.0])
def test_logistic_is_stable_for_huge_scores(score: float) -> None:
    model = linear_model([[score]], [0.0])
    loss = logistic(model, [[1.0]], [1.0])
    grads = backward(loss.total_loss)
    assert math.isfinite(loss.total_loss.data) and all(
        math.isfinite(grads[p]) for p in parameters(model)
    )
    assert loss.data_loss.data == pytest.approx(0.0 if score > 0 else 1000.0)


def test_mse_by_hand() -> None:
    model = linear_model([[2.0]], [0.0])  # score = 2x
    loss = mse(model, [[1.0], [2.0]], [1.0, -3.0])
    assert loss.data_loss.data == ((2.0 - 1.0) ** 2 + (4.0 + 3.0) ** 2) / 2
    assert loss.accuracy == 0.5  # 2 > 0 matches 1 > 0; 4 > 0 does not match -3
    weight, bias = parameters(model)
    grads = backward(loss.total_loss)
    assert grads[weight] == (2 * (2.0 - 1.0) * 1.0 + 2 * (4.0 + 3.0) * 2.0) / 2
    assert grads[bias] == (2 * (2.0 - 1.0) + 2 * (4.0 + 3.0)) / 2


@settings(max_examples=40)
@given(
    numbers=st.lists(st.floats(-3.0, 3.0, allow_nan=False), min_size=3, max_size=3),
    name=st.sampled_from(["max_margin", "logistic", "mse"]),
)
def test_one_output_losses_match_central_differences(numbers: list[float], name: str) -> None:
    loss_function = LOSSES[name]
    xs = [[0.3], [-1.2], [2.0]]
    ys = [1.0, -1.0, 1.0]

    def loss_of(w: Value, b: Value, scale: Value) -> Value:
        model = MLP(layers=(Layer((Neuron(weights=(w,), bias=b, nonlinear=False),)),))
        return loss_function(model, xs, ys, 0.01).total_loss * scale

    if name == "max_margin":  # the hinge has kinks: keep away from them
        w, b = numbers[0], numbers[1]
        if any(abs(1.0 - y * (w * x[0] + b)) < 1e-3 for x, y in zip(xs, ys, strict=True)):
            return
    assert_gradients_match(loss_of, numbers, rtol=1e-4, atol=1e-6)


# The shared parts.


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_every_loss_returns_the_same_record_with_the_same_l2_term(name: str) -> None:
    data = moons(12, seed=3)
    outputs = 2 if name == "cross_entropy" else 1
    model = MLP.create(2, [4, outputs], seed=3)
    targets = data.labels if name == "cross_entropy" else data.ys
    loss = LOSSES[name](model, data.xs, targets, 0.5)
    assert isinstance(loss, Loss) and Loss is MaxMarginLoss
    assert loss.reg_loss.data == pytest.approx(0.5 * sum(p.data**2 for p in parameters(model)))
    assert loss.total_loss.data == loss.data_loss.data + loss.reg_loss.data
    assert 0.0 <= loss.accuracy <= 1.0
    unregularised = LOSSES[name](model, data.xs, targets, 0.0)
    assert unregularised.reg_loss.data == 0.0
    assert unregularised.total_loss.data == unregularised.data_loss.data


def test_max_margin_is_unchanged() -> None:
    data = moons(20, seed=1)
    model = MLP.create(2, [4, 1], seed=1)
    loss = max_margin(model, data.xs, data.ys)
    scores = [model.evaluate(x)[0] for x in data.xs]
    expected = sum(max(0.0, 1.0 - y * s) for s, y in zip(scores, data.ys, strict=True)) / 20
    assert loss.data_loss.data == pytest.approx(expected, rel=1e-14)


THREE = MLP.create(2, [4, 3], seed=0)
ONE = MLP.create(2, [4, 1], seed=0)


@refusals(
    [
        (
            lambda: cross_entropy(THREE, [[0.0, 0.0]], [3]),
            InvalidValueError,
            r"labels\[0\] must be a class index 0 \.\. 2",
        ),
        (
            lambda: cross_entropy(THREE, [[0.0, 0.0]], [-1]),
            InvalidValueError,
            r"class index 0 \.\. 2",
        ),
        (lambda: cross_entropy(THREE, [[0.0, 0.0]], [0.5]), InvalidValueError, r"class index"),
        (
            lambda: cross_entropy(ONE, [[0.0, 0.0]], [0]),
            InvalidValueError,
            r"one output \(logit\) per class.*max_margin or logistic",
        ),
        (
            lambda: max_margin(THREE, [[0.0, 0.0]], [1.0]),
            InvalidValueError,
            r"exactly one output.*cross_entropy",
        ),
        (lambda: logistic(THREE, [[0.0, 0.0]], [1.0]), InvalidValueError, r"exactly one output"),
        (
            lambda: mse(ONE, [[0.0, 0.0]], [math.nan]),
            InvalidValueError,
            r"targets\[0\] must be finite",
        ),
        (
            lambda: max_margin(ONE, [[0.0, 0.0]], [2]),
            InvalidValueError,
            r"ys\[0\] must be -1.0 or 1.0.*cross_entropy",
        ),
        (
            lambda: mse(ONE, [[0.0, 0.0], [1.0]], [1.0, 1.0]),
            InvalidValueError,
            r"xs\[1\] has 1 numbers but 2 are needed",
        ),
        (
            lambda: logistic(ONE, [[0.0, 0.0]], [1.0], alpha=-1.0),
            InvalidValueError,
            r"alpha must be at least 0",
        ),
    ],
)
def test_bad_arguments_are_refused_before_any_node_is_built(refusal: Refusal) -> None:
    refusal.check()


def test_max_margin_on_a_three_class_dataset_points_to_labels() -> None:
    data = yin_yang(9, seed=0)
    with pytest.raises(InvalidValueError, match=r"read dataset.labels.*cross_entropy"):
        max_margin(ONE, data.xs, data.ys)
