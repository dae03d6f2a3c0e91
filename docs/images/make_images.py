"""Draw the README's graph pictures into this folder: ``python docs/images/make_images.py``.

They are the demo's ``graph.png`` and ``datapoint_graph.png`` (the warm-up expression, and the
first training point through the model before training), saved with a 64-colour palette by
Pillow, which matplotlib already needs, so that each file stays small.
"""

from __future__ import annotations

from pathlib import Path

from matplotlib.axes import Axes
from PIL import Image

from mgfunc import Value, backward
from mgfunc.datasets import moons
from mgfunc.nn import MLP
from mgfunc.plots import figure_of, plot_datapoint_graph, plot_graph

HERE = Path(__file__).resolve().parent
SEED = (1337, 1337, 1337)


def save_small(ax: Axes, name: str) -> None:
    path = HERE / name
    figure_of(ax).savefig(path)
    with Image.open(path) as image:
        palette = image.convert("RGB").quantize(
            colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        )
    palette.save(path, optimize=True)
    print(f"{path.name}: {palette.width} x {palette.height}, {path.stat().st_size:,} bytes")


def main() -> None:
    x = Value(-4.0, label="x")
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    save_small(plot_graph(y, backward(y)), "warmup_graph.png")
    data = moons(100, noise=0.1, seed=SEED)
    model = MLP.create(2, [16, 16, 1], seed=SEED)
    save_small(plot_datapoint_graph(model, data.xs[0], data.ys[0]), "datapoint_graph.png")


if __name__ == "__main__":
    main()
