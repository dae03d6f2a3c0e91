"""plot_graph and plot_datapoint_graph: readable sizes, edges that never cross a box, both
directions, the summarised model graph with its colours and legend, and clear refusals."""

from __future__ import annotations

import math
import random
import re
from pathlib import Path

import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import Ellipse, FancyArrowPatch, FancyBboxPatch
from matplotlib.path import Path as MPath

from mgfunc import Value, backward
from mgfunc.errors import InvalidTypeError, InvalidValueError
from mgfunc.losses import cross_entropy, max_margin
from mgfunc.nn import MLP
from mgfunc.plots import (
    DPI,
    MAX_GRAPH_NODES,
    figure_of,
    plot_datapoint_graph,
    plot_graph,
)
from mgfunc.plots._graph_picture import format_number
from mgfunc.topology import topological_order
from tests.expressions import warmup

OFFICIAL_SEED = (1337, 1337, 1337)
INPUT, PARAMETER, OUTPUT, CONSTANT = "#c6dbef", "#fdd0a2", "#c7e9c0", "#e8e8e8"


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def random_expression(seed: int) -> Value:
    """A graph of 20 to 40 operations over five leaves, each reused at random depths, which
    gives many edges that skip ranks."""
    rng = random.Random(seed)
    values = [Value(rng.uniform(-2.0, 2.0), label=f"a{i}") for i in range(5)]
    for _ in range(rng.randint(20, 40)):
        a, b = rng.choice(values), rng.choice(values[-6:])
        values.append(rng.choice([a + b, a * b, (a - b).relu(), (a * 0.5).tanh() + b]))
    return values[-1]


def gid(artist: object) -> str:
    return str(getattr(artist, "get_gid")() or "")  # noqa: B009  # every artist has get_gid


def rectangles(ax: Axes) -> dict[str, tuple[float, float, float, float]]:
    """Every box and parameter cell by gid, as (x0, y0, x1, y1) in inches."""
    found = {}
    for patch in ax.patches:
        if isinstance(patch, FancyBboxPatch) and gid(patch).startswith(("box-", "param-")):
            x, y = patch.get_x(), patch.get_y()
            found[gid(patch)] = (x, y, x + patch.get_width(), y + patch.get_height())
    return found


def ellipses(ax: Axes) -> dict[str, tuple[float, float, float, float]]:
    """Every op circle by gid, as (centre x, centre y, half width, half height)."""
    found = {}
    for patch in ax.patches:
        if isinstance(patch, Ellipse) and gid(patch).startswith("op-"):
            x, y = np.asarray(patch.get_center(), dtype=float)
            found[gid(patch)] = (float(x), float(y), patch.width / 2, patch.height / 2)
    return found


def graph_edges(ax: Axes) -> list[FancyArrowPatch]:
    """The edges between nodes (not the short arrows from an op circle to its own box)."""
    return [
        patch
        for patch in ax.patches
        if isinstance(patch, FancyArrowPatch)
        and gid(patch).startswith("edge-")
        and not gid(patch).startswith("edge-op-")
    ]


def sample(edge: FancyArrowPatch) -> np.ndarray:
    """Points along the edge as drawn (its arrow head included), 64 per line or curve."""
    path = edge.get_path()
    vertices = np.asarray(path.vertices, dtype=float)
    codes = [int(code) for code in np.asarray(path.codes)] if path.codes is not None else []
    codes = codes or [int(MPath.LINETO)] * len(vertices)
    t = np.linspace(0.0, 1.0, 64)[:, None]
    parts, start, subpath, index = [], vertices[0], vertices[0], 1
    while index < len(vertices):
        code = codes[index]
        if code == MPath.CURVE4:
            a, b, end = vertices[index : index + 3]
            parts.append(
                (1 - t) ** 3 * start
                + 3 * (1 - t) ** 2 * t * a
                + 3 * (1 - t) * t**2 * b
                + t**3 * end
            )
            index += 3
        elif code == MPath.MOVETO:
            end = subpath = vertices[index]
            index += 1
        else:  # a line, or the line that closes the subpath (the arrow head)
            end = subpath if code == MPath.CLOSEPOLY else vertices[index]
            parts.append((1 - t) * start + t * end)
            index += 1
        start = end
    return np.concatenate(parts)


def assert_no_edge_crosses_a_box(ax: Axes) -> None:
    boxes = rectangles(ax)
    circles = ellipses(ax)
    inset = 1e-3  # inches: touching a box's border where the edge starts is not crossing it
    edges = graph_edges(ax)
    assert edges
    for edge in edges:
        _, source, target, _ = gid(edge).split("-")
        points = sample(edge)
        xs, ys = points[:, 0:1], points[:, 1:2]
        names = list(boxes)
        box = np.array([boxes[name] for name in names])
        inside = (
            (xs > box[:, 0] + inset)
            & (xs < box[:, 2] - inset)
            & (ys > box[:, 1] + inset)
            & (ys < box[:, 3] - inset)
        )
        hit = {names[j] for j in np.nonzero(inside.any(axis=0))[0]}
        assert not hit, f"edge {source} -> {target} passes through {sorted(hit)}"
        names = [name for name in circles if name != f"op-{target}"]  # where the edge ends
        if names:
            ops = np.array([circles[name] for name in names])
            distance = ((xs - ops[:, 0]) / ops[:, 2]) ** 2 + ((ys - ops[:, 1]) / ops[:, 3]) ** 2
            hit = {names[j] for j in np.nonzero((distance < 0.99).any(axis=0))[0]}
            assert not hit, f"edge {source} -> {target} passes through {sorted(hit)}"


def font_sizes(ax: Axes) -> list[float]:
    legend = ax.get_legend()
    texts = [*ax.texts, *(legend.get_texts() if legend is not None else [])]
    return [float(text.get_fontsize()) for text in texts]


def test_the_warmup_picture_is_a_readable_size(tmp_path: Path) -> None:
    _, y = warmup()
    for direction in ("LR", "TB"):
        ax = plot_graph(y, backward(y), direction=direction)
        path = tmp_path / f"warmup_{direction}.png"
        figure_of(ax).savefig(path)
        width, height = png_size(path)
        long, short = max(width, height), min(width, height)
        assert long <= 1600 and short >= 200, (direction, width, height)
        assert long / short <= 6  # the old picture was 3030 x 232, a 13:1 strip
        assert min(font_sizes(ax)) >= 8
        inches = figure_of(ax).get_size_inches()
        assert (width, height) == tuple(round(side * DPI) for side in inches)


@pytest.mark.parametrize("direction", ["LR", "TB"])
def test_no_edge_of_the_warmup_passes_through_a_box(direction: str) -> None:
    _, y = warmup()
    assert_no_edge_crosses_a_box(plot_graph(y, backward(y), direction=direction))


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("direction", ["LR", "TB"])
def test_no_edge_of_a_random_expression_passes_through_a_box(direction: str, seed: int) -> None:
    y = random_expression(seed)
    ax = plot_graph(y, backward(y), direction=direction)
    assert_no_edge_crosses_a_box(ax)
    edges = sum(len(node.inputs) for node in topological_order(y))
    assert len(graph_edges(ax)) == edges  # an input used twice gets two edges


@pytest.mark.parametrize("direction", ["LR", "TB"])
def test_no_edge_of_the_datapoint_graph_passes_through_a_box(direction: str) -> None:
    model = MLP.create(2, [16, 16, 1], seed=OFFICIAL_SEED)
    assert_no_edge_crosses_a_box(plot_datapoint_graph(model, [0.5, -1.0], 1.0, direction=direction))


def test_direction_decides_where_inputs_and_ops_sit() -> None:
    _, y = warmup()
    for direction in ("LR", "TB"):
        ax = plot_graph(y, direction=direction)
        boxes, circles = rectangles(ax), ellipses(ax)
        for name, (x, y_, _, _) in circles.items():
            x0, y0, x1, y1 = boxes["box-" + name.split("-")[1]]
            if direction == "LR":
                assert x < x0 and y0 < y_ < y1  # the op circle on the box's left
            else:
                assert y_ > y1 and x0 < x < x1  # the op circle above the box
        for edge in graph_edges(ax):
            (x0, y0), (x1, y1) = sample(edge)[0], sample(edge)[-1]
            assert x1 > x0 if direction == "LR" else y1 < y0  # data flows right, or down
    width_lr, height_lr = figure_of(plot_graph(y, direction="LR")).get_size_inches()
    width_tb, height_tb = figure_of(plot_graph(y, direction="TB")).get_size_inches()
    assert width_lr > height_lr and height_tb > width_tb


def test_twin_inputs_are_two_distinct_edges() -> None:
    x = Value(3.0, label="x")
    y = x * x
    ax = plot_graph(y, backward(y))
    first, second = graph_edges(ax)
    assert not np.allclose(sample(first), sample(second))
    assert "grad 6" in [text.get_text() for text in ax.texts]


def test_the_graph_picture_is_the_same_every_time() -> None:
    y = random_expression(3)

    def drawn() -> list[object]:
        ax = plot_graph(y, direction="TB")
        return [
            (gid(patch), np.asarray(patch.get_path().vertices).round(9).tolist())
            for patch in ax.patches
        ]

    assert drawn() == drawn()


def test_plot_graph_refuses_a_big_graph_saying_what_to_do() -> None:
    total = Value(0.0)
    for _ in range(MAX_GRAPH_NODES):
        total = total + 1.0
    with pytest.raises(InvalidValueError, match="plot_datapoint_graph") as error:
        plot_graph(total)
    assert f"{len(topological_order(total))} nodes" in str(error.value)
    assert "mgfunc.graph.to_dot" in str(error.value)


@pytest.mark.parametrize("bad", ["lr", "BT", "", "left to right"])
def test_a_bad_direction_names_the_accepted_values(bad: str) -> None:
    _, y = warmup()
    model = MLP.create(2, [3, 1], seed=0)
    message = r'direction must be "LR" \(left to right\) or "TB" \(top to bottom\)'
    with pytest.raises(InvalidValueError, match=message):
        plot_graph(y, direction=bad)
    with pytest.raises(InvalidValueError, match=message):
        plot_datapoint_graph(model, [0.0, 0.0], direction=bad)
    with pytest.raises(InvalidTypeError, match="direction must be a str, got int"):
        plot_graph(y, direction=1)  # type: ignore[arg-type]  # bad on purpose


def official_picture() -> tuple[MLP, Axes]:
    model = MLP.create(2, [16, 16, 1], seed=OFFICIAL_SEED)
    return model, plot_datapoint_graph(model, [0.5, -1.0], target=1.0)


def test_the_datapoint_graph_has_a_box_per_neuron_in_its_own_colours(tmp_path: Path) -> None:
    model, ax = official_picture()
    boxes = {
        gid(patch): to_rgba(patch.get_facecolor())
        for patch in ax.patches
        if gid(patch).startswith(("box-", "param-"))
    }
    neurons = sum(layer.nout for layer in model.layers)
    params = [name for name in boxes if name.startswith("param-")]
    assert len(params) == neurons == 33
    assert all(boxes[name] == to_rgba(PARAMETER) for name in params)
    colours = sorted(boxes.values())
    assert colours.count(to_rgba(INPUT)) == 2  # x0 and x1
    assert colours.count(to_rgba(OUTPUT)) == 1  # the loss
    assert colours.count(to_rgba(CONSTANT)) == 2  # the target and the 1 of 1 - target * score
    assert len(boxes) - len(params) == 2 + 33 + 5  # inputs, neurons, the loss's five nodes
    assert len(graph_edges(ax)) == 2 * 16 + 16 * 16 + 16 + 5
    texts = [text.get_text() for text in ax.texts]
    assert texts.count("2 w + b") == 16 and texts.count("16 w + b") == 17
    assert {"inputs", "layer 1: 16 relu", "layer 2: 16 relu", "layer 3: 1 linear"} <= set(texts)
    legend = ax.get_legend()
    assert legend is not None
    labels = [text.get_text() for text in legend.get_texts()]
    assert labels[0] == "input" and labels[1].startswith("parameters of a neuron")
    assert labels[-2:] == ["constant", "loss"]
    handles = legend.legend_handles
    assert to_rgba(handles[0].get_facecolor()) == to_rgba(INPUT)  # type: ignore[union-attr]
    assert to_rgba(handles[1].get_facecolor()) == to_rgba(PARAMETER)  # type: ignore[union-attr]
    figure_of(ax).savefig(tmp_path / "datapoint.png")
    width, height = png_size(tmp_path / "datapoint.png")
    assert max(width, height) <= 2000 and min(font_sizes(ax)) >= 8


def test_the_datapoint_graph_shows_the_loss_and_its_gradients() -> None:
    model, ax = official_picture()
    loss = max_margin(model, [[0.5, -1.0]], [1.0], alpha=0.0).data_loss  # the same hinge
    grads = backward(loss)
    texts = [text.get_text() for text in ax.texts]
    title = next(text for text in texts if text.startswith("One datapoint"))
    assert title.endswith(f"loss {loss.data:.4f}, grad = d loss / d node")
    shown = [float(text.split()[1]) for text in texts if text.startswith("‖∇‖ ")]
    expected = [
        math.sqrt(sum(grads[p] ** 2 for p in neuron.parameters()))
        for layer in model.layers
        for neuron in layer.neurons
    ]
    assert shown == pytest.approx(expected, abs=1e-4)
    loss_box = texts.index("loss")
    assert texts[loss_box + 1 : loss_box + 3] == [f"data {loss.data:.4f}".rstrip("0"), "grad 1"]


def test_the_datapoint_graph_without_a_target() -> None:
    model = MLP.create(2, [4, 1], seed=2)
    ax = plot_datapoint_graph(model, np.array([0.25, 0.75]))  # numpy arrays work as lists do
    texts = [text.get_text() for text in ax.texts]
    title = next(text for text in texts if text.startswith("One datapoint x = (0.25, 0.75)"))
    assert title.endswith("grad = d score / d node") and "score" in texts
    legend = ax.get_legend()
    assert legend is not None and legend.get_texts()[-1].get_text() == "output"
    assert any(text.startswith("‖∇‖") for text in texts)
    several = plot_datapoint_graph(MLP.create(3, [4, 3], seed=2), (1, 2, 3), direction="TB")
    texts = [text.get_text() for text in several.texts]
    assert not any(text.startswith("grad") for text in texts)  # no loss, no gradients
    assert sum(text.startswith("‖w‖ ") for text in texts) == 4 + 3  # a weight norm per neuron
    assert {"output 0", "output 1", "output 2"} <= set(texts)


@pytest.mark.parametrize("direction", ["LR", "TB"])
def test_the_datapoint_graph_of_a_k_output_model_shows_its_cross_entropy(direction: str) -> None:
    model = MLP.create(2, [5, 4], seed=3)
    point, target = [0.5, -1.0], 2
    ax = plot_datapoint_graph(model, point, target, direction=direction)
    loss = cross_entropy(model, [point], [target]).data_loss  # the same loss, by the library
    logits = [value.data for value in model.forward(point)]
    largest = max(logits)
    exps = [math.exp(logit - largest) for logit in logits]
    probabilities = [e / sum(exps) for e in exps]
    texts = [text.get_text() for text in ax.texts]
    title = next(text for text in texts if text.startswith("One datapoint"))
    assert "target class 2" in title
    assert title.endswith(f"loss {format_number(loss.data)}, grad = d loss / d node")
    assert "cross-entropy loss" in texts and "output 2 = target" in texts
    softmax = texts.index("softmax")  # the logsumexp node: its local derivatives, one a class
    assert texts[softmax + 3] == "d/d output = p:"
    assert texts[softmax + 4 : softmax + 8] == [
        f"{k}: {format_number(p)}" for k, p in enumerate(probabilities)
    ]
    for k, p in enumerate(probabilities):  # d loss / d output k = p_k - [k is the target]
        box = texts.index(f"output {k}" if k != target else "output 2 = target")
        assert texts[box + 2] == f"grad {format_number(p - (k == target))}"
    loss_box = texts.index("loss")
    assert texts[loss_box + 1 : loss_box + 3] == [f"data {format_number(loss.data)}", "grad 1"]
    ops = {gid(patch) for patch in ax.patches if gid(patch).startswith("op-")}
    assert len(ops) == 5 + 4 + 2  # the neurons, logsumexp and the subtraction
    legend = ax.get_legend()
    assert legend is not None
    labels = [text.get_text() for text in legend.get_texts()]
    assert labels[-1] == "loss" and "constant" not in labels  # no constant in this loss
    assert_no_edge_crosses_a_box(ax)


def test_the_datapoint_graph_draws_on_the_given_axes() -> None:
    figure = Figure(figsize=(8, 5))
    ax = figure.add_subplot()
    assert plot_datapoint_graph(MLP.create(2, [4, 1], seed=0), [0, 0], -1, ax=ax) is ax
    assert figure.axes == [ax] and ax.patches and ax.get_legend() is not None


def test_the_datapoint_graph_refuses_bad_arguments() -> None:
    model = MLP.create(2, [4, 1], seed=0)
    with pytest.raises(InvalidTypeError, match="model must be an MLP, got str"):
        plot_datapoint_graph("model", [0.0, 0.0])  # type: ignore[arg-type]  # bad on purpose
    with pytest.raises(InvalidTypeError, match="point must be a sequence of 2 numbers"):
        plot_datapoint_graph(model, 0.5)  # type: ignore[arg-type]  # bad on purpose
    with pytest.raises(InvalidValueError, match="point has 3 numbers but the model takes 2"):
        plot_datapoint_graph(model, [0.0, 0.0, 0.0])
    with pytest.raises(InvalidValueError, match=re.escape("point[1] must be finite")):
        plot_datapoint_graph(model, [0.0, math.nan])
    with pytest.raises(InvalidValueError, match=r"target must be -1\.0 or 1\.0"):
        plot_datapoint_graph(model, [0.0, 0.0], target=0.5)
    with pytest.raises(InvalidTypeError, match="target must be a real number"):
        plot_datapoint_graph(model, [0.0, 0.0], target="1")  # type: ignore[arg-type]
    three = MLP.create(2, [4, 3], seed=0)
    for bad in (3, -1, 1.5):
        with pytest.raises(InvalidValueError, match="target must be a class index from 0 to 2"):
            plot_datapoint_graph(three, [0.0, 0.0], target=bad)
    with pytest.raises(InvalidTypeError, match="target must be a real number"):
        plot_datapoint_graph(three, [0.0, 0.0], target=True)
    with pytest.raises(InvalidValueError, match=r"layer 40 wide .* draw a narrower model"):
        plot_datapoint_graph(MLP.create(2, [40, 1], seed=0), [0.0, 0.0])
    with pytest.raises(InvalidTypeError, match="ax must be a matplotlib Axes or None"):
        plot_datapoint_graph(model, [0.0, 0.0], ax=Figure())  # type: ignore[arg-type]


def test_no_pyplot_figure_is_left_open() -> None:
    import matplotlib.pyplot as plt

    plt.close("all")
    _, y = warmup()
    plot_graph(y, direction="TB")
    plot_datapoint_graph(MLP.create(2, [4, 1], seed=0), [0.0, 0.0], 1.0)
    assert plt.get_fignums() == []


def test_the_readme_shows_both_pictures_as_small_pngs() -> None:
    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    for name in ("warmup_graph.png", "datapoint_graph.png"):
        assert f"](docs/images/{name})" in readme, name
        picture = root / "docs" / "images" / name
        width, height = png_size(picture)
        assert picture.stat().st_size < 200_000 and max(width, height) <= 2000, name
