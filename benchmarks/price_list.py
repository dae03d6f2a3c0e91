"""What each piece of the official step costs, measured by building the step up piece by piece.

Where ``profile_step.py`` times the step's phases, this script asks what part of each phase is
the contract's price (a frozen node per neuron and point, a gradient table listing every node,
a fold over every edge that carries a gradient) and what part is overhead that could still go.
On the official step's data, model and graph (GC paused), CPU ms, median of ``--repeats``:

- ``floats only``: the forward pass's weighted sums on floats, as the floor computes them;
- ``+ a node per neuron``: the same, plus one frozen node per neuron and point (no edges),
  created and freed: the price of the nodes themselves;
- ``+ their tuples``: plus each node's edges (the shared parameter and input tuples, kept as
  they are) and its local derivatives (one concatenation);
- ``forward_rows``: the real network forward (leaves, calls, the ReLU branch);
- ``walk: set operations only``: the union of every node's groups of inputs (each shared group
  once), level by level, without the sort: the C floor of any walk that must list every node;
- ``walk``: ``topological_order``;
- ``fold: edges that carry a gradient``: one dict multiply-add per carrying edge, nothing else;
- ``fold``: ``backward`` minus its walk;
- ``free the graph``: dropping the step's graph and table.

    python benchmarks/price_list.py --repeats 15
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
from collections.abc import Callable, Sequence

import floor
from runs import ALPHA, OFFICIAL_SEED, clock, floats_of

import mgfunc
from mgfunc._checks import rows_of_numbers
from mgfunc.datasets import moons
from mgfunc.losses import max_margin
from mgfunc.nn import MLP, forward_rows
from mgfunc.topology import inputs_of
from mgfunc.value import LinearNode, Value, _neuron_node, leaf


def _layers(model: MLP) -> list[list[tuple[tuple[Value, ...], tuple[float, ...], float]]]:
    """Each layer's neurons as (parameters, weight floats, bias float)."""
    return [
        [
            ((*n.weights, n.bias), tuple(w.data for w in n.weights), n.bias.data)
            for n in layer.neurons
        ]
        for layer in model.layers
    ]


def floats_only(model: MLP, rows: list[tuple[float, ...]]) -> object:
    """The weighted sums and ReLUs on floats, as the floor computes them (``floor.forward``)."""
    weights, biases = floats_of(model)
    return [floor.forward(weights, biases, row)[-1] for row in rows]


def with_nodes(model: MLP, rows: list[tuple[float, ...]], tuples: bool) -> object:
    """The same sums, building a neuron's frozen node per neuron (with ``tuples``, also its two
    groups of inputs and its local derivatives), as ``weighted_sums`` fills it.

    Every node holds its sum (no ReLU): the cost of a node does not depend on its number.
    """
    layers = _layers(model)
    outputs = []
    for row in rows:
        nodes = tuple([leaf(x) for x in row])
        for layer in layers:
            data = [node.data for node in nodes]
            locals_ = (*data, 1.0)
            built: list[Value] = []
            for parameters, weights, total in layer:
                for w, x in zip(weights, data):
                    total += w * x
                if tuples:
                    built.append(
                        _neuron_node(LinearNode, total, parameters, nodes, locals_ + weights)
                    )
                else:
                    built.append(_neuron_node(LinearNode, total, (), (), ()))
            nodes = tuple(built)
        outputs.append(nodes)
    return outputs


def walk_sets_only(output: Value) -> int:
    """The set operations of the walk, without its sort."""
    seen = {output}
    frontier: set[Value] = {output}
    while frontier:
        fresh = inputs_of(frontier)
        fresh -= seen
        seen |= fresh
        frontier = fresh
    return len(seen)


def carrying_edges(
    order: list[Value], grads: mgfunc.Gradients
) -> list[tuple[Value, list[tuple[Value, float]]]]:
    """Per node that passes a gradient on, the edges whose product is not zero (found once,
    outside the timing)."""
    return [
        (node, [(child, local) for child, local in zip(node.inputs, node.local_gradients) if local])
        for node in order
        if grads[node] and any(node.local_gradients)
    ]


def carrying_fold(
    order: list[Value], edges: list[tuple[Value, list[tuple[Value, float]]]], output: Value
) -> dict[Value, float]:
    """One dict multiply-add per edge that carries a gradient and nothing else: the floor of
    a fold that accumulates into a dict."""
    table = dict.fromkeys(order, 0.0)
    table[output] = 1.0
    for node, carrying in edges:
        upstream = table[node]
        for child, local in carrying:
            table[child] += local * upstream
    return table


def measure(repeats: int) -> dict[str, float]:
    """Median CPU ms of each piece."""
    data = moons(100, noise=0.1, seed=OFFICIAL_SEED)
    model = MLP.create(2, [16, 16, 1], seed=OFFICIAL_SEED)
    rows = rows_of_numbers(data.xs, "xs", width=2)
    loss = max_margin(model, data.xs, data.ys, ALPHA).total_loss
    order = mgfunc.topological_order(loss)
    backwards = order[::-1]
    edges = carrying_edges(backwards, mgfunc.backward(loss))
    pieces: dict[str, Callable[[], object]] = {
        "floats only": lambda: floats_only(model, rows),
        "+ a node per neuron": lambda: with_nodes(model, rows, tuples=False),
        "+ their tuples": lambda: with_nodes(model, rows, tuples=True),
        "forward_rows": lambda: forward_rows(model, rows),
        "walk: set operations only": lambda: walk_sets_only(loss),
        "walk": lambda: mgfunc.topological_order(loss),
        "fold: edges that carry a gradient": lambda: carrying_fold(backwards, edges, loss),
        "backward": lambda: mgfunc.backward(loss),
    }
    times: dict[str, list[float]] = {name: [] for name in [*pieces, "free the graph"]}
    gc.disable()
    for _ in range(repeats):
        for name, piece in pieces.items():
            start = clock()
            result = piece()
            times[name].append(clock() - start)
            del result  # freed outside the timing, except for the forward pieces' own nodes
        step = max_margin(model, data.xs, data.ys, ALPHA).total_loss
        grads = mgfunc.backward(step)
        start = clock()
        del step, grads
        times["free the graph"].append(clock() - start)
    gc.enable()
    medians = {name: 1e3 * statistics.median(values) for name, values in times.items()}
    medians["fold"] = medians.pop("backward") - medians["walk"]
    return medians


def main(argv: Sequence[str] | None = None) -> int:
    """Print the price list."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeats", type=int, default=15, help="runs of each piece (15)")
    options = parser.parse_args(argv)
    for name, ms in measure(max(options.repeats, 1)).items():
        print(f"{name:<36}{ms:>8.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
