"""Where the time of one official training step goes, phase by phase.

Trains the official demo (``MLP.create(2, [16, 16, 1])`` on 100 two-moons points) for a few
steps with the cyclic GC paused during each step, as ``mgfunc.trainer.train`` runs, and times
each phase of every step separately:

- ``network forward``: ``model.forward(row)`` for every row, the neuron nodes;
- ``loss tail``: the rest of ``max_margin`` (hinge terms, mean, L2 term, accuracy);
- ``topological order``: ``topological_order(loss)``, the walk that collects the graph;
- ``fold``: the rest of ``backward`` (the gradient fold and the frozen table);
- ``update``: ``apply_gradients``.

Times are CPU time of this process (``time.process_time``), so other load on the machine does
not count; each figure is the median over the steps. ``--workers N`` repeats the whole run in N
fresh processes and reports the median of their medians. Run it from the repository root:

    python benchmarks/profile_step.py --steps 10 --workers 5

It measures whatever ``mgfunc`` is importable, so the same script profiles two versions of the
library (``PYTHONPATH=path/to/other/checkout python benchmarks/profile_step.py``).
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence

import mgfunc
from mgfunc.datasets import moons
from mgfunc.losses import max_margin
from mgfunc.nn import MLP, apply_gradients
from mgfunc.trainer import official_micrograd_learning_rate

PHASES = ("network forward", "loss tail", "topological order", "fold", "update")
OFFICIAL_SEED = (1337, 1337, 1337)


def profile(steps: int) -> dict[str, object]:
    """Train ``steps`` official steps in this process; the median milliseconds of each phase."""
    dataset = moons(100, noise=0.1, seed=OFFICIAL_SEED)
    xs, ys = dataset.xs, dataset.ys
    model = MLP.create(2, [16, 16, 1], seed=OFFICIAL_SEED)
    clock = time.process_time
    times: dict[str, list[float]] = {phase: [] for phase in PHASES}
    nodes = edges = carrying = 0
    was_enabled = gc.isenabled()
    for step in range(steps):
        gc.disable()
        start = clock()
        for row in xs:
            model.forward(row)
        after_network = clock()
        loss = max_margin(model, xs, ys)
        after_loss = clock()
        order = mgfunc.topological_order(loss.total_loss)
        after_order = clock()
        grads = mgfunc.backward(loss.total_loss)
        after_backward = clock()
        model = apply_gradients(model, grads, official_micrograd_learning_rate(step))
        end = clock()
        if was_enabled:
            gc.enable()
        network = after_network - start
        times["network forward"].append(network)
        # max_margin runs the network again: the tail is what it adds beyond that.
        times["loss tail"].append(max(after_loss - after_network - network, 0.0))
        times["topological order"].append(after_order - after_loss)
        # backward walks the graph itself: the fold is what it adds beyond the walk.
        times["fold"].append(max(after_backward - after_order - (after_order - after_loss), 0.0))
        times["update"].append(end - after_backward)
        if step == 0:
            nodes = len(order)
            edges = sum(len(node.inputs) for node in order)
            # Edges whose product local * upstream is not zero: the fold's real work.
            carrying = sum(
                1 for node in order if grads[node] for local in node.local_gradients if local
            )
    medians = {phase: 1e3 * statistics.median(values) for phase, values in times.items()}
    return {"ms": medians, "nodes": nodes, "edges": edges, "edges_carrying": carrying}


def spawn(steps: int) -> dict[str, object]:
    """One profile in a fresh interpreter (its own heap, its own GC history)."""
    command = [sys.executable, __file__, "--steps", str(steps), "--worker"]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    row = json.loads(done.stdout.strip().splitlines()[-1])
    if not isinstance(row, dict):
        raise TypeError(f"the worker printed {row!r}, not a JSON object")
    return row


def report(rows: Sequence[dict[str, object]], out: Callable[[str], None]) -> None:
    """The median of each phase over the workers, with its share of the step."""
    medians = {phase: statistics.median(_ms(row)[phase] for row in rows) for phase in PHASES}
    total = sum(medians.values())
    out(f"mgfunc {mgfunc.__version__} from {mgfunc.__file__}")
    out(
        f"{len(rows)} worker(s); graph: {rows[0]['nodes']} nodes, {rows[0]['edges']} edges, "
        f"{rows[0]['edges_carrying']} of them carrying a non-zero gradient (step 0)"
    )
    out(f"{'phase':<20}{'ms / step':>10}{'share':>8}")
    for phase in PHASES:
        out(f"{phase:<20}{medians[phase]:>10.2f}{medians[phase] / total:>8.0%}")
    out(f"{'step':<20}{total:>10.2f}")


def _ms(row: dict[str, object]) -> dict[str, float]:
    ms = row["ms"]
    if not isinstance(ms, dict):
        raise TypeError(f"expected a dict of phases, got {ms!r}")
    return {str(name): float(value) for name, value in ms.items()}


def main(argv: Sequence[str] | None = None) -> int:
    """Profile in this process (``--worker``) or in ``--workers`` fresh ones."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--steps", type=int, default=10, help="steps per worker (default 10)")
    parser.add_argument("--workers", type=int, default=3, help="fresh processes (default 3)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.steps < 1 or options.workers < 1:
        parser.error("--steps and --workers must be at least 1")
    if options.worker:
        print(json.dumps(profile(options.steps)))
        return 0
    report([spawn(options.steps) for _ in range(options.workers)], print)
    return 0


if __name__ == "__main__":
    sys.exit(main())
