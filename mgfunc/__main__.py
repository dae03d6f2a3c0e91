"""The command line: ``python -m mgfunc demo`` (or the ``mgfunc`` console script).

``demo`` trains the official micrograd demo (100 two-moons points, an MLP [16, 16, 1], 100
steps) with progress, prints a summary, and writes the plots and a graph into a folder. Run
``python -m mgfunc demo --help`` for every option. Figures are drawn on matplotlib ``Figure``
objects directly, never through pyplot, so no display is needed.

The options are checked by the library's own checks before training
(:mod:`mgfunc._demo_options`), and every file is written through the library's one atomic
write (:mod:`mgfunc._files`).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from matplotlib.animation import Animation
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from mgfunc import plots
from mgfunc._demo_options import ADAM_LEARNING_RATE as ADAM_LEARNING_RATE
from mgfunc._demo_options import (
    ALL_OPTIONS,
    DATASETS,
    OptionError,
    Plan,
    checked_plan,
    diverged,
    in_option_words,
    one_line,
    run_plan,
)
from mgfunc._demo_options import ANIMATION_FRAMES as ANIMATION_FRAMES
from mgfunc._files import prepare_folder, replacing, write_text
from mgfunc.backward import backward
from mgfunc.errors import MgfuncError
from mgfunc.gradients import Gradients
from mgfunc.graph import to_dot
from mgfunc.nn import parameter_count
from mgfunc.trainer import (
    HistoryRow,
    TrainingDivergedError,
    TrainingInterrupted,
    TrainingRun,
    train,
)
from mgfunc.value import Value

__all__ = ["main"]

PROGRESS_EVERY = 10
"""The demo prints a progress line every this many steps (and at the last step)."""

INTERRUPTED = 130
"""The exit status after Ctrl-C, as a shell reports a process stopped by SIGINT (128 + 2)."""

_DESCRIPTION = """\
Train the official micrograd demo: a two-moons dataset, an MLP, full-batch gradient descent on
the max-margin loss with L2 regularisation. Shows progress every 10 steps, prints a summary
(parameters, initial and final loss, final accuracy, seconds), and writes into --out:
dataset.png, loss.png, accuracy.png, decision_boundary.png, graph.png, graph.dot,
datapoint_graph.png and neurons.png. The graph files show the small warm-up expression of the
demo's section 1 (x = -4; z = 2x + 2 + x; q = relu(z) + z x; h = relu(z z); y = h + q + q x,
with its gradients: y = -20, dy/dx = 46). datapoint_graph.png shows the first training point through
the model before training, one box per neuron (its weights and bias summarised), with the
point's max-margin loss and the gradients of the first step; it is left out when a layer is
wider than 32. neurons.png shows every hidden neuron of the trained model as a map over the
plane, beside its decision boundary."""

_DEMO_EPILOG = """\
Beyond the official run: --dataset spiral, blobs (each with --classes K) or yin_yang (3
classes); with more than two classes the last layer has one output per class (--layers ends in
K, by default 16,16,K) and the loss is softmax cross-entropy instead of the max-margin loss.
--optimizer adam or adamw use --learning-rate as a constant rate (default 0.05), --momentum
applies to sgd and --weight-decay to adamw. --validation 0.2 holds out a fifth of the points
and draws their loss and accuracy beside the training curves. --animate also writes
training.gif: the decision boundary and the loss as training goes.

Every option, and the output folder (created if missing, then tried with a file), is checked
before training starts: a bad option value prints one line on stderr and exits with status 2,
an output folder that cannot be written exits with status 1. Every file is written to a
temporary name and renamed, so an existing file is replaced whole or not at all. Ctrl-C during
training prints the steps done with the last loss and accuracy, writes nothing, and exits with
status 130."""

_EPILOG = """\
Without a subcommand mgfunc prints this help on stderr and exits with status 2.
A bad option value prints one line on stderr and exits with status 2; an output folder that
cannot be written exits with status 1."""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line on stderr (no usage block), exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


# The option types only read the text. Whether a number is in range is the library's to say
# (see checked_plan): the command line has no copies of its rules.


def _integers(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated integers such as 16,16,1, got {text!r}"
        ) from None


def _seed(text: str) -> int | tuple[int, ...]:
    numbers = _integers(text)
    return numbers[0] if len(numbers) == 1 else numbers


def _folder(text: str) -> Path:
    if not text.strip():
        # Path("") is the current folder: an empty --out is far more often a mistake (an unset
        # shell variable) than a wish to fill the current folder with pictures.
        raise argparse.ArgumentTypeError(
            "expected a folder, got an empty name; pass for example --out demo_output, or "
            "--out . for the current folder"
        )
    return Path(text)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``mgfunc`` command."""
    parser = _Parser(
        prog="mgfunc",
        description="mgfunc: micrograd, functional. Scalar autodiff and a tiny MLP.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = commands.add_parser(
        "demo",
        help="train the official two-moons demo and write plots",
        description=_DESCRIPTION,
        epilog=_DEMO_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    demo.add_argument(
        "--out",
        type=_folder,
        default=Path("demo_output"),
        metavar="DIR",
        help="folder for the plots and graph.dot, created if missing; . is the current folder "
        "(default: demo_output)",
    )
    demo.add_argument(
        "--dataset",
        choices=DATASETS,
        default="moons",
        help="the points to classify: moons (2 classes), spiral or blobs (--classes K), "
        "yin_yang (3 classes) (default: moons)",
    )
    demo.add_argument(
        "--classes",
        type=int,
        default=None,
        metavar="K",
        help="number of classes of --dataset spiral or blobs (default: 2)",
    )
    demo.add_argument(
        "--samples",
        type=int,
        default=100,
        help="number of points, at least 2 (at least one per class) (default: 100)",
    )
    demo.add_argument(
        "--noise",
        type=float,
        default=None,
        help="standard deviation of the noise on the points (default: 0.1 for moons, 0.05 "
        "for spiral, 0.25 for blobs; yin_yang has none)",
    )
    demo.add_argument(
        "--validation",
        type=float,
        default=None,
        metavar="FRACTION",
        help="hold out this share of the points as a validation set, measured every step and "
        "drawn in loss.png and accuracy.png (default: train on every point)",
    )
    demo.add_argument(
        "--steps",
        type=int,
        default=100,
        help="number of gradient-descent steps, at least 1 (default: 100)",
    )
    demo.add_argument(
        "--alpha",
        type=float,
        default=1e-4,
        help="L2 regularisation strength (default: 1e-4)",
    )
    demo.add_argument(
        "--seed",
        type=_seed,
        default=(1337, 1337, 1337),
        help="seed of the dataset and of the initial weights: comma-separated integers "
        "(default: 1337,1337,1337)",
    )
    demo.add_argument(
        "--layers",
        type=_integers,
        default=None,
        help="widths of the MLP's layers after its 2 inputs; the last is 1 (one score) for two "
        "classes and K for K > 2 classes (default: 16,16,1, i.e. 337 parameters; 16,16,K)",
    )
    demo.add_argument(
        "--optimizer",
        choices=("sgd", "adam", "adamw"),
        default="sgd",
        help="sgd is micrograd's update; adam and adamw follow torch.optim (default: sgd)",
    )
    demo.add_argument(
        "--learning-rate",
        type=float,
        default=None,
        metavar="RATE",
        help="a constant learning rate for the optimizer (default: for sgd the official "
        f"schedule 1.0 - 0.9 * step / 100; for adam and adamw {ADAM_LEARNING_RATE})",
    )
    demo.add_argument(
        "--momentum",
        type=float,
        default=None,
        help="momentum of --optimizer sgd, in [0, 1) (default: 0, micrograd's update)",
    )
    demo.add_argument(
        "--weight-decay",
        type=float,
        default=None,
        help="decoupled weight decay of --optimizer adamw (default: 0.01)",
    )
    demo.add_argument(
        "--batch-size",
        type=int,
        default=None,
        metavar="N",
        help="train each step on N points drawn at random (seeded by --seed) instead of on "
        "every point (default: every point)",
    )
    demo.add_argument(
        "--h",
        type=float,
        default=0.25,
        help="grid step of the decision-boundary plot (default: 0.25)",
    )
    demo.add_argument(
        "--animate",
        action="store_true",
        help="also write training.gif: the decision boundary (grid step --h) and the loss as "
        f"training goes, a frame every ceil(steps / {ANIMATION_FRAMES}) steps",
    )
    demo.add_argument(
        "--quiet",
        action="store_true",
        help="print nothing but errors: no progress lines, no summary",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``mgfunc`` command line; return its exit status.

    Every option is checked (by the library's own checks, the errors told in the options'
    words) and the output folder created and proven writable before any training.

    Args:
        argv: the arguments after the program name; None reads ``sys.argv[1:]``.

    Returns:
        0 on success; 2 on a bad option value, a bad argument found by mgfunc, or no
        subcommand (after printing the help on stderr); 1 if the output cannot be written;
        130 after Ctrl-C (with the steps done, the last loss and accuracy when training).
    """
    parser = build_parser()
    try:
        options = parser.parse_args(argv)
    except SystemExit as stop:  # --help (0) and bad values (2): return, do not exit
        return stop.code if isinstance(stop.code, int) else 2
    if options.command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        plan = checked_plan(options, train)
    except OptionError as error:
        print(f"mgfunc demo: error: {error} (see mgfunc demo --help)", file=sys.stderr)
        return 2
    try:
        out = prepare_folder(options.out)
    except OSError as error:
        print(f"mgfunc demo: error: argument --out: {_reason(error)}", file=sys.stderr)
        return 1
    try:
        return _demo(plan, out, options.quiet)
    except TrainingDivergedError as error:
        print(f"mgfunc: error: {diverged(error)}", file=sys.stderr)
        return 2
    except MgfuncError as error:
        print(f"mgfunc: error: {in_option_words(str(error), ALL_OPTIONS)}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"mgfunc: error: cannot write the output: {_reason(error)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # after training (TrainingInterrupted is handled in _demo)
        print("mgfunc: interrupted", file=sys.stderr)
        return INTERRUPTED


def _reason(error: OSError) -> str:
    """An OSError as one line, without Python's ``[Errno N]`` prefix."""
    return one_line(error.strerror if error.strerror and error.filename is None else str(error))


# Running the demo: train, draw every picture, then write them all.


def _demo(plan: Plan, out: Path, quiet: bool) -> int:
    def say(text: str) -> None:
        if not quiet:
            print(text, flush=True)

    steps, layers, model, dataset = plan.steps, plan.layers, plan.model, plan.dataset
    say(f"mgfunc demo: {plan.described}, MLP 2 -> {' -> '.join(map(str, layers))}, {steps} steps")
    say(
        f"optimizer: {plan.optimizer_text}"
        + (f", batches of {plan.batch_size}" if plan.batch_size else "")
    )

    def progress(row: HistoryRow) -> None:
        if row.step % PROGRESS_EVERY == 0 or row.step == steps - 1:
            held_out = ""
            if row.val_loss is not None and row.val_accuracy is not None:
                held_out = f"  validation {row.val_loss:.6f} {row.val_accuracy * 100:5.1f}%"
            say(
                f"step {row.step:>4}  loss {row.loss:.6f}  accuracy {row.accuracy * 100:5.1f}%"
                f"  learning rate {row.learning_rate:.4f}{held_out}"
            )

    started = time.perf_counter()
    try:
        run = run_plan(plan, train, steps=steps, on_step=progress)
    except TrainingInterrupted as stop:
        _interrupted(stop.run, steps, say)
        return INTERRUPTED
    elapsed = time.perf_counter() - started
    animation = (
        plots.animate_training(run, dataset, h=plan.h) if plan.snapshot_every is not None else None
    )

    # Every picture is drawn before any file is written: an error leaves no partial output.
    y, grads = _warmup_expression()
    figures: dict[str, Axes | Figure] = {
        "dataset.png": plots.plot_dataset(dataset),
        "loss.png": plots.plot_loss(run),
        "accuracy.png": plots.plot_accuracy(run),
        "decision_boundary.png": plots.plot_decision_boundary(run.final_model, dataset, h=plan.h),
        "graph.png": plots.plot_graph(y, grads),
    }
    if max(layers) <= plots.MAX_LAYER_WIDTH:
        # The first point through the untrained model: after training its loss and gradients
        # are often 0. Two classes show the point's max-margin loss; more its cross-entropy.
        target = dataset.ys[0] if model.nout == 1 else float(dataset.labels[0])
        figures["datapoint_graph.png"] = plots.plot_datapoint_graph(model, dataset.xs[0], target)
    else:
        say(
            f"datapoint_graph.png left out: a layer wider than {plots.MAX_LAYER_WIDTH} "
            "neurons is too many boxes to read"
        )
    hidden = sum(layers[:-1])
    if 1 <= hidden <= plots.MAX_NEURON_MAPS:
        figures["neurons.png"] = plots.plot_neurons(run.final_model, dataset, h=plan.h)
    else:
        say(
            f"neurons.png left out: {hidden} hidden neurons (it draws 1 to {plots.MAX_NEURON_MAPS})"
        )
    written = [_write_png(drawn, out / name) for name, drawn in figures.items()]
    written.append(_write_dot(to_dot(y, grads), out / "graph.dot"))
    if animation is not None:
        written.append(_write_gif(animation, out / "training.gif"))
    say(f"parameters:     {parameter_count(model)}")
    say(f"initial loss:   {run.history[0].loss:.6f}")
    say(f"final loss:     {run.final_loss:.6f}")
    say(f"final accuracy: {run.final_accuracy * 100:.1f}%")
    if plan.validation is not None:
        # A run of no steps measures a model on a dataset as train does (its targets too).
        held_out = train(
            run.final_model, plan.validation, steps=0, loss=plan.loss, alpha=plan.alpha
        )
        say(
            f"validation:     loss {held_out.final_loss:.6f}, "
            f"accuracy {held_out.final_accuracy * 100:.1f}%"
        )
    say(f"elapsed:        {elapsed:.2f} s")
    say(f"wrote {len(written)} files to {out}: {', '.join(path.name for path in written)}")
    return 0


def _interrupted(run: TrainingRun, steps: int, say: Callable[[str], None]) -> None:
    """The summary of a run stopped by Ctrl-C: how far it got, and where it stood."""
    say(f"interrupted:    after {run.steps} of {steps} steps (Ctrl-C)")
    say(f"last loss:      {run.final_loss:.6f}")
    say(f"accuracy:       {run.final_accuracy * 100:.1f}%")
    print(
        f"mgfunc: interrupted after {run.steps} of {steps} steps; no files written",
        file=sys.stderr,
    )


def _warmup_expression() -> tuple[Value, Gradients]:
    """The demo's section-1 expression and its gradients: y = -20, dy/dx = 46."""
    x = Value(-4.0, label="x")
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    return y, backward(y)


# Writing: every file through the library's one atomic-write helper (mgfunc._files), so an
# error or Ctrl-C leaves the old file or none, never half a picture.


def _write_png(drawn: Axes | Figure, path: Path) -> Path:
    figure = plots.figure_of(drawn) if isinstance(drawn, Axes) else drawn
    with replacing(path) as temporary:
        figure.savefig(temporary, format="png")
    return path


def _write_dot(text: str, path: Path) -> Path:
    write_text(path, text)
    return path


def _write_gif(animation: Animation, path: Path) -> Path:
    with replacing(path, suffix=".gif") as temporary:  # Pillow picks the format by the name
        plots.save_gif(animation, temporary)
    return path


if __name__ == "__main__":
    raise SystemExit(main())
