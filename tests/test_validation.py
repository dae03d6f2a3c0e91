# Every call here passes a wrong type on purpose, so these mypy checks are off for this file:
# mypy: disable-error-code="arg-type, list-item, operator, index, return-value, misc"
"""Every public entry point refuses bad input before any work, naming the argument and the fix."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import mgfunc
from mgfunc import (
    DomainError,
    InvalidTypeError,
    InvalidValueError,
    MgfuncError,
    Value,
    backward,
    grad,
    value_and_grad,
)
from mgfunc import graph as graph_module
from mgfunc.datasets import DataPoint, Dataset, blobs, moons, spiral
from mgfunc.losses import max_margin
from mgfunc.nn import (
    MAX_PARAMETERS,
    MLP,
    Layer,
    Neuron,
    apply_gradients,
    parameter_count,
    parameters,
)
from mgfunc.trainer import official_micrograd_learning_rate, train
from tests.refusals import Refusal, assert_refused_before_any_step, refusals

X = Value(3.0, label="x")
DATA = moons(10, seed=0)
MODEL = MLP.create(2, [4, 1], seed=0)
WIDE = MLP.create(2, [4, 2], seed=0)

# Any: each case calls an entry point with a deliberately wrong type.
Case = tuple[Callable[[], Any], type[MgfuncError], str]

CASES: dict[str, Case] = {
    # Value and its operations.
    "Value text": (
        lambda: Value("3"),
        InvalidTypeError,
        r"Value\(data=\.\.\.\) must be a real number, got str '3'; pass a float such as 2.0",
    ),
    "Value bool": (lambda: Value(True), InvalidTypeError, r"got bool True"),
    "Value nan": (
        lambda: Value(math.nan),
        InvalidValueError,
        r"Value\(data=\.\.\.\) must be finite, got nan",
    ),
    "Value huge int": (
        lambda: Value(10**400),
        InvalidValueError,
        r"too large for a float, got int 1000",
    ),
    "Value label": (
        lambda: Value(1.0, label=5),
        InvalidTypeError,
        r'label=\.\.\.\) takes a str, got int 5; pass a short name such as label="x"',
    ),
    "add text": (
        lambda: X + "1",
        InvalidTypeError,
        r"\+: an operand \(a Value or a number\) must be a real number, got str '1'",
    ),
    "radd None": (lambda: None + X, InvalidTypeError, r"got NoneType None"),
    "mul inf": (lambda: mgfunc.mul(X, math.inf), InvalidValueError, r"must be finite, got inf"),
    "div zero": (
        lambda: X / 0,
        DomainError,
        r"division by zero: the divisor is 0.0; pass a divisor that is not 0",
    ),
    "div function zero": (lambda: mgfunc.div(1.0, 0.0), DomainError, r"division by zero"),
    "pow Value exponent": (
        lambda: X ** Value(2.0),
        InvalidTypeError,
        r"exponent must be a plain number, not a Value",
    ),
    "pow function Value exponent": (
        lambda: mgfunc.pow(X, Value(2.0)),
        InvalidTypeError,
        r"not a Value",
    ),
    "pow negative base": (
        lambda: (-X) ** 0.5,
        DomainError,
        r"negative base \(-3.0\) to a non-integer exponent \(0.5\)",
    ),
    "pow zero base": (lambda: mgfunc.pow(0.0, -1), DomainError, r"0.0 \*\* -1.0 is undefined"),
    "log zero": (
        lambda: mgfunc.log(0.0),
        DomainError,
        r"log: the argument must be positive, got 0.0",
    ),
    "log negative": (lambda: (-X).log(), DomainError, r"got -3.0"),
    "neg text": (lambda: mgfunc.neg("a"), InvalidTypeError, r"neg: an operand"),
    "sigmoid list": (
        lambda: mgfunc.sigmoid([1.0]),
        InvalidTypeError,
        r"sigmoid: an operand .* got list \[1.0\]",
    ),
    "sum_values term": (lambda: mgfunc.sum_values([X, "a"]), InvalidTypeError, r"sum: an operand"),
    "linear lengths": (
        lambda: mgfunc.linear([X], [1.0, 2.0], X),
        InvalidValueError,
        r"got 1 weights but 2 inputs",
    ),
    # Differentiation and graphs.
    "backward number": (
        lambda: backward(3.0),
        InvalidTypeError,
        r"output must be a Value, got float 3.0",
    ),
    "grads key": (
        lambda: backward(X * X)["x"],
        InvalidTypeError,
        r"gradients are looked up by Value, got str 'x'",
    ),
    "grad not callable": (
        lambda: grad(3),  # type: ignore[call-overload]
        InvalidTypeError,
        r"f must be a function of Values, got int 3",
    ),
    "value_and_grad not callable": (
        lambda: value_and_grad(None),  # type: ignore[call-overload]
        InvalidTypeError,
        r"f must be a function",
    ),
    "grad argument": (
        lambda: grad(lambda x: x * x)("2"),  # type: ignore[call-overload]
        InvalidTypeError,
        r"argument 0 must be a real number, got str '2'",
    ),
    "grad arity": (
        lambda: grad(lambda x: x * x)(1.0, 2.0),
        InvalidTypeError,
        r"f\(x\) cannot take 2 argument\(s\)",
    ),
    "grad result": (
        lambda: grad(lambda x: "y")(1.0),
        InvalidTypeError,
        r"f must return a Value \(or a number\), got str",
    ),
    "nodes": (lambda: graph_module.nodes(None), InvalidTypeError, r"output must be a Value"),
    "nodes grads": (
        lambda: graph_module.nodes(X, {X: 1.0}),
        InvalidTypeError,
        r"grads must be a Gradients table or None, got dict",
    ),
    "edges": (
        lambda: graph_module.edges([X]),
        InvalidTypeError,
        r"output must be a Value, got list",
    ),
    "to_dot": (
        lambda: graph_module.to_dot(X, "grads"),
        InvalidTypeError,
        r"grads must be a Gradients table",
    ),
    # Networks.
    "create nin 0": (
        lambda: MLP.create(0, [1]),
        InvalidValueError,
        r"nin must be at least 1, got 0",
    ),
    "create nin float": (
        lambda: MLP.create(2.0, [1]),
        InvalidTypeError,
        r"nin must be an int, got float 2.0",
    ),
    "create nouts empty": (
        lambda: MLP.create(2, []),
        InvalidValueError,
        r"nouts must not be empty",
    ),
    "create nouts int": (
        lambda: MLP.create(2, 16),
        InvalidTypeError,
        r"nouts must be a sequence of layer widths .*, got int 16",
    ),
    "create width 0": (
        lambda: MLP.create(2, [4, 0]),
        InvalidValueError,
        r"nouts\[1\] must be at least 1, got 0",
    ),
    "create width -3": (
        lambda: MLP.create(2, [-3]),
        InvalidValueError,
        r"nouts\[0\] must be at least 1, got -3",
    ),
    "create huge": (
        lambda: MLP.create(2**40, [1]),
        InvalidValueError,
        rf"parameters, more than the {MAX_PARAMETERS:,}",
    ),
    "create seed": (
        lambda: MLP.create(2, [1], seed="a"),
        InvalidTypeError,
        r"seed must be an int or a tuple of ints, got str 'a'",
    ),
    "create seed empty": (
        lambda: MLP.create(2, [1], seed=()),
        InvalidValueError,
        r"seed must not be an empty tuple",
    ),
    "Neuron weights int": (
        lambda: Neuron(weights=3, bias=X),
        InvalidTypeError,
        r"Neuron\(weights=\.\.\.\) takes a sequence of Values, got int 3",
    ),
    "Neuron weights floats": (
        lambda: Neuron(weights=[1.0], bias=X),
        InvalidTypeError,
        r"wrap numbers as Value\(0.5\)",
    ),
    "Neuron weights empty": (
        lambda: Neuron(weights=[], bias=X),
        InvalidValueError,
        r"must not be empty",
    ),
    "Neuron bias": (
        lambda: Neuron(weights=[X], bias=0.0),
        InvalidTypeError,
        r"Neuron\(bias=\.\.\.\) takes a Value, got float 0.0",
    ),
    "Neuron nonlinear": (
        lambda: Neuron(weights=[X], bias=X, nonlinear="yes"),
        InvalidTypeError,
        r"nonlinear=\.\.\.\) takes True or False, got str 'yes'",
    ),
    "Layer None": (
        lambda: Layer(None),
        InvalidTypeError,
        r"Layer\(neurons=\.\.\.\) takes a non-empty sequence of Neurons, got NoneType",
    ),
    "Layer widths": (
        lambda: Layer([Neuron([X], X), Neuron([X, X], X)]),
        InvalidValueError,
        r"same number of weights, got \[1, 2\]",
    ),
    "MLP int": (
        lambda: MLP(5),
        InvalidTypeError,
        r"MLP\(layers=\.\.\.\) takes a non-empty sequence of Layers, got int 5",
    ),
    "MLP shapes": (
        lambda: MLP([MODEL.layers[0], MODEL.layers[0]]),
        InvalidValueError,
        r"layer 0 has 4 outputs but layer 1 takes 2 inputs",
    ),
    "call width": (
        lambda: MODEL([1.0]),
        InvalidValueError,
        r"inputs has 1 entries but the model takes 2; pass 2 numbers",
    ),
    "call text": (
        lambda: MODEL("ab"),
        InvalidTypeError,
        r"inputs must be a sequence of 2 numbers or Values, got str 'ab'",
    ),
    "call element": (
        lambda: MODEL([1.0, "b"]),
        InvalidTypeError,
        r"MLP: inputs\[1\] must be a real number, got str 'b'",
    ),
    "evaluate width": (
        lambda: MODEL.evaluate([1.0, 2.0, 3.0]),
        InvalidValueError,
        r"inputs has 3 entries",
    ),
    "evaluate element": (
        lambda: MODEL.evaluate([1.0, "b"]),
        InvalidTypeError,
        r"inputs\[1\] must be a real number, got str 'b'",
    ),
    "evaluate list": (
        lambda: MODEL.evaluate([1.0, [2.0]]),
        InvalidTypeError,
        r"inputs\[1\] must be a real number, got list",
    ),
    "evaluate nan": (
        lambda: MODEL.evaluate([math.nan, 0.0]),
        InvalidValueError,
        r"inputs\[0\] must be finite, got nan",
    ),
    "evaluate Value": (
        lambda: MODEL.evaluate([X, 1.0]),
        InvalidTypeError,
        r"evaluate takes plain numbers.*model\(inputs\)",
    ),
    "layer evaluate width": (
        lambda: MODEL.layers[0].evaluate([1.0]),
        InvalidValueError,
        r"inputs has 1 entries",
    ),
    "neuron evaluate width": (
        lambda: MODEL.layers[0].neurons[0].evaluate([1.0, 2.0, 3.0]),
        InvalidValueError,
        r"inputs has 3 entries",
    ),
    "parameters": (
        lambda: parameters([X]),
        InvalidTypeError,
        r"model must be a Neuron, Layer or MLP, got list",
    ),
    "parameter_count": (
        lambda: parameter_count(None),
        InvalidTypeError,
        r"model must be a Neuron, Layer or MLP",
    ),
    "apply model": (
        lambda: apply_gradients(MODEL.layers[0], backward(X), 0.1),
        InvalidTypeError,
        r"model must be an MLP, got Layer",
    ),
    "apply grads": (
        lambda: apply_gradients(MODEL, {}, 0.1),
        InvalidTypeError,
        r"grads must be a Gradients table, got dict",
    ),
    "apply rate": (
        lambda: apply_gradients(MODEL, backward(X), math.nan),
        InvalidValueError,
        r"learning_rate must be finite, got nan",
    ),
    # Datasets.
    "moons 1": (
        lambda: moons(1),
        InvalidValueError,
        r"n_samples \(one point per class at least\) must be at least 2, got 1",
    ),
    "moons float": (
        lambda: moons(10.0),
        InvalidTypeError,
        r"n_samples .* must be an int, got float 10.0",
    ),
    "moons huge": (lambda: moons(10**12), InvalidValueError, r"must be at most 10,000,000"),
    "moons noise": (
        lambda: moons(10, noise=-0.1),
        InvalidValueError,
        r"noise is a standard deviation and must be between 0 and 1e\+300 .* got -0.1",
    ),
    "moons noise nan": (
        lambda: moons(10, noise=math.nan),
        InvalidValueError,
        r"noise must be finite, got nan",
    ),
    "moons noise huge": (
        lambda: moons(10, noise=1e308),
        InvalidValueError,
        r"so the points stay finite",
    ),
    "moons seed": (
        lambda: moons(10, seed=1.5),
        InvalidTypeError,
        r"seed must be an int or a tuple of ints, got float 1.5",
    ),
    "moons seed tuple": (
        lambda: moons(10, seed=(1, "a")),
        InvalidTypeError,
        r"got tuple \(1, 'a'\)",
    ),
    "spiral turns": (
        lambda: spiral(10, turns=0),
        InvalidValueError,
        r"turns must be positive .* got 0",
    ),
    "spiral turns huge": (
        lambda: spiral(10, turns=1e308),
        InvalidValueError,
        r"the angles must stay finite",
    ),
    "blobs noise inf": (
        lambda: blobs(10, noise=math.inf),
        InvalidValueError,
        r"noise must be finite, got inf",
    ),
    "DataPoint label": (
        lambda: DataPoint(0.0, 0.0, 0.5),
        InvalidValueError,
        r"DataPoint\(label=\.\.\.\) must be a class index 0, 1, \.\.\. .*got 0.5",
    ),
    "DataPoint x": (
        lambda: DataPoint("0", 0.0, 1.0),
        InvalidTypeError,
        r"DataPoint\(x=\.\.\.\) must be a real number, got str '0'",
    ),
    "DataPoint y": (
        lambda: DataPoint(0.0, math.inf, 1.0),
        InvalidValueError,
        r"DataPoint\(y=\.\.\.\) must be finite",
    ),
    "Dataset points": (
        lambda: Dataset(None),
        InvalidTypeError,
        r"Dataset\(points=\.\.\.\) takes a sequence of DataPoint, got NoneType",
    ),
    "Dataset point": (
        lambda: Dataset([(0.0, 0.0, 1.0)]),
        InvalidTypeError,
        r"item 0 must be a DataPoint, got tuple",
    ),
    "Dataset metadata": (
        lambda: Dataset((), metadata=[1]),
        InvalidTypeError,
        r"metadata=\.\.\.\) takes a mapping with str keys, got list",
    ),
    # The loss.
    "max_margin model": (
        lambda: max_margin(None, DATA.xs, DATA.ys),
        InvalidTypeError,
        r"model must be an MLP, got NoneType",
    ),
    "max_margin outputs": (
        lambda: max_margin(WIDE, DATA.xs, DATA.ys),
        InvalidValueError,
        r"exactly one output \(the score\), got 2; end nouts with 1",
    ),
    "max_margin lengths": (
        lambda: max_margin(MODEL, DATA.xs, DATA.ys[:-1]),
        InvalidValueError,
        r"xs has 10 rows but ys has 9 labels",
    ),
    "max_margin width": (
        lambda: max_margin(MODEL, [(1.0, 2.0, 3.0)], [1.0]),
        InvalidValueError,
        r"xs\[0\] has 3 numbers but 2 are needed",
    ),
    "max_margin label": (
        lambda: max_margin(MODEL, [(1.0, 2.0)], [0.0]),
        InvalidValueError,
        r"ys\[0\] must be -1.0 or 1.0, got 0.0",
    ),
    "max_margin label text": (
        lambda: max_margin(MODEL, [(1.0, 2.0)], ["1"]),
        InvalidTypeError,
        r"ys\[0\] must be a real number",
    ),
    "max_margin alpha": (
        lambda: max_margin(MODEL, DATA.xs, DATA.ys, alpha=-1.0),
        InvalidValueError,
        r"alpha must be at least 0, got -1.0",
    ),
    "max_margin empty": (
        lambda: max_margin(MODEL, [], []),
        InvalidValueError,
        r"xs must not be empty",
    ),
    "max_margin xs": (
        lambda: max_margin(MODEL, 5, DATA.ys),
        InvalidTypeError,
        r"xs must be a sequence of rows of numbers .*, got int",
    ),
    "max_margin point": (
        lambda: max_margin(MODEL, [(1.0, math.inf)], [1.0]),
        InvalidValueError,
        r"xs\[0\]\[1\] must be finite, got inf",
    ),
    # Training.
    "train steps": (
        lambda: train(MODEL, DATA, steps=-1),
        InvalidValueError,
        r"steps must be at least 0, got -1",
    ),
    "train steps float": (
        lambda: train(MODEL, DATA, steps=2.5),
        InvalidTypeError,
        r"steps must be an int, got float 2.5",
    ),
    "train log_every": (
        lambda: train(MODEL, DATA, log_every=0),
        InvalidValueError,
        r"log_every must be at least 1, got 0",
    ),
    "train rate": (
        lambda: train(MODEL, DATA, learning_rate=math.inf),
        InvalidValueError,
        r"learning_rate must be a positive finite number, got inf",
    ),
    "train rate text": (
        lambda: train(MODEL, DATA, learning_rate="0.1"),
        InvalidTypeError,
        r"learning_rate must be a positive number or a schedule .*got str '0.1'",
    ),
    "train schedule arity": (
        lambda: train(MODEL, DATA, learning_rate=lambda: 0.1),
        InvalidTypeError,
        r"learning_rate must be a float or a function of the 0-based step, "
        r"got a function taking \(\)",
    ),
    "train schedule nan": (
        lambda: train(MODEL, DATA, learning_rate=lambda k: math.nan),
        InvalidValueError,
        r"the learning rate at step 0 \(learning_rate\(0\)\) must be a positive finite number, "
        r"got nan",
    ),
    "train schedule text": (
        lambda: train(MODEL, DATA, learning_rate=lambda k: "fast"),
        InvalidValueError,
        r"learning_rate\(0\)\) must be a positive finite number, got str 'fast'",
    ),
    "train rate negative": (
        lambda: train(MODEL, DATA, learning_rate=-0.1),
        InvalidValueError,
        r"learning_rate must be a positive finite number, got -0.1; a negative rate climbs",
    ),
    "train schedule zero": (
        lambda: train(MODEL, DATA, learning_rate=lambda k: 0.0),
        InvalidValueError,
        r"the learning rate at step 0 .*got 0.0; a rate of 0 leaves the model as it is",
    ),
    "train dataset": (
        lambda: train(MODEL, DATA.xs),
        InvalidTypeError,
        r"dataset must be a Dataset, got tuple; make one with mgfunc.datasets.moons\(100\)",
    ),
    "train model": (
        lambda: train(MODEL.layers, DATA),
        InvalidTypeError,
        r"model must be an MLP, got tuple",
    ),
    "train outputs": (lambda: train(WIDE, DATA), InvalidValueError, r"exactly one output"),
    "train width": (
        lambda: train(MLP.create(3, [1]), DATA),
        InvalidValueError,
        r"xs\[0\] has 2 numbers but 3 are needed",
    ),
    "train alpha": (
        lambda: train(MODEL, DATA, alpha=math.nan),
        InvalidValueError,
        r"alpha must be finite, got nan",
    ),
    "train on_step": (
        lambda: train(MODEL, DATA, on_step="print"),
        InvalidTypeError,
        r"on_step must be None or a function of a HistoryRow, got str",
    ),
    "schedule step": (
        lambda: official_micrograd_learning_rate(-1),
        InvalidValueError,
        r"step must be at least 0, got -1",
    ),
    "schedule step text": (
        lambda: official_micrograd_learning_rate("1"),
        InvalidTypeError,
        r"step must be an int",
    ),
}


@refusals(CASES)
def test_bad_input_gets_a_clear_error(refusal: Refusal) -> None:
    refusal.check()


def test_train_validates_everything_before_any_work() -> None:
    assert_refused_before_any_step(
        lambda schedule: train(MODEL, DATA, steps=5, learning_rate=schedule, log_every=0),
        lambda schedule: train(WIDE, DATA, steps=5, learning_rate=schedule),
    )


def test_errors_are_also_the_builtin_exceptions_users_catch() -> None:
    with pytest.raises(TypeError):
        Value("3")
    with pytest.raises(ValueError, match="finite"):
        Value(math.inf)
    with pytest.raises(ValueError, match="division by zero"):
        X / 0.0


def test_numpy_numbers_are_accepted_where_python_numbers_are() -> None:
    model = MLP.create(np.int64(2), [np.int64(3), 1], seed=0)
    assert model.nin == 2 and [layer.nout for layer in model.layers] == [3, 1]
    assert len(moons(np.int64(6))) == 6
    assert model.evaluate([np.float64(0.5), 1]) == model.evaluate([0.5, 1.0])
    assert Value(np.float32(0.5)).data == 0.5
    run = train(model, DATA, steps=np.int64(2), learning_rate=np.float64(0.1))
    assert [row.step for row in run.history] == [0, 1]


def test_error_messages_stay_short_for_huge_arguments() -> None:
    with pytest.raises(InvalidTypeError) as caught:
        Neuron(weights=list(range(100_000)), bias=X)
    assert len(str(caught.value)) < 300
