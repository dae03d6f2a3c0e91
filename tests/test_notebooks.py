"""The three notebooks run top to bottom, headless, and show what their sections promise.

Each notebook is executed once per test session by a Jupyter kernel running this very
interpreter (a kernelspec written to a temporary folder, so a stray ``python3`` kernel
elsewhere on the machine cannot be picked up), from ``notebooks/`` as the working directory,
with matplotlib's non-interactive backend.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbconvert import HTMLExporter

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
KERNEL_NAME = "mgfunc-tests-python"
CELL_TIMEOUT_SECONDS = 120


@pytest.fixture(scope="module")
def kernel_environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A kernelspec for ``sys.executable`` on JUPYTER_PATH, and a headless matplotlib."""
    jupyter_path = tmp_path_factory.mktemp("jupyter")
    spec_folder = jupyter_path / "kernels" / KERNEL_NAME
    spec_folder.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python (mgfunc tests)",
        "language": "python",
    }
    (spec_folder / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(
            "JUPYTER_PATH", os.pathsep.join([str(jupyter_path), os.environ.get("JUPYTER_PATH", "")])
        )
        patch.setenv("MPLBACKEND", "Agg")
        yield


def load(name: str) -> nbformat.NotebookNode:
    """``notebooks/<name>`` as saved."""
    # nbformat.read has no annotations; the variable's annotation keeps Any from leaking.
    notebook: nbformat.NotebookNode = nbformat.read(  # type: ignore[no-untyped-call]
        NOTEBOOKS / name, as_version=4
    )
    return notebook


def execute(name: str) -> nbformat.NotebookNode:
    """Run ``notebooks/<name>`` top to bottom; any cell error raises CellExecutionError."""
    notebook = load(name)
    client = NotebookClient(
        notebook,
        kernel_name=KERNEL_NAME,
        timeout=CELL_TIMEOUT_SECONDS,
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    client.execute()
    return notebook


@pytest.fixture(scope="module")
def demo(kernel_environment: None) -> nbformat.NotebookNode:
    return execute("micrograd_demo.ipynb")


@pytest.fixture(scope="module")
def extras(kernel_environment: None) -> nbformat.NotebookNode:
    return execute("micrograd_extras.ipynb")


@pytest.fixture(scope="module")
def playground(kernel_environment: None) -> nbformat.NotebookNode:
    return execute("playground.ipynb")


def tagged(notebook: nbformat.NotebookNode, tag: str) -> nbformat.NotebookNode:
    """The one cell carrying ``tag`` in its metadata."""
    cells: list[nbformat.NotebookNode] = [
        cell for cell in notebook.cells if tag in cell.get("metadata", {}).get("tags", [])
    ]
    assert len(cells) == 1, f"expected one cell tagged {tag!r}, found {len(cells)}"
    return cells[0]


def text_of(cell: nbformat.NotebookNode) -> str:
    """What the cell printed, plus the text of what it displayed (not of images)."""
    parts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type in ("execute_result", "display_data"):
            parts.append(output.data.get("text/plain", ""))
    return "".join(parts)


def html_of(cell: nbformat.NotebookNode) -> str:
    """The HTML the cell displayed (DataFrames, the animation)."""
    return "".join(
        output.data.get("text/html", "")
        for output in cell.get("outputs", [])
        if output.output_type in ("execute_result", "display_data")
    )


def image_count(cells: Iterable[nbformat.NotebookNode]) -> int:
    """How many PNG images the cells displayed."""
    return sum(
        "image/png" in output.get("data", {})
        for cell in cells
        for output in cell.get("outputs", [])
    )


def table_column(text: str, column: str) -> list[str]:
    """One column of a narrow DataFrame's text: a header line, then an index and values a row."""
    header, *rows = text.strip().splitlines()
    index = header.split().index(column) + 1  # each row starts with the DataFrame's index
    return [row.split()[index] for row in rows]


def is_dataframe(cell: nbformat.NotebookNode) -> bool:
    """Whether the cell showed a pandas DataFrame (its HTML table)."""
    return '<table border="1" class="dataframe">' in html_of(cell)


def stderr_of(notebook: nbformat.NotebookNode) -> str:
    return "".join(
        output.text
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if output.output_type == "stream" and output.name == "stderr"
    )


@pytest.mark.parametrize(
    "name", ["micrograd_demo.ipynb", "micrograd_extras.ipynb", "playground.ipynb"]
)
def test_notebooks_are_committed_without_outputs(name: str) -> None:
    notebook = load(name)
    nbformat.validate(notebook)
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code_cells, f"{name} has no code cells"
    for cell in code_cells:
        assert cell.outputs == [] and cell.execution_count is None, (
            f"{name} was saved with outputs; clear them before committing "
            f"(first line of the cell: {cell.source.splitlines()[0]!r})"
        )


def test_demo_warmup_gives_micrograds_numbers_and_no_grad_field(
    demo: nbformat.NotebookNode,
) -> None:
    text = text_of(tagged(demo, "warmup"))
    assert "y = -20.0" in text
    assert "dy/dx = 46.0" in text
    assert 'hasattr(x, "grad") = False' in text
    assert "backward(y)" in text  # the AttributeError points to where gradients live


def test_demo_shows_the_graph_as_tables_dot_and_a_picture(demo: nbformat.NotebookNode) -> None:
    assert "local_gradient" in text_of(tagged(demo, "graph-edges"))
    node_table = text_of(tagged(demo, "graph-nodes"))
    assert node_table.split("\n")[0].split() == ["id", "label", "op", "data", "grad"]
    assert re.search(r"^0 +0 +x +-4\.0 +46\.0$", node_table, re.MULTILINE)  # dy/dx = 46
    assert re.search(r"^13 +13 +\+ +-20\.0 +1\.0$", node_table, re.MULTILINE)  # y = -20
    assert text_of(tagged(demo, "graph-dot")).startswith("digraph")
    assert image_count([tagged(demo, "graph-plot")]) == 1


def test_demo_model_has_the_official_parameter_count(demo: nbformat.NotebookNode) -> None:
    text = text_of(tagged(demo, "parameters"))
    assert "16 * (2 weights + 1 bias) = 48" in text
    assert "16 * (16 weights + 1 bias) = 272" in text
    assert "1 * (16 weights + 1 bias) = 17" in text
    assert "337 parameters" in text


def test_demo_trains_to_full_accuracy_and_keeps_the_old_model(
    demo: nbformat.NotebookNode,
) -> None:
    assert "final accuracy  1.00 (100.0%)" in text_of(tagged(demo, "training"))
    history = text_of(tagged(demo, "history"))
    assert "[100 rows x 6 columns]" in history and "learning_rate" in history
    assert "the original model is unchanged" in text_of(tagged(demo, "unchanged"))


def is_offline_vega_chart(cell: nbformat.NotebookNode) -> bool:
    """Whether the cell showed one Vega-Lite chart that draws without the network."""
    page = html_of(cell)
    return (
        page.count('<script type="module">') == 1
        and "window.vegaEmbed" in page
        and not re.search(r"<script[^>]*\ssrc=|<link", page)
    )


def test_demo_draws_every_chart(demo: nbformat.NotebookNode) -> None:
    # dataset, graph, loss, accuracy, boundary; one more if Graphviz is installed
    assert image_count(demo.cells) >= 5
    for tag in ("dataset-plot", "loss-plot", "accuracy-plot", "boundary-plot"):
        cell = tagged(demo, tag)
        # the seed's Vega-Lite charts, with a PNG for viewers that run no JavaScript
        assert is_offline_vega_chart(cell), tag
        assert image_count([cell]) == 1, tag
    boundary = html_of(tagged(demo, "boundary-plot"))
    assert '"field": "loss"' in boundary or '"field":"loss"' in boundary  # the points' tooltip
    assert "Traceback" not in stderr_of(demo)


@pytest.mark.parametrize("tag", ["graph-nodes", "graph-edges", "points-table", "history"])
def test_demo_tables_are_dataframes(demo: nbformat.NotebookNode, tag: str) -> None:
    assert is_dataframe(tagged(demo, tag))


@pytest.mark.parametrize(
    "tag", ["architectures", "regularization", "resolution", "failure", "yin-yang"]
)
def test_extras_tables_are_dataframes(extras: nbformat.NotebookNode, tag: str) -> None:
    assert is_dataframe(tagged(extras, tag))


@pytest.mark.parametrize("name", ["micrograd_demo.ipynb", "micrograd_extras.ipynb"])
def test_no_hand_written_table_printer(name: str) -> None:
    sources = "\n".join(cell.source for cell in load(name).cells if cell.cell_type == "code")
    assert "show_table" not in sources and "rjust(" not in sources


def test_extras_train_three_classes_with_a_validation_set(
    extras: nbformat.NotebookNode,
) -> None:
    cell = tagged(extras, "yin-yang")
    found = re.search(r"accuracy (\d+\.\d)%, validation accuracy (\d+\.\d)%", text_of(cell))
    assert found, text_of(cell)
    assert float(found[1]) > 80.0 and float(found[2]) > 80.0  # three classes, well learned
    assert "val_accuracy" in html_of(cell)
    assert image_count([tagged(extras, "yin-yang-plot")]) == 1


def test_extras_show_the_training_animation_inline(extras: nbformat.NotebookNode) -> None:
    cell = tagged(extras, "animation")
    frames = re.search(r"(\d+) frames, at steps", text_of(cell))
    assert frames and int(frames[1]) == 16
    page = html_of(cell)
    assert "<script" in page and page.count("data:image/png;base64,") == int(frames[1])
    # offline: no icon font from the network; the buttons say what they do
    assert "font-awesome" not in page and 'class="fa' not in page
    for label in ("First frame", "Play", "Pause", "Next frame"):
        assert f'aria-label="{label}" onclick' in page and f">{label}</button>" in page


def test_extras_widgets_offer_every_control(extras: nbformat.NotebookNode) -> None:
    (shown,) = [
        output
        for output in tagged(extras, "widgets").outputs
        if output.output_type == "display_data"
    ]
    assert shown.data["text/plain"].startswith("VBox(")  # a widget without a live frontend
    # The kernel's widget models, saved in the notebook for any frontend to draw.
    models = extras.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    box = models[shown.data["application/vnd.jupyter.widget-view+json"]["model_id"]]
    assert box["model_name"] == "VBoxModel"
    children = [models[child.removeprefix("IPY_MODEL_")] for child in box["state"]["children"]]
    assert [(child["model_name"], child["state"].get("description")) for child in children] == [
        ("DropdownModel", "dataset"),
        ("FloatSliderModel", "noise"),
        ("DropdownModel", "hidden"),
        ("IntSliderModel", "steps"),
        ("SelectionSliderModel", "alpha"),
        ("ToggleButtonsModel", "optimizer"),
        ("ButtonModel", "Train"),
        ("OutputModel", None),
    ]
    called = tagged(extras, "widgets-call")  # the function behind the Train button
    assert image_count([called]) == 1
    assert re.search(r"final loss \d+\.\d+, final accuracy \d+\.\d%", text_of(called))


def test_extras_run_every_comparison(extras: nbformat.NotebookNode) -> None:
    architectures = text_of(tagged(extras, "architectures"))
    for layers, count in (("[8, 8, 1]", 105), ("[16, 16, 1]", 337), ("[32, 32, 1]", 1185)):
        assert layers in architectures and str(count) in architectures
    regularization = text_of(tagged(extras, "regularization"))
    assert all(name in regularization for name in ("no_regularization", "default", "stronger"))
    resolution = text_of(tagged(extras, "resolution"))
    assert table_column(resolution, "name") == ["coarse", "default", "fine"]
    grid_points = [int(count) for count in table_column(resolution, "grid_points")]
    assert grid_points[0] < grid_points[1] < grid_points[2]
    assert "final accuracy" in text_of(tagged(extras, "spiral"))
    failure_table = text_of(tagged(extras, "failure"))
    assert table_column(failure_table, "parameter_count") == ["5"]


def test_extras_draw_every_chart(extras: nbformat.NotebookNode) -> None:
    # dataset grid, learning-rate curves, spiral, failure, yin-yang and widget boundaries
    assert image_count(extras.cells) >= 6
    for tag in ("explorer", "learning-rates", "spiral-plot", "failure", "yin-yang-plot"):
        assert image_count([tagged(extras, tag)]) == 1, tag
    for tag in ("explorer", "learning-rates", "spiral-plot"):  # where the seed drew Vega-Lite
        assert is_offline_vega_chart(tagged(extras, tag)), tag
    assert "Traceback" not in stderr_of(extras)


def test_the_executed_extras_export_to_html_with_tables_widgets_and_pictures(
    extras: nbformat.NotebookNode,
) -> None:
    exporter = HTMLExporter()  # type: ignore[no-untyped-call]  # its __init__ has no annotations
    page, _resources = exporter.from_notebook_node(extras)
    assert page.count('<table border="1" class="dataframe">') == 5
    # the widget state travels with the page, for the widget manager to draw the controls
    assert "application/vnd.jupyter.widget-state+json" in page
    assert "application/vnd.jupyter.widget-view+json" in page
    # matplotlib figures and animation frames as images; the Vega-Lite charts as scripts
    assert page.count("data:image/png;base64,") >= 3 + 16
    assert page.count('class="mgfunc-chart"') == 3


def widget_models(notebook: nbformat.NotebookNode) -> dict[str, dict[str, object]]:
    """The kernel's widget models saved in the notebook, by model id."""
    state = notebook.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    models: dict[str, dict[str, object]] = dict(state)
    return models


def test_the_playground_shows_every_control_and_three_buttons_without_icons(
    playground: nbformat.NotebookNode,
) -> None:
    (shown,) = [
        output
        for output in tagged(playground, "playground").outputs
        if output.output_type == "display_data"
    ]
    assert shown.data["text/plain"].startswith("HBox(")
    models = widget_models(playground)
    assert shown.data["application/vnd.jupyter.widget-view+json"]["model_id"] in models
    states = [model["state"] for model in models.values()]
    assert isinstance(states[0], dict)
    descriptions = {state.get("description") for state in states if isinstance(state, dict)}
    assert {
        "dataset",
        "points",
        "noise",
        "classes",
        "hidden",
        "activation",
        "loss",
        "optimizer",
        "learning rate",
        "batch (0 all)",
        "validation",
        "seed",
        "Train",
        "Stop",
        "Reset",
    } <= descriptions
    buttons = [
        state
        for model, state in zip(models.values(), states)
        if model["model_name"] == "ButtonModel" and isinstance(state, dict)
    ]
    assert len(buttons) == 3 and all(button.get("icon", "") == "" for button in buttons)


def test_the_playground_trains_when_pressed_and_shows_what_it_drew(
    playground: nbformat.NotebookNode,
) -> None:
    pressed = text_of(tagged(playground, "playground-press"))
    assert re.search(r"after 30 steps: step 30 · loss \d\.\d+ · validation loss", pressed)
    pictures = tagged(playground, "playground-pictures")
    assert image_count([pictures]) == 2  # the neuron maps with the boundary, the loss
    table = html_of(pictures)
    assert table.count("<tr>") == 1 + 8 and "first_moment" in table
    by_hand = tagged(playground, "by-hand")
    assert "spiral after 20 steps" in text_of(by_hand) and is_dataframe(by_hand)
    assert "Traceback" not in stderr_of(playground)


def test_extras_take_derivatives_of_any_order(extras: nbformat.NotebookNode) -> None:
    tanh = tagged(extras, "tanh-derivatives")
    assert re.findall(r"^order (\d): nested", text_of(tanh), re.MULTILINE) == ["1", "2", "3", "4"]
    assert image_count([tanh]) == 1
    newton = text_of(tagged(extras, "newton"))
    assert "step 5: x = 1.1309011226299859" in newton and "a local minimum" in newton
    hessian = tagged(extras, "hessian")
    assert "17 x 17 Hessian, symmetric: True" in text_of(hessian)
    assert "hvp along the first parameter is its first column: True" in text_of(hessian)
    assert image_count([hessian]) == 1


def test_extras_measure_the_official_runs_sharpness(extras: nbformat.NotebookNode) -> None:
    cell = tagged(extras, "sharpness")
    rows = re.findall(r"step +(\d+): sharpness (\d+\.\d+), 2 / lr (\d+\.\d+)", text_of(cell))
    assert [int(step) for step, _, _ in rows] == [0, 25, 50, 75, 100]
    assert [edge for _, _, edge in rows] == ["2.00", "2.58", "3.64", "6.15", "18.35"]
    sharpnesses = [float(top) for _, top, _ in rows]
    assert 1.0 < sharpnesses[0] < 2.0  # near the edge only at the start
    assert sharpnesses[-1] == 0.0002  # every margin met: 2 * alpha, the L2 term alone
    assert image_count([cell]) == 1
