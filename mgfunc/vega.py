"""Interactive Vega-Lite charts (Altair) of the dataset, the training run and the boundary.

The notebooks' charts, as the seed notebooks drew them with Vega-Lite: each function builds an
``altair`` chart from the rows of :mod:`mgfunc.plot_data`, with a tooltip on every mark (a
point's coordinates, label, prediction and loss; a curve's step, metric and value). Altair and
vl-convert come with the ``notebooks`` extra (``pip install "mgfunc[notebooks]"``);
``import mgfunc`` never loads them. :mod:`mgfunc.plots` (matplotlib) stays what the command
line and saved files use.

In a notebook, :func:`enable_offline_rendering` makes every chart show without the network:
the Vega libraries travel inside the output, with a PNG beside them for viewers that run no
JavaScript. ``chart.save("chart.png")`` or :func:`to_png` renders offline with vl-convert.

>>> from mgfunc.datasets import moons
>>> chart = dataset_chart(moons(20, seed=0))
>>> spec = chart.to_dict()
>>> spec["mark"]["type"], [tip["field"] for tip in spec["encoding"]["tooltip"]]
('point', ['x', 'y', 'label'])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt

from mgfunc._checks import describe, whole_number
from mgfunc._training_checks import points as loss_points

# Showing and saving a chart offline works on any Altair chart and lives in a room of its own,
# mgfunc._vega_offline; users import its names from here (`X as X` marks a re-export).
from mgfunc._vega_offline import OFFLINE_RENDERER as OFFLINE_RENDERER
from mgfunc._vega_offline import enable_offline_rendering as enable_offline_rendering
from mgfunc._vega_offline import offline_html as offline_html
from mgfunc._vega_offline import offline_mimebundle as offline_mimebundle
from mgfunc._vega_offline import to_png as to_png
from mgfunc.datasets import Dataset
from mgfunc.errors import InvalidTypeError, InvalidValueError
from mgfunc.losses import LossFunction, cross_entropy, max_margin
from mgfunc.nn import MLP
from mgfunc.plot_data import (
    CLASS_COLORS,
    accuracy_history,
    dataset_points,
    decision_boundary,
    loss_history,
)
from mgfunc.trainer import TrainingRun

__all__ = [
    "CLASS_COLORS",
    "OFFLINE_RENDERER",
    "accuracy_chart",
    "boundary_chart",
    "dataset_chart",
    "datasets_chart",
    "enable_offline_rendering",
    "loss_chart",
    "loss_comparison_chart",
    "offline_html",
    "offline_mimebundle",
    "point_rows",
    "to_png",
]


PointValue = float | int | str


def point_rows(
    model: MLP, dataset: Dataset, *, loss: LossFunction | None = None
) -> tuple[dict[str, PointValue], ...]:
    """One dict per point: ``x``, ``y``, ``label``, the model's ``predicted`` class and the
    point's own ``loss`` (its term in the data loss), the rows the boundary chart's tooltips show.

    Args:
        model: an MLP taking 2 inputs, with one output (a score) or one output per class.
        dataset: the points.
        loss: the loss whose per-point term to show, e.g. :func:`mgfunc.losses.logistic`;
            None means :func:`~mgfunc.losses.max_margin` for one output and
            :func:`~mgfunc.losses.cross_entropy` for several.

    Returns:
        A tuple of new dicts, in the dataset's order; ``predicted`` is a class index (a
        one-output model's positive score is class 1), ``correct`` says whether it is the label.

    Raises:
        InvalidTypeError, InvalidValueError: a bad model, dataset or loss.

    >>> from mgfunc.datasets import moons
    >>> rows = point_rows(MLP.create(2, [4, 1], seed=0), moons(4, seed=0))
    >>> sorted(rows[0])
    ['correct', 'label', 'loss', 'predicted', 'x', 'y']
    """
    chosen = _loss_for(model, loss)
    points = dataset_points(dataset)  # checks the dataset
    targets = loss_points(chosen, model, dataset, "dataset").targets
    outputs = model.evaluate_many([(point.x, point.y) for point in points])
    rows = []
    for point, target, output in zip(points, targets, outputs):
        predicted = _predicted_class(output)
        term = chosen(model, [(point.x, point.y)], [target], 0.0).data_loss.data
        rows.append(
            {
                "x": point.x,
                "y": point.y,
                "label": point.label,
                "predicted": predicted,
                "correct": "yes" if predicted == point.label else "no",
                "loss": term,
            }
        )
    return tuple(rows)


def dataset_chart(dataset: Dataset, *, width: int = 420, height: int = 420) -> alt.Chart:
    """The points as a scatter chart, one colour per class, a tooltip on each point.

    Args:
        dataset: the points to draw.
        width: the chart's width in pixels.
        height: the chart's height in pixels.

    Returns:
        An ``altair.Chart``; in a notebook it shows itself, ``chart.save("x.png")`` saves it.

    Raises:
        InvalidTypeError, InvalidValueError: a bad dataset or size.

    >>> from mgfunc.datasets import yin_yang
    >>> spec = dataset_chart(yin_yang(30, seed=0)).to_dict()
    >>> spec["encoding"]["color"]["scale"]["domain"]  # the dataset's class names
    ['yin', 'yang', 'dots']
    """
    size = _size(width, height)
    points = dataset_points(dataset)  # checks the dataset
    names = _names(dataset.class_names, _classes(dataset))
    rows = [
        {"x": row.x, "y": row.y, "label": row.label, "class": names[row.label]} for row in points
    ]
    name = str(dataset.metadata.get("name", "dataset"))
    chart: alt.Chart = (  # Altair types its mark and encode methods as returning Any
        alt.Chart(alt.InlineData(values=rows), title=f"{name}: {len(rows)} points")
        .mark_point(filled=True, size=80, opacity=0.9)
        .encode(
            x=alt.X("x:Q"),
            y=alt.Y("y:Q"),
            color=_class_color(names),
            tooltip=[_number("x"), _number("y"), alt.Tooltip("label:N")],
        )
        .properties(**size)
    )
    return chart


def datasets_chart(
    datasets: Mapping[str, Dataset], *, columns: int = 2, width: int = 260, height: int = 220
) -> alt.FacetChart:
    """Several datasets side by side, one small chart each, titled by its key.

    Args:
        datasets: a name for each dataset, in the order to draw them.
        columns: how many charts in a row.
        width: each chart's width in pixels.
        height: each chart's height in pixels.

    Returns:
        An ``altair.FacetChart``.

    Raises:
        InvalidTypeError, InvalidValueError: not a mapping of names to datasets, or a bad size.

    >>> from mgfunc.datasets import blobs, moons
    >>> chart = datasets_chart({"moons": moons(10, seed=0), "blobs": blobs(10, seed=0)})
    >>> chart.to_dict()["facet"]["field"]
    'dataset'
    """
    if not isinstance(datasets, Mapping) or not datasets:
        raise InvalidTypeError(
            f"datasets must be a non-empty mapping of names to datasets, got {describe(datasets)}; "
            'pass for example {"moons": moons(80)}'
        )
    size = _size(width, height)
    count = whole_number(columns, "columns", least=1, example="2")
    points = {str(name): dataset_points(dataset) for name, dataset in datasets.items()}
    classes = max(_classes(dataset) for dataset in datasets.values())
    # The datasets' own class names when they agree, else "class 0", "class 1", ...
    shared = {dataset.class_names for dataset in datasets.values()}
    names = _names(shared.pop() if len(shared) == 1 else (), classes)
    rows: list[dict[str, PointValue]] = [
        {"dataset": name, "x": p.x, "y": p.y, "label": p.label, "class": names[p.label]}
        for name, rows_of_one in points.items()
        for p in rows_of_one
    ]
    chart: alt.FacetChart = (  # Altair types its mark and encode methods as returning Any
        alt.Chart(alt.InlineData(values=rows))
        .mark_point(filled=True, size=45, opacity=0.9)
        .encode(
            x=alt.X("x:Q"),
            y=alt.Y("y:Q"),
            color=_class_color(names),
            tooltip=[alt.Tooltip("dataset:N"), _number("x"), _number("y"), alt.Tooltip("label:N")],
        )
        .properties(**size)
        .facet(
            facet=alt.Facet("dataset:N", sort=[str(name) for name in datasets], title=None),
            columns=count,
        )
        .resolve_scale(x="independent", y="independent")
    )
    return chart


def loss_chart(run: TrainingRun, *, width: int = 640, height: int = 280) -> alt.Chart:
    """The total, data and regularization loss against the step (and the validation loss when
    the run measured one), a line per metric, a tooltip on every step.

    Args:
        run: the result of :func:`mgfunc.trainer.train`.
        width: the chart's width in pixels.
        height: the chart's height in pixels.

    Returns:
        An ``altair.Chart``.

    Raises:
        InvalidTypeError, InvalidValueError: a bad run or size.
    """
    rows = [row.to_dict() for row in loss_history(run)]
    title = "Training and validation loss" if _has_validation(run) else "Training loss"
    return _curves(rows, "loss", title, _size(width, height))


def accuracy_chart(run: TrainingRun, *, width: int = 640, height: int = 280) -> alt.Chart:
    """The accuracy in percent against the step (and the validation accuracy when the run
    measured one), a tooltip on every step.

    Args:
        run: the result of :func:`mgfunc.trainer.train`.
        width: the chart's width in pixels.
        height: the chart's height in pixels.

    Returns:
        An ``altair.Chart`` with the y axis from 0 to 100.

    Raises:
        InvalidTypeError, InvalidValueError: a bad run or size.
    """
    rows = [row.to_dict() for row in accuracy_history(run)]
    title = "Training and validation accuracy" if _has_validation(run) else "Training accuracy"
    return _curves(rows, "accuracy (%)", title, _size(width, height), domain=(0.0, 100.0))


def loss_comparison_chart(
    runs: Mapping[str, TrainingRun],
    *,
    metric: str = "total",
    width: int = 640,
    height: int = 280,
) -> alt.Chart:
    """One loss curve per run, coloured by the run's name: to compare settings.

    Args:
        runs: a name for each run, in the legend's order.
        metric: which loss of :func:`mgfunc.plot_data.loss_history` to draw: ``"total"``,
            ``"data"``, ``"regularization"`` or ``"validation"``.
        width: the chart's width in pixels.
        height: the chart's height in pixels.

    Returns:
        An ``altair.Chart``.

    Raises:
        InvalidTypeError, InvalidValueError: not a mapping of names to runs, a metric no run
            has, or a bad size.
    """
    if not isinstance(runs, Mapping) or not runs:
        raise InvalidTypeError(
            f"runs must be a non-empty mapping of names to training runs, got {describe(runs)}; "
            'pass for example {"constant 0.1": train(model, data, learning_rate=0.1)}'
        )
    for name, run in runs.items():
        if not isinstance(run, TrainingRun):
            raise InvalidTypeError(
                f"runs[{name!r}] must be a TrainingRun, got {describe(run)}; pass what "
                "train(...) returned for each name"
            )
    size = _size(width, height)
    rows = [
        {"run": str(name), **row.to_dict()}
        for name, run in runs.items()
        for row in loss_history(run)
        if row.metric == metric
    ]
    if not rows:
        raise InvalidValueError(
            f"metric {metric!r} is in none of the runs' histories; pass 'total', 'data', "
            "'regularization', or 'validation' for runs trained with a validation set"
        )
    names = [str(name) for name in runs]
    chart: alt.Chart = (  # Altair types its mark and encode methods as returning Any
        alt.Chart(alt.InlineData(values=rows), title=f"{metric} loss, run by run")
        .mark_line(point=alt.OverlayMarkDef(size=30))
        .encode(
            x=alt.X("step:Q", axis=alt.Axis(tickCount=10)),
            y=alt.Y("value:Q", title=f"{metric} loss"),
            color=alt.Color("run:N", sort=names, title="run"),
            tooltip=[alt.Tooltip("run:N"), alt.Tooltip("step:Q"), _number("value", ".5f")],
        )
        .properties(**size)
    )
    return chart


def boundary_chart(
    model: MLP,
    dataset: Dataset,
    *,
    loss: LossFunction | None = None,
    h: float = 0.25,
    padding: float = 1.0,
    width: int = 520,
    height: int = 420,
) -> alt.LayerChart:
    """The predicted class as a coloured background with the training points on top.

    The background is :func:`mgfunc.plot_data.decision_boundary`'s grid, one cell per grid
    point (its tooltip: the coordinates, the score and the predicted class). The points keep
    the colour of their true class and a black outline; their tooltip shows the coordinates,
    the label, the prediction and the point's loss (:func:`point_rows`). Any number of classes.

    Args:
        model: an MLP taking 2 inputs, with one output (a score) or one output per class.
        dataset: the training points.
        loss: the loss whose per-point term the tooltips show (see :func:`point_rows`).
        h: the grid step (finite, positive).
        padding: how far the grid extends beyond the data (finite, at least 0).
        width: the chart's width in pixels.
        height: the chart's height in pixels.

    Returns:
        An ``altair.LayerChart``: the background, then the points.

    Raises:
        InvalidTypeError, InvalidValueError: see :func:`mgfunc.plot_data.decision_boundary`
            and :func:`point_rows`.

    >>> from mgfunc.datasets import moons
    >>> chart = boundary_chart(MLP.create(2, [4, 1], seed=0), moons(10, seed=0), h=0.5)
    >>> [layer["mark"]["type"] for layer in chart.to_dict()["layer"]]
    ['rect', 'point']
    """
    size = _size(width, height)
    grid = decision_boundary(model, dataset, h=h, padding=padding)
    points = point_rows(model, dataset, loss=loss)
    classes = max(_classes(dataset), model.nout if model.nout > 1 else 2)
    names = _names(dataset.class_names, classes)
    half = float(h) / 2.0
    cells = [
        {
            "x": row.x,
            "y": row.y,
            "x0": row.x - half,
            "x1": row.x + half,
            "y0": row.y - half,
            "y1": row.y + half,
            "score": row.score,
            "predicted": _signed_or_index(row.predicted, model.nout),
            "class": names[_signed_or_index(row.predicted, model.nout)],
        }
        for row in grid
    ]
    colors = _class_color(names)
    plane = alt.Scale(nice=False, zero=False)
    # Altair types its mark and encode methods as returning Any: the annotations say what they are.
    background: alt.Chart = (
        alt.Chart(alt.InlineData(values=cells))
        .mark_rect(opacity=0.35)
        .encode(
            x=alt.X("x0:Q", title="x", scale=plane, axis=alt.Axis(grid=False)),
            x2="x1:Q",
            y=alt.Y("y0:Q", title="y", scale=plane, axis=alt.Axis(grid=False)),
            y2="y1:Q",
            color=colors,
            tooltip=[_number("x"), _number("y"), _number("score"), alt.Tooltip("predicted:N")],
        )
    )
    foreground: alt.Chart = (
        alt.Chart(
            alt.InlineData(values=[{**row, "class": names[int(row["label"])]} for row in points])
        )
        .mark_point(filled=True, size=90, stroke="black", strokeWidth=1, opacity=1.0)
        .encode(
            x=alt.X("x:Q"),
            y=alt.Y("y:Q"),
            color=colors,
            tooltip=[
                _number("x"),
                _number("y"),
                alt.Tooltip("label:N"),
                alt.Tooltip("predicted:N"),
                alt.Tooltip("correct:N"),
                _number("loss", ".4f"),
            ],
        )
    )
    name = str(dataset.metadata.get("name", "dataset"))
    return alt.LayerChart(
        layer=[background, foreground],
        title=f"{name}: decision boundary",
        width=size["width"],
        height=size["height"],
    )


def _curves(
    rows: Sequence[Mapping[str, object]],
    title_y: str,
    title: str,
    size: dict[str, int],
    domain: tuple[float, float] | None = None,
) -> alt.Chart:
    metrics = list(dict.fromkeys(str(row["metric"]) for row in rows))
    scale = alt.Scale(domain=list(domain)) if domain else alt.Scale(zero=False)
    chart: alt.Chart = (  # Altair types its mark and encode methods as returning Any
        alt.Chart(alt.InlineData(values=[dict(row) for row in rows]), title=title)
        .mark_line(point=alt.OverlayMarkDef(size=12))
        .encode(
            x=alt.X("step:Q", axis=alt.Axis(tickCount=10)),
            y=alt.Y("value:Q", title=title_y, scale=scale),
            color=alt.Color("metric:N", sort=metrics, title="metric"),
            tooltip=[alt.Tooltip("step:Q"), alt.Tooltip("metric:N"), _number("value", ".5f")],
        )
        .properties(**size)
    )
    return chart


def _names(given: Sequence[str], classes: int) -> list[str]:
    """A legend name per class: the dataset's own, then ``class k`` for any beyond them."""
    names = [str(name) for name in given[:classes]]
    return names + [f"class {k}" for k in range(len(names), classes)]


def _class_color(names: Sequence[str]) -> alt.Color:
    """Colour by class name, class k in ``CLASS_COLORS[k]``, the legend in class order."""
    palette = [CLASS_COLORS[k % len(CLASS_COLORS)] for k in range(len(names))]
    return alt.Color("class:N", scale=alt.Scale(domain=list(names), range=palette), title="class")


def _number(field: str, format: str = ".3f") -> alt.Tooltip:
    return alt.Tooltip(f"{field}:Q", format=format)


def _classes(dataset: Dataset) -> int:
    return max(2, dataset.classes)


def _predicted_class(output: Sequence[float]) -> int:
    if len(output) == 1:
        return 1 if output[0] > 0.0 else 0
    return output.index(max(output))  # the first on a tie, as cross_entropy counts it


def _signed_or_index(predicted: float, outputs: int) -> int:
    """A boundary row's prediction as a class index: -1.0 / 1.0 become 0 / 1."""
    if outputs == 1:
        return 1 if predicted > 0.0 else 0
    return int(predicted)


def _loss_for(model: object, loss: object) -> LossFunction:
    if not isinstance(model, MLP):
        raise InvalidTypeError(
            f"model must be an MLP, got {describe(model)}; "
            "pass for example MLP.create(2, [16, 16, 1])"
        )
    if loss is None:
        return max_margin if model.nout == 1 else cross_entropy
    if not callable(loss):
        raise InvalidTypeError(
            f"loss must be a loss function, got {describe(loss)}; pass for example "
            "mgfunc.losses.max_margin"
        )
    chosen: LossFunction = loss
    return chosen


def _has_validation(run: TrainingRun) -> bool:
    return any(row.val_loss is not None for row in run.history)


def _size(width: object, height: object) -> dict[str, int]:
    return {
        "width": whole_number(width, "width", least=1, example="420"),
        "height": whole_number(height, "height", least=1, example="420"),
    }
