"""The max-margin (hinge) loss of the micrograd demo, with L2 regularisation.

    loss_i     = relu(1 - y_i * score_i)
    data_loss  = mean(loss_i)
    reg_loss   = alpha * sum(p * p for every parameter p)
    total_loss = data_loss + reg_loss

The sums are single n-ary nodes, and every float of the forward pass is computed in micrograd's
order, so from the same weights the loss matches micrograd's bit for bit. (Gradients agree to
the last bit or two: they are summed over the samples in a different order.)

>>> from mgfunc.datasets import moons
>>> from mgfunc.nn import MLP
>>> data = moons(20, seed=1)
>>> loss = max_margin(MLP.create(2, [4, 1], seed=1), data.xs, data.ys)
>>> loss.total_loss.data == loss.data_loss.data + loss.reg_loss.data
True
>>> 0.0 <= loss.accuracy <= 1.0
True
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from mgfunc._checks import real_number
from mgfunc._frozen import immutable
from mgfunc.errors import InvalidTypeError, InvalidValueError
from mgfunc.nn import MLP
from mgfunc.value import Value, sum_values

__all__ = ["MaxMarginLoss", "max_margin"]


@immutable()
@attrs.frozen
class MaxMarginLoss:
    """The loss of one forward pass: three Values (graphs to differentiate) and the accuracy.

    The three losses are Values, so ``mgfunc.backward(loss.total_loss)`` differentiates them.
    """

    total_loss: Value
    data_loss: Value
    reg_loss: Value
    accuracy: float


def max_margin(
    model: MLP,
    xs: Sequence[Sequence[float]],
    ys: Sequence[float],
    alpha: float = 1e-4,
) -> MaxMarginLoss:
    """The max-margin loss of a one-output ``model`` on labelled points.

    Args:
        model: an MLP with one output; a positive score predicts 1.0, otherwise -1.0.
        xs: the inputs, one row of ``model.nin`` numbers per point.
        ys: the labels, -1.0 or 1.0, one per row of ``xs``.
        alpha: the L2 regularisation strength (finite, at least 0).

    Returns:
        A :class:`MaxMarginLoss` with ``total_loss``, ``data_loss``, ``reg_loss`` (Values)
        and ``accuracy`` (a float in [0, 1]).

    Raises:
        InvalidTypeError: an argument has the wrong type.
        InvalidValueError: ``xs`` is empty, ``xs`` and ``ys`` differ in length, a row has the
            wrong width, a label is not -1.0 or 1.0, the model has more than one output, or
            ``alpha`` is negative or not finite.
    """
    rows, labels, strength = _check_arguments(model, xs, ys, alpha)
    scores = [model.forward(row)[0] for row in rows]
    losses = [(1.0 - score * label).relu() for score, label in zip(scores, labels)]
    data_loss = sum_values(losses) * (1.0 / len(losses))
    reg_loss = strength * sum_values(p * p for p in model.parameters())
    total_loss = data_loss + reg_loss
    correct = sum((label > 0.0) == (score.data > 0.0) for score, label in zip(scores, labels))
    return MaxMarginLoss(total_loss, data_loss, reg_loss, correct / len(labels))


def _check_arguments(
    model: object, xs: object, ys: object, alpha: object
) -> tuple[list[tuple[float, ...]], list[float], float]:
    if not isinstance(model, MLP):
        raise InvalidTypeError(
            f"model must be an MLP, got {type(model).__name__}; build one with MLP.create"
        )
    if model.nout != 1:
        raise InvalidValueError(
            f"model must have exactly one output (the score), got {model.nout}; "
            "end nouts with 1, e.g. [16, 16, 1]"
        )
    strength = real_number(alpha, "alpha", example="1e-4")
    if strength < 0.0:
        raise InvalidValueError(f"alpha must be at least 0, got {alpha!r}; pass e.g. 1e-4")
    rows = _rows(xs, model.nin)
    labels = _labels(ys)
    if not rows:
        raise InvalidValueError("xs must not be empty; pass at least one point")
    if len(rows) != len(labels):
        raise InvalidValueError(
            f"xs has {len(rows)} rows but ys has {len(labels)} labels; pass one label per row"
        )
    return rows, labels, strength


def _rows(xs: object, width: int) -> list[tuple[float, ...]]:
    if isinstance(xs, (str, bytes)) or not isinstance(xs, Sequence):
        raise InvalidTypeError(f"xs must be a sequence of rows, got {type(xs).__name__}")
    rows = []
    for index, row in enumerate(xs):
        if isinstance(row, (str, bytes)) or not isinstance(row, Sequence):
            raise InvalidTypeError(f"xs[{index}] must be a sequence of numbers, got {row!r}")
        if len(row) != width:
            raise InvalidValueError(
                f"xs[{index}] has {len(row)} numbers but the model takes {width}"
            )
        rows.append(tuple(real_number(x, f"xs[{index}][{j}]") for j, x in enumerate(row)))
    return rows


def _labels(ys: object) -> list[float]:
    if isinstance(ys, (str, bytes)) or not isinstance(ys, Sequence):
        raise InvalidTypeError(f"ys must be a sequence of labels, got {type(ys).__name__}")
    labels = []
    for index, y in enumerate(ys):
        label = real_number(y, f"ys[{index}]", example="1.0")
        if label not in (-1.0, 1.0):
            raise InvalidValueError(f"ys[{index}] must be -1.0 or 1.0, got {y!r}")
        labels.append(label)
    return labels
