"""Losses as one family: each builds a graph and returns the same frozen :class:`Loss` record.

Every loss is the mean of a per-point loss plus an L2 term on the parameters::

    data_loss  = mean(loss_i)
    reg_loss   = alpha * sum(p * p for every parameter p)
    total_loss = data_loss + reg_loss

and differs only in ``loss_i`` and in what counts as a correct prediction:

- :func:`max_margin` (micrograd's demo): ``relu(1 - y_i * score_i)``, labels -1.0 / 1.0;
- :func:`logistic`: ``log(1 + exp(-y_i * score_i))``, labels -1.0 / 1.0;
- :func:`cross_entropy`: ``logsumexp(logits_i) - logits_i[label_i]``, class-index labels and a
  model with one output per class;
- :func:`mse`: ``(score_i - target_i) ** 2``, any real targets.

The sums are single n-ary nodes, and max_margin computes every float in micrograd's order, so
from the same weights its loss matches micrograd's bit for bit.

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

from collections.abc import Callable

import attrs

from mgfunc._checks import (
    Numbers,
    Rows,
    as_sequence,
    describe,
    real_number,
    rows_of_numbers,
    type_name,
)
from mgfunc._frozen import immutable, trusted
from mgfunc.datasets import Dataset
from mgfunc.errors import InvalidTypeError, InvalidValueError
from mgfunc.nn import MLP, forward_rows
from mgfunc.value import Value, _logsumexp_node, logsumexp, sum_of_squares, sum_values

__all__ = [
    "LOSSES",
    "Loss",
    "LossFunction",
    "MaxMarginLoss",
    "accuracy",
    "cross_entropy",
    "logistic",
    "max_margin",
    "mse",
]


def _check_graph(_instance: object, attribute: attrs.Attribute[Value], value: object) -> None:
    if not isinstance(value, Value):
        raise InvalidTypeError(
            f"{attribute.name} must be a Value (the loss as a graph, for backward), got "
            f"{describe(value)}; compute it from the model's outputs, e.g. "
            "sum_values(losses) * (1.0 / len(losses))"
        )


def _check_accuracy(_instance: object, attribute: attrs.Attribute[float], value: object) -> None:
    number = real_number(value, attribute.name, example="0.75")
    if not 0.0 <= number <= 1.0:
        raise InvalidValueError(
            f"accuracy must be from 0 to 1 (the share of points predicted right), got "
            f"{value!r}; pass for example correct / len(xs)"
        )


@immutable()
@attrs.frozen
class Loss:
    """The loss of one forward pass: three Values (graphs to differentiate) and the accuracy.

    The three losses are Values, so ``mgfunc.backward(loss.total_loss)`` differentiates them.
    Every loss function of this module returns this record; a loss of your own builds one too,
    and its fields are checked (three Values, an accuracy from 0 to 1).
    """

    total_loss: Value = attrs.field(validator=_check_graph)
    data_loss: Value = attrs.field(validator=_check_graph)
    reg_loss: Value = attrs.field(validator=_check_graph)
    accuracy: float = attrs.field(validator=_check_accuracy)


MaxMarginLoss = Loss
"""The record's earlier name, from when max_margin was the only loss."""

LossFunction = Callable[[MLP, Rows, Numbers, float], Loss]
"""The shape every loss has: ``loss(model, xs, targets, alpha) -> Loss``."""


def max_margin(
    model: MLP,
    xs: Rows,
    ys: Numbers,
    alpha: float = 1e-4,
) -> Loss:
    """The max-margin (hinge) loss of a one-output ``model``: ``relu(1 - y * score)`` per point.

    Args:
        model: an MLP with one output; a positive score predicts 1.0, otherwise -1.0.
        xs: the inputs, one row of ``model.nin`` numbers per point (lists, tuples or a 2-d
            numpy array).
        ys: the labels, -1.0 or 1.0, one per row of ``xs``.
        alpha: the L2 regularisation strength (finite, at least 0).

    Returns:
        A :class:`Loss` with ``total_loss``, ``data_loss``, ``reg_loss`` (Values) and
        ``accuracy`` (a float in [0, 1]).

    Raises:
        InvalidTypeError: an argument has the wrong type.
        InvalidValueError: ``xs`` is empty, ``xs`` and ``ys`` differ in length, a row has the
            wrong width, a label is not -1.0 or 1.0, the model has more than one output, or
            ``alpha`` is negative or not finite.
    """
    rows, labels, strength = _prepare(model, xs, ys, alpha, "ys", _one_output, _sign)
    scores = [outputs[0] for outputs in forward_rows(model, rows)]
    # The margin 1 - y * score is 1 - score for y = 1 and 1 + score for y = -1: the same floats
    # and gradients as the product with the label (multiplying by 1 or -1 is exact), two nodes
    # fewer per point. One constant leaf holds the 1.0 of every point.
    one = Value(1.0)
    losses = [
        (one - score if label > 0.0 else one + score).relu() for score, label in zip(scores, labels)
    ]
    return _record(model, losses, strength, _sign_agreement(scores, labels))


def logistic(
    model: MLP,
    xs: Rows,
    ys: Numbers,
    alpha: float = 0.0,
) -> Loss:
    """The binary cross-entropy of a one-output ``model``'s score with -1.0 / 1.0 labels.

    ``loss_i = log(1 + exp(-y_i * score_i))``, computed as ``logsumexp([0, -y_i * score_i])``
    so that large scores neither overflow nor lose the gradient. The score is a logit: the
    model's probability of class 1 is ``sigmoid(score)``; a positive score predicts 1.0.

    Args:
        model: an MLP with one output.
        xs: the inputs, one row of ``model.nin`` numbers per point.
        ys: the labels, -1.0 or 1.0, one per row.
        alpha: the L2 regularisation strength (finite, at least 0).

    Returns:
        A :class:`Loss`.

    Raises:
        InvalidTypeError, InvalidValueError: as :func:`max_margin`.

    >>> from mgfunc.nn import MLP
    >>> model = MLP.create(1, [1], seed=0)
    >>> round(logistic(model, [[0.0]], [1.0]).data_loss.data, 6)  # log 2: a score of 0
    0.693147
    """
    rows, labels, strength = _prepare(model, xs, ys, alpha, "ys", _one_output, _sign)
    scores = [outputs[0] for outputs in forward_rows(model, rows)]
    losses = [logsumexp((0.0, score * -label)) for score, label in zip(scores, labels)]
    return _record(model, losses, strength, _sign_agreement(scores, labels))


def cross_entropy(
    model: MLP,
    xs: Rows,
    labels: Numbers,
    alpha: float = 0.0,
) -> Loss:
    """Softmax cross-entropy of a K-output ``model`` with class-index labels.

    The model's outputs are logits, one per class; ``loss_i = logsumexp(logits_i) -
    logits_i[label_i]``, the negative log of the softmax probability of the right class. The
    :func:`mgfunc.logsumexp` node subtracts the largest logit first, so logits of 1000 give
    finite losses and gradients. A point counts as correct when its largest logit (the first,
    on a tie) is the right class.

    Args:
        model: an MLP with K >= 2 outputs, one per class.
        xs: the inputs, one row of ``model.nin`` numbers per point.
        labels: class indices 0 .. K-1, one per row (ints, or floats that are whole numbers).
        alpha: the L2 regularisation strength (finite, at least 0).

    Returns:
        A :class:`Loss`.

    Raises:
        InvalidTypeError: an argument has the wrong type.
        InvalidValueError: a one-output model, a label outside 0 .. K-1, and the checks of
            :func:`max_margin` on ``xs`` and ``alpha``.

    >>> from mgfunc.nn import MLP
    >>> model = MLP.create(2, [3], seed=0)
    >>> loss = cross_entropy(model, [[0.0, 0.0]], [2])  # all logits 0: log 3
    >>> round(loss.data_loss.data, 6)
    1.098612
    """
    rows, classes, strength = _prepare(
        model, xs, labels, alpha, "labels", _one_output_per_class, _class_index
    )
    losses = []
    correct = 0
    for logits, label in zip(forward_rows(model, rows), classes):
        target = int(label)
        losses.append(_logsumexp_node(logits) - logits[target])  # logits are Values
        data = [logit.data for logit in logits]
        correct += data.index(max(data)) == target
    return _record(model, losses, strength, correct)


def mse(
    model: MLP,
    xs: Rows,
    targets: Numbers,
    alpha: float = 0.0,
) -> Loss:
    """The mean squared error of a one-output ``model``: ``(score_i - target_i) ** 2``.

    For regression. ``accuracy`` is the share of points whose score has the target's sign
    (score > 0 exactly where target > 0), which is the classification accuracy when the targets
    are -1.0 / 1.0 labels.

    Args:
        model: an MLP with one output.
        xs: the inputs, one row of ``model.nin`` numbers per point.
        targets: finite real numbers, one per row.
        alpha: the L2 regularisation strength (finite, at least 0).

    Returns:
        A :class:`Loss`.

    Raises:
        InvalidTypeError: an argument has the wrong type.
        InvalidValueError: a model with more than one output, a NaN or infinite target, and
            the checks of :func:`max_margin` on ``xs`` and ``alpha``.

    >>> from mgfunc.nn import MLP
    >>> model = MLP.create(1, [1], seed=0)  # weight w, bias 0: the score is w * x
    >>> w = model.layers[0].neurons[0].weights[0].data
    >>> mse(model, [[1.0]], [0.5]).data_loss.data == (w - 0.5) ** 2
    True
    """
    rows, values, strength = _prepare(model, xs, targets, alpha, "targets", _one_output, _target)
    scores = [outputs[0] for outputs in forward_rows(model, rows)]
    losses = [(score - target) ** 2 for score, target in zip(scores, values)]
    return _record(model, losses, strength, _sign_agreement(scores, values))


def accuracy(model: MLP, dataset: Dataset) -> float:
    """The share of ``dataset``'s points whose class ``model`` predicts: a float in [0, 1].

    The prediction is :meth:`mgfunc.nn.MLP.predict`'s: for one output, a positive score is
    class 1; for K outputs, the largest. So it equals the ``accuracy`` the losses report (and a
    training run's history, whose last ``accuracy`` is ``run.final_accuracy``), without
    building a graph.

    Args:
        model: an MLP of ``dataset``'s width (2 inputs), with one output for two classes or
            one output per class.
        dataset: the labelled points (at least one).

    Returns:
        The fraction of points predicted right.

    Raises:
        InvalidTypeError: ``model`` is not an MLP or ``dataset`` not a Dataset.
        InvalidValueError: the dataset is empty, the model takes another number of inputs or
            has too few outputs for the dataset's classes, or an output is not finite.

    >>> from mgfunc.datasets import moons
    >>> from mgfunc.nn import MLP
    >>> data, model = moons(20, seed=1), MLP.create(2, [4, 1], seed=1)
    >>> accuracy(model, data) == max_margin(model, data.xs, data.ys).accuracy
    True
    """
    if not isinstance(model, MLP):
        raise InvalidTypeError(
            f"model must be an MLP, got {type_name(model)}; build one with MLP.create"
        )
    if not isinstance(dataset, Dataset):
        raise InvalidTypeError(
            f"dataset must be a Dataset, got {type_name(dataset)}; make one with "
            "mgfunc.datasets.from_arrays(xs, labels)"
        )
    if not dataset.points:
        raise InvalidValueError("dataset has no points; pass a dataset with at least one")
    if model.nin != 2:
        raise InvalidValueError(
            f"model takes {model.nin} inputs but dataset's points have 2 coordinates; pass a "
            "model made with MLP.create(2, ...)"
        )
    if model.nout == 1 and dataset.classes > 2:
        raise InvalidValueError(
            f"dataset has {dataset.classes} classes, but the model has one output (a score "
            f"for two classes); pass a model with one output per class, e.g. "
            f"MLP.create(2, [16, {dataset.classes}])"
        )
    if 1 < model.nout < dataset.classes:
        raise InvalidValueError(
            f"dataset has {dataset.classes} classes, but the model has {model.nout} outputs; "
            f"pass a model with one output per class, e.g. MLP.create(2, [16, {dataset.classes}])"
        )
    predicted = model.predict(dataset.xs)
    correct = sum(guess == label for guess, label in zip(predicted, dataset.labels))
    return correct / len(predicted)


LOSSES: dict[str, LossFunction] = {
    "max_margin": max_margin,
    "logistic": logistic,
    "cross_entropy": cross_entropy,
    "mse": mse,
}
"""The built-in losses by name (the names the command line and run files use)."""


# The parts every loss shares: the record and the L2 term, the argument checks.


def _record(model: MLP, losses: list[Value], strength: float, correct: int) -> Loss:
    """The mean of the per-point losses plus the L2 term, as one record."""
    data_loss = sum_values(losses) * (1.0 / len(losses))
    # One node for sum(p * p) (see mgfunc.value.sum_of_squares), scaled by alpha.
    reg_loss = strength * sum_of_squares(model.parameters())
    # Built without the record's checks: every field is of the right kind by construction.
    return trusted(
        Loss,
        total_loss=data_loss + reg_loss,
        data_loss=data_loss,
        reg_loss=reg_loss,
        accuracy=correct / len(losses),
    )


def _sign_agreement(scores: list[Value], targets: list[float]) -> int:
    """How many scores have the target's sign (a positive score predicts a positive target)."""
    return sum((target > 0.0) == (score.data > 0.0) for score, target in zip(scores, targets))


_TargetCheck = Callable[[object, str, int], float]
_ModelCheck = Callable[[MLP], None]


def _prepare(
    model: object,
    xs: object,
    targets: object,
    alpha: object,
    targets_name: str,
    check_model: _ModelCheck,
    check_target: _TargetCheck,
) -> tuple[list[tuple[float, ...]], list[float], float]:
    """Every check of a loss's arguments, before any node is built."""
    if not isinstance(model, MLP):
        raise InvalidTypeError(
            f"model must be an MLP, got {type_name(model)}; build one with MLP.create"
        )
    check_model(model)
    strength = real_number(alpha, "alpha", example="1e-4")
    if strength < 0.0:
        raise InvalidValueError(f"alpha must be at least 0, got {alpha!r}; pass e.g. 1e-4")
    rows = rows_of_numbers(xs, "xs", width=model.nin)
    items = as_sequence(targets, targets_name, what="labels")
    values = [
        check_target(item, f"{targets_name}[{i}]", model.nout) for i, item in enumerate(items)
    ]
    if not rows:
        raise InvalidValueError("xs must not be empty; pass at least one point")
    if len(rows) != len(values):
        raise InvalidValueError(
            f"xs has {len(rows)} rows but {targets_name} has {len(values)} labels; pass one "
            "label per row"
        )
    return rows, values, strength


def _one_output(model: MLP) -> None:
    if model.nout != 1:
        raise InvalidValueError(
            f"model must have exactly one output (the score), got {model.nout}; end nouts "
            "with 1, e.g. [16, 16, 1] (for one output per class, use "
            "mgfunc.losses.cross_entropy)"
        )


def _one_output_per_class(model: MLP) -> None:
    if model.nout < 2:
        raise InvalidValueError(
            f"cross_entropy needs one output (logit) per class, at least 2, but the model has "
            f"{model.nout}; end nouts with the number of classes, e.g. [8, 3] (for one score, "
            "use mgfunc.losses.max_margin or logistic)"
        )


def _sign(value: object, argument: str, _outputs: int) -> float:
    label = real_number(value, argument, example="1.0")
    if label not in (-1.0, 1.0):
        raise InvalidValueError(
            f"{argument} must be -1.0 or 1.0, got {value!r}; for class indices 0 .. K-1 "
            "use mgfunc.losses.cross_entropy, or dataset.ys for the -1 / 1 form"
        )
    return label


def _class_index(value: object, argument: str, outputs: int) -> float:
    label = real_number(value, argument, example="0")
    if not label.is_integer() or not 0.0 <= label < outputs:
        raise InvalidValueError(
            f"{argument} must be a class index 0 .. {outputs - 1} (the model has {outputs} "
            f"outputs), got {value!r}; pass dataset.labels, or a model with one output per class"
        )
    return label


def _target(value: object, argument: str, _outputs: int) -> float:
    return real_number(value, argument, example="0.5")
