"""The example scripts run, and the types they rely on are precise enough to catch mistakes.

``mypy`` (the test command's ``make typecheck``) type-checks ``examples/`` with the project's
strict settings; this file runs the scripts and shows a wrong annotation is caught.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from mypy import api

ROOT = Path(__file__).resolve().parent.parent


def test_the_higher_order_example_runs() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "higher_order.py")],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert "cube root of 2 by Newton: 1.259921049894873" in result.stdout
    assert "tanh'(0.5) .. tanh''''(0.5): [0.786448, -0.726862, -0.565209, 3.95222]" in result.stdout


def test_nested_transform_types_catch_a_wrong_annotation(tmp_path: Path) -> None:
    script = tmp_path / "nested.py"
    script.write_text(
        textwrap.dedent(
            """
            from mgfunc import Value, derivative, grad, hessian

            def f(x: Value) -> Value:
                return x ** 3

            second: float = derivative(derivative(f))(2.0)
            partial: float = grad(lambda a, b: a * b, argnums=1)(2.0, 3.0)
            rows: tuple[tuple[float, ...], ...] = hessian(lambda a, b: a * b)(1.0, 2.0)
            node: Value | float = derivative(f)(Value(2.0))
            wrong: str = derivative(f)(2.0)
            also_wrong: float = derivative(f)(Value(2.0))
            """
        )
    )
    limit = sys.getrecursionlimit()  # mypy raises it and leaves it raised
    try:
        stdout, _, status = api.run(["--strict", "--no-incremental", str(script)])
    finally:
        sys.setrecursionlimit(limit)
    assert status == 1
    errors = [line for line in stdout.splitlines() if ": error:" in line]
    assert len(errors) == 2, stdout
    assert (
        'nested.py:11: error: Incompatible types in assignment (expression has type "float"'
        in stdout
    )
    assert (
        'nested.py:12: error: Incompatible types in assignment (expression has type "Value | float"'
        in stdout
    )
