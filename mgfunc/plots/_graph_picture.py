"""What a picture of a graph shows, and how big each part is, without matplotlib.

:mod:`mgfunc.plots` turns a computation graph (``plot_graph``) or one datapoint through a model
(``plot_datapoint_graph``) into a :class:`Picture`: a :class:`Box` per node with its text, the
edges between boxes, a legend, headers and a title. This module also measures the boxes in
inches and turns an edge's route from :mod:`mgfunc.plots._layout` into straight and curved
segments; :mod:`mgfunc.plots.graphs` lays the picture out and draws it.

>>> from mgfunc import Value, backward
>>> x = Value(3.0, label="x")
>>> y = (x * x).relu()
>>> picture = expression_picture(y, backward(y))
>>> [(box.kind, box.title, box.op, box.lines) for _, box in picture.boxes][:2]
[('leaf', 'x', '', ('data 3', 'grad 6')), ('computed', '', '*', ('data 9', 'grad 1'))]
>>> format_number(46.0), format_number(-0.00004), format_number(0.123456)
('46', '-4.000e-05', '0.1235')
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence

import attrs

from mgfunc._frozen import immutable
from mgfunc.backward import backward
from mgfunc.gradients import Gradients
from mgfunc.nn import MLP
from mgfunc.plots._layout import Point, Shape, assign_ranks
from mgfunc.topology import topological_order
from mgfunc.value import Value, logsumexp

__all__ = [
    "Box",
    "Cells",
    "Picture",
    "Segment",
    "datapoint_picture",
    "edge_segments",
    "expression_picture",
    "format_number",
    "measure",
    "shape",
    "uniform_widths",
]

# Inches at the natural size of a new figure (graphs.py scales them all on a given Axes).
FONT_SIZE = 9.0
OP_FONT_SIZE = 8.0
CHAR_WIDTH = 0.602 / 72  # per point of font size: the advance of DejaVu Sans Mono
LINE_HEIGHT = 1.3 * FONT_SIZE / 72
PAD_ACROSS = 0.07  # inside a cell, beside its text
PAD_ALONG = 0.05  # inside a cell, above and below its text
OP_RADIUS = 0.18
OP_GAP = 0.16  # from an op circle to its box: room for the arrow between them
RANK_GAP = 0.5  # between two ranks, where edges bend
NODE_GAP = 0.2  # between two boxes of a rank
EDGE_GAP = 0.1  # beside an edge passing through a rank
LONGEST_LABEL = 16


@immutable()
@attrs.frozen
class Box:
    """What one box shows: an optional bold title and text lines, ``op`` in a circle before
    it, and ``side``, a cell of parameter summaries before the main cell. ``kind`` picks the
    colour: input, parameter, leaf, constant, computed or output."""

    kind: str
    lines: tuple[str, ...]
    title: str = ""
    op: str = ""
    side: tuple[str, ...] = ()


@immutable()
@attrs.frozen
class Picture:
    """A graph ready to lay out and draw: boxes by key (in a fixed order), edges between keys,
    the legend as (kind, text), headers as (the boxes whose ranks they name, text), a title."""

    boxes: tuple[tuple[int, Box], ...]
    edges: tuple[tuple[int, int], ...]
    legend: tuple[tuple[str, str], ...]
    headers: tuple[tuple[tuple[int, ...], str], ...] = ()
    title: str = ""


@immutable()
@attrs.frozen
class Cells:
    """A box's measures in inches: its parameter cell's and main cell's widths, its height,
    and the width of its op circle (0 without one)."""

    side: float
    main: float
    height: float
    op: float

    @property
    def width(self) -> float:
        """The whole box: both cells."""
        return self.side + self.main


Segment = tuple[Point, ...]
"""One piece of an edge: (end,) for a straight line, (control, control, end) for a curve."""


def expression_picture(output: Value, grads: Gradients | None) -> Picture:
    """A box per node of ``output``'s graph (label, data, gradient), an edge per input.

    The caller has checked the arguments and the graph's size.
    """
    order = topological_order(output)
    boxes = tuple(
        (
            node.id,
            Box(
                kind="output" if node is output else "computed" if node.inputs else "leaf",
                title=_short(node.label),
                lines=_data_and_grad(node, grads),
                op=node.op,
            ),
        )
        for node in order
    )
    edges = tuple((child.id, node.id) for node in order for child in node.inputs)
    legend = (
        ("leaf", "leaf (input or constant)"),
        ("computed", "computed"),
        ("output", "output"),
        ("op", "operation"),
    )
    return Picture(boxes, edges, legend)


def datapoint_picture(model: MLP, point: Sequence[float], target: float | None) -> Picture:
    """One point through ``model`` (and its loss with a ``target``), one box per neuron: its
    weighted sum and activation in one box, its parameters summarised in a side cell.

    The loss is the max-margin loss of a one-output model, and the softmax cross-entropy
    ``logsumexp(outputs) - outputs[target]`` of a model with one output per class, whose
    ``logsumexp`` box lists its local derivatives, the softmax probabilities.

    The caller has checked the arguments: ``model.nin`` numbers, a target of -1.0 or 1.0 for
    a one-output model, a class index for a model with several outputs, or None.
    """
    inputs = tuple(Value(number, label=f"x{index}") for index, number in enumerate(point))
    layers: list[tuple[Value, ...]] = []
    values: Sequence[Value] = inputs
    for layer in model.layers:
        values = tuple(neuron(values) for neuron in layer.neurons)
        layers.append(values)
    outputs = tuple(values)
    loss = None if target is None else _loss(outputs, target)
    finals = outputs if loss is None else (loss,)
    grads = backward(finals[0]) if len(finals) == 1 else None
    picture = _summarised(model, inputs, layers, finals, grads, target)
    shown = ", ".join(format_number(number) for number in point[:4]) + ", …" * (len(point) > 4)
    about = (
        ""
        if target is None
        else f", target {format_number(target)}"
        if len(outputs) == 1
        else f", target class {int(target)}"
    )
    result = (
        f"loss {format_number(finals[0].data)}, grad = d loss / d node"
        if loss is not None
        else f"score {format_number(finals[0].data)}, grad = d score / d node"
        if grads is not None
        else "no gradients: a model with several outputs has no single loss"
    )
    widths = " → ".join(
        str(width) for width in (model.nin, *(layer.nout for layer in model.layers))
    )
    title = f"One datapoint x = ({shown}){about} through MLP {widths}: {result}"
    return attrs.evolve(picture, title=title)


# The ops of a neuron's own node: a weighted sum, or a neuron's weighted sum and activation
# joined in one node (mgfunc.value.weighted_sums).
_NEURON_NODES = ("linear", "relu(linear)", "tanh(linear)", "sigmoid(linear)")


def _activation(op: str) -> str:
    """The activation a neuron's top node applies: ``tanh(linear)`` is a tanh neuron."""
    return op.removesuffix("(linear)")


def _loss(outputs: tuple[Value, ...], target: float) -> Value:
    """The point's loss: max-margin for one output (a -1.0 / 1.0 label), softmax
    cross-entropy for several (a class index), as :mod:`mgfunc.losses` computes them."""
    if len(outputs) == 1:
        return (1.0 - outputs[0] * Value(target, label="target")).relu()
    return logsumexp(outputs) - outputs[int(target)]


def _summarised(
    model: MLP,
    inputs: tuple[Value, ...],
    layers: Sequence[tuple[Value, ...]],
    finals: tuple[Value, ...],
    grads: Gradients | None,
    target: float | None,
) -> Picture:
    """Boxes for the inputs, one per neuron and one per node of the loss; the edges of the
    real graph between them, those of the parameters left out (their summary is in the box)."""
    owner: dict[int, int | None] = {value.id: value.id for value in inputs}
    boxes: list[tuple[int, Box]] = [
        (value.id, Box(kind="input", title=value.label, lines=_data_and_grad(value, grads)))
        for value in inputs
    ]
    headers: list[tuple[tuple[int, ...], str]] = [(tuple(value.id for value in inputs), "inputs")]
    last = len(layers) - 1
    for index, (layer, outputs) in enumerate(zip(model.layers, layers)):
        for place, (neuron, value) in enumerate(zip(layer.neurons, outputs)):
            owner[value.id] = value.id
            if value.op not in _NEURON_NODES:  # an activation node on top of a weighted sum
                owner[value.inputs[0].id] = value.id
            owner.update((parameter.id, None) for parameter in neuron.parameters())
            title = (
                ""
                if index < last
                else "score"
                if len(outputs) == 1
                else f"output {place}{' = target' if target == place else ''}"
            )
            box = Box(
                kind="output" if value in finals else "computed",
                title=title,
                lines=_data_and_grad(value, grads),
                op="Σ" if value.op == "linear" else _activation(value.op),
                side=_parameter_summary(neuron.parameters(), grads),
            )
            boxes.append((value.id, box))
        header = f"layer {index + 1}: {layer.nout} {_activation(outputs[0].op)}"
        headers.append((tuple(value.id for value in outputs), header))
    order = sorted({node for final in finals for node in topological_order(final)}, key=_id)
    loss_boxes = []
    for node in order:
        if node.id in owner:
            continue
        owner[node.id] = node.id
        kind = "output" if node in finals else "computed" if node.inputs else "constant"
        title = "loss" if node in finals else _short(node.label)
        lines = _data_and_grad(node, grads)
        if node.op == "logsumexp":  # its local derivatives are the softmax probabilities
            title = "softmax"
            lines += ("d/d output = p:", *_probabilities(node, layers[-1]))
        boxes.append((node.id, Box(kind, lines, title=title, op=node.op)))
        loss_boxes.append(node.id)
    if loss_boxes:
        loss_name = "max-margin loss" if len(layers[-1]) == 1 else "cross-entropy loss"
        headers.append((tuple(loss_boxes), loss_name))
    edges = []
    for node in order:
        key = owner[node.id]
        for child in node.inputs:
            source = owner[child.id]
            if source is not None and key is not None and source != key:
                edges.append((source, key))
    summary = "‖∇‖ their gradient norm" if grads is not None else "‖w‖ weight norm"
    activations = sorted(
        {_activation(value.op) for values in layers for value in values} - {"linear"}
    )
    formula = " or ".join([*(f"{name}(w·x + b)" for name in activations), "Σ w·x + b"])
    legend = [
        ("input", "input"),
        ("parameter", f"parameters of a neuron: n weights + bias, {summary}"),
        ("computed", f"computed: a neuron {formula}, an operation"),
        *((("constant", "constant"),) if any(box.kind == "constant" for _, box in boxes) else ()),
        ("output", "loss" if loss_boxes else "output"),
    ]
    return Picture(tuple(boxes), tuple(edges), tuple(legend), tuple(headers))


def format_number(number: float) -> str:
    """Four decimals without trailing zeros (-4, 0.5, 46.1235); tiny or huge in e-notation."""
    if number == 0.0:
        return "0"
    if not 1e-4 <= abs(number) < 1e6:
        return f"{number:.3e}"
    text = f"{number:.4f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def measure(box: Box) -> Cells:
    """The size of ``box`` in inches, from its text in 9-point DejaVu Sans Mono."""
    rows = max(len(box.lines) + bool(box.title), len(box.side))
    main = max(len(text) for text in (box.title, *box.lines)) * CHAR_WIDTH * FONT_SIZE
    side = max((len(text) for text in box.side), default=0) * CHAR_WIDTH * FONT_SIZE
    op = max(2 * OP_RADIUS, len(box.op) * CHAR_WIDTH * OP_FONT_SIZE + 0.1) if box.op else 0.0
    return Cells(
        side=side + 2 * PAD_ACROSS if box.side else 0.0,
        main=main + 2 * PAD_ACROSS,
        height=rows * LINE_HEIGHT + 2 * PAD_ALONG,
        op=op,
    )


def uniform_widths(picture: Picture, cells: Mapping[int, Cells]) -> dict[int, Cells]:
    """The cells with the widths of the widest in their rank, so that each rank reads as a
    column (or row) of equal boxes."""
    ranks = assign_ranks([key for key, _ in picture.boxes], picture.edges)
    sides: dict[int, float] = {}
    mains: dict[int, float] = {}
    for key, measures in cells.items():
        sides[ranks[key]] = max(sides.get(ranks[key], 0.0), measures.side)
        mains[ranks[key]] = max(mains.get(ranks[key], 0.0), measures.main)
    return {
        key: attrs.evolve(
            measures,
            side=sides[ranks[key]] if measures.side else 0.0,
            main=mains[ranks[key]],
        )
        for key, measures in cells.items()
    }


def shape(cells: Cells, direction: str) -> Shape:
    """The room a box and its op circle take in the layout: along the ranks, the circle then
    the box; across, the wider of the two. Edges enter across most of the circle and leave
    across the middle of the box."""
    if direction == "LR":
        along = cells.op + OP_GAP + cells.width if cells.op else cells.width
        across = max(cells.height, 2 * OP_RADIUS if cells.op else 0.0)
        return Shape(along, across, entry_span=0.6 * OP_RADIUS, exit_span=0.3 * cells.height)
    along = 2 * OP_RADIUS + OP_GAP + cells.height if cells.op else cells.height
    across = max(cells.width, cells.op)
    return Shape(along, across, entry_span=0.3 * cells.op, exit_span=0.3 * cells.width)


def edge_segments(
    route: Sequence[Point], target: Point, cells: Cells, box: Box, direction: str
) -> tuple[Point, list[Segment]]:
    """An edge in (main, cross) coordinates: its start and its segments, straight inside a
    rank, an S-curve between ranks, ending on the op circle of the target box (whose unit
    starts at ``target``: main where it begins, cross its centre).

    >>> edge_segments([(0.0, 0.0), (1.0, 0.0), (2.0, 1.0)], (2.0, 1.0), measure(Box("", ())),
    ...               Box("", ()), "LR")
    ((0.0, 0.0), [((1.0, 0.0),), ((1.5, 0.0), (1.5, 1.0), (2.0, 1.0))])
    """
    points = list(route)
    if box.op:
        along, across = (
            (cells.op / 2, OP_RADIUS) if direction == "LR" else (OP_RADIUS, cells.op / 2)
        )
        start, centre = target
        end_cross = points[-1][1]
        offset = min(1.0, abs(end_cross - centre) / across)
        points[-1] = (start + along - along * math.sqrt(1.0 - offset * offset), end_cross)
    segments: list[Segment] = []
    for (main0, cross0), (main1, cross1) in itertools.pairwise(points):
        if cross0 == cross1:
            segments.append(((main1, cross1),))
        else:
            half = (main1 - main0) / 2
            segments.append(((main0 + half, cross0), (main1 - half, cross1), (main1, cross1)))
    return points[0], segments


def _id(node: Value) -> int:
    return node.id


def _short(label: str) -> str:
    """A label cut to LONGEST_LABEL characters, so one long name cannot widen a whole rank."""
    return label if len(label) <= LONGEST_LABEL else label[: LONGEST_LABEL - 1] + "…"


def _parameter_summary(parameters: Sequence[Value], grads: Gradients | None) -> tuple[str, ...]:
    count = f"{len(parameters) - 1} w + b"
    if grads is None:
        weights = parameters[:-1]
        return count, f"‖w‖ {format_number(math.sqrt(sum(p.data * p.data for p in weights)))}"
    return count, f"‖∇‖ {format_number(math.sqrt(sum(grads[p] ** 2 for p in parameters)))}"


def _probabilities(node: Value, outputs: Sequence[Value]) -> tuple[str, ...]:
    """A line per output: its softmax probability, the logsumexp node's local derivative."""
    places = {value.id: place for place, value in enumerate(outputs)}
    return tuple(
        f"{places.get(value.id, '?')}: {format_number(local)}"
        for value, local in zip(node.inputs, node.local_gradients)
    )


def _data_and_grad(node: Value, grads: Gradients | None) -> tuple[str, ...]:
    data = f"data {format_number(node.data)}"
    return (data,) if grads is None else (data, f"grad {format_number(grads[node])}")
