"""The benchmark's report: medians, ratios, and the tables printed for each workload."""

from __future__ import annotations

import os
import platform
from collections.abc import Callable, Sequence

from runs import LOSS_TOLERANCE, Run

import mgfunc


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


def median_runs(runs: Sequence[Run]) -> dict[str, Run]:
    """Each variant's median run by total time (the lower middle one for an even count)."""
    names = list(dict.fromkeys(run.variant for run in runs))
    chosen = {}
    for name in names:
        mine = sorted((run for run in runs if run.variant == name), key=lambda run: run.total_s)
        chosen[name] = mine[(len(mine) - 1) // 2]
    return chosen


def compare_demo(runs: dict[str, Run]) -> dict[str, object]:
    """Time ratios to the floor and to micrograd, memory ratios and the loss check."""
    mine = runs["mgfunc"]
    result: dict[str, object] = {}
    for name, run in runs.items():
        row: dict[str, object] = {
            "time_vs_floor": _ratio(run, runs.get("floor")),
            "micrograd_time_vs_it": _ratio(runs.get("micrograd"), run),
            "micrograd_gc_off_time_vs_it": _ratio(runs.get("micrograd-gc-off"), run),
            "peak_rss_vs_mgfunc": run.peak_rss_mib / mine.peak_rss_mib,
        }
        if name != "mgfunc":
            gap = max((abs(a - b) for a, b in zip(run.losses, mine.losses)), default=0.0)
            gap = max(gap, abs(run.final_loss - mine.final_loss))
            row.update(max_loss_difference=gap, losses_agree=gap <= LOSS_TOLERANCE)
        result[name] = row
    return result


def compare_grid(runs: dict[str, Run]) -> dict[str, object]:
    """Time ratios to the floor, and whether every variant gave the same scores bit for bit."""
    floor_digest = runs["floor"].digest if "floor" in runs else None
    return {
        name: {
            "time_vs_floor": _ratio(run, runs.get("floor")),
            "identical_to_floor": run.digest == floor_digest,
        }
        for name, run in runs.items()
    }


def _ratio(numerator: Run | None, denominator: Run | None) -> float | None:
    if numerator is None or denominator is None or denominator.total_s <= 0.0:
        return None
    return numerator.total_s / denominator.total_s


def _times(ratio: object) -> str:
    return f"{ratio:.2f}x" if isinstance(ratio, float) else "-"


def print_demo(
    runs: dict[str, Run], comparison: dict[str, object], out: Callable[[str], None]
) -> None:
    """A training table: phases per step, graph size, memory, ratios; then the loss check.

    The columns of micrograd's time over each variant's appear when micrograd ran.
    """
    micrograd = any(name.startswith("micrograd") for name in runs)
    header = (
        f"{'variant':<18}{'fwd ms':>9}{'bwd ms':>9}{'upd ms':>8}{'step ms':>9}{'total s':>9}"
        f"{'nodes':>8}{'edges':>9}{'peak MiB':>10}{'x floor':>9}"
        + (f"{'mg / it':>9}{'mg-off / it':>12}" if micrograd else "")
    )
    out(header)
    out("-" * len(header))
    for name, run in runs.items():
        row = comparison[name]
        assert isinstance(row, dict)
        ratios = (
            f"{_times(row['micrograd_time_vs_it']):>9}"
            f"{_times(row['micrograd_gc_off_time_vs_it']):>12}"
        )
        out(
            f"{name:<18}{run.per_step_ms(run.forward_s):>9.2f}"
            f"{run.per_step_ms(run.backward_s):>9.2f}{run.per_step_ms(run.update_s):>8.2f}"
            f"{run.per_step_ms(run.total_s):>9.2f}{run.total_s:>9.2f}{run.nodes:>8}"
            f"{run.edges:>9}{run.peak_rss_mib:>10.1f}{_times(row['time_vs_floor']):>9}"
            + (ratios if micrograd else "")
        )
    out("")
    if micrograd:
        out("x floor: time / the floor's time; mg / it and mg-off / it: micrograd's time (as")
        out("shipped, GC off) / this variant's time. Every figure is CPU time of the variant's")
        out("median run.")
    else:
        out("x floor: time / the floor's time. Every figure is CPU time of the median run.")
    out("")
    for name, run in runs.items():
        out(f"final loss {name:<18}{run.final_loss!r:<24} accuracy {run.final_accuracy:.0%}")
    for name, row in comparison.items():
        assert isinstance(row, dict)
        if "losses_agree" in row:
            verdict = "OK" if row["losses_agree"] else "MISMATCH"
            out(
                f"{verdict}: {name} and mgfunc losses, every step and final, differ by at most "
                f"{row['max_loss_difference']:.3g} (tolerance {LOSS_TOLERANCE:g})"
            )


def print_grid(
    runs: dict[str, Run], comparison: dict[str, object], out: Callable[[str], None]
) -> None:
    """The grid's table: time to score the grid, memory, ratio to the floor, identical scores."""
    header = f"{'variant':<18}{'points':>8}{'grid ms':>10}{'peak MiB':>10}{'x floor':>9}  scores"
    out(header)
    out("-" * len(header))
    for name, run in runs.items():
        row = comparison[name]
        assert isinstance(row, dict)
        same = "identical to the floor's" if row["identical_to_floor"] else "DIFFERENT"
        out(
            f"{name:<18}{run.points:>8}{1e3 * run.total_s:>10.1f}{run.peak_rss_mib:>10.1f}"
            f"{_times(row['time_vs_floor']):>9}  {same}"
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
