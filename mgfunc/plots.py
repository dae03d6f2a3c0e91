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

from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure, SubFigure
from matplotlib.patches import Circle, FancyBboxPatch

from mgfunc.datasets import Dataset
from mgfunc.errors import InvalidTypeError, InvalidValueError
from mgfunc.gradients import Gradients
from mgfunc.graph import NodeRow, nodes
from mgfunc.nn import MLP
from mgfunc.plot_data import (
    accuracy_history,
    dataset_points,
    decision_boundary,
    loss_history,
)
from mgfunc.topology import topological_order
from mgfunc.trainer import TrainingRun
from mgfunc.value import Value

__all__ = [
    "DPI",
    "MAX_GRAPH_NODES",
    "SQUARE_FIGSIZE",
    "WIDE_FIGSIZE",
    "figure_of",
    "plot_accuracy",
    "plot_dataset",
    "plot_decision_boundary",
    "plot_graph",
    "plot_loss",
]

DPI = 100
"""Dots per inch of the figures made here: a 6 x 6 inch figure saves as 600 x 600 pixels."""
SQUARE_FIGSIZE = (6.0, 6.0)
"""Inches of a new figure for the dataset and the decision boundary."""
WIDE_FIGSIZE = (8.0, 4.0)
"""Inches of a new figure for the loss and the accuracy curves."""
MAX_GRAPH_NODES = 200
"""The most nodes :func:`plot_graph` draws; larger graphs are unreadable as a picture."""

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


# Graph layout, in inches at font scale 1: a column per depth, a row per node in the column.
_COLUMN = 3.8
_ROW = 0.7
_BOX_WIDTH = 2.5
_BOX_HEIGHT = 0.42
_OP_RADIUS = 0.2
_OP_OFFSET = 0.5  # from the box's left edge to the op circle's centre
_MARGIN = 0.25
_FONT_SIZE = 8.0
_MAX_FIGURE_INCHES = 60.0


def plot_graph(output: Value, grads: Gradients | None = None, *, ax: Axes | None = None) -> Axes:
    """A picture of a small computation graph, left to right, drawn with matplotlib only.

    Each node is a box ``label | data | grad`` (grad only with a table); each computed node has
    a circle with its op on its left, fed by arrows from its inputs. Nodes are placed in columns
    by depth; a leaf sits just left of its first use. The output is green, leaves are grey.
    For a bigger graph use :func:`mgfunc.graph.to_dot` and Graphviz.

    Args:
        output: the Value whose graph to draw.
        grads: a table from :func:`mgfunc.backward`, to show gradients.
        ax: the Axes to draw on; None makes a new figure sized to the graph.

    Returns:
        The Axes drawn on.

    Raises:
        InvalidTypeError: ``output`` is not a Value, ``grads`` not a Gradients table or ``ax``
            not an Axes.
        InvalidValueError: the graph has more than :data:`MAX_GRAPH_NODES` nodes.

    >>> from mgfunc import Value, backward
    >>> x = Value(3.0, label="x")
    >>> y = (x * x).relu()
    >>> ax = plot_graph(y, backward(y))
    >>> len(ax.patches)  # 3 boxes and 2 op circles
    5
    """
    order = topological_order(output)
    if len(order) > MAX_GRAPH_NODES:
        raise InvalidValueError(
            f"output's graph has {len(order)} nodes, more than plot_graph draws readably "
            f"({MAX_GRAPH_NODES}); pass a smaller expression, or write the graph with "
            "mgfunc.graph.to_dot(output, grads) and render it with Graphviz"
        )
    rows = {row.id: row for row in nodes(output, grads)}
    _check_ax(ax)
    centres = _layout(order)
    left = min(x for x, _ in centres.values()) - _BOX_WIDTH / 2 - _OP_OFFSET - _OP_RADIUS
    right = max(x for x, _ in centres.values()) + _BOX_WIDTH / 2
    bottom = min(y for _, y in centres.values()) - _BOX_HEIGHT / 2
    top = max(y for _, y in centres.values()) + _BOX_HEIGHT / 2
    xlim = (left - _MARGIN, right + _MARGIN)
    ylim = (bottom - _MARGIN, top + _MARGIN)
    size = (xlim[1] - xlim[0], ylim[1] - ylim[0])
    if ax is None:
        shrink = min(1.0, _MAX_FIGURE_INCHES / size[0], _MAX_FIGURE_INCHES / size[1])
        figure = Figure(figsize=(size[0] * shrink, size[1] * shrink), dpi=DPI)
        axes = figure.add_axes((0.0, 0.0, 1.0, 1.0))
    else:
        axes = ax
    axes.set_xlim(*xlim)
    axes.set_ylim(*ylim)
    axes.set_aspect("equal")
    axes.set_axis_off()
    scale = _inches_per_unit(axes, size)
    for node in order:
        _draw_node(axes, node, rows[node.id], centres, scale, is_output=node is output)
    return axes


def _layout(order: Sequence[Value]) -> dict[int, tuple[float, float]]:
    """Centre of each node's box by id: computed nodes one column right of their deepest input,
    leaves one column left of their first consumer."""
    depth: dict[int, int] = {}
    consumers: dict[int, list[int]] = {node.id: [] for node in order}
    for node in order:
        depth[node.id] = 1 + max((depth[child.id] for child in node.inputs), default=-1)
        for child in node.inputs:
            consumers[child.id].append(node.id)
    for node in order:
        if not node.inputs and consumers[node.id]:
            depth[node.id] = min(depth[user] for user in consumers[node.id]) - 1
    columns: dict[int, list[int]] = {}
    for node in order:  # by creation id, so each column reads top-down in creation order
        columns.setdefault(depth[node.id], []).append(node.id)
    return {
        node_id: (column * _COLUMN, ((len(ids) - 1) / 2 - row) * _ROW)
        for column, ids in columns.items()
        for row, node_id in enumerate(ids)
    }


def _draw_node(
    axes: Axes,
    node: Value,
    row: NodeRow,
    centres: dict[int, tuple[float, float]],
    scale: float,
    *,
    is_output: bool,
) -> None:
    x, y = centres[node.id]
    colour = "#c7e9c0" if is_output else ("#e8e8e8" if not node.inputs else "white")
    axes.add_patch(
        FancyBboxPatch(
            (x - _BOX_WIDTH / 2, y - _BOX_HEIGHT / 2),
            _BOX_WIDTH,
            _BOX_HEIGHT,
            boxstyle="round,pad=0.02",
            facecolor=colour,
            edgecolor="0.2",
            linewidth=0.8 * scale,
            zorder=2,
        )
    )
    cells = [row.label[:8]] if row.label else []
    cells.append(f"data {row.data:.4f}")
    if row.grad is not None:
        cells.append(f"grad {row.grad:.4f}")
    axes.text(
        x,
        y,
        " | ".join(cells),
        ha="center",
        va="center",
        family="monospace",
        fontsize=_FONT_SIZE * scale,
        zorder=3,
    )
    if not node.inputs:
        return
    op_x = x - _BOX_WIDTH / 2 - _OP_OFFSET
    axes.add_patch(
        Circle(
            (op_x, y),
            _OP_RADIUS,
            facecolor="#fff2b2",
            edgecolor="0.2",
            linewidth=0.8 * scale,
            zorder=2,
        )
    )
    axes.text(op_x, y, node.op, ha="center", va="center", fontsize=_FONT_SIZE * scale, zorder=3)
    _arrow(axes, (op_x + _OP_RADIUS, y), (x - _BOX_WIDTH / 2, y), scale)
    for child in node.inputs:
        child_x, child_y = centres[child.id]
        _arrow(axes, (child_x + _BOX_WIDTH / 2, child_y), (op_x - _OP_RADIUS, y), scale)


def _arrow(axes: Axes, start: tuple[float, float], end: tuple[float, float], scale: float) -> None:
    axes.annotate(
        "",
        xy=end,
        xytext=start,
        arrowprops={
            "arrowstyle": "-|>",
            "color": "0.35",
            "shrinkA": 0,
            "shrinkB": 0,
            "linewidth": 0.8 * scale,
            "mutation_scale": 10 * scale,
        },
        zorder=1,  # behind the boxes: an edge that skips a column passes under, not over
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
