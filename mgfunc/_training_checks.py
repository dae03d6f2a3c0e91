"""The trainer's argument checks: each names the argument and what to pass instead.

They run before any step, so a bad argument never costs a step of training.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence

import attrs

from mgfunc._checks import describe, real_number, type_name, whole_number
from mgfunc._frozen import immutable
from mgfunc.datasets import Dataset
from mgfunc.errors import InvalidTypeError, InvalidValueError
from mgfunc.losses import LossFunction, cross_entropy, logistic, max_margin, mse
from mgfunc.nn import MLP
from mgfunc.optim import SGD, Adam, Optimizer, sgd


@immutable()
@attrs.frozen
class Points:
    """A dataset's inputs and the targets the loss takes, checked once."""

    xs: tuple[tuple[float, float], ...]
    targets: tuple[float, ...]


def points(loss: LossFunction, model: MLP, dataset: object, argument: str) -> Points:
    """``dataset``'s inputs, and the targets ``loss`` takes for ``model`` (labels or -1 / 1)."""
    if not isinstance(dataset, Dataset):
        raise InvalidTypeError(
            f"{argument} must be a Dataset, got {type_name(dataset)}; "
            "make one with mgfunc.datasets.moons(100)"
        )
    if loss in _SIGNED_LOSSES:
        if dataset.classes > 2:
            raise InvalidValueError(
                f"the loss takes -1.0 / 1.0 labels (two classes), but {argument} has "
                f"{dataset.classes} classes; train with loss=mgfunc.losses.cross_entropy and a "
                f"model with one output per class, e.g. MLP.create(2, [16, {dataset.classes}])"
            )
        targets: Sequence[float] = dataset.ys
    elif loss is cross_entropy or model.nout > 1 or dataset.classes > 2:
        targets = dataset.labels
    else:
        targets = dataset.ys
    return Points(dataset.xs, tuple(targets))


# The built-in losses that take -1.0 / 1.0 labels (mse takes them as targets).
_SIGNED_LOSSES = (max_margin, logistic, mse)


def check_model(model: object) -> MLP:
    if not isinstance(model, MLP):
        raise InvalidTypeError(f"model must be an MLP, got {type_name(model)}")
    return model


def check_on_step(on_step: object) -> None:
    if on_step is not None and not callable(on_step):
        raise InvalidTypeError(
            f"on_step must be None or a function of a HistoryRow, got {describe(on_step)}; "
            "pass for example print"
        )


def check_optimizer(optimizer: object, learning_rate: object, default_rate: object) -> Optimizer:
    """The optimizer to train with: ``optimizer``, or ``sgd(learning_rate)`` without one."""
    if optimizer is None:
        if callable(learning_rate):
            _check_schedule(learning_rate)
        return sgd(learning_rate)  # type: ignore[arg-type]  # checked by sgd
    if not isinstance(optimizer, (SGD, Adam)):
        raise InvalidTypeError(
            f"optimizer must be one of mgfunc.optim's (sgd, adam, adamw) or None, got "
            f"{describe(optimizer)}; pass for example mgfunc.optim.adamw(0.1)"
        )
    if learning_rate is not default_rate:
        raise InvalidValueError(
            "pass either optimizer= or learning_rate=, not both: the optimizer carries its "
            "own learning rate; write e.g. optimizer=mgfunc.optim.adamw(learning_rate=0.1)"
        )
    return optimizer


def _check_schedule(schedule: Callable[..., object]) -> None:
    try:
        signature = inspect.signature(schedule)
    except (TypeError, ValueError):  # some builtins do not say; calling them will tell
        return
    try:
        signature.bind(0)
    except TypeError:
        raise InvalidTypeError(
            f"learning_rate must be a float or a function of the 0-based step, got a function "
            f"taking {signature}; pass for example 0.05 or lambda step: 1.0 - 0.009 * step"
        ) from None


def check_loss(loss: object) -> LossFunction:
    if not callable(loss):
        raise InvalidTypeError(
            f"loss must be a loss function such as mgfunc.losses.cross_entropy, got "
            f"{describe(loss)}"
        )
    return loss  # its shape is checked when it is first called, before any step


def check_alpha(alpha: object) -> float:
    strength = real_number(alpha, "alpha", example="1e-4")
    if strength < 0.0:
        raise InvalidValueError(f"alpha must be at least 0, got {alpha!r}; pass e.g. 1e-4")
    return strength


def check_batch_size(batch_size: object, dataset: object) -> int | None:
    if batch_size is None:
        return None
    size = whole_number(batch_size, "batch_size", least=1, example="32")
    if isinstance(dataset, Dataset) and size > len(dataset):
        raise InvalidValueError(
            f"batch_size must be at most the dataset's {len(dataset)} points, got {size}; "
            "pass a smaller batch_size, or None to train on every point each step"
        )
    return size


def check_snapshot_every(snapshot_every: object) -> int | None:
    if snapshot_every is None:
        return None
    return whole_number(
        snapshot_every, "snapshot_every (or None for no snapshots)", least=1, example="10"
    )
