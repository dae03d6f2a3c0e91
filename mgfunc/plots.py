"""Matplotlib pictures of the dataset, the training run, the decision boundary and a graph.

Each function draws on the ``Axes`` you pass, or on a new :class:`matplotlib.figure.Figure`
(never on pyplot's global state), and returns the Axes; the figure is ``ax.figure``. No display
is needed: save with ``ax.figure.savefig("plot.png")`` (under mypy, ``figure_of(ax).savefig``:
matplotlib types ``ax.figure`` as ``Figure | SubFigure``), or in a notebook pass your own Axes,
e.g. ``fig, ax = plt.subplots(); plot_loss(run, ax=ax)``.

>>> from mgfunc.datasets import moons
>>> ax = plot_dataset(moons(20, seed=0))
>>> ax.get_title(), ax.figure.get_size_inches().tolist()
('moons: 20 points', [6.0, 6.0])
"""

from __future__ import annotations

import math
import os
import secrets
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import attrs
from matplotlib.animation import Animation, FuncAnimation
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure, SubFigure
from matplotlib.font_manager import FontProperties
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.lines import Line2D
from matplotlib.patches import Ellipse, FancyArrowPatch, FancyBboxPatch, Patch
from matplotlib.path import Path as CurvePath
from matplotlib.textpath import TextToPath

from mgfunc._checks import describe, real_number, whole_number
from mgfunc._frozen import immutable
from mgfunc._graph_picture import (
    EDGE_GAP,
    FONT_SIZE,
    LINE_HEIGHT,
    NODE_GAP,
    OP_FONT_SIZE,
    OP_GAP,
    OP_RADIUS,
    RANK_GAP,
    Box,
    Cells,
    Picture,
    datapoint_picture,
    edge_segments,
    expression_picture,
    measure,
    shape,
    uniform_widths,
)
from mgfunc._layout import Layout, layered_layout
from mgfunc.datasets import Dataset
from mgfunc.errors import InvalidTypeError, InvalidValueError
from mgfunc.gradients import Gradients
from mgfunc.nn import MLP
from mgfunc.plot_data import (
    BoundaryRow,
    accuracy_history,
    dataset_points,
    decision_boundary,
    loss_history,
)
from mgfunc.topology import topological_order
from mgfunc.trainer import HistoryRow, Snapshot, TrainingRun
from mgfunc.value import Value

__all__ = [
    "ANIMATION_FIGSIZE",
    "DPI",
    "MAX_GRAPH_NODES",
    "MAX_LAYER_WIDTH",
    "SQUARE_FIGSIZE",
    "WIDE_FIGSIZE",
    "animate_training",
    "figure_of",
    "plot_accuracy",
    "plot_datapoint_graph",
    "plot_dataset",
    "plot_decision_boundary",
    "plot_graph",
    "plot_loss",
    "save_gif",
]

DPI = 100
"""Dots per inch of the figures made here: a 6 x 6 inch figure saves as 600 x 600 pixels."""
SQUARE_FIGSIZE = (6.0, 6.0)
"""Inches of a new figure for the dataset and the decision boundary."""
WIDE_FIGSIZE = (8.0, 4.0)
"""Inches of a new figure for the loss and the accuracy curves."""
MAX_GRAPH_NODES = 200
"""The most nodes :func:`plot_graph` draws; larger graphs are unreadable as a picture."""
MAX_LAYER_WIDTH = 32
"""The widest input or layer :func:`plot_datapoint_graph` draws (one box per neuron)."""

# One colour per class index, the same in every plot: the two-class demo's red and blue
# first, then colour-blind-safe hues for more classes (cycled past ten).
_CLASS_COLORS = (
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


def _class_color(index: int) -> str:
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


def plot_dataset(dataset: Dataset, *, ax: Axes | None = None) -> Axes:
    """A scatter plot of the points, one colour per class, with a legend naming the classes.

    Args:
        dataset: the points to draw.
        ax: the Axes to draw on; None makes a new 6 x 6 inch figure.

    Returns:
        The Axes drawn on.

    Raises:
        InvalidTypeError: ``dataset`` is not a Dataset or ``ax`` is not an Axes.
    """
    rows = dataset_points(dataset)
    axes = _axes(ax, SQUARE_FIGSIZE)
    _scatter_classes(axes, dataset)
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

    Raises:
        InvalidTypeError: ``run`` is not a TrainingRun or ``ax`` is not an Axes.
    """
    rows = loss_history(run)
    axes = _axes(ax, WIDE_FIGSIZE)
    for metric, style in (
        ("total", "-"),
        ("data", "--"),
        ("regularization", ":"),
        ("validation", "-."),
    ):
        picked = [row for row in rows if row.metric == metric]
        if not picked:
            continue
        axes.plot(
            [row.step for row in picked],
            [row.value for row in picked],
            style,
            linewidth=2,
            label=f"{metric} loss",
        )
    axes.set_title(
        "Training and validation loss" if run.config and run.config.validation else "Training loss"
    )
    axes.set_xlabel("step")
    axes.set_ylabel("loss")
    axes.grid(alpha=0.3)
    axes.legend(loc="best")
    return axes


def plot_accuracy(run: TrainingRun, *, ax: Axes | None = None) -> Axes:
    """The training accuracy in percent against the step, and the validation accuracy when the
    run measured one.

    Args:
        run: the result of :func:`mgfunc.trainer.train`.
        ax: the Axes to draw on; None makes a new 8 x 4 inch figure.

    Returns:
        The Axes drawn on.

    Raises:
        InvalidTypeError: ``run`` is not a TrainingRun or ``ax`` is not an Axes.
    """
    rows = accuracy_history(run)
    axes = _axes(ax, WIDE_FIGSIZE)
    for metric, colour, style in (
        ("accuracy", "#1a9850", "-"),
        ("validation accuracy", "#762a83", "-."),
    ):
        picked = [row for row in rows if row.metric == metric]
        if picked:
            axes.plot(
                [row.step for row in picked],
                [row.value for row in picked],
                style,
                color=colour,
                linewidth=2,
                label=metric,
            )
    axes.set_ylim(-2.0, 102.0)
    axes.set_title(
        "Training and validation accuracy"
        if run.config and run.config.validation
        else "Training accuracy"
    )
    axes.set_xlabel("step")
    axes.set_ylabel("accuracy (%)")
    axes.grid(alpha=0.3)
    axes.legend(loc="best")
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
        InvalidTypeError: an argument has the wrong type.
        InvalidValueError: see :func:`mgfunc.plot_data.decision_boundary`.
    """
    _check_ax(ax)
    grid = decision_boundary(model, dataset, h=h, padding=padding)
    axes = _axes(ax, SQUARE_FIGSIZE)
    width = sum(1 for row in grid if row.y == grid[0].y)  # rows run along x, then up in y
    xs = [row.x for row in grid[:width]]
    ys = [grid[j].y for j in range(0, len(grid), width)]
    # Class indices: a one-output model's -1.0 / 1.0 become classes 0 and 1.
    classes = max(2, model.nout, dataset.classes)
    to_class = _signed_to_class if model.nout == 1 else float
    predicted = [
        [to_class(row.predicted) for row in grid[j : j + width]] for j in range(0, len(grid), width)
    ]
    colors = [_class_color(k) for k in range(classes)]
    if len(xs) >= 2 and len(ys) >= 2:
        levels = [k - 0.5 for k in range(classes + 1)]
        axes.contourf(xs, ys, predicted, levels=levels, colors=colors, alpha=0.35)
    else:  # a grid one cell wide has no contour; show the cells themselves
        axes.pcolormesh(
            xs,
            ys,
            predicted,
            shading="nearest",
            cmap=ListedColormap(colors),
            vmin=-0.5,
            vmax=classes - 0.5,
            alpha=0.35,
        )
    _scatter_classes(axes, dataset)
    # The grid's extent, as micrograd shows it; a one-cell grid gets its cell's width.
    half = 0.0 if len(xs) >= 2 and len(ys) >= 2 else float(h) / 2
    axes.set_xlim(min(xs) - half, max(xs) + half)
    axes.set_ylim(min(ys) - half, max(ys) + half)
    axes.set_title("Decision boundary (background: prediction, points: label)")
    axes.set_xlabel("x")
    axes.set_ylabel("y")
    axes.legend(loc="upper right")
    return axes


# The computation graph. What the boxes show and their sizes come from mgfunc._graph_picture,
# the layout from mgfunc._layout; sizes are inches at the natural size of a new figure, and on
# a given Axes text, lines and boxes all scale together.
_MARGIN = 0.12
_ROW = 0.3  # a row of title, headers or legend
_MAX_FIGURE_INCHES = 24.0
_DIRECTIONS = {"LR": "left to right", "TB": "top to bottom"}

_KIND_COLOURS = {
    "input": "#c6dbef",
    "parameter": "#fdd0a2",
    "leaf": "#e8e8e8",
    "constant": "#e8e8e8",
    "computed": "white",
    "output": "#c7e9c0",
}
_OP_COLOUR = "#fff2b2"
_LINE_COLOUR = "0.2"
_TEXT_PATHS = TextToPath()


def plot_graph(
    output: Value,
    grads: Gradients | None = None,
    *,
    ax: Axes | None = None,
    direction: str = "LR",
) -> Axes:
    """A picture of a small computation graph, drawn with matplotlib only.

    Each node is a box of its label (bold), data and gradient (the gradient only with a table);
    each computed node has its op in a circle before it, fed by arrows from its inputs. Nodes
    sit in ranks (a leaf just before its first use), ordered to avoid crossings; an edge that
    skips ranks runs between the boxes, never under one. Leaves are grey, the output green.
    For a bigger graph use :func:`plot_datapoint_graph` (a model) or
    :func:`mgfunc.graph.to_dot` and Graphviz.

    Args:
        output: the Value whose graph to draw.
        grads: a table from :func:`mgfunc.backward`, to show gradients.
        ax: the Axes to draw on; None makes a new figure sized to the graph, 9-point text.
        direction: ``"LR"`` (inputs on the left) or ``"TB"`` (inputs on top).

    Returns:
        The Axes drawn on.

    Raises:
        InvalidTypeError: ``output`` is not a Value, ``grads`` not a Gradients table, ``ax``
            not an Axes or ``direction`` not a str.
        InvalidValueError: ``direction`` is not ``"LR"`` or ``"TB"``, or the graph has more
            than :data:`MAX_GRAPH_NODES` nodes.

    >>> from mgfunc import Value, backward
    >>> x = Value(3.0, label="x")
    >>> y = (x * x).relu()
    >>> ax = plot_graph(y, backward(y), direction="TB")
    >>> sorted({patch.get_gid().split("-")[0] for patch in ax.patches})
    ['box', 'edge', 'op']
    >>> [text.get_text() for text in ax.texts][:3]  # the box of x
    ['x', 'data 3', 'grad 6']
    """
    order = topological_order(output)
    _check_grads(grads)
    _check_ax(ax)
    _check_direction(direction)
    if len(order) > MAX_GRAPH_NODES:
        raise InvalidValueError(
            f"output's graph has {len(order)} nodes, more than plot_graph draws readably "
            f"({MAX_GRAPH_NODES}); pass a smaller expression, draw a model's graph for one "
            "point with plot_datapoint_graph(model, point), or write the graph with "
            "mgfunc.graph.to_dot(output, grads) and render it with Graphviz"
        )
    return _draw_picture(expression_picture(output, grads), direction, ax)


def plot_datapoint_graph(
    model: MLP,
    point: Iterable[float],
    target: float | None = None,
    *,
    ax: Axes | None = None,
    direction: str = "LR",
) -> Axes:
    """The graph of one datapoint through ``model`` (and its loss), one box per neuron.

    Drawing every weight of ``MLP.create(2, [16, 16, 1])`` would take 337 boxes, so each
    neuron is one box: its parameters summarised in an orange cell (``16 w + b`` and the norm
    of their gradients, or of the weights without gradients), then the data and gradient of its
    output; its circle shows the hidden layers' activation (``relu``) or ``Σ`` (the weighted
    sum alone, in the last layer). With a ``target``, the point's max-margin loss
    ``relu(1 - target * score)`` follows (the demo's loss for one point, without
    regularisation) and every gradient is d loss / d node, from :func:`mgfunc.backward`;
    without one, a one-output model shows d score / d node and a model with several outputs
    shows data only. Inputs, parameters, computed nodes, constants and the loss have their own
    colours, explained in a legend.

    Args:
        model: an MLP whose inputs and layers are each at most :data:`MAX_LAYER_WIDTH` wide.
        point: ``model.nin`` real numbers (a list, tuple or numpy array).
        target: None, or the point's label, -1.0 or 1.0, for a one-output model.
        ax: the Axes to draw on; None makes a new figure sized to the graph, 9-point text.
        direction: ``"LR"`` (inputs on the left) or ``"TB"`` (inputs on top).

    Returns:
        The Axes drawn on.

    Raises:
        InvalidTypeError: an argument has the wrong type.
        InvalidValueError: ``point`` has the wrong length or a non-finite number, ``target``
            is not -1.0 or 1.0 or is given for a model with several outputs, a layer is wider
            than :data:`MAX_LAYER_WIDTH`, or ``direction`` is not ``"LR"`` or ``"TB"``.

    >>> from mgfunc.nn import MLP
    >>> ax = plot_datapoint_graph(MLP.create(2, [4, 1], seed=0), [0.5, -1.0], target=1.0)
    >>> len([patch for patch in ax.patches if patch.get_gid().startswith("param")])  # neurons
    5
    >>> [text.get_text() for text in ax.get_legend().get_texts()][:2]
    ['input', 'parameters of a neuron: n weights + bias, ‖∇‖ their gradient norm']
    """
    if not isinstance(model, MLP):
        raise InvalidTypeError(
            f"model must be an MLP, got {type(model).__name__}; "
            "pass for example MLP.create(2, [16, 16, 1])"
        )
    numbers = _point(point, model.nin)
    label = _target(target, model.nout)
    _check_ax(ax)
    _check_direction(direction)
    widths = [model.nin, *(layer.nout for layer in model.layers)]
    if max(widths) > MAX_LAYER_WIDTH:
        raise InvalidValueError(
            f"model has a layer {max(widths)} wide (widths {widths}), more than the "
            f"{MAX_LAYER_WIDTH} plot_datapoint_graph draws readably; draw a narrower model, or "
            "list the graph's rows with mgfunc.graph.nodes(output, grads)"
        )
    return _draw_picture(datapoint_picture(model, numbers, label), direction, ax)


def _point(point: object, width: int) -> tuple[float, ...]:
    if isinstance(point, (str, bytes)) or not isinstance(point, Iterable):
        raise InvalidTypeError(
            f"point must be a sequence of {width} numbers, got {describe(point)}; "
            "pass for example [0.5, -1.0]"
        )
    items = tuple(point)
    if len(items) != width:
        raise InvalidValueError(
            f"point has {len(items)} numbers but the model takes {width}; pass {width} numbers"
        )
    return tuple(real_number(item, f"point[{index}]") for index, item in enumerate(items))


def _target(target: object, outputs: int) -> float | None:
    if target is None:
        return None
    label = real_number(target, "target", example="1.0")
    if label not in (-1.0, 1.0):
        raise InvalidValueError(
            f"target must be -1.0 or 1.0 (the point's label), got {target!r}; "
            "or pass None to draw the model's output alone"
        )
    if outputs != 1:
        raise InvalidValueError(
            f"target needs a model with one output (the score), this one has {outputs}; "
            "pass target=None to draw its outputs"
        )
    return label


def _check_direction(direction: object) -> None:
    accepted = " or ".join(f'"{name}" ({meaning})' for name, meaning in _DIRECTIONS.items())
    if not isinstance(direction, str):
        raise InvalidTypeError(
            f"direction must be a str, got {describe(direction)}; pass {accepted}"
        )
    if direction not in _DIRECTIONS:
        raise InvalidValueError(f"direction must be {accepted}, got {direction!r}")


def _check_grads(grads: object) -> None:
    if grads is not None and not isinstance(grads, Gradients):
        raise InvalidTypeError(
            f"grads must be a Gradients table or None, got {type(grads).__name__}; "
            "pass the result of mgfunc.backward(output)"
        )


def _draw_picture(picture: Picture, direction: str, ax: Axes | None) -> Axes:
    """Lay ``picture`` out and draw it on ``ax`` or on a new figure sized to it."""
    cells = uniform_widths(picture, {key: measure(box) for key, box in picture.boxes})
    shapes = {key: shape(cells[key], direction) for key, _ in picture.boxes}
    layout = layered_layout(
        [key for key, _ in picture.boxes],
        picture.edges,
        shapes,
        rank_gap=RANK_GAP,
        node_gap=NODE_GAP,
        edge_gap=EDGE_GAP,
    )
    across = direction == "TB"

    def xy(main: float, cross: float) -> tuple[float, float]:
        return (cross, -main) if across else (main, -cross)

    width, height = (layout.size[1], layout.size[0]) if across else layout.size
    header_width = max(
        (_text_width(text, FONT_SIZE, "monospace") for _, text in picture.headers), default=0.0
    )
    left = _MARGIN + (header_width + _MARGIN if across and picture.headers else 0.0)
    top = _MARGIN + (_ROW if picture.title else 0.0)
    top += _ROW if picture.headers and not across else 0.0
    legend_columns, legend_rows, legend_width = _legend_grid(picture.legend, width + left + _MARGIN)
    bottom = _MARGIN + legend_rows * _ROW
    # A small graph still gets room for its title and legend, the graph centred beneath them.
    title_width = _text_width(picture.title, FONT_SIZE + 1, weight="bold") if picture.title else 0
    wanted = max(title_width, legend_width) + 2 * _MARGIN
    extra = max(0.0, wanted - (width + left + _MARGIN)) / 2
    xlim = (-left - extra, width + _MARGIN + extra)
    ylim = (-height - bottom, top)
    size = (xlim[1] - xlim[0], ylim[1] - ylim[0])
    if ax is None:
        shrink = min(1.0, _MAX_FIGURE_INCHES / size[0], _MAX_FIGURE_INCHES / size[1])
        # Whole pixels, rounded up so that the text is never below its size.
        pixels = [math.ceil(side * shrink * DPI) for side in size]
        figure = Figure(figsize=(pixels[0] / DPI, pixels[1] / DPI), dpi=DPI)
        axes = figure.add_axes((0.0, 0.0, 1.0, 1.0))
    else:
        axes = ax
    axes.set_xlim(*xlim)
    axes.set_ylim(*ylim)
    axes.set_aspect("equal")
    axes.set_axis_off()
    scale = _inches_per_unit(axes, size)
    many = len(picture.edges) > 60
    boxes = dict(picture.boxes)
    for index, ((source, target), route) in enumerate(zip(picture.edges, layout.routes)):
        main, cross = layout.centres[target]
        start = main - shapes[target].main / 2
        first, segments = edge_segments(
            route, (start, cross), cells[target], boxes[target], direction
        )
        vertices = [xy(*first)]
        codes = [CurvePath.MOVETO]
        for segment in segments:
            vertices += [xy(*point) for point in segment]
            codes += [CurvePath.LINETO] if len(segment) == 1 else [CurvePath.CURVE4] * 3
        # add_artist, not add_patch, here and for the boxes: the limits are set above, and
        # measuring every curve's extent for the data limits would cost more than the layout.
        axes.add_artist(
            FancyArrowPatch(
                path=CurvePath(vertices, codes),
                arrowstyle="-|>",
                color="0.5" if many else "0.3",
                alpha=0.7 if many else 1.0,
                linewidth=(0.45 if many else 0.9) * scale,
                mutation_scale=(7 if many else 9) * scale,
                zorder=1,
                gid=f"edge-{source}-{target}-{index}",
            )
        )
    for key, box in picture.boxes:
        main, cross = layout.centres[key]
        _draw_box(axes, key, box, cells[key], main - shapes[key].main / 2, cross, xy, scale)
    _draw_labels(axes, picture, layout, xy, (xlim, ylim), scale, across)
    handles = [
        Line2D(
            [],
            [],
            linestyle="",
            marker="o",
            markersize=10 * scale,
            markerfacecolor=_OP_COLOUR,
            markeredgecolor=_LINE_COLOUR,
            label=text,
        )
        if kind == "op"
        else Patch(facecolor=_KIND_COLOURS[kind], edgecolor=_LINE_COLOUR, label=text)
        for kind, text in picture.legend
    ]
    axes.legend(
        handles=handles,
        loc="lower center",
        bbox_to_anchor=(0.5, 0.0),
        ncols=legend_columns,
        frameon=False,
        fontsize=FONT_SIZE * scale,
        handlelength=1.6,
        handletextpad=0.8,
        columnspacing=1.5,
        borderaxespad=0.3,
    )
    return axes


def _legend_grid(legend: Sequence[tuple[str, str]], room: float) -> tuple[int, int, float]:
    """Columns, rows and width in inches of a legend whose entries fit side by side in
    ``room`` inches, in as few rows as that allows."""
    # matplotlib's defaults: a handle and its padding take 2.4 em, columns 1.5 em apart.
    em = FONT_SIZE / 72
    entries = [2.4 * em + _text_width(text, FONT_SIZE) for _, text in legend]
    for columns in range(len(entries), 0, -1):
        widest = [max(entries[column::columns]) for column in range(columns)]
        used = sum(widest) + 1.5 * em * (columns - 1)
        if used <= room or columns == 1:
            return columns, -(-len(entries) // columns), used
    return 1, 0, 0.0  # no entries


def _text_width(
    text: str, size: float, family: str = "sans-serif", weight: str = "normal"
) -> float:
    """The width in inches of one line of text, from the font's outlines (no renderer)."""
    width, _, _ = _TEXT_PATHS.get_text_width_height_descent(
        text, FontProperties(family=family, size=size, weight=weight), ismath=False
    )
    return float(width) / 72


def _draw_box(
    axes: Axes,
    key: int,
    box: Box,
    cells: Cells,
    start: float,
    cross: float,
    xy: Callable[[float, float], tuple[float, float]],
    scale: float,
) -> None:
    """One node: its op circle (if any), an arrow from it, and the box with its cells."""
    if xy(1.0, 0.0)[0] == 1.0:  # left to right: circle, then the box, along x
        op_x, op_y = xy(start + cells.op / 2, cross)
        left = start + (cells.op + OP_GAP if box.op else 0.0)
        bottom = -cross - cells.height / 2
        arrow = ((op_x + cells.op / 2, op_y), (left, op_y))
    else:  # top to bottom: circle above the box
        op_x, op_y = xy(start + OP_RADIUS, cross)
        left = cross - cells.width / 2
        top = -(start + (2 * OP_RADIUS + OP_GAP if box.op else 0.0))
        bottom = top - cells.height
        arrow = ((op_x, op_y - OP_RADIUS), (op_x, top))
    line = 0.8 * scale
    if box.op:
        axes.add_artist(
            Ellipse(
                (op_x, op_y),
                cells.op,
                2 * OP_RADIUS,
                facecolor=_OP_COLOUR,
                edgecolor=_LINE_COLOUR,
                linewidth=line,
                zorder=2,
                gid=f"op-{key}",
            )
        )
        axes.text(
            op_x, op_y, box.op, ha="center", va="center", fontsize=OP_FONT_SIZE * scale, zorder=3
        )
        axes.add_artist(
            FancyArrowPatch(
                arrow[0],
                arrow[1],
                arrowstyle="-|>",
                color="0.3",
                shrinkA=0,
                shrinkB=0,
                linewidth=0.9 * scale,
                mutation_scale=9 * scale,
                zorder=1,
                gid=f"edge-op-{key}",
            )
        )
    cells_drawn: list[tuple[str, str, float, tuple[str, ...], tuple[str, ...]]] = (
        [("param", "parameter", cells.side, box.side, ())] if box.side else []
    )
    cells_drawn.append(("box", box.kind, cells.main, box.lines, (box.title,) if box.title else ()))
    for name, kind, width, lines, titles in cells_drawn:
        axes.add_artist(
            FancyBboxPatch(
                (left, bottom),
                width,
                cells.height,
                boxstyle="round,pad=0,rounding_size=0.04",
                facecolor=_KIND_COLOURS[kind],
                edgecolor=_LINE_COLOUR,
                linewidth=line,
                zorder=2,
                gid=f"{name}-{key}",
            )
        )
        texts = [*titles, *lines]
        first = bottom + cells.height / 2 + (len(texts) - 1) * LINE_HEIGHT / 2
        for row, text in enumerate(texts):
            axes.text(
                left + width / 2,
                first - row * LINE_HEIGHT,
                text,
                ha="center",
                va="center",
                family="monospace",
                fontweight="bold" if row < len(titles) else "normal",
                fontsize=FONT_SIZE * scale,
                zorder=3,
            )
        left += width


def _draw_labels(
    axes: Axes,
    picture: Picture,
    layout: Layout,
    xy: Callable[[float, float], tuple[float, float]],
    limits: tuple[tuple[float, float], tuple[float, float]],
    scale: float,
    across: bool,
) -> None:
    """The title in the top left corner, and each header over (or beside) its ranks."""
    (left, _), (_, top) = limits
    if picture.title:
        axes.text(
            left + _MARGIN,
            top - _MARGIN,
            picture.title,
            ha="left",
            va="top",
            fontsize=(FONT_SIZE + 1) * scale,
            fontweight="bold",
        )
    for keys, text in picture.headers:
        ranks = [layout.ranks[key] for key in keys]
        middle = (layout.bands[min(ranks)][0] + layout.bands[max(ranks)][1]) / 2
        x, y = (left + _MARGIN, xy(middle, 0.0)[1]) if across else (xy(middle, 0.0)[0], _ROW / 2)
        axes.text(
            x,
            y,
            text,
            ha="left" if across else "center",
            va="center",
            family="monospace",
            fontsize=FONT_SIZE * scale,
            color="0.25",
        )


def _inches_per_unit(axes: Axes, size: tuple[float, float]) -> float:
    """How many inches one layout unit gets on ``axes``: text and lines scale by this."""
    box = axes.get_window_extent()
    dpi = axes.figure.dpi
    return min(box.width / dpi / size[0], box.height / dpi / size[1])


def _signed_to_class(predicted: float) -> float:
    return 1.0 if predicted > 0.0 else 0.0


def _scatter_classes(axes: Axes, dataset: Dataset) -> None:
    """The points, one colour per class, each class named in the legend."""
    rows = dataset_points(dataset)
    for label, name in enumerate(dataset.class_names):
        picked = [(row.x, row.y) for row in rows if row.label == label]
        axes.scatter(
            [x for x, _ in picked],
            [y for _, y in picked],
            s=40,
            c=_class_color(label),
            edgecolors="black",
            linewidths=0.8,
            label=name,
            zorder=3,
        )


def _check_ax(ax: object) -> None:
    if ax is not None and not isinstance(ax, Axes):
        raise InvalidTypeError(
            f"ax must be a matplotlib Axes or None, got {type(ax).__name__}; "
            "pass for example fig.add_subplot(), or None for a new figure"
        )


def _axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    """``ax`` itself, or the Axes of a new figure (no pyplot, so no display is needed)."""
    _check_ax(ax)
    if ax is not None:
        return ax
    return Figure(figsize=figsize, dpi=DPI, layout="constrained").add_subplot()


# Training animation: the boundary of each snapshot's model beside the loss curve so far.

ANIMATION_FIGSIZE = (10.0, 4.5)
"""Inches of the figure :func:`animate_training` makes: 1000 x 450 pixels at :data:`DPI`."""


@immutable()
@attrs.frozen
class _BoundaryImage:
    """A decision boundary as a picture: grid axes and the predicted class index per cell.

    ``classes[j][i]`` is the class at ``(xs[i], ys[j])``; a one-output model's -1.0 / 1.0 are
    classes 0 and 1.
    """

    xs: tuple[float, ...]
    ys: tuple[float, ...]
    classes: tuple[tuple[float, ...], ...]
    class_count: int


@immutable()
@attrs.frozen
class _Frame:
    """One frame: the snapshot's step, its boundary, and its loss and accuracy when known."""

    step: int
    image: _BoundaryImage
    loss: float | None
    accuracy: float | None


def animate_training(
    run: TrainingRun,
    dataset: Dataset,
    *,
    h: float = 0.25,
    padding: float = 1.0,
    interval: int = 100,
    figsize: tuple[float, float] = ANIMATION_FIGSIZE,
) -> FuncAnimation:
    """An animation of training: one frame per snapshot of ``run``, boundary and loss side by side.

    Left, the decision boundary of the snapshot's model (as :func:`plot_decision_boundary`
    draws it, from :func:`mgfunc.plot_data.decision_boundary`) with the points of ``dataset``;
    right, the training loss up to the snapshot's step (and the validation loss when the run
    measured one), a marker on the current step, the whole curve faint behind. Every frame's
    grid is computed before the animation is built, so a bad argument fails at once and
    drawing a frame costs only the drawing.

    Save it as a GIF with :func:`save_gif` (Pillow, which matplotlib installs; no ffmpeg). In a
    notebook, show it inline, also without ffmpeg, as PNG frames with play controls:
    ``IPython.display.HTML(animation.to_jshtml())``.

    Args:
        run: a run trained with ``snapshot_every=k`` (:func:`mgfunc.trainer.train`), whose
            ``snapshots`` hold ``(step, model)`` every k steps and at the end.
        dataset: the points to draw (usually the training set); the grid covers them.
        h: the grid step of the boundary (finite, positive).
        padding: how far the grid extends beyond the points (finite, at least 0).
        interval: milliseconds between frames (at least 1); a GIF plays at ``1000 / interval``
            frames per second.
        figsize: width and height of the figure in inches (finite, positive).

    Returns:
        A :class:`matplotlib.animation.FuncAnimation` of ``len(run.snapshots)`` frames, on a
        new :class:`~matplotlib.figure.Figure` (never pyplot's).

    Raises:
        InvalidTypeError: an argument has the wrong type.
        InvalidValueError: a run without snapshots (train it with ``snapshot_every=``), or a
            bad ``h``, ``padding``, ``interval`` or ``figsize``; see also
            :func:`mgfunc.plot_data.decision_boundary`.

    >>> from mgfunc.datasets import moons
    >>> from mgfunc.nn import MLP
    >>> from mgfunc.trainer import train
    >>> data = moons(20, seed=0)
    >>> run = train(MLP.create(2, [4, 1], seed=0), data, steps=4, snapshot_every=2)
    >>> animation = animate_training(run, data, h=0.5)
    >>> "<script" in animation.to_jshtml()  # 3 frames: steps 0, 2 and 4
    True
    """
    snapshots = _check_snapshots(run)
    pace = whole_number(interval, "interval", least=1, example="100")
    size = _check_figsize(figsize)
    rows = {row.step: row for row in run.history}
    frames = [_frame(run, rows, step, model, dataset, h, padding) for step, model in snapshots]
    figure = Figure(figsize=size, dpi=DPI)
    figure.set_layout_engine("none")  # laid out once below, whatever the rcParams say
    boundary_axes, loss_axes = figure.subplots(1, 2, width_ratios=(1.0, 1.25))
    _scatter_classes(boundary_axes, dataset)
    boundary_axes.legend(loc="upper right")
    boundary_axes.set_xlabel("x")
    boundary_axes.set_ylabel("y")
    # The grid's extent, as plot_decision_boundary shows it (every frame has the same grid).
    first = frames[0].image
    half = 0.0 if len(first.xs) >= 2 and len(first.ys) >= 2 else float(h) / 2
    boundary_axes.set_xlim(min(first.xs) - half, max(first.xs) + half)
    boundary_axes.set_ylim(min(first.ys) - half, max(first.ys) + half)
    draw_loss = _loss_panel(loss_axes, run)
    drawn: list[Artist] = []  # the current frame's boundary, replaced by the next frame's

    def draw(index: int) -> list[Artist]:
        frame = frames[index]
        for artist in drawn:
            artist.remove()
        drawn[:] = [_fill_boundary(boundary_axes, frame.image)]
        title = f"step {frame.step} of {run.steps}"
        if frame.accuracy is not None:
            title += f": accuracy {frame.accuracy:.0%}"
        boundary_axes.set_title(title)
        return [*drawn, *draw_loss(frame)]

    # Lay the figure out once, on the first frame, and keep that layout for every frame: the
    # axes stay put, and no frame pays for a layout engine again.
    draw(0)
    ConstrainedLayoutEngine().execute(figure)
    animation = FuncAnimation(figure, draw, frames=len(frames), interval=pace, repeat=True)
    # One draw starts the animation as a shown figure would: matplotlib then knows it has been
    # rendered, and does not warn when an animation that was never saved is discarded.
    figure.draw_without_rendering()
    return animation


def save_gif(animation: Animation, path: str | os.PathLike[str], *, fps: int | None = None) -> Path:
    """Write ``animation`` to ``path`` as an animated GIF with Pillow, atomically.

    The frames go to a temporary file beside ``path``, renamed onto it once complete: an error
    (or Ctrl-C) while rendering leaves no half-written GIF, and an existing file is replaced
    only by a whole new one. The folder is checked before any frame is drawn.

    Args:
        animation: e.g. what :func:`animate_training` returned.
        path: the ``.gif`` file to write (a str or path-like); its folder must exist.
        fps: frames per second; None plays the animation at its own interval.

    Returns:
        ``path`` as a :class:`pathlib.Path`.

    Raises:
        InvalidTypeError: ``animation`` is not a matplotlib Animation, or ``path`` not a path.
        InvalidValueError: ``path`` does not end in ``.gif``, or ``fps`` is not at least 1.
        FileNotFoundError: the folder of ``path`` does not exist.
        OSError: the file cannot be written (no permission, ``path`` is a folder, ...).

    >>> import os, tempfile
    >>> from mgfunc.datasets import moons
    >>> from mgfunc.nn import MLP
    >>> from mgfunc.trainer import train
    >>> data = moons(20, seed=0)
    >>> run = train(MLP.create(2, [4, 1], seed=0), data, steps=2, snapshot_every=1)
    >>> target = os.path.join(tempfile.mkdtemp(), "training.gif")
    >>> save_gif(animate_training(run, data, h=0.5), target).read_bytes()[:6]
    b'GIF89a'
    """
    if not isinstance(animation, Animation):
        raise InvalidTypeError(
            f"animation must be a matplotlib Animation, got {describe(animation)}; pass what "
            "animate_training returned"
        )
    if not isinstance(path, (str, os.PathLike)) or not os.fspath(path):
        raise InvalidTypeError(
            f"path must be a non-empty str or path-like naming a .gif file, got {describe(path)}"
        )
    target = Path(path)
    if target.suffix.lower() != ".gif":
        raise InvalidValueError(
            f"path must end in .gif (save_gif writes GIFs with Pillow), got {str(target)!r}; for "
            "other formats use animation.save(...) with a writer such as ffmpeg"
        )
    rate = None if fps is None else whole_number(fps, "fps", least=1, example="10")
    folder = target.absolute().parent
    if not folder.is_dir():
        raise FileNotFoundError(
            f"cannot write {str(target)!r}: the folder {str(folder)!r} does not exist; "
            "create it first"
        )
    if target.is_dir():
        raise IsADirectoryError(f"cannot write {str(target)!r}: it is a folder; name a .gif file")
    # Pillow picks the format from the name, so the temporary file ends in .gif too.
    temporary = folder / f".{target.name}.{secrets.token_hex(6)}.tmp.gif"
    try:
        animation.save(temporary, writer="pillow", fps=rate)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target


def _check_snapshots(run: object) -> tuple[Snapshot, ...]:
    if not isinstance(run, TrainingRun):
        raise InvalidTypeError(
            f"run must be a TrainingRun, got {describe(run)}; pass what "
            "mgfunc.trainer.train(model, dataset, snapshot_every=5) returned"
        )
    if not run.snapshots:
        raise InvalidValueError(
            "run has no snapshots to animate; train it with snapshot_every=k to keep the model "
            "every k steps, e.g. train(model, dataset, steps=100, snapshot_every=2)"
        )
    return run.snapshots


def _check_figsize(figsize: object) -> tuple[float, float]:
    if not isinstance(figsize, (tuple, list)) or len(figsize) != 2:
        raise InvalidTypeError(
            f"figsize must be a (width, height) pair of inches, got {describe(figsize)}; pass "
            "for example (10.0, 4.5)"
        )
    width = real_number(figsize[0], "figsize[0]", example="10.0")
    height = real_number(figsize[1], "figsize[1]", example="4.5")
    if width <= 0.0 or height <= 0.0:
        raise InvalidValueError(
            f"figsize must be positive, got {tuple(figsize)!r}; pass for example (10.0, 4.5)"
        )
    return (width, height)


def _frame(
    run: TrainingRun,
    rows: dict[int, HistoryRow],
    step: int,
    model: MLP,
    dataset: Dataset,
    h: float,
    padding: float,
) -> _Frame:
    """A snapshot's frame: its boundary, and the loss and accuracy of its history row (of the
    run's final numbers for the final snapshot; None for a step that was not logged)."""
    image = _boundary_image(decision_boundary(model, dataset, h=h, padding=padding), model, dataset)
    if step == run.steps:
        return _Frame(step, image, run.final_loss, run.final_accuracy)
    row = rows.get(step)
    if row is None:
        return _Frame(step, image, None, None)
    return _Frame(step, image, row.loss, row.accuracy)


def _boundary_image(grid: Sequence[BoundaryRow], model: MLP, dataset: Dataset) -> _BoundaryImage:
    """The rows of :func:`mgfunc.plot_data.decision_boundary` as a grid of class indices."""
    width = sum(1 for row in grid if row.y == grid[0].y)  # rows run along x, then up in y
    to_class = _signed_to_class if model.nout == 1 else float
    return _BoundaryImage(
        xs=tuple(row.x for row in grid[:width]),
        ys=tuple(grid[j].y for j in range(0, len(grid), width)),
        classes=tuple(
            tuple(to_class(row.predicted) for row in grid[j : j + width])
            for j in range(0, len(grid), width)
        ),
        class_count=max(2, model.nout, dataset.classes),
    )


def _fill_boundary(axes: Axes, image: _BoundaryImage) -> Artist:
    """The predicted classes as a coloured background, as :func:`plot_decision_boundary`."""
    classes = image.class_count
    colors = [_class_color(k) for k in range(classes)]
    if len(image.xs) >= 2 and len(image.ys) >= 2:
        levels = [k - 0.5 for k in range(classes + 1)]
        return axes.contourf(
            image.xs, image.ys, image.classes, levels=levels, colors=colors, alpha=0.35
        )
    return axes.pcolormesh(  # a grid one cell wide has no contour; show the cells themselves
        image.xs,
        image.ys,
        image.classes,
        shading="nearest",
        cmap=ListedColormap(colors),
        vmin=-0.5,
        vmax=classes - 0.5,
        alpha=0.35,
    )


def _loss_panel(axes: Axes, run: TrainingRun) -> Callable[[_Frame], list[Artist]]:
    """Draw the loss curves faintly on ``axes``; return what draws a frame's part over them.

    The training curve is the history's total loss with the final model's loss at the last
    step; the validation curve is the history's validation loss, when the run measured one.
    """
    training = [(row.step, row.loss) for row in run.history]
    if not training or training[-1][0] < run.steps:
        training.append((run.steps, run.final_loss))
    validation = [(row.step, row.val_loss) for row in run.history if row.val_loss is not None]
    curves = [("training loss", "#2166ac", training)]
    if validation:
        curves.append(("validation loss", "#762a83", validation))
    progress = []
    for label, colour, points in curves:
        steps = [step for step, _ in points]
        values = [value for _, value in points]
        axes.plot(steps, values, color=colour, alpha=0.2, linewidth=1.5)
        (line,) = axes.plot([], [], color=colour, linewidth=2, label=label)
        progress.append((line, points))
    (marker,) = axes.plot([], [], "o", color="#2166ac", markersize=7, zorder=3)
    cursor = axes.axvline(0.0, color="0.5", linewidth=1, linestyle=":")
    highest = max(value for _, _, points in curves for _, value in points)
    last = max(1.0, float(max(run.steps, training[-1][0])))
    axes.set_xlim(-0.02 * last, 1.02 * last)  # room for the marker at either end
    axes.set_ylim(0.0, highest * 1.05 if highest > 0.0 else 1.0)
    axes.set_title("Loss")
    axes.set_xlabel("step")
    axes.set_ylabel("loss")
    axes.grid(alpha=0.3)
    axes.legend(loc="upper right")

    def draw(frame: _Frame) -> list[Artist]:
        for line, points in progress:
            shown = [(step, value) for step, value in points if step <= frame.step]
            line.set_data([step for step, _ in shown], [value for _, value in shown])
        known = [] if frame.loss is None else [frame.loss]
        marker.set_data([frame.step] * len(known), known)
        cursor.set_xdata([frame.step, frame.step])
        title = axes.set_title("Loss" if frame.loss is None else f"Loss: {frame.loss:.4f}")
        return [*(line for line, _ in progress), marker, cursor, title]

    return draw
