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
TRAINER_VARIANTS = ["floor", "mgfunc", "mgfunc-gc-paused"]  # yin-yang and mini-batch
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


TRAINING_AND_GRID = "demo,grid,yin-yang,mini-batch"


def run_benchmark(tmp_path: Path, *options: str) -> dict[str, object]:
    report = tmp_path / "report.json"
    quick = ["--steps", "2", "--samples", "12", "--grid-h", "0.5", "--batch-size", "4"]
    if "--workloads" not in options:
        quick += ["--workloads", TRAINING_AND_GRID]
    quick += ["--json", str(report)]
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
    assert isinstance(workloads, dict)
    assert sorted(workloads) == ["demo", "grid", "mini-batch", "yin-yang"]
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
    # Both former hooks are workloads now, so none is pending.
    assert report["planned_workloads"] == {}


def test_the_yin_yang_and_mini_batch_floors_give_mgfuncs_losses(tmp_path: Path) -> None:
    report = run_benchmark(tmp_path, "--workloads", "demo,yin-yang,mini-batch")
    workloads = report["workloads"]
    assert isinstance(workloads, dict)
    for name in ("yin-yang", "mini-batch"):
        runs = workloads[name]["runs"]
        assert sorted(runs) == TRAINER_VARIANTS
        mine = runs["mgfunc"]
        assert mine["nodes"] > 0 and runs["floor"]["nodes"] == 0
        for run in runs.values():
            assert set(run) >= RUN_KEYS
            assert len(run["losses"]) == 2 and run["peak_rss_mib"] > 0.0
            assert abs(run["final_loss"] - mine["final_loss"]) <= 1e-9
            assert all(abs(a - b) <= 1e-9 for a, b in zip(run["losses"], mine["losses"]))
        comparison = workloads[name]["comparison"]
        assert comparison["floor"]["time_vs_floor"] == 1.0
        assert all(row.get("losses_agree", True) for row in comparison.values())
    # The yin-yang network: 240 training points of yin_yang(300), MLP(2, [8, 3]), full batch.
    yin = workloads["yin-yang"]["runs"]["mgfunc"]
    assert (yin["samples"], yin["sizes"], yin["batch_size"]) == (240, [8, 3], 0)
    # Full batch, so each step lowers the loss: the floor trains, it does not echo a constant.
    floor = workloads["yin-yang"]["runs"]["floor"]
    assert floor["final_loss"] < floor["losses"][1] < floor["losses"][0]
    # The mini-batch demo: a step's graph covers 4 of the 12 points, not all of them.
    batch = workloads["mini-batch"]["runs"]["mgfunc"]
    demo = workloads["demo"]["runs"]["mgfunc"]
    assert (batch["samples"], batch["batch_size"]) == (12, 4)
    assert 0 < batch["nodes"] < demo["nodes"]
    assert batch["losses"] != demo["losses"][: len(batch["losses"])]


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


def test_the_higher_order_and_end_to_end_workloads_report_every_variant(tmp_path: Path) -> None:
    pytest.importorskip("autograd")
    pytest.importorskip("microjax")
    report = run_benchmark(tmp_path, "--workloads", "higher-order,end-to-end", "--points", "5")
    workloads = report["workloads"]
    assert isinstance(workloads, dict)
    higher = workloads["higher-order"]
    assert higher["points"] == 5 and higher["agree"] is True
    runs = higher["runs"]
    assert sorted(runs) == ["autograd", "mgfunc", "mgfunc-hvp", "microjax"]
    for name in ("autograd", "microjax"):
        assert runs[name]["skipped"] == ""
        assert len(runs[name]["ms_per_point"]) == 4 and min(runs[name]["ms_per_point"]) > 0.0
        assert [len(values) for values in runs[name]["values"]] == [5, 5, 5, 5]
    # The two peers' derivatives agree at every point and order; at x = 1 (the last point) the
    # first derivative is positive (the polynomial grows there).
    for mine, theirs in zip(runs["autograd"]["values"], runs["microjax"]["values"]):
        assert mine == pytest.approx(theirs, rel=1e-9)
    assert runs["autograd"]["values"][0][-1] > 0.0
    # mgfunc's nested derivative gives the peers' numbers (the report's agreement covers it).
    assert runs["mgfunc"]["skipped"] == "" and len(runs["mgfunc"]["ms_per_point"]) == 4
    for mine, theirs in zip(runs["mgfunc"]["values"], runs["autograd"]["values"]):
        assert mine == pytest.approx(theirs, rel=1e-9)
    hvp = runs["mgfunc-hvp"]
    assert hvp["skipped"] == "" and hvp["hvp_ms"] > 0.0 and hvp["gradient_ms"] > 0.0
    end = workloads["end-to-end"]
    assert end["steps"] == 2
    for variant in ("demo", "demo --animate"):
        parts = end[variant]
        assert {"import", "train", "the rest", "total"} <= set(parts)
        # Each picture the command draws is a part of its own (its plots.* call).
        assert {"plot_dataset", "plot_loss", "plot_decision_boundary"} <= set(parts)
        assert abs(sum(v for k, v in parts.items() if k != "total") - parts["total"]) < 1e-6
    assert "animate_training" in end["demo --animate"] and "save_gif" in end["demo --animate"]
    assert "animate_training" not in end["demo"]


@pytest.mark.parametrize(
    ("options", "named"),
    [
        (["--steps", "-1"], "--steps"),
        (["--batch-size", "0"], "--batch-size"),
        (["--samples", "12", "--batch-size", "16"], "--batch-size"),
    ],
)
def test_a_bad_option_is_refused(options: list[str], named: str) -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *options],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2 and named in done.stderr
