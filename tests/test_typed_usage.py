"""A user's script that uses the public API passes ``mypy --strict``; a wrong one does not."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from mypy import api

USER_SCRIPT = textwrap.dedent(
    """
    from mgfunc import Gradients, Value, backward, grad, sum_values, value_and_grad
    from mgfunc.datasets import Dataset, moons
    from mgfunc.graph import edges, nodes, to_dot
    from mgfunc.losses import max_margin
    from mgfunc.nn import MLP, apply_gradients, parameter_count, parameters
    from mgfunc.trainer import TrainingRun, official_micrograd_learning_rate, train

    x: Value = Value(-4.0, label="x")
    y: Value = (2 * x + 2 + x).relu() * x - x.tanh() / 3.0 + x.sigmoid() ** 2
    grads: Gradients = backward(y)
    slope: float = grads[x]
    known: bool = x in grads
    total: Value = sum_values([x, y, 1.0])
    slopes: tuple[float, ...] = grad(lambda a, b: a * b)(1.0, 2.0)
    both: tuple[float, tuple[float, ...]] = value_and_grad(lambda a: a.exp())(0.5)
    dot: str = to_dot(y, grads)
    first_op: str = nodes(y)[0].op
    local: float = edges(y)[0].local_gradient

    data: Dataset = moons(20, noise=0.1, seed=(1, 2, 3))
    model: MLP = MLP.create(2, [4, 1], seed=0)
    count: int = parameter_count(model) + len(parameters(model))
    score: Value = model.forward([0.5, -0.5])[0]
    floats: tuple[float, ...] = model.evaluate([0.5, -0.5])
    loss = max_margin(model, data.xs, data.ys, alpha=1e-4)
    accuracy: float = loss.accuracy
    stepped: MLP = apply_gradients(model, backward(loss.total_loss), 0.1)
    run: TrainingRun = train(
        model, data, steps=2, learning_rate=official_micrograd_learning_rate, log_every=1
    )
    final_loss: float = run.final_loss
    first_row_loss: float = run.history[0].loss

    # v0.2: numpy arrays, more classes, the loss family, optimizers, resume.
    import numpy as np
    from mgfunc import logsumexp
    from mgfunc.datasets import from_arrays, split, yin_yang
    from mgfunc.losses import Loss, cross_entropy
    from mgfunc.optim import AdamState, adamw
    from mgfunc.trainer import resume

    points = np.array([[0.0, 1.0], [1.0, 0.0], [0.5, 0.5]])
    mine: Dataset = from_arrays(points, np.array([0, 1, 2]))
    array_score: Value = model.forward(points[0])[0]
    array_floats: tuple[float, ...] = model.evaluate(np.array([0.5, -0.5]))
    array_loss: Loss = max_margin(model, points, np.array([1, -1, 1]))
    three: MLP = MLP.create(2, [8, 3], activation="tanh", init="scaled", seed=0)
    parts: tuple[Dataset, ...] = split(yin_yang(30), (0.8, 0.2), seed=0)
    optimizer = adamw(0.1, weight_decay=1e-4)
    state: AdamState = optimizer.init(three)
    stepped_three, next_state = optimizer.update(
        three, backward(cross_entropy(three, mine.xs, mine.labels).total_loss), state
    )
    three_run: TrainingRun = train(
        three, parts[0], steps=2, loss=cross_entropy, optimizer=optimizer, validation=parts[1]
    )
    longer: TrainingRun = resume(three_run, parts[0], steps=1, validation=parts[1])
    val_loss: float | None = longer.history[0].val_loss
    total_lse: Value = logsumexp([x, y])

    # v0.3, everyday use: predictions, accuracy, datasets with classes said out loud.
    from mgfunc.losses import accuracy as accuracy_of

    predicted: tuple[int, ...] = three.predict(points)
    share: float = accuracy_of(three, mine)
    part: Dataset = from_arrays(points, [0, 3, 3], classes=4)
    """
)


def run_mypy(tmp_path: Path, source: str) -> tuple[str, int]:
    script = tmp_path / "user_script.py"
    script.write_text(source)
    stdout, stderr, status = api.run(
        ["--strict", "--warn-unreachable", "--no-incremental", "--cache-dir=/dev/null", str(script)]
    )
    return stdout + stderr, status


def test_a_typed_user_script_passes_mypy_strict(tmp_path: Path) -> None:
    output, status = run_mypy(tmp_path, USER_SCRIPT)
    assert status == 0, output


def test_a_wrong_user_script_fails_mypy_strict(tmp_path: Path) -> None:
    wrong = USER_SCRIPT + "\nbad: str = grads[x]\nworse: Value = model.evaluate([1.0, 2.0])\n"
    output, status = run_mypy(tmp_path, wrong)
    assert status == 1
    assert 'Incompatible types in assignment (expression has type "float"' in output
    assert "tuple[float, ...]" in output


# The user's own folder: mypy runs as a user runs it, as a program from outside the repository,
# so it finds mgfunc only through the install (above, mypy runs in this process from the
# repository, where mgfunc is found as a folder).
ROOT = Path(__file__).resolve().parent.parent
CORRECT_SCRIPT = textwrap.dedent(
    """
    from mgfunc import Value, backward
    from mgfunc.datasets import moons
    from mgfunc.nn import MLP

    x = Value(3.0)
    slope: float = backward(x * x)[x]
    from mgfunc.losses import accuracy

    model = MLP.create(2, [4, 1], seed=0)
    classes: tuple[int, ...] = model.predict(moons(10).xs)
    share: float = accuracy(model, moons(10))
    """
)


def mypy_from_outside(folder: Path, source: str) -> subprocess.CompletedProcess[str]:
    """The installed ``mypy --strict`` on ``source``, run from ``folder`` as a user would."""
    assert not folder.resolve().is_relative_to(ROOT), f"{folder} is inside the repository"
    (folder / "my_script.py").write_text(source)
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTHONPATH", "MYPYPATH", "PYTHONHOME"}
    }
    return subprocess.run(
        [Path(sys.executable).parent / "mypy", "--strict", "--no-incremental", "my_script.py"],
        cwd=folder,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_mypy_finds_the_editable_install_from_the_users_own_folder(tmp_path: Path) -> None:
    # The development install is `pip install -e '.[dev]'`, the same editable install as
    # `pip install -e .` and `make demo`. An import hook (setuptools' default for this layout)
    # is invisible to mypy: it reported "Cannot find implementation or library stub".
    result = mypy_from_outside(tmp_path, CORRECT_SCRIPT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success" in result.stdout


def test_mypy_from_the_users_own_folder_catches_a_type_error(tmp_path: Path) -> None:
    wrong = CORRECT_SCRIPT + '\nwrong = Value(1.0).data + "x"\n'
    result = mypy_from_outside(tmp_path, wrong)
    assert result.returncode == 1, result.stdout + result.stderr
    assert 'Unsupported operand types for + ("float" and "str")' in result.stdout
    assert "Cannot find implementation" not in result.stdout
