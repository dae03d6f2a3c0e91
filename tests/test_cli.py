"""The command line: ``mgfunc demo`` end to end, its help, and one-line errors with status 2."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

import mgfunc.__main__ as cli
from mgfunc.__main__ import main
from mgfunc.datasets import Dataset
from mgfunc.losses import cross_entropy, max_margin
from mgfunc.nn import MLP
from mgfunc.optim import SGD, Adam
from mgfunc.trainer import HistoryRow, TrainingRun, official_micrograd_learning_rate, train

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PLOTS = (
    "dataset.png",
    "loss.png",
    "accuracy.png",
    "decision_boundary.png",
    "graph.png",
    "datapoint_graph.png",
    "neurons.png",
)
OPTIONS = (
    "--out",
    "--samples",
    "--noise",
    "--steps",
    "--alpha",
    "--seed",
    "--layers",
    "--learning-rate",
    "--h",
    "--quiet",
    "--dataset",
    "--classes",
    "--validation",
    "--optimizer",
    "--momentum",
    "--weight-decay",
    "--batch-size",
    "--animate",
)


def assert_outputs(folder: Path) -> None:
    for name in PLOTS:
        assert (folder / name).read_bytes()[:8] == PNG_SIGNATURE, name
    dot = (folder / "graph.dot").read_text(encoding="utf-8")
    assert dot.startswith("digraph") and dot.rstrip().endswith("}")
    assert "grad 46.0000" in dot  # the warm-up expression's dy/dx, as documented in --help


def test_demo_trains_reports_and_writes_every_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "new" / "folder"  # created if missing
    assert main(["demo", "--out", str(out), "--steps", "3", "--samples", "20"]) == 0
    assert_outputs(out)
    stdout = capsys.readouterr().out
    assert re.search(r"^step +0 +loss \d+\.\d+ +accuracy +\d+\.\d%", stdout, re.MULTILINE)
    assert re.search(r"^step +2 ", stdout, re.MULTILINE)  # the last step is always shown
    assert re.search(r"^parameters: +337$", stdout, re.MULTILINE)
    for heading in ("initial loss:", "final loss:", "final accuracy:", "elapsed:"):
        assert re.search(rf"^{heading} +\d", stdout, re.MULTILINE), heading


def test_the_defaults_reproduce_the_official_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--out", str(tmp_path)]) == 0
    stdout = capsys.readouterr().out
    assert stdout.startswith(
        "mgfunc demo: 100 two-moons points (noise 0.1), MLP 2 -> 16 -> 16 -> 1, 100 steps\n"
        "optimizer: sgd (the official schedule)\n"
    )
    assert "step   99  loss 0.011775  accuracy 100.0%  learning rate 0.1090\n" in stdout
    summary = (
        "parameters:     337\n"
        "initial loss:   0.821704\n"
        "final loss:     0.011775\n"  # the pinned 0.011774951179063136
        "final accuracy: 100.0%\n"
    )
    assert summary in stdout and "validation" not in stdout
    assert_outputs(tmp_path)
    assert not (tmp_path / "training.gif").exists()


class TrainSpy:
    """Stands in for ``train`` in the command line: records its arguments, then trains."""

    def __init__(self, stop_after: int | None = None) -> None:
        self.calls: list[dict[str, object]] = []
        self.runs: list[TrainingRun] = []
        self.stop_after = stop_after

    def __call__(self, model: MLP, dataset: Dataset, **options: object) -> TrainingRun:
        self.calls.append({"model": model, "dataset": dataset, **options})
        report = options["on_step"]
        assert callable(report)

        def on_step(row: HistoryRow) -> None:
            report(row)
            if self.stop_after is not None and row.step == self.stop_after:
                raise KeyboardInterrupt  # as Ctrl-C would, in the middle of training

        run = train(model, dataset, **{**options, "on_step": on_step})  # type: ignore[arg-type]
        self.runs.append(run)
        return run


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> TrainSpy:
    recorder = TrainSpy()
    monkeypatch.setattr(cli, "train", recorder)
    return recorder


def run_demo(tmp_path: Path, *arguments: str) -> int:
    return main(["demo", "--out", str(tmp_path), "--samples", "30", "--steps", "2", *arguments])


def test_the_default_training_call_is_micrograds(tmp_path: Path, spy: TrainSpy) -> None:
    assert run_demo(tmp_path, "--quiet") == 0
    (call,) = spy.calls
    optimizer = call["optimizer"]
    assert isinstance(optimizer, SGD) and optimizer.momentum == 0.0
    assert optimizer.learning_rate is official_micrograd_learning_rate
    assert call["loss"] is max_margin and call["alpha"] == 1e-4
    assert call["batch_size"] is None and call["validation"] is None
    assert call["snapshot_every"] is None and call["seed"] == (1337, 1337, 1337)


@pytest.mark.parametrize(
    ("arguments", "name", "rate", "decay"),
    [
        (["--optimizer", "adam"], "adam", 0.05, 0.0),  # the demo's default rate for Adam
        (["--optimizer", "adamw"], "adamw", 0.05, 1e-2),
        (
            ["--optimizer", "adamw", "--learning-rate", "0.1", "--weight-decay", "1e-4"],
            "adamw",
            0.1,
            1e-4,
        ),
    ],
)
def test_adam_and_adamw(
    tmp_path: Path,
    spy: TrainSpy,
    capsys: pytest.CaptureFixture[str],
    arguments: list[str],
    name: str,
    rate: float,
    decay: float,
) -> None:
    assert run_demo(tmp_path, *arguments) == 0
    optimizer = spy.calls[0]["optimizer"]
    assert isinstance(optimizer, Adam)
    assert (optimizer.name, optimizer.learning_rate, optimizer.weight_decay) == (name, rate, decay)
    assert f"learning rate {rate:.4f}" in capsys.readouterr().out


def test_sgd_momentum_batches_and_a_constant_rate(
    tmp_path: Path, spy: TrainSpy, capsys: pytest.CaptureFixture[str]
) -> None:
    arguments = ["--momentum", "0.9", "--learning-rate", "0.1", "--batch-size", "8"]
    assert run_demo(tmp_path, *arguments) == 0
    (call,) = spy.calls
    optimizer = call["optimizer"]
    assert isinstance(optimizer, SGD) and (optimizer.learning_rate, optimizer.momentum) == (
        0.1,
        0.9,
    )
    assert call["batch_size"] == 8
    assert (
        "optimizer: sgd (learning rate 0.1, momentum 0.9), batches of 8" in capsys.readouterr().out
    )


def test_yin_yang_has_three_outputs_cross_entropy_and_validation_curves(
    tmp_path: Path, spy: TrainSpy, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        run_demo(tmp_path, "--dataset", "yin_yang", "--layers", "8,3", "--validation", "0.2") == 0
    )
    (call,) = spy.calls
    model, training, validation = call["model"], call["dataset"], call["validation"]
    assert isinstance(model, MLP) and model.nout == 3 and call["loss"] is cross_entropy
    assert isinstance(training, Dataset) and isinstance(validation, Dataset)
    assert (len(training), len(validation), training.classes) == (24, 6, 3)
    stdout = capsys.readouterr().out
    assert "30 yin-yang points (3 classes), 6 of them held out for validation" in stdout
    assert re.search(r"^step +0 +loss .* validation \d+\.\d+ +\d+\.\d%$", stdout, re.MULTILINE)
    assert re.search(r"^validation: +loss \d+\.\d+, accuracy \d+\.\d%$", stdout, re.MULTILINE)
    assert re.search(r"^parameters: +51$", stdout, re.MULTILINE)  # 8 * 3 + 3 * 9
    assert_outputs(tmp_path)


@pytest.mark.parametrize(
    ("arguments", "classes", "parameters"),
    [
        (["--dataset", "spiral", "--classes", "3"], 3, 16 * 3 + 16 * 17 + 3 * 17),
        (["--dataset", "blobs", "--classes", "4", "--noise", "0.3"], 4, 16 * 3 + 16 * 17 + 4 * 17),
        (["--dataset", "spiral"], 2, 337),
    ],
)
def test_spiral_and_blobs_take_a_class_count(
    tmp_path: Path,
    spy: TrainSpy,
    capsys: pytest.CaptureFixture[str],
    arguments: list[str],
    classes: int,
    parameters: int,
) -> None:
    assert run_demo(tmp_path, *arguments) == 0
    (call,) = spy.calls
    dataset, model = call["dataset"], call["model"]
    assert isinstance(dataset, Dataset) and dataset.classes == classes
    assert dataset.metadata["name"] == arguments[1]
    assert isinstance(model, MLP) and model.nout == (1 if classes == 2 else classes)
    assert call["loss"] is (max_margin if classes == 2 else cross_entropy)
    assert re.search(rf"^parameters: +{parameters}$", capsys.readouterr().out, re.MULTILINE)


def test_animate_writes_a_gif_of_the_run(tmp_path: Path, spy: TrainSpy) -> None:
    assert run_demo(tmp_path, "--animate", "--steps", "4", "--h", "0.5", "--quiet") == 0
    assert spy.calls[0]["snapshot_every"] == 1  # ceil(4 / 60): one frame per step
    with Image.open(tmp_path / "training.gif") as gif:
        assert gif.n_frames == 5  # steps 0 to 4
    assert_outputs(tmp_path)


def test_a_long_run_is_animated_in_about_60_frames(
    tmp_path: Path, spy: TrainSpy, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved: list[Path] = []

    def save_gif(animation: object, path: Path) -> Path:  # skips rendering the 45 frames
        saved.append(path)
        return path

    monkeypatch.setattr("mgfunc.plots.save_gif", save_gif)
    arguments = ["--animate", "--steps", "130", "--samples", "10", "--layers", "2,1", "--h", "1"]
    assert run_demo(tmp_path, *arguments, "--quiet") == 0
    assert spy.calls[0]["snapshot_every"] == 3  # ceil(130 / 60)
    assert [step for step, _ in spy.runs[0].snapshots] == [*range(0, 130, 3), 130]
    assert saved == [tmp_path / "training.gif"]


def test_ctrl_c_during_training_prints_the_partial_summary_and_exits_130(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli, "train", TrainSpy(stop_after=3))
    assert run_demo(tmp_path, "--steps", "50") == 130
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    assert re.search(r"^interrupted: +after 3 of 50 steps \(Ctrl-C\)$", captured.out, re.MULTILINE)
    assert re.search(r"^last loss: +\d+\.\d{6}$", captured.out, re.MULTILINE)
    assert re.search(r"^accuracy: +\d+\.\d%$", captured.out, re.MULTILINE)
    assert captured.err == "mgfunc: interrupted after 3 of 50 steps; no files written\n"
    assert not any(tmp_path.iterdir())


def test_ctrl_c_stops_a_real_run_with_status_130(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "mgfunc", "demo", "--out", str(tmp_path / "out")]
    long_run = [
        "--steps",
        "1000000",
        "--samples",
        "20",
        "--layers",
        "4,1",
        "--learning-rate",
        "0.01",
    ]
    process = subprocess.Popen(
        [*command, *long_run],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "MPLBACKEND": "Agg"},
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(4)]  # the header, steps 0 and 10
        assert lines[-1].startswith("step   10 "), lines
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=120)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == 130, stderr
    assert re.search(r"^interrupted: +after \d+ of 1000000 steps", stdout, re.MULTILINE)
    assert "last loss:" in stdout and "accuracy:" in stdout
    assert re.fullmatch(
        r"mgfunc: interrupted after \d+ of 1000000 steps; no files written\n", stderr
    )


def test_demo_options_change_the_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    arguments = ["demo", "--out", str(tmp_path), "--steps", "2", "--samples", "12"]
    extra = ["--layers", "4,1", "--seed", "7", "--learning-rate", "0.05", "--h", "0.5"]
    assert main([*arguments, *extra, "--alpha", "0", "--noise", "0"]) == 0
    stdout = capsys.readouterr().out
    assert re.search(r"^parameters: +17$", stdout, re.MULTILINE)  # 4 * 3 + 5
    assert "learning rate 0.0500" in stdout
    assert_outputs(tmp_path)


def test_a_model_too_wide_to_draw_leaves_out_only_its_datapoint_graph(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    arguments = ["demo", "--out", str(tmp_path), "--steps", "1", "--samples", "10"]
    assert main([*arguments, "--layers", "40,1"]) == 0
    stdout = capsys.readouterr().out
    assert "datapoint_graph.png left out: a layer wider than 32" in stdout
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        {*PLOTS, "graph.dot"} - {"datapoint_graph.png"}
    )


def test_quiet_prints_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--out", str(tmp_path), "--steps", "1", "--samples", "10", "--quiet"]) == 0
    assert capsys.readouterr() == ("", "")
    assert_outputs(tmp_path)


def test_help_documents_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--help"]) == 0
    text = capsys.readouterr().out
    for option in OPTIONS:
        assert option in text, option
    assert "graph.dot" in text and "warm-up" in text and "datapoint_graph.png" in text
    assert "one output per class" in text and "cross-entropy" in text  # what K classes change
    assert "adam and adamw 0.05" in text and "status 130" in text
    assert main(["--help"]) == 0
    assert "demo" in capsys.readouterr().out


def test_no_subcommand_prints_help_on_stderr_and_exits_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main([]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "usage: mgfunc" in captured.err and "demo" in captured.err


@pytest.mark.parametrize(
    ("arguments", "option"),
    [
        (["--steps", "-3"], "--steps"),
        (["--steps", "2.5"], "--steps"),
        (["--samples", "1"], "--samples"),
        (["--noise", "abc"], "--noise"),
        (["--noise", "-0.1"], "--noise"),
        (["--alpha", "inf"], "--alpha"),
        (["--seed", "13,x"], "--seed"),
        (["--layers", "0,1"], "--layers"),
        (["--layers", "16,16,2"], "--layers"),
        (["--learning-rate", "nan"], "--learning-rate"),
        (["--learning-rate", "0"], "--learning-rate"),
        (["--h", "0"], "--h"),
        (["--bogus"], "--bogus"),
        (["--dataset", "circles"], "--dataset"),
        (["--classes", "1", "--dataset", "spiral"], "--classes"),
        (["--classes", "3"], "--classes"),  # moons have two classes
        (["--dataset", "yin_yang", "--classes", "4"], "--classes"),
        (["--dataset", "yin_yang", "--noise", "0.1"], "--noise"),
        (["--dataset", "yin_yang", "--layers", "16,16,1"], "--layers"),
        (["--dataset", "spiral", "--classes", "3", "--layers", "8,2"], "--layers"),
        (["--validation", "1"], "--validation"),
        (["--validation", "0"], "--validation"),
        (["--optimizer", "rmsprop"], "--optimizer"),
        (["--optimizer", "adam", "--momentum", "0.9"], "--momentum"),
        (["--momentum", "1"], "--momentum"),
        (["--weight-decay", "0.1"], "--weight-decay"),  # sgd has no weight decay
        (["--optimizer", "adam", "--weight-decay", "0.1"], "--weight-decay"),
        (["--weight-decay", "-1", "--optimizer", "adamw"], "--weight-decay"),
        (["--batch-size", "0"], "--batch-size"),
    ],
)
def test_a_bad_value_is_one_line_on_stderr_and_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], option: str
) -> None:
    assert main(["demo", "--out", str(tmp_path), *arguments]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.endswith("\n") and captured.err.count("\n") == 1
    assert re.match(r"mgfunc( demo)?: error: ", captured.err) and option in captured.err
    assert not any(tmp_path.iterdir())  # nothing was written


def test_an_error_from_the_library_is_one_line_with_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code = main(["demo", "--out", str(out), "--steps", "1", "--samples", "10", "--h", "1e-7"])
    assert code == 2
    error = capsys.readouterr().err
    assert error.startswith("mgfunc: error: h=1e-07 makes more than") and error.count("\n") == 1
    assert not any(out.iterdir())  # every figure is drawn before any file is written


def test_a_batch_larger_than_the_data_is_one_line_with_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_demo(tmp_path, "--batch-size", "31") == 2
    error = capsys.readouterr().err
    assert error.startswith("mgfunc: error: batch_size must be at most the dataset's 30 points")
    assert error.count("\n") == 1


def test_an_unwritable_output_is_one_line_with_status_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder", encoding="utf-8")
    assert main(["demo", "--out", str(blocker), "--steps", "1", "--samples", "10", "--quiet"]) == 1
    error = capsys.readouterr().err
    assert error.startswith("mgfunc: error: cannot write the output") and error.count("\n") == 1


def test_python_dash_m_mgfunc_runs_the_demo(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    command = [sys.executable, "-m", "mgfunc", "demo", "--steps", "2", "--samples", "10"]
    result = subprocess.run(
        [*command, "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "MPLBACKEND": "Agg"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "final accuracy:" in result.stdout and result.stderr == ""
    assert_outputs(out)
