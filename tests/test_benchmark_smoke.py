"""The side-by-side benchmark runs end to end and reports what it promises (no timing checks)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("micrograd")

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_demo.py"
VARIANTS = ["micrograd", "micrograd-gc-off", "mgfunc", "mgfunc-gc-paused"]
RUN_KEYS = {
    "forward_ms_per_step",
    "backward_ms_per_step",
    "update_ms_per_step",
    "step_ms",
    "total_s",
    "nodes",
    "edges",
    "peak_rss_mib",
    "rss_growth_mib",
    "losses",
    "final_loss",
    "final_accuracy",
}


def run_benchmark(tmp_path: Path, *options: str) -> dict[str, object]:
    report = tmp_path / "report.json"
    quick = ["--steps", "2", "--samples", "12", "--json", str(report)]
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *quick, *options],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "OK:" in done.stdout and "MISMATCH" not in done.stdout
    result: dict[str, object] = json.loads(report.read_text(encoding="utf-8"))
    return result


def test_every_variant_reports_its_phases_sizes_memory_and_matching_losses(
    tmp_path: Path,
) -> None:
    report = run_benchmark(tmp_path)
    assert set(report) >= {"machine", "config", "runs", "comparison", "inference"}
    machine = report["machine"]
    assert isinstance(machine, dict) and {"python", "platform", "cpu", "cores"} <= set(machine)
    runs = report["runs"]
    assert isinstance(runs, dict) and sorted(runs) == sorted(VARIANTS)
    for run in runs.values():
        assert set(run) >= RUN_KEYS
        assert len(run["losses"]) == 2 and run["nodes"] > 0 and run["edges"] > 0
        assert run["peak_rss_mib"] > 0.0
    # mgfunc fuses each neuron's weighted sum into one node: far fewer nodes than micrograd.
    assert runs["mgfunc"]["nodes"] < runs["micrograd"]["nodes"]
    mine = runs["mgfunc"]
    for name in ("micrograd", "micrograd-gc-off", "mgfunc-gc-paused"):
        other = runs[name]
        assert abs(other["final_loss"] - mine["final_loss"]) <= 1e-9
        assert all(abs(a - b) <= 1e-9 for a, b in zip(other["losses"], mine["losses"]))
    comparison = report["comparison"]
    assert isinstance(comparison, dict)
    assert all(row["losses_agree"] and row["speedup"] > 0.0 for row in comparison.values())
    inference = report["inference"]
    assert isinstance(inference, dict)
    assert inference["identical"] is True and inference["grid_points"] > 0


def test_quick_mode_skips_micrograd_with_the_gc_and_scaling_covers_every_size(
    tmp_path: Path,
) -> None:
    report = run_benchmark(
        tmp_path,
        "--skip-micrograd-gc",
        "--scaling",
        "--scaling-steps",
        "1",
        "--scaling-samples",
        "10,20",
        "--scaling-sizes",
        "4,1;8,1",
    )
    runs = report["runs"]
    assert isinstance(runs, dict) and "micrograd" not in runs and "mgfunc" in runs
    rows = report["scaling"]
    assert isinstance(rows, list)
    points = {(row["variant"], row["samples"], tuple(row["sizes"])) for row in rows}
    for variant in ("micrograd-gc-off", "mgfunc"):
        assert {(variant, 10, (8, 1)), (variant, 20, (8, 1)), (variant, 100, (4, 1))} <= points
    # Twice the samples, about twice the graph: the sizes the timings are divided by.
    edges = {(row["variant"], row["samples"], tuple(row["sizes"])): row["edges"] for row in rows}
    assert edges[("mgfunc", 10, (8, 1))] < edges[("mgfunc", 20, (8, 1))]


def test_a_bad_option_is_refused() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--steps", "-1"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2 and "--steps" in done.stderr
