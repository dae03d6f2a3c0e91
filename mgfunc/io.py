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
crash never leaves half a file behind, and a file that cannot be written (a missing folder, no
permission) gets an ``OSError`` naming the path you chose and what to do.

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

from collections.abc import Sequence

from mgfunc import _schema
from mgfunc._checks import of_type
from mgfunc._document import Format, decode, encode, read_text
from mgfunc._files import PathArgument, check_path, write_text
from mgfunc.nn import MLP
from mgfunc.trainer import HistoryRow, TrainingRun

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

# Each format: its name, the noun for messages, the versions read, and the reader of its body
# (mgfunc._schema). The files themselves are read and written by mgfunc._document and
# mgfunc._files, which know nothing of models or runs.
_MODEL = Format(MODEL_FORMAT, "model", (1, 2), _schema.read_model)
_HISTORY = Format(HISTORY_FORMAT, "history", (1, 2), _schema.read_history)
_RUN = Format(RUN_FORMAT, "run", (2,), _schema.read_run)
_LOADERS = {
    MODEL_FORMAT: "mgfunc.io.load_model",
    HISTORY_FORMAT: "mgfunc.io.load_history",
    RUN_FORMAT: "mgfunc.io.load_run",
}
_STRING_SOURCE = "text"  # the argument of model_from_json and friends, named in errors


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
    return encode(_MODEL, _schema.model_document(model, "model"), "model", VERSION)


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
    document = _schema.history_document(run_or_history, "run_or_history")
    return encode(_HISTORY, document, "history", VERSION)


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
    return encode(_RUN, _schema.run_document(run), "run", VERSION)


def save_model(model: MLP, path: PathArgument) -> None:
    """Write ``model`` to ``path`` as JSON, atomically (see :func:`model_to_json`).

    Args:
        model: the MLP to save.
        path: the file to write (a str or path-like); an existing file is replaced.

    Raises:
        InvalidTypeError: ``model`` is not an MLP or ``path`` is not a str or path-like.
        InvalidValueError: a parameter is NaN or infinite, or ``path`` contains a NUL character.
        OSError: the file cannot be written (missing folder, no permission, ...); the message
            names ``path`` and what to do, and the class is Python's for the cause
            (``FileNotFoundError``, ``PermissionError``, ``IsADirectoryError``...).

    >>> import os, tempfile
    >>> from mgfunc.nn import MLP
    >>> path = os.path.join(tempfile.mkdtemp(), "model.json")
    >>> save_model(MLP.create(2, [1], seed=0), path)
    >>> load_model(path).nin
    2
    """
    write_text(check_path(path), model_to_json(model))


def save_history(run_or_history: TrainingRun | Sequence[HistoryRow], path: PathArgument) -> None:
    """Write a training history to ``path`` as JSON, atomically (see :func:`history_to_json`).

    Args:
        run_or_history: a TrainingRun or a sequence of HistoryRow.
        path: the file to write (a str or path-like); an existing file is replaced.

    Raises:
        InvalidTypeError, InvalidValueError: as :func:`history_to_json`, or ``path`` is not a
            str or path-like.
        OSError: the file cannot be written; the message names ``path`` (as
            :func:`save_model`).

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
    write_text(check_path(path), history_to_json(run_or_history))


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
        OSError: the file cannot be written; the message names ``path`` (as
            :func:`save_model`).

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
    write_text(check_path(path), run_to_json(run))


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
    mgfunc.errors.ModelFileError: text: format is 'mgfunc.history' but a model file has \
format 'mgfunc.model'; read this file with mgfunc.io.load_history
    """
    return decode(_check_text(text), _STRING_SOURCE, _MODEL, _LOADERS)


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
    return decode(_check_text(text), _STRING_SOURCE, _HISTORY, _LOADERS)


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
    mgfunc.errors.ModelFileError: text: the document is missing the key(s) config, \
final_accuracy, final_loss, final_model, history, optimizer_state, snapshots, steps
    """
    return decode(_check_text(text), _STRING_SOURCE, _RUN, _LOADERS)


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
    source = check_path(path)
    return decode(read_text(source), source, _MODEL, _LOADERS)


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
    source = check_path(path)
    return decode(read_text(source), source, _HISTORY, _LOADERS)


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
    source = check_path(path)
    return decode(read_text(source), source, _RUN, _LOADERS)


def _check_text(text: object) -> str:
    return of_type(
        text,
        str,
        "text",
        "a str of JSON",
        "pass what model_to_json, history_to_json or run_to_json returned",
    )
