"""Charts of the data and of training: the points, the loss and accuracy curves, and the
decision boundary over the plane.

Each function draws on the ``Axes`` you pass as ``ax``, or on a new figure when ``ax`` is None,
and returns the Axes drawn on; an argument of the wrong type (a ``dataset`` that is not a
Dataset, an ``ax`` that is not an Axes, ...) raises :class:`~mgfunc.errors.InvalidTypeError`
naming it, before anything is drawn.

>>> from mgfunc.datasets import moons
>>> from mgfunc.nn import MLP
>>> from mgfunc.trainer import train
>>> ax = plot_loss(train(MLP.create(2, [4, 1], seed=0), moons(20, seed=0), steps=3))
>>> [line.get_label() for line in ax.get_lines()]
['total loss', 'data loss', 'regularization loss']
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.axes import Axes

from mgfunc.datasets import Dataset
from mgfunc.nn import MLP
from mgfunc.plot_data import (
    MetricRow,
    accuracy_history,
    dataset_points,
    decision_boundary,
    loss_history,
)
from mgfunc.plots._common import (
    SQUARE_FIGSIZE,
    WIDE_FIGSIZE,
    check_ax,
    fill_boundary,
    new_axes,
    rows_image,
    scatter_classes,
    set_boundary_limits,
)
from mgfunc.trainer import TrainingRun

__all__ = ["plot_accuracy", "plot_dataset", "plot_decision_boundary", "plot_loss"]


def plot_dataset(dataset: Dataset, *, ax: Axes | None = None) -> Axes:
    """A scatter plot of the points, one colour per class, with a legend naming the classes.

    Args:
        dataset: the points to draw.
        ax: the Axes to draw on; None makes a new 6 x 6 inch figure.

    Returns:
        The Axes drawn on.
    """
    rows = dataset_points(dataset)
    axes = new_axes(ax, SQUARE_FIGSIZE)
    scatter_classes(axes, dataset)
    axes.set_aspect("equal", adjustable="datalim")
    axes.set_title(f"{dataset.metadata.get('name', 'dataset')}: {len(rows)} points")
    axes.set_xlabel("x")
    axes.set_ylabel("y")
    axes.legend(loc="best")
    return axes


def plot_loss(run: TrainingRun, *, ax: Axes | None = None) -> Axes:
    """The total, data and regularization loss against the step, and the validation loss when
    the run measured one: a line each, with a legend.

    Args:
        run: the result of :func:`mgfunc.trainer.train`.
        ax: the Axes to draw on; None makes a new 8 x 4 inch figure.

    Returns:
        The Axes drawn on.
    """
    curves = [(metric, style, None, f"{metric} loss") for metric, style in _LOSS_STYLES]
    return _metric_chart(ax, run, loss_history(run), curves, "loss", "loss")


def plot_accuracy(run: TrainingRun, *, ax: Axes | None = None) -> Axes:
    """The training accuracy in percent against the step, and the validation accuracy when the
    run measured one.

    Args:
        run: the result of :func:`mgfunc.trainer.train`.
        ax: the Axes to draw on; None makes a new 8 x 4 inch figure.

    Returns:
        The Axes drawn on, its y axis from 0 to 100 (a little margin around it).
    """
    axes = _metric_chart(
        ax, run, accuracy_history(run), _ACCURACY_CURVES, "accuracy", "accuracy (%)"
    )
    axes.set_ylim(-2.0, 102.0)
    return axes


def plot_decision_boundary(
    model: MLP,
    dataset: Dataset,
    *,
    h: float = 0.25,
    padding: float = 1.0,
    ax: Axes | None = None,
) -> Axes:
    """The predicted class as a coloured background, with the training points outlined on top.

    The background comes from :func:`mgfunc.plot_data.decision_boundary` (float inference on a
    grid of step ``h``); the points keep the colour of their true class, so a point on another
    colour is misclassified. Works for a one-output model (two classes) and for a model with one
    output per class.

    Args:
        model: an MLP taking 2 inputs, with one output or one output per class.
        dataset: the training points.
        h: the grid step (finite, positive).
        padding: how far the grid extends beyond the data (finite, at least 0).
        ax: the Axes to draw on; None makes a new 6 x 6 inch figure.

    Returns:
        The Axes drawn on.

    Raises:
        InvalidValueError: see :func:`mgfunc.plot_data.decision_boundary`.
    """
    check_ax(ax)
    grid = decision_boundary(model, dataset, h=h, padding=padding)
    image = rows_image(grid, model, dataset, h)
    axes = new_axes(ax, SQUARE_FIGSIZE)
    fill_boundary(axes, image)
    scatter_classes(axes, dataset)
    set_boundary_limits(axes, image)
    axes.set_title("Decision boundary (background: prediction, points: label)")
    axes.set_xlabel("x")
    axes.set_ylabel("y")
    axes.legend(loc="upper right")
    return axes


_LOSS_STYLES = (("total", "-"), ("data", "--"), ("regularization", ":"), ("validation", "-."))
_ACCURACY_CURVES = (
    ("accuracy", "-", "#1a9850", "accuracy"),
    ("validation accuracy", "-.", "#762a83", "validation accuracy"),
)


def _metric_chart(
    ax: Axes | None,
    run: TrainingRun,
    rows: Sequence[MetricRow],
    curves: Sequence[tuple[str, str, str | None, str]],
    measure: str,
    ylabel: str,
) -> Axes:
    """Metrics of ``run`` against the step on ``ax`` or a new 8 x 4 inch figure: a line for
    each ``(metric, line style, colour or None for the next default, legend label)`` that the
    rows hold, with a grid and a legend, titled by what is measured ("Training and validation
    loss" when the run measured a validation set)."""
    axes = new_axes(ax, WIDE_FIGSIZE)
    for metric, style, colour, label in curves:
        picked = [row for row in rows if row.metric == metric]
        if picked:
            axes.plot(
                [row.step for row in picked],
                [row.value for row in picked],
                style,
                color=colour,
                linewidth=2,
                label=label,
            )
    axes.set_title(
        f"Training and validation {measure}" if _validated(run) else f"Training {measure}"
    )
    axes.set_xlabel("step")
    axes.set_ylabel(ylabel)
    axes.grid(alpha=0.3)
    axes.legend(loc="best")
    return axes


def _validated(run: TrainingRun) -> bool:
    return bool(run.config and run.config.validation)
