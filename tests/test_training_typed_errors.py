"""What train raises is precisely typed for a user's ``mypy --strict``, and mgfunc.errors
still types ``.run`` without importing the trainer."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

from mypy import api

USER_SCRIPT = textwrap.dedent(
    """
    import mgfunc
    import mgfunc.errors
    from mgfunc.datasets import moons
    from mgfunc.io import save_model
    from mgfunc.nn import MLP, parameters
    from mgfunc.trainer import TrainingRun, resume, train

    data = moons(20, seed=0)
    model = MLP.create(2, [4, 1], seed=0)
    try:
        run = train(model, data, steps=10, learning_rate=1e200)
    except mgfunc.TrainingDivergedError as error:
        partial: TrainingRun = error.run
        final: MLP = error.run.final_model
        save_model(error.run.final_model, "model.json")
        run = resume(error.run, data, steps=0)
    except mgfunc.LearningRateError as bad_rate:
        run = bad_rate.run
    except mgfunc.TrainingInterrupted as stop:
        run = resume(stop.run, data, steps=1)
    except mgfunc.errors.TrainingDivergedError as general:
        # Caught through mgfunc.errors, .run is the protocol: its numbers are typed, too.
        loss: float = general.run.final_loss
        steps: int = general.run.steps
        first_step: int = general.run.history[0].step
        kept: object = general.run.final_model
        raise
    """
)


def run_mypy(tmp_path: Path, source: str) -> tuple[str, int]:
    script = tmp_path / "user_script.py"
    script.write_text(source)
    limit = sys.getrecursionlimit()
    try:
        stdout, stderr, status = api.run(
            [
                "--strict",
                "--warn-unreachable",
                "--no-incremental",
                "--cache-dir=/dev/null",
                str(script),
            ]
        )
    finally:
        sys.setrecursionlimit(limit)  # mypy raises it for the whole process
    return stdout + stderr, status


def test_error_run_is_a_training_run_to_mypy_strict(tmp_path: Path) -> None:
    output, status = run_mypy(tmp_path, USER_SCRIPT)
    assert status == 0, output


def test_a_wrong_use_of_error_run_fails_mypy_strict(tmp_path: Path) -> None:
    wrong = USER_SCRIPT.replace(
        "    final: MLP = error.run.final_model",
        "    final: MLP = error.run.final_model\n    wrong: str = error.run.final_loss",
    )
    assert wrong != USER_SCRIPT
    output, status = run_mypy(tmp_path, wrong)
    assert status == 1
    assert 'Incompatible types in assignment (expression has type "float"' in output
