"""Neuron maps: every hidden neuron's output over the plane, layer by layer, beside the
model's decision boundary, as TensorFlow Playground shows a network learning.

Each map is a small heatmap of one neuron as a function of the input point (x, y): white
where it outputs 0, orange below, purple above, each map on its own symmetric scale (its
range is in its title). A ReLU neuron that is white everywhere is dead: it outputs 0 at
every point of the plane. The numbers are those of :func:`mgfunc.plot_data.neuron_grid`.

>>> from mgfunc.datasets import moons
>>> from mgfunc.nn import MLP
>>> figure = plot_neurons(MLP.create(2, [4, 3, 1], seed=0), moons(20, seed=0), h=0.5)
>>> len([ax for ax in figure.get_axes() if ax.get_images()])  # one map per hidden neuron
7
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TypeVar

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure
from matplotlib.image import AxesImage

from mgfunc._checks import describe, whole_number
from mgfunc.datasets import Dataset
from mgfunc.errors import InvalidTypeError, InvalidValueError
from mgfunc.nn import MLP, Layer
from mgfunc.plots._common import (
    DPI,
    boundary_image,
    class_color,
    fill_boundary,
    scatter_classes,
    set_boundary_limits,
)
from mgfunc.plots._grid import GridOutputs, grid_outputs

__all__ = ["MAX_NEURON_MAPS", "plot_neurons"]

MAX_NEURON_MAPS = 256
"""The most hidden neurons :func:`plot_neurons` draws a map of."""

_MAP_INCHES = 0.95  # a neuron map's cell on a new figure, title included
_BOUNDARY_INCHES = 3.6  # the least width and height of the decision boundary panel
_LAYER_TITLE_INCHES = 0.3
_COLORMAP = "PuOr"  # orange below 0, white at 0, purple above: not the classes' red and blue

# What plot_neurons draws on: the figure passed (typed as it was passed), or a new Figure. A
# Figure in gives a Figure out, as does None; a SubFigure in gives "SubFigure | Figure" out,
# which is exactly what a variable of type "SubFigure | None" may give back.
_Canvas = TypeVar("_Canvas", Figure, SubFigure)


def plot_neurons(
    model: MLP,
    dataset: Dataset,
    *,
    h: float = 0.25,
    padding: float = 1.0,
    columns: int = 8,
    figure: _Canvas | None = None,
) -> _Canvas | Figure:
    """Every hidden neuron's output over the plane as a small heatmap, layer by layer, and the
    model's decision boundary (any number of classes) with the points.

    Each hidden layer is a block of maps, ``columns`` to a row, titled with its width and
    activation; each map shows its neuron on the grid of
    :func:`mgfunc.plot_data.decision_boundary` (step ``h``), with the points of ``dataset``
    as small dots. On the right, the predicted class as :func:`plot_decision_boundary` draws
    it. Every map is a :class:`matplotlib.image.AxesImage` whose gid is
    ``"neuron-<layer>-<neuron>"`` (from 0) and whose array is the neuron's outputs, one row per
    grid y.

    Args:
        model: an MLP taking 2 inputs, with 1 to :data:`MAX_NEURON_MAPS` hidden neurons.
        dataset: the points to draw; the grid covers them.
        h: the grid step (finite, positive).
        padding: how far the grid extends beyond the points (finite, at least 0).
        columns: the most maps in a row (at least 1).
        figure: a :class:`~matplotlib.figure.Figure` or ``SubFigure`` to draw on (e.g. from
            ``fig.subfigures``); None makes a new figure sized to the maps.

    Returns:
        The figure drawn on: save a new one with ``figure.savefig("neurons.png")``.

    Raises:
        InvalidTypeError: an argument has the wrong type.
        InvalidValueError: a model without hidden layers (draw it with
            :func:`plot_decision_boundary`) or with more than :data:`MAX_NEURON_MAPS` hidden
            neurons, a bad ``columns``; see also :func:`mgfunc.plot_data.decision_boundary`.
    """
    hidden = hidden_layers(model)
    wrap = whole_number(columns, "columns", least=1, most=MAX_NEURON_MAPS, example="8")
    if figure is not None and not isinstance(figure, (Figure, SubFigure)):
        raise InvalidTypeError(
            f"figure must be a matplotlib Figure or SubFigure or None, got {describe(figure)}; "
            "pass for example fig.subfigures(1, 2)[0], or None for a new figure"
        )
    grid = grid_outputs(model, dataset, h, padding)
    canvas = figure if figure is not None else _new_figure(hidden, wrap)
    halves = canvas.add_gridspec(1, 2, width_ratios=_width_ratios(hidden, wrap))
    maps, output = canvas.add_subfigure(halves[0]), canvas.add_subfigure(halves[1])
    draw_neuron_maps(maps, hidden, grid, dataset, wrap)
    axes = output.add_subplot()
    image = boundary_image(grid.xs, grid.ys, grid.classes(), model, dataset, h)
    fill_boundary(axes, image)
    scatter_classes(axes, dataset)
    set_boundary_limits(axes, image)
    axes.set_aspect("equal", adjustable="box")
    axes.set_title("Output: the predicted class")
    axes.set_xlabel("x")
    axes.set_ylabel("y")
    axes.legend(loc="upper right", fontsize="small")
    return canvas


def draw_neuron_maps(
    canvas: Figure | SubFigure,
    hidden: Sequence[Layer],
    grid: GridOutputs,
    dataset: Dataset,
    columns: int,
) -> list[AxesImage]:
    """One block of maps per hidden layer on ``canvas``; returns the maps, layer by layer."""
    rows = [math.ceil(layer.nout / columns) for layer in hidden]
    blocks = canvas.add_gridspec(len(hidden), 1, height_ratios=rows)
    images = []
    for index, (layer, count) in enumerate(zip(hidden, rows)):
        block = canvas.add_subfigure(blocks[index])
        block.suptitle(f"hidden layer {index + 1}: {_describe(layer)}", fontsize=9)
        wide = min(columns, layer.nout)
        cells = block.subplots(count, wide, squeeze=False)
        for neuron, axes in enumerate(cells.flat):
            if neuron >= layer.nout:
                axes.remove()
                continue
            images.append(_neuron_map(axes, grid, index, neuron, dataset))
    return images


def update_neuron_maps(images: Sequence[AxesImage], hidden: Sequence[np.ndarray]) -> None:
    """Show other outputs of the hidden neurons (:attr:`GridOutputs.hidden`) on maps drawn by
    :func:`draw_neuron_maps`, in place."""
    for image, array in zip(images, hidden):
        image.set_data(array)
        image.set_clim(*_limits(array))
        if image.axes is not None:
            image.axes.set_title(_map_title(image.get_gid() or "", array), fontsize=6, pad=2)


def _neuron_map(
    axes: Axes, grid: GridOutputs, layer: int, neuron: int, dataset: Dataset
) -> AxesImage:
    array = grid.layers[layer][neuron]
    gid = f"neuron-{layer}-{neuron}"
    image = axes.imshow(
        array,
        origin="lower",
        extent=grid.extent,
        cmap=_COLORMAP,
        interpolation="bilinear",
        gid=gid,
    )
    image.set_clim(*_limits(array))
    axes.scatter(  # one collection for all classes: the animation draws it every frame
        [point.x for point in dataset.points],
        [point.y for point in dataset.points],
        s=2.0,
        c=[class_color(point.label) for point in dataset.points],
        edgecolors="black",
        linewidths=0.2,
        zorder=3,
    )
    axes.set_xticks([])
    axes.set_yticks([])
    axes.set_title(_map_title(gid, array), fontsize=6, pad=2)
    return image


def _limits(array: np.ndarray) -> tuple[float, float]:
    """A scale symmetric about 0, so that white is 0; an all-zero map gets (-1, 1)."""
    size = float(np.abs(array).max())
    size = size if size > 0.0 else 1.0
    return -size, size


def _map_title(gid: str, array: np.ndarray) -> str:
    """The neuron's number and the range of its outputs over the grid ("dead": always 0)."""
    neuron = gid.rsplit("-", 1)[-1]
    low, high = float(array.min()), float(array.max())
    return f"{neuron}: dead" if low == high == 0.0 else f"{neuron}: {low:.2g} to {high:.2g}"


def _describe(layer: Layer) -> str:
    kinds = {neuron.activation if neuron.nonlinear else "linear" for neuron in layer.neurons}
    kind = kinds.pop() if len(kinds) == 1 else "mixed"
    return f"{layer.nout} {kind} neuron{'s' if layer.nout != 1 else ''}"


def hidden_layers(model: object) -> tuple[Layer, ...]:
    if not isinstance(model, MLP):
        raise InvalidTypeError(
            f"model must be an MLP, got {describe(model)}; "
            "pass for example MLP.create(2, [16, 16, 1])"
        )
    hidden = model.layers[:-1]
    count = sum(layer.nout for layer in hidden)
    if not hidden:
        raise InvalidValueError(
            "model has no hidden layer, so no neuron maps to draw; draw its output with "
            "plot_decision_boundary(model, dataset)"
        )
    if count > MAX_NEURON_MAPS:
        raise InvalidValueError(
            f"model has {count} hidden neurons, more maps than plot_neurons draws readably "
            f"({MAX_NEURON_MAPS}); draw a narrower model"
        )
    return hidden


def _width_ratios(hidden: Sequence[Layer], columns: int) -> tuple[float, float]:
    wide = min(columns, max(layer.nout for layer in hidden))
    return (wide * _MAP_INCHES, _BOUNDARY_INCHES)


def maps_height(hidden: Sequence[Layer], columns: int) -> float:
    """Inches the maps of ``hidden`` take, ``columns`` to a row, with the layers' titles."""
    rows = sum(math.ceil(layer.nout / columns) for layer in hidden)
    return rows * _MAP_INCHES + len(hidden) * _LAYER_TITLE_INCHES


def map_artists(image: AxesImage) -> list[Artist]:
    """What changes on a neuron map from one model to the next: the map and its title."""
    return [image] if image.axes is None else [image, image.axes.title]


def _new_figure(hidden: Sequence[Layer], columns: int) -> Figure:
    height = max(_BOUNDARY_INCHES, maps_height(hidden, columns))
    width = sum(_width_ratios(hidden, columns)) + 0.3
    return Figure(figsize=(width, height), dpi=DPI, layout="constrained")
