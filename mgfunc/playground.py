"""The learner's playground: every knob at hand, every neuron visible, training you can watch.

:class:`Playground` is a panel of ipywidgets controls (dataset, points, noise, classes, hidden
layers, activation, loss, optimizer and learning rate, batch size, validation share, seed) with
**Train**, **Stop** and **Reset** buttons. While it trains it redraws, every few steps, each
hidden neuron's output over the plane beside the decision boundary
(:func:`mgfunc.plots.plot_neurons`), the training and validation loss, and the optimizer's state
as a table of the parameters with the largest moments. It trains in small chunks with
:func:`mgfunc.trainer.resume`, in a background thread, so Stop answers at once; the pictures are
PNG images in ``Image`` widgets and the buttons carry words, not icon fonts, so nothing is
fetched from the network. ``notebooks/playground.ipynb`` shows it.

The settings and what they make (:class:`Settings`, :func:`make_data`, :func:`make_model`,
:func:`optimizer_rows`) are plain functions, usable and testable without widgets. ipywidgets
(the ``notebooks`` extra) is imported when a :class:`Playground` is made, not before.

>>> settings = Settings(dataset="yin_yang", points=60, hidden=(6,))
>>> train_part, validation = make_data(settings)
>>> len(train_part.points) + len(validation.points), train_part.classes
(60, 3)
>>> [layer.nout for layer in make_model(settings).layers]
[6, 3]
"""

from __future__ import annotations

import html
import io
import math
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs
from matplotlib.figure import Figure

from mgfunc import backward, plots
from mgfunc._checks import check_choice, describe, real_number, whole_number
from mgfunc._frozen import immutable
from mgfunc._random import check_seed
from mgfunc._training_checks import points
from mgfunc.datasets import Dataset, blobs, moons, spiral, split, yin_yang
from mgfunc.errors import InvalidTypeError, InvalidValueError, MgfuncError
from mgfunc.losses import LossFunction, cross_entropy, logistic, max_margin
from mgfunc.nn import MLP, parameters
from mgfunc.optim import AdamState, Optimizer, SGDState, adam, adamw, sgd
from mgfunc.trainer import TrainingRun, resume, train

if TYPE_CHECKING:
    import ipywidgets

__all__ = [
    "ACTIVATIONS",
    "DATASETS",
    "LOSSES",
    "OPTIMIZERS",
    "Playground",
    "Settings",
    "make_data",
    "make_loss",
    "make_model",
    "make_optimizer",
    "optimizer_rows",
    "parse_hidden",
]

DATASETS = ("moons", "spiral", "blobs", "yin_yang")
"""The datasets the playground offers."""
ACTIVATIONS = ("relu", "tanh", "sigmoid")
"""The hidden layers' nonlinearities."""
LOSSES = ("max_margin", "logistic", "cross_entropy")
"""The losses; past two classes only cross-entropy applies."""
OPTIMIZERS = ("sgd", "adam", "adamw")
"""The optimizers of :mod:`mgfunc.optim`."""

_LOSS_FUNCTIONS: dict[str, LossFunction] = {
    "max_margin": max_margin,
    "logistic": logistic,
    "cross_entropy": cross_entropy,
}


def _hidden(value: object) -> tuple[int, ...]:
    if isinstance(value, str):
        return parse_hidden(value)
    if not isinstance(value, (tuple, list)) or not all(
        isinstance(width, int) and not isinstance(width, bool) and width >= 1 for width in value
    ):
        raise InvalidTypeError(
            f"hidden must be a tuple of layer widths, got {describe(value)}; pass e.g. (8, 8)"
        )
    return tuple(value)


_Validator = Callable[[object, "attrs.Attribute[Any]", object], None]


def _one_of(choices: tuple[str, ...]) -> _Validator:
    def check(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        check_choice(value, attribute.name, choices)

    return check


def _whole(*, least: int, example: str) -> _Validator:
    def check(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        whole_number(value, attribute.name, least=least, example=example)

    return check


def _real(least: float, most: float, *, example: str, above: bool = False) -> _Validator:
    def check(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        number = real_number(value, attribute.name, example=example)
        if number < least or number > most or (above and number == least):
            bounds = f"above {least:g}" if above else f"at least {least:g}"
            if most != math.inf:
                bounds += f" and at most {most:g}"
            raise InvalidValueError(
                f"{attribute.name} must be {bounds}, got {value!r}; pass for example {example}"
            )

    return check


def _seed(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    check_seed(value, attribute.name)


@immutable()
@attrs.frozen
class Settings:
    """Everything the playground's controls set, as one frozen value (defaults: a quick start).

    Args:
        dataset: one of :data:`DATASETS`.
        points: how many points, training and validation together.
        noise: the dataset's noise (yin-yang has none).
        classes: the number of classes of the spiral and the blobs (moons have 2, yin-yang 3).
        hidden: the hidden layers' widths, e.g. ``(8, 8)``; ``()`` is a linear model.
        activation: one of :data:`ACTIVATIONS`.
        loss: one of :data:`LOSSES`; with more than two classes, cross-entropy is used.
        optimizer: one of :data:`OPTIMIZERS`.
        learning_rate: the optimizer's learning rate.
        batch_size: points per step, drawn afresh each step; 0 means all of them.
        validation: the share of the points held out to measure on (0 for none).
        seed: the seed of the data, the weights and the batches.
    """

    dataset: str = attrs.field(default="moons", validator=_one_of(DATASETS))
    points: int = attrs.field(default=100, validator=_whole(least=4, example="100"))
    noise: float = attrs.field(default=0.1, validator=_real(0.0, math.inf, example="0.1"))
    classes: int = attrs.field(default=2, validator=_whole(least=2, example="3"))
    hidden: tuple[int, ...] = attrs.field(default=(8, 8), converter=_hidden)
    activation: str = attrs.field(default="relu", validator=_one_of(ACTIVATIONS))
    loss: str = attrs.field(default="max_margin", validator=_one_of(LOSSES))
    optimizer: str = attrs.field(default="adam", validator=_one_of(OPTIMIZERS))
    learning_rate: float = attrs.field(
        default=0.05, validator=_real(0.0, math.inf, example="0.05", above=True)
    )
    batch_size: int = attrs.field(default=0, validator=_whole(least=0, example="32"))
    validation: float = attrs.field(default=0.2, validator=_real(0.0, 0.5, example="0.2"))
    seed: int = attrs.field(default=0, validator=_seed)

    @property
    def class_count(self) -> int:
        """How many classes the chosen dataset has."""
        if self.dataset == "moons":
            return 2
        if self.dataset == "yin_yang":
            return 3
        return self.classes


def parse_hidden(text: str) -> tuple[int, ...]:
    """Hidden layer widths from text such as ``"8, 8"`` (empty: no hidden layer).

    Args:
        text: widths separated by commas or spaces, each at least 1.

    Returns:
        The widths as a tuple.

    Raises:
        InvalidTypeError: ``text`` is not a str.
        InvalidValueError: something that is not a positive whole number.

    >>> parse_hidden("16, 16"), parse_hidden(" 4 "), parse_hidden("")
    ((16, 16), (4,), ())
    """
    if not isinstance(text, str):
        raise InvalidTypeError(
            f"text must be a str of layer widths, got {describe(text)}; pass for example "
            '"8, 8" (or give Settings(hidden=...) a tuple such as (8, 8))'
        )
    widths = []
    for part in text.replace(",", " ").split():
        if not part.isdigit() or int(part) < 1:
            raise InvalidValueError(
                "text must give hidden layer widths of at least 1 separated by commas, got "
                f'{text!r}; write e.g. "8, 8"'
            )
        widths.append(int(part))
    return tuple(widths)


def _check_settings(settings: object) -> None:
    if not isinstance(settings, Settings):
        raise InvalidTypeError(
            f"settings must be a playground Settings, got {describe(settings)}; pass for "
            'example Settings(dataset="spiral", hidden=(16, 16))'
        )


def make_data(settings: Settings) -> tuple[Dataset, Dataset | None]:
    """The training points and, if ``settings.validation`` > 0, the validation points.

    Args:
        settings: the playground's settings.

    Returns:
        ``(train, validation)``; ``validation`` is None when the share is 0.
    """
    _check_settings(settings)
    seed = settings.seed
    if settings.dataset == "moons":
        data = moons(settings.points, noise=settings.noise, seed=seed)
    elif settings.dataset == "spiral":
        data = spiral(settings.points, noise=settings.noise, classes=settings.classes, seed=seed)
    elif settings.dataset == "blobs":
        data = blobs(settings.points, noise=settings.noise, classes=settings.classes, seed=seed)
    else:
        data = yin_yang(settings.points, seed=seed)
    if settings.validation == 0.0:
        return data, None
    kept, held_out = split(data, (1.0 - settings.validation, settings.validation), seed=seed)
    return kept, held_out


def make_loss(settings: Settings) -> LossFunction:
    """The loss function: the one chosen, or cross-entropy past two classes."""
    _check_settings(settings)
    if settings.class_count > 2:
        return cross_entropy
    return _LOSS_FUNCTIONS[settings.loss]


def make_model(settings: Settings) -> MLP:
    """A fresh model: 2 inputs, the hidden layers, and one output for the two-class losses or
    one per class for cross-entropy."""
    _check_settings(settings)
    loss = make_loss(settings)
    outputs = settings.class_count if loss is cross_entropy else 1
    return MLP.create(
        2, [*settings.hidden, outputs], activation=settings.activation, seed=settings.seed
    )


def make_optimizer(settings: Settings) -> Optimizer:
    """The optimizer with the chosen learning rate (AdamW with weight decay 1e-4)."""
    _check_settings(settings)
    if settings.optimizer == "sgd":
        return sgd(settings.learning_rate)
    if settings.optimizer == "adam":
        return adam(settings.learning_rate)
    return adamw(settings.learning_rate, weight_decay=1e-4)


def parameter_names(model: MLP) -> tuple[str, ...]:
    """A name per parameter, in :func:`mgfunc.nn.parameters` order: ``L1 n3 w0`` is layer 1's
    neuron 3's first weight, ``L1 n3 b`` its bias (layers and neurons from 1, weights from 0)."""
    return tuple(
        name
        for layer_index, layer in enumerate(model.layers, start=1)
        for neuron_index, neuron in enumerate(layer.neurons, start=1)
        for name in (
            *(f"L{layer_index} n{neuron_index} w{i}" for i in range(len(neuron.weights))),
            f"L{layer_index} n{neuron_index} b",
        )
    )


def optimizer_rows(
    run: TrainingRun, dataset: Dataset, *, alpha: float = 0.0, top: int = 8
) -> tuple[dict[str, str | float], ...]:
    """The ``top`` parameters the optimizer moves most, with their value, their gradient now and
    the optimizer's state for them: Adam's moments, SGD's momentum buffer (plain SGD keeps
    none, so its table ranks by the gradient).

    Args:
        run: a run with its optimizer state (from :func:`mgfunc.trainer.train`).
        dataset: the training points, to compute the current gradient on.
        alpha: the L2 strength the run trained with.
        top: how many rows.

    Returns:
        Dicts with ``parameter``, ``value``, ``gradient`` and, for Adam, ``first_moment`` and
        ``second_moment`` (ranked by the first moment's size), or for SGD with momentum,
        ``velocity``.

    >>> from mgfunc.datasets import moons
    >>> data = moons(20, seed=0)
    >>> run = train(MLP.create(2, [4, 1], seed=0), data, steps=2, optimizer=adam(0.1))
    >>> rows = optimizer_rows(run, data, top=3)
    >>> len(rows), sorted(rows[0])
    (3, ['first_moment', 'gradient', 'parameter', 'second_moment', 'value'])
    """
    if not isinstance(run, TrainingRun):
        raise InvalidTypeError(
            f"run must be a TrainingRun, got {describe(run)}; pass what mgfunc.trainer.train "
            "returned"
        )
    count = whole_number(top, "top", least=1, example="8")
    if run.config is None or run.optimizer_state is None:
        raise InvalidValueError("run has no optimizer state; pass what mgfunc.trainer.train made")
    model = run.final_model
    loss = run.config.loss
    targets = points(loss, model, dataset, "dataset").targets
    grads = backward(loss(model, dataset.xs, targets, alpha).total_loss)
    params = parameters(model)
    names = parameter_names(model)
    state = run.optimizer_state
    columns: dict[str, tuple[float, ...]] = {}
    if isinstance(state, AdamState):
        columns = {"first_moment": state.first_moment, "second_moment": state.second_moment}
    elif isinstance(state, SGDState) and state.velocity:
        columns = {"velocity": state.velocity}
    gradients = tuple(grads[p] for p in params)
    ranking = next(iter(columns.values()), gradients)
    order = sorted(range(len(params)), key=lambda i: -abs(ranking[i]))[:count]
    return tuple(
        {
            "parameter": names[i],
            "value": params[i].data,
            "gradient": gradients[i],
            **{column: values[i] for column, values in columns.items()},
        }
        for i in order
    )


def _html_table(rows: tuple[dict[str, str | float], ...]) -> str:
    """A small HTML table (pandas' look, without pandas)."""
    if not rows:
        return "<p>No optimizer state yet: press Train.</p>"
    header = "".join(f"<th>{html.escape(name)}</th>" for name in rows[0])
    body = "".join(
        "<tr>"
        + "".join(
            f"<td>{value:.3g}</td>"
            if isinstance(value, float)
            else f"<td>{html.escape(value)}</td>"
            for value in row.values()
        )
        + "</tr>"
        for row in rows
    )
    return (
        '<table class="dataframe mgfunc-optimizer" style="font-size: 85%"><thead><tr>'
        f"{header}</tr></thead><tbody>{body}</tbody></table>"
    )


def _png(figure: Figure, dpi: int) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


class Playground:
    """The controls, the buttons and the pictures; ``display(playground.widget)`` shows them.

    The buttons call :meth:`on_train`, :meth:`on_stop` and :meth:`on_reset`; a test or a cell can
    press them the same way with ``playground.train_button.click()``. Changing a control starts
    afresh (as Reset does) with the new settings.

    Args:
        settings: the controls' starting values.
        steps: how many steps one press of Train runs (unless Stop comes first).
        chunk: steps trained between two looks at the Stop button.
        redraw_seconds: the least time between two redraws while training; a redraw that takes
            longer waits twice its own time, so training keeps at least two thirds of the time
            (the last step is always drawn).
        background: train in a thread, so the notebook stays responsive and Stop works; False
            trains within the click, as a test or a headless run wants.
        h: the grid step of the neuron maps and the boundary.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        steps: int = 300,
        chunk: int = 5,
        redraw_seconds: float = 0.5,
        background: bool = True,
        h: float = 0.2,
    ) -> None:
        import ipywidgets as widgets  # the notebooks extra; only the playground needs it

        start = settings if settings is not None else Settings()
        self.steps = steps
        self.chunk = chunk
        self.redraw_seconds = redraw_seconds
        self.background = background
        self.h = h
        wide = widgets.Layout(width="320px")
        self.dataset = widgets.Dropdown(
            options=list(DATASETS), value=start.dataset, description="dataset", layout=wide
        )
        self.points = widgets.IntSlider(
            value=start.points, min=20, max=400, step=10, description="points", layout=wide
        )
        self.noise = widgets.FloatSlider(
            value=start.noise, min=0.0, max=0.5, step=0.05, description="noise", layout=wide
        )
        self.classes = widgets.IntSlider(
            value=start.classes, min=2, max=6, description="classes", layout=wide
        )
        self.hidden = widgets.Text(
            value=", ".join(str(width) for width in start.hidden),
            description="hidden",
            placeholder="widths, e.g. 8, 8",
            layout=wide,
        )
        self.activation = widgets.Dropdown(
            options=list(ACTIVATIONS), value=start.activation, description="activation", layout=wide
        )
        self.loss = widgets.Dropdown(
            options=list(LOSSES), value=start.loss, description="loss", layout=wide
        )
        self.optimizer = widgets.Dropdown(
            options=list(OPTIMIZERS), value=start.optimizer, description="optimizer", layout=wide
        )
        self.learning_rate = widgets.FloatLogSlider(
            value=start.learning_rate,
            base=10,
            min=-3,
            max=0,
            step=0.25,
            description="learning rate",
            readout_format=".3g",
            layout=wide,
        )
        self.batch_size = widgets.IntSlider(
            value=start.batch_size, min=0, max=200, step=5, description="batch (0 all)", layout=wide
        )
        self.validation = widgets.FloatSlider(
            value=start.validation,
            min=0.0,
            max=0.5,
            step=0.05,
            description="validation",
            layout=wide,
        )
        self.seed = widgets.IntText(value=start.seed, description="seed", layout=wide)
        knobs: list[ipywidgets.Widget] = [
            self.dataset,
            self.points,
            self.noise,
            self.classes,
            self.hidden,
            self.activation,
            self.loss,
            self.optimizer,
            self.learning_rate,
            self.batch_size,
            self.validation,
            self.seed,
        ]
        # Words, not icons: an icon font would be fetched from the network.
        self.train_button = widgets.Button(description="Train", button_style="success")
        self.stop_button = widgets.Button(description="Stop", button_style="warning")
        self.reset_button = widgets.Button(description="Reset")
        self.status = widgets.HTML(value="")
        # Drawn at their own size: a stretched picture blurs, and the table needs its room.
        self.neurons_image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.loss_image = widgets.Image(format="png", layout=widgets.Layout(width="400px"))
        self.optimizer_table = widgets.HTML(value="", layout=widgets.Layout(margin="0 0 0 12px"))
        self.train_button.on_click(self.on_train)
        self.stop_button.on_click(self.on_stop)
        self.reset_button.on_click(self.on_reset)
        for knob in knobs:
            knob.observe(self._on_change, names="value")
        panel = widgets.VBox(
            [
                *knobs,
                widgets.HBox([self.train_button, self.stop_button, self.reset_button]),
                self.status,
            ]
        )
        pictures = widgets.VBox(
            [
                self.neurons_image,
                widgets.HBox([self.loss_image, self.optimizer_table]),
            ]
        )
        self.widget = widgets.HBox([panel, pictures])
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.neurons_figure: Figure | None = None
        self.loss_figure: Figure | None = None
        self.optimizer_rows: tuple[dict[str, str | float], ...] = ()
        self.run: TrainingRun | None = None
        self.error: str | None = None
        self.on_reset(self.reset_button)

    # -- what the controls say -------------------------------------------------------------

    def settings(self) -> Settings:
        """The settings the controls show now.

        Raises:
            MgfuncError: a control holds something unusable (e.g. hidden widths as words).
        """
        return Settings(
            dataset=self.dataset.value,
            points=self.points.value,
            noise=self.noise.value,
            classes=self.classes.value,
            hidden=parse_hidden(self.hidden.value),
            activation=self.activation.value,
            loss=self.loss.value,
            optimizer=self.optimizer.value,
            learning_rate=self.learning_rate.value,
            batch_size=self.batch_size.value,
            validation=self.validation.value,
            seed=self.seed.value,
        )

    @property
    def step(self) -> int:
        """How many steps the current model has been trained."""
        return self.run.steps if self.run is not None else 0

    # -- the buttons ---------------------------------------------------------------------------

    def on_reset(self, _button: object) -> None:
        """Stop, then build the data and a fresh model from the controls and draw them."""
        self._halt()
        try:
            settings = self.settings()
        except (MgfuncError, ValueError, TypeError) as error:
            self._fail(error)
            return
        self.noise.disabled = settings.dataset == "yin_yang"
        self.classes.disabled = settings.dataset in ("moons", "yin_yang")
        self.loss.disabled = settings.class_count > 2
        self.error = None
        self._settings = settings
        self.train_data, self.validation_data = make_data(settings)
        self.model = make_model(settings)
        self.run = None
        try:
            self._draw(self.model)
        except MgfuncError as error:  # e.g. more neurons than there is room to draw
            self._fail(error)

    def on_train(self, _button: object) -> None:
        """Train ``steps`` more steps (in the background unless ``background`` is False)."""
        if self.error is not None or self.busy:
            return
        self._stop.clear()
        if self.background:
            self._thread = threading.Thread(target=self._train, daemon=True)
            self._thread.start()
        else:
            self._train()

    def on_stop(self, _button: object) -> None:
        """Stop training after the chunk under way; the model so far stays."""
        self._stop.set()

    @property
    def busy(self) -> bool:
        """Whether a training thread is running."""
        return self._thread is not None and self._thread.is_alive()

    def wait(self, timeout: float | None = None) -> None:
        """Wait for the training thread to finish (at most ``timeout`` seconds)."""
        if self._thread is not None:
            self._thread.join(timeout)

    # -- training and drawing ------------------------------------------------------------------

    def _train(self) -> None:
        target = self.step + self.steps
        next_draw = time.monotonic() + self.redraw_seconds
        try:
            while self.step < target and not self._stop.is_set():
                self._train_chunk(min(self.chunk, target - self.step))
                started = time.monotonic()
                if started >= next_draw or self.step >= target:
                    self._draw(self.current_model)
                    # Drawing costs more than a few steps: training keeps 2/3 of the time.
                    drawn = time.monotonic()
                    next_draw = drawn + max(self.redraw_seconds, 2.0 * (drawn - started))
            if self._stop.is_set():
                self._draw(self.current_model)
        except MgfuncError as error:  # e.g. the loss diverged: say so, keep the run so far
            kept = getattr(error, "run", None)
            if isinstance(kept, TrainingRun):
                self.run = kept
            self._fail(error)

    def _train_chunk(self, steps: int) -> None:
        settings = self._settings
        if self.run is None:
            self.run = train(
                self.model,
                self.train_data,
                steps=steps,
                loss=make_loss(settings),
                optimizer=make_optimizer(settings),
                alpha=0.0,
                batch_size=settings.batch_size or None,
                seed=settings.seed,
                validation=self.validation_data,
            )
        else:
            self.run = resume(
                self.run, self.train_data, steps=steps, validation=self.validation_data
            )

    @property
    def current_model(self) -> MLP:
        """The model as trained so far (the fresh model before any step)."""
        return self.run.final_model if self.run is not None else self.model

    def _draw(self, model: MLP) -> None:
        with self._lock:
            if len(model.layers) > 1:
                neurons: Figure = plots.plot_neurons(model, self.train_data, h=self.h)
            else:  # no hidden layer, no neuron maps: the boundary alone
                neurons = Figure(figsize=(4.5, 3.6), layout="constrained")
                plots.plot_decision_boundary(
                    model, self.train_data, h=self.h, ax=neurons.add_subplot()
                )
            self.neurons_figure = neurons
            self.neurons_image.value = _png(neurons, dpi=90)
            if self.run is not None and self.run.history:
                loss_figure = Figure(figsize=(5.0, 3.0), layout="constrained")
                plots.plot_loss(self.run, ax=loss_figure.add_subplot())
                self.loss_figure = loss_figure
                self.loss_image.value = _png(loss_figure, dpi=80)
                self.optimizer_rows = optimizer_rows(self.run, self.train_data)
            else:
                self.loss_figure = None
                self.loss_image.value = b""
                self.optimizer_rows = ()
            self.optimizer_table.value = (
                "<b>Optimizer state: the parameters it moves most</b>"
                + _html_table(self.optimizer_rows)
            )
            self.status.value = self._status()

    def _status(self) -> str:
        if self.run is None or not self.run.history:
            return f"step 0: a fresh model, {len(self.train_data.points)} training points"
        last = self.run.history[-1]
        parts = [f"step {self.run.steps}", f"loss {self.run.final_loss:.4f}"]
        if last.val_loss is not None:
            parts.append(f"validation loss {last.val_loss:.4f}")
        parts.append(f"accuracy {self.run.final_accuracy:.0%}")
        if self._stop.is_set():
            parts.append("stopped")
        return " · ".join(parts)

    def _fail(self, error: Exception) -> None:
        self.error = str(error)
        self.status.value = f'<span style="color:#b2182b">{html.escape(self.error)}</span>'

    def _halt(self) -> None:
        self._stop.set()
        self.wait()

    def _on_change(self, _change: object) -> None:
        self.on_reset(self.reset_button)
