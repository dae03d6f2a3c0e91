"""mgfunc.plots._layout: ranks respect edges, long edges get virtual points, few crossings,
no overlap."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mgfunc.plots._layout import (
    Layout,
    Shape,
    VirtualPoint,
    assign_ranks,
    crossings,
    layered_layout,
    order_layers,
)

Edges = list[tuple[int, int]]


@st.composite
def dags(draw: st.DrawFn) -> tuple[list[int], Edges]:
    """A random directed acyclic graph: edges only go from a lower to a higher node number,
    some pairs twice."""
    count = draw(st.integers(min_value=1, max_value=14))
    nodes = list(range(count))
    pairs = [(s, t) for s in nodes for t in nodes if s < t]
    edges = draw(st.lists(st.sampled_from(pairs), max_size=30)) if pairs else []
    return nodes, edges


def layout_of(nodes: Sequence[int], edges: Edges, cross: float = 0.5) -> Layout:
    nodes = list(nodes)
    shapes = {node: Shape(1.0 + 0.1 * (node % 3), cross, 0.1, 0.1) for node in nodes}
    return layered_layout(nodes, edges, shapes, rank_gap=0.5, node_gap=0.25, edge_gap=0.1)


@settings(max_examples=150)
@given(dags())
def test_every_edge_goes_down_the_ranks(graph: tuple[list[int], Edges]) -> None:
    nodes, edges = graph
    ranks = assign_ranks(nodes, edges)
    assert set(ranks) == set(nodes) and min(ranks.values()) == 0
    assert all(ranks[s] < ranks[t] for s, t in edges)


def test_a_leaf_sits_just_before_its_first_use() -> None:
    # 0 -> 1 -> 2 -> 3, and a leaf 4 used only by 3: it belongs in rank 2, not rank 0.
    ranks = assign_ranks([0, 1, 2, 3, 4], [(0, 1), (1, 2), (2, 3), (4, 3)])
    assert ranks == {0: 0, 1: 1, 2: 2, 3: 3, 4: 2}


@settings(max_examples=150)
@given(dags())
def test_every_long_edge_gets_a_virtual_point_in_each_rank_it_crosses(
    graph: tuple[list[int], Edges],
) -> None:
    nodes, edges = graph
    layout = layout_of(nodes, edges)
    virtual = {slot for layer in layout.layers for slot in layer if isinstance(slot, VirtualPoint)}
    expected = {
        VirtualPoint(s, t, rank)
        for s, t in set(edges)
        for rank in range(layout.ranks[s] + 1, layout.ranks[t])
    }
    assert virtual == expected
    for index, layer in enumerate(layout.layers):
        assert all(point.rank == index for point in layer if isinstance(point, VirtualPoint))
        assert all(layout.ranks[node] == index for node in layer if isinstance(node, int))
    for (s, t), route in zip(edges, layout.routes):
        mains = [main for main, _ in route]
        assert mains == sorted(mains)  # always forward, never back
        for rank in range(layout.ranks[s] + 1, layout.ranks[t]):
            start, end = layout.bands[rank]
            inside = [(m, c) for m, c in route if start <= m <= end]
            assert inside and len({c for _, c in inside}) == 1, (s, t, rank)


@settings(max_examples=150)
@given(dags())
def test_slots_of_a_rank_never_overlap(graph: tuple[list[int], Edges]) -> None:
    nodes, edges = graph
    layout = layout_of(nodes, edges)

    def cross_of(slot: int | VirtualPoint) -> float:
        if isinstance(slot, VirtualPoint):
            route = layout.routes[edges.index((slot.source, slot.target))]
            start, _ = layout.bands[slot.rank]
            return next(cross for main, cross in route if main == start)
        return layout.centres[slot][1]

    for layer in layout.layers:
        for upper, lower in itertools.pairwise(layer):
            real = isinstance(upper, int) and isinstance(lower, int)
            sizes = (0.5 if isinstance(upper, int) else 0.0) + (
                0.5 if isinstance(lower, int) else 0.0
            )
            gap = 0.25 if real else 0.1
            assert cross_of(lower) - cross_of(upper) >= sizes / 2 + gap - 1e-9
        for node in layer:
            if isinstance(node, int):
                main, _ = layout.centres[node]
                start, _ = layout.bands[layout.ranks[node]]
                assert main - (1.0 + 0.1 * (node % 3)) / 2 == pytest.approx(start)


@settings(max_examples=150)
@given(dags())
def test_routes_start_at_the_source_and_end_at_the_target(graph: tuple[list[int], Edges]) -> None:
    nodes, edges = graph
    layout = layout_of(nodes, edges)
    assert len(layout.routes) == len(edges)
    for (s, t), route in zip(edges, layout.routes):
        (main0, cross0), (main1, cross1) = route[0], route[-1]
        source_main, source_cross = layout.centres[s]
        target_main, target_cross = layout.centres[t]
        assert main0 == pytest.approx(source_main + (1.0 + 0.1 * (s % 3)) / 2)
        assert main1 == pytest.approx(target_main - (1.0 + 0.1 * (t % 3)) / 2)
        assert abs(cross0 - source_cross) <= 0.1 + 1e-9  # within the exit span
        assert abs(cross1 - target_cross) <= 0.1 + 1e-9  # within the entry span


def test_twin_edges_leave_and_enter_at_different_points() -> None:
    layout = layout_of([0, 1], [(0, 1), (0, 1)])
    first, second = layout.routes
    assert first[0] != second[0] and first[-1] != second[-1]


def brute_force_fewest(layers: list[list[int]], below: dict[int, list[int]]) -> int:
    return min(
        crossings([list(order) for order in orders], below)
        for orders in itertools.product(*(itertools.permutations(layer) for layer in layers))
    )


def test_barycentre_untangles_a_crossed_ladder() -> None:
    # Three rungs drawn in reverse: 3 crossings in the starting order, none after ordering.
    layers: list[list[int]] = [[0, 1, 2], [3, 4, 5]]
    below = {0: [5], 1: [4], 2: [3]}
    above = {5: [0], 4: [1], 3: [2]}
    assert crossings(layers, below) == 3
    ordered = order_layers(layers, below, above)
    assert crossings(ordered, below) == 0 == brute_force_fewest(layers, below)


def test_a_graph_that_must_cross_gets_its_minimum() -> None:
    # K(2,3) between the last two layers cannot be drawn without crossings: C(2,2)*C(3,2) = 3.
    layers: list[list[int]] = [[0, 1], [2, 3], [4, 5, 6]]
    below: dict[int, list[int]] = {0: [3], 1: [2], 2: [4, 5, 6], 3: [4, 5, 6]}
    above: dict[int, list[int]] = {2: [1], 3: [0], 4: [2, 3], 5: [2, 3], 6: [2, 3]}
    ordered = order_layers(layers, below, above)
    assert crossings(ordered, below) == brute_force_fewest(layers, below) == 3


# The warm-up expression of the demo (x = -4; z = 2x + 2 + x; q = relu(z) + z x;
# h = relu(z z); y = h + q + q x) as node numbers in creation order: 0 is x, 1 and 3 the
# constants 2, 13 the output y. x feeds ranks 1, 3, 4 and 6: its last three edges need 2 + 3 + 5
# virtual points.
WARMUP_EDGES = [
    (1, 2), (0, 2), (2, 4), (3, 4), (4, 5), (0, 5), (5, 6), (5, 7), (0, 7), (6, 8),
    (7, 8), (5, 9), (5, 9), (9, 10), (10, 11), (8, 11), (8, 12), (0, 12), (11, 13), (12, 13),
]  # fmt: skip


def test_the_warmup_graph_is_drawn_without_a_crossing() -> None:
    layout = layout_of(range(14), WARMUP_EDGES)
    assert layout.crossings == 0  # the fewest possible
    virtual = [slot for layer in layout.layers for slot in layer if isinstance(slot, VirtualPoint)]
    assert len(virtual) == 10 and {point.source for point in virtual} == {0}


@st.composite
def layered_graphs(
    draw: st.DrawFn,
) -> tuple[list[list[int]], dict[int, list[int]], dict[int, list[int]]]:
    """Two to four layers of up to three slots (few enough to try every order), with random
    edges between neighbouring layers."""
    sizes = draw(st.lists(st.integers(1, 3), min_size=2, max_size=4))
    layers, next_id = [], 0
    for size in sizes:
        layers.append(list(range(next_id, next_id + size)))
        next_id += size
    below: dict[int, list[int]] = {slot: [] for layer in layers for slot in layer}
    above: dict[int, list[int]] = {slot: [] for layer in layers for slot in layer}
    for upper, lower in itertools.pairwise(layers):
        pairs = [(u, v) for u in upper for v in lower]
        for u, v in draw(st.sets(st.sampled_from(pairs), min_size=1)):
            below[u].append(v)
            above[v].append(u)
    return layers, below, above


@settings(max_examples=150)
@given(layered_graphs())
def test_ordering_never_adds_crossings_and_beats_one_sweep(
    graph: tuple[list[list[int]], dict[int, list[int]], dict[int, list[int]]],
) -> None:
    layers, below, above = graph
    ordered = order_layers(layers, below, above)
    one_sweep = order_layers(layers, below, above, sweeps=1)
    assert [sorted(layer) for layer in ordered] == [sorted(layer) for layer in layers]
    assert crossings(ordered, below) <= crossings(one_sweep, below) <= crossings(layers, below)
    assert crossings(ordered, below) >= brute_force_fewest(layers, below)


def test_crossings_count_straight_line_intersections() -> None:
    # Edges from one slot, or into one slot, never cross; two swapped edges cross once.
    assert crossings([[0], [1, 2]], {0: [1, 2]}) == 0
    assert crossings([[0, 1], [2]], {0: [2], 1: [2]}) == 0
    assert crossings([[0, 1], [2, 3]], {0: [3], 1: [2]}) == 1
    assert crossings([[0, 1, 2], [3, 4, 5]], {0: [5], 1: [4], 2: [3]}) == 3


def test_the_layout_is_deterministic() -> None:
    nodes = list(range(12))
    edges = [(i, j) for i in nodes for j in nodes if i < j and (i * 7 + j * 3) % 5 == 0]
    first, second = layout_of(nodes, edges), layout_of(list(nodes), list(edges))
    assert first == second
    assert first.layers == second.layers and first.routes == second.routes


def test_long_edges_run_straight_through_the_ranks_they_cross() -> None:
    # A chain 0 -> 1 -> 2 -> 3 -> 4 with a shortcut 0 -> 4: the shortcut's virtual points
    # line up, so it is one straight line beside the chain.
    nodes = [0, 1, 2, 3, 4]
    edges = [(0, 1), (1, 2), (2, 3), (3, 4), (0, 4)]
    layout = layout_of(nodes, edges)
    shortcut = layout.routes[-1]
    middle = [cross for _, cross in shortcut[1:-1]]
    assert len(middle) == 6  # in and out of three bands
    assert max(middle) - min(middle) < 1e-3  # the coordinates settle to within 1e-4 inch


def test_a_cycle_or_an_unknown_node_is_refused() -> None:
    with pytest.raises(ValueError, match="cycle through 0, 1"):
        assign_ranks([0, 1], [(0, 1), (1, 0)])
    with pytest.raises(ValueError, match="not listed"):
        assign_ranks([0], [(0, 1)])
    with pytest.raises(ValueError, match="listed once"):
        assign_ranks([0, 0], [])


def test_a_single_node_and_an_empty_graph() -> None:
    layout = layout_of([7], [])
    assert layout.ranks == {7: 0} and layout.routes == () and layout.crossings == 0
    assert layout.centres[7] == pytest.approx((0.55, 0.25))
    empty = layered_layout([], [], {}, rank_gap=0.5, node_gap=0.2, edge_gap=0.1)
    assert empty.layers == ((),) and empty.size == (0.0, 0.0)
