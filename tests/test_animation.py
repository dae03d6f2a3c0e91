"""animate_training: one frame per snapshot, each the boundary of that snapshot's model; GIFs."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy
import pytest
from matplotlib.animation import AbstractMovieWriter, Animation, FuncAnimation
from matplotlib.axes import Axes
from matplotlib.contour import ContourSet
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from PIL import Image

from mgfunc.datasets import Dataset, moons, split
from mgfunc.errors import InvalidTypeError, InvalidValueError
from mgfunc.nn import MLP
from mgfunc.optim import adamw
from mgfunc.plot_data import grid_axes
from mgfunc.plots import DPI, animate_training, plot_decision_boundary, save_gif
from mgfunc.plots._frames import FrameAnimation
from mgfunc.trainer import TrainingRun, train
from tests.runs import three_class_run

H = 0.5
FIGSIZE = (6.0, 3.0)


@pytest.fixture(scope="module")
def data() -> Dataset:
    return moons(30, seed=0)


@pytest.fixture(scope="module")
def run(data: Dataset) -> TrainingRun:
    """Six steps with a snapshot every two: frames for steps 0, 2, 4 and 6."""
    return train(MLP.create(2, [8, 1], seed=0), data, steps=6, learning_rate=0.5, snapshot_every=2)


@pytest.fixture(scope="module")
def three_classes() -> tuple[TrainingRun, Dataset]:
    """A 3-class run with a validation set, a snapshot every step."""
    run, (training, _) = three_class_run(
        30,
        (0.7, 0.3),
        seed=0,
        hidden=6,
        steps=2,
        optimizer=adamw(0.1, weight_decay=1e-4),
        snapshot_every=1,
    )
    return run, training


@dataclass(frozen=True)
class Shown:
    """What one frame of the animation showed."""

    boundary: list[tuple[list[list[float]], list[int] | None]]
    title: str
    loss_title: str
    loss_steps: list[float]
    legend: list[str]


class FrameRecorder(AbstractMovieWriter):
    """A movie writer that writes nothing and keeps what each frame shows."""

    def __init__(self) -> None:
        super().__init__()
        self.frames: list[Shown] = []

    def setup(self, fig: Figure, outfile: str | Path, dpi: float | None = None) -> None:
        self.fig = fig

    def grab_frame(self, **savefig_kwargs: object) -> None:
        boundary, loss = self.fig.axes
        progress = next(line for line in loss.lines if line.get_label() == "training loss")
        legend = loss.get_legend()
        assert legend is not None
        self.frames.append(
            Shown(
                boundary=contour_of(boundary),
                title=boundary.get_title(),
                loss_title=loss.get_title(),
                loss_steps=numpy.asarray(progress.get_xdata()).tolist(),
                legend=[text.get_text() for text in legend.get_texts()],
            )
        )

    def finish(self) -> None:
        pass


def contour_of(axes: Axes) -> list[tuple[list[list[float]], list[int] | None]]:
    """The filled contour on ``axes`` as plain data: each path's vertices and codes."""
    (contour,) = [artist for artist in axes.collections if isinstance(artist, ContourSet)]
    paths = []
    for path in contour.get_paths():
        vertices: list[list[float]] = numpy.asarray(path.vertices).tolist()
        codes: list[int] | None = None if path.codes is None else numpy.asarray(path.codes).tolist()
        paths.append((vertices, codes))
    return paths


def recorded(animation: Animation) -> list[Shown]:
    recorder = FrameRecorder()
    animation.save("unused.gif", writer=recorder)  # the recorder writes no file
    return recorder.frames


def test_one_frame_per_snapshot_each_the_boundary_of_its_model(
    run: TrainingRun, data: Dataset
) -> None:
    frames = recorded(animate_training(run, data, h=H, figsize=FIGSIZE))
    assert [step for step, _ in run.snapshots] == [0, 2, 4, 6]
    assert len(frames) == len(run.snapshots)
    for frame, (step, model) in zip(frames, run.snapshots):
        expected = contour_of(plot_decision_boundary(model, data, h=H))
        assert frame.boundary == expected, step
        assert frame.title.startswith(f"step {step} of 6: accuracy ")
        assert frame.loss_steps == list(range(step + 1))  # the loss so far, one per step
    # the boundary moves as training goes, so a frame showing another model would be caught
    assert frames[0].boundary != frames[-1].boundary
    assert frames[-1].loss_title == f"Loss: {run.final_loss:.4f}"
    assert frames[0].loss_title == f"Loss: {run.history[0].loss:.4f}"


def test_three_classes_and_a_validation_curve(three_classes: tuple[TrainingRun, Dataset]) -> None:
    run, training = three_classes
    frames = recorded(animate_training(run, training, h=H, figsize=FIGSIZE))
    assert len(frames) == len(run.snapshots) == 3
    for frame, (_, model) in zip(frames, run.snapshots):
        assert frame.boundary == contour_of(plot_decision_boundary(model, training, h=H))
    assert frames[0].legend == ["training loss", "validation loss"]


def test_unlogged_steps_have_frames_without_numbers(data: Dataset) -> None:
    run = train(MLP.create(2, [4, 1], seed=0), data, steps=3, log_every=2, snapshot_every=1)
    titles = [frame.title for frame in recorded(animate_training(run, data, h=H))]
    assert titles[1] == "step 1 of 3" and titles[2].startswith("step 2 of 3: accuracy")


def test_the_gif_has_one_frame_per_snapshot(
    run: TrainingRun, data: Dataset, tmp_path: Path
) -> None:
    target = tmp_path / "training.gif"
    written = save_gif(animate_training(run, data, h=H, figsize=FIGSIZE), target)
    assert written == target
    with Image.open(target) as image:
        assert image.format == "GIF"
        assert image.n_frames == len(run.snapshots)
        assert image.size == (round(FIGSIZE[0] * DPI), round(FIGSIZE[1] * DPI))
        image.seek(0)
        first = image.convert("RGB").tobytes()
        image.seek(image.n_frames - 1)
        assert image.convert("RGB").tobytes() != first
    assert sorted(path.name for path in tmp_path.iterdir()) == ["training.gif"]  # no leftovers


def test_an_existing_gif_is_replaced_whole(run: TrainingRun, data: Dataset, tmp_path: Path) -> None:
    target = tmp_path / "training.gif"
    target.write_bytes(b"old")
    save_gif(animate_training(run, data, h=H, figsize=FIGSIZE), str(target), fps=2)
    with Image.open(target) as image:
        assert image.n_frames == len(run.snapshots)
        assert image.info["duration"] == 500  # 2 frames per second


def test_a_missing_folder_fails_before_any_frame_and_writes_nothing(
    run: TrainingRun, data: Dataset, tmp_path: Path
) -> None:
    animation = animate_training(run, data, h=H, figsize=FIGSIZE)
    with pytest.raises(FileNotFoundError, match=r"does not exist; create it first"):
        save_gif(animation, tmp_path / "missing" / "training.gif")
    assert not any(tmp_path.iterdir())


def test_a_folder_in_the_way_is_refused(run: TrainingRun, data: Dataset, tmp_path: Path) -> None:
    animation = animate_training(run, data, h=H, figsize=FIGSIZE)
    (tmp_path / "taken.gif").mkdir()
    with pytest.raises(IsADirectoryError, match="it is a folder"):
        save_gif(animation, tmp_path / "taken.gif")
    assert [path.name for path in tmp_path.iterdir()] == ["taken.gif"]


def assert_a_stopped_save_leaves_the_old_file(animation: Animation, target: Path) -> None:
    """Saving over an old ``target`` stops with StopError; the old file is left whole, alone."""
    target.write_bytes(b"old")
    with pytest.raises(StopError):
        save_gif(animation, target)
    assert target.read_bytes() == b"old"
    assert [path.name for path in target.parent.iterdir()] == [target.name]


class StopError(Exception):
    """Stands for anything going wrong while a GIF is written (a full disk, Ctrl-C)."""


def test_an_error_while_rendering_leaves_the_old_file(
    run: TrainingRun, data: Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    animation = animate_training(run, data, h=H, figsize=FIGSIZE)
    assert isinstance(animation, FrameAnimation)
    frames = animation.frames

    def stop_at_frame_two() -> Iterator[numpy.ndarray]:
        for index, frame in enumerate(frames()):
            if index == 2:
                raise StopError
            yield frame

    monkeypatch.setattr(animation, "frames", stop_at_frame_two)
    assert_a_stopped_save_leaves_the_old_file(animation, tmp_path / "training.gif")


def test_an_error_while_matplotlib_renders_another_animation_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    figure = Figure(figsize=(2.0, 2.0), dpi=DPI)
    (line,) = figure.add_subplot().plot([0.0, 1.0], [0.0, 1.0])

    def draw(index: int) -> list[Line2D]:
        line.set_ydata([0.0, float(index)])
        return [line]

    animation = FuncAnimation(figure, draw, frames=4)
    save = animation.save

    def stop_at_frame_two(current: int, total: int) -> None:
        if current == 2:
            raise StopError

    def save_and_stop(*args: object, **kwargs: object) -> None:
        save(*args, **kwargs, progress_callback=stop_at_frame_two)  # type: ignore[arg-type]

    monkeypatch.setattr(animation, "save", save_and_stop)
    target = tmp_path / "training.gif"
    assert_a_stopped_save_leaves_the_old_file(animation, target)
    monkeypatch.undo()
    with Image.open(save_gif(animation, target)) as image:  # matplotlib's own writer
        assert image.n_frames == 4


def test_a_failed_rename_removes_the_finished_temporary_file(
    run: TrainingRun, data: Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    animation = animate_training(run, data, h=H, figsize=FIGSIZE)
    written: list[bytes] = []

    def fail(source: Path, target: Path) -> None:
        written.append(Path(source).read_bytes()[:6])  # the whole GIF was there
        raise StopError

    monkeypatch.setattr("mgfunc.plots.animation.os.replace", fail)
    with pytest.raises(StopError):
        save_gif(animation, tmp_path / "training.gif")
    assert written == [b"GIF89a"]
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"run": "not a run"}, InvalidTypeError, r"run must be a TrainingRun, got str"),
        ({"dataset": [(0.0, 1.0)]}, InvalidTypeError, r"dataset must be a Dataset"),
        ({"h": 0.0}, InvalidValueError, r"h is the grid step and must be positive"),
        ({"h": "0.1"}, InvalidTypeError, r"h must be a real number"),
        ({"h": float("nan")}, InvalidValueError, r"h must be finite"),
        ({"h": 1e-9}, InvalidValueError, r"more than 1,000,000 grid points"),
        ({"padding": -1.0}, InvalidValueError, r"padding must be at least 0"),
        ({"interval": 0}, InvalidValueError, r"interval must be at least 1"),
        ({"interval": 0.5}, InvalidTypeError, r"interval must be an int"),
        ({"figsize": 6.0}, InvalidTypeError, r"figsize must be a \(width, height\) pair"),
        ({"figsize": (6.0, 0.0)}, InvalidValueError, r"figsize must be positive"),
    ],
)
def test_bad_arguments_are_refused_clearly(
    run: TrainingRun,
    data: Dataset,
    arguments: dict[str, object],
    error: type[Exception],
    message: str,
) -> None:
    call: dict[str, object] = {"run": run, "dataset": data, "h": H, **arguments}
    with pytest.raises(error, match=message):
        animate_training(**call)  # type: ignore[arg-type]


def test_a_run_without_snapshots_says_to_pass_snapshot_every(data: Dataset) -> None:
    run = train(MLP.create(2, [4, 1], seed=0), data, steps=1)
    with pytest.raises(InvalidValueError, match=r"no snapshots.*snapshot_every="):
        animate_training(run, data)


def test_train_refuses_a_snapshot_interval_of_zero(data: Dataset) -> None:
    with pytest.raises(InvalidValueError, match=r"snapshot_every .* must be at least 1, got 0"):
        train(MLP.create(2, [4, 1], seed=0), data, steps=1, snapshot_every=0)


@pytest.mark.parametrize(
    ("animation", "path", "fps", "error", "message"),
    [
        ("not an animation", "a.gif", None, InvalidTypeError, r"must be a matplotlib Animation"),
        (None, 3, None, InvalidTypeError, r"path must be a non-empty str or path-like"),
        (None, "a.mp4", None, InvalidValueError, r"path must end in \.gif"),
        (None, "a.gif", 0, InvalidValueError, r"fps must be at least 1"),
    ],
)
def test_save_gif_refuses_bad_arguments_before_rendering(
    run: TrainingRun,
    data: Dataset,
    tmp_path: Path,
    animation: object,
    path: object,
    fps: object,
    error: type[Exception],
    message: str,
) -> None:
    subject = animate_training(run, data, h=H) if animation is None else animation
    target = tmp_path / path if isinstance(path, str) else path
    with pytest.raises(error, match=message):
        save_gif(subject, target, fps=fps)  # type: ignore[arg-type]
    assert not any(tmp_path.iterdir())


def full_draws(animation: FrameAnimation) -> list[numpy.ndarray]:
    """Each frame drawn the slow way: the frame's artists set, then the whole figure saved."""
    figure = animation.canvas_figure
    pictures = []
    for index in range(animation.frame_count):
        animation.show_frame(index)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="rgba")
        width, height = figure.canvas.get_width_height()
        pictures.append(numpy.frombuffer(buffer.getvalue(), numpy.uint8).reshape(height, width, 4))
    return pictures


@pytest.mark.parametrize(
    ("neurons", "h"),
    [(False, H), (True, H), (False, 50.0)],  # 50: a grid of one cell, shown as a mesh
)
def test_the_fast_frames_are_the_full_drawings_pixel_for_pixel(
    data: Dataset, neurons: bool, h: float
) -> None:
    training, validation = split(data, (0.7, 0.3), seed=0)  # two loss curves that cross
    run = train(
        MLP.create(2, [5, 3, 1], seed=1),
        training,
        steps=12,
        learning_rate=0.5,
        validation=validation,
        snapshot_every=1,
    )
    animation = animate_training(
        run, training, h=h, figsize=None if neurons else FIGSIZE, neurons=neurons
    )
    assert isinstance(animation, FrameAnimation)
    fast = list(animation.frames())
    slow = full_draws(animation)
    assert len(fast) == len(slow) == 13
    for index, (quick, whole) in enumerate(zip(fast, slow)):
        assert numpy.array_equal(quick, whole), index
    assert not numpy.array_equal(fast[0], fast[-1])


def test_saving_draws_the_whole_figure_once(
    run: TrainingRun, data: Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    animation = animate_training(run, data, h=H, figsize=FIGSIZE)
    draws: list[int] = []
    whole = Figure.draw

    def counted(figure: Figure, renderer: object) -> None:
        draws.append(1)
        whole(figure, renderer)  # type: ignore[arg-type]

    monkeypatch.setattr(Figure, "draw", counted)
    save_gif(animation, tmp_path / "training.gif")
    assert len(draws) == 1  # the background; each frame draws only what moves
    with Image.open(tmp_path / "training.gif") as image:
        assert image.n_frames == len(run.snapshots)


def test_the_neuron_maps_follow_each_snapshot(data: Dataset) -> None:
    run = train(MLP.create(2, [4, 2, 1], seed=2), data, steps=4, snapshot_every=2)
    animation = animate_training(run, data, h=H, neurons=True, columns=2)
    assert isinstance(animation, FrameAnimation)
    figure = animation.canvas_figure
    assert figure.get_size_inches()[1] > 4.5  # the default height, plus the maps
    xs, ys = grid_axes(run.final_model, data, H)
    shown = []
    for index, (_, model) in enumerate(run.snapshots):
        animation.show_frame(index)
        images = {
            image.get_gid() or "": numpy.asarray(image.get_array())
            for axes in figure.get_axes()
            for image in axes.get_images()
        }
        assert sorted(images) == [f"neuron-0-{n}" for n in range(4)] + ["neuron-1-0", "neuron-1-1"]
        for j, i in ((0, 0), (len(ys) // 2, len(xs) // 3), (len(ys) - 1, len(xs) - 1)):
            first = model.layers[0].evaluate((xs[i], ys[j]))
            second = model.layers[1].evaluate(first)
            assert [float(images[f"neuron-0-{n}"][j, i]) for n in range(4)] == list(first)
            assert [float(images[f"neuron-1-{n}"][j, i]) for n in range(2)] == list(second)
        shown.append(images["neuron-0-0"])
    assert not numpy.array_equal(shown[0], shown[-1])  # the maps change as the model learns


def test_neurons_need_a_hidden_layer(data: Dataset) -> None:
    run = train(MLP.create(2, [1], seed=0), data, steps=2, snapshot_every=1)
    with pytest.raises(InvalidValueError, match="no hidden layer"):
        animate_training(run, data, neurons=True)
    with pytest.raises(InvalidTypeError, match="neurons must be True or False"):
        animate_training(run, data, neurons="yes")  # type: ignore[arg-type]


def test_the_gif_keeps_the_frames_colours(run: TrainingRun, data: Dataset, tmp_path: Path) -> None:
    animation = animate_training(run, data, h=H, figsize=FIGSIZE)
    assert isinstance(animation, FrameAnimation)
    drawn = [frame[:, :, :3].astype(int) for frame in animation.frames()]
    with Image.open(save_gif(animation, tmp_path / "training.gif")) as image:
        played = []
        for index in range(image.n_frames):
            image.seek(index)
            played.append(numpy.asarray(image.convert("RGB")).astype(int))
    for frame, shown in zip(drawn, played, strict=True):
        difference = numpy.abs(frame - shown).max(axis=2)
        assert (difference == 0).mean() > 0.98  # the common colours exactly (white, classes)
        assert difference.mean() < 0.5  # the rare shades of edges nearly
        assert (shown[frame.sum(axis=2) == 3 * 255] == 255).all()  # the white stays white
