"""Regenerate ``docs/images/training.gif``, the README's animation of the official run.

The official demo (100 two-moons points, an MLP [16, 16, 1], 100 steps of the official
schedule), a frame every 4 steps on a small figure, so that the GIF stays well under 1 MB.
Run it from the repository root after ``make test`` (or any install of mgfunc)::

    .venv/bin/python docs/make_animation.py
"""

from __future__ import annotations

from pathlib import Path

from mgfunc.datasets import moons
from mgfunc.nn import MLP
from mgfunc.plots import animate_training, save_gif
from mgfunc.trainer import train

SEED = (1337, 1337, 1337)
TARGET = Path(__file__).resolve().parent / "images" / "training.gif"


def main() -> None:
    dataset = moons(100, noise=0.1, seed=SEED)
    run = train(MLP.create(2, [16, 16, 1], seed=SEED), dataset, steps=100, snapshot_every=4)
    animation = animate_training(run, dataset, h=0.15, interval=150, figsize=(7.0, 3.2))
    written = save_gif(animation, TARGET)
    print(f"wrote {written} ({written.stat().st_size:,} bytes, {len(run.snapshots)} frames)")


if __name__ == "__main__":
    main()
