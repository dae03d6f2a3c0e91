"""micrograd habits get answers: ``loss.backward()``, ``model.zero_grad()``, assignments.

Each habit either works the functional way (``loss.backward()`` returns the table) or fails with
a message that names what to call instead.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable

import attrs
import pytest

import mgfunc
from mgfunc import Gradients, Value, backward
from mgfunc._frozen import immutable
from mgfunc.datasets import DataPoint, Dataset, moons
from mgfunc.graph import edges, nodes
from mgfunc.losses import MaxMarginLoss, max_margin
from mgfunc.nn import MLP, Layer, Neuron, apply_gradients, parameters
from mgfunc.plot_data import dataset_points, decision_boundary, loss_history
from mgfunc.trainer import HistoryRow, TrainingRun, train

FrozenInstanceError = attrs.exceptions.FrozenInstanceError
# attrs' mypy plugin checks the class of evolve's argument statically; in the tests below it
# varies from case to case.
evolve: Callable[..., object] = attrs.evolve


# ``loss.backward()``


def test_value_backward_returns_the_table_of_mgfunc_backward() -> None:
    x, w = Value(-4.0, label="x"), Value(0.5, label="w")
    y = (x * w + x).relu() * x + w * w
    grads: Gradients = y.backward()
    assert isinstance(grads, Gradients)
    assert dict(grads) == dict(backward(y))
    assert grads[x] == backward(y)[x] and grads[w] == backward(y)[w]


def test_value_backward_writes_nothing() -> None:
    x = Value(3.0, label="x")
    y = x * x + x
    before = [(row.id, row.op, row.data) for row in nodes(y)]
    first, second = y.backward(), y.backward()
    assert first is not second and dict(first) == dict(second)  # a fresh, equal table each time
    assert [(row.id, row.op, row.data) for row in nodes(y)] == before
    assert not hasattr(x, "grad")


def test_reading_grad_after_value_backward_points_to_the_table() -> None:
    x = Value(3.0)
    (x * x).backward()  # micrograd's habit: the result is dropped
    with pytest.raises(AttributeError, match=r"grads = mgfunc\.backward\(y\).*grads\[x\]"):
        _ = x.grad


# ``model.zero_grad()``

MODELS = (
    MLP.create(2, [3, 1], seed=0),
    MLP.create(2, [3, 1], seed=0).layers[0],
    MLP.create(2, [3, 1], seed=0).layers[0].neurons[0],
)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: type(model).__name__)
def test_zero_grad_says_it_is_not_needed_and_why(model: MLP | Layer | Neuron) -> None:
    with pytest.raises(AttributeError) as raised:
        model.zero_grad()  # type: ignore[union-attr]  # mypy, too, reports the habit
    message = str(raised.value)
    assert message.startswith(f"{type(model).__name__} has no zero_grad(): it is not needed")
    assert "never live on the model" in message
    assert "grads = mgfunc.backward(loss) returns a fresh table" in message
    assert "nothing to zero" in message
    assert "mgfunc.nn.apply_gradients(model, grads, learning_rate)" in message
    assert not hasattr(model, "zero_grad")


# Assignments to frozen objects


def _run() -> TrainingRun:
    return train(MLP.create(2, [3, 1], seed=0), moons(10, seed=0), steps=2)


def _instances() -> dict[type, attrs.AttrsInstance]:
    """One real instance of every public frozen class."""
    dataset = moons(10, seed=0)
    model = MLP.create(2, [3, 1], seed=0)
    y = Value(2.0) * Value(3.0)
    run = _run()
    return {
        Value: y,
        Gradients: backward(y),
        Neuron: model.layers[0].neurons[0],
        Layer: model.layers[0],
        MLP: model,
        DataPoint: dataset.points[0],
        Dataset: dataset,
        HistoryRow: run.history[0],
        TrainingRun: run,
        MaxMarginLoss: max_margin(model, dataset.xs, dataset.ys),
        type(nodes(y)[0]): nodes(y)[0],
        type(edges(y)[0]): edges(y)[0],
        type(dataset_points(dataset)[0]): dataset_points(dataset)[0],
        type(loss_history(run)[0]): loss_history(run)[0],
        type(decision_boundary(model, dataset, h=1.0)[0]): decision_boundary(model, dataset, h=1.0)[
            0
        ],
    }


INSTANCES = _instances()


def _variable(cls: type) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", cls.__name__).lower()


def _suggestion(cls: type, field: attrs.Attribute[object]) -> str:
    """The call each class's message suggests instead of changing ``field``."""
    if issubclass(cls, Value):  # Value, and the neuron nodes that are Values too
        return "Build a new Value(...) instead; new parameters come from mgfunc.nn.apply_gradients("
    if cls is Gradients:
        return "Each mgfunc.backward(output) returns a new table"
    if not field.init:  # computed, not passed in: evolve cannot set it
        return f".{field.name} is computed when"
    return f"attrs.evolve({_variable(cls)}, {field.alias}=...) returns a changed copy"


def _frozen_classes() -> list[type]:
    """Every attrs class defined in any mgfunc module."""
    found: dict[str, type] = {}
    for module_info in pkgutil.iter_modules(mgfunc.__path__, "mgfunc."):
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if isinstance(value, type) and value.__module__ == module.__name__ and attrs.has(value):
                found[value.__qualname__] = value
    return [found[name] for name in sorted(found)]


def test_the_scan_finds_every_class_tested_here() -> None:
    assert set(INSTANCES) <= set(_frozen_classes())


@pytest.mark.parametrize("cls", _frozen_classes(), ids=lambda cls: cls.__name__)
def test_every_attrs_class_in_mgfunc_explains_its_immutability(cls: type) -> None:
    # New classes are found automatically; each must be frozen with mgfunc._frozen.immutable.
    assert cls.__setattr__.__module__ == "mgfunc._frozen", (
        f"{cls.__module__}.{cls.__name__} should be decorated with "
        "@immutable(...) above @attrs.frozen (see mgfunc/_frozen.py)"
    )
    blank: object = object.__new__(cls)  # the refusal does not depend on the fields' values
    for field in attrs.fields(cls):
        with pytest.raises(FrozenInstanceError) as raised:
            setattr(blank, field.name, None)
        message = str(raised.value)
        # mgfunc's own kinds of Value (its leaves, a neuron's node) are Values to users.
        name = "Value" if issubclass(cls, Value) else cls.__name__
        assert message.startswith(f"{name} is immutable: .{field.name} cannot be set. ")
        assert _suggestion(cls, field) in message
        assert raised.value.args == (message,) and raised.value.msg == message


@pytest.mark.parametrize("cls", list(INSTANCES), ids=lambda cls: cls.__name__)
def test_assigning_any_field_raises_with_the_call_to_make_instead(cls: type) -> None:
    instance = INSTANCES[cls]
    for field in attrs.fields(cls):
        before = getattr(instance, field.name)
        with pytest.raises(FrozenInstanceError) as raised:
            setattr(instance, field.name, before)
        message = str(raised.value)
        assert f"{cls.__name__} is immutable: .{field.name} cannot be set." in message
        assert _suggestion(cls, field) in message
        with pytest.raises(FrozenInstanceError, match=rf"\.{field.name} cannot be deleted\."):
            delattr(instance, field.name)
        assert getattr(instance, field.name) is before  # nothing changed
        if "attrs.evolve(" in message:
            # The suggested call works: it returns a changed copy and leaves this one as it is.
            copy = evolve(instance, **{field.alias: before})
            assert copy is not instance and getattr(copy, field.name) == before


def test_the_micrograd_update_names_apply_gradients() -> None:
    model = MLP.create(2, [3, 1], seed=0)
    grads = backward(max_margin(model, [(0.5, -0.5)], [1.0]).total_loss)
    p = parameters(model)[0]
    with pytest.raises(FrozenInstanceError) as raised:
        p.data -= 0.1 * grads[p]  # type: ignore[misc]  # micrograd's update; mypy reports it
    message = str(raised.value)
    assert message.startswith("Value is immutable: .data cannot be set.")
    assert "Value(...)" in message
    assert "mgfunc.nn.apply_gradients(model, grads, learning_rate)" in message
    assert "an optimizer's update" in message
    assert apply_gradients(model, grads, 0.1) != model  # the call it names does the job


def test_setting_grad_points_to_the_table() -> None:
    x = Value(1.0)
    with pytest.raises(FrozenInstanceError) as raised:
        x.grad = 0.0  # type: ignore[misc, assignment]  # micrograd's zero_grad, by hand
    message = str(raised.value)
    assert message.startswith("Value is immutable: .grad cannot be set.")
    assert "grads = mgfunc.backward(loss)" in message and "grads[x]" in message
    assert "nothing to set or zero" in message


def test_unknown_attributes_list_the_fields() -> None:
    model = MLP.create(2, [3, 1], seed=0)
    with pytest.raises(FrozenInstanceError) as raised:
        model.learning_rate = 0.1  # type: ignore[attr-defined]
    message = str(raised.value)
    assert "MLP has no field 'learning_rate' (its fields: layers)." in message
    assert "attrs.evolve(mlp, field=...)" in message


def test_refusals_are_attribute_errors_for_existing_except_clauses() -> None:
    with pytest.raises(AttributeError):
        Value(1.0).label = "x"  # type: ignore[misc]
    with pytest.raises(attrs.exceptions.FrozenError):
        moons(4, seed=0).points = ()  # type: ignore[misc]


def test_construction_still_sets_fields() -> None:
    # attrs' __init__, attrs.evolve and the fast node constructor bypass the refusal.
    x = Value(2.0, label="x")
    assert (x.data, x.label) == (2.0, "x")
    assert (x * 3.0).data == 6.0
    row = HistoryRow(0, 1.0, 0.9, 0.1, 0.5, 0.1)
    assert attrs.evolve(row, loss=2.0).loss == 2.0 and row.loss == 1.0


def test_immutable_refuses_a_class_attrs_has_not_frozen() -> None:
    with pytest.raises(TypeError, match=r"put @immutable\(\.\.\.\) above @attrs\.frozen"):

        @attrs.frozen  # the wrong order: immutable sees the plain class
        @immutable()
        class Wrong:
            x: int
