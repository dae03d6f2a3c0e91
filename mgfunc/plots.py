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

import os
import secrets
from collections.abc import Callable, Sequence
from pathlib import Path

import attrs
from matplotlib.animation import Animation, FuncAnimation
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure, SubFigure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.patches import Circle, FancyBboxPatch

from mgfunc._checks import describe, real_number, whole_number
from mgfunc.datasets import Dataset
from mgfunc.errors import InvalidTypeError, InvalidValueError
from mgfunc.gradients import Gradients
from mgfunc.graph import NodeRow, nodes
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
    "SQUARE_FIGSIZE",
    "WIDE_FIGSIZE",
    "animate_training",
    "figure_of",
    "plot_accuracy",
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


# Training animation: the boundary of each snapshot's model beside the loss curve so far.

ANIMATION_FIGSIZE = (10.0, 4.5)
"""Inches of the figure :func:`animate_training` makes: 1000 x 450 pixels at :data:`DPI`."""


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
