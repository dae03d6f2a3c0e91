"""Derivatives of order 1 to 4, and a Hessian-vector product: mgfunc beside autograd and microjax.

The function, written once and run by every library on its own number type::

    def polynomial(x):
        y = x
        for k in range(10):
            if k % 2 == 0:
                y = y * (x + 0.25) ** 2     # rounds 0, 2, 4, 6, 8
            else:
                y = (y + 0.25 * x) * 0.5    # rounds 1, 3, 5, 7, 9
        return y

Ten rounds of three operations each (``+``, ``**``, ``*``, then ``*``, ``+``, ``*``): 30
operations, a polynomial of degree 11. Its derivatives of order 1 to 4 are taken at 200 points
evenly spaced in [-1, 1] (``--points``), by nesting each library's own transform:

- ``autograd``: HIPS autograd, ``grad(grad(...(f)))`` (boxes over numpy);
- ``microjax``: microjax 0.1.0, ``grad(grad(...(f)))`` (tracers in pure Python);
- ``mgfunc``: ``derivative(derivative(...(f)))``.

The figure is CPU milliseconds per point for each order; every library's derivatives must
agree with the others' to 1e-9 relative. ``hvp`` times ``mgfunc.hvp`` of the official demo's
loss as a function of its 337 parameters (at the official initial weights, against a fixed
vector of ones and minus ones) against the first-order gradient training computes (the loss and
``backward`` on floats), and reports the ratio. A variant whose library or mgfunc transform is
missing is reported as skipped, with the reason. Each variant runs in its own process.
"""

from __future__ import annotations

import importlib
import json
import statistics
import subprocess
import sys
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Protocol, TypeVar

import attrs
from runs import ALPHA, OFFICIAL_SEED, clock

import mgfunc
from mgfunc.datasets import moons
from mgfunc.errors import MgfuncError
from mgfunc.losses import max_margin
from mgfunc.nn import MLP, parameters, with_parameters

C = 0.25
ROUNDS = 10
ORDERS = (1, 2, 3, 4)
POINTS = 200
AGREEMENT = 1e-9  # relative
HVP_REPEATS = 5
VARIANTS = ("autograd", "microjax", "mgfunc", "mgfunc-hvp")
WHAT = (
    "derivatives of order 1-4 of a 30-operation polynomial, ms per point (autograd, microjax, "
    "mgfunc); mgfunc.hvp of the demo loss against its gradient"
)


class Arithmetic(Protocol):
    """What ``polynomial`` needs of a number type: a float, a Value, a box or a tracer."""

    def __add__(self: N, other: N | float) -> N: ...
    def __mul__(self: N, other: N | float) -> N: ...
    def __rmul__(self: N, other: float) -> N: ...
    def __pow__(self: N, exponent: int) -> N: ...


N = TypeVar("N", bound=Arithmetic)


def polynomial(x: N) -> N:
    """The workload's function (the module docstring writes it out)."""
    y = x
    for k in range(ROUNDS):
        y = y * (x + C) ** 2 if k % 2 == 0 else (y + C * x) * 0.5
    return y


def points(count: int) -> list[float]:
    """``count`` points evenly spaced in [-1, 1]."""
    return [-1.0 + 2.0 * i / (count - 1) for i in range(count)] if count > 1 else [0.0]


@attrs.frozen
class Orders:
    """One library's derivatives: ms per point and the values, for each order (or why not)."""

    variant: str
    ms_per_point: tuple[float, ...] = ()
    values: tuple[tuple[float, ...], ...] = ()
    hvp_ms: float = 0.0
    gradient_ms: float = 0.0
    skipped: str = ""


Scalar = Callable[[float], float]


def _library(name: str) -> ModuleType | str:
    """The module, or why it cannot be used."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return f"{name.split('.')[0]} is not installed (pip install -e '.[bench]')"


def nested(variant: str) -> Callable[[int], Scalar] | str:
    """A function giving the library's ``order``-th derivative of ``polynomial``, or a reason."""
    if variant == "mgfunc":
        derivative = getattr(mgfunc, "derivative", None)
        if derivative is None:
            return "mgfunc.derivative is missing (it arrives with contract v0.3)"
        transform: Callable[[Scalar], Scalar] = derivative
    else:
        module = _library("autograd" if variant == "autograd" else "microjax.engine")
        if isinstance(module, str):
            return module
        transform = module.grad

    def of_order(order: int) -> Scalar:
        function: Scalar = polynomial
        for _ in range(order):
            function = transform(function)
        return function

    return of_order


def measure_orders(variant: str, count: int) -> Orders:
    """Every order's derivative at ``count`` points, timed."""
    made = nested(variant)
    if isinstance(made, str):
        return Orders(variant, skipped=made)
    xs = points(count)
    times, values = [], []
    for order in ORDERS:
        function = made(order)
        start = clock()
        found = tuple(float(function(x)) for x in xs)
        times.append(1e3 * (clock() - start) / len(xs))
        values.append(found)
    return Orders(variant, tuple(times), tuple(values))


def measure_hvp() -> Orders:
    """``mgfunc.hvp`` of the demo loss against ``max_margin`` + ``backward``, medians in ms."""
    hvp = getattr(mgfunc, "hvp", None)
    if hvp is None:
        return Orders("mgfunc-hvp", skipped="mgfunc.hvp is missing (it arrives with contract v0.3)")
    data = moons(100, noise=0.1, seed=OFFICIAL_SEED)
    model = MLP.create(2, [16, 16, 1], seed=OFFICIAL_SEED)
    primals = tuple(p.data for p in parameters(model))
    vector = tuple(1.0 if i % 2 == 0 else -1.0 for i in range(len(primals)))

    def loss(*values: mgfunc.Value | float) -> mgfunc.Value:
        return max_margin(with_parameters(model, values), data.xs, data.ys, ALPHA).total_loss

    hvp_times, gradient_times = [], []
    try:
        for _ in range(HVP_REPEATS):  # the two alternate
            start = clock()
            hvp(loss)(primals, vector)
            hvp_times.append(clock() - start)
            start = clock()
            mgfunc.backward(max_margin(model, data.xs, data.ys, ALPHA).total_loss)
            gradient_times.append(clock() - start)
    except MgfuncError as error:
        return Orders("mgfunc-hvp", skipped=f"mgfunc.hvp of the loss failed: {error}")
    return Orders(
        "mgfunc-hvp",
        hvp_ms=1e3 * statistics.median(hvp_times),
        gradient_ms=1e3 * statistics.median(gradient_times),
    )


def work(variant: str, count: int) -> Orders:
    """Run one variant in this process."""
    return measure_hvp() if variant == "mgfunc-hvp" else measure_orders(variant, count)


def spawn(variant: str, count: int) -> Orders:
    """One variant in a fresh interpreter."""
    command = [sys.executable, __file__, "--worker", variant, "--points", str(count)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"higher-order worker {variant} failed:\n{done.stderr}")
    row = json.loads(done.stdout.strip().splitlines()[-1])
    return Orders(
        variant=row["variant"],
        ms_per_point=tuple(row["ms_per_point"]),
        values=tuple(tuple(v) for v in row["values"]),
        hvp_ms=row["hvp_ms"],
        gradient_ms=row["gradient_ms"],
        skipped=row["skipped"],
    )


def _median(runs: Sequence[Orders]) -> Orders:
    """The run with the median total time (the lower middle for an even count)."""
    ordered = sorted(runs, key=lambda run: sum(run.ms_per_point) + run.hvp_ms)
    return ordered[(len(ordered) - 1) // 2]


def _disagreement(first: Orders, second: Orders) -> float:
    """The largest relative difference between two libraries' derivatives."""
    worst = 0.0
    for mine, theirs in zip(first.values, second.values):
        for a, b in zip(mine, theirs):
            worst = max(worst, abs(a - b) / max(abs(a), abs(b), 1.0))
    return worst


def run(count: int, repeats: int, say: Callable[[str], None]) -> tuple[dict[str, object], bool]:
    """Every variant ``repeats`` times, alternating; print the table; (report, agreement)."""
    runs: dict[str, list[Orders]] = {variant: [] for variant in VARIANTS}
    for repeat in range(repeats):
        for variant in VARIANTS if repeat % 2 == 0 else VARIANTS[::-1]:
            runs[variant].append(spawn(variant, count))
    chosen = {variant: _median(found) for variant, found in runs.items()}
    say(f"{'variant':<12}" + "".join(f"{'order ' + str(k):>10}" for k in ORDERS) + "  growth")
    say("-" * 62)
    agree = True
    measured = [row for name, row in chosen.items() if name != "mgfunc-hvp" and not row.skipped]
    for name, row in chosen.items():
        if name == "mgfunc-hvp":
            continue
        if row.skipped:
            say(f"{name:<12}skipped: {row.skipped}")
            continue
        times = row.ms_per_point
        growth = (times[-1] / times[0]) ** (1.0 / (len(times) - 1))
        say(f"{name:<12}" + "".join(f"{t:>10.3f}" for t in times) + f"  {growth:.2f}x / order")
    say("(CPU ms per point; growth: the mean factor from one order to the next)")
    for row in measured[1:]:
        gap = _disagreement(measured[0], row)
        agree = agree and gap <= AGREEMENT
        verdict = "OK" if gap <= AGREEMENT else "MISMATCH"
        say(
            f"{verdict}: {row.variant} and {measured[0].variant} derivatives differ by at most "
            f"{gap:.3g} relative (tolerance {AGREEMENT:g})"
        )
    mine = chosen["mgfunc"]
    peers = [chosen[name] for name in ("autograd", "microjax") if not chosen[name].skipped]
    if not mine.skipped and peers:
        ratios = [
            min(peer.ms_per_point[k] for peer in peers) / mine.ms_per_point[k]
            for k in range(len(ORDERS))
        ]
        say("the faster peer's time / mgfunc's: " + ", ".join(f"{r:.2f}x" for r in ratios))
    hvp = chosen["mgfunc-hvp"]
    if hvp.skipped:
        say(f"hvp: skipped: {hvp.skipped}")
    else:
        say(
            f"hvp of the demo loss (337 parameters): {hvp.hvp_ms:.2f} ms; its gradient (loss and "
            f"backward): {hvp.gradient_ms:.2f} ms; ratio {hvp.hvp_ms / hvp.gradient_ms:.2f}x"
        )
    report: dict[str, object] = {
        "function": "10 rounds: y * (x + 0.25) ** 2 (even k), (y + 0.25 * x) * 0.5 (odd k)",
        "points": count,
        "runs": {name: attrs.asdict(row) for name, row in chosen.items()},
        "agree": agree,
    }
    return report, agree


def main(argv: Sequence[str] | None = None) -> int:
    """The worker: ``--worker VARIANT --points N`` prints one variant's result as JSON."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    variant = arguments[arguments.index("--worker") + 1]
    count = int(arguments[arguments.index("--points") + 1])
    print(json.dumps(attrs.asdict(work(variant, count))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
