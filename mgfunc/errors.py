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

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only for the annotation: the trainer imports this module
    from mgfunc.trainer import TrainingRun

__all__ = [
    "DomainError",
    "GradientCheckError",
    "InvalidTypeError",
    "InvalidValueError",
    "MgfuncError",
    "ModelFileError",
    "TrainingDivergedError",
    "TrainingInterrupted",
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


class GradientCheckError(MgfuncError, AssertionError):
    """:func:`mgfunc.check_grads` found a derivative that disagrees with finite differences.

    The message names the argument, the order, the mode and the two numbers.
    """


class ModelFileError(MgfuncError, ValueError):
    """A saved model or history file is truncated, tampered with or of another format version."""


class TrainingDivergedError(MgfuncError, ArithmeticError):
    """Training produced a non-finite loss or parameter; the run up to the last finite step is
    attached.

    The ``run`` attribute is a :class:`mgfunc.trainer.TrainingRun` that keeps everything
    computed before the divergence: its ``history`` holds every row up to the last step whose
    loss was finite, its ``final_model`` is the model that last row describes (all parameters
    finite), and its ``final_loss`` and ``final_accuracy`` are that row's.
    """

    run: TrainingRun

    def __init__(self, message: str, run: TrainingRun) -> None:
        super().__init__(message)
        self.run = run


class TrainingInterrupted(KeyboardInterrupt):
    """Training was interrupted (Ctrl-C); the run up to the last completed step is attached.

    It is a ``KeyboardInterrupt``, so a program that does not catch it still stops as Ctrl-C
    stops it, and ``except Exception`` does not swallow it. The ``run`` attribute is a
    :class:`mgfunc.trainer.TrainingRun` of every step completed before the interrupt, with its
    optimizer state: :func:`mgfunc.trainer.resume` continues it.
    """

    run: TrainingRun

    def __init__(self, message: str, run: TrainingRun) -> None:
        super().__init__(message)
        self.run = run
