"""The side-by-side benchmark runs end to end and reports what it promises (no timing checks)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("micrograd")

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_demo.py"
VARIANTS = ["floor", "micrograd", "micrograd-gc-off", "mgfunc", "mgfunc-gc-paused"]
GRID_VARIANTS = ["floor", "mgfunc", "mgfunc-evaluate", "mgfunc-graph", "micrograd"]
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
    quick = ["--steps", "2", "--samples", "12", "--grid-h", "0.5", "--json", str(report)]
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
    assert set(report) >= {"machine", "config", "workloads", "planned_workloads"}
    machine = report["machine"]
    assert isinstance(machine, dict) and {"python", "platform", "cpu", "cores"} <= set(machine)
    workloads = report["workloads"]
    assert isinstance(workloads, dict) and sorted(workloads) == ["demo", "grid"]
    demo = workloads["demo"]
    runs = demo["runs"]
    assert sorted(runs) == sorted(VARIANTS)
    for run in runs.values():
        assert set(run) >= RUN_KEYS
        assert len(run["losses"]) == 2 and run["peak_rss_mib"] > 0.0
    # The floor builds no graph; mgfunc fuses each neuron into one node: far fewer than micrograd.
    assert runs["floor"]["nodes"] == 0
    assert 0 < runs["mgfunc"]["nodes"] < runs["micrograd"]["nodes"]
    mine = runs["mgfunc"]
    for name in ("floor", "micrograd", "micrograd-gc-off", "mgfunc-gc-paused"):
        other = runs[name]
        assert abs(other["final_loss"] - mine["final_loss"]) <= 1e-9
        assert all(abs(a - b) <= 1e-9 for a, b in zip(other["losses"], mine["losses"]))
    comparison = demo["comparison"]
    assert comparison["floor"]["time_vs_floor"] == 1.0
    assert all(row["time_vs_floor"] > 0.0 for row in comparison.values())
    assert all(row.get("losses_agree", True) for row in comparison.values())
    grid = workloads["grid"]
    assert sorted(grid["runs"]) == sorted(GRID_VARIANTS)
    points = {run["points"] for run in grid["runs"].values()}
    assert len(points) == 1 and points.pop() > 0
    # Every way of scoring the grid gives the floor's scores, bit for bit.
    assert all(row["identical_to_floor"] for row in grid["comparison"].values())
    planned = report["planned_workloads"]
    assert isinstance(planned, dict) and {"yin-yang", "mini-batch"} <= set(planned)


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
    workloads = report["workloads"]
    assert isinstance(workloads, dict)
    runs = workloads["demo"]["runs"]
    assert "micrograd" not in runs and {"floor", "mgfunc"} <= set(runs)
    assert "micrograd" not in workloads["grid"]["runs"]
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
