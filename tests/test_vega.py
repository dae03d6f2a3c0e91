"""The Altair charts: built from plot_data's rows, with tooltips, any number of classes, offline."""

from __future__ import annotations

import io
import math
import re
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

import altair as alt
import pytest
from PIL import Image

from mgfunc import plot_data, vega
from mgfunc.datasets import Dataset, blobs, moons, yin_yang
from mgfunc.errors import InvalidTypeError, InvalidValueError
from mgfunc.losses import cross_entropy, logistic, max_margin
from mgfunc.nn import MLP
from mgfunc.optim import adam
from mgfunc.plots import _common
from mgfunc.trainer import TrainingRun, train
from tests.runs import three_class_run


@pytest.fixture(scope="module")
def moons_run() -> tuple[Dataset, TrainingRun]:
    data = moons(30, seed=0)
    return data, train(MLP.create(2, [8, 1], seed=0), data, steps=6, learning_rate=0.3)


@pytest.fixture(scope="module")
def yin_yang_run() -> tuple[Dataset, TrainingRun]:
    run, (train_part, _) = three_class_run(
        60, (0.75, 0.25), seed=0, hidden=6, steps=5, optimizer=adam(0.05)
    )
    return train_part, run


def layer_values(
    spec: Mapping[str, object], layer: Mapping[str, object]
) -> list[dict[str, object]]:
    """The inline rows a (layer of a) chart spec draws: Altair moves them to ``datasets``."""
    datasets = spec["datasets"]
    data = layer["data"]
    assert isinstance(datasets, dict) and isinstance(data, dict)
    values: list[dict[str, object]] = datasets[data["name"]]
    return values


def number(value: object) -> float:
    assert isinstance(value, (int, float)), value
    return float(value)


def tooltip_fields(layer: Mapping[str, object]) -> list[str]:
    encoding = layer["encoding"]
    assert isinstance(encoding, dict)
    return [tip["field"] for tip in encoding["tooltip"]]


def test_the_dataset_chart_has_a_row_and_a_tooltip_per_point() -> None:
    data = yin_yang(30, seed=1)
    spec = vega.dataset_chart(data, width=300, height=200).to_dict()
    rows = layer_values(spec, spec)
    assert [(row["x"], row["y"], row["label"]) for row in rows] == [
        (p.x, p.y, p.label) for p in plot_data.dataset_points(data)
    ]
    assert tooltip_fields(spec) == ["x", "y", "label"]
    assert (spec["width"], spec["height"]) == (300, 200)
    scale = spec["encoding"]["color"]["scale"]
    assert scale["domain"] == ["yin", "yang", "dots"]  # the legend names the classes
    assert [row["class"] for row in rows] == [data.class_names[p.label] for p in data.points]


def test_the_class_colours_are_those_of_the_matplotlib_plots() -> None:
    # the same class has the same colour whichever library draws it
    assert vega.CLASS_COLORS == _common._CLASS_COLORS
    spec = vega.dataset_chart(blobs(20, classes=4, seed=0)).to_dict()
    assert spec["encoding"]["color"]["scale"]["range"] == list(vega.CLASS_COLORS[:4])


def test_the_boundary_chart_draws_the_grid_and_the_points_with_their_loss(
    moons_run: tuple[Dataset, TrainingRun],
) -> None:
    data, run = moons_run
    model = run.final_model
    spec = vega.boundary_chart(model, data, h=0.5).to_dict()
    background, foreground = spec["layer"]
    assert background["mark"]["type"] == "rect" and foreground["mark"]["type"] == "point"
    grid = plot_data.decision_boundary(model, data, h=0.5)
    cells = layer_values(spec, background)
    assert len(cells) == len(grid)
    assert [cell["score"] for cell in cells] == [row.score for row in grid]
    # a one-output model's -1 / 1 predictions are drawn as classes 0 / 1
    assert {cell["predicted"] for cell in cells} <= {0, 1}
    names = ["label -1", "label +1"]  # moons' class names, in class order
    assert all(cell["class"] == names[int(str(cell["predicted"]))] for cell in cells)
    assert all(number(cell["x1"]) - number(cell["x0"]) == pytest.approx(0.5) for cell in cells)
    assert tooltip_fields(background) == ["x", "y", "score", "predicted"]
    assert tooltip_fields(foreground) == ["x", "y", "label", "predicted", "correct", "loss"]

    points = layer_values(spec, foreground)
    assert len(points) == len(data.points)
    for point, (x, y), label, sign in zip(points, data.xs, data.labels, data.ys):
        score = model.evaluate((x, y))[0]
        assert point["predicted"] == (1 if score > 0 else 0)
        assert point["label"] == label
        assert point["loss"] == pytest.approx(max(0.0, 1.0 - sign * score))
    # the points' losses average to the data loss of the whole dataset
    whole = max_margin(model, data.xs, data.ys, alpha=0.0).data_loss.data
    assert sum(number(point["loss"]) for point in points) / len(points) == pytest.approx(whole)


def test_the_boundary_chart_takes_any_number_of_classes(
    yin_yang_run: tuple[Dataset, TrainingRun],
) -> None:
    data, run = yin_yang_run
    spec = vega.boundary_chart(run.final_model, data, h=0.4).to_dict()
    background, foreground = spec["layer"]
    assert background["encoding"]["color"]["scale"]["domain"] == ["yin", "yang", "dots"]
    points = layer_values(spec, foreground)
    outputs = run.final_model.evaluate_many(data.xs)
    assert [p["predicted"] for p in points] == [list(o).index(max(o)) for o in outputs]
    whole = cross_entropy(run.final_model, data.xs, data.labels, alpha=0.0).data_loss.data
    assert sum(number(p["loss"]) for p in points) / len(points) == pytest.approx(whole)
    correct = sum(p["correct"] == "yes" for p in points) / len(points)
    assert correct == pytest.approx(run.final_accuracy)


def test_point_rows_follow_the_loss_asked_for(moons_run: tuple[Dataset, TrainingRun]) -> None:
    data, run = moons_run
    rows = vega.point_rows(run.final_model, data, loss=logistic)
    for row, (x, y), sign in zip(rows, data.xs, data.ys):
        score = run.final_model.evaluate((x, y))[0]
        assert row["loss"] == pytest.approx(math.log1p(math.exp(-sign * score)))


def test_the_loss_and_accuracy_charts_show_validation_when_the_run_has_it(
    moons_run: tuple[Dataset, TrainingRun], yin_yang_run: tuple[Dataset, TrainingRun]
) -> None:
    _, plain = moons_run
    _, validated = yin_yang_run
    for run, metrics in (
        (plain, {"total", "data", "regularization"}),
        (validated, {"total", "data", "regularization", "validation"}),
    ):
        spec = vega.loss_chart(run).to_dict()
        rows = layer_values(spec, spec)
        assert {row["metric"] for row in rows} == metrics
        assert len(rows) == len(plot_data.loss_history(run))
        assert tooltip_fields(spec) == ["step", "metric", "value"]
    accuracy = vega.accuracy_chart(validated).to_dict()
    assert {row["metric"] for row in layer_values(accuracy, accuracy)} == {
        "accuracy",
        "validation accuracy",
    }
    assert accuracy["encoding"]["y"]["scale"]["domain"] == [0.0, 100.0]
    assert "validation" in accuracy["title"]


def test_runs_and_datasets_side_by_side(moons_run: tuple[Dataset, TrainingRun]) -> None:
    data, run = moons_run
    other = train(MLP.create(2, [8, 1], seed=0), data, steps=3, learning_rate=0.1)
    spec = vega.loss_comparison_chart({"long": run, "short": other}).to_dict()
    rows = layer_values(spec, spec)
    assert [row["run"] for row in rows] == ["long"] * 6 + ["short"] * 3
    assert spec["encoding"]["color"]["sort"] == ["long", "short"]
    with pytest.raises(InvalidValueError, match="metric 'validation' is in none"):
        vega.loss_comparison_chart({"long": run}, metric="validation")

    facets = vega.datasets_chart({"moons": data, "three": yin_yang(12, seed=0)}).to_dict()
    assert facets["facet"]["sort"] == ["moons", "three"]
    assert facets["columns"] == 2
    rows = layer_values(facets, facets)
    assert {row["dataset"] for row in rows} == {"moons", "three"}
    # names that differ between the datasets give way to class numbers
    domain = facets["spec"]["encoding"]["color"]["scale"]["domain"]
    assert domain == ["class 0", "class 1", "class 2"]
    same = vega.datasets_chart({"a": data, "b": moons(5, seed=1)}).to_dict()
    assert same["spec"]["encoding"]["color"]["scale"]["domain"] == ["label -1", "label +1"]


def test_bad_arguments_are_refused_before_any_work(
    moons_run: tuple[Dataset, TrainingRun],
) -> None:
    data, run = moons_run
    with pytest.raises(InvalidTypeError, match="dataset must be a Dataset"):
        vega.dataset_chart([(0.0, 1.0)])  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match="width"):
        vega.dataset_chart(data, width=0)
    with pytest.raises(InvalidTypeError, match="run must be a TrainingRun"):
        vega.loss_chart(data)  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match="model must be an MLP"):
        vega.boundary_chart(run, data)  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match="loss must be a loss function"):
        vega.point_rows(run.final_model, data, loss="hinge")  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match="h is the grid step"):
        vega.boundary_chart(run.final_model, data, h=-1.0)
    with pytest.raises(InvalidTypeError, match="runs must be a non-empty mapping"):
        vega.loss_comparison_chart([run])  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match="datasets must be a non-empty mapping"):
        vega.datasets_chart({})
    with pytest.raises(InvalidTypeError, match="chart must be an Altair chart"):
        vega.to_png({"mark": "point"})  # type: ignore[arg-type]


def png_picture(png: bytes) -> Image.Image:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    picture = Image.open(io.BytesIO(png))
    picture.load()
    return picture.convert("RGB")


def test_a_chart_saves_offline_to_a_png_that_shows_the_classes(
    moons_run: tuple[Dataset, TrainingRun], tmp_path: Path
) -> None:
    data, run = moons_run
    chart = vega.boundary_chart(run.final_model, data, h=0.25, width=400, height=300)
    path = tmp_path / "boundary.png"
    chart.save(path)  # Altair's own save renders with vl-convert, offline
    picture = png_picture(path.read_bytes())
    # the plot area plus axes, legend and title: larger than the plot, not absurdly so
    assert 400 < picture.width < 600 and 300 < picture.height < 450
    colours = picture.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50  # not blank: fills, points, text
    # both class colours are drawn, as points (full colour) and as the background (faded)
    present = {colour for _count, colour in colours}
    for hex_colour in vega.CLASS_COLORS[:2]:
        rgb = tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
        assert rgb in present, hex_colour
    doubled = png_picture(vega.to_png(chart, scale=2.0))
    assert (doubled.width, doubled.height) == (2 * picture.width, 2 * picture.height)


@pytest.fixture
def offline_renderer() -> Iterator[None]:
    before = alt.renderers.active
    vega.enable_offline_rendering()
    yield
    alt.renderers.enable(before)


def test_offline_html_needs_no_network(moons_run: tuple[Dataset, TrainingRun]) -> None:
    data, _ = moons_run
    first = vega.offline_html(vega.dataset_chart(data))
    second = vega.offline_html(vega.dataset_chart(data))
    for page in (first, second):
        assert '<script type="module">' in page  # the bundle's names stay in its own scope
        assert not re.search(r"<script[^>]*\ssrc=|<link|@import", page)  # nothing fetched
        assert "window.vegaEmbed" in page and len(page) > 100_000  # the libraries travel along
    assert first.split('"')[1] != second.split('"')[1]  # two charts, two elements


def test_the_offline_renderer_shows_html_and_a_png(
    offline_renderer: None, yin_yang_run: tuple[Dataset, TrainingRun]
) -> None:
    data, run = yin_yang_run
    for chart in (
        vega.boundary_chart(run.final_model, data, h=0.5),
        vega.loss_chart(run),
        vega.datasets_chart({"a": data}),
        vega.dataset_chart(data) | vega.loss_chart(run),  # any Altair chart, side by side too
    ):
        shown = chart._repr_mimebundle_()
        assert isinstance(shown, dict)  # what IPython displays
        assert set(shown) == {"text/html", "image/png", "text/plain"}
        assert '<script type="module">' in shown["text/html"]
        png = shown["image/png"]
        assert isinstance(png, bytes)
        png_picture(png)


def test_import_mgfunc_loads_no_altair() -> None:
    code = (
        "import sys, mgfunc, mgfunc.plot_data; "
        "print(sorted({'altair', 'vl_convert'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
