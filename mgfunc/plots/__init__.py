"""Matplotlib pictures of the dataset, the training run, the decision boundary, the neurons
and a graph.

Each function draws on the ``Axes`` you pass, or on a new :class:`matplotlib.figure.Figure`
(never on pyplot's global state), and returns the Axes; the figure is ``ax.figure``. No display
is needed: save with ``ax.figure.savefig("plot.png")`` (under mypy, ``figure_of(ax).savefig``:
matplotlib types ``ax.figure`` as ``Figure | SubFigure``), or in a notebook pass your own Axes,
e.g. ``fig, ax = plt.subplots(); plot_loss(run, ax=ax)``. :func:`plot_neurons`, which draws
a grid of Axes, takes a ``Figure`` or ``SubFigure`` instead and returns it.

The pictures live in one module per kind, and every name is imported from here:

- :mod:`mgfunc.plots.charts`: the points, the loss and accuracy curves, the decision boundary;
- :mod:`mgfunc.plots.graphs`: computation graphs, of an expression or of one datapoint;
- :mod:`mgfunc.plots.neurons`: every hidden neuron's output over the plane;
- :mod:`mgfunc.plots.animation`: training as an animated GIF.

>>> from mgfunc.datasets import moons
>>> ax = plot_dataset(moons(20, seed=0))
>>> ax.get_title(), ax.figure.get_size_inches().tolist()
('moons: 20 points', [6.0, 6.0])
"""

from mgfunc.plots._common import DPI as DPI
from mgfunc.plots._common import SQUARE_FIGSIZE as SQUARE_FIGSIZE
from mgfunc.plots._common import WIDE_FIGSIZE as WIDE_FIGSIZE
from mgfunc.plots._common import figure_of as figure_of
from mgfunc.plots.animation import ANIMATION_FIGSIZE as ANIMATION_FIGSIZE
from mgfunc.plots.animation import animate_training as animate_training
from mgfunc.plots.animation import save_gif as save_gif
from mgfunc.plots.charts import plot_accuracy as plot_accuracy
from mgfunc.plots.charts import plot_dataset as plot_dataset
from mgfunc.plots.charts import plot_decision_boundary as plot_decision_boundary
from mgfunc.plots.charts import plot_loss as plot_loss
from mgfunc.plots.graphs import MAX_GRAPH_NODES as MAX_GRAPH_NODES
from mgfunc.plots.graphs import MAX_LAYER_WIDTH as MAX_LAYER_WIDTH
from mgfunc.plots.graphs import plot_datapoint_graph as plot_datapoint_graph
from mgfunc.plots.graphs import plot_graph as plot_graph
from mgfunc.plots.neurons import MAX_NEURON_MAPS as MAX_NEURON_MAPS
from mgfunc.plots.neurons import plot_neurons as plot_neurons

__all__ = [
    "ANIMATION_FIGSIZE",
    "DPI",
    "MAX_GRAPH_NODES",
    "MAX_LAYER_WIDTH",
    "MAX_NEURON_MAPS",
    "SQUARE_FIGSIZE",
    "WIDE_FIGSIZE",
    "animate_training",
    "figure_of",
    "plot_accuracy",
    "plot_datapoint_graph",
    "plot_dataset",
    "plot_decision_boundary",
    "plot_graph",
    "plot_loss",
    "plot_neurons",
    "save_gif",
]
