"""Every neuron's output over a grid of the plane, as numpy arrays, for pictures.

:func:`mgfunc.plot_data.neuron_grid` gives the same numbers as plain tuples, one layer of
:meth:`mgfunc.nn.MLP.evaluate_many` at a time; an animation needs them for every snapshot,
and numpy does each neuron's arithmetic for all grid points in one operation. The arithmetic
is the one of :meth:`mgfunc.nn.Neuron.evaluate`, operation by operation (the bias, plus each
weight times its input from left to right, then the activation), so every number is equal to
the float that evaluation gives, bit for bit.

>>> from mgfunc.datasets import blobs
>>> from mgfunc.nn import MLP
>>> model = MLP.create(2, [3, 1], seed=0)
>>> grid = grid_outputs(model, blobs(2, noise=0.0), h=1.0, padding=1.0)
>>> [len(layer) for layer in grid.layers], grid.layers[0][2].shape
([3, 1], (3, 4))
>>> float(grid.layers[1][0][1, 2]) == model.evaluate((grid.xs[2], grid.ys[1]))[0]
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import attrs
import numpy as np

from mgfunc.datasets import Dataset
from mgfunc.nn import MLP, Neuron
from mgfunc.plot_data import grid_axes
from mgfunc.value import _sigmoid

__all__ = ["GridOutputs", "grid_outputs", "neuron_arrays", "predicted_classes"]


@attrs.frozen(eq=False)
class GridOutputs:
    """Every neuron's outputs on a grid: ``layers[l][n][j, i]`` is the output of neuron ``n``
    of layer ``l`` at ``(xs[i], ys[j])``; the last layer is the model's output."""

    xs: tuple[float, ...]
    ys: tuple[float, ...]
    layers: tuple[tuple[np.ndarray, ...], ...]

    @property
    def hidden(self) -> list[np.ndarray]:
        """Every hidden neuron's outputs, layer by layer."""
        return [outputs for layer in self.layers[:-1] for outputs in layer]

    @property
    def extent(self) -> tuple[float, float, float, float]:
        """Left, right, bottom and top of the grid's cells, for ``imshow``."""
        half_x = (self.xs[1] - self.xs[0]) / 2 if len(self.xs) >= 2 else 0.5
        half_y = (self.ys[1] - self.ys[0]) / 2 if len(self.ys) >= 2 else 0.5
        return (
            self.xs[0] - half_x,
            self.xs[-1] + half_x,
            self.ys[0] - half_y,
            self.ys[-1] + half_y,
        )

    def classes(self) -> np.ndarray:
        """The predicted class index at each grid point (see :func:`predicted_classes`)."""
        return predicted_classes(self.layers[-1])


def grid_outputs(model: MLP, dataset: Dataset, h: float, padding: float) -> GridOutputs:
    """Every neuron of ``model`` on the grid of :func:`mgfunc.plot_data.decision_boundary`,
    checked as it checks its arguments."""
    xs, ys = grid_axes(model, dataset, h, padding)
    return GridOutputs(xs, ys, neuron_arrays(model, xs, ys))


def neuron_arrays(
    model: MLP, xs: Sequence[float], ys: Sequence[float]
) -> tuple[tuple[np.ndarray, ...], ...]:
    """Each layer's neurons' outputs on the grid ``xs`` by ``ys``: ``[layer][neuron][j, i]``
    is the output at ``(xs[i], ys[j])``. The last layer is the model's output."""
    grid_x, grid_y = np.meshgrid(np.asarray(xs, dtype=float), np.asarray(ys, dtype=float))
    columns = [grid_x, grid_y]
    layers = []
    for layer in model.layers:
        columns = [_neuron_output(neuron, columns) for neuron in layer.neurons]
        layers.append(tuple(columns))
    return tuple(layers)


def predicted_classes(outputs: Sequence[np.ndarray]) -> np.ndarray:
    """The class index at each grid point: a one-output model's ``score > 0`` (1) or not (0),
    else the index of the largest output, the first on a tie (as ``plot_data`` decides)."""
    if len(outputs) == 1:
        return np.where(outputs[0] > 0.0, 1.0, 0.0)
    largest: np.ndarray = np.argmax(np.stack(outputs), axis=0)  # the first of equals
    return largest.astype(float)


def _neuron_output(neuron: Neuron, columns: list[np.ndarray]) -> np.ndarray:
    total = np.full(columns[0].shape, neuron.bias.data)
    for weight, inputs in zip(neuron.weights, columns):
        total = total + weight.data * inputs
    if not neuron.nonlinear:
        return total
    if neuron.activation == "relu":
        return np.where(total > 0.0, total, 0.0)
    function = math.tanh if neuron.activation == "tanh" else _sigmoid
    # The float functions themselves, point by point: numpy's own may differ in the last bit.
    return np.array([function(float(value)) for value in total.ravel()]).reshape(total.shape)
