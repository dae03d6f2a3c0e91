"""The exceptions mgfunc raises.

Every error mgfunc raises on purpose is an :class:`MgfuncError`. Each subclass also inherits the
built-in exception a Python user would expect, so ``except ValueError`` keeps working.

>>> from mgfunc import Value
>>> from mgfunc.errors import MgfuncError
>>> try:
...     Value("3")
... except MgfuncError as error:
...     print(type(error).__name__)
InvalidTypeError
"""

from __future__ import annotations

__all__ = [
    "DomainError",
    "InvalidTypeError",
    "InvalidValueError",
    "MgfuncError",
    "ModelFileError",
    "TrainingDivergedError",
]


class MgfuncError(Exception):
    """Base class of every error mgfunc raises on purpose."""


class InvalidValueError(MgfuncError, ValueError):
    """An argument has the right type but a value that is not accepted."""


class DomainError(InvalidValueError):
    """An operation is undefined at its input: log of a non-positive number, division by zero,
    or a power with no real value or no finite derivative there."""


class InvalidTypeError(MgfuncError, TypeError):
    """An argument has a type that is not accepted."""


class ModelFileError(MgfuncError, ValueError):
    """A saved model or history file is truncated, tampered with or of another format version."""


class TrainingDivergedError(MgfuncError, ArithmeticError):
    """Training produced a non-finite loss; the run up to the last finite step is attached.

    The ``run`` attribute holds the :class:`mgfunc.trainer.TrainingRun` of every step that
    finished with a finite loss, so nothing already computed is lost.
    """

    def __init__(self, message: str, run: object) -> None:
        super().__init__(message)
        self.run = run
