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

from collections.abc import Sequence
from typing import Protocol

__all__ = [
    "DomainError",
    "GradientCheckError",
    "InvalidTypeError",
    "InvalidValueError",
    "LearningRateError",
    "MgfuncError",
    "ModelFileError",
    "RowSoFar",
    "RunSoFar",
    "TrainingDivergedError",
    "TrainingInterrupted",
]


class RowSoFar(Protocol):
    """A history row as :class:`RunSoFar` describes it (a :class:`mgfunc.trainer.HistoryRow`)."""

    @property
    def step(self) -> int:
        """The 0-based step the row describes the start of."""

    @property
    def loss(self) -> float:
        """The total loss at that step."""

    @property
    def accuracy(self) -> float:
        """The accuracy at that step."""

    @property
    def learning_rate(self) -> float:
        """The learning rate the step used."""


class RunSoFar(Protocol):
    """What an error that stops training carries: the run up to where it stopped.

    This module is the bottom of the house (every other module imports it), so it names no
    type of the trainer's. ``mgfunc.trainer`` raises subclasses of the errors below whose
    ``run`` is precisely a :class:`mgfunc.trainer.TrainingRun` (the top-level
    ``mgfunc.TrainingDivergedError`` and friends are those subclasses), so
    ``error.run.final_model`` is an ``MLP`` to a type checker; caught through the classes of
    this module, ``error.run`` is this protocol.
    """

    @property
    def final_model(self) -> object:
        """The model the run ended with."""

    @property
    def history(self) -> Sequence[RowSoFar]:
        """The history rows, one per logged step."""

    @property
    def final_loss(self) -> float:
        """The total loss of ``final_model`` on the training data."""

    @property
    def final_accuracy(self) -> float:
        """The accuracy of ``final_model`` on the training data."""

    @property
    def steps(self) -> int:
        """How many steps ``final_model`` has been trained for."""


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


class LearningRateError(InvalidValueError):
    """A learning rate, constant or from a schedule, is zero, negative, NaN, infinite or not a
    number.

    The message names the step and the value. Raised by :func:`mgfunc.optim.sgd`, ``adam`` and
    ``adamw`` for a constant rate (at construction) and by their ``update`` for a schedule's
    rate; ``run`` is None then. Raised by :func:`mgfunc.trainer.train` and ``resume``, ``run``
    holds every step completed before the bad rate, as ``TrainingDivergedError.run`` does.
    """

    def __init__(self, message: str, run: RunSoFar | None = None) -> None:
        super().__init__(message)
        self._run = run

    @property
    def run(self) -> RunSoFar | None:
        """The run so far when ``train`` or ``resume`` raised this error, else None."""
        return self._run


class TrainingDivergedError(MgfuncError, ArithmeticError):
    """Training produced a non-finite loss, gradient or parameter; the run up to the last
    finite step is attached.

    The ``run`` attribute is a :class:`mgfunc.trainer.TrainingRun` that keeps everything
    computed before the divergence: its ``history`` holds every row up to the last step whose
    loss was finite, its ``final_model`` is the model that last row describes (all parameters
    finite), and its ``final_loss`` and ``final_accuracy`` are that row's.
    """

    def __init__(self, message: str, run: RunSoFar) -> None:
        super().__init__(message)
        self._run = run

    @property
    def run(self) -> RunSoFar:
        """The run up to the last step with a finite loss."""
        return self._run


class TrainingInterrupted(KeyboardInterrupt):
    """Training was interrupted (Ctrl-C); the run up to the last completed step is attached.

    It is a ``KeyboardInterrupt``, so a program that does not catch it still stops as Ctrl-C
    stops it, and ``except Exception`` does not swallow it. The ``run`` attribute is a
    :class:`mgfunc.trainer.TrainingRun` of every step completed before the interrupt, with its
    optimizer state: :func:`mgfunc.trainer.resume` continues it.
    """

    def __init__(self, message: str, run: RunSoFar) -> None:
        super().__init__(message)
        self._run = run

    @property
    def run(self) -> RunSoFar:
        """The run of every step completed before the interrupt."""
        return self._run
