"""A layered drawing of a small directed acyclic graph, in pure Python (no matplotlib).

The classic layered (Sugiyama) method, one small function per step:

1. :func:`assign_ranks`: the longest path from the sources, then each node moved, within the
   room its edges leave, toward the side where it has more edges. This shortens the edges: a
   leaf sits just before its first use.
2. Virtual points: an edge that spans several ranks gets one point in every rank it crosses,
   so it can run between the boxes there instead of under them.
3. :func:`order_layers`: from the given order and from a depth-first one, barycentre sweeps
   down and up, then swaps of neighbours while a swap removes crossings; the order with the
   fewest crossings wins.
4. Coordinates: each rank is a band along the main axis. Across it, every slot is pulled toward
   the mean of its neighbours while keeping its order and spacing (an isotonic regression per
   layer, iterated); edges through virtual points pull hardest, so long edges run straight.
5. Routes: every edge as points from its source's exit to its target's entry, straight inside
   the bands and free in the gaps between bands, where the caller draws them as curves.

"main" is the coordinate along the ranks (left to right, or top to bottom) and "cross" the one
within a rank; the caller maps them to x and y. Nothing here knows about Values or plots.

>>> layout = layered_layout(
...     [1, 2, 3], [(1, 2), (2, 3), (1, 3)], {n: Shape(1.0, 0.5) for n in (1, 2, 3)},
...     rank_gap=0.5, node_gap=0.25, edge_gap=0.1,
... )
>>> dict(layout.ranks)
{1: 0, 2: 1, 3: 2}
>>> layout.layers[1]
(VirtualPoint(source=1, target=3, rank=1), 2)
>>> [main for main, _ in layout.routes[2]]  # 1 -> 3 passes rank 1 inside its band
[1.0, 1.5, 2.5, 3.0]
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable, Mapping, Sequence
from types import MappingProxyType
from typing import TypeVar

import attrs

from mgfunc._frozen import immutable

__all__ = [
    "Layout",
    "Shape",
    "VirtualPoint",
    "assign_ranks",
    "crossings",
    "layered_layout",
    "order_layers",
]

Point = tuple[float, float]
"""(main, cross): along the ranks, and within a rank."""

# Gauss-Seidel passes of the coordinate step, and how hard an edge pulls its ends together:
# an edge between two virtual points pulls hardest, which keeps long edges straight.
_COORDINATE_PASSES = 40
_MIN_PASSES = 8
_PASS_BUDGET = 200_000  # slot updates
_PULL_VIRTUAL = 8.0
_PULL_MIXED = 2.0
_PULL_REAL = 1.0
_SWEEPS = 8
_SETTLED = 1e-4  # no slot moved farther than this in a pass: the coordinates are final


@immutable()
@attrs.frozen
class Shape:
    """The room a node takes: ``main`` along the ranks, ``cross`` within its rank.

    Edges leave a node spread over ``cross`` offsets in [-exit_span, exit_span] of its centre,
    and enter it spread over [-entry_span, entry_span], so that they do not share one point.
    """

    main: float
    cross: float
    entry_span: float = 0.0
    exit_span: float = 0.0


@immutable()
@attrs.frozen
class VirtualPoint:
    """The point where the edge ``source -> target`` crosses ``rank``."""

    source: int
    target: int
    rank: int


Slot = int | VirtualPoint
T = TypeVar("T", bound=Hashable)


@immutable()
@attrs.frozen
class Layout:
    """The result of :func:`layered_layout`.

    Attributes:
        ranks: each node's rank (0 for the first band).
        layers: each rank's slots in drawing order: node ids and virtual points.
        centres: each node's centre, (main, cross).
        bands: each rank's (start, end) along the main axis; a node starts at its band's start.
        routes: one tuple of points per edge given, in the same order: the source's exit, the
            points through the bands between, the target's entry. Consecutive points share a
            cross coordinate inside a band; between bands they are joined freely.
        crossings: how many pairs of edges cross between adjacent ranks.
        size: the extent of the whole drawing, (main, cross); coordinates start at 0.
    """

    ranks: Mapping[int, int]
    layers: tuple[tuple[Slot, ...], ...]
    centres: Mapping[int, Point]
    bands: tuple[tuple[float, float], ...]
    routes: tuple[tuple[Point, ...], ...]
    crossings: int
    size: Point


def layered_layout(
    nodes: Sequence[int],
    edges: Sequence[tuple[int, int]],
    shapes: Mapping[int, Shape],
    *,
    rank_gap: float,
    node_gap: float,
    edge_gap: float,
    virtual_size: float = 0.0,
) -> Layout:
    """Place the nodes of a directed acyclic graph in ranks and route its edges between them.

    Args:
        nodes: every node once; their order breaks ties, so the result is deterministic.
        edges: (source, target) pairs; a pair given twice gets two routes.
        shapes: the room each node takes.
        rank_gap: the free space between two bands, where edges change rank.
        node_gap: the space between two nodes of a rank.
        edge_gap: the space beside a virtual point (an edge passing through the rank).
        virtual_size: the room a virtual point takes across its rank.

    Returns:
        The :class:`Layout`.

    Raises:
        ValueError: an edge names a node not in ``nodes``, a node is listed twice, or the
            edges form a cycle.
    """
    ranks = assign_ranks(nodes, edges)
    # Slots are numbered: the nodes first, in their given order, then the virtual points.
    slots: list[Slot] = list(nodes)
    number = {node: index for index, node in enumerate(nodes)}
    chains: dict[tuple[int, int], list[int]] = {}
    for s, t in dict.fromkeys(edges):  # one chain of virtual points per distinct pair
        chains[s, t] = list(range(len(slots), len(slots) + ranks[t] - ranks[s] - 1))
        slots.extend(VirtualPoint(s, t, rank) for rank in range(ranks[s] + 1, ranks[t]))
    below: dict[int, list[int]] = {index: [] for index in range(len(slots))}
    above: dict[int, list[int]] = {index: [] for index in range(len(slots))}
    for (s, t), chain in chains.items():
        for upper, lower in itertools.pairwise((number[s], *chain, number[t])):
            below[upper].append(lower)
            above[lower].append(upper)

    def rank_of(index: int) -> int:
        slot = slots[index]
        return slot.rank if isinstance(slot, VirtualPoint) else ranks[slot]

    def initial(index: int) -> tuple[int, int]:
        slot = slots[index]
        if isinstance(slot, VirtualPoint):
            return number[slot.source], number[slot.target]
        return index, -1

    grouped: list[list[int]] = [[] for _ in range(1 + max(ranks.values(), default=0))]
    for index in range(len(slots)):
        grouped[rank_of(index)].append(index)
    layers = order_layers([sorted(layer, key=initial) for layer in grouped], below, above)
    virtual = [isinstance(slot, VirtualPoint) for slot in slots]
    sizes = [
        virtual_size if isinstance(slot, VirtualPoint) else shapes[slot].cross for slot in slots
    ]
    cross = _cross_coordinates(layers, below, above, sizes, virtual, node_gap, edge_gap)
    widths = [
        max((shapes[nodes[i]].main for i in layer if not virtual[i]), default=0.0)
        for layer in layers
    ]
    bands: list[tuple[float, float]] = []
    start = 0.0
    for width in widths:
        bands.append((start, start + width))
        start += width + rank_gap
    centres = {
        node: (bands[ranks[node]][0] + shapes[node].main / 2, cross[index])
        for index, node in enumerate(nodes)
    }
    routes = _routes(edges, chains, number, ranks, bands, shapes, cross)
    extent = max((at + size / 2 for at, size in zip(cross, sizes)), default=0.0)
    return Layout(
        ranks=MappingProxyType(dict(ranks)),
        layers=tuple(tuple(slots[index] for index in layer) for layer in layers),
        centres=MappingProxyType(centres),
        bands=tuple(bands),
        routes=routes,
        crossings=crossings(layers, below),
        size=(bands[-1][1] if bands else 0.0, extent),
    )


def assign_ranks(nodes: Sequence[int], edges: Sequence[tuple[int, int]]) -> dict[int, int]:
    """A rank per node: every edge goes from a lower rank to a higher one, and is short.

    First the longest path from the sources; then, until nothing moves, each node with more
    outgoing than incoming edges moves as late as its targets allow, and each with more incoming
    edges as early as its sources allow. Every move shortens the edges in total, so it ends.

    Args:
        nodes: every node once, in a fixed order.
        edges: (source, target) pairs.

    Returns:
        A rank for each node, starting at 0.

    Raises:
        ValueError: as :func:`layered_layout`.

    >>> assign_ranks([1, 2, 3, 4], [(1, 3), (2, 3), (3, 4), (1, 4)])  # 2 sits beside its use
    {1: 0, 2: 0, 3: 1, 4: 2}
    >>> assign_ranks([1, 2, 3], [(1, 3), (2, 3), (2, 3), (3, 2)])
    Traceback (most recent call last):
    ...
    ValueError: the edges form a cycle through 2, 3
    """
    if len(set(nodes)) != len(nodes):
        raise ValueError("every node must be listed once")
    sources: dict[int, list[int]] = {node: [] for node in nodes}
    targets: dict[int, list[int]] = {node: [] for node in nodes}
    for s, t in edges:
        if s not in sources or t not in sources:
            raise ValueError(f"the edge {s} -> {t} names a node that is not listed")
        sources[t].append(s)
        targets[s].append(t)
    order = _topological(nodes, sources, targets)
    rank: dict[int, int] = {}
    for node in order:
        rank[node] = 1 + max((rank[s] for s in sources[node]), default=-1)
    moved = True
    while moved:
        moved = False
        for node in reversed(order):
            ins, outs = len(sources[node]), len(targets[node])
            if outs > ins:
                best = min(rank[t] for t in targets[node]) - 1
            elif ins > outs:
                best = max(rank[s] for s in sources[node]) + 1
            else:
                continue
            if best != rank[node]:
                rank[node] = best
                moved = True
    lowest = min(rank.values(), default=0)
    return {node: rank[node] - lowest for node in nodes}


def order_layers(
    layers: Sequence[Sequence[T]],
    below: Mapping[T, Sequence[T]],
    above: Mapping[T, Sequence[T]],
    *,
    sweeps: int = _SWEEPS,
) -> list[list[T]]:
    """Reorder each layer to reduce edge crossings; the start order breaks every tie.

    Two starts are tried: the order given, and the order in which a depth-first walk from the
    first layer meets the slots (which keeps connected slots together). From each, a sweep
    sorts the layers top-down by the barycentre of their neighbours above, then bottom-up by
    their neighbours below, then swaps neighbours while that removes crossings (every other
    sweep also swaps where crossings stay equal, to leave a plateau). The order with the fewest
    crossings seen is returned, so the result never has more crossings than the order given
    or than one sweep.

    Args:
        layers: the slots of each rank, in a starting order.
        below: each slot's neighbours in the next layer.
        above: each slot's neighbours in the previous layer.
        sweeps: how many down-and-up sweeps to make from each start.

    Returns:
        New lists, one per layer.

    >>> order_layers([[1, 2], [3, 4]], {1: [4], 2: [3]}, {3: [2], 4: [1]})
    [[1, 2], [4, 3]]
    """
    best = [list(layer) for layer in layers]
    fewest = crossings(best, below)
    for start in (best, _depth_first(layers, below, above)):
        current = [list(layer) for layer in start]
        for sweep in range(sweeps):
            if fewest == 0:
                return best
            for index in range(1, len(current)):
                current[index] = _by_barycentre(current[index], current[index - 1], above)
            for index in range(len(current) - 2, -1, -1):
                current[index] = _by_barycentre(current[index], current[index + 1], below)
            _transpose(current, below, above, swap_equal=sweep % 2 == 1)
            count = crossings(current, below)
            if count < fewest:
                best, fewest = [list(layer) for layer in current], count
    return best


def crossings(layers: Sequence[Sequence[T]], below: Mapping[T, Sequence[T]]) -> int:
    """How many pairs of edges cross between adjacent layers, drawn as straight lines.

    Two edges from the same slot, or into the same slot, do not cross.

    >>> crossings([[1, 2], [3, 4]], {1: [4], 2: [3]})
    1
    """
    total = 0
    for upper, lower in itertools.pairwise(layers):
        where = {slot: index for index, slot in enumerate(lower)}
        pairs = sorted(
            (i, where[target]) for i, slot in enumerate(upper) for target in below.get(slot, ())
        )
        total += _inversions([j for _, j in pairs], len(lower))
    return total


def _topological(
    nodes: Sequence[int], sources: Mapping[int, list[int]], targets: Mapping[int, list[int]]
) -> list[int]:
    waiting = {node: len(sources[node]) for node in nodes}
    ready = [node for node in nodes if waiting[node] == 0]
    order: list[int] = []
    while ready:
        node = ready.pop()
        order.append(node)
        for t in targets[node]:
            waiting[t] -= 1
            if waiting[t] == 0:
                ready.append(t)
    if len(order) != len(nodes):
        stuck = ", ".join(str(node) for node in nodes if waiting[node] > 0)
        raise ValueError(f"the edges form a cycle through {stuck}")
    return order


def _by_barycentre(layer: list[T], fixed: list[T], neighbours: Mapping[T, Sequence[T]]) -> list[T]:
    """``layer`` sorted by the mean position of each slot's neighbours in ``fixed``; a slot
    without neighbours there keeps its place."""
    where = {slot: index for index, slot in enumerate(fixed)}
    keys: dict[T, float] = {}
    for slot in layer:
        places = [where[n] for n in neighbours.get(slot, ()) if n in where]
        if places:
            keys[slot] = sum(places) / len(places)
    movable = iter(sorted((s for s in layer if s in keys), key=keys.__getitem__))  # stable
    return [next(movable) if slot in keys else slot for slot in layer]


def _depth_first(
    layers: Sequence[Sequence[T]],
    below: Mapping[T, Sequence[T]],
    above: Mapping[T, Sequence[T]],
) -> list[list[T]]:
    """Each layer in the order a depth-first walk over the edges (both ways) first meets its
    slots, the walk starting from each slot of each layer in turn."""
    rank = {slot: index for index, layer in enumerate(layers) for slot in layer}
    ordered: list[list[T]] = [[] for _ in layers]
    seen: set[T] = set()
    for layer in layers:
        for first in layer:
            stack = [first]
            while stack:
                slot = stack.pop()
                if slot in seen:
                    continue
                seen.add(slot)
                ordered[rank[slot]].append(slot)
                near = [*below.get(slot, ()), *above.get(slot, ())]
                stack.extend(n for n in reversed(near) if n not in seen)
    return ordered


def _transpose(
    layers: list[list[T]],
    below: Mapping[T, Sequence[T]],
    above: Mapping[T, Sequence[T]],
    *,
    swap_equal: bool,
) -> None:
    """Swap neighbours within a layer while that removes crossings, and also where it keeps
    them equal if ``swap_equal`` (in place: ``layers`` is a private working copy). Only a
    strict improvement asks for another pass, so this ends."""
    improved = True
    while improved:
        improved = False
        for index, layer in enumerate(layers):
            sides = []
            if index > 0:
                sides.append(({s: i for i, s in enumerate(layers[index - 1])}, above))
            if index + 1 < len(layers):
                sides.append(({s: i for i, s in enumerate(layers[index + 1])}, below))
            for j in range(len(layer) - 1):
                u, v = layer[j], layer[j + 1]
                kept = swapped = 0
                for where, neighbours in sides:
                    us = [where[n] for n in neighbours.get(u, ())]
                    vs = [where[n] for n in neighbours.get(v, ())]
                    kept += sum(a > b for a in us for b in vs)
                    swapped += sum(b > a for a in us for b in vs)
                if swapped < kept or (swap_equal and swapped == kept > 0):
                    layer[j], layer[j + 1] = v, u
                    improved = improved or swapped < kept


def _inversions(sequence: list[int], size: int) -> int:
    """Pairs i < j with sequence[i] > sequence[j], counted with a Fenwick tree."""
    tree = [0] * (size + 1)
    count = 0
    for seen, value in enumerate(sequence):
        at_most = 0
        i = value + 1
        while i > 0:
            at_most += tree[i]
            i -= i & -i
        count += seen - at_most
        i = value + 1
        while i <= size:
            tree[i] += 1
            i += i & -i
    return count


def _cross_coordinates(
    layers: list[list[int]],
    below: Mapping[int, Sequence[int]],
    above: Mapping[int, Sequence[int]],
    sizes: Sequence[float],
    virtual: Sequence[bool],
    node_gap: float,
    edge_gap: float,
) -> list[float]:
    """Each slot's cross coordinate: the layers packed, then pulled toward their neighbours."""
    pulls = (_PULL_REAL, _PULL_MIXED, _PULL_VIRTUAL)
    near = [
        [(other, pulls[virtual[slot] + virtual[other]]) for other in (*above[slot], *below[slot])]
        for slot in range(len(sizes))
    ]
    pulled = [sum(weight for _, weight in pairs) for pairs in near]
    separations = [
        [
            (sizes[a] + sizes[b]) / 2 + (edge_gap if virtual[a] or virtual[b] else node_gap)
            for a, b in itertools.pairwise(layer)
        ]
        for layer in layers
    ]
    cross = [0.0] * len(sizes)
    for layer, gaps in zip(layers, separations):
        placed = _pack(gaps)
        middle = (placed[0] + placed[-1]) / 2
        for slot, at in zip(layer, placed):
            cross[slot] = at - middle
    downward = list(range(len(layers)))
    # Big graphs (a leaf used in every rank of a long chain gives thousands of virtual points)
    # get fewer passes, so the work stays bounded; small ones settle long before the cap.
    passes = max(_MIN_PASSES, min(_COORDINATE_PASSES, _PASS_BUDGET // max(1, len(sizes))))
    for iteration in range(passes):
        moved = 0.0
        for index in downward if iteration % 2 == 0 else reversed(downward):
            layer = layers[index]
            targets, weights = [], []
            for slot in layer:
                total = pulled[slot]
                if total == 0.0:
                    targets.append(cross[slot])
                    weights.append(1.0)
                else:
                    targets.append(sum(weight * cross[o] for o, weight in near[slot]) / total)
                    weights.append(total)
            for slot, at in zip(layer, _isotonic(targets, weights, separations[index])):
                moved = max(moved, abs(at - cross[slot]))
                cross[slot] = at
        if moved < _SETTLED:
            break
    lowest = min((at - size / 2 for at, size in zip(cross, sizes)), default=0.0)
    return [at - lowest for at in cross]


def _pack(gaps: list[float]) -> list[float]:
    placed = [0.0]
    for gap in gaps:
        placed.append(placed[-1] + gap)
    return placed


def _isotonic(targets: list[float], weights: list[float], gaps: list[float]) -> list[float]:
    """The positions closest to ``targets`` (weighted least squares) that keep their order and
    at least ``gaps`` apart: pool-adjacent-violators on the targets shifted by the gaps."""
    offsets = _pack(gaps)
    blocks: list[list[float]] = []  # [mean, weight, length]
    for target, weight, offset in zip(targets, weights, offsets):
        blocks.append([target - offset, weight, 1.0])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            mean, weight_sum, length = blocks.pop()
            previous = blocks[-1]
            total = previous[1] + weight_sum
            previous[0] = (previous[0] * previous[1] + mean * weight_sum) / total
            previous[1] = total
            previous[2] += length
    values = [mean for mean, _, length in blocks for _ in range(int(length))]
    return [value + offset for value, offset in zip(values, offsets)]


def _routes(
    edges: Sequence[tuple[int, int]],
    chains: Mapping[tuple[int, int], Sequence[int]],
    number: Mapping[int, int],
    ranks: Mapping[int, int],
    bands: Sequence[tuple[float, float]],
    shapes: Mapping[int, Shape],
    cross: Sequence[float],
) -> tuple[tuple[Point, ...], ...]:
    def first_after(index: int) -> float:
        s, t = edges[index]
        chain = chains[s, t]
        return cross[chain[0] if chain else number[t]]

    def last_before(index: int) -> float:
        s, t = edges[index]
        chain = chains[s, t]
        return cross[chain[-1] if chain else number[s]]

    exits = _spread(edges, 0, first_after, lambda node: shapes[node].exit_span)
    entries = _spread(edges, 1, last_before, lambda node: shapes[node].entry_span)
    routes = []
    for index, (s, t) in enumerate(edges):
        start, end = bands[ranks[s]]
        leave = cross[number[s]] + exits[index]
        points = [(start + shapes[s].main, leave)]
        if start + shapes[s].main < end:
            points.append((end, leave))
        for rank, point in enumerate(chains[s, t], start=ranks[s] + 1):
            band_start, band_end = bands[rank]
            points.append((band_start, cross[point]))
            if band_end > band_start:
                points.append((band_end, cross[point]))
        points.append((bands[ranks[t]][0], cross[number[t]] + entries[index]))
        routes.append(tuple(points))
    return tuple(routes)


def _spread(
    edges: Sequence[tuple[int, int]],
    end: int,
    toward: Callable[[int], float],
    span: Callable[[int], float],
) -> list[float]:
    """For each edge, the cross offset of its port at one end (0: the source, 1: the target):
    a node's edges spread evenly over its span, ordered by where they come from or go to."""
    by_node: dict[int, list[int]] = {}
    for index, edge in enumerate(edges):
        by_node.setdefault(edge[end], []).append(index)
    offsets = [0.0] * len(edges)
    for node, indices in by_node.items():
        if len(indices) < 2:
            continue
        ordered = sorted(indices, key=lambda index: (toward(index), index))
        step = 2 * span(node) / (len(ordered) - 1)
        for place, index in enumerate(ordered):
            offsets[index] = (place - (len(ordered) - 1) / 2) * step
    return offsets
