"""The training animation: each snapshot's decision boundary beside the loss curve so far,
and :func:`save_gif` to write it.

>>> from mgfunc.datasets import moons
>>> from mgfunc.nn import MLP
>>> from mgfunc.trainer import train
>>> data = moons(20, seed=0)
>>> run = train(MLP.create(2, [4, 1], seed=0), data, steps=2, snapshot_every=1)
>>> type(animate_training(run, data, h=0.5)).__name__
'FuncAnimation'
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path

import attrs
from matplotlib.animation import Animation, FuncAnimation
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine

from mgfunc._checks import describe, whole_number
from mgfunc._frozen import immutable
from mgfunc.datasets import Dataset
from mgfunc.errors import InvalidTypeError, InvalidValueError
from mgfunc.nn import MLP
from mgfunc.plot_data import decision_boundary
from mgfunc.plots._common import (
    DPI,
    BoundaryImage,
    check_figsize,
    fill_boundary,
    rows_image,
    scatter_classes,
    set_boundary_limits,
)
from mgfunc.trainer import HistoryRow, Snapshot, TrainingRun

__all__ = ["ANIMATION_FIGSIZE", "animate_training", "save_gif"]

ANIMATION_FIGSIZE = (10.0, 4.5)
"""Inches of the figure :func:`animate_training` makes: 1000 x 450 pixels at :data:`DPI`."""


@immutable()
@attrs.frozen
class _Frame:
    """One frame: the snapshot's step, its boundary, and its loss and accuracy when known."""

    step: int
    image: BoundaryImage
    loss: float | None
    accuracy: float | None


def animate_training(
    run: TrainingRun,
    dataset: Dataset,
    *,
    h: float = 0.25,
    padding: float = 1.0,
    interval: int = 100,
    figsize: tuple[float, float] = ANIMATION_FIGSIZE,
) -> FuncAnimation:
    """An animation of training: one frame per snapshot of ``run``, boundary and loss side by side.

    Left, the decision boundary of the snapshot's model (as :func:`plot_decision_boundary`
    draws it, from :func:`mgfunc.plot_data.decision_boundary`) with the points of ``dataset``;
    right, the training loss up to the snapshot's step (and the validation loss when the run
    measured one), a marker on the current step, the whole curve faint behind. Every frame's
    grid is computed before the animation is built, so a bad argument fails at once and
    drawing a frame costs only the drawing.

    Save it as a GIF with :func:`save_gif` (Pillow, which matplotlib installs; no ffmpeg). In a
    notebook, show it inline, also without ffmpeg, as PNG frames with play controls:
    ``IPython.display.HTML(animation.to_jshtml())``.

    Args:
        run: a run trained with ``snapshot_every=k`` (:func:`mgfunc.trainer.train`), whose
            ``snapshots`` hold ``(step, model)`` every k steps and at the end.
        dataset: the points to draw (usually the training set); the grid covers them.
        h: the grid step of the boundary (finite, positive).
        padding: how far the grid extends beyond the points (finite, at least 0).
        interval: milliseconds between frames (at least 1); a GIF plays at ``1000 / interval``
            frames per second.
        figsize: width and height of the figure in inches (finite, positive).

    Returns:
        A :class:`matplotlib.animation.FuncAnimation` of ``len(run.snapshots)`` frames, on a
        new :class:`~matplotlib.figure.Figure` (never pyplot's).

    Raises:
        InvalidTypeError: an argument has the wrong type.
        InvalidValueError: a run without snapshots (train it with ``snapshot_every=``), or a
            bad ``h``, ``padding``, ``interval`` or ``figsize``; see also
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
    size = check_figsize(figsize)
    rows = {row.step: row for row in run.history}
    frames = [_frame(run, rows, step, model, dataset, h, padding) for step, model in snapshots]
    figure = Figure(figsize=size, dpi=DPI)
    figure.set_layout_engine("none")  # laid out once below, whatever the rcParams say
    boundary_axes, loss_axes = figure.subplots(1, 2, width_ratios=(1.0, 1.25))
    scatter_classes(boundary_axes, dataset)
    boundary_axes.legend(loc="upper right")
    boundary_axes.set_xlabel("x")
    boundary_axes.set_ylabel("y")
    # The grid's extent, as plot_decision_boundary shows it (every frame has the same grid).
    set_boundary_limits(boundary_axes, frames[0].image)
    draw_loss = _loss_panel(loss_axes, run)
    drawn: list[Artist] = []  # the current frame's boundary, replaced by the next frame's

    def draw(index: int) -> list[Artist]:
        frame = frames[index]
        for artist in drawn:
            artist.remove()
        drawn[:] = [fill_boundary(boundary_axes, frame.image)]
        title = f"step {frame.step} of {run.steps}"
        if frame.accuracy is not None:
            title += f": accuracy {frame.accuracy:.0%}"
        boundary_axes.set_title(title)
        return [*drawn, *draw_loss(frame)]

    # Lay the figure out once, on the first frame, and keep that layout for every frame: the
    # axes stay put, and no frame pays for a layout engine again.
    draw(0)
    ConstrainedLayoutEngine().execute(figure)
    animation = FuncAnimation(figure, draw, frames=len(frames), interval=pace, repeat=True)
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
) -> _Frame:
    """A snapshot's frame: its boundary, and the loss and accuracy of its history row (of the
    run's final numbers for the final snapshot; None for a step that was not logged)."""
    grid = decision_boundary(model, dataset, h=h, padding=padding)
    image = rows_image(grid, model, dataset, h)
    if step == run.steps:
        return _Frame(step, image, run.final_loss, run.final_accuracy)
    row = rows.get(step)
    if row is None:
        return _Frame(step, image, None, None)
    return _Frame(step, image, row.loss, row.accuracy)


def _loss_panel(axes: Axes, run: TrainingRun) -> Callable[[_Frame], list[Artist]]:
    """Draw the loss curves faintly on ``axes``; return what draws a frame's part over them.

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
        title = axes.set_title("Loss" if frame.loss is None else f"Loss: {frame.loss:.4f}")
        return [*(line for line, _ in progress), marker, cursor, title]

    return draw
