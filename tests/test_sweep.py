"""A sweep of every public entry point with wrong, non-finite, empty, huge, negative and bool input.

The table ``ENTRIES`` below is the one list of mgfunc's entry points: every function, class and
method that takes an argument, with a valid value for each argument. ``EXCLUDED`` names what is
left out and why (constants, type aliases, exceptions), and
``test_every_public_name_is_swept_or_excluded`` fails when a name of any public module's
``__all__``, or a public method of a public class, is in neither: a new public name cannot be
forgotten.

The sweep calls each entry point with one argument replaced by a Hypothesis value. The only
acceptable outcomes are:

- success, with no NaN anywhere in the result (a NaN never went in: every entry point refuses
  it), or
- an :class:`mgfunc.MgfuncError` whose message names the argument (its name, or the words the
  table gives for it, such as "operand" for the operators' ``a`` and ``b``).

Any other exception fails the sweep, and so does a change to a list or dict passed in.
Methods that take no argument besides ``self`` have nothing to sweep; the completeness test
skips them by their signature.

The budget is fixed (``EXAMPLES`` per argument, no deadline), so the sweep runs in well under a
minute; run with ``-s`` to see how many entry points and inputs it tried.
"""

from __future__ import annotations

import atexit
import contextlib
import copy
import importlib
import inspect
import math
import os
import pkgutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs
import matplotlib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mgfunc
from mgfunc import (
    MgfuncError,
    Value,
    backward,
    curvature,
    folds,
    nn,
    ops,
    playground,
    plot_data,
    rules,
    transforms,
    vega,
)
from mgfunc import datasets as datasets_module
from mgfunc import graph as graph_module
from mgfunc import io as model_io
from mgfunc import trainer as trainer_module
from mgfunc import value as value_module
from mgfunc.datasets import DataPoint, Dataset, blobs, from_arrays, moons, spiral, split, yin_yang
from mgfunc.gradients import Gradients
from mgfunc.losses import Loss, accuracy, cross_entropy, logistic, max_margin, mse
from mgfunc.optim import SGD, Adam, AdamState, SGDState, adam, adamw, sgd
from mgfunc.topology import topological_order
from mgfunc.trainer import (
    HistoryRow,
    TrainingConfig,
    TrainingRun,
    official_micrograd_learning_rate,
    resume,
    train,
)

matplotlib.use("Agg")

import matplotlib.pyplot as pyplot

from mgfunc import plots

EXAMPLES = int(os.environ.get("MGFUNC_SWEEP_EXAMPLES", "8"))
"""Hypothesis inputs per argument of every entry point: the fixed budget (the environment
variable ``MGFUNC_SWEEP_EXAMPLES`` raises it for a longer search)."""

SWEEP_SETTINGS = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
"""What every search over the table allows, whatever its budget: cases that are slow, and inputs
that many entry points must filter out."""

# The inputs: wrong types, NaN, infinities, empty, huge, negative, bool, and containers of them.
NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, -0.0, 5e-324, 1e308, -1e308, 10**400, -(10**400), True, False]),
)
BAD = st.one_of(
    NUMBERS,
    st.booleans(),
    st.none(),
    st.text(max_size=5),
    st.sampled_from(["", b"x", (), [], {}, frozenset(), object(), math.nan, math.inf, -math.inf]),
    st.lists(NUMBERS, max_size=4),
    st.tuples(NUMBERS, NUMBERS),
    st.lists(st.lists(NUMBERS, max_size=3), max_size=3),
    st.lists(st.one_of(st.none(), st.text(max_size=2), st.booleans()), min_size=1, max_size=3),
    st.dictionaries(st.text(max_size=3), NUMBERS, max_size=2),
)


class _StopTrainingError(Exception):
    """Raised from ``on_step`` to end a run that started: its arguments were accepted."""


def _stop(_row: object) -> None:
    raise _StopTrainingError


# Valid arguments the table draws on. All are frozen, except the lists, which each call gets as
# a fresh copy.
X = Value(2.0, label="x")
Y = X * X + 1.0
GRADS = backward(Y)
DATA = moons(8, noise=0.1, seed=1)
THREE = yin_yang(9, seed=1)
MODEL = nn.MLP.create(2, [3, 1], seed=1)  # 13 parameters
THREE_MODEL = nn.MLP.create(2, [3, 3], seed=1)
LAYER = MODEL.layers[0]
NEURON = LAYER.neurons[0]
MODEL_GRADS = backward(max_margin(MODEL, DATA.xs, DATA.ys).total_loss)
SGD_OPTIMIZER, ADAM_OPTIMIZER = sgd(0.1, momentum=0.5), adamw(0.1)
SGD_STATE, ADAM_STATE = SGD_OPTIMIZER.init(MODEL), ADAM_OPTIMIZER.init(MODEL)
RUN = train(MODEL, DATA, steps=2, learning_rate=0.1, snapshot_every=1, validation=DATA)
LOSS = max_margin(MODEL, DATA.xs, DATA.ys)
START_STATE, _BATCHES = trainer_module.start(MODEL, DATA, steps=2, learning_rate=0.1)
FIRST_BATCH = next(_BATCHES)
CHART = vega.dataset_chart(DATA, width=100, height=100)
ROWS = [[0.0, 1.0], [1.0, 0.0]]
SCRATCH = tempfile.TemporaryDirectory(prefix="mgfunc-sweep-")
atexit.register(SCRATCH.cleanup)  # at exit: tests/test_fuzz_arguments.py uses it too
TMP = Path(SCRATCH.name)
GIF = str(TMP / "animation.gif")


def _square(x: Value) -> Value:
    return x * x


def _product(x: Value, y: Value) -> Value:
    return x * y


def _pair(x: Value, y: Value) -> tuple[Value, Value]:
    return x * y, x + y


def _in_tmp(path: object) -> Any:
    # A str is a valid path: keep it under a folder that does not exist, so that the sweep never
    # writes a file anywhere (plain concatenation: an absolute path must not escape).
    if isinstance(path, str) and path and "\0" not in path:
        return f"{TMP}/missing-folder/{path}"
    return path


def _closing(draw: Callable[..., object]) -> Callable[..., object]:
    """``draw``, then close every figure (many open figures make matplotlib warn)."""

    def call(**arguments: Any) -> object:
        try:
            return draw(**arguments)
        finally:
            pyplot.close("all")

    return call


@attrs.frozen
class Entry:
    """One public entry point: how to call it, and a valid value for each of its arguments.

    Attributes:
        covers: the public object (function, class or method) the entry calls.
        call: calls it with keyword arguments named as ``arguments``.
        arguments: a valid value per argument; the sweep replaces one at a time.
        words: for an argument whose errors say it in other words, those words (an error
            naming the argument must contain its name or one of them).
        may_raise: exceptions besides MgfuncError that an argument may end in, with why (the
            file system's answer for a path that is a valid str).
        refuses: why every call is refused, if it is (then there are no valid arguments).
    """

    covers: object
    call: Callable[..., object]
    arguments: Mapping[str, object]
    words: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)
    may_raise: Mapping[str, type[BaseException]] = attrs.field(factory=dict)
    refuses: str = ""
    """Why every call is refused, for an entry point that exists only to say what to do."""


def _function(
    function: Callable[..., object],
    words: Mapping[str, tuple[str, ...]] | None = None,
    **arguments: object,
) -> Entry:
    return Entry(function, function, arguments, words or {})


def _method(
    method: object,
    bound: Callable[..., object],
    words: Mapping[str, tuple[str, ...]] | None = None,
    **arguments: object,
) -> Entry:
    return Entry(method, bound, arguments, words or {})


def _returned_function(
    method: object, transform: Callable[..., Callable[..., object]], f: Callable[..., object]
) -> Entry:
    """The function ``transform(f)`` returns, called with two valid arguments ``x`` and ``y``."""
    return Entry(
        method,
        lambda x, y: transform(f)(x, y),
        {"x": 1.0, "y": 2.0},
        {"x": ("argument 0",), "y": ("argument 1",)},
    )


def _record(cls: type, example: object, **words: tuple[str, ...]) -> Entry:
    """A frozen record's constructor, with ``example``'s fields as the valid arguments."""
    fields = [field for field in attrs.fields(cls) if field.init]
    valid = {field.alias: getattr(example, field.name) for field in fields}
    return Entry(cls, cls, valid, words)


_OPERAND = ("operand", "argument")
# The operators: ``a`` and ``b`` are "an operand" in their errors, and the divisor, exponent or
# argument where the operation has one.
_BINARY_WORDS = {"a": _OPERAND, "b": (*_OPERAND, "divisor")}
_UNARY_WORDS = {"a": _OPERAND}
_OTHER_WORDS = {"other": (*_OPERAND, "divisor")}
_PATH: dict[str, type[BaseException]] = {"path": OSError}
# What a schedule returns is the learning rate of a step.
_SCHEDULE = ("learning_rate", "learning rate", "schedule")


def _path_entry(function: Callable[..., object], **arguments: object) -> Entry:
    valid = arguments["path"]

    def call(**given: Any) -> object:
        path = given["path"]
        return function(**{**given, "path": path if path == valid else _in_tmp(path)})

    return Entry(function, call, arguments, {}, _PATH)


# Valid values for every argument of a training run: train's, and start's (all of them but
# train's on_step).
_TRAINING = {
    "model": MODEL,
    "dataset": DATA,
    "steps": 2,
    "loss": max_margin,
    "learning_rate": 0.1,
    "alpha": 1e-4,
    "batch_size": 4,
    "seed": 0,
    "validation": DATA,
    "log_every": 1,
    "snapshot_every": 1,
}

# Valid values for the curvature of a loss: sharpness's arguments, and hessian_eigenvalues' but k.
_CURVATURE = {
    "model": MODEL,
    "dataset": DATA,
    "loss": max_margin,
    "alpha": 1e-4,
    "iterations": 3,
    "seed": 0,
}


def _train(**given: Any) -> object:
    return train(**{"on_step": _stop, **given})


ENTRIES: dict[str, Entry] = {
    # The node and its operations.
    "Value": _function(Value, {"data": ("Value(data=...)",)}, data=2.0, label="x"),
    "Value.__add__": _method(Value.__add__, X.__add__, _OTHER_WORDS, other=2.0),
    "Value.__radd__": _method(Value.__radd__, X.__radd__, _OTHER_WORDS, other=2.0),
    "Value.__sub__": _method(Value.__sub__, X.__sub__, _OTHER_WORDS, other=2.0),
    "Value.__rsub__": _method(Value.__rsub__, X.__rsub__, _OTHER_WORDS, other=2.0),
    "Value.__mul__": _method(Value.__mul__, X.__mul__, _OTHER_WORDS, other=2.0),
    "Value.__rmul__": _method(Value.__rmul__, X.__rmul__, _OTHER_WORDS, other=2.0),
    "Value.__truediv__": _method(Value.__truediv__, X.__truediv__, _OTHER_WORDS, other=2.0),
    "Value.__rtruediv__": _method(Value.__rtruediv__, X.__rtruediv__, _OTHER_WORDS, other=2.0),
    "Value.__pow__": _method(Value.__pow__, X.__pow__, exponent=2.0),
    "Value.__rpow__": Entry(
        Value.__rpow__,
        X.__rpow__,
        {"base": 2.0},
        {"base": ("exponent",)},
        refuses="a number to the power of a Value: the error shows exp(y * log(base))",
    ),
    "add": _function(ops.add, _BINARY_WORDS, a=X, b=2.0),
    "sub": _function(ops.sub, _BINARY_WORDS, a=X, b=2.0),
    "mul": _function(ops.mul, _BINARY_WORDS, a=X, b=2.0),
    "div": _function(ops.div, _BINARY_WORDS, a=X, b=2.0),
    "pow": _function(ops.pow, {"a": _OPERAND}, a=X, exponent=2.0),
    "neg": _function(ops.neg, _UNARY_WORDS, a=X),
    "relu": _function(ops.relu, _UNARY_WORDS, a=X),
    "tanh": _function(ops.tanh, _UNARY_WORDS, a=X),
    "exp": _function(ops.exp, _UNARY_WORDS, a=X),
    "log": _function(ops.log, _UNARY_WORDS, a=X),
    "sigmoid": _function(ops.sigmoid, _UNARY_WORDS, a=X),
    "as_value": _function(value_module.as_value, {"operand": _OPERAND}, operand=X, operation="add"),
    "sigmoid_of": _function(value_module.sigmoid_of, x=0.5),
    "sum_values": _function(
        mgfunc.sum_values, {"terms": _OPERAND, "start": _OPERAND}, terms=[X, 1.0], start=0.0
    ),
    "linear": _function(mgfunc.linear, weights=[X, X], inputs=[1.0, 2.0], bias=X),
    "logsumexp": _function(mgfunc.logsumexp, {"values": _OPERAND}, values=[X, 1.0]),
    # Differentiation and graph inspection.
    "backward": _function(backward, output=Y),
    "topological_order": _function(topological_order, output=Y),
    "Gradients": _function(Gradients, table={X: 1.0}),
    "Gradients.__getitem__": _method(
        Gradients.__getitem__, GRADS.__getitem__, {"node": ("Value",)}, node=X
    ),
    "Gradients.get": _method(
        Gradients.get, lambda node, default: GRADS.get(node, default), node=X, default=0.0
    ),
    "Gradients.__contains__": _method(Gradients.__contains__, GRADS.__contains__, node=X),
    "grad": _function(transforms.grad, f=_square),
    "value_and_grad": _function(transforms.value_and_grad, f=_square),
    "grad(f)(x)": _returned_function(transforms.Gradient.__call__, transforms.grad, _product),
    "value_and_grad(f)(x)": _returned_function(
        transforms.ValueAndGradient.__call__, transforms.value_and_grad, _product
    ),
    "grad(f returning ...)": Entry(
        transforms.grad,
        lambda result: transforms.grad(lambda _x: result)(1.0),
        {"result": X},
        {"result": ("f",)},
    ),
    # Transforms of any order.
    "derivative": _function(transforms.derivative, f=_square),
    "derivative(f)(x)": Entry(
        transforms.Derivative.__call__,
        lambda x: transforms.derivative(_square)(x),
        {"x": 1.0},
        {"x": ("argument 0",)},
    ),
    "value_and_grad(f, argnums=0)(x)": Entry(
        transforms.ValueAndDerivative.__call__,
        lambda x: transforms.value_and_grad(_square, argnums=0)(x),
        {"x": 1.0},
        {"x": ("argument 0",)},
    ),
    "jvp": _function(transforms.jvp, f=_product, primals=[1.0, 2.0], tangents=[1.0, 0.0]),
    "vjp": Entry(
        transforms.vjp,
        lambda f, x, y: transforms.vjp(f, x, y),
        {"f": _product, "x": 1.0, "y": 2.0},
        {"x": ("primals", "argument 0"), "y": ("primals", "argument 1")},
    ),
    "vjp pullback": Entry(
        transforms.Pullback.__call__,
        lambda cotangent: transforms.vjp(_product, 1.0, 2.0)[1](cotangent),
        {"cotangent": 1.0},
    ),
    "jacobian": _function(transforms.jacobian, f=_pair),
    "jacobian(f)(x)": _returned_function(transforms.Jacobian.__call__, transforms.jacobian, _pair),
    "hessian": _function(transforms.hessian, f=_product),
    "hessian(f)(x)": _returned_function(transforms.Hessian.__call__, transforms.hessian, _product),
    "hvp": _function(transforms.hvp, f=_product),
    "hvp(f)(primals, vector)": Entry(
        transforms.HessianVectorProduct.__call__,
        lambda primals, vector: transforms.hvp(_product)(primals, vector),
        {"primals": [1.0, 2.0], "vector": [1.0, 0.0]},
    ),
    "check_grads": _function(
        mgfunc.check_grads,
        # Its own verdict (a GradientCheckError) names the argument by position.
        {"args": ("argument",)},
        f=_product,
        args=[1.0, 2.0],
        order=2,
        modes=("forward", "reverse"),
        eps=1e-4,
        rtol=1e-5,
        atol=1e-6,
    ),
    "sharpness": Entry(curvature.sharpness, curvature.sharpness, _CURVATURE),
    "hessian_eigenvalues": Entry(
        curvature.hessian_eigenvalues, curvature.hessian_eigenvalues, {**_CURVATURE, "k": 2}
    ),
    "nodes": _function(graph_module.nodes, output=Y, grads=GRADS),
    "edges": _function(graph_module.edges, output=Y),
    "to_dot": _function(graph_module.to_dot, output=Y, grads=GRADS),
    "NodeRow": _record(graph_module.NodeRow, graph_module.nodes(Y, GRADS)[0]),
    "EdgeRow": _record(graph_module.EdgeRow, graph_module.edges(Y)[0]),
    # Datasets.
    "moons": _function(moons, n_samples=10, noise=0.1, seed=1),
    "spiral": _function(spiral, n_samples=12, noise=0.05, turns=1.5, classes=2, seed=1),
    "blobs": _function(blobs, n_samples=12, noise=0.25, classes=3, seed=1),
    "yin_yang": _function(yin_yang, n_samples=6, r_small=0.1, r_big=0.5, seed=1),
    "from_arrays": _function(from_arrays, xs=ROWS, labels=[0, 1], classes=None, name="mine"),
    "split": _function(split, dataset=DATA, fractions=[0.5, 0.5], seed=0),
    "DataPoint": _record(DataPoint, DATA.points[0]),
    "Dataset": _function(Dataset, points=DATA.points, metadata=DATA.metadata, classes=2),
    # Networks.
    "MLP.create": _function(
        nn.MLP.create,
        # Past the size limit, the error names the whole call and its parameters and layers.
        {"nin": ("parameters",), "nouts": ("layers",)},
        nin=2,
        nouts=[2, 1],
        activation="relu",
        init="micrograd",
        seed=1,
    ),
    "MLP": _function(nn.MLP, layers=MODEL.layers),
    "Layer": _function(nn.Layer, neurons=LAYER.neurons),
    "Neuron": _function(
        nn.Neuron, weights=NEURON.weights, bias=NEURON.bias, nonlinear=True, activation="relu"
    ),
    "MLP.__call__": _method(nn.MLP.__call__, MODEL.__call__, inputs=[1.0, 2.0]),
    "MLP.forward": _method(nn.MLP.forward, MODEL.forward, inputs=[1.0, 2.0]),
    "MLP.evaluate": _method(nn.MLP.evaluate, MODEL.evaluate, inputs=[1.0, 2.0]),
    "MLP.evaluate_many": _method(nn.MLP.evaluate_many, MODEL.evaluate_many, rows=ROWS),
    "MLP.predict": _method(nn.MLP.predict, MODEL.predict, rows=ROWS),
    "Layer.__call__": _method(nn.Layer.__call__, LAYER.__call__, inputs=[1.0, 2.0]),
    "Layer.evaluate": _method(nn.Layer.evaluate, LAYER.evaluate, inputs=[1.0, 2.0]),
    "Neuron.__call__": _method(nn.Neuron.__call__, NEURON.__call__, inputs=[1.0, 2.0]),
    "Neuron.evaluate": _method(nn.Neuron.evaluate, NEURON.evaluate, inputs=[1.0, 2.0]),
    "parameters": _function(nn.parameters, model=MODEL),
    "parameter_count": _function(nn.parameter_count, model=MODEL),
    "apply_gradients": _function(
        nn.apply_gradients, model=MODEL, grads=MODEL_GRADS, learning_rate=0.1
    ),
    "with_parameters": _function(nn.with_parameters, model=MODEL, numbers=[0.5] * 13),
    # Losses.
    "max_margin": _function(max_margin, model=MODEL, xs=DATA.xs, ys=DATA.ys, alpha=1e-4),
    "logistic": _function(logistic, model=MODEL, xs=DATA.xs, ys=DATA.ys, alpha=0.0),
    "mse": _function(mse, model=MODEL, xs=DATA.xs, targets=DATA.ys, alpha=0.0),
    "cross_entropy": _function(
        cross_entropy, model=THREE_MODEL, xs=THREE.xs, labels=THREE.labels, alpha=0.0
    ),
    "accuracy": _function(accuracy, model=MODEL, dataset=DATA),
    "Loss": _record(Loss, LOSS),
    # Optimizers.
    "sgd": _function(sgd, learning_rate=0.1, momentum=0.5),
    "adam": _function(adam, learning_rate=0.1, betas=(0.9, 0.999), eps=1e-8),
    "adamw": _function(adamw, learning_rate=0.1, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2),
    "SGD": _record(SGD, SGD_OPTIMIZER),
    "Adam": _record(Adam, ADAM_OPTIMIZER),
    "SGDState": _record(SGDState, SGD_STATE),
    "AdamState": _record(AdamState, ADAM_STATE),
    "SGD.learning_rate_at": _method(SGD.learning_rate_at, SGD_OPTIMIZER.learning_rate_at, step=0),
    "SGD.init": _method(SGD.init, SGD_OPTIMIZER.init, model=MODEL),
    "SGD.update": _method(
        SGD.update, SGD_OPTIMIZER.update, model=MODEL, grads=MODEL_GRADS, state=SGD_STATE
    ),
    "sgd(schedule returning ...).update": Entry(
        SGD.update,
        lambda rate: sgd(lambda _step: rate).update(MODEL, MODEL_GRADS, sgd(0.1).init(MODEL)),
        {"rate": 0.1},
        {"rate": _SCHEDULE},
    ),
    "Adam.learning_rate_at": _method(
        Adam.learning_rate_at, ADAM_OPTIMIZER.learning_rate_at, step=0
    ),
    "Adam.init": _method(Adam.init, ADAM_OPTIMIZER.init, model=MODEL),
    "Adam.update": _method(
        Adam.update, ADAM_OPTIMIZER.update, model=MODEL, grads=MODEL_GRADS, state=ADAM_STATE
    ),
    # Training.
    "train": Entry(train, _train, {**_TRAINING, "on_step": _stop}),
    "train(optimizer=...)": Entry(
        train, _train, {"model": MODEL, "dataset": DATA, "steps": 2, "optimizer": ADAM_OPTIMIZER}
    ),
    "train(learning_rate=schedule returning ...)": Entry(
        train,
        lambda rate: _train(model=MODEL, dataset=DATA, steps=2, learning_rate=lambda _k: rate),
        {"rate": 0.1},
        {"rate": _SCHEDULE},
    ),
    "start": Entry(trainer_module.start, trainer_module.start, _TRAINING),
    "step": _function(
        trainer_module.step,
        # The error names both by their types: "step takes a TrainingState and a Batch".
        {"state": ("TrainingState",), "batch": ("Batch",)},
        state=START_STATE,
        batch=FIRST_BATCH,
    ),
    "TrainingState": _record(trainer_module.TrainingState, START_STATE),
    "Batch": _record(trainer_module.Batch, FIRST_BATCH),
    "StepRules": _record(trainer_module.StepRules, FIRST_BATCH.rules),
    "resume": _function(resume, run=RUN, dataset=DATA, steps=1, validation=DATA, on_step=_stop),
    "official_micrograd_learning_rate": _function(official_micrograd_learning_rate, step=3),
    "HistoryRow": _record(HistoryRow, RUN.history[0]),
    "TrainingRun": _record(TrainingRun, RUN),
    "TrainingConfig": _record(TrainingConfig, RUN.config),
    # Plot data.
    "dataset_points": _function(plot_data.dataset_points, dataset=DATA),
    "training_history": _function(plot_data.training_history, run=RUN),
    "loss_history": _function(plot_data.loss_history, run=RUN),
    "accuracy_history": _function(plot_data.accuracy_history, run=RUN),
    "decision_boundary": _function(
        plot_data.decision_boundary, model=MODEL, dataset=DATA, h=0.5, padding=1.0
    ),
    "NeuronGrid": _record(plot_data.NeuronGrid, plot_data.neuron_grid(MODEL, DATA, h=1.0)),
    "grid_axes": _function(plot_data.grid_axes, model=MODEL, dataset=DATA, h=0.5, padding=1.0),
    "neuron_grid": _function(plot_data.neuron_grid, model=MODEL, dataset=DATA, h=0.5, padding=1.0),
    "as_dicts": _function(plot_data.as_dicts, rows=list(plot_data.dataset_points(DATA))),
    "PointRow": _record(plot_data.PointRow, plot_data.dataset_points(DATA)[0]),
    "BoundaryRow": _record(
        plot_data.BoundaryRow, plot_data.decision_boundary(MODEL, DATA, h=1.0)[0]
    ),
    "MetricRow": _record(plot_data.MetricRow, plot_data.loss_history(RUN)[0]),
    # Files.
    "model_to_json": _function(model_io.model_to_json, model=MODEL),
    "model_from_json": _function(model_io.model_from_json, text=model_io.model_to_json(MODEL)),
    "history_to_json": _function(model_io.history_to_json, run_or_history=RUN),
    "history_from_json": _function(model_io.history_from_json, text=model_io.history_to_json(RUN)),
    "run_to_json": _function(model_io.run_to_json, run=RUN),
    "run_from_json": _function(model_io.run_from_json, text=model_io.run_to_json(RUN)),
    "save_model": _path_entry(model_io.save_model, model=MODEL, path=str(TMP / "model.json")),
    "save_history": _path_entry(
        model_io.save_history, run_or_history=RUN, path=str(TMP / "history.json")
    ),
    "save_run": _path_entry(model_io.save_run, run=RUN, path=str(TMP / "run.json")),
    "load_model": _path_entry(model_io.load_model, path=str(TMP / "saved-model.json")),
    "load_history": _path_entry(model_io.load_history, path=str(TMP / "saved-history.json")),
    "load_run": _path_entry(model_io.load_run, path=str(TMP / "saved-run.json")),
    # Pictures (each figure closed after the call).
    "plot_dataset": Entry(plots.plot_dataset, _closing(plots.plot_dataset), {"dataset": DATA}),
    "plot_loss": Entry(plots.plot_loss, _closing(plots.plot_loss), {"run": RUN, "ax": None}),
    "plot_accuracy": Entry(
        plots.plot_accuracy, _closing(plots.plot_accuracy), {"run": RUN, "ax": None}
    ),
    "plot_decision_boundary": Entry(
        plots.plot_decision_boundary,
        _closing(plots.plot_decision_boundary),
        {"model": MODEL, "dataset": DATA, "h": 0.5, "padding": 1.0, "ax": None},
    ),
    "plot_graph": Entry(
        plots.plot_graph,
        _closing(plots.plot_graph),
        {"output": Y, "grads": GRADS, "ax": None, "direction": "LR"},
    ),
    "plot_datapoint_graph": Entry(
        plots.plot_datapoint_graph,
        _closing(plots.plot_datapoint_graph),
        {"model": MODEL, "point": [0.5, 1.0], "target": 1.0, "ax": None, "direction": "LR"},
    ),
    "plot_neurons": Entry(
        plots.plot_neurons,
        _closing(plots.plot_neurons),
        {"model": MODEL, "dataset": DATA, "h": 0.5, "padding": 1.0, "columns": 4, "figure": None},
    ),
    # Vega-Lite charts.
    "dataset_chart": _function(vega.dataset_chart, dataset=DATA, width=200, height=200),
    "datasets_chart": _function(
        vega.datasets_chart, datasets={"a": DATA, "b": THREE}, columns=2, width=100, height=100
    ),
    "loss_chart": _function(vega.loss_chart, run=RUN, width=200, height=100),
    "accuracy_chart": _function(vega.accuracy_chart, run=RUN, width=200, height=100),
    "loss_comparison_chart": _function(
        vega.loss_comparison_chart, runs={"a": RUN}, metric="total", width=200, height=100
    ),
    "boundary_chart": _function(
        vega.boundary_chart,
        model=MODEL,
        dataset=DATA,
        loss=max_margin,
        h=0.5,
        padding=1.0,
        width=200,
        height=200,
    ),
    "point_rows": _function(vega.point_rows, model=MODEL, dataset=DATA, loss=max_margin),
    "offline_html": _function(vega.offline_html, chart=CHART),
    "offline_mimebundle": _function(vega.offline_mimebundle, chart=CHART),
    "to_png": _function(vega.to_png, chart=CHART, scale=0.5),
    # The playground's parts (the widget itself is excluded, below).
    "Settings": _record(playground.Settings, playground.Settings()),
    "make_data": _function(playground.make_data, settings=playground.Settings(points=20)),
    "make_model": _function(playground.make_model, settings=playground.Settings()),
    "make_loss": _function(playground.make_loss, settings=playground.Settings()),
    "make_optimizer": _function(playground.make_optimizer, settings=playground.Settings()),
    "parse_hidden": _function(playground.parse_hidden, text="8, 8"),
    "optimizer_rows": _function(playground.optimizer_rows, run=RUN, dataset=DATA, alpha=0.0, top=4),
    "figure_of": Entry(
        plots.figure_of,
        _closing(plots.figure_of),
        {"ax": None},  # replaced below by a fresh Axes per call
    ),
    "animate_training": Entry(
        plots.animate_training,
        _closing(plots.animate_training),
        {
            "run": RUN,
            "dataset": DATA,
            "h": 0.5,
            "padding": 1.0,
            "interval": 100,
            "figsize": (8.0, 4.0),
        },
    ),
    "save_gif": Entry(
        plots.save_gif,
        _closing(
            lambda animation, path, fps: plots.save_gif(
                animation, path if path == GIF else _in_tmp(path), fps=fps
            )
        ),
        {"animation": None, "path": GIF, "fps": 2},  # a fresh animation per call
        {},
        _PATH,
    ),
}

# Arguments that must be made fresh for every call (an Axes belongs to one figure).
FRESH: dict[tuple[str, str], Callable[[], object]] = {
    ("figure_of", "ax"): lambda: pyplot.subplots()[1],
    ("save_gif", "animation"): lambda: plots.animate_training(RUN, DATA, h=1.0, figsize=(6.0, 3.0)),
}

# What is not swept, and why. Keys are "module.name" as listed in the module's __all__.
_CONSTANT = "a constant, not called"
_ALIAS = "a type alias for annotations, not called"
_EXCEPTION = "an exception class: mgfunc raises it; its only argument is a message"
_WIDGET = (
    "the interactive playground widget (threads, ipywidgets): its settings are the Settings "
    "record and the make_* functions, swept here"
)
_TRANSFORM_RESULT = (
    "the function a transform returns (derivative(f), grad(f), ...): built by the transform, "
    "which checks f; calling it is swept here"
)
_MACHINERY = (
    "the transforms' folds and rules over a topological order, reached through the "
    "transforms, which check their arguments"
)
EXCLUDED: dict[str, str] = {
    "mgfunc.__version__": _CONSTANT,
    "mgfunc.datasets.MAX_CLASSES": _CONSTANT,
    "mgfunc.io.HISTORY_FORMAT": _CONSTANT,
    "mgfunc.io.MODEL_FORMAT": _CONSTANT,
    "mgfunc.io.RUN_FORMAT": _CONSTANT,
    "mgfunc.io.VERSION": _CONSTANT,
    "mgfunc.losses.LOSSES": _CONSTANT,
    "mgfunc.losses.LossFunction": _ALIAS,
    "mgfunc.nn.ACTIVATIONS": _CONSTANT,
    "mgfunc.nn.INITS": _CONSTANT,
    "mgfunc.optim.Optimizer": _ALIAS,
    "mgfunc.optim.OptimizerState": _ALIAS,
    "mgfunc.optim.Schedule": _ALIAS,
    "mgfunc.plot_data.MAX_GRID_POINTS": _CONSTANT,
    "mgfunc.plots.ANIMATION_FIGSIZE": _CONSTANT,
    "mgfunc.plots.DPI": _CONSTANT,
    "mgfunc.plots.MAX_GRAPH_NODES": _CONSTANT,
    "mgfunc.plots.MAX_LAYER_WIDTH": _CONSTANT,
    "mgfunc.plots.SQUARE_FIGSIZE": _CONSTANT,
    "mgfunc.plots.WIDE_FIGSIZE": _CONSTANT,
    "mgfunc.trainer.Snapshot": _ALIAS,
    **{
        f"mgfunc.trainer.{name}": _EXCEPTION
        for name in ("LearningRateError", "TrainingDivergedError", "TrainingInterrupted")
    },
    "mgfunc.errors.RowSoFar": _ALIAS,
    "mgfunc.errors.RunSoFar": _ALIAS,
    "mgfunc.gradient_check.DEFAULT_ATOL": _CONSTANT,
    "mgfunc.gradient_check.DEFAULT_EPS": _CONSTANT,
    "mgfunc.gradient_check.DEFAULT_RTOL": _CONSTANT,
    "mgfunc.gradient_check.MODES": _CONSTANT,
    "mgfunc.playground.ACTIVATIONS": _CONSTANT,
    "mgfunc.playground.DATASETS": _CONSTANT,
    "mgfunc.playground.LOSSES": _CONSTANT,
    "mgfunc.playground.OPTIMIZERS": _CONSTANT,
    "mgfunc.plots.MAX_NEURON_MAPS": _CONSTANT,
    "mgfunc.plot_data.CLASS_COLORS": _CONSTANT,
    "mgfunc.vega.CLASS_COLORS": _CONSTANT,
    "mgfunc.vega.OFFLINE_RENDERER": _CONSTANT,
    "mgfunc.vega.enable_offline_rendering": "takes no argument",
    "mgfunc.playground.Playground": _WIDGET,
    "mgfunc.playground.Playground.on_reset": _WIDGET,
    "mgfunc.playground.Playground.on_train": _WIDGET,
    "mgfunc.playground.Playground.on_stop": _WIDGET,
    "mgfunc.playground.Playground.wait": _WIDGET,
    **{
        f"mgfunc.transforms.{name}": _TRANSFORM_RESULT
        for name in (
            "Derivative",
            "Gradient",
            "Hessian",
            "HessianVectorProduct",
            "Jacobian",
            "Pullback",
            "ValueAndDerivative",
            "ValueAndGradient",
        )
    },
    **{f"mgfunc.folds.{name}": _MACHINERY for name in folds.__all__},
    **{f"mgfunc.rules.{name}": _MACHINERY for name in rules.__all__},
    **{
        f"mgfunc.errors.{name}": _EXCEPTION
        for name in (
            "GradientCheckError",
            "LearningRateError",
            "DomainError",
            "InvalidTypeError",
            "InvalidValueError",
            "MgfuncError",
            "ModelFileError",
            "TrainingDivergedError",
            "TrainingInterrupted",
        )
    },
}

# Dunder methods that are entry points (the rest are Python's protocol, or attrs').
_PUBLIC_DUNDERS = frozenset(
    {
        "__call__",
        "__getitem__",
        "__contains__",
        *(f"__{name}__" for name in ("add", "sub", "mul", "truediv", "pow")),
        *(f"__r{name}__" for name in ("add", "sub", "mul", "truediv", "pow")),
    }
)


def public_modules() -> list[Any]:
    """mgfunc and every public module of it (a name without a leading underscore)."""
    names = sorted(
        info.name for info in pkgutil.iter_modules(mgfunc.__path__) if not info.name.startswith("_")
    )
    return [mgfunc, *(importlib.import_module(f"mgfunc.{name}") for name in names)]


def _takes_arguments(function: object) -> bool:
    parameters_ = list(inspect.signature(function).parameters.values())  # type: ignore[arg-type]
    return any(p.name not in ("self", "cls") for p in parameters_)


def public_names() -> Iterator[tuple[str, object]]:
    """Every public entry point: each ``__all__`` name of each public module, and the public
    methods (with an argument besides ``self``) of its classes, as ``(qualified name, object)``.
    """
    for module in public_modules():
        for name in module.__all__:
            thing = getattr(module, name)
            yield f"{module.__name__}.{name}", thing
            if not inspect.isclass(thing) or issubclass(thing, BaseException):
                continue
            for attribute, member in vars(thing).items():
                if attribute.startswith("_") and attribute not in _PUBLIC_DUNDERS:
                    continue
                function = member.__func__ if isinstance(member, classmethod) else member
                if inspect.isfunction(function) and _takes_arguments(function):
                    yield f"{module.__name__}.{name}.{attribute}", function


def _covered() -> set[int]:
    covered = set()
    for entry in ENTRIES.values():
        covers = entry.covers
        covered.add(id(covers))
        covered.add(id(getattr(covers, "__func__", covers)))
    return covered


def _resolve(qualified: str) -> object:
    """The object a dotted name such as ``mgfunc.playground.Playground.wait`` names."""
    parts = qualified.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            thing: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            thing = getattr(thing, attribute)
        return thing
    raise AssertionError(f"{qualified} names nothing")


def _excluded() -> set[int]:
    """The excluded classes and functions, wherever they are re-exported (``mgfunc.X``)."""
    found = set()
    for qualified in EXCLUDED:
        thing = _resolve(qualified)
        if inspect.isclass(thing) or inspect.isfunction(thing):
            found.add(id(thing))
    return found


def test_every_public_name_is_swept_or_excluded() -> None:
    covered = _covered() | _excluded()
    forgotten = sorted(
        name for name, thing in public_names() if id(thing) not in covered and name not in EXCLUDED
    )
    assert not forgotten, (
        f"public names neither in ENTRIES nor in EXCLUDED: {forgotten}; add each to the table "
        "of tests/test_sweep.py with valid arguments (or to EXCLUDED with the reason)"
    )
    known = {name for name, _ in public_names()}
    stale = sorted(set(EXCLUDED) - known)
    assert not stale, f"EXCLUDED names that are no longer public: {stale}"
    cases = {
        f"{name}({argument})"
        for name, entry in ENTRIES.items()
        for argument in _arguments_to_sweep(entry)
    }
    assert set(KNOWN) <= cases, f"KNOWN cases not in ENTRIES: {sorted(set(KNOWN) - cases)}"
    assert set(UNSAFE) <= cases, f"UNSAFE cases not in ENTRIES: {sorted(set(UNSAFE) - cases)}"
    assert set(UNCHECKED_RECORDS) <= set(ENTRIES)


# Failures the sweep has found and that are not fixed yet: by table row and argument, the input
# that fails and why. The sweep leaves these cases out; test_known_failures_still_fail runs each
# input as a strict expected failure, so the line must go (and the case returns to the sweep)
# once its bug is fixed.
KNOWN: dict[str, tuple[object, str]] = {}
# Cases not swept at all, because their failure takes the machine down with it.
UNSAFE: dict[str, str] = {}
# Records whose public constructors check none of their fields, each with the reason: each
# stores NaN, or a str for a number, as given. The sweep leaves all their fields out, and
# test_known_failures_still_fail tries NaN in the first. (Records a user builds, such as Loss
# for a loss of their own, an optimizer state or a TrainingConfig, check every field.)
_RESULT = (
    "a result record: mgfunc builds it from checked numbers and users read it; its constructor "
    "is not an entry point"
)
_PER_POINT = (
    "a result row built once per point, node or grid point from checked numbers (a million for "
    "a grid): checks would slow the grid; its constructor is not an entry point"
)
_FOLD = (
    "the training fold's own record, built every step by mgfunc.trainer.start and step from "
    "checked arguments; step() checks its type, and field checks would cost every step"
)
UNCHECKED_RECORDS: dict[str, str] = {
    "Batch": _FOLD,
    "TrainingState": _FOLD,
    "HistoryRow": (
        "a step's measurements as they were, a non-finite loss included (the row a diverging "
        "run ends on), built every step; save_history and save_run check what they write"
    ),
    "TrainingRun": (
        f"{_RESULT}; a run that diverged carries what it measured, and save_run checks what it "
        "writes"
    ),
    "NeuronGrid": _RESULT,
    "MetricRow": _RESULT,
    "BoundaryRow": _PER_POINT,
    "PointRow": _PER_POINT,
    "NodeRow": _PER_POINT,
    "EdgeRow": _PER_POINT,
}


def _split_case(case: str) -> tuple[str, str]:
    name, _, argument = case[:-1].rpartition("(")
    return name, argument


def _arguments_to_sweep(entry: Entry) -> list[str]:
    """Each argument, and for a list or tuple of values its last item (``"xs[-1]"``: one bad
    item among good ones)."""
    swept = []
    for argument, value in sorted(entry.arguments.items()):
        swept.append(argument)
        if isinstance(value, (list, tuple)) and value:
            swept.append(f"{argument}[-1]")
    return swept


CASES = [
    pytest.param(name, argument, id=f"{name}({argument})")
    for name, entry in sorted(ENTRIES.items())
    for argument in _arguments_to_sweep(entry)
    if f"{name}({argument})" not in {**KNOWN, **UNSAFE} and name not in UNCHECKED_RECORDS
]
TRIED: dict[str, int] = {}


# Valid but huge inputs (a million-point grid, ten million samples or parameters) are accepted
# and take minutes; the sweep lowers those limits so that they are refused at once, through the
# same checks.
SWEEP_LIMITS = (
    (plot_data, "MAX_GRID_POINTS", 5_000),
    (datasets_module, "MAX_SAMPLES", 5_000),
    (nn, "MAX_PARAMETERS", 5_000),
)


@contextlib.contextmanager
def sweep_limits() -> Iterator[None]:
    """Lower the limits of SWEEP_LIMITS for the duration, then restore them."""
    with pytest.MonkeyPatch.context() as patch:
        for module, name, limit in SWEEP_LIMITS:
            assert hasattr(module, name), f"{module.__name__}.{name} is gone: update SWEEP_LIMITS"
            patch.setattr(module, name, limit)
        yield


@pytest.fixture(scope="module", autouse=True)
def _report(request: pytest.FixtureRequest) -> Iterator[None]:
    with sweep_limits():
        yield
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and TRIED:
        reporter.write_line(
            f"sweep: {len({id(entry.covers) for entry in ENTRIES.values()})} entry points, "
            f"{len(ENTRIES)} table rows, {len(TRIED)} arguments, {sum(TRIED.values())} inputs"
        )


def test_every_entry_accepts_its_valid_arguments() -> None:
    # The table's valid values are valid: otherwise the sweep would only ever see errors.
    for name, entry in ENTRIES.items():
        if entry.refuses:
            with pytest.raises(MgfuncError):
                entry.call(**_arguments(name, entry))
            continue
        with contextlib.suppress(_StopTrainingError):
            entry.call(**_arguments(name, entry))


def _arguments(name: str, entry: Entry) -> dict[str, object]:
    """The entry's valid arguments, lists and dicts copied (a call may not change them)."""
    made = {}
    for argument, value in entry.arguments.items():
        fresh = FRESH.get((name, argument))
        if fresh is not None:
            made[argument] = fresh()
        elif isinstance(value, (list, dict, set)):
            made[argument] = copy.deepcopy(value)
        else:
            made[argument] = value  # frozen
    return made


def _mutable_fingerprints(values: Mapping[str, object]) -> dict[str, str]:
    return {
        argument: repr(value)
        for argument, value in values.items()
        if isinstance(value, (list, dict, set, bytearray))
    }


def _nan_inside(result: object, depth: int = 0) -> bool:
    """Whether ``result`` holds a NaN: a float, a Value's data, or one inside a tuple, list or
    frozen record (a few levels deep)."""
    if isinstance(result, float):
        return math.isnan(result)
    if isinstance(result, Value):
        return math.isnan(result.data)
    if depth > 3:
        return False
    if isinstance(result, (tuple, list)):
        return any(_nan_inside(item, depth + 1) for item in result[:1000])
    if attrs.has(type(result)):
        record: Any = result  # an attrs instance: attrs.has said so, mypy cannot see it
        return any(
            _nan_inside(getattr(record, field.name), depth + 1)
            for field in attrs.fields(type(record))
        )
    return False


@pytest.mark.parametrize(("name", "argument"), CASES)
@settings(SWEEP_SETTINGS, max_examples=EXAMPLES, database=None, derandomize=True)
@given(bad=BAD)
def test_one_bad_argument_gets_a_named_error_or_a_finite_result(
    name: str, argument: str, bad: object
) -> None:
    check(name, argument, bad)


KNOWN_CASES = [
    *((case, bad, why) for case, (bad, why) in KNOWN.items()),
    *(
        (f"{name}({next(iter(ENTRIES[name].arguments))})", math.nan, why)
        for name, why in UNCHECKED_RECORDS.items()
    ),
]


@pytest.mark.parametrize(
    ("case", "bad"),
    [
        pytest.param(case, bad, id=case, marks=pytest.mark.xfail(strict=True, reason=why))
        for case, bad, why in KNOWN_CASES
    ],
)
def test_known_failures_still_fail(case: str, bad: object) -> None:
    name, argument = _split_case(case)
    check(name, argument, bad)


def check(name: str, argument: str, bad: object) -> None:
    """Call table row ``name`` with ``argument`` replaced by ``bad``; fail unless it gives a
    named MgfuncError or a result without NaN, leaving its inputs as they were."""
    entry = ENTRIES[name]
    arguments = _arguments(name, entry)
    if argument.endswith("[-1]"):  # one item of a sequence
        argument = argument.removesuffix("[-1]")
        items = list(arguments[argument])  # type: ignore[call-overload]
        arguments[argument] = [*items[:-1], bad]
    else:
        arguments[argument] = bad
    before = _mutable_fingerprints(arguments)
    TRIED[f"{name}({argument})"] = TRIED.get(f"{name}({argument})", 0) + 1
    result: object = None
    refusal: MgfuncError | None = None
    try:
        result = entry.call(**arguments)
    except _StopTrainingError:
        pass  # accepted: training began
    except MgfuncError as error:
        refusal = error
    except BaseException as error:
        allowed = entry.may_raise.get(argument)
        if allowed is None or not isinstance(error, allowed) or not isinstance(bad, str):
            raise
        # the file system's answer for a path that is a str
    if refusal is not None:
        words = (argument, *entry.words.get(argument, ()))
        assert any(word in str(refusal) for word in words), (
            f"{name}: the error for {argument}={bad!r} does not name the argument "
            f"(expected one of {words}): {type(refusal).__name__}: {refusal}"
        )
    assert _mutable_fingerprints(arguments) == before, f"{name} changed its input {argument}"
    assert not _nan_inside(result), f"{name}({argument}={bad!r}) returned a NaN: {result!r}"


# The loaders' valid paths hold files, so the sweep also reaches past their checks.
model_io.save_model(MODEL, TMP / "saved-model.json")
model_io.save_history(RUN, TMP / "saved-history.json")
model_io.save_run(RUN, TMP / "saved-run.json")
