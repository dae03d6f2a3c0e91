"""The training animation: each snapshot's decision boundary beside the loss curve so far,
and :func:`save_gif` to write it.

>>> from mgfunc.datasets import moons
>>> from mgfunc.nn import MLP
>>> from mgfunc.trainer import train
>>> data = moons(20, seed=0)
>>> run = train(MLP.create(2, [4, 1], seed=0), data, steps=2, snapshot_every=1)
>>> isinstance(animate_training(run, data, h=0.5), FuncAnimation)
True
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Sequence
from pathlib import Path

import attrs
from matplotlib.animation import Animation, FuncAnimation
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure
from matplotlib.image import AxesImage
from matplotlib.layout_engine import ConstrainedLayoutEngine

from mgfunc._checks import describe, whole_number
from mgfunc._frozen import immutable
from mgfunc.datasets import Dataset
from mgfunc.errors import InvalidTypeError, InvalidValueError
from mgfunc.nn import MLP, Layer
from mgfunc.plots._common import (
    DPI,
    BoundaryImage,
    boundary_image,
    check_figsize,
    fill_boundary,
    scatter_classes,
    set_boundary_limits,
)
from mgfunc.plots._frames import FrameAnimation, write_gif
from mgfunc.plots._grid import GridOutputs, grid_outputs
from mgfunc.plots.neurons import (
    MAX_NEURON_MAPS,
    draw_neuron_maps,
    hidden_layers,
    map_artists,
    maps_height,
    update_neuron_maps,
)
from mgfunc.trainer import HistoryRow, Snapshot, TrainingRun

__all__ = ["ANIMATION_FIGSIZE", "animate_training", "save_gif"]

ANIMATION_FIGSIZE = (10.0, 4.5)
"""Inches of the figure :func:`animate_training` makes: 1000 x 450 pixels at :data:`DPI`."""


@immutable()
@attrs.frozen(eq=False)
class _Frame:
    """One frame: the snapshot's step, its boundary, its loss and accuracy when known, and
    every neuron's outputs on the grid when the neurons are shown."""

    step: int
    image: BoundaryImage
    loss: float | None
    accuracy: float | None
    grid: GridOutputs | None


def animate_training(
    run: TrainingRun,
    dataset: Dataset,
    *,
    h: float = 0.25,
    padding: float = 1.0,
    interval: int = 100,
    figsize: tuple[float, float] | None = None,
    neurons: bool = False,
    columns: int = 8,
) -> FuncAnimation:
    """An animation of training: one frame per snapshot of ``run``, boundary and loss side by side.

    Left, the decision boundary of the snapshot's model (as :func:`plot_decision_boundary`
    draws it, on the grid of :func:`mgfunc.plot_data.decision_boundary`) with the points of
    ``dataset``; right, the training loss up to the snapshot's step (and the validation loss
    when the run measured one), a marker on the current step, the whole curve faint behind.
    With ``neurons=True``, every hidden neuron's map (as :func:`plot_neurons` draws it) follows
    below, changing with the boundary. Every frame's numbers (those of
    :func:`mgfunc.plot_data.neuron_grid`) are computed before the animation is built, so a bad
    argument fails at once and drawing a frame costs only the drawing.

    Save it as a GIF with :func:`save_gif` (Pillow, which matplotlib installs; no ffmpeg): it
    draws the figure once and then only what moves, so a GIF takes about as long as the
    training it shows. In a notebook, show it inline, also without ffmpeg, as PNG frames with
    play controls: ``IPython.display.HTML(animation.to_jshtml())``.

    Args:
        run: a run trained with ``snapshot_every=k`` (:func:`mgfunc.trainer.train`), whose
            ``snapshots`` hold ``(step, model)`` every k steps and at the end.
        dataset: the points to draw (usually the training set); the grid covers them.
        h: the grid step of the boundary (finite, positive).
        padding: how far the grid extends beyond the points (finite, at least 0).
        interval: milliseconds between frames (at least 1); a GIF plays at ``1000 / interval``
            frames per second.
        figsize: width and height of the figure in inches (each from 1 to 50); None is
            :data:`ANIMATION_FIGSIZE`, taller by the neuron maps when they are shown.
        neurons: also show every hidden neuron's output over the plane (the model needs a
            hidden layer, and at most :data:`MAX_NEURON_MAPS` hidden neurons).
        columns: with ``neurons``, the most maps in a row (at least 1).

    Returns:
        A :class:`matplotlib.animation.FuncAnimation` of ``len(run.snapshots)`` frames, on a
        new :class:`~matplotlib.figure.Figure` (never pyplot's).

    Raises:
        InvalidTypeError: an argument has the wrong type.
        InvalidValueError: a run without snapshots (train it with ``snapshot_every=``), or a
            bad ``h``, ``padding``, ``interval``, ``figsize`` or ``columns``, or neurons asked
            of a model without a hidden layer; see also
            :func:`mgfunc.plot_data.decision_boundary`.

    >>> from mgfunc.datasets import moons
    >>> from mgfunc.nn import MLP
    >>> from mgfunc.trainer import train
    >>> data = moons(20, seed=0)
    >>> run = train(MLP.create(2, [4, 1], seed=0), data, steps=4, snapshot_every=2)
    >>> animation = animate_training(run, data, h=0.5)
    >>> "<script" in animation.to_jshtml()  # 3 frames: steps 0, 2 and 4
    True
    """
    snapshots = _check_snapshots(run)
    pace = whole_number(interval, "interval", least=1, example="100")
    if not isinstance(neurons, bool):
        raise InvalidTypeError(f"neurons must be True or False, got {describe(neurons)}")
    hidden = hidden_layers(run.final_model) if neurons else ()
    wrap = whole_number(columns, "columns", least=1, most=MAX_NEURON_MAPS, example="8")
    size = _figsize(figsize, hidden, wrap)
    rows = {row.step: row for row in run.history}
    frames = [
        _frame(run, rows, step, model, dataset, h, padding, neurons) for step, model in snapshots
    ]
    figure = Figure(figsize=size, dpi=DPI)
    figure.set_layout_engine("none")  # laid out once below, whatever the rcParams say
    top: Figure | SubFigure = figure
    maps: list[AxesImage] = []
    first = frames[0].grid  # kept when the neurons are shown
    if first is not None:
        top, bottom = _stacked(figure, hidden, wrap)
        maps = draw_neuron_maps(bottom, hidden, first, dataset, wrap)
    boundary_axes, loss_axes = top.subplots(1, 2, width_ratios=(1.0, 1.25))
    scatter_classes(boundary_axes, dataset)
    boundary_axes.legend(loc="upper right")
    boundary_axes.set_xlabel("x")
    boundary_axes.set_ylabel("y")
    # The grid's extent, as plot_decision_boundary shows it (every frame has the same grid).
    set_boundary_limits(boundary_axes, frames[0].image)
    draw_loss, loss_artists = _loss_panel(loss_axes, run)
    shown: list[tuple[BoundaryImage, Artist]] = []  # the boundary on screen, and its artist

    def draw(index: int) -> list[Artist]:
        frame = frames[index]
        changed: list[Artist] = []
        if not shown or shown[0][0].classes != frame.image.classes:  # refill only on change
            for _, artist in shown:
                artist.remove()
            shown[:] = [(frame.image, fill_boundary(boundary_axes, frame.image))]
            changed.append(shown[0][1])
        title = f"step {frame.step} of {run.steps}"
        if frame.accuracy is not None:
            title += f": accuracy {frame.accuracy:.0%}"
        changed.append(boundary_axes.set_title(title))
        if frame.grid is not None:
            update_neuron_maps(maps, frame.grid.hidden)
            changed.extend(artist for image in maps for artist in map_artists(image))
        return [*changed, *draw_loss(frame)]

    def moving() -> list[Artist]:
        boundary = [artist for _, artist in shown]
        titles = [boundary_axes.title]
        neuron_maps = [artist for image in maps for artist in map_artists(image)]
        return [*boundary, *titles, *loss_artists, *neuron_maps]

    # Lay the figure out once, on the first frame, and keep that layout for every frame: the
    # axes stay put, and no frame pays for a layout engine again.
    draw(0)
    ConstrainedLayoutEngine().execute(figure)
    animation = FrameAnimation(figure, draw, len(frames), pace, moving)
    # One draw starts the animation as a shown figure would: matplotlib then knows it has been
    # rendered, and does not warn when an animation that was never saved is discarded.
    figure.draw_without_rendering()
    return animation


def save_gif(animation: Animation, path: str | os.PathLike[str], *, fps: int | None = None) -> Path:
    """Write ``animation`` to ``path`` as an animated GIF with Pillow, atomically.

    The frames go to a temporary file beside ``path``, renamed onto it once complete: an error
    (or Ctrl-C) while rendering leaves no half-written GIF, and an existing file is replaced
    only by a whole new one. The folder is checked before any frame is drawn.

    Args:
        animation: e.g. what :func:`animate_training` returned.
        path: the ``.gif`` file to write (a str or path-like); its folder must exist.
        fps: frames per second; None plays the animation at its own interval.

    Returns:
        ``path`` as a :class:`pathlib.Path`.

    Raises:
        InvalidTypeError: ``animation`` is not a matplotlib Animation, or ``path`` not a path.
        InvalidValueError: ``path`` does not end in ``.gif``, or ``fps`` is not at least 1.
        FileNotFoundError: the folder of ``path`` does not exist.
        OSError: the file cannot be written (no permission, ``path`` is a folder, ...).

    >>> import os, tempfile
    >>> from mgfunc.datasets import moons
    >>> from mgfunc.nn import MLP
    >>> from mgfunc.trainer import train
    >>> data = moons(20, seed=0)
    >>> run = train(MLP.create(2, [4, 1], seed=0), data, steps=2, snapshot_every=1)
    >>> target = os.path.join(tempfile.mkdtemp(), "training.gif")
    >>> save_gif(animate_training(run, data, h=0.5), target).read_bytes()[:6]
    b'GIF89a'
    """
    if not isinstance(animation, Animation):
        raise InvalidTypeError(
            f"animation must be a matplotlib Animation, got {describe(animation)}; pass what "
            "animate_training returned"
        )
    if not isinstance(path, (str, os.PathLike)) or not os.fspath(path):
        raise InvalidTypeError(
            f"path must be a non-empty str or path-like naming a .gif file, got {describe(path)}"
        )
    target = Path(path)
    if target.suffix.lower() != ".gif":
        raise InvalidValueError(
            f"path must end in .gif (save_gif writes GIFs with Pillow), got {str(target)!r}; for "
            "other formats use animation.save(...) with a writer such as ffmpeg"
        )
    rate = None if fps is None else whole_number(fps, "fps", least=1, example="10")
    folder = target.absolute().parent
    if not folder.is_dir():
        raise FileNotFoundError(
            f"cannot write {str(target)!r}: the folder {str(folder)!r} does not exist; "
            "create it first"
        )
    if target.is_dir():
        raise IsADirectoryError(f"cannot write {str(target)!r}: it is a folder; name a .gif file")
    # Pillow picks the format from the name, so the temporary file ends in .gif too.
    temporary = folder / f".{target.name}.{secrets.token_hex(6)}.tmp.gif"
    try:
        if isinstance(animation, FrameAnimation):  # only what moves is drawn again
            duration = animation.interval_ms if rate is None else int(1000 / rate)
            write_gif(list(animation.frames()), temporary, duration)
        else:
            animation.save(temporary, writer="pillow", fps=rate)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target


def _check_snapshots(run: object) -> tuple[Snapshot, ...]:
    if not isinstance(run, TrainingRun):
        raise InvalidTypeError(
            f"run must be a TrainingRun, got {describe(run)}; pass what "
            "mgfunc.trainer.train(model, dataset, snapshot_every=5) returned"
        )
    if not run.snapshots:
        raise InvalidValueError(
            "run has no snapshots to animate; train it with snapshot_every=k to keep the model "
            "every k steps, e.g. train(model, dataset, steps=100, snapshot_every=2)"
        )
    return run.snapshots


def _frame(
    run: TrainingRun,
    rows: dict[int, HistoryRow],
    step: int,
    model: MLP,
    dataset: Dataset,
    h: float,
    padding: float,
    neurons: bool,
) -> _Frame:
    """A snapshot's frame: its boundary (and neurons), and the loss and accuracy of its history
    row (of the run's final numbers for the final snapshot; None for a step not logged)."""
    grid = grid_outputs(model, dataset, h, padding)
    image = boundary_image(grid.xs, grid.ys, grid.classes(), model, dataset, h)
    kept = grid if neurons else None
    if step == run.steps:
        return _Frame(step, image, run.final_loss, run.final_accuracy, kept)
    row = rows.get(step)
    if row is None:
        return _Frame(step, image, None, None, kept)
    return _Frame(step, image, row.loss, row.accuracy, kept)


def _figsize(figsize: object, hidden: Sequence[Layer], columns: int) -> tuple[float, float]:
    """The figure's inches: as given, or the default, taller by the neuron maps."""
    if figsize is not None:
        return check_figsize(figsize)
    width, height = ANIMATION_FIGSIZE
    return (width, height + maps_height(hidden, columns)) if hidden else (width, height)


def _stacked(figure: Figure, hidden: Sequence[Layer], columns: int) -> tuple[SubFigure, SubFigure]:
    """The boundary and loss on top, the neuron maps below, in proportion to their heights."""
    rows = figure.add_gridspec(
        2, 1, height_ratios=(ANIMATION_FIGSIZE[1], maps_height(hidden, columns))
    )
    return figure.add_subfigure(rows[0]), figure.add_subfigure(rows[1])


def _loss_panel(
    axes: Axes, run: TrainingRun
) -> tuple[Callable[[_Frame], list[Artist]], list[Artist]]:
    """Draw the loss curves faintly on ``axes``; return what draws a frame's part over them,
    and the artists it changes.

    The training curve is the history's total loss with the final model's loss at the last
    step; the validation curve is the history's validation loss, when the run measured one.
    """
    training = [(row.step, row.loss) for row in run.history]
    if not training or training[-1][0] < run.steps:
        training.append((run.steps, run.final_loss))
    validation = [(row.step, row.val_loss) for row in run.history if row.val_loss is not None]
    curves = [("training loss", "#2166ac", training)]
    if validation:
        curves.append(("validation loss", "#762a83", validation))
    progress = []
    for label, colour, points in curves:
        steps = [step for step, _ in points]
        values = [value for _, value in points]
        axes.plot(steps, values, color=colour, alpha=0.2, linewidth=1.5)
        (line,) = axes.plot([], [], color=colour, linewidth=2, label=label)
        progress.append((line, points))
    (marker,) = axes.plot([], [], "o", color="#2166ac", markersize=7, zorder=3)
    cursor = axes.axvline(0.0, color="0.5", linewidth=1, linestyle=":")
    highest = max(value for _, _, points in curves for _, value in points)
    last = max(1.0, float(max(run.steps, training[-1][0])))
    axes.set_xlim(-0.02 * last, 1.02 * last)  # room for the marker at either end
    axes.set_ylim(0.0, highest * 1.05 if highest > 0.0 else 1.0)
    axes.set_title("Loss")
    axes.set_xlabel("step")
    axes.set_ylabel("loss")
    axes.grid(alpha=0.3)
    axes.legend(loc="upper right")

    def draw(frame: _Frame) -> list[Artist]:
        for line, points in progress:
            shown = [(step, value) for step, value in points if step <= frame.step]
            line.set_data([step for step, _ in shown], [value for _, value in shown])
        known = [] if frame.loss is None else [frame.loss]
        marker.set_data([frame.step] * len(known), known)
        cursor.set_xdata([frame.step, frame.step])
        axes.set_title("Loss" if frame.loss is None else f"Loss: {frame.loss:.4f}")
        return moving

    moving: list[Artist] = [*(line for line, _ in progress), marker, cursor, axes.title]
    return draw, moving
