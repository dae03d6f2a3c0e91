"""Plots render headless to real PNGs of the documented size, on the given Axes or a new figure."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import attrs
import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure
from matplotlib.image import AxesImage

from mgfunc import Value, backward
from mgfunc.datasets import Dataset, moons, spiral
from mgfunc.errors import InvalidTypeError, InvalidValueError
from mgfunc.nn import MLP
from mgfunc.plot_data import decision_boundary
from mgfunc.plots import (
    DPI,
    MAX_GRAPH_NODES,
    SQUARE_FIGSIZE,
    WIDE_FIGSIZE,
    figure_of,
    plot_accuracy,
    plot_dataset,
    plot_decision_boundary,
    plot_graph,
    plot_loss,
    plot_neurons,
)
from mgfunc.topology import topological_order
from mgfunc.trainer import TrainingRun, train
from tests.expressions import warmup

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk, after checking the signature."""
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE, f"{path} is not a PNG"
    assert data[12:16] == b"IHDR"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def pixels(figsize: tuple[float, float]) -> tuple[int, int]:
    return round(figsize[0] * DPI), round(figsize[1] * DPI)


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return moons(20, noise=0.1, seed=5)


@pytest.fixture(scope="module")
def run(dataset: Dataset) -> TrainingRun:
    return train(MLP.create(2, [8, 8, 1], seed=5), dataset, steps=4, learning_rate=0.3)


def plots(
    dataset: Dataset, run: TrainingRun
) -> dict[str, tuple[Callable[[Axes | None], Axes], tuple[float, float]]]:
    return {
        "dataset": (lambda ax: plot_dataset(dataset, ax=ax), SQUARE_FIGSIZE),
        "loss": (lambda ax: plot_loss(run, ax=ax), WIDE_FIGSIZE),
        "accuracy": (lambda ax: plot_accuracy(run, ax=ax), WIDE_FIGSIZE),
        "boundary": (
            lambda ax: plot_decision_boundary(run.final_model, dataset, ax=ax),
            SQUARE_FIGSIZE,
        ),
    }


@pytest.mark.parametrize("name", ["dataset", "loss", "accuracy", "boundary"])
def test_each_plot_saves_a_png_of_the_documented_size(
    dataset: Dataset, run: TrainingRun, tmp_path: Path, name: str
) -> None:
    draw, figsize = plots(dataset, run)[name]
    ax = draw(None)
    figure = ax.figure
    assert isinstance(figure, Figure)
    path = tmp_path / f"{name}.png"
    figure.savefig(path)
    assert png_size(path) == pixels(figsize)
    assert ax.get_title() and ax.get_xlabel()


@pytest.mark.parametrize("name", ["dataset", "loss", "accuracy", "boundary"])
def test_each_plot_draws_on_the_given_axes(dataset: Dataset, run: TrainingRun, name: str) -> None:
    figure = Figure()
    ax = figure.add_subplot()
    draw, _ = plots(dataset, run)[name]
    assert draw(ax) is ax
    assert len(figure.axes) == 1  # nothing else was added
    assert ax.lines or ax.collections


def test_the_plots_show_what_they_say(dataset: Dataset, run: TrainingRun) -> None:
    assert [line.get_label() for line in plot_loss(run).lines] == [
        "total loss",
        "data loss",
        "regularization loss",
    ]
    total = plot_loss(run).lines[0]
    assert list(total.get_ydata()) == [row.loss for row in run.history]  # type: ignore[arg-type]
    accuracy = plot_accuracy(run).lines[0]
    assert list(accuracy.get_ydata()) == [row.accuracy * 100 for row in run.history]  # type: ignore[arg-type]
    ax = plot_dataset(dataset)
    legend = ax.get_legend()
    assert legend is not None
    assert [text.get_text() for text in legend.get_texts()] == ["label -1", "label +1"]
    sizes = [np.asarray(collection.get_offsets()).shape[0] for collection in ax.collections]
    assert sum(sizes) == len(dataset) and len(sizes) == 2


def test_boundary_with_a_one_cell_grid_still_renders(
    dataset: Dataset, run: TrainingRun, tmp_path: Path
) -> None:
    ax = plot_decision_boundary(run.final_model, dataset, h=50.0)
    assert ax.collections
    figure = ax.figure
    assert isinstance(figure, Figure)
    figure.savefig(tmp_path / "tiny.png")
    assert png_size(tmp_path / "tiny.png") == pixels(SQUARE_FIGSIZE)


def test_plot_graph_draws_every_node_and_saves_at_its_own_size(tmp_path: Path) -> None:
    _, y = warmup()
    grads = backward(y)
    ax = plot_graph(y, grads)
    order = topological_order(y)
    computed = [node for node in order if node.inputs]
    kinds = [str(patch.get_gid()).split("-")[0] for patch in ax.patches]
    assert kinds.count("box") == len(order)  # a box per node
    assert kinds.count("op") == len(computed)  # a circle per op
    texts = [text.get_text() for text in ax.texts]
    assert texts[texts.index("x") : texts.index("x") + 3] == ["x", "data -4", "grad 46"]
    assert "data -20" in texts
    figure = ax.figure
    assert isinstance(figure, Figure)
    figure.savefig(tmp_path / "graph.png")
    width, height = png_size(tmp_path / "graph.png")
    assert (width, height) == pixels(tuple(figure.get_size_inches()))
    assert width > height  # laid out left to right


def test_plot_graph_without_gradients_and_on_given_axes() -> None:
    figure = Figure(figsize=(8, 3))
    ax = figure.add_subplot()
    assert plot_graph(warmup()[1], ax=ax) is ax
    assert ax.patches and not any("grad" in text.get_text() for text in ax.texts)


def test_plot_graph_refuses_a_big_graph_pointing_to_to_dot() -> None:
    total = Value(0.0)
    for _ in range(MAX_GRAPH_NODES):
        total = total + 1.0
    with pytest.raises(InvalidValueError, match=r"mgfunc\.graph\.to_dot"):
        plot_graph(total)


def test_figure_of_gives_the_savable_top_level_figure() -> None:
    figure = Figure()
    assert figure_of(plot_graph(warmup()[1], ax=figure.add_subplot())) is figure
    left = figure.add_subfigure(figure.add_gridspec(1, 2)[0])
    assert figure_of(left.add_subplot()) is figure  # a subfigure's Axes: its parent figure
    ax = plot_graph(warmup()[1])
    assert figure_of(ax) is ax.figure  # a new figure of its own
    with pytest.raises(InvalidTypeError, match="ax must be a matplotlib Axes, got Figure"):
        figure_of(figure)  # type: ignore[arg-type]  # bad on purpose


def test_plots_refuse_bad_arguments(dataset: Dataset, run: TrainingRun) -> None:
    with pytest.raises(InvalidTypeError, match="ax must be a matplotlib Axes or None, got str"):
        plot_dataset(dataset, ax="left")  # type: ignore[arg-type]  # bad on purpose
    with pytest.raises(InvalidTypeError, match="ax must be"):
        plot_graph(warmup()[1], ax=Figure())  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match="grads must be a Gradients table"):
        plot_graph(warmup()[1], {})  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match="output must be a Value"):
        plot_graph(3.0)  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match="run must be a TrainingRun"):
        plot_loss(dataset)  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match=r"\bh\b"):
        plot_decision_boundary(run.final_model, dataset, h=-1.0)


def test_no_pyplot_figure_is_left_open(dataset: Dataset, run: TrainingRun) -> None:
    import matplotlib.pyplot as plt

    plt.close("all")
    for draw, _ in plots(dataset, run).values():
        draw(None)
    plot_graph(warmup()[1], backward(warmup()[1]))
    assert plt.get_fignums() == []


def test_importing_the_plots_needs_no_pyplot_and_no_display() -> None:
    code = "import sys, mgfunc.plots; print('matplotlib.pyplot' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip() == "False"


# Every name mgfunc.plots exported while it was one module, before it became a package.
EXPORTED_BEFORE_THE_PACKAGE = (
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
)


def test_every_name_still_imports_from_mgfunc_plots() -> None:
    import mgfunc.plots

    missing = [name for name in EXPORTED_BEFORE_THE_PACKAGE if not hasattr(mgfunc.plots, name)]
    assert not missing
    assert set(EXPORTED_BEFORE_THE_PACKAGE) <= set(mgfunc.plots.__all__)


def test_only_the_plots_package_and_the_command_line_import_matplotlib() -> None:
    package = Path(__file__).resolve().parent.parent / "mgfunc"
    importers = {
        path.relative_to(package).as_posix()
        for path in package.rglob("*.py")
        if any(
            line.lstrip().startswith(("import matplotlib", "from matplotlib"))
            for line in path.read_text(encoding="utf-8").splitlines()
        )
    }
    assert "plots/charts.py" in importers  # the scan sees the imports it looks for
    outside = sorted(name for name in importers if not name.startswith("plots/"))
    # The playground is seeing too: it holds the figures mgfunc.plots draws and renders them.
    assert outside == ["__main__.py", "playground.py"]


def all_axes(canvas: Figure | SubFigure) -> list[Axes]:
    """The Axes on ``canvas`` and on its subfigures, at any depth."""
    nested = [*canvas.get_axes(), *(axes for sub in canvas.subfigs for axes in all_axes(sub))]
    return list(dict.fromkeys(nested))  # a Figure lists its subfigures' Axes too


def neuron_maps(canvas: Figure | SubFigure) -> dict[str, AxesImage]:
    """The heatmaps plot_neurons drew, by gid."""
    return {
        image.get_gid() or "": image for axes in all_axes(canvas) for image in axes.get_images()
    }


def test_plot_neurons_draws_one_map_per_hidden_neuron_with_its_outputs(
    dataset: Dataset, tmp_path: Path
) -> None:
    model = train(MLP.create(2, [5, 3, 1], seed=2), dataset, steps=3).final_model
    figure = plot_neurons(model, dataset, h=0.5)
    maps = neuron_maps(figure)
    assert sorted(maps) == sorted(
        [f"neuron-0-{n}" for n in range(5)] + [f"neuron-1-{n}" for n in range(3)]
    )
    rows = decision_boundary(model, dataset, h=0.5)
    width = sum(1 for row in rows if row.y == rows[0].y)
    expected: dict[str, list[float]] = {gid: [] for gid in maps}
    for row in rows:  # every grid point through the layers, one neuron at a time
        first = model.layers[0].evaluate((row.x, row.y))
        second = model.layers[1].evaluate(first)
        for layer, outputs in enumerate((first, second)):
            for neuron, value in enumerate(outputs):
                expected[f"neuron-{layer}-{neuron}"].append(value)
    for gid, image in maps.items():
        drawn = np.asarray(image.get_array())
        assert drawn.shape == (len(rows) // width, width)  # one row per grid y
        assert drawn.ravel().tolist() == expected[gid], gid
        low, high = image.get_clim()
        assert low == -high and high >= float(np.abs(drawn).max())  # 0 is the middle colour
    # The last Axes is the decision boundary with the points, as plot_decision_boundary.
    output = all_axes(figure)[-1]
    assert output.get_title() == "Output: the predicted class"
    assert sum(np.asarray(c.get_offsets()).shape[0] for c in output.collections[-2:]) == 20
    path = tmp_path / "neurons.png"
    figure.savefig(path)
    assert png_size(path)[0] > png_size(path)[1] > 0


def test_plot_neurons_draws_a_k_class_boundary_on_a_given_subfigure() -> None:
    data = spiral(20, classes=3, seed=0)
    model = MLP.create(2, [4, 3], seed=1)
    figure = Figure()
    halves = figure.add_gridspec(1, 2)
    left, right = figure.add_subfigure(halves[0]), figure.add_subfigure(halves[1])
    assert plot_neurons(model, data, h=0.5, figure=right) is right
    assert not left.get_axes()  # nothing drawn beside it
    assert len(neuron_maps(right)) == 4
    output = all_axes(right)[-1]
    legend = output.get_legend()
    assert legend is not None
    assert [text.get_text() for text in legend.get_texts()] == ["class 0", "class 1", "class 2"]


def test_plot_neurons_wraps_wide_layers_and_names_dead_neurons(dataset: Dataset) -> None:
    model = MLP.create(2, [10, 1], seed=3)
    dead = attrs.evolve(
        model.layers[0].neurons[0],
        weights=(Value(0.0), Value(0.0)),
        bias=Value(-1.0),
    )
    layers = (attrs.evolve(model.layers[0], neurons=(dead, *model.layers[0].neurons[1:])),)
    figure = plot_neurons(MLP(layers=(*layers, model.layers[1])), dataset, columns=4)
    maps = neuron_maps(figure)
    titles = {gid: image.axes.get_title() for gid, image in maps.items() if image.axes}
    assert titles["neuron-0-0"] == "0: dead"
    assert titles["neuron-0-1"].startswith("1: 0 to ")
    rows = {round(image.axes.get_position().y0, 3) for image in maps.values() if image.axes}
    assert len(rows) == 3  # 10 maps, 4 to a row


def test_plot_neurons_refuses_bad_input_before_drawing(dataset: Dataset) -> None:
    import matplotlib.pyplot as plt

    model = MLP.create(2, [3, 1], seed=0)
    with pytest.raises(InvalidTypeError, match="model must be an MLP"):
        plot_neurons("model", dataset)  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match=r"no hidden layer.*plot_decision_boundary"):
        plot_neurons(MLP.create(2, [1], seed=0), dataset)
    with pytest.raises(InvalidValueError, match="columns"):
        plot_neurons(model, dataset, columns=0)
    figure = Figure()
    with pytest.raises(InvalidTypeError, match="figure must be a matplotlib Figure"):
        plot_neurons(model, dataset, figure=figure.add_subplot())  # type: ignore[type-var]
    with pytest.raises(InvalidValueError, match="h is the grid step"):
        plot_neurons(model, dataset, h=-1.0, figure=figure)
    assert len(figure.get_axes()) == 1 and not figure.subfigs  # only the Axes made above
    with pytest.raises(InvalidValueError, match="300 hidden neurons"):
        plot_neurons(MLP.create(2, [300, 1], seed=0), dataset)
    assert plt.get_fignums() == []


def test_the_demo_writes_neurons_png_and_says_when_it_leaves_it_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from mgfunc.__main__ import main

    arguments = ["demo", "--steps", "1", "--samples", "10", "--h", "0.5"]
    assert main([*arguments, "--out", str(tmp_path / "a"), "--layers", "3,1"]) == 0
    assert png_size(tmp_path / "a" / "neurons.png")[0] > 0
    assert main([*arguments, "--out", str(tmp_path / "b"), "--layers", "1"]) == 0
    assert "neurons.png left out: 0 hidden neurons" in capsys.readouterr().out
    assert not (tmp_path / "b" / "neurons.png").exists()


def test_plot_neurons_refuses_columns_past_the_most_maps_by_name() -> None:
    with pytest.raises(InvalidValueError, match="columns"):
        plot_neurons(MLP.create(2, [4, 1], seed=0), moons(20, seed=0), columns=10**400)
