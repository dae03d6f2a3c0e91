"""Pictures of computation graphs: a small expression (:func:`plot_graph`) or one datapoint
through a model (:func:`plot_datapoint_graph`), drawn with matplotlib alone.

What the boxes show and their sizes come from :mod:`mgfunc.plots._graph_picture`, the layout
from :mod:`mgfunc.plots._layout`; this module places the boxes, edges, titles and legend.

>>> from mgfunc import Value, backward
>>> a = Value(2.0, label="a")
>>> ax = plot_graph(a * a + 1.0)
>>> len([patch for patch in ax.patches if patch.get_gid().startswith("box")])
4
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Ellipse, FancyArrowPatch, FancyBboxPatch, Patch
from matplotlib.path import Path as CurvePath
from matplotlib.textpath import TextToPath

from mgfunc._checks import describe, real_number, type_name
from mgfunc.errors import InvalidTypeError, InvalidValueError
from mgfunc.gradients import Gradients
from mgfunc.nn import MLP
from mgfunc.plots._common import DPI, check_ax
from mgfunc.plots._graph_picture import (
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
from mgfunc.plots._layout import Layout, layered_layout
from mgfunc.topology import topological_order
from mgfunc.value import Value

__all__ = ["MAX_GRAPH_NODES", "MAX_LAYER_WIDTH", "plot_datapoint_graph", "plot_graph"]

MAX_GRAPH_NODES = 200
"""The most nodes :func:`plot_graph` draws; larger graphs are unreadable as a picture."""
MAX_LAYER_WIDTH = 32
"""The widest input or layer :func:`plot_datapoint_graph` draws (one box per neuron)."""

# Sizes are inches at the natural size of a new figure, and on
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
    check_ax(ax)
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
    sum alone, in the last layer). With a ``target``, the point's loss follows (without
    regularisation) and every gradient is d loss / d node, from :func:`mgfunc.backward`: for
    a one-output model the max-margin loss ``relu(1 - target * score)`` (the demo's), for a
    model with one output per class the softmax cross-entropy ``logsumexp(outputs) -
    outputs[target]`` (:func:`mgfunc.losses.cross_entropy`'s), whose ``softmax`` box lists its
    local derivatives: the probability of each class. Without a target, a one-output model
    shows d score / d node and a model with several outputs shows data only. Inputs,
    parameters, computed nodes, constants and the loss have their own colours, explained in a
    legend.

    Args:
        model: an MLP whose inputs and layers are each at most :data:`MAX_LAYER_WIDTH` wide.
        point: ``model.nin`` real numbers (a list, tuple or numpy array).
        target: None; for a one-output model the point's label, -1.0 or 1.0; for a model
            with several outputs its class index, 0 to ``model.nout - 1``.
        ax: the Axes to draw on; None makes a new figure sized to the graph, 9-point text.
        direction: ``"LR"`` (inputs on the left) or ``"TB"`` (inputs on top).

    Returns:
        The Axes drawn on.

    Raises:
        InvalidTypeError: an argument has the wrong type.
        InvalidValueError: ``point`` has the wrong length or a non-finite number, ``target``
            is not -1.0 or 1.0 (one output) or not a class index (several), a layer is wider
            than :data:`MAX_LAYER_WIDTH`, or ``direction`` is not ``"LR"`` or ``"TB"``.

    >>> from mgfunc.nn import MLP
    >>> ax = plot_datapoint_graph(MLP.create(2, [4, 1], seed=0), [0.5, -1.0], target=1.0)
    >>> len([patch for patch in ax.patches if patch.get_gid().startswith("param")])  # neurons
    5
    >>> [text.get_text() for text in ax.get_legend().get_texts()][:2]
    ['input', 'parameters of a neuron: n weights + bias, ‖∇‖ their gradient norm']
    >>> ax = plot_datapoint_graph(MLP.create(2, [4, 3], seed=0), [0.5, -1.0], target=2)
    >>> [text.get_text() for text in ax.texts if text.get_text().startswith("One")][0][-35:]
    'loss 0.9041, grad = d loss / d node'
    """
    if not isinstance(model, MLP):
        raise InvalidTypeError(
            f"model must be an MLP, got {type_name(model)}; "
            "pass for example MLP.create(2, [16, 16, 1])"
        )
    numbers = _point(point, model.nin)
    label = _target(target, model.nout)
    check_ax(ax)
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
    if outputs == 1:
        label = real_number(target, "target", example="1.0")
        if label not in (-1.0, 1.0):
            raise InvalidValueError(
                f"target must be -1.0 or 1.0 (the point's label, for a model with one "
                f"output), got {target!r}; or pass None to draw the model's output alone"
            )
        return label
    index = real_number(target, "target", example="0")
    if not (index.is_integer() and 0 <= index < outputs):
        raise InvalidValueError(
            f"target must be a class index from 0 to {outputs - 1} (the point's class, for a "
            f"model with {outputs} outputs), got {target!r}; or pass None to draw the "
            "outputs alone"
        )
    return index


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
            f"grads must be a Gradients table or None, got {type_name(grads)}; "
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
