"""mgfunc.nn: shapes, initialisation, forward passes, float inference and gradient steps."""

from __future__ import annotations

import pytest

from mgfunc import InvalidTypeError, InvalidValueError, Value, backward
from mgfunc.nn import MLP, Layer, Neuron, apply_gradients, parameter_count, parameters

OFFICIAL = (1337, 1337, 1337)


def test_official_model_has_337_parameters_in_the_right_shapes() -> None:
    model = MLP.create(2, [16, 16, 1], seed=OFFICIAL)
    assert parameter_count(model) == 337 == 16 * (2 + 1) + 16 * (16 + 1) + 1 * (16 + 1)
    assert [(layer.nout, layer.nin) for layer in model.layers] == [(16, 2), (16, 16), (1, 16)]
    assert [n.nonlinear for layer in model.layers for n in layer.neurons[:1]] == [True, True, False]
    ps = parameters(model)
    assert len(ps) == len(set(ps)) == 337


def test_initialisation_is_micrograd_style_and_deterministic() -> None:
    model = MLP.create(2, [16, 16, 1], seed=OFFICIAL)
    weights = [w.data for layer in model.layers for n in layer.neurons for w in n.weights]
    biases = [n.bias.data for layer in model.layers for n in layer.neurons]
    assert all(-1.0 <= w <= 1.0 for w in weights) and len(set(weights)) == len(weights)
    assert biases == [0.0] * 33
    assert MLP.create(2, [16, 16, 1], seed=OFFICIAL) == model
    assert MLP.create(2, [16, 16, 1], seed=7) != model


def test_forward_is_relu_hidden_and_linear_output() -> None:
    hidden = Neuron(weights=(Value(1.0), Value(-1.0)), bias=Value(0.0))
    output = Neuron(weights=(Value(2.0),), bias=Value(-5.0), nonlinear=False)
    model = MLP(layers=(Layer(neurons=(hidden,)), Layer(neurons=(output,))))
    assert hidden([1.0, 3.0]).data == 0.0  # relu clips -2
    assert model([3.0, 1.0]).data == -1.0  # type: ignore[union-attr]
    assert model.forward([1.0, 3.0])[0].data == -5.0
    two = MLP.create(3, [4, 2], seed=1)
    outputs = two([0.1, 0.2, 0.3])
    assert isinstance(outputs, tuple) and len(outputs) == 2


def test_float_inference_equals_the_graph_forward_exactly() -> None:
    model = MLP.create(2, [16, 16, 1], seed=OFFICIAL)
    for point in ([0.5, -0.25], [-1.5, 2.0], [0.0, 0.0], [3.0, -2.5]):
        assert model.evaluate(point) == tuple(v.data for v in model.forward(point))


def test_apply_gradients_returns_a_new_model_and_keeps_the_old_one() -> None:
    model = MLP.create(2, [4, 1], seed=3)
    before = [p.data for p in parameters(model)]
    score = model.forward([0.5, -1.0])[0]
    grads = backward(score * score)
    new_model = apply_gradients(model, grads, 0.1)
    assert [p.data for p in parameters(model)] == before
    assert new_model != model
    expected = [p.data - 0.1 * grads[p] for p in parameters(model)]
    assert [p.data for p in parameters(new_model)] == expected
    assert apply_gradients(model, grads, 0.0) == model  # models compare by their numbers


def test_models_built_from_given_weights_match_created_ones() -> None:
    model = MLP.create(2, [3, 1], seed=11)
    copy = MLP(
        layers=[
            Layer(
                neurons=[
                    Neuron(
                        weights=[Value(w.data) for w in n.weights],
                        bias=Value(n.bias.data),
                        nonlinear=n.nonlinear,
                    )
                    for n in layer.neurons
                ]
            )
            for layer in model.layers
        ]
    )
    assert copy == model
    assert copy.evaluate([0.3, 0.7]) == model.evaluate([0.3, 0.7])


def test_models_are_frozen() -> None:
    model = MLP.create(2, [2, 1], seed=0)
    with pytest.raises(AttributeError):
        model.layers = ()  # type: ignore[misc]
    with pytest.raises(AttributeError):
        model.layers[0].neurons[0].bias = Value(1.0)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("nin", "nouts", "error", "pattern"),
    [
        (0, [1], InvalidValueError, "nin"),
        (2, [], InvalidValueError, "nouts"),
        (2, [4, 0], InvalidValueError, r"nouts\[1\]"),
        (2, [4, -1], InvalidValueError, r"nouts\[1\]"),
        (2.0, [1], InvalidTypeError, "nin"),
        (2, 3, InvalidTypeError, "nouts"),
        (2, [1.5], InvalidTypeError, r"nouts\[0\]"),
    ],
)
def test_create_refuses_bad_shapes(
    nin: object, nouts: object, error: type[Exception], pattern: str
) -> None:
    with pytest.raises(error, match=pattern):
        MLP.create(nin, nouts)  # type: ignore[arg-type]


def test_forward_and_apply_gradients_refuse_bad_input() -> None:
    model = MLP.create(2, [2, 1], seed=0)
    with pytest.raises(InvalidValueError, match="takes 2"):
        model([1.0])
    with pytest.raises(InvalidTypeError, match=r"MLP: inputs\[0\] must be a real number"):
        model(["a", 1.0])  # type: ignore[list-item]
    grads = backward(model.forward([1.0, 1.0])[0])
    with pytest.raises(InvalidValueError, match="learning_rate"):
        apply_gradients(model, grads, float("inf"))
    with pytest.raises(InvalidTypeError, match="grads"):
        apply_gradients(model, {}, 0.1)  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match="same number of weights"):
        Layer(neurons=[Neuron(weights=[Value(1.0)], bias=Value(0.0)), model.layers[0].neurons[0]])
    with pytest.raises(InvalidValueError, match="layer 0 has 1 outputs but layer 1 takes 2"):
        MLP(layers=[model.layers[1], model.layers[1]])
