"""Save and load models, training histories and whole training runs as JSON, exactly and safely.

Three formats, each a JSON object with a ``"format"`` and a ``"version"``:

- ``mgfunc.model``: every layer and neuron, each weight and bias with its label, and each
  neuron's activation (``"relu"``, ``"tanh"`` or ``"sigmoid"``);
- ``mgfunc.history``: a run's history rows, validation columns included;
- ``mgfunc.run``: everything :func:`mgfunc.trainer.resume` needs to continue a run exactly:
  the model, the history, the final loss and accuracy, the optimizer and its state (momentum
  buffer, Adam's moments, step count), the training configuration, the snapshots.

Floats are written with Python's shortest round-trip ``repr``, so every number comes back bit
for bit (``-0.0`` and subnormals included). There is no pickle, so loading a file never runs
code. Files are written atomically (a temporary file in the same folder, then ``os.replace``),
so a crash never leaves half a file behind.

What goes wrong, and what every function here then raises (each function's own ``Raises`` says
what is particular to it); every argument is checked before any file is opened:

- :class:`~mgfunc.errors.ModelFileError`, from the loaders (``load_*`` and ``*_from_json``):
  the whole document is checked before anything is built, and a truncated, tampered,
  inconsistent or foreign one (not UTF-8 JSON, another format or version, a field missing or
  of the wrong type) is refused with the file (or ``text``) and the field's path, such as
  ``optimizer_state.first_moment[3]``; a file of another format names its loader.
- :class:`~mgfunc.errors.InvalidTypeError` for an argument of the wrong type, and
  :class:`~mgfunc.errors.InvalidValueError` for one that cannot be saved (a NaN or infinite
  number, parts that do not fit together) or a path holding a NUL character. Saving checks the
  document by reading it back, so a file that saves always loads.
- ``OSError``: a file that cannot be read (Python's own error, naming the file) or written (a
  missing folder, no permission...: the message names the path you chose and what to do, and
  the class is Python's own for the cause, ``FileNotFoundError``, ``PermissionError``,
  ``IsADirectoryError``...).

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
from typing import TypeVar

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

_T = TypeVar("_T")

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
    """Write ``model`` to ``path``, atomically, as the text of :func:`model_to_json`.

    Args:
        model: the MLP to save.
        path: the file to write (a str or path-like); an existing file is replaced.

    Raises:
        InvalidTypeError, InvalidValueError: what :func:`model_to_json` refuses, or a bad path.
        OSError: the file cannot be written; the message names ``path`` and what to do.

    >>> import os, tempfile
    >>> from mgfunc.nn import MLP
    >>> path = os.path.join(tempfile.mkdtemp(), "model.json")
    >>> save_model(MLP.create(2, [1], seed=0), path)
    >>> load_model(path).nin
    2
    """
    write_text(check_path(path), model_to_json(model))


def save_history(run_or_history: TrainingRun | Sequence[HistoryRow], path: PathArgument) -> None:
    """Write a training history to ``path``, atomically, as the text of :func:`history_to_json`.

    Args:
        run_or_history: a TrainingRun or a sequence of HistoryRow.
        path: the file to write; an existing file is replaced.

    Raises:
        InvalidTypeError, InvalidValueError: what :func:`history_to_json` refuses, or a bad
            path.
        OSError: the file cannot be written; the message names ``path``.

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
    """Write a training run to ``path``, atomically, as the text of :func:`run_to_json`.

    Everything is checked before the file is opened: a run that cannot be saved leaves no file
    behind (and an existing file as it was).

    Args:
        run: the TrainingRun to save.
        path: the file to write; an existing file is replaced.

    Raises:
        InvalidTypeError, InvalidValueError: what :func:`run_to_json` refuses, or a bad path.
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
    write_text(check_path(path), run_to_json(run))


# Reading: each function checks its argument, then hands the text to mgfunc._document.decode
# with the format it expects.


def model_from_json(text: str) -> MLP:
    """The MLP described by JSON text in the ``mgfunc.model`` format (version 1 or 2).

    Args:
        text: the JSON text, as written by :func:`model_to_json`.

    Returns:
        A new MLP with exactly the saved weights, biases, labels, activations and shapes.

    Raises:
        InvalidTypeError: ``text`` is not a str.
        ModelFileError: ``text`` is not a model document this mgfunc reads.

    >>> model_from_json('{"format": "mgfunc.history", "version": 2, "rows": []}')
    Traceback (most recent call last):
    ...
    mgfunc.errors.ModelFileError: text: format is 'mgfunc.history' but a model file has \
format 'mgfunc.model'; read this file with mgfunc.io.load_history
    """
    return _from_text(text, _MODEL)


def history_from_json(text: str) -> tuple[HistoryRow, ...]:
    """The history rows described by JSON text in the ``mgfunc.history`` format (version 1 or 2).

    Args:
        text: the JSON text, as written by :func:`history_to_json`.

    Returns:
        The rows, in order.

    Raises:
        InvalidTypeError: ``text`` is not a str.
        ModelFileError: ``text`` is not a history document this mgfunc reads.

    >>> history_from_json('{"format": "mgfunc.history", "version": 2, "rows": []}')
    ()
    """
    return _from_text(text, _HISTORY)


def run_from_json(text: str) -> TrainingRun:
    """The TrainingRun described by JSON text in the ``mgfunc.run`` format.

    Args:
        text: the JSON text, as written by :func:`run_to_json`.

    Returns:
        A new TrainingRun equal to the saved one, float for float, that
        :func:`~mgfunc.trainer.resume` continues exactly.

    Raises:
        InvalidTypeError: ``text`` is not a str.
        ModelFileError: ``text`` is not a run document this mgfunc reads, or its parts do not
            fit together (an optimizer state that does not fit the model, history steps out of
            order, an unknown loss or optimizer name, ...).

    >>> run_from_json('{"format": "mgfunc.run", "version": 2}')
    Traceback (most recent call last):
    ...
    mgfunc.errors.ModelFileError: text: the document is missing the key(s) config, \
final_accuracy, final_loss, final_model, history, optimizer_state, snapshots, steps
    """
    return _from_text(text, _RUN)


def load_model(path: PathArgument) -> MLP:
    """Read a model saved by :func:`save_model` (version 1 files too).

    Args:
        path: the file to read (a str or path-like).

    Returns:
        A new MLP equal to the saved one, float for float.

    Raises:
        ModelFileError: the file is not a model file this mgfunc reads; the message names the
            file and the field.
        OSError: the file cannot be read (it does not exist, no permission, ...).
        InvalidTypeError, InvalidValueError: ``path`` is not a str or path-like, or holds a NUL.

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "broken.json")
    >>> with open(path, "w") as file:
    ...     _ = file.write('{"format": "mgfunc.model", "version": 2')
    >>> load_model(path)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    mgfunc.errors.ModelFileError: ...broken.json: not valid JSON (truncated or corrupted?)...
    """
    return _from_file(path, _MODEL)


def load_history(path: PathArgument) -> tuple[HistoryRow, ...]:
    """Read a history saved by :func:`save_history` (version 1 files too).

    Args:
        path: the file to read.

    Returns:
        The rows, in order.

    Raises:
        ModelFileError: the file is not a history file this mgfunc reads (a model file names
            its loader, as below).
        OSError, InvalidTypeError, InvalidValueError: as :func:`load_model`.

    >>> import os, tempfile
    >>> from mgfunc.nn import MLP
    >>> path = os.path.join(tempfile.mkdtemp(), "model.json")
    >>> save_model(MLP.create(2, [1], seed=0), path)
    >>> load_history(path)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    mgfunc.errors.ModelFileError: ...model.json: format is 'mgfunc.model' but a history file \
has format 'mgfunc.history'; read this file with mgfunc.io.load_model
    """
    return _from_file(path, _HISTORY)


def load_run(path: PathArgument) -> TrainingRun:
    """Read a training run saved by :func:`save_run`; :func:`~mgfunc.trainer.resume` continues it.

    Args:
        path: the file to read.

    Returns:
        A new TrainingRun equal to the saved one, float for float.

    Raises:
        ModelFileError: the file is not a run file this mgfunc reads, or its parts do not fit
            together (as :func:`run_from_json`).
        OSError, InvalidTypeError, InvalidValueError: as :func:`load_model`.

    >>> load_run("no-such-run.json")
    Traceback (most recent call last):
    ...
    FileNotFoundError: [Errno 2] No such file or directory: 'no-such-run.json'
    """
    return _from_file(path, _RUN)


def _from_text(text: object, kind: Format[_T]) -> _T:
    """What :func:`mgfunc._document.decode` reads from ``text``, an argument named so."""
    checked = of_type(
        text,
        str,
        "text",
        "a str of JSON",
        "pass what model_to_json, history_to_json or run_to_json returned",
    )
    return decode(checked, "text", kind, _LOADERS)


def _from_file(path: object, kind: Format[_T]) -> _T:
    """What :func:`mgfunc._document.decode` reads from the file at ``path``."""
    source = check_path(path)
    return decode(read_text(source), source, kind, _LOADERS)
