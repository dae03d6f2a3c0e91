"""What each record of an mgfunc file holds, written and read side by side.

The schema half of :mod:`mgfunc.io` (the generic half, :mod:`mgfunc._document`, parses the JSON
and checks the envelope). For each record (a model, history rows, a run with its training
configuration, optimizer and optimizer state) this module has the keys, the function that
turns the object into plain JSON values (``*_document``) and the function that reads them back
(``read_*``), checking every field. Writing builds only the shape: :func:`mgfunc._document.encode`
reads each document back before it is written, so the readers hold every rule.

>>> from mgfunc._document import Field
>>> from mgfunc.nn import MLP
>>> model = MLP.create(1, [1], seed=0)
>>> read_model(Field(model_document(model, "model"), "<here>"), 2) == model
True
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from mgfunc._checks import describe, of_type
from mgfunc._document import Field
from mgfunc._random import Seed
from mgfunc.errors import InvalidTypeError, InvalidValueError
from mgfunc.losses import LOSSES
from mgfunc.nn import ACTIVATIONS, MLP, Layer, Neuron
from mgfunc.optim import SGD, Adam, AdamState, Optimizer, OptimizerState, Schedule, SGDState
from mgfunc.trainer import (
    HistoryRow,
    Snapshot,
    TrainingConfig,
    TrainingRun,
    official_micrograd_learning_rate,
)
from mgfunc.value import Value

__all__ = [
    "history_document",
    "model_document",
    "read_history",
    "read_model",
    "read_run",
    "run_document",
]

# Model records: nin, the layers' widths, and each neuron.

_MODEL_KEYS = ("nin", "nouts", "layers")
_NEURON_KEYS = ("nonlinear", "weights", "bias", "weight_labels", "bias_label")


def model_document(model: object, where: str) -> dict[str, object]:
    """``model`` as plain JSON values; ``where`` names it in a type error."""
    checked = of_type(
        model, MLP, where, "an MLP", "pass e.g. MLP.create(2, [16, 16, 1]) or a run's final_model"
    )
    return {
        "nin": checked.nin,
        "nouts": [layer.nout for layer in checked.layers],
        "layers": [
            {"neurons": [_neuron_document(neuron) for neuron in layer.neurons]}
            for layer in checked.layers
        ],
    }


def _neuron_document(neuron: Neuron) -> dict[str, object]:
    return {
        "activation": neuron.activation,
        "nonlinear": neuron.nonlinear,
        "weights": [weight.data for weight in neuron.weights],
        "bias": neuron.bias.data,
        "weight_labels": [weight.label for weight in neuron.weights],
        "bias_label": neuron.bias.label,
    }


def read_model(document: Field, version: int) -> MLP:
    """The MLP a model record describes (version 1: every neuron a ReLU neuron)."""
    model = document.fields(_MODEL_KEYS)
    nin = model["nin"].integer(least=1)
    widths = [width.integer(least=1) for width in model["nouts"].items()]
    layers = model["layers"].items()
    if not layers:
        model["layers"].fail("must not be empty; a model has at least one layer")
    if len(layers) != len(widths):
        model["nouts"].fail(f"lists {len(widths)} layer widths but layers holds {len(layers)}")
    fan_ins = [nin, *widths[:-1]]
    return MLP(
        layers=tuple(
            _read_layer(layer, version, fan_in, width)
            for layer, fan_in, width in zip(layers, fan_ins, widths)
        )
    )


def _read_layer(field: Field, version: int, fan_in: int, width: int) -> Layer:
    neurons = field.fields(("neurons",))["neurons"]
    items = neurons.items()
    if len(items) != width:
        neurons.fail(f"holds {len(items)} neurons but nouts says {width}")
    return Layer(neurons=tuple(_read_neuron(item, version, fan_in) for item in items))


def _read_neuron(field: Field, version: int, fan_in: int) -> Neuron:
    neuron = field.fields(_NEURON_KEYS + (("activation",) if version >= 2 else ()))
    weights = neuron["weights"].items()
    labels = neuron["weight_labels"].items()
    if len(weights) != fan_in:
        neuron["weights"].fail(f"holds {len(weights)} numbers but the layer takes {fan_in} inputs")
    if len(labels) != fan_in:
        neuron["weight_labels"].fail(f"holds {len(labels)} labels but there are {fan_in} weights")
    return Neuron(
        weights=tuple(Value(w.number(), label=name.text()) for w, name in zip(weights, labels)),
        bias=Value(neuron["bias"].number(), label=neuron["bias_label"].text()),
        nonlinear=neuron["nonlinear"].flag(),
        activation=neuron["activation"].choice(ACTIVATIONS) if version >= 2 else "relu",
    )


def _shape(model: MLP) -> tuple[int, ...]:
    return (model.nin, *(layer.nout for layer in model.layers))


# History records: one row per logged step (version 2 adds the validation columns).

_ROW_NUMBERS = ("loss", "data_loss", "reg_loss", "accuracy", "learning_rate")
_ROW_VALIDATION = ("val_loss", "val_accuracy")


def _history_rows(run_or_history: object, where: str) -> tuple[HistoryRow, ...]:
    """The rows of a TrainingRun or of a sequence of HistoryRow, checked for their type."""
    if isinstance(run_or_history, TrainingRun):
        return _history_rows(run_or_history.history, f"{where}.history")
    if isinstance(run_or_history, (str, bytes)) or not isinstance(run_or_history, Sequence):
        raise InvalidTypeError(
            f"{where} must be a TrainingRun or a sequence of HistoryRow, got "
            f"{describe(run_or_history)}; pass the result of mgfunc.trainer.train"
        )
    for index, row in enumerate(run_or_history):
        of_type(row, HistoryRow, f"{where}[{index}]", "a HistoryRow")
    return tuple(run_or_history)


def history_document(run_or_history: object, where: str) -> dict[str, object]:
    """The rows of a TrainingRun or of a sequence of HistoryRow as plain JSON values."""
    return {"rows": [_fields(row) for row in _history_rows(run_or_history, where)]}


def read_history(document: Field, version: int) -> tuple[HistoryRow, ...]:
    """The rows of a history record."""
    return _read_rows(document.fields(("rows",))["rows"], version)


def _read_rows(
    field: Field, version: int, *, steps: int | None = None, validation: bool | None = None
) -> tuple[HistoryRow, ...]:
    """History rows, in step order; with ``validation``, the validation columns as it says."""
    rows: list[HistoryRow] = []
    for item in field.items():
        row = item.fields(("step", *_ROW_NUMBERS, *(_ROW_VALIDATION if version >= 2 else ())))
        step = _step(row["step"], rows[-1].step if rows else None, steps)
        numbers = {name: row[name].number() for name in _ROW_NUMBERS}
        val_loss = val_accuracy = None
        if version >= 2:
            val_loss = row["val_loss"].optional(Field.number)
            val_accuracy = row["val_accuracy"].optional(Field.number)
            if (val_loss is None) != (val_accuracy is None):
                row["val_accuracy"].fail("and val_loss must both be numbers or both be null")
            if validation is not None and (val_loss is not None) != validation:
                expected = "a number" if validation else "null"
                row["val_loss"].fail(f"must be {expected}: config.validation is {validation}")
        rows.append(HistoryRow(step=step, **numbers, val_loss=val_loss, val_accuracy=val_accuracy))
    return tuple(rows)


def _step(field: Field, previous: int | None, steps: int | None) -> int:
    """A step number: greater than the one before it, and at most the run's ``steps``."""
    step = field.integer()
    if previous is not None and step <= previous:
        field.fail(f"must be greater than the previous step {previous}, got {step}")
    if steps is not None and step > steps:
        field.fail(f"must be at most the run's steps ({steps}), got {step}")
    return step


# Run records: everything resume needs. A run built by hand has no config and no optimizer
# state; a run from train has both, and they must agree with the model and the step count.

_RUN_KEYS = (
    "final_model",
    "history",
    "final_loss",
    "final_accuracy",
    "optimizer_state",
    "snapshots",
    "config",
    "steps",
)


def run_document(run: object) -> dict[str, object]:
    """A TrainingRun as plain JSON values."""
    checked = of_type(
        run, TrainingRun, "run", "a TrainingRun", "pass what mgfunc.trainer.train returned"
    )
    snapshots = []
    for index, snapshot in enumerate(checked.snapshots):
        where = f"run.snapshots[{index}]"
        if not isinstance(snapshot, tuple) or len(snapshot) != 2:
            raise InvalidTypeError(
                f"{where} must be a (step, model) pair, got {describe(snapshot)}"
            )
        step, model = snapshot
        snapshots.append({"step": step, "model": model_document(model, f"{where}[1]")})
    return {
        "final_model": model_document(checked.final_model, "run.final_model"),
        "history": history_document(checked.history, "run.history")["rows"],
        "final_loss": checked.final_loss,
        "final_accuracy": checked.final_accuracy,
        "optimizer_state": _state_document(checked.optimizer_state),
        "snapshots": snapshots,
        "config": _config_document(checked.config),
        "steps": checked.steps,
    }


def read_run(document: Field, version: int) -> TrainingRun:
    """The TrainingRun a run record describes, every part checked against the others."""
    run = document.fields(_RUN_KEYS)
    model = read_model(run["final_model"], version)
    steps = run["steps"].integer()
    config = run["config"].optional(_read_config)
    if config is None and run["optimizer_state"].value is not None:
        run["optimizer_state"].fail("must be null when config is null (a run built by hand)")
    state = None
    if config is not None:
        state = _read_state(run["optimizer_state"], config.optimizer, model, steps)
    # A run built by hand (no config) need not count its steps; a resumable one must.
    most = None if config is None else steps
    snapshots: list[Snapshot] = []
    for item in run["snapshots"].items():
        snapshot = item.fields(("step", "model"))
        step = _step(snapshot["step"], snapshots[-1][0] if snapshots else None, most)
        saved = read_model(snapshot["model"], version)
        if _shape(saved) != _shape(model):
            snapshot["model"].fail(
                f"has shape {list(_shape(saved))} but final_model has shape {list(_shape(model))}"
            )
        snapshots.append((step, saved))
    validation = None if config is None else config.validation
    history = _read_rows(run["history"], version, steps=most, validation=validation)
    return TrainingRun(
        final_model=model,
        history=history,
        final_loss=run["final_loss"].number(),
        final_accuracy=run["final_accuracy"].number(),
        optimizer_state=state,
        snapshots=tuple(snapshots),
        config=config,
        steps=steps,
    )


# The training configuration of a run: the loss and the learning rate by name, since a file
# holds no code.

_CONFIG_KEYS = (
    "loss",
    "optimizer",
    "alpha",
    "batch_size",
    "seed",
    "log_every",
    "snapshot_every",
    "validation",
)
_OFFICIAL_SCHEDULE = "official_micrograd_learning_rate"


def _config_document(config: TrainingConfig | None) -> dict[str, object] | None:
    if config is None:
        return None
    of_type(config, TrainingConfig, "run.config", "the TrainingConfig train made, or None")
    optimizer = config.optimizer
    of_type(optimizer, (SGD, Adam), "run.config.optimizer", "an optimizer of mgfunc.optim")
    return {
        **_fields(config),
        "loss": _loss_name(config.loss),
        "optimizer": {
            **_fields(optimizer),
            "learning_rate": _rate_document(optimizer.learning_rate),
        },
    }


def _loss_name(loss: object) -> str:
    for name, function in LOSSES.items():
        if loss is function:
            return name
    raise InvalidValueError(
        f"run.config.loss is {describe(loss)}, a loss of your own, which a run file cannot "
        f"hold: it names the loss, and only mgfunc's have names ({', '.join(LOSSES)}); train "
        "with one of them to save the run, or keep this run's model and history with "
        "save_model and save_history"
    )


def _rate_document(rate: object) -> object:
    if rate is official_micrograd_learning_rate:
        return _OFFICIAL_SCHEDULE
    if callable(rate):
        raise InvalidValueError(
            f"run.config.optimizer.learning_rate is a schedule of your own ({describe(rate)}), "
            "which a run file cannot hold: it stores a float, or "
            "mgfunc.trainer.official_micrograd_learning_rate by name; train with one of those "
            "to save the run, or keep this run's model and history with save_model and "
            "save_history"
        )
    return rate


def _read_config(field: Field) -> TrainingConfig:
    config = field.fields(_CONFIG_KEYS)
    return TrainingConfig(
        loss=LOSSES[config["loss"].choice(tuple(LOSSES))],
        optimizer=_read_optimizer(config["optimizer"]),
        alpha=config["alpha"].number(least=0.0),
        batch_size=config["batch_size"].optional(lambda size: size.integer(least=1)),
        seed=_read_seed(config["seed"]),
        log_every=config["log_every"].integer(least=1),
        snapshot_every=config["snapshot_every"].optional(lambda every: every.integer(least=1)),
        validation=config["validation"].flag(),
    )


def _read_seed(field: Field) -> Seed:
    if not isinstance(field.value, list):
        return field.integer(least=None)
    parts = tuple(part.integer(least=None) for part in field.items())
    if not parts:
        field.fail("must not be an empty list; a seed is an integer or a list of integers")
    return parts


# Optimizers and their states.

_OPTIMIZER_KEYS = {
    "sgd": ("name", "learning_rate", "momentum"),
    "adam": ("name", "learning_rate", "betas", "eps", "weight_decay"),
    "adamw": ("name", "learning_rate", "betas", "eps", "weight_decay"),
}
_STATE_KEYS = {
    SGD: ("step", "shape", "velocity"),
    Adam: ("step", "shape", "first_moment", "second_moment"),
}


def _read_optimizer(field: Field) -> Optimizer:
    name = field.member("name").choice(tuple(_OPTIMIZER_KEYS))
    optimizer = field.fields(_OPTIMIZER_KEYS[name])
    rate_field = optimizer["learning_rate"]
    rate: float | Schedule = official_micrograd_learning_rate
    if isinstance(rate_field.value, str) and rate_field.value != _OFFICIAL_SCHEDULE:
        rate_field.fail(f"must be a number or {_OFFICIAL_SCHEDULE!r}, got {rate_field.value!r}")
    if rate_field.value != _OFFICIAL_SCHEDULE:
        rate = rate_field.number()
    if name == "sgd":
        return SGD(rate, optimizer["momentum"].number(least=0.0, below=1.0))
    betas = optimizer["betas"].numbers(least=0.0, below=1.0)
    if len(betas) != 2:
        optimizer["betas"].fail(f"must hold 2 numbers, got {len(betas)}")
    return Adam(
        rate,
        (betas[0], betas[1]),
        optimizer["eps"].number(least=0.0),
        optimizer["weight_decay"].number(least=0.0),
        "adamw" if name == "adamw" else "adam",
    )


def _state_document(state: OptimizerState | None) -> dict[str, object] | None:
    if state is None:
        return None
    of_type(state, (SGDState, AdamState), "run.optimizer_state", "an SGDState or AdamState")
    return _fields(state)


def _read_state(field: Field, optimizer: Optimizer, model: MLP, steps: int) -> OptimizerState:
    state = field.fields(_STATE_KEYS[type(optimizer)])
    step = state["step"].integer()
    if step != steps:
        state["step"].fail(f"is {step} but the run has taken {steps} steps; they must agree")
    shape = tuple(width.integer(least=1) for width in state["shape"].items())
    if shape != _shape(model):
        state["shape"].fail(f"is {list(shape)} but final_model has shape {list(_shape(model))}")
    count = len(model.parameters())
    if isinstance(optimizer, SGD):
        velocity = state["velocity"].numbers()
        # The buffer starts empty and holds one number per parameter after a step with momentum.
        expected = count if optimizer.momentum != 0.0 and step > 0 else 0
        if len(velocity) != expected:
            state["velocity"].fail(
                f"holds {len(velocity)} numbers but must hold {expected} (one per parameter "
                "of final_model once a step with momentum is taken, none before or without)"
            )
        return SGDState(step, shape, velocity)
    first = state["first_moment"].numbers()
    second = state["second_moment"].numbers(least=0.0)  # a running mean of squares
    for name, moment in (("first_moment", first), ("second_moment", second)):
        if len(moment) != count:
            state[name].fail(f"holds {len(moment)} numbers but final_model has {count} parameters")
    return AdamState(step, shape, first, second)


def _fields(instance: attrs.AttrsInstance) -> dict[str, object]:
    """An attrs instance's fields by name, its tuples as lists (as JSON writes them)."""
    return {
        name: list(value) if isinstance(value, tuple) else value
        for name, value in attrs.asdict(instance, recurse=False).items()
    }
