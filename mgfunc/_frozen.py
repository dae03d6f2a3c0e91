"""Frozen objects that say what to do instead of being changed.

attrs' frozen classes refuse every assignment with a bare ``FrozenInstanceError: can't set
attribute``. :func:`immutable`, applied on top of ``@attrs.frozen``, replaces that refusal with
the same exception carrying a message: which class, which attribute, and what to call instead.
Only failed assignments reach it: attrs' ``__init__`` and ``mgfunc.value``'s fast node
constructor fill the fields through ``object.__setattr__`` and the slot descriptors, so
building objects costs exactly what it did.

>>> import attrs
>>> @immutable()
... @attrs.frozen
... class Point:
...     x: float
>>> try:
...     Point(1.0).x = 2.0
... except attrs.exceptions.FrozenInstanceError as error:
...     print(error)  # doctest: +ELLIPSIS
Point is immutable: .x cannot be set. attrs.evolve(point, x=...) returns a changed copy ...
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NoReturn, TypeVar

import attrs

__all__ = [
    "EVOLVE",
    "GRADIENTS_ARE_NOT_ON_NODES",
    "NEW_GRADIENTS",
    "NEW_MODEL",
    "NEW_VALUE",
    "NO_ZERO_GRAD",
    "immutable",
    "no_zero_grad",
    "trusted",
]

_Class = TypeVar("_Class", bound=type)

# The suggestions, as sentences. "{evolve}" becomes the attrs.evolve call for the attribute.
EVOLVE = "{evolve}"
NEW_MODEL = (
    "{evolve} To train a model, mgfunc.nn.apply_gradients(model, grads, learning_rate) (or an "
    "optimizer's update) returns a new one."
)
NEW_VALUE = (
    "Build a new Value(...) instead; new parameters come from "
    "mgfunc.nn.apply_gradients(model, grads, learning_rate) or an optimizer's update."
)
GRADIENTS_ARE_NOT_ON_NODES = (
    "mgfunc never stores gradients on nodes: grads = mgfunc.backward(loss) returns them in a "
    "new table (read grads[x]), so there is nothing to set or zero."
)
NEW_GRADIENTS = (
    "Each mgfunc.backward(output) returns a new table: call it again instead of changing this one."
)


def immutable(instead: str = EVOLVE, **attribute_hints: str) -> Callable[[_Class], _Class]:
    """Make an attrs frozen class refuse changes with a message that says what to do instead.

    Put it above ``@attrs.frozen``. The error raised is still attrs'
    ``FrozenInstanceError`` (an ``AttributeError``), so ``except`` clauses keep working.

    Args:
        instead: the suggestion, one or more sentences; ``{evolve}`` in it becomes the
            ``attrs.evolve`` call that changes the attribute in a copy.
        **attribute_hints: a suggestion for one attribute name, replacing ``instead`` there.

    Returns:
        A class decorator that installs ``__setattr__`` and ``__delattr__`` and returns the
        class itself.

    Raises:
        TypeError: the decorated class is not an attrs frozen class (put the decorator above
            ``@attrs.frozen``, not below).

    >>> @immutable("Make another one.")
    ... @attrs.frozen
    ... class Pair:
    ...     left: int
    >>> try:
    ...     del Pair(1).left
    ... except AttributeError as error:
    ...     print(error)
    Pair is immutable: .left cannot be deleted. Make another one.
    """

    def install(cls: _Class) -> _Class:
        # attrs.has narrows cls to an attrs type; keeping the check in a variable keeps the
        # decorated class's own type for the return value.
        frozen_by_attrs = attrs.has(cls) and "__setattr__" in cls.__dict__
        if not frozen_by_attrs:
            raise TypeError(
                f"immutable() takes an attrs frozen class, got {cls.__name__}; "
                "put @immutable(...) above @attrs.frozen"
            )

        # The message names the decorated class, also for its internal subclasses (a Value
        # that mgfunc builds is a Value to its users).
        def refuse_set(self: object, name: str, value: object) -> NoReturn:
            raise _frozen_error(cls, name, "set", attribute_hints.get(name, instead))

        def refuse_delete(self: object, name: str) -> NoReturn:
            raise _frozen_error(cls, name, "deleted", attribute_hints.get(name, instead))

        # Assigned with setattr: mypy refuses assignments to methods.
        setattr(cls, "__setattr__", refuse_set)  # noqa: B010
        setattr(cls, "__delattr__", refuse_delete)  # noqa: B010
        return cls

    return install


def no_zero_grad(owner: object) -> AttributeError:
    """The error for ``model.zero_grad()``: it is not needed, and the message says why.

    Args:
        owner: the object whose ``zero_grad`` was looked up.

    Returns:
        The AttributeError to raise.

    >>> print(no_zero_grad(object()))  # doctest: +ELLIPSIS
    object has no zero_grad(): it is not needed in mgfunc. ...
    """
    return AttributeError(
        f"{type(owner).__name__} has no zero_grad(): it is not needed in mgfunc. Gradients "
        "never live on the model: each grads = mgfunc.backward(loss) returns a fresh table, so "
        "there is nothing to zero. Pass that table on: "
        "mgfunc.nn.apply_gradients(model, grads, learning_rate)."
    )


def _refuse_zero_grad(owner: object) -> NoReturn:
    raise no_zero_grad(owner)


NO_ZERO_GRAD = property(
    _refuse_zero_grad,
    doc="Not needed: gradients never live on the model. Always raises AttributeError.",
)
"""The ``zero_grad`` of every model class: looking it up raises :func:`no_zero_grad`'s error."""


def _frozen_error(
    cls: type, name: str, verb: str, hint: str
) -> attrs.exceptions.FrozenInstanceError:
    fields = {field.name: field for field in attrs.fields(cls)}
    field = fields.get(name)
    sentences = [f"{cls.__name__} is immutable: .{name} cannot be {verb}."]
    if field is None:
        sentences.append(f"{cls.__name__} has no field {name!r} (its fields: {', '.join(fields)}).")
    sentences.append(hint.replace("{evolve}", _evolve_hint(cls, field)))
    message = " ".join(sentences)
    error = attrs.exceptions.FrozenInstanceError()
    # attrs' exception takes no message; give this one its own, as str() and .args show it.
    error.msg = message
    error.args = (message,)
    return error


def _evolve_hint(cls: type, field: attrs.Attribute[object] | None) -> str:
    variable = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", cls.__name__).lower()
    if field is None:
        return f"attrs.evolve({variable}, field=...) returns a changed copy."
    if not field.init:
        return f".{field.name} is computed when a {cls.__name__} is made; build a new one instead."
    return (
        f"attrs.evolve({variable}, {field.alias}=...) returns a changed copy and leaves this "
        "one as it is."
    )


_Instance = TypeVar("_Instance")
_set = object.__setattr__


def trusted(cls: type[_Instance], **fields: object) -> _Instance:
    """An instance of the frozen attrs class ``cls`` from fields its checks would pass.

    Internal, for mgfunc's own hot paths: it fills every field as attrs' ``__init__`` does,
    through ``object.__setattr__``, but without the converters and validators, so the caller
    must pass every field, already in its final form, e.g. a model rebuilt with new numbers in
    the shape of one that passed them.
    """
    instance: _Instance = object.__new__(cls)
    for name, value in fields.items():
        _set(instance, name, value)
    return instance
