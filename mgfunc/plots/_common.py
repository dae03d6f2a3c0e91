"""What every picture shares: figure sizes, class colours, new or given Axes, the points, and
the decision boundary as a coloured background.

>>> from mgfunc.datasets import moons
>>> axes = new_axes(None, SQUARE_FIGSIZE)
>>> scatter_classes(axes, moons(10, seed=0))
>>> [collection.get_label() for collection in axes.collections]
['label -1', 'label +1']
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import Collection
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure, SubFigure

from mgfunc._checks import describe, real_number
from mgfunc._frozen import immutable
from mgfunc.datasets import Dataset
from mgfunc.errors import InvalidTypeError, InvalidValueError
from mgfunc.nn import MLP
from mgfunc.plot_data import CLASS_COLORS, BoundaryRow, dataset_points

__all__ = [
    "DPI",
    "FIGSIZE_LIMITS",
    "SQUARE_FIGSIZE",
    "WIDE_FIGSIZE",
    "BoundaryImage",
    "boundary_image",
    "check_ax",
    "check_figsize",
    "class_color",
    "class_count",
    "figure_of",
    "fill_boundary",
    "new_axes",
    "rows_image",
    "scatter_classes",
    "set_boundary_limits",
]

DPI = 100
"""Dots per inch of the figures made here: a 6 x 6 inch figure saves as 600 x 600 pixels."""
SQUARE_FIGSIZE = (6.0, 6.0)
"""Inches of a new figure for the dataset and the decision boundary."""
WIDE_FIGSIZE = (8.0, 4.0)
"""Inches of a new figure for the loss and the accuracy curves."""

_CLASS_COLORS = CLASS_COLORS  # one palette for every picture, kept in plot_data
_BOUNDARY_ALPHA = 0.35


def class_color(index: int) -> str:
    """The colour of class ``index`` in every picture."""
    return _CLASS_COLORS[index % len(_CLASS_COLORS)]


def figure_of(ax: Axes) -> Figure:
    """The top-level figure holding ``ax``, typed as a ``Figure`` (for saving under mypy).

    matplotlib types ``ax.figure`` as ``Figure | SubFigure``, and only a ``Figure`` has
    ``savefig``; this returns the figure itself, or the figure a subfigure belongs to.

    Args:
        ax: any Axes, e.g. the one a plot function returned.

    Returns:
        The :class:`matplotlib.figure.Figure` to save.

    Raises:
        InvalidTypeError: ``ax`` is not an Axes.

    >>> figure = Figure()
    >>> figure_of(figure.add_subplot()) is figure
    True
    """
    if not isinstance(ax, Axes):  # checked at run time too: callers may be untyped
        raise InvalidTypeError(
            f"ax must be a matplotlib Axes, got {type(ax).__name__}; "
            "pass the Axes a plot function returned"
        )
    figure = ax.figure
    return figure.figure if isinstance(figure, SubFigure) else figure


def check_ax(ax: object) -> None:
    """Refuse an ``ax`` that is neither None nor an Axes."""
    if ax is not None and not isinstance(ax, Axes):
        raise InvalidTypeError(
            f"ax must be a matplotlib Axes or None, got {type(ax).__name__}; "
            "pass for example fig.add_subplot(), or None for a new figure"
        )


def new_axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    """``ax`` itself, or the Axes of a new figure (no pyplot, so no display is needed)."""
    check_ax(ax)
    if ax is not None:
        return ax
    return Figure(figsize=figsize, dpi=DPI, layout="constrained").add_subplot()


FIGSIZE_LIMITS = (1.0, 50.0)
"""The least and most inches a side of a figure may measure (50 inches is 5,000 pixels)."""


def check_figsize(figsize: object) -> tuple[float, float]:
    """``figsize`` as a pair of inches within :data:`FIGSIZE_LIMITS`, or a clear error."""
    if not isinstance(figsize, (tuple, list)) or len(figsize) != 2:
        raise InvalidTypeError(
            f"figsize must be a (width, height) pair of inches, got {describe(figsize)}; pass "
            "for example (10.0, 4.5)"
        )
    width = real_number(figsize[0], "figsize[0]", example="10.0")
    height = real_number(figsize[1], "figsize[1]", example="4.5")
    least, most = FIGSIZE_LIMITS
    if width <= 0.0 or height <= 0.0:
        raise InvalidValueError(
            f"figsize must be positive, got {tuple(figsize)!r}; pass for example (10.0, 4.5)"
        )
    if not (least <= width <= most and least <= height <= most):
        raise InvalidValueError(
            f"figsize must be between {least:g} and {most:g} inches on each side, got "
            f"{tuple(figsize)!r}; pass for example (10.0, 4.5)"
        )
    return (width, height)


def scatter_classes(axes: Axes, dataset: Dataset) -> None:
    """The points, one colour per class, each class named in the legend."""
    rows = dataset_points(dataset)
    for label, name in enumerate(dataset.class_names):
        picked = [(row.x, row.y) for row in rows if row.label == label]
        axes.scatter(
            [x for x, _ in picked],
            [y for _, y in picked],
            s=40,
            c=class_color(label),
            edgecolors="black",
            linewidths=0.8,
            label=name,
            zorder=3,
        )


@immutable()
@attrs.frozen
class BoundaryImage:
    """A decision boundary as a picture: grid axes and the predicted class index per cell.

    ``classes[j][i]`` is the class at ``(xs[i], ys[j])``; a one-output model's -1.0 / 1.0 are
    classes 0 and 1. ``h`` is the grid step, for a grid one cell wide.
    """

    xs: tuple[float, ...]
    ys: tuple[float, ...]
    classes: tuple[tuple[float, ...], ...]
    class_count: int
    h: float

    @property
    def is_grid(self) -> bool:
        """Whether the grid has at least two cells each way (else it has no contour)."""
        return len(self.xs) >= 2 and len(self.ys) >= 2


def boundary_image(
    xs: Sequence[float],
    ys: Sequence[float],
    classes: np.ndarray,
    model: MLP,
    dataset: Dataset,
    h: float,
) -> BoundaryImage:
    """The class indices ``classes[j, i]`` at ``(xs[i], ys[j])`` as a picture of ``model``'s
    boundary over ``dataset``."""
    return BoundaryImage(
        xs=tuple(xs),
        ys=tuple(ys),
        classes=tuple(tuple(float(value) for value in row) for row in classes.tolist()),
        class_count=class_count(model, dataset),
        h=float(h),
    )


def rows_image(
    grid: Sequence[BoundaryRow], model: MLP, dataset: Dataset, h: float
) -> BoundaryImage:
    """The rows of :func:`mgfunc.plot_data.decision_boundary` as a picture: a one-output
    model's predicted -1.0 / 1.0 become classes 0 and 1."""
    width = sum(1 for row in grid if row.y == grid[0].y)  # rows run along x, then up in y
    signed = model.nout == 1
    classes = [(1.0 if row.predicted > 0.0 else 0.0) if signed else row.predicted for row in grid]
    return boundary_image(
        [row.x for row in grid[:width]],
        [grid[j].y for j in range(0, len(grid), width)],
        np.asarray(classes, dtype=float).reshape(-1, width),
        model,
        dataset,
        h,
    )


def class_count(model: MLP, dataset: Dataset) -> int:
    """How many classes a boundary of ``model`` over ``dataset`` can show (at least 2)."""
    return max(2, model.nout, dataset.classes)


def fill_boundary(axes: Axes, image: BoundaryImage) -> Collection:
    """The predicted classes as a coloured background, filled contours between the classes."""
    classes = image.class_count
    colors = [class_color(k) for k in range(classes)]
    if image.is_grid:
        levels = [k - 0.5 for k in range(classes + 1)]
        return axes.contourf(
            image.xs, image.ys, image.classes, levels=levels, colors=colors, alpha=_BOUNDARY_ALPHA
        )
    return axes.pcolormesh(  # a grid one cell wide has no contour; show the cells themselves
        image.xs,
        image.ys,
        image.classes,
        shading="nearest",
        cmap=ListedColormap(colors),
        vmin=-0.5,
        vmax=classes - 0.5,
        alpha=_BOUNDARY_ALPHA,
    )


def set_boundary_limits(axes: Axes, image: BoundaryImage) -> None:
    """The grid's extent, as micrograd shows it; a one-cell grid gets its cell's width."""
    half = 0.0 if image.is_grid else image.h / 2
    axes.set_xlim(min(image.xs) - half, max(image.xs) + half)
    axes.set_ylim(min(image.ys) - half, max(image.ys) + half)
