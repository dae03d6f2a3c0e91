"""The command line: ``mgfunc demo`` end to end, its help, and one-line errors with status 2."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from matplotlib.figure import Figure
from PIL import Image

import mgfunc.__main__ as cli
from mgfunc import plots
from mgfunc.__main__ import main
from mgfunc._demo_options import in_option_words
from mgfunc.datasets import Dataset
from mgfunc.losses import cross_entropy, max_margin
from mgfunc.nn import MLP
from mgfunc.optim import SGD, Adam
from mgfunc.trainer import HistoryRow, TrainingRun, official_micrograd_learning_rate, train
from tests.unwritable import unwritable

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
        self.checks: list[dict[str, object]] = []
        self.runs: list[TrainingRun] = []
        self.stop_after = stop_after

    def __call__(self, model: MLP, dataset: Dataset, **options: object) -> TrainingRun:
        if options["steps"] == 0:  # the checks before training, and the validation summary
            self.checks.append({"model": model, "dataset": dataset, **options})
            return train(model, dataset, **options)  # type: ignore[arg-type]
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
    # Written to a temporary .gif beside the target, then renamed onto training.gif.
    (temporary,) = saved
    assert temporary.parent == tmp_path and temporary.name.startswith(".training.gif.")
    assert temporary.suffix == ".gif" and not temporary.exists()
    assert (tmp_path / "training.gif").exists()


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
    tmp_path: Path, capsys: pytest.CaptureFixture[str], spy: TrainSpy
) -> None:
    out = tmp_path / "out"
    code = main(["demo", "--out", str(out), "--steps", "1", "--samples", "10", "--h", "1e-7"])
    assert code == 2
    error = capsys.readouterr().err
    assert (
        error.startswith("mgfunc demo: error: --h=1e-07 makes more than") and error.count("\n") == 1
    )
    assert spy.calls == [] and not out.exists()  # refused before training and before the folder


def test_a_batch_larger_than_the_data_is_one_line_with_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], spy: TrainSpy
) -> None:
    assert run_demo(tmp_path, "--batch-size", "31") == 2
    error = capsys.readouterr().err
    assert error == (
        "mgfunc demo: error: --batch-size must be at most the dataset's 30 points, got 31; pass "
        "a smaller --batch-size (see mgfunc demo --help)\n"
    )
    assert spy.calls == []


# Every option is checked before training, by the library's own checks, and told in the
# command line's words.

BEFORE_TRAINING = [
    (["--h", "1e-6"], "--h"),
    (["--h", "0"], "--h"),
    (["--h", "nan"], "--h"),
    (["--samples", "1"], "--samples"),
    (["--samples", "100000000"], "--samples"),
    (["--noise", "-0.1"], "--noise"),
    (["--noise", "inf"], "--noise"),
    (["--alpha", "-1"], "--alpha"),
    (["--alpha", "1e308"], "--alpha"),  # the starting loss is already infinite
    (["--layers", "16,0,1"], "--layers"),
    (["--learning-rate", "-0.1"], "--learning-rate"),
    (["--learning-rate", "inf"], "--learning-rate"),
    (["--momentum", "-0.5"], "--momentum"),
    (["--optimizer", "adamw", "--weight-decay", "nan"], "--weight-decay"),
    (["--batch-size", "0"], "--batch-size"),
    (["--batch-size", "31"], "--batch-size"),
    (["--validation", "0.99"], "--validation"),  # no point left to train on
    (["--validation", "0.01"], "--validation"),  # no point left to validate on
    (["--validation", "-0.2"], "--validation"),
    (["--dataset", "blobs", "--classes", "5000"], "--classes"),
    (["--dataset", "spiral", "--classes", "40"], "--samples"),  # fewer points than classes
    (["--steps", "0"], "--steps"),
]
# Words of the Python API that mean nothing on the command line.
PYTHON_WORDS = re.compile(
    r"None|error\.run|final_model|fractions|learning_rate|batch_size|weight_decay|n_samples|"
    r"nouts|\balpha\b|mgfunc\.|\(\d\.\d+, \d\.\d+\)"
)


@pytest.mark.parametrize(("arguments", "option"), BEFORE_TRAINING)
def test_every_option_is_checked_before_training_in_the_options_words(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    spy: TrainSpy,
    arguments: list[str],
    option: str,
) -> None:
    out = tmp_path / "out"
    command = ["demo", "--out", str(out), "--samples", "30", "--steps", "50", *arguments]
    assert main(command) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1
    assert captured.err.startswith("mgfunc demo: error: ") and option in captured.err
    assert not PYTHON_WORDS.search(captured.err.replace("--alpha", "")), captured.err
    assert spy.calls == []  # no training
    assert not out.exists()  # and no folder made


def test_the_library_messages_are_put_in_the_options_words() -> None:
    words = {"batch_size": "--batch-size", "h": "--h", "the learning rate": "--learning-rate"}
    assert in_option_words(
        "batch_size must be at most 10; pass a smaller batch_size, or None to train on every point",
        words,
    ) == ("--batch-size must be at most 10; pass a smaller --batch-size")
    assert in_option_words("nouts[1] must be at least 1, got 0", words) == (
        "width 2 of --layers must be at least 1, got 0"
    )
    assert (
        in_option_words(
            "training diverged: the loss at step 3 is inf. error.run holds the run up to step 2, "
            "the last with a finite loss; lower the learning rate or alpha",
            words,
        )
        == "training diverged: the loss at step 3 is inf; lower --learning-rate or alpha"
    )
    # Names inside other words and e.g. are left alone; h= becomes --h=.
    assert in_option_words("h=1e-06 makes a huge grid (hint: e.g. 0.25)", words) == (
        "--h=1e-06 makes a huge grid (hint: e.g. 0.25)"
    )


def test_a_run_that_diverges_says_so_in_the_options_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    arguments = ["--learning-rate", "1e300", "--samples", "10", "--steps", "5", "--quiet"]
    assert main(["demo", "--out", str(tmp_path), *arguments]) == 2
    error = capsys.readouterr().err
    assert error.startswith("mgfunc: error: training diverged: ") and error.count("\n") == 1
    assert "--learning-rate" in error and error.endswith("; no files written\n")
    assert not PYTHON_WORDS.search(error.replace("--alpha", "")), error
    assert not any(tmp_path.iterdir())


def test_an_empty_out_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for empty in ("", " "):
        assert main(["demo", "--out", empty, "--steps", "1", "--samples", "10"]) == 2
        assert capsys.readouterr().err == (
            "mgfunc demo: error: argument --out: expected a folder, got an empty name; pass for "
            "example --out demo_output, or --out . for the current folder (see mgfunc demo "
            "--help)\n"
        )


def test_an_output_that_is_a_file_is_refused_before_training(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], spy: TrainSpy
) -> None:
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder", encoding="utf-8")
    assert main(["demo", "--out", str(blocker), "--steps", "1", "--samples", "10", "--quiet"]) == 1
    assert capsys.readouterr().err == (
        f"mgfunc demo: error: argument --out: cannot use {str(blocker)!r} as a folder: it is a "
        "file; choose another folder\n"
    )
    assert spy.calls == [] and blocker.read_text(encoding="utf-8") == "not a folder"


def test_an_unwritable_output_folder_is_refused_before_training(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    spy: TrainSpy,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with unwritable(tmp_path / "locked", monkeypatch) as folder:
        assert main(["demo", "--out", str(folder), "--steps", "50", "--samples", "10"]) == 1
        assert os.listdir(folder) == []
    captured = capsys.readouterr()
    assert captured.out == "" and spy.calls == []  # not a step was trained
    assert captured.err.startswith(
        f"mgfunc demo: error: argument --out: cannot write in the folder {str(folder)!r}: "
    )
    assert captured.err.endswith("; choose a folder you can write to\n")


def test_a_missing_output_folder_is_created_with_its_parents_before_training(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "a" / "b"
    seen: list[bool] = []

    def recording_train(model: MLP, dataset: Dataset, **options: object) -> TrainingRun:
        if options["steps"] != 0:
            seen.append(out.is_dir())
        return train(model, dataset, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(cli, "train", recording_train)
    assert main(["demo", "--out", str(out), "--steps", "1", "--samples", "10", "--quiet"]) == 0
    assert seen == [True]
    assert sorted(path.name for path in out.iterdir()) == sorted({*PLOTS, "graph.dot"})


# Files are written atomically: an error while writing leaves the old file, and no temporary.


def test_a_picture_that_fails_half_written_leaves_the_old_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    old = tmp_path / "loss.png"
    old.write_bytes(b"the picture of an earlier run")
    real_savefig = Figure.savefig

    def failing_savefig(figure: Figure, target: object, **options: object) -> None:
        if "loss" in str(figure.axes[0].get_title()).lower():
            Path(str(target)).write_bytes(b"half a pict")
            raise OSError(28, "No space left on device")
        real_savefig(figure, target, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(Figure, "savefig", failing_savefig)
    assert main(["demo", "--out", str(tmp_path), "--steps", "1", "--samples", "10", "--quiet"]) == 1
    error = capsys.readouterr().err
    assert error.startswith(f"mgfunc: error: cannot write the output: cannot write {str(old)!r}")
    assert error.endswith("; free some space or choose another disk\n")
    assert old.read_bytes() == b"the picture of an earlier run"
    assert not [path for path in tmp_path.iterdir() if path.name.startswith(".")]


def test_a_gif_that_fails_half_written_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = tmp_path / "training.gif"
    old.write_bytes(b"GIF89a of an earlier run")

    def failing_save_gif(animation: object, path: Path) -> Path:
        path.write_bytes(b"GIF89a half")
        raise KeyboardInterrupt  # Ctrl-C while the frames are written

    monkeypatch.setattr("mgfunc.plots.save_gif", failing_save_gif)
    arguments = ["--animate", "--steps", "2", "--samples", "10", "--h", "1", "--quiet"]
    assert main(["demo", "--out", str(tmp_path), *arguments]) == 130
    assert old.read_bytes() == b"GIF89a of an earlier run"
    assert not [path for path in tmp_path.iterdir() if path.name.startswith(".")]


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


def test_a_k_output_models_datapoint_graph_shows_its_cross_entropy(
    tmp_path: Path, spy: TrainSpy, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: list[tuple[MLP, object]] = []
    original = plots.plot_datapoint_graph

    def recording(model: MLP, point: list[float], target: float | None = None) -> object:
        drawn.append((model, target))
        return original(model, point, target)

    monkeypatch.setattr(plots, "plot_datapoint_graph", recording)
    assert run_demo(tmp_path, "--dataset", "yin_yang", "--layers", "8,3") == 0
    ((model, target),) = drawn
    data = spy.calls[0]["dataset"]
    assert isinstance(data, Dataset)
    assert model.nout == 3 and target == float(data.labels[0])
