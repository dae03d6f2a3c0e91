"""Where the time of one official training step goes, phase by phase.

Trains the official demo (``MLP.create(2, [16, 16, 1])`` on 100 two-moons points) for a few
steps with the cyclic GC paused during each step, as ``mgfunc.trainer.train`` runs, and times
each phase of every step separately:

- ``network forward``: ``nn.forward_rows`` on the checked rows, the neuron nodes (what
  ``max_margin`` runs);
- ``loss tail``: the rest of ``max_margin`` (argument checks, hinge terms, mean, L2 term,
  accuracy): its time minus the network forward's;
- ``topological order``: ``topological_order(loss)``, the walk that collects the graph;
- ``fold``: the rest of ``backward`` (the gradient fold and the frozen table);
- ``update``: ``apply_gradients``;
- ``free the graph``: dropping the step's graph and gradient table (reference counting frees
  every node; in training this happens when the next step rebinds its names).

Times are CPU time of this process (``time.process_time``), so other load on the machine does
not count; each figure is the median over the steps. ``--workers N`` repeats the whole run in N
fresh processes and reports the median of their medians. Run it from the repository root:

    python benchmarks/profile_step.py --steps 10 --workers 5

It profiles whatever ``mgfunc`` is importable; ``--checkout DIR`` (repeatable) profiles the
``mgfunc`` package inside DIR instead, and with several the versions' workers alternate, so two
versions are compared in one session on equal terms:

    python benchmarks/profile_step.py --checkout ../before --checkout . --workers 5
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence

import mgfunc
from mgfunc._checks import rows_of_numbers
from mgfunc.datasets import moons
from mgfunc.losses import max_margin
from mgfunc.nn import MLP, apply_gradients, forward_rows
from mgfunc.trainer import official_micrograd_learning_rate

PHASES = ("network forward", "loss tail", "topological order", "fold", "update", "free the graph")
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
        rows = rows_of_numbers(xs, "xs", width=2)  # what max_margin checks first
        start = clock()
        outputs = forward_rows(model, rows)
        after_network = clock()
        del outputs  # freeing a graph costs time too: counted apart, below
        start_loss = clock()
        loss = max_margin(model, xs, ys)
        after_loss = clock()
        order = mgfunc.topological_order(loss.total_loss)
        after_order = clock()
        grads = mgfunc.backward(loss.total_loss)
        after_backward = clock()
        model = apply_gradients(model, grads, official_micrograd_learning_rate(step))
        end = clock()
        if step == 0:
            nodes = len(order)
            edges = sum(len(node.inputs) for node in order)
            # Edges whose product local * upstream is not zero: the fold's real work.
            carrying = sum(
                1 for node in order if grads[node] for local in node.local_gradients if local
            )
        start_free = clock()
        del loss, order, grads  # the step's graph and gradient table, freed by refcounting
        end_free = clock()
        if was_enabled:
            gc.enable()
        network = after_network - start
        times["network forward"].append(network)
        # max_margin runs the network again: the tail is what it adds beyond that.
        times["loss tail"].append(max(after_loss - start_loss - network, 0.0))
        times["topological order"].append(after_order - after_loss)
        # backward walks the graph itself: the fold is what it adds beyond the walk.
        times["fold"].append(max(after_backward - after_order - (after_order - after_loss), 0.0))
        times["update"].append(end - after_backward)
        times["free the graph"].append(end_free - start_free)
    medians = {phase: 1e3 * statistics.median(values) for phase, values in times.items()}
    return {"ms": medians, "nodes": nodes, "edges": edges, "edges_carrying": carrying}


def spawn(steps: int, checkout: str | None = None) -> dict[str, object]:
    """One profile in a fresh interpreter; ``checkout`` is put first on its import path."""
    env = dict(os.environ)
    if checkout is not None:
        env["PYTHONPATH"] = os.pathsep.join([checkout, env.get("PYTHONPATH", "")]).rstrip(
            os.pathsep
        )
    command = [sys.executable, __file__, "--steps", str(steps), "--worker"]
    done = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
    row = json.loads(done.stdout.strip().splitlines()[-1])
    if not isinstance(row, dict):
        raise TypeError(f"the worker printed {row!r}, not a JSON object")
    return row


def report(columns: dict[str, list[dict[str, object]]], out: Callable[[str], None]) -> None:
    """The median of each phase over each version's workers, side by side."""
    names = list(columns)
    medians = {
        name: {phase: statistics.median(_ms(row)[phase] for row in rows) for phase in PHASES}
        for name, rows in columns.items()
    }
    for name, rows in columns.items():
        out(
            f"{name}: {rows[0]['nodes']} nodes, {rows[0]['edges']} edges, "
            f"{rows[0]['edges_carrying']} of them carrying a non-zero gradient at step 0"
        )
    out(f"{'phase':<20}" + "".join(f"{name[-24:]:>26}" for name in names))
    for phase in PHASES:
        cells = (medians[name][phase] for name in names)
        out(f"{phase:<20}" + "".join(f"{cell:>26.2f}" for cell in cells))
    totals = (sum(medians[name].values()) for name in names)
    out(f"{'step':<20}" + "".join(f"{total:>26.2f}" for total in totals))


def _ms(row: dict[str, object]) -> dict[str, float]:
    ms = row["ms"]
    if not isinstance(ms, dict):
        raise TypeError(f"expected a dict of phases, got {ms!r}")
    return {str(name): float(value) for name, value in ms.items()}


def main(argv: Sequence[str] | None = None) -> int:
    """Profile in this process (``--worker``) or in ``--workers`` fresh ones per version."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--steps", type=int, default=10, help="steps per worker (default 10)")
    parser.add_argument(
        "--workers", type=int, default=3, help="fresh processes per version (default 3)"
    )
    parser.add_argument(
        "--checkout",
        action="append",
        default=[],
        metavar="DIR",
        help="profile the mgfunc found in DIR (a folder holding mgfunc/); repeat to compare "
        "versions, whose workers then alternate (default: the importable mgfunc)",
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.steps < 1 or options.workers < 1:
        parser.error("--steps and --workers must be at least 1")
    if options.worker:
        print(json.dumps(profile(options.steps)))
        return 0
    default = os.path.dirname(os.path.dirname(os.path.abspath(mgfunc.__file__)))
    versions = [(checkout, checkout or default) for checkout in options.checkout or [None]]
    columns: dict[str, list[dict[str, object]]] = {name: [] for _, name in versions}
    for round_ in range(options.workers):
        # Alternate the order so that drifts of the machine hit every version alike.
        for checkout, name in versions if round_ % 2 == 0 else versions[::-1]:
            columns[name].append(spawn(options.steps, checkout))
    report(columns, print)
    return 0


if __name__ == "__main__":
    sys.exit(main())
