"""Save and load models, training histories and whole training runs as JSON, exactly and safely.

Three formats, each a JSON object with a ``"format"`` and a ``"version"``:

- ``mgfunc.model``: every layer and neuron, each weight and bias with its label, and each
  neuron's activation (``"relu"``, ``"tanh"`` or ``"sigmoid"``);
- ``mgfunc.history``: a run's history rows, validation columns included;
- ``mgfunc.run``: everything :func:`mgfunc.trainer.resume` needs to continue a run exactly:
  the model, the history, the final loss and accuracy, the optimizer and its state (momentum
  buffer, Adam's moments, step count), the training configuration, the snapshots.

Floats are written with Python's shortest round-trip ``repr``, so every number comes back bit
for bit (``-0.0`` and subnormals included). Loading checks the whole file before building
anything: a truncated, tampered, inconsistent or foreign file raises
:class:`~mgfunc.errors.ModelFileError` naming the file and the field's path, such as
``optimizer_state.first_moment[3]``. There is no pickle, so loading a file never runs code.
Saving checks the document the same way before writing it, so a file that saves always loads;
files are written atomically (a temporary file in the same folder, then ``os.replace``), so a
crash never leaves half a file behind.

Files are written at :data:`VERSION` 2. Model and history files of version 1 (from before
activations and validation columns) still load, their neurons as ReLU neurons.

>>> import os, tempfile
>>> from mgfunc.nn import MLP
>>> model = MLP.create(2, [4, 1], activation="tanh", seed=0)
>>> path = os.path.join(tempfile.mkdtemp(), "model.json")
>>> save_model(model, path)
>>> load_model(path) == model
True
"""

from __future__ import annotations

import json
import math
import os
import secrets
from collections.abc import Callable, Collection, Sequence
from typing import NoReturn, TypeVar

import attrs

from mgfunc._checks import describe
from mgfunc._frozen import immutable
from mgfunc._random import Seed
from mgfunc.errors import InvalidTypeError, InvalidValueError, ModelFileError
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
    "HISTORY_FORMAT",
    "MODEL_FORMAT",
    "RUN_FORMAT",
    "VERSION",
    "history_from_json",
    "history_to_json",
    "load_history",
    "load_model",
    "load_run",
    "model_from_json",
    "model_to_json",
    "run_from_json",
    "run_to_json",
    "save_history",
    "save_model",
    "save_run",
]

MODEL_FORMAT = "mgfunc.model"
HISTORY_FORMAT = "mgfunc.history"
RUN_FORMAT = "mgfunc.run"
VERSION = 2
"""The version every format is written at (run files begin at version 2)."""

PathArgument = str | os.PathLike[str]
_T = TypeVar("_T")

_READABLE = {MODEL_FORMAT: (1, 2), HISTORY_FORMAT: (1, 2), RUN_FORMAT: (2,)}
_KIND_NAMES = {MODEL_FORMAT: "model", HISTORY_FORMAT: "history", RUN_FORMAT: "run"}
_LOADERS = {MODEL_FORMAT: "load_model", HISTORY_FORMAT: "load_history", RUN_FORMAT: "load_run"}
_STRING_SOURCE = "<string>"
_OFFICIAL_SCHEDULE = "official_micrograd_learning_rate"

_MODEL_KEYS = ("nin", "nouts", "layers")
_NEURON_KEYS = ("nonlinear", "weights", "bias", "weight_labels", "bias_label")
_ROW_NUMBERS = ("loss", "data_loss", "reg_loss", "accuracy", "learning_rate")
_ROW_VALIDATION = ("val_loss", "val_accuracy")
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
_OPTIMIZER_KEYS = {
    "sgd": ("name", "learning_rate", "momentum"),
    "adam": ("name", "learning_rate", "betas", "eps", "weight_decay"),
    "adamw": ("name", "learning_rate", "betas", "eps", "weight_decay"),
}
_STATE_KEYS = {
    SGD: ("step", "shape", "velocity"),
    Adam: ("step", "shape", "first_moment", "second_moment"),
}


# Writing.


def model_to_json(model: MLP) -> str:
    """The model as JSON text in the ``mgfunc.model`` format, version 2.

    Args:
        model: the MLP to describe; it is not changed.

    Returns:
        The JSON text, ending with a newline.

    Raises:
        InvalidTypeError: ``model`` is not an MLP.
        InvalidValueError: a parameter is NaN or infinite (such a model cannot be saved).

    >>> from mgfunc.nn import MLP
    >>> text = model_to_json(MLP.create(1, [1], seed=0))
    >>> model_from_json(text) == MLP.create(1, [1], seed=0)
    True
    """
    return _encode(MODEL_FORMAT, _model_document(model, "model"), _read_model, "model")


def history_to_json(run_or_history: TrainingRun | Sequence[HistoryRow]) -> str:
    """A training history as JSON text in the ``mgfunc.history`` format, version 2.

    Args:
        run_or_history: a :class:`~mgfunc.trainer.TrainingRun` or a sequence of its rows.

    Returns:
        The JSON text, ending with a newline.

    Raises:
        InvalidTypeError: the argument is neither a TrainingRun nor a sequence of HistoryRow.
        InvalidValueError: a row holds a NaN or infinite number, a field of the wrong type, or
            the rows' steps are not increasing.

    >>> from mgfunc.trainer import HistoryRow
    >>> row = HistoryRow(step=0, loss=1.5, data_loss=1.0, reg_loss=0.5, accuracy=0.5,
    ...                  learning_rate=0.1)
    >>> history_from_json(history_to_json([row])) == (row,)
    True
    """
    rows = [_fields(row) for row in _history_rows(run_or_history, "run_or_history")]
    return _encode(HISTORY_FORMAT, {"rows": rows}, _read_history, "history")


def run_to_json(run: TrainingRun) -> str:
    """A training run as JSON text in the ``mgfunc.run`` format, version 2.

    Args:
        run: a run returned by :func:`~mgfunc.trainer.train` or
            :func:`~mgfunc.trainer.resume` (or carried by a ``TrainingDivergedError`` or
            ``TrainingInterrupted``); it is not changed.

    Returns:
        The JSON text, ending with a newline.

    Raises:
        InvalidTypeError: ``run`` is not a TrainingRun, or one of its parts has the wrong type.
        InvalidValueError: the run cannot be saved: a custom loss function or learning-rate
            schedule (a file names them, and only mgfunc's own have names), a NaN or infinite
            number, or parts that do not fit together.

    >>> from mgfunc.datasets import moons
    >>> from mgfunc.nn import MLP
    >>> from mgfunc.trainer import train
    >>> run = train(MLP.create(2, [4, 1], seed=0), moons(10, seed=0), steps=2)
    >>> run_from_json(run_to_json(run)) == run
    True
    """
    _expect(run, TrainingRun, "run", "a TrainingRun", "pass what mgfunc.trainer.train returned")
    return _encode(RUN_FORMAT, _run_document(run), _read_run, "run")


def save_model(model: MLP, path: PathArgument) -> None:
    """Write ``model`` to ``path`` as JSON, atomically (see :func:`model_to_json`).

    Args:
        model: the MLP to save.
        path: the file to write (a str or path-like); an existing file is replaced.

    Raises:
        InvalidTypeError: ``model`` is not an MLP or ``path`` is not a str or path-like.
        InvalidValueError: a parameter is NaN or infinite, or ``path`` contains a NUL character.
        OSError: the file cannot be written (missing folder, no permission, ...).

    >>> import os, tempfile
    >>> from mgfunc.nn import MLP
    >>> path = os.path.join(tempfile.mkdtemp(), "model.json")
    >>> save_model(MLP.create(2, [1], seed=0), path)
    >>> load_model(path).nin
    2
    """
    target = _check_path(path)
    _write_atomically(target, model_to_json(model))


def save_history(run_or_history: TrainingRun | Sequence[HistoryRow], path: PathArgument) -> None:
    """Write a training history to ``path`` as JSON, atomically (see :func:`history_to_json`).

    Args:
        run_or_history: a TrainingRun or a sequence of HistoryRow.
        path: the file to write (a str or path-like); an existing file is replaced.

    Raises:
        InvalidTypeError, InvalidValueError: as :func:`history_to_json`, or ``path`` is not a
            str or path-like.
        OSError: the file cannot be written.

    >>> import os, tempfile
    >>> from mgfunc.datasets import moons
    >>> from mgfunc.nn import MLP
    >>> from mgfunc.trainer import train
    >>> run = train(MLP.create(2, [4, 1], seed=0), moons(10, seed=0), steps=2)
    >>> path = os.path.join(tempfile.mkdtemp(), "history.json")
    >>> save_history(run, path)
    >>> load_history(path) == run.history
    True
    """
    target = _check_path(path)
    _write_atomically(target, history_to_json(run_or_history))


def save_run(run: TrainingRun, path: PathArgument) -> None:
    """Write a training run to ``path`` as JSON, atomically (see :func:`run_to_json`).

    Everything is checked before the file is opened: a run that cannot be saved leaves no file
    behind (and an existing file as it was).

    Args:
        run: the TrainingRun to save.
        path: the file to write (a str or path-like); an existing file is replaced.

    Raises:
        InvalidTypeError, InvalidValueError: as :func:`run_to_json`, or ``path`` is not a str
            or path-like.
        OSError: the file cannot be written.

    >>> import os, tempfile
    >>> from mgfunc.datasets import moons
    >>> from mgfunc.nn import MLP
    >>> from mgfunc.optim import adamw
    >>> from mgfunc.trainer import resume, train
    >>> data, model = moons(20, seed=0), MLP.create(2, [4, 1], seed=0)
    >>> path = os.path.join(tempfile.mkdtemp(), "run.json")
    >>> save_run(train(model, data, steps=2, optimizer=adamw(0.05)), path)
    >>> resume(load_run(path), data, steps=2) == train(model, data, steps=4, optimizer=adamw(0.05))
    True
    """
    target = _check_path(path)
    _write_atomically(target, run_to_json(run))


# Reading.


def model_from_json(text: str) -> MLP:
    """The MLP described by JSON text in the ``mgfunc.model`` format (version 1 or 2).

    Args:
        text: the JSON text, as written by :func:`model_to_json`.

    Returns:
        A new MLP with exactly the saved weights, biases, labels, activations and shapes.

    Raises:
        InvalidTypeError: ``text`` is not a str.
        ModelFileError: the text is not valid JSON, not an ``mgfunc.model`` document of a
            version this mgfunc reads, or a field is missing, of the wrong type, or
            inconsistent.

    >>> model_from_json('{"format": "mgfunc.history", "version": 2, "rows": []}')
    Traceback (most recent call last):
    ...
    mgfunc.errors.ModelFileError: <string>: format is 'mgfunc.history' but a model file has \
format 'mgfunc.model'; read this file with mgfunc.io.load_history
    """
    return _decode(_check_text(text), _STRING_SOURCE, MODEL_FORMAT, _read_model)


def history_from_json(text: str) -> tuple[HistoryRow, ...]:
    """The history rows described by JSON text in the ``mgfunc.history`` format (version 1 or 2).

    Args:
        text: the JSON text, as written by :func:`history_to_json`.

    Returns:
        The rows, in order.

    Raises:
        InvalidTypeError: ``text`` is not a str.
        ModelFileError: the text is not valid JSON, not an ``mgfunc.history`` document of a
            version this mgfunc reads, or a field is missing, of the wrong type, or
            inconsistent.

    >>> history_from_json('{"format": "mgfunc.history", "version": 2, "rows": []}')
    ()
    """
    return _decode(_check_text(text), _STRING_SOURCE, HISTORY_FORMAT, _read_history)


def run_from_json(text: str) -> TrainingRun:
    """The TrainingRun described by JSON text in the ``mgfunc.run`` format.

    Args:
        text: the JSON text, as written by :func:`run_to_json`.

    Returns:
        A new TrainingRun equal to the saved one, float for float, that
        :func:`~mgfunc.trainer.resume` continues exactly.

    Raises:
        InvalidTypeError: ``text`` is not a str.
        ModelFileError: the text is not valid JSON, not an ``mgfunc.run`` document of a version
            this mgfunc reads, or a field is missing, of the wrong type, or inconsistent.

    >>> run_from_json('{"format": "mgfunc.run", "version": 2}')
    Traceback (most recent call last):
    ...
    mgfunc.errors.ModelFileError: <string>: the document is missing the key(s) config, \
final_accuracy, final_loss, final_model, history, optimizer_state, snapshots, steps
    """
    return _decode(_check_text(text), _STRING_SOURCE, RUN_FORMAT, _read_run)


def load_model(path: PathArgument) -> MLP:
    """Read a model saved by :func:`save_model` (version 1 files too).

    Args:
        path: the file to read (a str or path-like).

    Returns:
        A new MLP equal to the saved one, float for float.

    Raises:
        InvalidTypeError: ``path`` is not a str or path-like.
        InvalidValueError: ``path`` contains a NUL character.
        ModelFileError: the file is truncated, not UTF-8 JSON, of another format or version,
            or tampered with; the message names the file and the field.
        OSError: the file cannot be read (it does not exist, no permission, ...).

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "broken.json")
    >>> with open(path, "w") as file:
    ...     _ = file.write('{"format": "mgfunc.model", "version": 2')
    >>> load_model(path)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    mgfunc.errors.ModelFileError: ...broken.json: not valid JSON (truncated or corrupted?)...
    """
    source = _check_path(path)
    return _decode(_read(source), source, MODEL_FORMAT, _read_model)


def load_history(path: PathArgument) -> tuple[HistoryRow, ...]:
    """Read a history saved by :func:`save_history` (version 1 files too).

    Args:
        path: the file to read (a str or path-like).

    Returns:
        The rows, in order.

    Raises:
        InvalidTypeError: ``path`` is not a str or path-like.
        InvalidValueError: ``path`` contains a NUL character.
        ModelFileError: the file is truncated, not UTF-8 JSON, of another format or version,
            or tampered with; the message names the file and the field.
        OSError: the file cannot be read.

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "history.json")
    >>> save_history([], path)
    >>> load_history(path)
    ()
    """
    source = _check_path(path)
    return _decode(_read(source), source, HISTORY_FORMAT, _read_history)


def load_run(path: PathArgument) -> TrainingRun:
    """Read a training run saved by :func:`save_run`; :func:`~mgfunc.trainer.resume` continues it.

    Args:
        path: the file to read (a str or path-like).

    Returns:
        A new TrainingRun equal to the saved one, float for float.

    Raises:
        InvalidTypeError: ``path`` is not a str or path-like.
        InvalidValueError: ``path`` contains a NUL character.
        ModelFileError: the file is truncated, not UTF-8 JSON, of another format or version,
            tampered with, or inconsistent (an optimizer state that does not fit the model,
            history steps out of order, an unknown loss or optimizer name, ...); the message
            names the file and the field's path.
        OSError: the file cannot be read.

    >>> import os, tempfile
    >>> from mgfunc.datasets import moons
    >>> from mgfunc.nn import MLP
    >>> from mgfunc.trainer import train
    >>> run = train(MLP.create(2, [4, 1], seed=0), moons(10, seed=0), steps=2)
    >>> path = os.path.join(tempfile.mkdtemp(), "run.json")
    >>> save_run(run, path)
    >>> load_run(path) == run
    True
    """
    source = _check_path(path)
    return _decode(_read(source), source, RUN_FORMAT, _read_run)


# From objects to plain JSON values. Only the shape is built here; every number and every
# consistency rule is checked by reading the result back before it is written (see _encode).


def _encode(kind: str, body: dict[str, object], read: _Reader[object], what: str) -> str:
    try:
        read(_Field(body, what), VERSION)
    except ModelFileError as error:
        raise InvalidValueError(f"cannot save {error}") from None
    document = {"format": kind, "version": VERSION, **body}
    return json.dumps(document, indent=1, allow_nan=False) + "\n"


def _model_document(model: MLP, where: str) -> dict[str, object]:
    _expect(
        model, MLP, where, "an MLP", "pass e.g. MLP.create(2, [16, 16, 1]) or a run's final_model"
    )
    return {
        "nin": model.nin,
        "nouts": [layer.nout for layer in model.layers],
        "layers": [
            {"neurons": [_neuron_document(neuron) for neuron in layer.neurons]}
            for layer in model.layers
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


def _history_rows(run_or_history: object, where: str) -> tuple[HistoryRow, ...]:
    if isinstance(run_or_history, TrainingRun):
        return _history_rows(run_or_history.history, f"{where}.history")
    if isinstance(run_or_history, (str, bytes)) or not isinstance(run_or_history, Sequence):
        raise InvalidTypeError(
            f"{where} must be a TrainingRun or a sequence of HistoryRow, got "
            f"{describe(run_or_history)}; pass the result of mgfunc.trainer.train"
        )
    for index, row in enumerate(run_or_history):
        _expect(row, HistoryRow, f"{where}[{index}]", "a HistoryRow")
    return tuple(run_or_history)


def _run_document(run: TrainingRun) -> dict[str, object]:
    snapshots = []
    for index, snapshot in enumerate(run.snapshots):
        where = f"run.snapshots[{index}]"
        if not isinstance(snapshot, tuple) or len(snapshot) != 2:
            raise InvalidTypeError(
                f"{where} must be a (step, model) pair, got {describe(snapshot)}"
            )
        step, model = snapshot
        snapshots.append({"step": step, "model": _model_document(model, f"{where}[1]")})
    return {
        "final_model": _model_document(run.final_model, "run.final_model"),
        "history": [_fields(row) for row in _history_rows(run.history, "run.history")],
        "final_loss": run.final_loss,
        "final_accuracy": run.final_accuracy,
        "optimizer_state": _state_document(run.optimizer_state),
        "snapshots": snapshots,
        "config": _config_document(run.config),
        "steps": run.steps,
    }


def _state_document(state: OptimizerState | None) -> dict[str, object] | None:
    if state is None:
        return None
    _expect(state, (SGDState, AdamState), "run.optimizer_state", "an SGDState or AdamState")
    return _fields(state)


def _config_document(config: TrainingConfig | None) -> dict[str, object] | None:
    if config is None:
        return None
    _expect(config, TrainingConfig, "run.config", "the TrainingConfig train made, or None")
    optimizer = config.optimizer
    _expect(optimizer, (SGD, Adam), "run.config.optimizer", "an optimizer of mgfunc.optim")
    return {
        **_fields(config),
        "loss": _loss_name(config.loss),
        "optimizer": {
            **_fields(optimizer),
            "learning_rate": _rate_document(optimizer.learning_rate),
        },
    }


def _fields(instance: attrs.AttrsInstance) -> dict[str, object]:
    """An attrs instance's fields by name, its tuples as lists (as JSON writes them)."""
    return {
        name: list(value) if isinstance(value, tuple) else value
        for name, value in attrs.asdict(instance, recurse=False).items()
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


def _expect(
    value: object, kind: type | tuple[type, ...], where: str, wanted: str, hint: str = ""
) -> None:
    if not isinstance(value, kind):
        advice = f"; {hint}" if hint else ""
        raise InvalidTypeError(f"{where} must be {wanted}, got {describe(value)}{advice}")


# From JSON text to a checked document.


def _decode(text: str, source: str, kind: str, read: _Reader[_T]) -> _T:
    document = _parse(text, source)
    if not isinstance(document, dict):
        raise ModelFileError(
            f"{source}: the file must hold a JSON object, got {_json_type(document)}"
        )
    found = document.get("format")
    if found != kind:
        other = _LOADERS.get(found) if isinstance(found, str) else None
        hint = f"; read this file with mgfunc.io.{other}" if other else ""
        raise ModelFileError(
            f"{source}: format is {found!r} but a {_KIND_NAMES[kind]} file has format "
            f"{kind!r}{hint}"
        )
    version, readable = document.get("version"), _READABLE[kind]
    if type(version) is not int or version not in readable:
        newer = type(version) is int and version > VERSION
        hint = "; upgrade mgfunc to read it" if newer else ""
        raise ModelFileError(
            f"{source}: version is {version!r}, but this mgfunc reads {_KIND_NAMES[kind]} "
            f"files of version {' or '.join(map(str, readable))}{hint}"
        )
    body = {key: value for key, value in document.items() if key not in ("format", "version")}
    return read(_Field(body, source), version)


def _read(path: str) -> str:
    with open(path, "rb") as file:
        content = file.read()
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ModelFileError(f"{path}: not UTF-8 text ({error}); is it an mgfunc file?") from None


class _DuplicateKeyError(Exception):
    pass


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    document: dict[str, object] = {}
    for key, value in pairs:
        if key in document:
            raise _DuplicateKeyError(key)
        document[key] = value
    return document


def _refuse_constant(name: str) -> object:
    raise ValueError(f"{name} is not a number JSON allows")


def _parse(text: str, source: str) -> object:
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_refuse_constant)
    except _DuplicateKeyError as error:
        raise ModelFileError(f"{source}: the key {error.args[0]!r} appears twice") from None
    except RecursionError:
        raise ModelFileError(
            f"{source}: the JSON is nested too deeply to be an mgfunc file"
        ) from None
    except ValueError as error:  # json.JSONDecodeError, NaN/Infinity, over-long integers
        raise ModelFileError(
            f"{source}: not valid JSON (truncated or corrupted?): {error}"
        ) from None


# Reading a plain JSON value, knowing where it sits: every error names the file and the path.


@immutable()
@attrs.frozen
class _Field:
    """A JSON value from a document, with the source and path that error messages name."""

    value: object
    source: str
    path: str = ""

    def fail(self, message: str) -> NoReturn:
        raise ModelFileError(f"{self.source}: {self.path or 'the document'} {message}")

    def _child(self, key: str | int, value: object) -> _Field:
        if isinstance(key, int):
            return _Field(value, self.source, f"{self.path}[{key}]")
        return _Field(value, self.source, f"{self.path}.{key}" if self.path else key)

    def _object(self) -> dict[str, object]:
        if not isinstance(self.value, dict):
            self.fail(f"must be an object, got {_json_type(self.value)}")
        return self.value

    def _items(self) -> list[object]:
        if not isinstance(self.value, list):
            self.fail(f"must be a list, got {_json_type(self.value)}")
        return self.value

    def member(self, key: str) -> _Field:
        """The value under ``key`` of this object."""
        if key not in self._object():
            self.fail(f"is missing the key(s) {key}")
        return self._child(key, self._object()[key])

    def fields(self, keys: Collection[str]) -> dict[str, _Field]:
        """This object's values, which must be exactly those of ``keys``."""
        present = self._object().keys()
        missing = sorted(set(keys) - present)
        if missing:
            self.fail(f"is missing the key(s) {', '.join(missing)}")
        unknown = sorted(present - set(keys))
        if unknown:
            self.fail(
                f"has unknown key(s) {', '.join(map(repr, unknown))}; the file was changed by "
                "hand or written by another program"
            )
        return {key: self._child(key, self._object()[key]) for key in keys}

    def items(self) -> list[_Field]:
        """This list's values."""
        return [self._child(index, item) for index, item in enumerate(self._items())]

    def number(self, *, least: float | None = None, below: float | None = None) -> float:
        value = self.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(f"must be a number, got {_json_type(value)}")
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            self.fail(f"must be a finite number, got {_json_type(value)}")
        if least is not None and number < least:
            self.fail(f"must be at least {least}, got {number!r}")
        if below is not None and number >= below:
            self.fail(f"must be below {below}, got {number!r}")
        return number

    def numbers(
        self, *, least: float | None = None, below: float | None = None
    ) -> tuple[float, ...]:
        return tuple(item.number(least=least, below=below) for item in self.items())

    def integer(self, *, least: int | None = 0) -> int:
        value = self.value
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(f"must be an integer, got {_json_type(value)}")
        if least is not None and value < least:
            self.fail(f"must be at least {least}, got {value}")
        return value

    def text(self) -> str:
        if not isinstance(self.value, str):
            self.fail(f"must be a string, got {_json_type(self.value)}")
        return self.value

    def choice(self, choices: Collection[str]) -> str:
        if self.text() not in choices:
            self.fail(f"must be one of {', '.join(map(repr, choices))}, got {self.value!r}")
        return self.text()

    def flag(self) -> bool:
        if not isinstance(self.value, bool):
            self.fail(f"must be true or false, got {_json_type(self.value)}")
        return self.value

    def optional(self, read: Callable[[_Field], _T]) -> _T | None:
        """None for JSON null, else ``read(self)``."""
        return None if self.value is None else read(self)


_Reader = Callable[[_Field, int], _T]


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    if type(value) in names:
        return f"{names[type(value)]} {describe(value).split(' ', 1)[1]}"
    return describe(value)


def _step(field: _Field, previous: int | None, steps: int | None) -> int:
    """A step number: greater than the one before it, and at most the run's ``steps``."""
    step = field.integer()
    if previous is not None and step <= previous:
        field.fail(f"must be greater than the previous step {previous}, got {step}")
    if steps is not None and step > steps:
        field.fail(f"must be at most the run's steps ({steps}), got {step}")
    return step


def _shape(model: MLP) -> tuple[int, ...]:
    return (model.nin, *(layer.nout for layer in model.layers))


# The three formats.


def _read_model(document: _Field, version: int) -> MLP:
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


def _read_layer(field: _Field, version: int, fan_in: int, width: int) -> Layer:
    neurons = field.fields(("neurons",))["neurons"]
    items = neurons.items()
    if len(items) != width:
        neurons.fail(f"holds {len(items)} neurons but nouts says {width}")
    return Layer(neurons=tuple(_read_neuron(item, version, fan_in) for item in items))


def _read_neuron(field: _Field, version: int, fan_in: int) -> Neuron:
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


def _read_history(document: _Field, version: int) -> tuple[HistoryRow, ...]:
    return _read_rows(document.fields(("rows",))["rows"], version)


def _read_rows(
    field: _Field, version: int, *, steps: int | None = None, validation: bool | None = None
) -> tuple[HistoryRow, ...]:
    """History rows, in step order; with ``validation``, the validation columns as it says."""
    rows: list[HistoryRow] = []
    for item in field.items():
        row = item.fields(("step", *_ROW_NUMBERS, *(_ROW_VALIDATION if version >= 2 else ())))
        step = _step(row["step"], rows[-1].step if rows else None, steps)
        numbers = {name: row[name].number() for name in _ROW_NUMBERS}
        val_loss = val_accuracy = None
        if version >= 2:
            val_loss = row["val_loss"].optional(_Field.number)
            val_accuracy = row["val_accuracy"].optional(_Field.number)
            if (val_loss is None) != (val_accuracy is None):
                row["val_accuracy"].fail("and val_loss must both be numbers or both be null")
            if validation is not None and (val_loss is not None) != validation:
                expected = "a number" if validation else "null"
                row["val_loss"].fail(f"must be {expected}: config.validation is {validation}")
        rows.append(HistoryRow(step=step, **numbers, val_loss=val_loss, val_accuracy=val_accuracy))
    return tuple(rows)


def _read_run(document: _Field, version: int) -> TrainingRun:
    run = document.fields(_RUN_KEYS)
    model = _read_model(run["final_model"], version)
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
        saved = _read_model(snapshot["model"], version)
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


def _read_config(field: _Field) -> TrainingConfig:
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


def _read_seed(field: _Field) -> Seed:
    if not isinstance(field.value, list):
        return field.integer(least=None)
    parts = tuple(part.integer(least=None) for part in field.items())
    if not parts:
        field.fail("must not be an empty list; a seed is an integer or a list of integers")
    return parts


def _read_optimizer(field: _Field) -> Optimizer:
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


def _read_state(field: _Field, optimizer: Optimizer, model: MLP, steps: int) -> OptimizerState:
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


# Paths and atomic writes.


def _check_path(path: object) -> str:
    if isinstance(path, (str, os.PathLike)):
        name = os.fspath(path)
        if isinstance(name, str) and "\0" in name:
            raise InvalidValueError(f"path must not contain a NUL character, got {name!r}")
        if isinstance(name, str) and name:
            return name
    raise InvalidTypeError(
        f"path must be a non-empty str or os.PathLike naming a file, got {describe(path)}; "
        'pass for example "model.json" or pathlib.Path("model.json")'
    )


def _check_text(text: object) -> str:
    if not isinstance(text, str):
        raise InvalidTypeError(
            f"text must be a str of JSON, got {describe(text)}; pass what model_to_json, "
            "history_to_json or run_to_json returned"
        )
    return text


def _write_atomically(path: str, text: str) -> None:
    # A uniquely named file beside the target, then os.replace: readers see the old file or
    # the whole new one, never half of it. os.open honours the umask, as a plain open would.
    folder, name = os.path.split(os.path.abspath(path))
    temporary = os.path.join(folder, f".{name}.{secrets.token_hex(6)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
