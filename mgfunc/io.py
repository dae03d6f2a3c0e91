"""Save and load models and training histories as JSON, exactly and safely.

A model file is plain JSON (``"format": "mgfunc.model"``, ``"version": 1``) that lists every
layer, neuron, weight, bias and label. Floats are written with Python's shortest round-trip
``repr``, so every weight comes back bit for bit (``-0.0`` and subnormals included). Loading
checks everything before building anything: a truncated, tampered or foreign file raises
:class:`~mgfunc.errors.ModelFileError` naming the file and the field. There is no pickle, so
loading a file never runs code. Files are written atomically: a temporary file in the same
folder, then ``os.replace``, so a crash never leaves half a model behind.

>>> import os, tempfile
>>> from mgfunc.nn import MLP
>>> model = MLP.create(2, [4, 1], seed=0)
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
from collections.abc import Callable, Sequence
from typing import TypeVar

from mgfunc._checks import describe
from mgfunc.errors import InvalidTypeError, InvalidValueError, ModelFileError
from mgfunc.nn import MLP, Layer, Neuron
from mgfunc.trainer import HistoryRow, TrainingRun
from mgfunc.value import Value

__all__ = [
    "HISTORY_FORMAT",
    "MODEL_FORMAT",
    "VERSION",
    "history_from_json",
    "history_to_json",
    "load_history",
    "load_model",
    "model_from_json",
    "model_to_json",
    "save_history",
    "save_model",
]

MODEL_FORMAT = "mgfunc.model"
HISTORY_FORMAT = "mgfunc.history"
VERSION = 1

PathArgument = str | os.PathLike[str]
JSON = dict[str, object] | list[object] | str | int | float | bool | None
_T = TypeVar("_T")

_NEURON_KEYS = frozenset({"nonlinear", "weights", "bias", "weight_labels", "bias_label"})
_HISTORY_FLOATS = ("loss", "data_loss", "reg_loss", "accuracy", "learning_rate")
_STRING_SOURCE = "<string>"


# Writing.


def model_to_json(model: MLP) -> str:
    """The model as JSON text in the ``mgfunc.model`` format, version 1.

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
    if not isinstance(model, MLP):
        raise InvalidTypeError(
            f"model must be an MLP, got {describe(model)}; pass for example "
            "MLP.create(2, [16, 16, 1]) or a TrainingRun's final_model"
        )
    layers = []
    for i, layer in enumerate(model.layers):
        neurons = []
        for j, neuron in enumerate(layer.neurons):
            where = f"layers[{i}].neurons[{j}]"
            neurons.append(
                {
                    "nonlinear": neuron.nonlinear,
                    "weights": [
                        _finite_parameter(w, f"{where}.weights[{k}]")
                        for k, w in enumerate(neuron.weights)
                    ],
                    "bias": _finite_parameter(neuron.bias, f"{where}.bias"),
                    "weight_labels": [w.label for w in neuron.weights],
                    "bias_label": neuron.bias.label,
                }
            )
        layers.append({"neurons": neurons})
    document = {
        "format": MODEL_FORMAT,
        "version": VERSION,
        "nin": model.nin,
        "nouts": [layer.nout for layer in model.layers],
        "layers": layers,
    }
    return json.dumps(document, indent=1, allow_nan=False) + "\n"


def history_to_json(run_or_history: TrainingRun | Sequence[HistoryRow]) -> str:
    """A training history as JSON text in the ``mgfunc.history`` format, version 1.

    Args:
        run_or_history: a :class:`~mgfunc.trainer.TrainingRun` or a sequence of its rows.

    Returns:
        The JSON text, ending with a newline.

    Raises:
        InvalidTypeError: the argument is neither a TrainingRun nor a sequence of HistoryRow,
            or a row field has the wrong type.
        InvalidValueError: a row holds a NaN or infinite number.

    >>> from mgfunc.trainer import HistoryRow
    >>> row = HistoryRow(step=0, loss=1.5, data_loss=1.0, reg_loss=0.5, accuracy=0.5,
    ...                  learning_rate=0.1)
    >>> history_from_json(history_to_json([row])) == (row,)
    True
    """
    rows = _history_rows(run_or_history)
    document = {
        "format": HISTORY_FORMAT,
        "version": VERSION,
        "rows": [_row_document(index, row) for index, row in enumerate(rows)],
    }
    return json.dumps(document, indent=1, allow_nan=False) + "\n"


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


# Reading.


def model_from_json(text: str) -> MLP:
    """The MLP described by JSON text in the ``mgfunc.model`` format.

    Args:
        text: the JSON text, as written by :func:`model_to_json`.

    Returns:
        A new MLP with exactly the saved weights, biases, labels and layer shapes.

    Raises:
        InvalidTypeError: ``text`` is not a str.
        ModelFileError: the text is not valid JSON, not a version 1 ``mgfunc.model``
            document, or a field is missing, of the wrong type, or inconsistent.

    >>> model_from_json('{"format": "mgfunc.history", "version": 1, "rows": []}')
    Traceback (most recent call last):
    ...
    mgfunc.errors.ModelFileError: <string>: format is 'mgfunc.history' but a model file has \
format 'mgfunc.model'; read this file with mgfunc.io.load_history
    """
    return _model_from_document(_parse(_check_text(text), _STRING_SOURCE), _STRING_SOURCE)


def history_from_json(text: str) -> tuple[HistoryRow, ...]:
    """The history rows described by JSON text in the ``mgfunc.history`` format.

    Args:
        text: the JSON text, as written by :func:`history_to_json`.

    Returns:
        The rows, in order.

    Raises:
        InvalidTypeError: ``text`` is not a str.
        ModelFileError: the text is not valid JSON, not a version 1 ``mgfunc.history``
            document, or a field is missing, of the wrong type, or inconsistent.

    >>> history_from_json('{"format": "mgfunc.history", "version": 1, "rows": []}')
    ()
    """
    return _history_from_document(_parse(_check_text(text), _STRING_SOURCE), _STRING_SOURCE)


def load_model(path: PathArgument) -> MLP:
    """Read a model saved by :func:`save_model`.

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
    ...     _ = file.write('{"format": "mgfunc.model", "version": 1')
    >>> load_model(path)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    mgfunc.errors.ModelFileError: ...broken.json: not valid JSON (truncated or corrupted?)...
    """
    source = _check_path(path)
    return _model_from_document(_parse(_read(source), source), source)


def load_history(path: PathArgument) -> tuple[HistoryRow, ...]:
    """Read a history saved by :func:`save_history`.

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
    return _history_from_document(_parse(_read(source), source), source)


# Checks on the way out.


def _finite_parameter(value: Value, where: str) -> float:
    if not math.isfinite(value.data):
        raise InvalidValueError(
            f"model: {where} is {value.data!r}; a model with NaN or infinite parameters "
            "cannot be saved (the training diverged: lower the learning rate)"
        )
    return value.data


def _history_rows(run_or_history: object) -> tuple[HistoryRow, ...]:
    if isinstance(run_or_history, TrainingRun):
        return run_or_history.history
    if isinstance(run_or_history, (str, bytes)) or not isinstance(run_or_history, Sequence):
        raise InvalidTypeError(
            f"run_or_history must be a TrainingRun or a sequence of HistoryRow, got "
            f"{describe(run_or_history)}; pass the result of mgfunc.trainer.train"
        )
    for index, row in enumerate(run_or_history):
        if not isinstance(row, HistoryRow):
            raise InvalidTypeError(
                f"run_or_history[{index}] must be a HistoryRow, got {describe(row)}"
            )
    return tuple(run_or_history)


def _row_document(index: int, row: HistoryRow) -> dict[str, object]:
    if isinstance(row.step, bool) or not isinstance(row.step, int):
        raise InvalidTypeError(
            f"history row {index}: step must be an int, got {describe(row.step)}"
        )
    document: dict[str, object] = {"step": row.step}
    for name in _HISTORY_FLOATS:
        number = getattr(row, name)
        if isinstance(number, bool) or not isinstance(number, (int, float)):
            raise InvalidTypeError(
                f"history row {index}: {name} must be a float, got {describe(number)}"
            )
        if not math.isfinite(number):
            raise InvalidValueError(
                f"history row {index}: {name} is {number!r}; only finite numbers can be saved"
            )
        document[name] = float(number)
    return document


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
            f"text must be a str of JSON, got {describe(text)}; pass what model_to_json or "
            "history_to_json returned"
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


# Checks on the way in.


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


def _check_header(
    document: object, source: str, expected: str, keys: frozenset[str]
) -> dict[str, object]:
    if not isinstance(document, dict):
        raise ModelFileError(
            f"{source}: the file must hold a JSON object, got {_json_type(document)}"
        )
    kind = document.get("format")
    if kind != expected:
        other = _LOADERS.get(kind) if isinstance(kind, str) else None
        hint = f"; read this file with mgfunc.io.{other}" if other else ""
        raise ModelFileError(
            f"{source}: format is {kind!r} but a {_KIND_NAMES[expected]} file has format "
            f"{expected!r}{hint}"
        )
    version = document.get("version")
    if version != VERSION or isinstance(version, bool):
        newer = isinstance(version, int) and not isinstance(version, bool) and version > VERSION
        hint = "; upgrade mgfunc to read it" if newer else ""
        raise ModelFileError(
            f"{source}: version is {version!r}, but this mgfunc reads version {VERSION}{hint}"
        )
    _check_keys(document, keys, source, "the document")
    return document


_KIND_NAMES = {MODEL_FORMAT: "model", HISTORY_FORMAT: "history"}
_LOADERS = {MODEL_FORMAT: "load_model", HISTORY_FORMAT: "load_history"}


def _check_keys(document: dict[str, object], keys: frozenset[str], source: str, where: str) -> None:
    missing = sorted(keys - document.keys())
    if missing:
        raise ModelFileError(f"{source}: {where} is missing the key(s) {', '.join(missing)}")
    unknown = sorted(document.keys() - keys)
    if unknown:
        raise ModelFileError(
            f"{source}: {where} has unknown key(s) {', '.join(map(repr, unknown))}; "
            "the file was changed by hand or written by another program"
        )


def _field(container: dict[str, object], key: str, kind: type[_T], source: str, where: str) -> _T:
    value = container[key]
    if isinstance(value, bool) and kind is not bool:
        value = None  # JSON true/false is never a number or a list here
    if not isinstance(value, kind):
        raise ModelFileError(
            f"{source}: {where}.{key} must be {_JSON_NAMES[kind]}, got {_json_type(container[key])}"
        )
    return value


_JSON_NAMES: dict[type, str] = {
    list: "a list",
    dict: "an object",
    str: "a string",
    int: "an integer",
    bool: "true or false",
}


def _json_type(value: object) -> str:
    names = {
        dict: "an object",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        type(None): "null",
    }
    if type(value) in names:
        return f"{names[type(value)]} {describe(value).split(' ', 1)[1]}"
    return describe(value)


def _number(value: object, source: str, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ModelFileError(f"{source}: {where} must be a number, got {_json_type(value)}")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise ModelFileError(f"{source}: {where} must be a finite number, got {_json_type(value)}")
    return number


def _list_of(items: list[object], read: Callable[[object, str], _T], where: str) -> list[_T]:
    return [read(item, f"{where}[{index}]") for index, item in enumerate(items)]


def _model_from_document(document: object, source: str) -> MLP:
    header = _check_header(
        document, source, MODEL_FORMAT, frozenset({"format", "version", "nin", "nouts", "layers"})
    )
    nin = _field(header, "nin", int, source, "the document")
    nouts = _field(header, "nouts", list, source, "the document")
    raw_layers = _field(header, "layers", list, source, "the document")
    if nin < 1:
        raise ModelFileError(f"{source}: nin must be at least 1, got {nin}")
    widths = _list_of(nouts, lambda width, where: _width(width, source, where), "nouts")
    if not raw_layers:
        raise ModelFileError(f"{source}: layers must not be empty; a model has at least one layer")
    if len(raw_layers) != len(widths):
        raise ModelFileError(
            f"{source}: nouts lists {len(widths)} layer widths but layers holds {len(raw_layers)}"
        )
    fan_in = nin
    layers = []
    for i, (raw_layer, width) in enumerate(zip(raw_layers, widths)):
        layer = _layer(raw_layer, source, f"layers[{i}]", fan_in, width)
        layers.append(layer)
        fan_in = width
    return MLP(layers=tuple(layers))


def _width(width: object, source: str, where: str) -> int:
    if isinstance(width, bool) or not isinstance(width, int) or width < 1:
        raise ModelFileError(
            f"{source}: {where} must be a positive integer, got {_json_type(width)}"
        )
    return width


def _layer(raw: object, source: str, where: str, fan_in: int, width: int) -> Layer:
    if not isinstance(raw, dict):
        raise ModelFileError(f"{source}: {where} must be an object, got {_json_type(raw)}")
    _check_keys(raw, frozenset({"neurons"}), source, where)
    raw_neurons = _field(raw, "neurons", list, source, where)
    if len(raw_neurons) != width:
        raise ModelFileError(
            f"{source}: {where}.neurons holds {len(raw_neurons)} neurons but nouts says {width}"
        )
    return Layer(
        neurons=tuple(
            _neuron(item, source, f"{where}.neurons[{j}]", fan_in)
            for j, item in enumerate(raw_neurons)
        )
    )


def _neuron(raw: object, source: str, where: str, fan_in: int) -> Neuron:
    if not isinstance(raw, dict):
        raise ModelFileError(f"{source}: {where} must be an object, got {_json_type(raw)}")
    _check_keys(raw, _NEURON_KEYS, source, where)
    nonlinear = _field(raw, "nonlinear", bool, source, where)
    weights = _field(raw, "weights", list, source, where)
    labels = _field(raw, "weight_labels", list, source, where)
    bias_label = _field(raw, "bias_label", str, source, where)
    if len(weights) != fan_in:
        raise ModelFileError(
            f"{source}: {where}.weights holds {len(weights)} numbers but the layer takes "
            f"{fan_in} inputs"
        )
    if len(labels) != fan_in:
        raise ModelFileError(
            f"{source}: {where}.weight_labels holds {len(labels)} labels but there are "
            f"{fan_in} weights"
        )
    numbers = _list_of(weights, lambda w, at: _number(w, source, at), f"{where}.weights")
    names = _list_of(labels, lambda label, at: _label(label, source, at), f"{where}.weight_labels")
    return Neuron(
        weights=tuple(Value(w, label=name) for w, name in zip(numbers, names)),
        bias=Value(_number(raw["bias"], source, f"{where}.bias"), label=bias_label),
        nonlinear=nonlinear,
    )


def _label(label: object, source: str, where: str) -> str:
    if not isinstance(label, str):
        raise ModelFileError(f"{source}: {where} must be a string, got {_json_type(label)}")
    return label


def _history_from_document(document: object, source: str) -> tuple[HistoryRow, ...]:
    header = _check_header(
        document, source, HISTORY_FORMAT, frozenset({"format", "version", "rows"})
    )
    raw_rows = _field(header, "rows", list, source, "the document")
    rows: list[HistoryRow] = []
    for index, raw in enumerate(raw_rows):
        where = f"rows[{index}]"
        if not isinstance(raw, dict):
            raise ModelFileError(f"{source}: {where} must be an object, got {_json_type(raw)}")
        _check_keys(raw, frozenset({"step", *_HISTORY_FLOATS}), source, where)
        step = _field(raw, "step", int, source, where)
        if step < 0 or (rows and step <= rows[-1].step):
            after = f" and greater than the previous step {rows[-1].step}" if rows else ""
            raise ModelFileError(f"{source}: {where}.step must be at least 0{after}, got {step}")
        values = {name: _number(raw[name], source, f"{where}.{name}") for name in _HISTORY_FLOATS}
        rows.append(HistoryRow(step=step, **values))
    return tuple(rows)
