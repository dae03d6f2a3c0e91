"""mgfunc against micrograd on the official demo, side by side.

Both libraries train the same MLP from the same weights on the same two-moons data with the
micrograd demo's loop (max-margin loss, L2 regularisation, ``lr = 1.0 - 0.9 * k / 100``).
Three variants run, each in a fresh worker process so that its peak RSS is its own and one
variant's garbage cannot slow the next:

- ``micrograd``: micrograd 0.1.0 as shipped (cyclic GC on);
- ``micrograd-gc-off``: the same with ``gc.disable()``, the fairest view of its design cost
  (every step's graph is a reference cycle, so with the GC off it leaks);
- ``mgfunc``: ``max_margin`` + ``backward`` + ``apply_gradients``, the trainer's step, with the
  cyclic GC on (the conservative figure the headline ratios use).

A fourth variant, ``mgfunc-gc-paused``, runs the same step with the cyclic GC paused during each
step and resumed after it, which is how ``mgfunc.trainer.train`` runs: safe for mgfunc, whose
graphs are acyclic and freed by reference counting, and a measure of what the GC costs it.

Run ``python benchmarks/bench_demo.py --help`` for the options; see benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import random
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

import attrs

# micrograd ships no type hints: the Protocols below describe the part the demo uses.
from micrograd import engine as micrograd_engine  # type: ignore[import-untyped]
from micrograd import nn as micrograd_nn

import mgfunc
from mgfunc.datasets import Dataset, moons
from mgfunc.losses import max_margin
from mgfunc.nn import MLP, Layer, Neuron, apply_gradients

VARIANTS = ("micrograd", "micrograd-gc-off", "mgfunc", "mgfunc-gc-paused")
OFFICIAL_SEED = (1337, 1337, 1337)
WEIGHT_SEED = 1337  # seeds Python's ``random`` before micrograd draws its weights
ALPHA = 1e-4
LOSS_TOLERANCE = 1e-9
SCALING_SAMPLES = (50, 100, 200, 400, 800)
SCALING_WIDTHS = ((8, 8, 1), (16, 16, 1), (32, 32, 1))


def learning_rate(step: int) -> float:
    """The demo's schedule."""
    return 1.0 - 0.9 * step / 100


# -- results -------------------------------------------------------------------------------


@attrs.frozen
class Run:
    """One variant trained once, in its own process."""

    variant: str
    samples: int
    sizes: tuple[int, ...]
    steps: int
    forward_s: float
    backward_s: float
    update_s: float
    nodes: int
    edges: int
    peak_rss_mib: float
    rss_growth_mib: float
    losses: tuple[float, ...]
    final_loss: float
    final_accuracy: float

    @property
    def total_s(self) -> float:
        """Training time: forward + backward + update over every step."""
        return self.forward_s + self.backward_s + self.update_s

    def per_step_ms(self, seconds: float) -> float:
        """``seconds`` spread over the steps, in milliseconds."""
        return 1e3 * seconds / max(self.steps, 1)

    def to_json(self) -> dict[str, object]:
        """The run with per-step figures, for ``--json``."""
        row: dict[str, object] = attrs.asdict(self)
        row.update(
            total_s=self.total_s,
            forward_ms_per_step=self.per_step_ms(self.forward_s),
            backward_ms_per_step=self.per_step_ms(self.backward_s),
            update_ms_per_step=self.per_step_ms(self.update_s),
            step_ms=self.per_step_ms(self.total_s),
        )
        return row

    @classmethod
    def from_json(cls, row: dict[str, object]) -> Run:
        """The inverse of the worker's output (plain JSON types back into a Run)."""
        return cls(
            variant=str(row["variant"]),
            samples=_int(row["samples"]),
            sizes=tuple(_int(size) for size in _list(row["sizes"])),
            steps=_int(row["steps"]),
            forward_s=_float(row["forward_s"]),
            backward_s=_float(row["backward_s"]),
            update_s=_float(row["update_s"]),
            nodes=_int(row["nodes"]),
            edges=_int(row["edges"]),
            peak_rss_mib=_float(row["peak_rss_mib"]),
            rss_growth_mib=_float(row["rss_growth_mib"]),
            losses=tuple(_float(loss) for loss in _list(row["losses"])),
            final_loss=_float(row["final_loss"]),
            final_accuracy=_float(row["final_accuracy"]),
        )


def _int(value: object) -> int:
    if not isinstance(value, int):
        raise TypeError(f"expected an int in the worker's output, got {value!r}")
    return value


def _float(value: object) -> float:
    if not isinstance(value, (int, float)):
        raise TypeError(f"expected a number in the worker's output, got {value!r}")
    return float(value)


def _list(value: object) -> list[object]:
    if not isinstance(value, list):
        raise TypeError(f"expected a list in the worker's output, got {value!r}")
    return value


# -- the micrograd adapter -----------------------------------------------------------------


class MicrogradValue(Protocol):
    """The part of micrograd's ``Value`` that the demo uses."""

    data: float
    grad: float
    _prev: set[MicrogradValue]

    def __add__(self, other: MicrogradValue | float) -> MicrogradValue: ...
    def __radd__(self, other: float) -> MicrogradValue: ...
    def __mul__(self, other: MicrogradValue | float) -> MicrogradValue: ...
    def __rmul__(self, other: float) -> MicrogradValue: ...
    def relu(self) -> MicrogradValue: ...
    def backward(self) -> None: ...


class MicrogradNeuron(Protocol):
    """micrograd's ``Neuron``: weights ``w``, bias ``b``, ``nonlin``."""

    w: list[MicrogradValue]
    b: MicrogradValue
    nonlin: bool


class MicrogradLayer(Protocol):
    """micrograd's ``Layer``."""

    neurons: list[MicrogradNeuron]


class MicrogradMLP(Protocol):
    """micrograd's ``MLP``: callable on a row of Values, with ``parameters`` and ``zero_grad``."""

    layers: list[MicrogradLayer]

    def __call__(self, x: list[MicrogradValue]) -> MicrogradValue: ...
    def parameters(self) -> list[MicrogradValue]: ...
    def zero_grad(self) -> None: ...


def micrograd_value(data: float) -> MicrogradValue:
    """A micrograd leaf."""
    value: MicrogradValue = micrograd_engine.Value(data)
    return value


def micrograd_model(sizes: Sequence[int]) -> MicrogradMLP:
    """micrograd's own ``MLP(2, sizes)``, its weights drawn after seeding ``random``."""
    random.seed(WEIGHT_SEED)
    model: MicrogradMLP = micrograd_nn.MLP(2, list(sizes))
    return model


def to_mgfunc(model: MicrogradMLP) -> MLP:
    """An mgfunc MLP holding exactly the numbers of a micrograd MLP."""
    return MLP(
        layers=[
            Layer(
                neurons=[
                    Neuron(
                        weights=tuple(mgfunc.Value(w.data) for w in neuron.w),
                        bias=mgfunc.Value(neuron.b.data),
                        nonlinear=neuron.nonlin,
                    )
                    for neuron in layer.neurons
                ]
            )
            for layer in model.layers
        ]
    )


def micrograd_sum(terms: Iterable[MicrogradValue]) -> MicrogradValue:
    """``sum(terms)``, as the demo writes it: ``0 + first_term`` already makes a Value."""
    total = sum(terms)
    if isinstance(total, int):
        raise ValueError("micrograd_sum needs at least one term")
    return total


def micrograd_loss(model: MicrogradMLP, dataset: Dataset) -> tuple[MicrogradValue, float]:
    """The demo notebook's ``loss()``, verbatim apart from names: (total loss, accuracy)."""
    inputs = [list(map(micrograd_value, row)) for row in dataset.xs]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(dataset.ys, scores)]
    data_loss = micrograd_sum(losses) * (1.0 / len(losses))
    reg_loss = ALPHA * micrograd_sum(p * p for p in model.parameters())
    total_loss = data_loss + reg_loss
    accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(dataset.ys, scores)]
    return total_loss, sum(accuracy) / len(accuracy)


def micrograd_graph_size(output: MicrogradValue) -> tuple[int, int]:
    """Nodes and edges of a micrograd graph (edges as micrograd stores them: a set per node)."""
    seen = {id(output): output}
    stack = [output]
    edges = 0
    while stack:
        children = stack.pop()._prev
        edges += len(children)
        for child in children:
            if id(child) not in seen:
                seen[id(child)] = child
                stack.append(child)
    return len(seen), edges


def mgfunc_graph_size(output: mgfunc.Value) -> tuple[int, int]:
    """Nodes and edges of an mgfunc graph."""
    order = mgfunc.topological_order(output)
    return len(order), sum(len(node.inputs) for node in order)


# -- one variant, in a worker process ------------------------------------------------------


def peak_rss_mib() -> float:
    """This process's peak resident set size so far, in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes on macOS


def train_micrograd(dataset: Dataset, sizes: Sequence[int], steps: int, gc_on: bool) -> Run:
    """The demo's training loop on micrograd, timed phase by phase."""
    # micrograd's backward sorts its graph recursively, and sum(losses) is a chain as long as
    # the data: from about 800 samples the default limit of 1000 frames raises RecursionError.
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 2 * len(dataset.xs) + 1000))
    model = micrograd_model(sizes)
    nodes, edges = micrograd_graph_size(micrograd_loss(model, dataset)[0])
    gc.collect()
    baseline = peak_rss_mib()
    if not gc_on:
        gc.disable()
    forward = backward = update = 0.0
    losses: list[float] = []
    clock = time.perf_counter
    for k in range(steps):
        start = clock()
        total_loss, _ = micrograd_loss(model, dataset)
        after_forward = clock()
        model.zero_grad()
        total_loss.backward()
        after_backward = clock()
        rate = learning_rate(k)
        for p in model.parameters():
            p.data -= rate * p.grad
        end = clock()
        forward += after_forward - start
        backward += after_backward - after_forward
        update += end - after_backward
        losses.append(total_loss.data)
    final_loss, final_accuracy = micrograd_loss(model, dataset)
    peak = peak_rss_mib()
    gc.enable()
    return Run(
        variant="micrograd" if gc_on else "micrograd-gc-off",
        samples=len(dataset.xs),
        sizes=tuple(sizes),
        steps=steps,
        forward_s=forward,
        backward_s=backward,
        update_s=update,
        nodes=nodes,
        edges=edges,
        peak_rss_mib=peak,
        rss_growth_mib=peak - baseline,
        losses=tuple(losses),
        final_loss=final_loss.data,
        final_accuracy=final_accuracy,
    )


def train_mgfunc(dataset: Dataset, sizes: Sequence[int], steps: int, pause_gc: bool) -> Run:
    """mgfunc.trainer.train's step (loss, backward, apply_gradients), timed phase by phase."""
    model = to_mgfunc(micrograd_model(sizes))
    xs, ys = dataset.xs, dataset.ys
    nodes, edges = mgfunc_graph_size(max_margin(model, xs, ys, ALPHA).total_loss)
    gc.collect()
    baseline = peak_rss_mib()
    forward = backward = update = 0.0
    losses: list[float] = []
    clock = time.perf_counter
    for k in range(steps):
        if pause_gc:
            gc.disable()
        start = clock()
        loss = max_margin(model, xs, ys, ALPHA)
        after_forward = clock()
        grads = mgfunc.backward(loss.total_loss)
        after_backward = clock()
        model = apply_gradients(model, grads, learning_rate(k))
        end = clock()
        gc.enable()
        forward += after_forward - start
        backward += after_backward - after_forward
        update += end - after_backward
        losses.append(loss.total_loss.data)
    final = max_margin(model, xs, ys, ALPHA)
    peak = peak_rss_mib()
    return Run(
        variant="mgfunc-gc-paused" if pause_gc else "mgfunc",
        samples=len(xs),
        sizes=tuple(sizes),
        steps=steps,
        forward_s=forward,
        backward_s=backward,
        update_s=update,
        nodes=nodes,
        edges=edges,
        peak_rss_mib=peak,
        rss_growth_mib=peak - baseline,
        losses=tuple(losses),
        final_loss=final.total_loss.data,
        final_accuracy=final.accuracy,
    )


def run_worker(variant: str, samples: int, sizes: Sequence[int], steps: int) -> Run:
    """Train one variant in this process."""
    dataset = moons(samples, noise=0.1, seed=OFFICIAL_SEED)
    if variant.startswith("mgfunc"):
        return train_mgfunc(dataset, sizes, steps, pause_gc=variant == "mgfunc-gc-paused")
    return train_micrograd(dataset, sizes, steps, gc_on=variant == "micrograd")


def spawn(variant: str, samples: int, sizes: Sequence[int], steps: int) -> Run:
    """Train one variant in a fresh interpreter and read back its Run."""
    command = [
        sys.executable,
        os.path.abspath(__file__),
        "--worker",
        variant,
        "--samples",
        str(samples),
        "--sizes",
        ",".join(map(str, sizes)),
        "--steps",
        str(steps),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"worker {variant} failed:\n{done.stderr}")
    row = json.loads(done.stdout.strip().splitlines()[-1])
    if not isinstance(row, dict):
        raise TypeError(f"worker {variant} printed {row!r}, not a JSON object")
    return Run.from_json(row)


# -- inference: float evaluate against the graph forward -----------------------------------


def grid(dataset: Dataset, h: float = 0.25, padding: float = 1.0) -> list[tuple[float, float]]:
    """The demo's decision-boundary grid: ``np.arange(min - 1, max + 1, h)`` on both axes."""

    def axis(values: Sequence[float]) -> list[float]:
        low, high = min(values) - padding, max(values) + padding
        return [low + i * h for i in range(math.ceil((high - low) / h))]

    xs = axis([x for x, _ in dataset.xs])
    ys = axis([y for _, y in dataset.xs])
    return [(x, y) for y in ys for x in xs]


def best_time(function: Callable[[], object], repeats: int) -> float:
    """The fastest of ``repeats`` calls, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def inference(samples: int, repeats: int) -> dict[str, object]:
    """Time the decision-boundary grid through ``model.evaluate`` and through the graph."""
    dataset = moons(samples, noise=0.1, seed=OFFICIAL_SEED)
    model = to_mgfunc(micrograd_model((16, 16, 1)))
    points = grid(dataset)
    floats = [model.evaluate(point)[0] for point in points]
    graph = [model.forward(point)[0].data for point in points]
    reference = micrograd_model((16, 16, 1))

    def micrograd_scores() -> list[float]:
        # The demo notebook's decision boundary: a graph forward per grid point.
        inputs = [list(map(micrograd_value, point)) for point in points]
        return [score.data for score in map(reference, inputs)]

    float_s = best_time(lambda: [model.evaluate(point) for point in points], repeats)
    graph_s = best_time(lambda: [model.forward(point)[0].data for point in points], repeats)
    micrograd_s = best_time(micrograd_scores, repeats)
    return {
        "grid_points": len(points),
        "evaluate_s": float_s,
        "graph_forward_s": graph_s,
        "micrograd_graph_forward_s": micrograd_s,
        "speedup": graph_s / float_s,
        "speedup_vs_micrograd": micrograd_s / float_s,
        "identical": floats == graph == micrograd_scores(),
    }


# -- the report ----------------------------------------------------------------------------


def machine() -> dict[str, object]:
    """Python, platform and CPU of this machine."""
    cpu = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "platform": platform.platform(),
        "cpu": cpu,
        "cores": os.cpu_count() or 0,
        "mgfunc": mgfunc.__version__,
        "micrograd": "0.1.0",
    }


def best_runs(runs: Sequence[Run]) -> dict[str, Run]:
    """The fastest run of each variant (the least disturbed by the rest of the machine)."""
    best: dict[str, Run] = {}
    for run in runs:
        if run.variant not in best or run.total_s < best[run.variant].total_s:
            best[run.variant] = run
    return best


def compare(best: dict[str, Run]) -> dict[str, object]:
    """Speed-ups, memory ratios and the loss check against mgfunc."""
    mine = best["mgfunc"]
    result: dict[str, object] = {}
    for name, run in best.items():
        if name == "mgfunc":
            continue
        gap = max(abs(a - b) for a, b in zip(run.losses, mine.losses)) if mine.losses else 0.0
        gap = max(gap, abs(run.final_loss - mine.final_loss))
        result[name] = {
            "speedup": run.total_s / mine.total_s,
            "mgfunc_over_it": mine.total_s / run.total_s,
            "peak_rss_ratio": run.peak_rss_mib / mine.peak_rss_mib,
            "max_loss_difference": gap,
            "losses_agree": gap <= LOSS_TOLERANCE,
        }
    return result


def print_table(
    report: dict[str, object], best: dict[str, Run], out: Callable[[str], None]
) -> None:
    """The human-readable report."""
    info = report["machine"]
    assert isinstance(info, dict)
    out("mgfunc vs micrograd: the official demo (two moons, max-margin loss, demo schedule)")
    out(f"machine: {info['cpu']}, {info['cores']} cores; {info['python']}; {info['platform']}")
    config = report["config"]
    assert isinstance(config, dict)
    out(
        f"config: {config['samples']} samples, MLP(2, {list(config['sizes'])}), "
        f"{config['steps']} steps, alpha {ALPHA}, best of {config['repeats']} run(s) per variant"
    )
    out("")
    header = (
        f"{'variant':<18}{'fwd ms':>9}{'bwd ms':>9}{'upd ms':>8}{'step ms':>9}{'total s':>9}"
        f"{'nodes':>8}{'edges':>9}{'peak MiB':>10}{'growth':>9}{'x mgfunc':>10}"
    )
    out(header)
    out("-" * len(header))
    mine = best["mgfunc"].total_s
    for name in VARIANTS:
        if name not in best:
            continue
        run = best[name]
        out(
            f"{name:<18}{run.per_step_ms(run.forward_s):>9.2f}"
            f"{run.per_step_ms(run.backward_s):>9.2f}{run.per_step_ms(run.update_s):>8.2f}"
            f"{run.per_step_ms(run.total_s):>9.2f}{run.total_s:>9.2f}{run.nodes:>8}"
            f"{run.edges:>9}{run.peak_rss_mib:>10.1f}{run.rss_growth_mib:>9.1f}"
            f"{run.total_s / mine:>10.2f}"
        )
    out("")
    comparisons = report["comparison"]
    assert isinstance(comparisons, dict)
    for name, row in comparisons.items():
        out(
            f"{name} / mgfunc: {row['speedup']:.1f}x the time (mgfunc / {name}: "
            f"{row['mgfunc_over_it']:.3f}); peak RSS {row['peak_rss_ratio']:.2f}x mgfunc's"
        )
    out("")
    for name in VARIANTS:
        if name in best:
            run = best[name]
            out(f"final loss {name:<18}{run.final_loss!r:<24} accuracy {run.final_accuracy:.0%}")
    for name, row in comparisons.items():
        verdict = "OK" if row["losses_agree"] else "MISMATCH"
        out(
            f"{verdict}: {name} and mgfunc losses, every step and final, differ by at most "
            f"{row['max_loss_difference']:.3g} (tolerance {LOSS_TOLERANCE:g})"
        )


def print_scaling(rows: list[dict[str, object]], out: Callable[[str], None]) -> None:
    """Time per step against graph size."""
    out("")
    out("scaling: time per step against graph size")
    header = (
        f"{'variant':<18}{'samples':>8}{'sizes':>12}{'nodes':>9}{'edges':>10}"
        f"{'step ms':>10}{'us/edge':>9}"
    )
    out(header)
    out("-" * len(header))
    for row in rows:
        out(
            f"{row['variant']!s:<18}{row['samples']!s:>8}{row['sizes']!s:>12}"
            f"{row['nodes']!s:>9}{row['edges']!s:>10}{row['step_ms']:>10.2f}"
            f"{row['us_per_edge']:>9.3f}"
        )


def scaling(
    steps: int, samples_list: Sequence[int], sizes_list: Sequence[tuple[int, ...]]
) -> list[dict[str, object]]:
    """mgfunc and micrograd (GC off) per step, over sample counts and over layer widths."""
    widths = sorted(sizes_list, key=sum)
    middle = widths[len(widths) // 2]
    configs = [(samples, middle) for samples in samples_list]
    configs += [(100, sizes) for sizes in widths if (100, sizes) not in configs]
    rows: list[dict[str, object]] = []
    for samples, sizes in configs:
        for variant in ("micrograd-gc-off", "mgfunc"):
            run = spawn(variant, samples, sizes, steps)
            step_ms = run.per_step_ms(run.total_s)
            rows.append(
                {
                    "variant": variant,
                    "samples": samples,
                    "sizes": list(sizes),
                    "nodes": run.nodes,
                    "edges": run.edges,
                    "step_ms": step_ms,
                    "us_per_edge": 1e3 * step_ms / run.edges,
                }
            )
    return rows


# -- command line --------------------------------------------------------------------------


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--steps", type=int, default=100, help="training steps (default 100)")
    parser.add_argument("--samples", type=int, default=100, help="moons samples (default 100)")
    parser.add_argument(
        "--repeats", type=int, default=1, help="runs per variant, alternating (default 1)"
    )
    parser.add_argument(
        "--json",
        nargs="?",
        const="-",
        metavar="PATH",
        help="also write machine-readable results to PATH (stdout without PATH)",
    )
    parser.add_argument(
        "--skip-micrograd-gc",
        action="store_true",
        help="skip micrograd as shipped (GC on, ~200 s at the defaults) for a quick run",
    )
    parser.add_argument(
        "--scaling",
        action="store_true",
        help="also time per step for samples 50..800 and widths [8,8,1]..[32,32,1]",
    )
    parser.add_argument(
        "--scaling-steps", type=int, default=5, help="steps per scaling point (default 5)"
    )
    parser.add_argument(
        "--scaling-samples",
        default=",".join(map(str, SCALING_SAMPLES)),
        help="sample counts for --scaling (default 50,100,200,400,800)",
    )
    parser.add_argument(
        "--scaling-sizes",
        default=";".join(",".join(map(str, sizes)) for sizes in SCALING_WIDTHS),
        help="layer widths for --scaling, ';' between models (default 8,8,1;16,16,1;32,32,1)",
    )
    parser.add_argument("--sizes", default="16,16,1", help="layer widths (default 16,16,1)")
    parser.add_argument("--worker", choices=VARIANTS, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    for name in ("steps", "samples", "repeats", "scaling_steps"):
        if getattr(options, name) < (0 if name == "steps" else 1):
            parser.error(f"--{name.replace('_', '-')} is too small")
    return options


def widths(text: str) -> tuple[int, ...]:
    """``"16,16,1"`` as ``(16, 16, 1)``."""
    return tuple(int(width) for width in text.split(","))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; returns 0 when the losses agree, 1 on a mismatch."""
    options = parse(argv)
    sizes = widths(options.sizes)
    if options.worker:
        run = run_worker(options.worker, options.samples, sizes, options.steps)
        print(json.dumps(run.to_json()))
        return 0
    to_stdout = options.json == "-"

    def out(line: str) -> None:
        # With the JSON on stdout, the readable table goes to stderr.
        print(line, file=sys.stderr if to_stdout else sys.stdout)

    variants = [v for v in VARIANTS if not (options.skip_micrograd_gc and v == "micrograd")]
    runs: list[Run] = []
    for repeat in range(options.repeats):
        # Alternate the order so that drifts of the machine hit every variant alike.
        for variant in variants if repeat % 2 == 0 else reversed(variants):
            if not to_stdout:
                print(f"... {variant} (run {repeat + 1} of {options.repeats})", flush=True)
            runs.append(spawn(variant, options.samples, sizes, options.steps))
    best = best_runs(runs)
    report: dict[str, object] = {
        "machine": machine(),
        "config": {
            "samples": options.samples,
            "sizes": list(sizes),
            "steps": options.steps,
            "repeats": options.repeats,
            "alpha": ALPHA,
            "variants": variants,
        },
        "runs": {name: run.to_json() for name, run in best.items()},
        "all_totals_s": {name: [r.total_s for r in runs if r.variant == name] for name in best},
    }
    report["comparison"] = compare(best)
    report["inference"] = inference(options.samples, repeats=max(3, options.repeats))
    print_table(report, best, out)
    info = report["inference"]
    assert isinstance(info, dict)
    out("")
    out(
        f"inference on the decision-boundary grid ({info['grid_points']} points, h=0.25): "
        f"model.evaluate {1e3 * info['evaluate_s']:.2f} ms, model(point).data "
        f"{1e3 * info['graph_forward_s']:.2f} ms: {info['speedup']:.1f}x "
        f"({'identical' if info['identical'] else 'DIFFERENT'} scores in all three)"
    )
    out(
        f"  micrograd's way (a graph forward per point) "
        f"{1e3 * info['micrograd_graph_forward_s']:.2f} ms: "
        f"{info['speedup_vs_micrograd']:.1f}x model.evaluate's time"
    )
    if options.scaling:
        if not to_stdout:
            print("... scaling", flush=True)
        rows = scaling(
            options.scaling_steps,
            [int(samples) for samples in options.scaling_samples.split(",")],
            [widths(sizes) for sizes in options.scaling_sizes.split(";")],
        )
        report["scaling"] = rows
        print_scaling(rows, out)
    comparisons = report["comparison"]
    assert isinstance(comparisons, dict)
    agree = all(row["losses_agree"] for row in comparisons.values())
    if options.json:
        text = json.dumps(report, indent=2)
        if to_stdout:
            print(text)
        else:
            with open(options.json, "w", encoding="utf-8") as file:
                file.write(text + "\n")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
