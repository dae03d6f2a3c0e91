"""Rows to plot: the dataset, the training history and the decision boundary, as frozen records.

Everything here is plain data (no matplotlib), so the rows feed any plotting library, or
``pandas.DataFrame(as_dicts(rows))``. :mod:`mgfunc.plots` draws them with matplotlib.

>>> from mgfunc.datasets import moons
>>> from mgfunc.nn import MLP
>>> from mgfunc.trainer import train
>>> data = moons(10, seed=0)
>>> run = train(MLP.create(2, [4, 1], seed=0), data, steps=2, learning_rate=0.1)
>>> [(row.step, row.metric) for row in loss_history(run)][:3]
[(0, 'total'), (0, 'data'), (0, 'regularization')]
>>> len(decision_boundary(run.final_model, data, h=0.5)) > 0
True
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

import attrs

from mgfunc._checks import describe, real_number, type_name
from mgfunc._frozen import immutable
from mgfunc.datasets import Dataset
from mgfunc.errors import InvalidTypeError, InvalidValueError
from mgfunc.nn import MLP
from mgfunc.trainer import HistoryRow, TrainingRun

__all__ = [
    "CLASS_COLORS",
    "MAX_GRID_POINTS",
    "BoundaryRow",
    "HistoryRow",
    "MetricRow",
    "NeuronGrid",
    "PointRow",
    "accuracy_history",
    "as_dicts",
    "dataset_points",
    "decision_boundary",
    "grid_axes",
    "loss_history",
    "neuron_grid",
    "training_history",
]

# One colour per class index, the same in every picture (mgfunc.plots and mgfunc.vega): the
# two-class demo's red and blue first, then colour-blind-safe hues (cycled past ten).
CLASS_COLORS = (
    "#d6604d",
    "#4393c3",
    "#5aae61",
    "#fdb863",
    "#8073ac",
    "#e08214",
    "#35978f",
    "#c51b7d",
    "#878787",
    "#bf812d",
)
"""The colour of class ``k`` is ``CLASS_COLORS[k % 10]``."""

MAX_GRID_POINTS = 1_000_000
"""The most grid points :func:`decision_boundary` computes before refusing (pick a larger h)."""

RowValue = int | float | str | None


@immutable()
@attrs.frozen
class PointRow:
    """One training point: coordinates ``x``, ``y`` and its class index ``label`` (0, 1, ...)."""

    x: float
    y: float
    label: int

    def to_dict(self) -> dict[str, float | int]:
        """The row as a plain dict, e.g. for ``pandas.DataFrame``."""
        return attrs.asdict(self)


@immutable()
@attrs.frozen
class MetricRow:
    """One measurement in long form: ``metric`` had ``value`` at the start of ``step``."""

    step: int
    metric: str
    value: float

    def to_dict(self) -> dict[str, int | str | float]:
        """The row as a plain dict, e.g. for ``pandas.DataFrame``."""
        return attrs.asdict(self)


@immutable()
@attrs.frozen
class BoundaryRow:
    """One grid point: its coordinates, the model's ``score`` there and the ``predicted`` class.

    For a one-output model, ``score`` is its output and ``predicted`` is 1.0 where
    ``score > 0`` and -1.0 otherwise, the max-margin loss's rule. For a model with one output
    per class, ``predicted`` is the index of the largest output (the first on a tie, as
    :func:`mgfunc.losses.cross_entropy` counts it), as a float, and ``score`` is that output.
    """

    x: float
    y: float
    score: float
    predicted: float

    def to_dict(self) -> dict[str, float]:
        """The row as a plain dict, e.g. for ``pandas.DataFrame``."""
        return attrs.asdict(self)


@immutable()
@attrs.frozen
class NeuronGrid:
    """Every neuron's output at every point of a grid over the plane, layer by layer.

    ``xs`` and ``ys`` are the grid's axes (those of :func:`decision_boundary`);
    ``layers[l][n][j * len(xs) + i]`` is the output of neuron ``n`` of layer ``l`` at
    ``(xs[i], ys[j])``, its activation applied. The last layer is the model's output.
    """

    xs: tuple[float, ...]
    ys: tuple[float, ...]
    layers: tuple[tuple[tuple[float, ...], ...], ...]

    @property
    def outputs(self) -> tuple[tuple[float, ...], ...]:
        """The model's outputs, one tuple per output in grid order: ``layers[-1]``."""
        return self.layers[-1]

    def predicted(self) -> tuple[float, ...]:
        """The predicted class at each grid point, in grid order, by :class:`BoundaryRow`'s
        rule: a one-output model's -1.0 or 1.0, else the index of the largest output."""
        return tuple(_predicted(point) for point in zip(*self.outputs))


class SupportsToDict(Protocol):
    """Anything with a ``to_dict()``: every row of this module and of :mod:`mgfunc.graph`."""

    def to_dict(self) -> Mapping[str, RowValue]:
        """The row as a mapping from field name to value."""
        ...


def as_dicts(rows: Iterable[SupportsToDict]) -> list[dict[str, RowValue]]:
    """Rows as a list of plain dicts, the shape ``pandas.DataFrame`` and JSON writers take.

    Args:
        rows: any rows with a ``to_dict()`` method (this module's, :mod:`mgfunc.graph`'s).

    Returns:
        A new list with one new dict per row.

    >>> as_dicts([PointRow(0.5, -1.0, 1.0)])
    [{'x': 0.5, 'y': -1.0, 'label': 1.0}]

    Raises:
        InvalidTypeError: ``rows`` is not an iterable of rows, or a row has no ``to_dict()``.
    """
    given: object = rows  # checked as a user may pass anything
    if isinstance(given, (str, bytes)) or not isinstance(given, Iterable):
        raise InvalidTypeError(
            f"rows must be an iterable of rows with a to_dict() method, got {describe(given)}; "
            "pass for example dataset_points(data)"
        )
    dicts = []
    for index, row in enumerate(given):
        to_dict = getattr(row, "to_dict", None)
        if not callable(to_dict):
            raise InvalidTypeError(
                f"rows[{index}] has no to_dict() method, got {describe(row)}; pass rows of "
                "mgfunc.plot_data or mgfunc.graph, for example dataset_points(data)"
            )
        dicts.append(dict(to_dict()))
    return dicts


def dataset_points(dataset: Dataset) -> tuple[PointRow, ...]:
    """One row per point of ``dataset``: ``x``, ``y``, ``label``.

    Args:
        dataset: a :class:`mgfunc.datasets.Dataset`.

    Returns:
        A tuple of frozen :class:`PointRow`, in the dataset's order.

    Raises:
        InvalidTypeError: ``dataset`` is not a Dataset.

    >>> from mgfunc.datasets import blobs
    >>> dataset_points(blobs(4, noise=0.0))[0].label in (0, 1)
    True
    """
    _check_dataset(dataset)
    return tuple(PointRow(x=point.x, y=point.y, label=point.label) for point in dataset.points)


def training_history(run: TrainingRun) -> tuple[HistoryRow, ...]:
    """The run's history: one row per logged step (``step, loss, data_loss, reg_loss,
    accuracy, learning_rate``), each describing the model at the start of that step.

    Args:
        run: the result of :func:`mgfunc.trainer.train`.

    Returns:
        The run's tuple of frozen :class:`mgfunc.trainer.HistoryRow` (accuracy in [0, 1]).

    Raises:
        InvalidTypeError: ``run`` is not a TrainingRun.
    """
    _check_run(run)
    return run.history


def loss_history(run: TrainingRun) -> tuple[MetricRow, ...]:
    """The losses in long form: metrics ``"total"``, ``"data"`` and ``"regularization"`` per
    history row, and ``"validation"`` (the total loss on the validation set) when the run had
    one.

    Args:
        run: the result of :func:`mgfunc.trainer.train`.

    Returns:
        A tuple of frozen :class:`MetricRow`, step by step, in that metric order.

    Raises:
        InvalidTypeError: ``run`` is not a TrainingRun.
    """
    _check_run(run)
    return tuple(
        MetricRow(step=row.step, metric=metric, value=value)
        for row in run.history
        for metric, value in (
            ("total", row.loss),
            ("data", row.data_loss),
            ("regularization", row.reg_loss),
            ("validation", row.val_loss),
        )
        if value is not None
    )


def accuracy_history(run: TrainingRun) -> tuple[MetricRow, ...]:
    """The accuracy in percent (0 to 100): metric ``"accuracy"`` per history row, and
    ``"validation accuracy"`` when the run had a validation set.

    Args:
        run: the result of :func:`mgfunc.trainer.train`.

    Returns:
        A tuple of frozen :class:`MetricRow`.

    Raises:
        InvalidTypeError: ``run`` is not a TrainingRun.
    """
    _check_run(run)
    return tuple(
        MetricRow(step=row.step, metric=metric, value=value * 100.0)
        for row in run.history
        for metric, value in (("accuracy", row.accuracy), ("validation accuracy", row.val_accuracy))
        if value is not None
    )


def decision_boundary(
    model: MLP, dataset: Dataset, h: float = 0.25, padding: float = 1.0
) -> tuple[BoundaryRow, ...]:
    """The model's score and predicted class on a grid covering the dataset, for any classes.

    The grid is the one of ``numpy.meshgrid(numpy.arange(x_min, x_max, h),
    numpy.arange(y_min, y_max, h))``, where ``x_min`` is the smallest x of the data minus
    ``padding`` and ``x_max`` the largest plus ``padding`` (likewise for y): the values
    ``x_min + i * h`` for ``i`` in ``range(ceil((x_max - x_min) / h))``. Rows run along x
    first, then up in y. Scores come from :meth:`mgfunc.nn.MLP.evaluate_many`, float inference
    that builds no graph and gives exactly ``model(point).data`` for every point.

    Args:
        model: an MLP taking 2 inputs: one output (a score), or one output per class.
        dataset: the points whose bounding box, plus ``padding``, the grid covers.
        h: the grid step (finite, positive).
        padding: how far the grid extends beyond the data on every side (finite, at least 0).

    Returns:
        A tuple of frozen :class:`BoundaryRow`.

    Raises:
        InvalidTypeError: an argument has the wrong type.
        InvalidValueError: a bad model shape, an empty dataset, ``h`` not positive, ``padding``
            negative, a grid of no points, or more than :data:`MAX_GRID_POINTS` of them.

    >>> from mgfunc.datasets import blobs
    >>> rows = decision_boundary(MLP.create(2, [1], seed=0), blobs(2, noise=0.0), h=1.0)
    >>> len(rows), rows[0].x, rows[0].y
    (12, -2.0, -1.5)
    """
    xs, ys = grid_axes(model, dataset, h, padding)
    rows = []
    for y in ys:  # a line of the grid at a time: fast, and little memory beyond the rows
        line = [(x, y) for x in xs]
        for (x, _), outputs in zip(line, model.evaluate_many(line)):
            rows.append(_boundary_row(x, y, outputs))
    return tuple(rows)


def neuron_grid(model: MLP, dataset: Dataset, h: float = 0.25, padding: float = 1.0) -> NeuronGrid:
    """Every neuron's output on the grid of :func:`decision_boundary`, hidden layers included.

    What a learner sees in a neuron map: each neuron as a function of the input point. The
    numbers come from :meth:`mgfunc.nn.MLP.evaluate_many` run one layer at a time, so each is
    exactly what ``model.forward`` computes for that neuron at that point.

    Args:
        model: an MLP taking 2 inputs.
        dataset: the points whose bounding box, plus ``padding``, the grid covers.
        h: the grid step (finite, positive).
        padding: how far the grid extends beyond the data on every side (finite, at least 0).

    Returns:
        A frozen :class:`NeuronGrid`.

    Raises:
        InvalidTypeError: an argument has the wrong type.
        InvalidValueError: as :func:`decision_boundary`.

    >>> from mgfunc.datasets import blobs
    >>> model = MLP.create(2, [3, 1], seed=0)
    >>> grid = neuron_grid(model, blobs(2, noise=0.0), h=1.0)
    >>> [len(layer) for layer in grid.layers], len(grid.layers[0][0]) == len(grid.xs) * len(grid.ys)
    ([3, 1], True)
    >>> grid.layers[0][2][5] == model.layers[0].neurons[2].evaluate((grid.xs[1], grid.ys[1]))
    True
    """
    xs, ys = grid_axes(model, dataset, h, padding)
    inputs: tuple[tuple[float, ...], ...] = tuple((x, y) for y in ys for x in xs)
    layers = []
    for layer in model.layers:
        inputs = MLP(layers=(layer,)).evaluate_many(inputs)
        layers.append(tuple(zip(*inputs)))
    return NeuronGrid(xs=xs, ys=ys, layers=tuple(layers))


def grid_axes(
    model: MLP, dataset: Dataset, h: float = 0.25, padding: float = 1.0
) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """The x values and the y values of the grid of :func:`decision_boundary`, checked.

    For drawing the grid some other way (e.g. every neuron on it): the same checks and the
    same numbers as :func:`decision_boundary`, without evaluating the model.

    Args:
        model: an MLP taking 2 inputs (checked, not evaluated).
        dataset: the points whose bounding box, plus ``padding``, the grid covers.
        h: the grid step (finite, positive).
        padding: how far the grid extends beyond the data on every side (finite, at least 0).

    Returns:
        ``(xs, ys)``: tuples of floats, ``x_min + i * h`` and ``y_min + j * h``.

    Raises:
        InvalidTypeError: an argument has the wrong type.
        InvalidValueError: as :func:`decision_boundary`.

    >>> from mgfunc.datasets import blobs
    >>> xs, ys = grid_axes(MLP.create(2, [1], seed=0), blobs(2, noise=0.0), h=1.0)
    >>> len(xs) * len(ys), xs[0], ys[0]
    (12, -2.0, -1.5)
    """
    _check_model(model)
    _check_dataset(dataset)
    if not dataset.points:
        raise InvalidValueError("dataset must hold at least one point to draw a boundary around")
    step = real_number(h, "h", example="0.25")
    if step <= 0.0:
        raise InvalidValueError(f"h is the grid step and must be positive, got {h!r}; try 0.25")
    margin = real_number(padding, "padding", example="1.0")
    if margin < 0.0:
        raise InvalidValueError(f"padding must be at least 0, got {padding!r}; try 1.0")
    x_data = [point.x for point in dataset.points]
    y_data = [point.y for point in dataset.points]
    # A step far wider than the area draws one cell whose edges, h / 2 away, can overflow.
    widest = max(max(x_data) - min(x_data), max(y_data) - min(y_data)) + 2.0 * margin
    if step > 1e3 * max(widest, 1.0):
        raise InvalidValueError(
            f"h={h!r} is far wider than the area the grid covers ({widest:.3g} across); "
            "pass an h smaller than that area, such as 0.25"
        )
    _check_padding_fits(max(x_data) - min(x_data), max(y_data) - min(y_data), step, margin)
    xs = _axis(x_data, step, margin, "x")
    ys = _axis(y_data, step, margin, "y")
    if len(xs) * len(ys) > MAX_GRID_POINTS:
        raise InvalidValueError(
            f"h={h!r} makes a grid of {len(xs)} x {len(ys)} = {len(xs) * len(ys):,} points, "
            f"more than {MAX_GRID_POINTS:,}; pass a larger h such as 0.25"
        )
    return tuple(xs), tuple(ys)


def _predicted(outputs: Sequence[float]) -> float:
    if len(outputs) == 1:
        return 1.0 if outputs[0] > 0.0 else -1.0
    return float(outputs.index(max(outputs)))


def _boundary_row(x: float, y: float, outputs: Sequence[float]) -> BoundaryRow:
    score = outputs[0] if len(outputs) == 1 else max(outputs)
    return BoundaryRow(x=x, y=y, score=score, predicted=_predicted(outputs))


def _grid_fits(x_span: float, y_span: float, step: float, margin: float) -> bool:
    """Whether the grid over spans widened by ``margin`` on each side stays within the limit."""
    along_x = (x_span + 2.0 * margin) / step
    along_y = (y_span + 2.0 * margin) / step
    if not along_x <= MAX_GRID_POINTS or not along_y <= MAX_GRID_POINTS:
        return False  # also NaN and infinity
    return math.ceil(along_x) * math.ceil(along_y) <= MAX_GRID_POINTS


def _check_padding_fits(x_span: float, y_span: float, step: float, margin: float) -> None:
    """Refuse a grid too large because of ``padding``, naming padding and a padding that fits.

    A grid too large even without padding is left to :func:`_axis` and the count check, which
    name ``h``.
    """
    if not (math.isfinite(x_span) and math.isfinite(y_span)) or margin == 0.0:
        return
    if _grid_fits(x_span, y_span, step, margin) or not _grid_fits(x_span, y_span, step, 0.0):
        return
    # The padding m at which (x_span + 2m) (y_span + 2m) = MAX_GRID_POINTS h^2, less one step
    # for the rounding up of each axis, then rounded down to two significant digits.
    area = MAX_GRID_POINTS * step * step
    fit = (math.sqrt((x_span - y_span) ** 2 + 4.0 * area) - x_span - y_span) / 4.0 - step
    fit = _round_down(fit)
    while fit > 0.0 and not _grid_fits(x_span, y_span, step, fit):
        fit = _round_down(fit * 0.9)
    raise InvalidValueError(
        f"padding={margin!r} makes the grid at h={step!r} larger than {MAX_GRID_POINTS:,} "
        f"points (the points alone span {x_span:.4g} x {y_span:.4g}); pass a smaller padding "
        f"such as {fit:g}, or a larger h"
    )


def _round_down(number: float) -> float:
    """``number`` rounded down to two significant digits (0.0 for a number not above 0)."""
    if not number > 0.0:
        return 0.0
    unit = 10.0 ** (math.floor(math.log10(number)) - 1)
    return math.floor(number / unit) * unit


def _axis(coordinates: list[float], step: float, margin: float, name: str) -> list[float]:
    """``numpy.arange(min - margin, max + margin, step)`` in plain floats, size checked first."""
    start = min(coordinates) - margin
    stop = max(coordinates) + margin
    span = stop - start
    if not math.isfinite(span):
        raise InvalidValueError(f"the points' {name} range plus padding is not a finite number")
    steps = span / step  # may overflow to inf for a tiny h: checked before any allocation
    if steps > MAX_GRID_POINTS:
        raise InvalidValueError(
            f"h={step!r} makes more than {MAX_GRID_POINTS:,} grid points along {name} "
            f"(range {span:.4g}); pass a larger h such as 0.25"
        )
    count = math.ceil(steps)
    if count == 0:
        raise InvalidValueError(
            f"the grid is empty: every point has the same {name} and padding is 0; "
            "pass padding > 0 such as 1.0"
        )
    return [start + i * step for i in range(count)]


def _check_model(model: object) -> None:
    if not isinstance(model, MLP):
        raise InvalidTypeError(
            f"model must be an MLP, got {type_name(model)}; "
            "pass for example MLP.create(2, [16, 16, 1])"
        )
    if model.nin != 2:
        raise InvalidValueError(
            f"model must take 2 inputs (the points' x and y), got nin={model.nin}; pass for "
            "example MLP.create(2, [16, 16, 1])"
        )


def _check_dataset(dataset: object) -> None:
    if not isinstance(dataset, Dataset):
        raise InvalidTypeError(
            f"dataset must be a Dataset, got {type_name(dataset)}; "
            "make one with mgfunc.datasets.moons(100)"
        )


def _check_run(run: object) -> None:
    if not isinstance(run, TrainingRun):
        raise InvalidTypeError(
            f"run must be a TrainingRun, got {type_name(run)}; "
            "pass the result of mgfunc.trainer.train(model, dataset)"
        )
