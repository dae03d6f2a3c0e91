"""The command line: ``mgfunc demo`` end to end, its help, and one-line errors with status 2."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mgfunc.__main__ import main

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PLOTS = (
    "dataset.png",
    "loss.png",
    "accuracy.png",
    "decision_boundary.png",
    "graph.png",
    "datapoint_graph.png",
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
