"""The curvature of a loss: its Hessian's top eigenvalues, from Hessian-vector products.

A model's loss is a function of its parameters (:func:`mgfunc.nn.with_parameters` takes
Values), so :func:`mgfunc.hvp` gives the Hessian times any vector without forming the
Hessian. Lanczos' method turns a few of those products into a small tridiagonal matrix whose
eigenvalues approach the Hessian's extreme ones. The largest, the *sharpness*, says how curved
the loss is along its steepest direction: gradient descent with learning rate ``lr`` is stable
along it only while the sharpness stays below ``2 / lr`` (the "edge of stability" of Cohen et
al., 2021). A ReLU network's Hessian is indefinite, so the largest eigenvalue is taken in the
algebraic sense, the most positive, not the largest in magnitude.

>>> from mgfunc.datasets import moons
>>> from mgfunc.nn import MLP
>>> model = MLP.create(2, [4, 1], seed=0)
>>> data = moons(20, seed=0)
>>> top = sharpness(model, data)
>>> first, second = hessian_eigenvalues(model, data, k=2)
>>> abs(top - first) < 1e-9 and first >= second
True
"""

from __future__ import annotations

import math
from collections.abc import Callable

from mgfunc._checks import describe, whole_number
from mgfunc._random import Seed, check_seed, make_rng
from mgfunc.datasets import Dataset
from mgfunc.errors import InvalidTypeError, InvalidValueError
from mgfunc.losses import LossFunction, cross_entropy, max_margin
from mgfunc.nn import MLP, with_parameters
from mgfunc.transforms import hvp
from mgfunc.value import Value

__all__ = ["hessian_eigenvalues", "sharpness"]


def sharpness(
    model: MLP,
    dataset: Dataset,
    *,
    loss: LossFunction = max_margin,
    alpha: float = 1e-4,
    iterations: int = 20,
    seed: Seed = 0,
) -> float:
    """The largest (most positive) eigenvalue of the loss's Hessian in the parameters.

    Args:
        model: the MLP at which to measure.
        dataset: the points the loss sees (all of them).
        loss: a loss of :mod:`mgfunc.losses` (default :func:`~mgfunc.losses.max_margin`).
        alpha: the L2 strength, as in training.
        iterations: Lanczos steps, each one Hessian-vector product (at most one per parameter).
        seed: seeds the start vector, so the same arguments give the same number.

    Returns:
        The top eigenvalue.

    Raises:
        InvalidTypeError: ``model`` is not an MLP, ``dataset`` not a Dataset, ``loss`` not
            callable.
        InvalidValueError: ``iterations`` below 1.
    """
    return hessian_eigenvalues(
        model, dataset, loss=loss, alpha=alpha, k=1, iterations=iterations, seed=seed
    )[0]


def hessian_eigenvalues(
    model: MLP,
    dataset: Dataset,
    *,
    loss: LossFunction = max_margin,
    alpha: float = 1e-4,
    k: int = 1,
    iterations: int = 20,
    seed: Seed = 0,
) -> tuple[float, ...]:
    """The ``k`` largest eigenvalues of the loss's Hessian in the parameters, largest first.

    Lanczos with full reorthogonalization over ``iterations`` Hessian-vector products; the
    eigenvalues of the resulting tridiagonal matrix are found by bisection (Sturm sequences).

    Args:
        model, dataset, loss, alpha, iterations, seed: as :func:`sharpness`.
        k: how many eigenvalues (at most ``iterations``).

    Returns:
        ``k`` numbers, in decreasing order (fewer if the Krylov space is exhausted sooner).

    Raises:
        InvalidTypeError: as :func:`sharpness`.
        InvalidValueError: ``k`` below 1 or above ``iterations``.
    """
    if not isinstance(model, MLP):
        raise InvalidTypeError(f"model must be an MLP, got {describe(model)}")
    if not isinstance(dataset, Dataset):
        raise InvalidTypeError(
            f"dataset must be a Dataset, got {describe(dataset)}; pass e.g. moons(100)"
        )
    if not callable(loss):
        raise InvalidTypeError(
            f"loss must be a loss function, got {describe(loss)}; pass mgfunc.losses.max_margin"
        )
    steps = whole_number(iterations, "iterations", least=1, example="20")
    count = whole_number(k, "k", least=1, example="3")
    if count > steps:
        raise InvalidValueError(
            f"k ({count}) cannot exceed iterations ({steps}): Lanczos finds at most one "
            "eigenvalue per iteration; pass a larger iterations"
        )
    rng = make_rng(check_seed(seed), "mgfunc.curvature.start")
    targets = dataset.labels if loss is cross_entropy or model.nout > 1 else dataset.ys
    xs = dataset.xs

    def loss_of(*parameters: Value) -> Value:
        return loss(with_parameters(model, parameters), xs, targets, alpha).total_loss

    value = loss(model, xs, targets, alpha).total_loss.data  # checks the loss's arguments
    if not math.isfinite(value):
        raise InvalidValueError(
            f"the loss of this model on dataset is {value!r}, so its Hessian is not finite "
            f"(alpha={alpha!r}); pass a smaller alpha, or a model whose loss is finite"
        )
    product = hvp(loss_of)
    point = tuple(p.data for p in model.parameters())
    start = [rng.gauss(0.0, 1.0) for _ in point]
    diagonal, off_diagonal = _lanczos(lambda v: product(point, v), start, min(steps, len(point)))
    if not all(math.isfinite(x) for x in (*diagonal, *off_diagonal)):
        raise InvalidValueError(
            f"a Hessian-vector product of the loss overflowed (alpha={alpha!r}); "
            "pass a smaller alpha, or a model with smaller parameters"
        )
    eigenvalues = _tridiagonal_eigenvalues(diagonal, off_diagonal)
    return tuple(sorted(eigenvalues, reverse=True)[:count])


def _dot(a: list[float], b: list[float]) -> float:
    return sum([x * y for x, y in zip(a, b)], 0.0)


def _lanczos(
    product: Callable[[tuple[float, ...]], tuple[Value | float, ...]],
    start: list[float],
    steps: int,
) -> tuple[list[float], list[float]]:
    """The tridiagonal matrix (diagonal, off-diagonal) of ``steps`` Lanczos iterations."""
    norm = math.sqrt(_dot(start, start))
    basis = [[x / norm for x in start]]
    diagonal: list[float] = []
    off_diagonal: list[float] = []
    for j in range(steps):
        w = [x.data if isinstance(x, Value) else x for x in product(tuple(basis[j]))]
        diagonal.append(_dot(w, basis[j]))
        # Full reorthogonalization (twice is enough), so rounding never lets a direction
        # return and duplicate an eigenvalue.
        for _ in range(2):
            for u in basis:
                overlap = _dot(w, u)
                w = [wi - overlap * ui for wi, ui in zip(w, u)]
        beta = math.sqrt(_dot(w, w))
        scale = max(1.0, max(abs(d) for d in diagonal))
        if j == steps - 1 or beta <= 1e-10 * scale:
            break
        off_diagonal.append(beta)
        basis.append([x / beta for x in w])
    return diagonal, off_diagonal


def _tridiagonal_eigenvalues(diagonal: list[float], off_diagonal: list[float]) -> list[float]:
    """Every eigenvalue of a symmetric tridiagonal matrix, by bisection on Sturm counts."""
    n = len(diagonal)
    radius = [
        (abs(off_diagonal[i - 1]) if i > 0 else 0.0) + (abs(off_diagonal[i]) if i < n - 1 else 0.0)
        for i in range(n)
    ]
    low = min(d - r for d, r in zip(diagonal, radius))
    high = max(d + r for d, r in zip(diagonal, radius))

    def below(x: float) -> int:
        """How many eigenvalues are smaller than ``x``."""
        count = 0
        pivot = 1.0
        for i in range(n):
            coupling = off_diagonal[i - 1] ** 2 / pivot if i > 0 else 0.0
            pivot = diagonal[i] - x - coupling
            if pivot == 0.0:
                pivot = -1e-300
            if pivot < 0.0:
                count += 1
        return count

    eigenvalues = []
    for index in range(n):
        a, b = low, high
        for _ in range(200):
            middle = 0.5 * (a + b)
            if middle in (a, b):
                break
            if below(middle) > index:
                b = middle
            else:
                a = middle
        eigenvalues.append(0.5 * (a + b))
    return eigenvalues
