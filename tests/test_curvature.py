"""Sharpness and the Hessian's top eigenvalues, by Lanczos on Hessian-vector products."""

from __future__ import annotations

import pytest

from mgfunc import InvalidTypeError, InvalidValueError, Value, hessian
from mgfunc.curvature import _tridiagonal_eigenvalues, hessian_eigenvalues, sharpness
from mgfunc.datasets import moons, yin_yang
from mgfunc.losses import LossFunction, cross_entropy, max_margin
from mgfunc.nn import MLP, with_parameters


def _jacobi_eigenvalues(matrix: list[list[float]]) -> list[float]:
    """Every eigenvalue of a small symmetric matrix by Jacobi rotations: an independent check."""
    import math

    a = [row[:] for row in matrix]
    n = len(a)
    for _ in range(100):
        off = max(abs(a[i][j]) for i in range(n) for j in range(n) if i != j)
        if off < 1e-13:
            break
        for p in range(n):
            for q in range(p + 1, n):
                if abs(a[p][q]) < 1e-300:
                    continue
                theta = (a[q][q] - a[p][p]) / (2 * a[p][q])
                t = math.copysign(1.0, theta) / (abs(theta) + math.sqrt(theta * theta + 1))
                c = 1 / math.sqrt(t * t + 1)
                s = t * c
                for k in range(n):
                    akp, akq = a[k][p], a[k][q]
                    a[k][p], a[k][q] = c * akp - s * akq, s * akp + c * akq
                for k in range(n):
                    apk, aqk = a[p][k], a[q][k]
                    a[p][k], a[q][k] = c * apk - s * aqk, s * apk + c * aqk
    return sorted((a[i][i] for i in range(n)), reverse=True)


@pytest.mark.parametrize("kind", ["max_margin", "cross_entropy"])
def test_top_eigenvalues_equal_those_of_the_full_hessian(kind: str) -> None:
    loss: LossFunction = max_margin if kind == "max_margin" else cross_entropy
    data = moons(16, seed=1) if kind == "max_margin" else yin_yang(15, seed=2)
    model = MLP.create(2, [4, 1] if kind == "max_margin" else [3, 3], seed=4)
    targets = data.ys if kind == "max_margin" else data.labels

    def f(*ps: Value) -> Value:
        return loss(with_parameters(model, ps), data.xs, targets, 1e-4).total_loss

    point = [p.data for p in model.parameters()]
    full = _jacobi_eigenvalues([list(row) for row in hessian(f)(*point)])
    n = len(point)
    found = hessian_eigenvalues(model, data, loss=loss, k=3, iterations=n, seed=0)
    assert found == pytest.approx(full[:3], rel=1e-8, abs=1e-10)
    assert sharpness(model, data, loss=loss, iterations=n) == pytest.approx(full[0], rel=1e-8)


def test_sharpness_is_the_most_positive_not_the_largest_in_magnitude() -> None:
    # diag(1, -5, 2): power iteration would find -5; the sharpness is 2.
    assert max(_tridiagonal_eigenvalues([1.0, -5.0, 2.0], [0.0, 0.0])) == pytest.approx(2.0)
    eigenvalues = _tridiagonal_eigenvalues([2.0, 2.0], [1.0])
    assert sorted(eigenvalues) == pytest.approx([1.0, 3.0])


def test_same_seed_same_number_and_nothing_changes() -> None:
    model = MLP.create(2, [4, 1], seed=0)
    data = moons(20, seed=0)
    before = [p.data for p in model.parameters()]
    assert sharpness(model, data, seed=3) == sharpness(model, data, seed=3)
    assert [p.data for p in model.parameters()] == before


def test_bad_arguments_are_named() -> None:
    model = MLP.create(2, [4, 1], seed=0)
    data = moons(20, seed=0)
    with pytest.raises(InvalidTypeError, match="model must be an MLP"):
        sharpness("model", data)  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match="dataset must be a Dataset"):
        sharpness(model, [(0.0, 1.0)])  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match="iterations"):
        sharpness(model, data, iterations=0)
    with pytest.raises(InvalidValueError, match=r"k \(5\) cannot exceed iterations \(3\)"):
        hessian_eigenvalues(model, data, k=5, iterations=3)


def test_a_loss_that_overflows_is_refused_not_answered_with_nan() -> None:
    model = MLP.create(2, [4, 1], seed=0)
    data = moons(20, seed=0)
    with pytest.raises(InvalidValueError, match=r"loss of this model on dataset is inf"):
        sharpness(model, data, alpha=8.98e307)
