"""mgfunc against a hand-written float floor and micrograd, workload by workload.

Every variant runs in a fresh worker process (so that its peak RSS is its own and one variant's
garbage cannot slow the next), in alternating order over ``--repeats`` rounds, and the report
gives the median run of each. Times are the worker's CPU time (``time.process_time``), so other
load on a shared machine does not count. Workloads and their variants (``WORKLOADS``):

``demo``: the official training step, 100 two-moons points, ``MLP(2, [16, 16, 1])``,
max-margin loss with L2, ``lr = 1.0 - 0.9 * k / 100``, all from micrograd's initial weights.

- ``floor``: the step written by hand on Python floats (``floor.py``): no graph at all, only
  the multiply-adds of the forward and the hand-derived backward pass;
- ``micrograd``: micrograd 0.1.0 as shipped (cyclic GC on);
- ``micrograd-gc-off``: the same with ``gc.disable()``, the fairest view of its design cost
  (every step's graph is a reference cycle, so with the GC off it leaks);
- ``mgfunc``: ``max_margin`` + ``backward`` + ``apply_gradients``, with the cyclic GC on;
- ``mgfunc-gc-paused``: the same with the GC paused during each step, as ``train`` runs.

``grid``: the decision-boundary grid at ``h = 0.05`` over the same data and model.

- ``floor``: every grid point through the float forward pass of ``floor.py``;
- ``mgfunc``: ``mgfunc.plot_data.decision_boundary`` (``MLP.evaluate_many``);
- ``mgfunc-evaluate``: ``model.evaluate(point)`` point by point;
- ``mgfunc-graph``: ``model(point).data``, a graph per point;
- ``micrograd``: the demo notebook's way, a micrograd graph per point (cyclic GC on).

``yin-yang``: the 3-class yin-yang network, ``yin_yang(300)`` split 0.8 / 0.1 / 0.1 (seed 0,
the training part's 240 points), ``MLP.create(2, [8, 3], activation="tanh", init="scaled",
seed=0)``, softmax cross-entropy (no L2 term), ``adamw(0.1, weight_decay=1e-4)``, full batch.

- ``floor``: the step by hand on floats (tanh forward, a stable log-sum-exp, the hand-derived
  backward pass, AdamW's update as torch computes it);
- ``mgfunc`` / ``mgfunc-gc-paused``: ``cross_entropy`` + ``backward`` + ``optimizer.update``,
  the cyclic GC on, or paused during each step as ``train`` runs.

``mini-batch``: the demo's model, loss and schedule (plain SGD), each step on ``--batch-size``
points (16 by default) drawn as ``train(batch_size=...)`` draws them (``mgfunc.trainer._batch``
with the official seed), so every variant trains on the same batches.

- ``floor``: the demo's floor on each step's batch;
- ``mgfunc`` / ``mgfunc-gc-paused``: ``max_margin`` on the batch + ``backward`` +
  ``sgd(...).update``, the cyclic GC on, or paused during each step.

``higher-order`` (``derivatives.py``): the first to fourth derivative of a 30-operation
polynomial at ``--points`` points (200), ms per point, by HIPS autograd, microjax and mgfunc,
each nesting its own transform; and ``mgfunc.hvp`` of the demo loss against its gradient.

``end-to-end`` (``end_to_end.py``): ``mgfunc demo --steps N`` (``--steps``) run in-process
from start to end, with and without ``--animate``, timed part by part (import, training, each
picture, each file written, the rest).

Workloads still to come would be listed in ``PLANNED_WORKLOADS`` (none are pending): each
becomes an entry of ``WORKLOADS``, with a floor of its own, once mgfunc has what it needs.

The benchmark is split by what each part is: ``runs.py`` (settings, data, the result record),
``references.py`` (micrograd and the floor), ``workloads.py`` (mgfunc's variants and the
registry), ``report.py`` (medians, ratios, tables), and the workloads of another shape,
``derivatives.py`` (derivatives of order 1 to 4 and the Hessian-vector product, against HIPS
autograd and microjax) and ``end_to_end.py`` (``mgfunc demo`` from start to end, part by part).
This file is the command line: it spawns the workers and prints the report.

Run ``python benchmarks/bench_demo.py --help`` for the options; see benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Sequence

import derivatives
import end_to_end
from report import (
    compare_demo,
    compare_grid,
    machine,
    median_runs,
    print_demo,
    print_grid,
    print_scaling,
)
from runs import ALPHA, BATCH_SIZE, GRID_H, Run, Settings
from workloads import PLANNED_WORKLOADS, WORKLOADS, run_worker

# Workloads of another shape than a training step or a grid, each run and reported by its own
# module (its own workers, its own table).
OTHER_WORKLOADS = {"higher-order": derivatives.WHAT, "end-to-end": end_to_end.WHAT}
ALL_WORKLOADS = [*WORKLOADS, *OTHER_WORKLOADS]

SCALING_SAMPLES = (50, 100, 200, 400, 800)
SCALING_WIDTHS = ((8, 8, 1), (16, 16, 1), (32, 32, 1))


def spawn(workload: str, variant: str, settings: Settings) -> Run:
    """Run one variant in a fresh interpreter and read back its Run."""
    command = [
        sys.executable,
        os.path.abspath(__file__),
        "--worker",
        f"{workload}:{variant}",
        "--samples",
        str(settings.samples),
        "--sizes",
        ",".join(map(str, settings.sizes)),
        "--steps",
        str(settings.steps),
        "--grid-h",
        repr(settings.grid_h),
        "--batch-size",
        str(settings.batch_size),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"worker {workload}:{variant} failed:\n{done.stderr}")
    row = json.loads(done.stdout.strip().splitlines()[-1])
    if not isinstance(row, dict):
        raise TypeError(f"worker {workload}:{variant} printed {row!r}, not a JSON object")
    return Run.from_json(row)


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
            run = spawn("demo", variant, Settings(samples, sizes, steps, GRID_H))
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
        "--workloads",
        default=",".join(ALL_WORKLOADS),
        help=f"comma-separated workloads to run (default {','.join(ALL_WORKLOADS)})",
    )
    parser.add_argument(
        "--grid-h", type=float, default=GRID_H, help=f"the grid's step (default {GRID_H})"
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
        help="skip micrograd as shipped (GC on: ~220 s for the demo, ~35 s for the grid)",
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
    parser.add_argument(
        "--batch-size",
        type=int,
        default=BATCH_SIZE,
        help=f"points per step of the mini-batch workload (default {BATCH_SIZE})",
    )
    parser.add_argument(
        "--points",
        type=int,
        default=derivatives.POINTS,
        help=f"points of the higher-order workload (default {derivatives.POINTS})",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    for name in ("steps", "samples", "repeats", "scaling_steps", "batch_size", "points"):
        if getattr(options, name) < (0 if name == "steps" else 1):
            parser.error(f"--{name.replace('_', '-')} is too small")
    if not options.grid_h > 0.0:
        parser.error("--grid-h must be positive")
    unknown = set(options.workloads.split(",")) - set(ALL_WORKLOADS)
    if unknown:
        parser.error(f"--workloads: unknown {sorted(unknown)}; choose from {ALL_WORKLOADS}")
    batches = "mini-batch" in options.workloads.split(",") and not options.worker
    if batches and options.batch_size > options.samples:
        parser.error(
            f"--batch-size {options.batch_size} is more than the {options.samples} samples; "
            "pass a smaller --batch-size or more --samples"
        )
    return options


def widths(text: str) -> tuple[int, ...]:
    """``"16,16,1"`` as ``(16, 16, 1)``."""
    return tuple(int(width) for width in text.split(","))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; returns 0 when the losses agree, 1 on a mismatch."""
    options = parse(argv)
    settings = Settings(
        options.samples, widths(options.sizes), options.steps, options.grid_h, options.batch_size
    )
    if options.worker:
        workload, variant = options.worker.split(":")
        print(json.dumps(run_worker(workload, variant, settings).to_json()))
        return 0
    to_stdout = options.json == "-"

    def out(line: str) -> None:
        # With the JSON on stdout, the readable table goes to stderr.
        print(line, file=sys.stderr if to_stdout else sys.stdout)

    chosen_names = options.workloads.split(",")
    jobs = [
        (workload.name, variant.name)
        for workload in (WORKLOADS[name] for name in chosen_names if name in WORKLOADS)
        for variant in workload.variants
        if not (options.skip_micrograd_gc and variant.slow)
    ]
    runs: list[Run] = []
    for repeat in range(options.repeats):
        # Alternate the order so that drifts of the machine hit every variant alike.
        for workload, variant in jobs if repeat % 2 == 0 else reversed(jobs):
            if not to_stdout:
                print(
                    f"... {workload}: {variant} (run {repeat + 1} of {options.repeats})", flush=True
                )
            runs.append(spawn(workload, variant, settings))
    info = machine()
    report: dict[str, object] = {
        "machine": info,
        "config": {
            "samples": settings.samples,
            "sizes": list(settings.sizes),
            "steps": settings.steps,
            "grid_h": settings.grid_h,
            "batch_size": settings.batch_size,
            "repeats": options.repeats,
            "alpha": ALPHA,
            "clock": "process CPU time (time.process_time)",
            "jobs": [f"{workload}:{variant}" for workload, variant in jobs],
        },
        "workloads": {},
        "planned_workloads": PLANNED_WORKLOADS,
    }
    out(f"mgfunc {info['mgfunc']} against a float floor and micrograd {info['micrograd']}")
    out(f"machine: {info['cpu']}, {info['cores']} cores; {info['python']}; {info['platform']}")
    out(
        f"config: {settings.samples} samples, MLP(2, {list(settings.sizes)}), {settings.steps} "
        f"steps, grid h={settings.grid_h}; median of {options.repeats} alternating run(s) per "
        "variant, each in its own process; CPU time"
    )
    agree = True
    results = report["workloads"]
    assert isinstance(results, dict)
    for name in options.workloads.split(","):
        if name in OTHER_WORKLOADS:
            continue
        chosen = median_runs([run for run in runs if run.workload == name])
        out("")
        out(f"{name}: {WORKLOADS[name].what}")
        if WORKLOADS[name].training:
            comparison = compare_demo(chosen)
            print_demo(chosen, comparison, out)
            agree = agree and all(
                row.get("losses_agree", True)
                for row in comparison.values()
                if isinstance(row, dict)
            )
        else:
            comparison = compare_grid(chosen)
            print_grid(chosen, comparison, out)
            agree = agree and all(
                row["identical_to_floor"] for row in comparison.values() if isinstance(row, dict)
            )
        results[name] = {
            "runs": {variant: run.to_json() for variant, run in chosen.items()},
            "all_totals_s": {
                variant: [r.total_s for r in runs if r.workload == name and r.variant == variant]
                for variant in chosen
            },
            "comparison": comparison,
        }
    if "higher-order" in chosen_names:
        if not to_stdout:
            print("... higher-order", flush=True)
        out("")
        out(f"higher-order: {derivatives.WHAT}")
        results["higher-order"], agreed = derivatives.run(options.points, options.repeats, out)
        agree = agree and agreed
    if "end-to-end" in chosen_names:
        if not to_stdout:
            print("... end-to-end", flush=True)
        out("")
        out(f"end-to-end: {end_to_end.WHAT}")
        results["end-to-end"] = end_to_end.run(options.steps, options.repeats, out)
    out("")
    for name, what in PLANNED_WORKLOADS.items():
        out(f"{name}: pending ({what})")
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
