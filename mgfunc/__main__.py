"""The command line: ``python -m mgfunc demo`` (or the ``mgfunc`` console script).

``demo`` trains the official micrograd demo (100 two-moons points, an MLP [16, 16, 1], 100
steps) with progress, prints a summary, and writes the plots and a graph into a folder. Run
``python -m mgfunc demo --help`` for every option. Figures are drawn on matplotlib ``Figure``
objects directly, never through pyplot, so no display is needed.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from mgfunc import plots
from mgfunc.backward import backward
from mgfunc.datasets import Dataset, blobs, moons, spiral, split, yin_yang
from mgfunc.errors import MgfuncError
from mgfunc.gradients import Gradients
from mgfunc.graph import to_dot
from mgfunc.losses import cross_entropy, max_margin
from mgfunc.nn import MLP, parameter_count
from mgfunc.optim import Optimizer, adam, adamw, sgd
from mgfunc.trainer import (
    HistoryRow,
    TrainingInterrupted,
    TrainingRun,
    official_micrograd_learning_rate,
    train,
)
from mgfunc.value import Value

__all__ = ["main"]

PROGRESS_EVERY = 10
"""The demo prints a progress line every this many steps (and at the last step)."""

ANIMATION_FRAMES = 60
"""``--animate`` keeps a snapshot every ``ceil(steps / 60)`` steps: at most 61 frames."""

ADAM_LEARNING_RATE = 0.05
"""The demo's learning rate for ``--optimizer adam`` and ``adamw`` without ``--learning-rate``."""

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

Ctrl-C during training prints the steps done with the last loss and accuracy, writes nothing,
and exits with status 130. A bad option value prints one line on stderr and exits with
status 2."""

_EPILOG = """\
Without a subcommand mgfunc prints this help on stderr and exits with status 2.
A bad option value prints one line on stderr and exits with status 2; an output folder that
cannot be written exits with status 1."""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line on stderr (no usage block), exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _number(
    kind: Callable[[str], int | float], accepted: str, test: Callable[[float], bool]
) -> Callable[[str], int | float]:
    def parse(text: str) -> int | float:
        try:
            number = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {accepted}, got {text!r}") from None
        if not math.isfinite(number) or not test(number):
            raise argparse.ArgumentTypeError(f"expected {accepted}, got {text!r}")
        return number

    return parse


def _int_at_least(least: int) -> Callable[[str], int]:
    parse = _number(int, f"an integer of at least {least}", lambda n: n >= least)
    return lambda text: int(parse(text))


def _float_where(accepted: str, test: Callable[[float], bool]) -> Callable[[str], float]:
    parse = _number(float, accepted, test)
    return lambda text: float(parse(text))


def _int_list(text: str, accepted: str, least: int) -> tuple[int, ...]:
    try:
        numbers = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {accepted}, got {text!r}") from None
    if any(number < least for number in numbers):
        raise argparse.ArgumentTypeError(f"expected {accepted}, got {text!r}")
    return numbers


def _seed(text: str) -> int | tuple[int, ...]:
    numbers = _int_list(text, "comma-separated integers such as 1337,1337,1337", least=-(2**63))
    return numbers[0] if len(numbers) == 1 else numbers


def _layers(text: str) -> tuple[int, ...]:
    return _int_list(text, "comma-separated layer widths of at least 1 such as 16,16,1", 1)


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
        type=Path,
        default=Path("demo_output"),
        metavar="DIR",
        help="folder for the plots and graph.dot, created if missing (default: demo_output)",
    )
    demo.add_argument(
        "--dataset",
        choices=_DATASETS,
        default="moons",
        help="the points to classify: moons (2 classes), spiral or blobs (--classes K), "
        "yin_yang (3 classes) (default: moons)",
    )
    demo.add_argument(
        "--classes",
        type=_int_at_least(2),
        default=None,
        metavar="K",
        help="number of classes of --dataset spiral or blobs (default: 2)",
    )
    demo.add_argument(
        "--samples",
        type=_int_at_least(2),
        default=100,
        help="number of points, at least 2 (at least one per class) (default: 100)",
    )
    demo.add_argument(
        "--noise",
        type=_float_where("a finite number of at least 0", lambda n: n >= 0),
        default=None,
        help="standard deviation of the noise on the points (default: 0.1 for moons, 0.05 "
        "for spiral, 0.25 for blobs; yin_yang has none)",
    )
    demo.add_argument(
        "--validation",
        type=_float_where("a fraction above 0 and below 1", lambda n: 0 < n < 1),
        default=None,
        metavar="FRACTION",
        help="hold out this share of the points as a validation set, measured every step and "
        "drawn in loss.png and accuracy.png (default: train on every point)",
    )
    demo.add_argument(
        "--steps",
        type=_int_at_least(1),
        default=100,
        help="number of gradient-descent steps, at least 1 (default: 100)",
    )
    demo.add_argument(
        "--alpha",
        type=_float_where("a finite number of at least 0", lambda n: n >= 0),
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
        type=_layers,
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
        type=_float_where("a finite number above 0", lambda n: n > 0),
        default=None,
        metavar="RATE",
        help="a constant learning rate for the optimizer (default: for sgd the official "
        f"schedule 1.0 - 0.9 * step / 100; for adam and adamw {ADAM_LEARNING_RATE})",
    )
    demo.add_argument(
        "--momentum",
        type=_float_where("a number in [0, 1)", lambda n: 0 <= n < 1),
        default=None,
        help="momentum of --optimizer sgd, in [0, 1) (default: 0, micrograd's update)",
    )
    demo.add_argument(
        "--weight-decay",
        type=_float_where("a finite number of at least 0", lambda n: n >= 0),
        default=None,
        help="decoupled weight decay of --optimizer adamw (default: 0.01)",
    )
    demo.add_argument(
        "--batch-size",
        type=_int_at_least(1),
        default=None,
        metavar="N",
        help="train each step on N points drawn at random (seeded by --seed) instead of on "
        "every point (default: every point)",
    )
    demo.add_argument(
        "--h",
        type=_float_where("a finite number above 0", lambda n: n > 0),
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
    mismatch = _mismatched_options(options)
    if mismatch is not None:
        print(f"mgfunc demo: error: {mismatch} (see mgfunc demo --help)", file=sys.stderr)
        return 2
    try:
        return _demo(options)
    except MgfuncError as error:
        print(f"mgfunc: error: {_one_line(error)}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"mgfunc: error: cannot write the output: {_one_line(error)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # after training (TrainingInterrupted is handled in _demo)
        print("mgfunc: interrupted", file=sys.stderr)
        return INTERRUPTED


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())


_DATASETS = ("moons", "spiral", "blobs", "yin_yang")
_NOISE = {"moons": 0.1, "spiral": 0.05, "blobs": 0.25}
_FIXED_CLASSES = {"moons": 2, "yin_yang": 3}


def _class_count(options: argparse.Namespace) -> int:
    """How many classes the chosen dataset has: moons 2, yin_yang 3, the others --classes."""
    if options.dataset in _FIXED_CLASSES:
        return _FIXED_CLASSES[options.dataset]
    return 2 if options.classes is None else int(options.classes)


def _mismatched_options(options: argparse.Namespace) -> str | None:
    """What is wrong with a combination of valid option values, or None."""
    if options.classes is not None and options.dataset in _FIXED_CLASSES:
        return (
            f"argument --classes: applies to --dataset spiral or blobs, not {options.dataset} "
            f"(which has {_class_count(options)} classes)"
        )
    if options.noise is not None and options.dataset == "yin_yang":
        return "argument --noise: --dataset yin_yang has no noise; leave --noise out"
    if options.momentum is not None and options.optimizer != "sgd":
        return f"argument --momentum: applies to --optimizer sgd, not {options.optimizer}"
    if options.weight_decay is not None and options.optimizer != "adamw":
        return f"argument --weight-decay: applies to --optimizer adamw, not {options.optimizer}"
    classes = _class_count(options)
    width = 1 if classes == 2 else classes
    if options.layers is not None and options.layers[-1] != width:
        given = ",".join(map(str, options.layers))
        shape = "one score" if classes == 2 else "one output per class"
        return (
            f"argument --layers: the last layer must have width {width} ({shape}, {classes} "
            f"classes), got {given}; try {','.join(map(str, (*options.layers[:-1], width)))}"
        )
    return None


def _dataset(options: argparse.Namespace) -> Dataset:
    name: str = options.dataset
    noise = _NOISE.get(name, 0.0) if options.noise is None else options.noise
    if name == "moons":
        return moons(options.samples, noise=noise, seed=options.seed)
    if name == "spiral":
        return spiral(
            options.samples, noise=noise, classes=_class_count(options), seed=options.seed
        )
    if name == "blobs":
        return blobs(options.samples, noise=noise, classes=_class_count(options), seed=options.seed)
    return yin_yang(options.samples, seed=options.seed)


def _optimizer(options: argparse.Namespace) -> tuple[Optimizer, str]:
    """The optimizer the options ask for, and how the header describes it."""
    rate: float | None = options.learning_rate
    if options.optimizer == "sgd":
        momentum = 0.0 if options.momentum is None else options.momentum
        schedule = "the official schedule" if rate is None else f"learning rate {rate}"
        extra = f", momentum {momentum}" if momentum else ""
        chosen = official_micrograd_learning_rate if rate is None else rate
        return sgd(chosen, momentum=momentum), f"sgd ({schedule}{extra})"
    rate = ADAM_LEARNING_RATE if rate is None else rate
    if options.optimizer == "adam":
        return adam(rate), f"adam (learning rate {rate})"
    decay = 1e-2 if options.weight_decay is None else options.weight_decay
    return adamw(rate, weight_decay=decay), f"adamw (learning rate {rate}, weight decay {decay})"


def _targets(dataset: Dataset) -> tuple[float, ...]:
    """What the demo's loss takes: -1.0 / 1.0 for two classes, class indices for more."""
    return dataset.ys if dataset.classes == 2 else tuple(map(float, dataset.labels))


def _describe(dataset: Dataset, options: argparse.Namespace) -> str:
    name = "two-moons" if options.dataset == "moons" else options.dataset.replace("_", "-")
    noise = "" if options.dataset == "yin_yang" else f"noise {dataset.metadata['noise']}"
    classes = "" if options.dataset == "moons" else f"{dataset.classes} classes"
    details = ", ".join(part for part in (classes, noise) if part)
    return f"{len(dataset)} {name} points ({details})"


def _demo(options: argparse.Namespace) -> int:
    def say(text: str) -> None:
        if not options.quiet:
            print(text, flush=True)

    steps: int = options.steps
    dataset = _dataset(options)
    described = _describe(dataset, options)
    validation = None
    if options.validation is not None:
        dataset, validation = split(
            dataset, (1.0 - options.validation, options.validation), seed=options.seed
        )
        described += f", {len(validation)} of them held out for validation"
    classes = dataset.classes
    layers = options.layers or (16, 16, 1 if classes == 2 else classes)
    model = MLP.create(2, list(layers), seed=options.seed)
    loss = max_margin if classes == 2 else cross_entropy
    optimizer, optimizer_text = _optimizer(options)
    snapshot_every = math.ceil(steps / ANIMATION_FRAMES) if options.animate else None
    say(f"mgfunc demo: {described}, MLP 2 -> {' -> '.join(map(str, layers))}, {steps} steps")
    say(
        f"optimizer: {optimizer_text}"
        + (f", batches of {options.batch_size}" if options.batch_size else "")
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

    out: Path = options.out
    out.mkdir(parents=True, exist_ok=True)  # before training, so a bad --out fails at once
    started = time.perf_counter()
    try:
        run = train(
            model,
            dataset,
            steps=steps,
            loss=loss,
            optimizer=optimizer,
            alpha=options.alpha,
            batch_size=options.batch_size,
            seed=options.seed,
            validation=validation,
            on_step=progress,
            snapshot_every=snapshot_every,
        )
    except TrainingInterrupted as stop:
        _interrupted(stop.run, steps, say)
        return INTERRUPTED
    elapsed = time.perf_counter() - started
    animation = (
        plots.animate_training(run, dataset, h=options.h) if snapshot_every is not None else None
    )

    # Every picture is drawn before any file is written: an error leaves no partial output.
    y, grads = _warmup_expression()
    figures: dict[str, Axes | Figure] = {
        "dataset.png": plots.plot_dataset(dataset),
        "loss.png": plots.plot_loss(run),
        "accuracy.png": plots.plot_accuracy(run),
        "decision_boundary.png": plots.plot_decision_boundary(
            run.final_model, dataset, h=options.h
        ),
        "graph.png": plots.plot_graph(y, grads),
    }
    if max(layers) <= plots.MAX_LAYER_WIDTH:
        # The first point through the untrained model: after training its loss and gradients
        # are often 0. Two classes show the point's max-margin loss; more show the logits.
        target = dataset.ys[0] if classes == 2 else None
        figures["datapoint_graph.png"] = plots.plot_datapoint_graph(model, dataset.xs[0], target)
    else:
        say(
            f"datapoint_graph.png left out: a layer wider than {plots.MAX_LAYER_WIDTH} "
            "neurons is too many boxes to read"
        )
    hidden = sum(layers[:-1])
    if 1 <= hidden <= plots.MAX_NEURON_MAPS:
        figures["neurons.png"] = plots.plot_neurons(run.final_model, dataset, h=options.h)
    else:
        say(
            f"neurons.png left out: {hidden} hidden neurons (it draws 1 to {plots.MAX_NEURON_MAPS})"
        )
    written = [_save(axes, out / name) for name, axes in figures.items()]
    dot = out / "graph.dot"
    dot.write_text(to_dot(y, grads), encoding="utf-8")
    written.append(dot)
    if animation is not None:
        written.append(plots.save_gif(animation, out / "training.gif"))
    say(f"parameters:     {parameter_count(model)}")
    say(f"initial loss:   {run.history[0].loss:.6f}")
    say(f"final loss:     {run.final_loss:.6f}")
    say(f"final accuracy: {run.final_accuracy * 100:.1f}%")
    if validation is not None:
        held_out = loss(run.final_model, validation.xs, _targets(validation), options.alpha)
        say(
            f"validation:     loss {held_out.total_loss.data:.6f}, "
            f"accuracy {held_out.accuracy * 100:.1f}%"
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


def _save(drawn: Axes | Figure, path: Path) -> Path:
    (plots.figure_of(drawn) if isinstance(drawn, Axes) else drawn).savefig(path)
    return path


if __name__ == "__main__":
    raise SystemExit(main())
