"""A JSON document read safely: every error names the file and the field, nothing runs.

The generic half of :mod:`mgfunc.io` (the other half, :mod:`mgfunc._schema`, says what each
record holds):

- :func:`read_text` reads a file as UTF-8 text;
- :func:`decode` parses JSON strictly (no NaN or Infinity, no key twice), checks the
  ``"format"`` and ``"version"`` envelope against a :class:`Format`, and hands the body to the
  format's reader as a :class:`Field`;
- :func:`encode` checks a body by reading it back with the same reader, then writes the JSON;
- a :class:`Field` is a JSON value that knows where it sits: ``field.member("layers")``,
  ``field.items()``, ``field.number(least=0.0)``... and ``field.fail(...)`` raises
  :class:`~mgfunc.errors.ModelFileError` with the file and the path, such as
  ``model.json: layers[0].neurons[1].bias must be a finite number, got a string 'x'``.

>>> document = Field({"rows": [{"loss": "x"}]}, "history.json")
>>> document.member("rows").items()[0].member("loss").number()
Traceback (most recent call last):
...
mgfunc.errors.ModelFileError: history.json: rows[0].loss must be a number, got a string 'x'
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Collection, Mapping
from typing import Generic, NoReturn, TypeVar

import attrs

from mgfunc._checks import describe
from mgfunc._frozen import immutable
from mgfunc.errors import InvalidValueError, ModelFileError

__all__ = ["Field", "Format", "Reader", "decode", "encode", "read_text"]

_T = TypeVar("_T")


@immutable()
@attrs.frozen
class Field:
    """A JSON value from a document, with the source and path that error messages name."""

    value: object
    source: str
    path: str = ""

    def fail(self, message: str) -> NoReturn:
        """Raise :class:`ModelFileError` naming the source and this field's path."""
        raise ModelFileError(f"{self.source}: {self.path or 'the document'} {message}")

    def _child(self, key: str | int, value: object) -> Field:
        if isinstance(key, int):
            return Field(value, self.source, f"{self.path}[{key}]")
        return Field(value, self.source, f"{self.path}.{key}" if self.path else key)

    def _object(self) -> dict[str, object]:
        if not isinstance(self.value, dict):
            self.fail(f"must be an object, got {json_type(self.value)}")
        return self.value

    def _items(self) -> list[object]:
        if not isinstance(self.value, list):
            self.fail(f"must be a list, got {json_type(self.value)}")
        return self.value

    def member(self, key: str) -> Field:
        """The value under ``key`` of this object."""
        if key not in self._object():
            self.fail(f"is missing the key(s) {key}")
        return self._child(key, self._object()[key])

    def fields(self, keys: Collection[str]) -> dict[str, Field]:
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

    def items(self) -> list[Field]:
        """This list's values."""
        return [self._child(index, item) for index, item in enumerate(self._items())]

    def number(self, *, least: float | None = None, below: float | None = None) -> float:
        """This value as a finite float, at least ``least`` and below ``below``."""
        value = self.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(f"must be a number, got {json_type(value)}")
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            self.fail(f"must be a finite number, got {json_type(value)}")
        if least is not None and number < least:
            self.fail(f"must be at least {least}, got {number!r}")
        if below is not None and number >= below:
            self.fail(f"must be below {below}, got {number!r}")
        return number

    def numbers(
        self, *, least: float | None = None, below: float | None = None
    ) -> tuple[float, ...]:
        """This list's values as finite floats (see :meth:`number`)."""
        return tuple(item.number(least=least, below=below) for item in self.items())

    def integer(self, *, least: int | None = 0) -> int:
        """This value as an int (a bool refused), at least ``least``."""
        value = self.value
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(f"must be an integer, got {json_type(value)}")
        if least is not None and value < least:
            self.fail(f"must be at least {least}, got {value}")
        return value

    def text(self) -> str:
        """This value as a str."""
        if not isinstance(self.value, str):
            self.fail(f"must be a string, got {json_type(self.value)}")
        return self.value

    def choice(self, choices: Collection[str]) -> str:
        """This value as one of ``choices``."""
        if self.text() not in choices:
            self.fail(f"must be one of {', '.join(map(repr, choices))}, got {self.value!r}")
        return self.text()

    def flag(self) -> bool:
        """This value as a bool."""
        if not isinstance(self.value, bool):
            self.fail(f"must be true or false, got {json_type(self.value)}")
        return self.value

    def optional(self, read: Callable[[Field], _T]) -> _T | None:
        """None for JSON null, else ``read(self)``."""
        return None if self.value is None else read(self)


Reader = Callable[[Field, int], _T]
"""A format's reader: the document's body and its version in, the object out."""


@immutable()
@attrs.frozen
class Format(Generic[_T]):
    """A kind of file: its ``"format"`` name, the versions read, the reader of its body."""

    name: str
    noun: str
    versions: tuple[int, ...]
    read: Reader[_T]


def json_type(value: object) -> str:
    """A JSON value's kind and a short repr, for error messages: ``a list [1, 2]``."""
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    if type(value) in names:
        return f"{names[type(value)]} {describe(value).split(' ', 1)[1]}"
    return describe(value)


def encode(kind: Format[_T], body: dict[str, object], what: str, version: int) -> str:
    """The JSON text of ``body`` as a ``kind`` file of ``version``, checked by reading it back.

    Raises:
        InvalidValueError: the body would not load (``what`` and the field's path named).
    """
    try:
        kind.read(Field(body, what), version)
    except ModelFileError as error:
        raise InvalidValueError(f"cannot save {error}") from None
    document = {"format": kind.name, "version": version, **body}
    return json.dumps(document, indent=1, allow_nan=False) + "\n"


def decode(text: str, source: str, kind: Format[_T], loaders: Mapping[str, str]) -> _T:
    """The object a ``kind`` document describes, checked from the envelope to the last field.

    ``loaders`` names, for each format, the function that reads it: a file of another known
    format gets an error that names the right function.
    """
    document = _parse(text, source)
    if not isinstance(document, dict):
        raise ModelFileError(
            f"{source}: the file must hold a JSON object, got {json_type(document)}"
        )
    found = document.get("format")
    if found != kind.name:
        other = loaders.get(found) if isinstance(found, str) else None
        hint = f"; read this file with {other}" if other else ""
        raise ModelFileError(
            f"{source}: format is {found!r} but a {kind.noun} file has format {kind.name!r}{hint}"
        )
    version = document.get("version")
    if type(version) is not int or version not in kind.versions:
        newer = type(version) is int and version > max(kind.versions)
        hint = "; upgrade mgfunc to read it" if newer else ""
        raise ModelFileError(
            f"{source}: version is {version!r}, but this mgfunc reads {kind.noun} files of "
            f"version {' or '.join(map(str, kind.versions))}{hint}"
        )
    body = {key: value for key, value in document.items() if key not in ("format", "version")}
    return kind.read(Field(body, source), version)


def read_text(path: str) -> str:
    """The file at ``path`` as UTF-8 text; OSError if it cannot be read.

    Raises:
        ModelFileError: the file is not UTF-8 text.
        OSError: the file cannot be read (it does not exist, no permission, ...).
    """
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
