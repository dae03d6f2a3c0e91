"""Random bad arguments thrown at every public entry point.

Each target calls one public function or constructor with one argument replaced by a random,
mostly wrong, value. The only acceptable outcomes are success (the value happened to be valid)
or an :class:`mgfunc.MgfuncError` with a message; a bare TypeError, ValueError, AttributeError,
ZeroDivisionError, OverflowError or RecursionError from deep inside fails the test.
"""

from __future__ import annotations

import importlib.util
import math
import operator
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mgfunc
from mgfunc import MgfuncError, Value, backward
from mgfunc import graph as graph_module
from mgfunc import io as model_io
from mgfunc.datasets import DataPoint, Dataset, blobs, from_arrays, moons, spiral, split, yin_yang
from mgfunc.losses import cross_entropy, logistic, max_margin, mse
from mgfunc.nn import (
    MLP,
    Layer,
    Neuron,
    apply_gradients,
    parameter_count,
    parameters,
    with_parameters,
)
from mgfunc.optim import adam, adamw, sgd
from mgfunc.topology import topological_order
from mgfunc.trainer import official_micrograd_learning_rate, resume, train

SCALARS = st.one_of(
    st.integers(-10, 10),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.text(max_size=6),
    st.none(),
)
HUGE = st.one_of(
    st.integers(min_value=2**31, max_value=2**80),
    st.integers(min_value=-(2**80), max_value=-(2**31)),
    st.sampled_from([10**400, -(10**400), 1e308, -1e308, math.inf, -math.inf, math.nan]),
)
BAD = st.one_of(
    SCALARS,
    HUGE,
    st.sampled_from([0, -1, 0.0, -0.0, 5e-324, -5e-324, 1, 2, 0.5, "", b"x", object()]),
    st.lists(SCALARS, max_size=4),
    st.lists(HUGE, min_size=1, max_size=3),
    st.tuples(SCALARS, SCALARS),
    st.tuples(HUGE, SCALARS),
    st.dictionaries(st.text(max_size=3), SCALARS, max_size=3),
    st.lists(st.lists(SCALARS, max_size=3), max_size=3),
)


class _StopTrainingError(Exception):
    """Raised from ``on_step`` to end a run that started: its arguments were accepted."""


def _stop(_row: object) -> None:
    raise _StopTrainingError


X = Value(2.0, label="x")
Y = X * X + 1.0
GRADS = backward(Y)
DATA = moons(8, noise=0.1, seed=1)
MODEL = MLP.create(2, [3, 1], seed=1)
WIDE_MODEL = MLP.create(2, [2], seed=1)
NEURON = MODEL.layers[0].neurons[0]
LAYER = MODEL.layers[0]
SCRATCH = tempfile.TemporaryDirectory(prefix="mgfunc-fuzz-")
TMP = Path(SCRATCH.name)


@pytest.fixture(scope="module", autouse=True)
def _remove_scratch_folder() -> Iterator[None]:
    yield
    SCRATCH.cleanup()


def _binary(op: Callable[[Any, Any], object]) -> dict[str, Callable[[Any], object]]:
    name = op.__name__
    return {
        f"Value {name} bad": lambda bad: op(X, bad),
        f"bad {name} Value": lambda bad: op(bad, X),
    }


def _train(**overrides: object) -> Callable[[Any], object]:
    def call(bad: object) -> object:
        arguments: dict[str, Any] = {
            "model": MODEL,
            "dataset": DATA,
            "steps": 2,
            "learning_rate": 0.1,
            "on_step": _stop,
        }
        arguments.update({key: bad if value is None else value for key, value in overrides.items()})
        return train(**arguments)

    return call


def _schedule_returning(bad: object) -> Callable[[int], object]:
    return lambda _step: bad


# Any, on purpose: every target is called with values of every type.
Target = Callable[[Any], object]
TARGETS: dict[str, Target] = {
    # The node and its operations.
    "Value(data)": lambda bad: Value(bad),
    "Value(label)": lambda bad: Value(1.0, label=bad),
    **_binary(operator.add),
    **_binary(operator.sub),
    **_binary(operator.mul),
    **_binary(operator.truediv),
    "Value ** bad": lambda bad: X**bad,
    "Value(bad data) ** 0.5": lambda bad: mgfunc.pow(bad, 0.5),
    "Value(bad data) ** -1": lambda bad: mgfunc.pow(bad, -1),
    "add(bad, x)": lambda bad: mgfunc.add(bad, X),
    "add(x, bad)": lambda bad: mgfunc.add(X, bad),
    "sub(bad, x)": lambda bad: mgfunc.sub(bad, X),
    "sub(x, bad)": lambda bad: mgfunc.sub(X, bad),
    "mul(bad, x)": lambda bad: mgfunc.mul(bad, X),
    "mul(x, bad)": lambda bad: mgfunc.mul(X, bad),
    "div(bad, x)": lambda bad: mgfunc.div(bad, X),
    "div(x, bad)": lambda bad: mgfunc.div(X, bad),
    "neg(bad)": lambda bad: mgfunc.neg(bad),
    "pow(bad, 2)": lambda bad: mgfunc.pow(bad, 2),
    "pow(x, bad)": lambda bad: mgfunc.pow(X, bad),
    "relu(bad)": lambda bad: mgfunc.relu(bad),
    "tanh(bad)": lambda bad: mgfunc.tanh(bad),
    "exp(bad)": lambda bad: mgfunc.exp(bad),
    "log(bad)": lambda bad: mgfunc.log(bad),
    "sigmoid(bad)": lambda bad: mgfunc.sigmoid(bad),
    "sum_values([bad])": lambda bad: mgfunc.sum_values([X, bad]),
    "sum_values(start=bad)": lambda bad: mgfunc.sum_values([X], start=bad),
    "linear(inputs=[bad])": lambda bad: mgfunc.linear([X, X], [1.0, bad], X),
    # Differentiation and graph inspection.
    "backward(bad)": lambda bad: backward(bad),
    "grads[bad]": lambda bad: GRADS[bad],
    "topological_order(bad)": lambda bad: topological_order(bad),
    "grad(bad)": lambda bad: mgfunc.grad(bad),
    "value_and_grad(bad)": lambda bad: mgfunc.value_and_grad(bad),
    "grad(f)(bad)": lambda bad: mgfunc.grad(lambda x: x * x)(bad),
    "grad(f)(bad, bad)": lambda bad: mgfunc.grad(lambda x: x * x)(bad, bad),
    "grad(f returning bad)()": lambda bad: mgfunc.grad(lambda x: bad)(1.0),
    "value_and_grad(f)(1.0, bad)": lambda bad: mgfunc.value_and_grad(lambda x, y: x * y)(1.0, bad),
    "nodes(bad)": lambda bad: graph_module.nodes(bad),
    "nodes(y, bad)": lambda bad: graph_module.nodes(Y, bad),
    "edges(bad)": lambda bad: graph_module.edges(bad),
    "to_dot(bad)": lambda bad: graph_module.to_dot(bad),
    "to_dot(y, bad)": lambda bad: graph_module.to_dot(Y, bad),
    # Networks.
    "MLP.create(nin=bad)": lambda bad: MLP.create(bad, [2, 1]),
    "MLP.create(nouts=bad)": lambda bad: MLP.create(2, bad),
    "MLP.create(nouts=[bad])": lambda bad: MLP.create(2, [2, bad]),
    "MLP.create(seed=bad)": lambda bad: MLP.create(2, [1], seed=bad),
    "Neuron(weights=bad)": lambda bad: Neuron(weights=bad, bias=X),
    "Neuron(weights=[bad])": lambda bad: Neuron(weights=[X, bad], bias=X),
    "Neuron(bias=bad)": lambda bad: Neuron(weights=[X], bias=bad),
    "Neuron(nonlinear=bad)": lambda bad: Neuron(weights=[X], bias=X, nonlinear=bad),
    "Layer(bad)": lambda bad: Layer(bad),
    "Layer([bad])": lambda bad: Layer([NEURON, bad]),
    "MLP(bad)": lambda bad: MLP(bad),
    "MLP([bad])": lambda bad: MLP([LAYER, bad]),
    "model(bad)": lambda bad: MODEL(bad),
    "model([bad, 1])": lambda bad: MODEL([bad, 1.0]),
    "model.forward(bad)": lambda bad: MODEL.forward(bad),
    "model.evaluate(bad)": lambda bad: MODEL.evaluate(bad),
    "model.evaluate([bad, 1])": lambda bad: MODEL.evaluate([bad, 1.0]),
    "layer(bad)": lambda bad: LAYER(bad),
    "layer.evaluate(bad)": lambda bad: LAYER.evaluate(bad),
    "layer.evaluate([1, bad])": lambda bad: LAYER.evaluate([1.0, bad]),
    "neuron(bad)": lambda bad: NEURON(bad),
    "neuron.evaluate(bad)": lambda bad: NEURON.evaluate(bad),
    "neuron.evaluate([bad, 1])": lambda bad: NEURON.evaluate([bad, 1.0]),
    "parameters(bad)": lambda bad: parameters(bad),
    "parameter_count(bad)": lambda bad: parameter_count(bad),
    "apply_gradients(model=bad)": lambda bad: apply_gradients(bad, GRADS, 0.1),
    "apply_gradients(grads=bad)": lambda bad: apply_gradients(MODEL, bad, 0.1),
    "apply_gradients(learning_rate=bad)": lambda bad: apply_gradients(MODEL, GRADS, bad),
    # Datasets.
    "moons(n_samples=bad)": lambda bad: moons(bad),
    "moons(noise=bad)": lambda bad: moons(10, noise=bad),
    "moons(seed=bad)": lambda bad: moons(10, seed=bad),
    "spiral(n_samples=bad)": lambda bad: spiral(bad),
    "spiral(noise=bad)": lambda bad: spiral(10, noise=bad),
    "spiral(turns=bad)": lambda bad: spiral(10, turns=bad),
    "spiral(seed=bad)": lambda bad: spiral(10, seed=bad),
    "blobs(n_samples=bad)": lambda bad: blobs(bad),
    "blobs(noise=bad)": lambda bad: blobs(10, noise=bad),
    "blobs(seed=bad)": lambda bad: blobs(10, seed=bad),
    "DataPoint(x=bad)": lambda bad: DataPoint(bad, 0.0, 1.0),
    "DataPoint(label=bad)": lambda bad: DataPoint(0.0, 0.0, bad),
    "Dataset(points=bad)": lambda bad: Dataset(bad),
    "Dataset(points=[bad])": lambda bad: Dataset([DATA.points[0], bad]),
    "Dataset(metadata=bad)": lambda bad: Dataset(DATA.points, bad),
    # Loss and training.
    "max_margin(model=bad)": lambda bad: max_margin(bad, DATA.xs, DATA.ys),
    "max_margin(wide model)": lambda bad: max_margin(WIDE_MODEL, DATA.xs, DATA.ys, bad),
    "max_margin(xs=bad)": lambda bad: max_margin(MODEL, bad, DATA.ys),
    "max_margin(xs=[row, bad])": lambda bad: max_margin(MODEL, [(0.0, 1.0), bad], [1.0, -1.0]),
    "max_margin(ys=bad)": lambda bad: max_margin(MODEL, DATA.xs, bad),
    "max_margin(ys=[1, bad])": lambda bad: max_margin(MODEL, [(0.0, 1.0)] * 2, [1.0, bad]),
    "max_margin(alpha=bad)": lambda bad: max_margin(MODEL, DATA.xs, DATA.ys, bad),
    "train(model=bad)": _train(model=None),
    "train(dataset=bad)": _train(dataset=None),
    "train(steps=bad)": _train(steps=None),
    "train(alpha=bad)": _train(alpha=None),
    "train(learning_rate=bad)": _train(learning_rate=None),
    "train(learning_rate=schedule returning bad)": lambda bad: _train(
        learning_rate=_schedule_returning(bad)
    )(None),
    "train(log_every=bad)": _train(log_every=None),
    "train(on_step=bad)": _train(on_step=None),
    "official_micrograd_learning_rate(bad)": lambda bad: official_micrograd_learning_rate(bad),
    # Persistence.
    "save_model(model=bad)": lambda bad: model_io.save_model(bad, TMP / "fuzz.json"),
    "model_to_json(bad)": lambda bad: model_io.model_to_json(bad),
    "model_from_json(bad)": lambda bad: model_io.model_from_json(bad),
    "save_history(bad)": lambda bad: model_io.save_history(bad, TMP / "fuzz-history.json"),
    "history_to_json(bad)": lambda bad: model_io.history_to_json(bad),
    "history_from_json(bad)": lambda bad: model_io.history_from_json(bad),
}


def _in_tmp(bad: object) -> Any:
    # A str is a valid path: put it under a folder that does not exist, so the fuzz can never
    # write a file anywhere (plain concatenation: an absolute ``bad`` must not escape).
    if isinstance(bad, str) and bad and "\0" not in bad:
        return f"{TMP}/missing-folder/{bad}"
    return bad


# A str path is the right type; whether the file exists is the file system's answer, so these
# targets may also end in the OSError that open() gives (FileNotFoundError and its kin).
PATH_TARGETS: dict[str, Target] = {
    "save_model(path=bad)": lambda bad: model_io.save_model(MODEL, _in_tmp(bad)),
    "load_model(path=bad)": lambda bad: model_io.load_model(_in_tmp(bad)),
    "save_history(path=bad)": lambda bad: model_io.save_history((), _in_tmp(bad)),
    "load_history(path=bad)": lambda bad: model_io.load_history(_in_tmp(bad)),
}

TARGETS.update(
    {
        "sum_values(bad)": lambda bad: mgfunc.sum_values(bad),
        "linear(weights=bad)": lambda bad: mgfunc.linear(bad, [1.0, 2.0], X),
        "linear(weights=[bad])": lambda bad: mgfunc.linear([X, bad], [1.0, 2.0], X),
        "linear(inputs=bad)": lambda bad: mgfunc.linear([X, X], bad, X),
        "linear(bias=bad)": lambda bad: mgfunc.linear([X, X], [1.0, 2.0], bad),
        "Gradients(bad)": lambda bad: mgfunc.Gradients(bad),
        "bad in Gradients": lambda bad: bad in mgfunc.backward(X * X),
        "bad ** Value": lambda bad: bad**X,
    }
)

if importlib.util.find_spec("mgfunc.plot_data") is not None:
    from mgfunc import plot_data

    TARGETS.update(
        {
            "decision_boundary(h=bad)": lambda bad: plot_data.decision_boundary(
                MODEL,
                DATA,
                h=bad,
            ),
            "decision_boundary(padding=bad)": lambda bad: plot_data.decision_boundary(
                MODEL,
                DATA,
                padding=bad,
            ),
            "decision_boundary(model=bad)": lambda bad: plot_data.decision_boundary(bad, DATA),
            "decision_boundary(dataset=bad)": lambda bad: plot_data.decision_boundary(MODEL, bad),
        }
    )


# Contract v0.2: more classes, the loss family, optimizers, training options, resume.
THREE = yin_yang(9, seed=1)
THREE_MODEL = MLP.create(2, [3, 3], seed=1)
OPTIMIZER = adamw(0.1)
OPTIMIZER_STATE = OPTIMIZER.init(MODEL)
SHORT_RUN = train(MODEL, DATA, steps=1, learning_rate=0.1)

TARGETS.update(
    {
        "logsumexp(bad)": lambda bad: mgfunc.logsumexp(bad),
        "logsumexp([x, bad])": lambda bad: mgfunc.logsumexp([X, bad]),
        "cross_entropy(xs=bad)": lambda bad: cross_entropy(THREE_MODEL, bad, THREE.labels),
        "cross_entropy(labels=bad)": lambda bad: cross_entropy(THREE_MODEL, THREE.xs, bad),
        "cross_entropy(labels=[0, bad])": lambda bad: cross_entropy(
            THREE_MODEL, THREE.xs[:2], [0, bad]
        ),
        "cross_entropy(alpha=bad)": lambda bad: cross_entropy(
            THREE_MODEL, THREE.xs, THREE.labels, bad
        ),
        "logistic(ys=bad)": lambda bad: logistic(MODEL, DATA.xs, bad),
        "mse(targets=[1, bad])": lambda bad: mse(MODEL, [(0.0, 1.0)] * 2, [1.0, bad]),
        "mse(model=bad)": lambda bad: mse(bad, DATA.xs, DATA.ys),
        "yin_yang(n_samples=bad)": lambda bad: yin_yang(bad),
        "yin_yang(r_small=bad)": lambda bad: yin_yang(6, r_small=bad),
        "yin_yang(r_big=bad)": lambda bad: yin_yang(6, r_big=bad),
        "spiral(classes=bad)": lambda bad: spiral(12, classes=bad),
        "blobs(classes=bad)": lambda bad: blobs(12, classes=bad),
        "from_arrays(xs=bad)": lambda bad: from_arrays(bad, [0, 1]),
        "from_arrays(labels=bad)": lambda bad: from_arrays([[0.0, 1.0], [1.0, 0.0]], bad),
        "from_arrays(name=bad)": lambda bad: from_arrays([[0.0, 1.0]], [0], name=bad),
        "split(fractions=bad)": lambda bad: split(DATA, bad),
        "split(dataset=bad)": lambda bad: split(bad, (0.5, 0.5)),
        "split(seed=bad)": lambda bad: split(DATA, (0.5, 0.5), seed=bad),
        "Dataset(classes=bad)": lambda bad: Dataset(DATA.points, classes=bad),
        "MLP.create(activation=bad)": lambda bad: MLP.create(2, [2, 1], activation=bad),
        "MLP.create(init=bad)": lambda bad: MLP.create(2, [2, 1], init=bad),
        "Neuron(activation=bad)": lambda bad: Neuron(weights=[X], bias=X, activation=bad),
        "with_parameters(numbers=bad)": lambda bad: with_parameters(MODEL, bad),
        "with_parameters(model=bad)": lambda bad: with_parameters(bad, [0.0] * 13),
        "sgd(learning_rate=bad)": lambda bad: sgd(bad),
        "sgd(momentum=bad)": lambda bad: sgd(0.1, momentum=bad),
        "adam(betas=bad)": lambda bad: adam(betas=bad),
        "adam(eps=bad)": lambda bad: adam(eps=bad),
        "adamw(weight_decay=bad)": lambda bad: adamw(weight_decay=bad),
        "optimizer.init(bad)": lambda bad: OPTIMIZER.init(bad),
        "optimizer.update(model=bad)": lambda bad: OPTIMIZER.update(bad, GRADS, OPTIMIZER_STATE),
        "optimizer.update(grads=bad)": lambda bad: OPTIMIZER.update(MODEL, bad, OPTIMIZER_STATE),
        "optimizer.update(state=bad)": lambda bad: OPTIMIZER.update(MODEL, GRADS, bad),
        "sgd(schedule returning bad).update": lambda bad: sgd(_schedule_returning(bad)).update(  # type: ignore[arg-type]
            MODEL, GRADS, sgd(0.1).init(MODEL)
        ),
        "train(loss=bad)": _train(loss=None),
        "train(optimizer=bad)": lambda bad: _train(optimizer=None)(bad),
        "train(batch_size=bad)": _train(batch_size=None),
        "train(seed=bad)": _train(seed=None, batch_size=2),
        "train(validation=bad)": _train(validation=None),
        "train(snapshot_every=bad)": _train(snapshot_every=None),
        "resume(run=bad)": lambda bad: resume(bad, DATA, steps=1, on_step=_stop),
        "resume(dataset=bad)": lambda bad: resume(SHORT_RUN, bad, steps=1, on_step=_stop),
        "resume(steps=bad)": lambda bad: resume(SHORT_RUN, DATA, steps=bad, on_step=_stop),
        "resume(validation=bad)": lambda bad: resume(
            SHORT_RUN, DATA, steps=1, validation=bad, on_step=_stop
        ),
    }
)


@pytest.mark.parametrize("target", sorted(TARGETS))
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bad=BAD)
def test_a_bad_argument_gets_an_mgfunc_error_with_a_message(target: str, bad: object) -> None:
    _call(TARGETS[target], bad)


def _call(target: Target, bad: object) -> None:
    message = "accepted"
    try:
        target(bad)
    except _StopTrainingError:
        pass  # the arguments were accepted and training began
    except MgfuncError as error:
        message = str(error).strip()
    assert message, f"an MgfuncError without a message for {bad!r}"


@pytest.mark.parametrize("target", sorted(PATH_TARGETS))
@settings(max_examples=120, deadline=None)
@given(bad=BAD)
def test_a_bad_path_gets_an_mgfunc_error_or_the_file_systems_answer(
    target: str, bad: object
) -> None:
    try:
        _call(PATH_TARGETS[target], bad)
    except OSError:
        assert isinstance(bad, str), f"{target}: OSError for a {type(bad).__name__} path"


@pytest.mark.parametrize("path", ["", "model\0.json", b"model.json", 3, None])
def test_paths_that_cannot_name_a_file_are_refused_before_touching_disk(path: object) -> None:
    with pytest.raises(MgfuncError, match=r"path must"):
        model_io.save_model(MODEL, path)  # type: ignore[arg-type]
    with pytest.raises(MgfuncError, match=r"path must"):
        model_io.load_history(path)  # type: ignore[arg-type]
