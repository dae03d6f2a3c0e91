"""Plots render headless to real PNGs of the documented size, on the given Axes or a new figure."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from mgfunc import Value, backward
from mgfunc.datasets import Dataset, moons
from mgfunc.errors import InvalidTypeError, InvalidValueError
from mgfunc.nn import MLP
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
)
from mgfunc.topology import topological_order
from mgfunc.trainer import TrainingRun, train

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


def warmup() -> Value:
    x = Value(-4.0, label="x")
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    return h + q + q * x


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
    y = warmup()
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
    assert plot_graph(warmup(), ax=ax) is ax
    assert ax.patches and not any("grad" in text.get_text() for text in ax.texts)


def test_plot_graph_refuses_a_big_graph_pointing_to_to_dot() -> None:
    total = Value(0.0)
    for _ in range(MAX_GRAPH_NODES):
        total = total + 1.0
    with pytest.raises(InvalidValueError, match=r"mgfunc\.graph\.to_dot"):
        plot_graph(total)


def test_figure_of_gives_the_savable_top_level_figure() -> None:
    figure = Figure()
    assert figure_of(plot_graph(warmup(), ax=figure.add_subplot())) is figure
    left = figure.add_subfigure(figure.add_gridspec(1, 2)[0])
    assert figure_of(left.add_subplot()) is figure  # a subfigure's Axes: its parent figure
    ax = plot_graph(warmup())
    assert figure_of(ax) is ax.figure  # a new figure of its own
    with pytest.raises(InvalidTypeError, match="ax must be a matplotlib Axes, got Figure"):
        figure_of(figure)  # type: ignore[arg-type]  # bad on purpose


def test_plots_refuse_bad_arguments(dataset: Dataset, run: TrainingRun) -> None:
    with pytest.raises(InvalidTypeError, match="ax must be a matplotlib Axes or None, got str"):
        plot_dataset(dataset, ax="left")  # type: ignore[arg-type]  # bad on purpose
    with pytest.raises(InvalidTypeError, match="ax must be"):
        plot_graph(warmup(), ax=Figure())  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match="grads must be a Gradients table"):
        plot_graph(warmup(), {})  # type: ignore[arg-type]
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
    plot_graph(warmup(), backward(warmup()))
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
    assert outside == ["__main__.py"]
