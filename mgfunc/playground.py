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
import threading
import time
from typing import TYPE_CHECKING

from matplotlib.figure import Figure

from mgfunc import plots
from mgfunc._optimizer_table import html_table

# The playground's pure half, which needs no widgets, lives in two rooms of its own:
# mgfunc._playground_settings (the settings and what they make) and mgfunc._optimizer_table
# (the optimizer's state as rows). Users import their names from here (`X as X` re-exports).
from mgfunc._optimizer_table import optimizer_rows as optimizer_rows
from mgfunc._optimizer_table import parameter_names as parameter_names
from mgfunc._playground_settings import ACTIVATIONS as ACTIVATIONS
from mgfunc._playground_settings import DATASETS as DATASETS
from mgfunc._playground_settings import LOSSES as LOSSES
from mgfunc._playground_settings import OPTIMIZERS as OPTIMIZERS
from mgfunc._playground_settings import Settings as Settings
from mgfunc._playground_settings import make_data as make_data
from mgfunc._playground_settings import make_loss as make_loss
from mgfunc._playground_settings import make_model as make_model
from mgfunc._playground_settings import make_optimizer as make_optimizer
from mgfunc._playground_settings import parse_hidden as parse_hidden
from mgfunc.errors import MgfuncError
from mgfunc.nn import MLP
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
        self.learning_rate = widgets.FloatLogSlider(  # min and max are powers of ten
            value=start.learning_rate,
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
                + html_table(self.optimizer_rows)
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
