"""Draw the design notes' higher-order figures: ``python docs/images/make_higher_order.py``.

- ``tanh_derivatives.png``: tanh and its first four derivatives, each from nested
  ``mgfunc.derivative`` (a second or so).
- ``sharpness.png``: the official run (``MLP.create(2, [16, 16, 1])`` on ``moons(100,
  noise=0.1)``, seeds 1337, 100 steps of the official schedule) with a snapshot every 5 steps:
  the sharpness of its loss at each snapshot (``mgfunc.curvature.sharpness``, Lanczos on
  ``hvp``) beside 2 / learning rate, and how many points are still inside the margin (about
  ten seconds).

The tests do not run this script; run it again whenever the numbers behind a figure change.
Saved with a small palette by ``make_images.save_small``, as the other pictures.
"""

from __future__ import annotations

import math
from pathlib import Path

from matplotlib.figure import Figure

from mgfunc import derivative
from mgfunc.curvature import sharpness
from mgfunc.datasets import moons
from mgfunc.nn import MLP
from mgfunc.trainer import official_micrograd_learning_rate, train

HERE = Path(__file__).resolve().parent
SEED = (1337, 1337, 1337)
ALPHA = 1e-4  # the official run's L2 strength, also the default of train and sharpness


def tanh_figure() -> Figure:
    """tanh and its first four derivatives on [-3, 3]."""
    xs = [-3.0 + 6.0 * i / 300 for i in range(301)]
    slopes = [derivative(lambda x: x.tanh())]
    for _ in range(3):
        slopes.append(derivative(slopes[-1]))  # the next order, differentiating the last
    figure = Figure(figsize=(8.0, 5.0), dpi=100, layout="constrained")
    ax = figure.add_subplot()
    ax.plot(xs, [math.tanh(x) for x in xs], label="tanh x", linewidth=2.4, color="black")
    for order, slope in enumerate(slopes, start=1):
        ax.plot(xs, [slope(x) for x in xs], label="tanh" + "'" * order + " x", linewidth=1.6)
    ax.axhline(0.0, color="0.6", linewidth=0.8)
    ax.set_xlim(-3.0, 3.0)
    ax.set_xlabel("x")
    ax.set_ylabel("value")
    ax.set_title("tanh and its first four derivatives, from nested mgfunc.derivative")
    ax.legend(loc="lower right")
    ax.grid(alpha=0.3)
    return figure


def sharpness_figure() -> Figure:
    """The official run's sharpness every 5 steps, beside 2 / learning rate."""
    data = moons(100, noise=0.1, seed=SEED)
    run = train(MLP.create(2, [16, 16, 1], seed=SEED), data, steps=100, snapshot_every=5)
    steps = [step for step, _ in run.snapshots]
    sharp = [sharpness(model, data, alpha=ALPHA) for _, model in run.snapshots]
    edge = [2.0 / official_micrograd_learning_rate(step) for step in steps]
    inside = [
        sum(y * score < 1.0 for y, (score,) in zip(data.ys, model.evaluate_many(data.xs)))
        for _, model in run.snapshots
    ]
    for row in zip(steps, sharp, edge, inside):
        print("step {:3d}  sharpness {:.6f}  2/lr {:.4f}  inside margin {:3d}".format(*row))

    figure = Figure(figsize=(11.0, 4.6), dpi=100, layout="constrained")
    left, right = figure.subplots(1, 2, width_ratios=(3, 2))
    left.plot(steps, edge, "--", color="tab:red", label="2 / learning rate (edge of stability)")
    left.plot(steps, sharp, "o-", color="tab:blue", label="sharpness (top Hessian eigenvalue)")
    left.axhline(2.0 * ALPHA, color="0.5", linestyle=":", label="2 alpha (the L2 term alone)")
    left.set_yscale("log")
    left.set_xlabel("training step")
    left.set_ylabel("eigenvalue (log scale)")
    left.set_title("Sharpness of the official run's loss, every 5 steps")
    left.legend(loc="lower left", bbox_to_anchor=(0.0, 0.1))
    left.grid(alpha=0.3)
    right.plot(steps, inside, "o-", color="tab:green")
    right.set_xlabel("training step")
    right.set_ylabel("points with y * score < 1 (of 100)")
    right.set_title("Points still inside the margin")
    right.grid(alpha=0.3)
    return figure


def main() -> None:
    # make_images sits beside this file; Python puts the script's folder on sys.path.
    from make_images import save_small

    for figure, name in (
        (tanh_figure(), "tanh_derivatives.png"),
        (sharpness_figure(), "sharpness.png"),
    ):
        save_small(figure.axes[0], name)


if __name__ == "__main__":
    main()
