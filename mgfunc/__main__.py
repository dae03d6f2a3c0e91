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

from mgfunc import plots
from mgfunc.backward import backward
from mgfunc.datasets import moons
from mgfunc.errors import MgfuncError
from mgfunc.gradients import Gradients
from mgfunc.graph import to_dot
from mgfunc.nn import MLP, parameter_count
from mgfunc.trainer import HistoryRow, official_micrograd_learning_rate, train
from mgfunc.value import Value

__all__ = ["main"]

PROGRESS_EVERY = 10
"""The demo prints a progress line every this many steps (and at the last step)."""

_DESCRIPTION = """\
Train the official micrograd demo: a two-moons dataset, an MLP, full-batch gradient descent on
the max-margin loss with L2 regularisation. Shows progress every 10 steps, prints a summary
(parameters, initial and final loss, final accuracy, seconds), and writes into --out:
dataset.png, loss.png, accuracy.png, decision_boundary.png, graph.png, graph.dot and
datapoint_graph.png. The graph files show the small warm-up expression of the demo's section 1
(x = -4; z = 2x + 2 + x; q = relu(z) + z x; h = relu(z z); y = h + q + q x, with its
gradients: y = -20, dy/dx = 46). datapoint_graph.png shows the first training point through
the model before training, one box per neuron (its weights and bias summarised), with the
point's max-margin loss and the gradients of the first step; it is left out when a layer is
wider than 32."""

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
    widths = _int_list(text, "comma-separated layer widths of at least 1 such as 16,16,1", 1)
    if widths[-1] != 1:
        raise argparse.ArgumentTypeError(
            f"the last layer is the score and must have width 1, got {text!r}; try 16,16,1"
        )
    return widths


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
        epilog="A bad option value prints one line on stderr and exits with status 2.",
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
        "--samples",
        type=_int_at_least(2),
        default=100,
        help="number of two-moons points, at least 2 (default: 100)",
    )
    demo.add_argument(
        "--noise",
        type=_float_where("a finite number of at least 0", lambda n: n >= 0),
        default=0.1,
        help="standard deviation of the noise on the moons (default: 0.1)",
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
        default=(16, 16, 1),
        help="widths of the MLP's layers, the last being 1: 2 inputs, then these "
        "(default: 16,16,1, i.e. 337 parameters)",
    )
    demo.add_argument(
        "--learning-rate",
        type=_float_where("a finite number above 0", lambda n: n > 0),
        default=None,
        metavar="RATE",
        help="a constant learning rate (default: the official schedule 1.0 - 0.9 * step / 100)",
    )
    demo.add_argument(
        "--h",
        type=_float_where("a finite number above 0", lambda n: n > 0),
        default=0.25,
        help="grid step of the decision-boundary plot (default: 0.25)",
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
        subcommand (after printing the help on stderr); 1 if the output cannot be written.
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
        return _demo(options)
    except MgfuncError as error:
        print(f"mgfunc: error: {_one_line(error)}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"mgfunc: error: cannot write the output: {_one_line(error)}", file=sys.stderr)
        return 1


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())


def _demo(options: argparse.Namespace) -> int:
    def say(text: str) -> None:
        if not options.quiet:
            print(text, flush=True)

    steps: int = options.steps
    dataset = moons(options.samples, noise=options.noise, seed=options.seed)
    model = MLP.create(2, list(options.layers), seed=options.seed)
    rate: float | Callable[[int], float] = (
        official_micrograd_learning_rate if options.learning_rate is None else options.learning_rate
    )
    say(
        f"mgfunc demo: {len(dataset)} two-moons points (noise {options.noise}), "
        f"MLP 2 -> {' -> '.join(map(str, options.layers))}, {steps} steps"
    )

    def progress(row: HistoryRow) -> None:
        if row.step % PROGRESS_EVERY == 0 or row.step == steps - 1:
            say(
                f"step {row.step:>4}  loss {row.loss:.6f}  accuracy {row.accuracy * 100:5.1f}%"
                f"  learning rate {row.learning_rate:.4f}"
            )

    out: Path = options.out
    out.mkdir(parents=True, exist_ok=True)  # before training, so a bad --out fails at once
    started = time.perf_counter()
    run = train(
        model, dataset, steps=steps, alpha=options.alpha, learning_rate=rate, on_step=progress
    )
    elapsed = time.perf_counter() - started

    # Every picture is drawn before any file is written: an error leaves no partial output.
    y, grads = _warmup_expression()
    figures = {
        "dataset.png": plots.plot_dataset(dataset),
        "loss.png": plots.plot_loss(run),
        "accuracy.png": plots.plot_accuracy(run),
        "decision_boundary.png": plots.plot_decision_boundary(
            run.final_model, dataset, h=options.h
        ),
        "graph.png": plots.plot_graph(y, grads),
    }
    if max(options.layers) <= plots.MAX_LAYER_WIDTH:
        figures["datapoint_graph.png"] = plots.plot_datapoint_graph(
            model, dataset.xs[0], dataset.ys[0]
        )
    else:
        say(
            f"datapoint_graph.png left out: a layer wider than {plots.MAX_LAYER_WIDTH} "
            "neurons is too many boxes to read"
        )
    written = [_save(axes, out / name) for name, axes in figures.items()]
    dot = out / "graph.dot"
    dot.write_text(to_dot(y, grads), encoding="utf-8")
    written.append(dot)
    say(f"parameters:     {parameter_count(model)}")
    say(f"initial loss:   {run.history[0].loss:.6f}")
    say(f"final loss:     {run.final_loss:.6f}")
    say(f"final accuracy: {run.final_accuracy * 100:.1f}%")
    say(f"elapsed:        {elapsed:.2f} s")
    say(f"wrote {len(written)} files to {out}: {', '.join(path.name for path in written)}")
    return 0


def _warmup_expression() -> tuple[Value, Gradients]:
    """The demo's section-1 expression and its gradients: y = -20, dy/dx = 46."""
    x = Value(-4.0, label="x")
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    return y, backward(y)


def _save(axes: Axes, path: Path) -> Path:
    plots.figure_of(axes).savefig(path)
    return path


if __name__ == "__main__":
    raise SystemExit(main())
