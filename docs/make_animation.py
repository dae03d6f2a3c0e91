"""Regenerate ``docs/images/training.gif``, the README's animation of the official run.

The official demo (100 two-moons points, an MLP [16, 16, 1], 100 steps of the official
schedule), a frame every 4 steps on a small figure, so that the GIF stays well under 1 MB.
Run it from the repository root after ``make test`` (or any install of mgfunc)::

    .venv/bin/python docs/make_animation.py

``--time`` instead measures what a user waits for: the official run trained with a snapshot
every 2 steps (51 frames), then ``animate_training`` and ``save_gif`` of it at the default
size, in this one process, and prints both times (processor time, so that other programs on
the machine count less) and their ratio; ``--neurons`` adds the neuron maps to that GIF.
"""

from __future__ import annotations

import sys
import tempfile
import time
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


def measure(neurons: bool) -> None:
    dataset = moons(100, noise=0.1, seed=SEED)
    started = time.process_time()
    run = train(MLP.create(2, [16, 16, 1], seed=SEED), dataset, steps=100, snapshot_every=2)
    trained = time.process_time()
    with tempfile.TemporaryDirectory() as folder:
        save_gif(animate_training(run, dataset, neurons=neurons), Path(folder) / "run.gif")
    saved = time.process_time()
    training, picturing = trained - started, saved - trained
    print(
        f"{len(run.snapshots)} frames{' with neuron maps' if neurons else ''}: "
        f"training {training:.2f} s, animate_training + save_gif {picturing:.2f} s, "
        f"ratio {picturing / training:.2f}"
    )


if __name__ == "__main__":
    if "--time" in sys.argv[1:]:
        measure(neurons="--neurons" in sys.argv[1:])
    else:
        main()
