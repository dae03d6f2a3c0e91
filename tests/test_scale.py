"""Deep and wide graphs: a million-node chain and a node with 100,000 inputs, no recursion."""

from __future__ import annotations

import sys

from mgfunc import Value, backward, linear, sum_values
from mgfunc.graph import edges, nodes

CHAIN = 1_000_000
WIDE = 100_000


def test_a_million_node_chain_differentiates_and_lists_without_recursion() -> None:
    assert 100 * sys.getrecursionlimit() < CHAIN  # far past any recursive walk
    x = Value(0.5, label="x")
    v = Value(0.25, label="v")
    y = x
    for _ in range(CHAIN):
        y = y + v
    grads = backward(y)
    assert grads[v] == float(CHAIN)  # v is added once per step
    assert grads[x] == 1.0
    assert y.data == 0.5 + 0.25 * CHAIN
    node_rows = nodes(y, grads)
    assert len(node_rows) == CHAIN + 2
    assert (node_rows[0].label, node_rows[-1].id) == ("x", y.id)
    assert {row.grad for row in node_rows if row.op == "+"} == {1.0}
    edge_rows = edges(y)
    assert len(edge_rows) == 2 * CHAIN
    assert sum(row.from_id == v.id for row in edge_rows) == CHAIN


def test_a_sum_of_100_000_terms_is_one_node() -> None:
    terms = [Value(float(i), label=f"t{i}") for i in range(WIDE)]
    total = sum_values(terms)
    assert total.data == float(sum(range(WIDE)))
    grads = backward(total * 2.0)
    assert all(grads[term] == 2.0 for term in terms)
    assert len(nodes(total)) == WIDE + 2  # the terms, the start constant, the sum
    assert len(edges(total)) == WIDE + 1


def test_a_linear_node_with_100_000_weights_has_the_right_gradients() -> None:
    weights = [Value((i % 7) - 3.0) for i in range(WIDE)]
    inputs = [Value((i % 5) * 0.5) for i in range(WIDE)]
    bias = Value(1.5)
    z = linear(weights, inputs, bias)
    assert z.data == 1.5 + sum(w.data * x.data for w, x in zip(weights, inputs, strict=True))
    grads = backward(z)
    assert all(grads[w] == x.data for w, x in zip(weights, inputs, strict=True))
    assert all(grads[x] == w.data for w, x in zip(weights, inputs, strict=True))
    assert grads[bias] == 1.0
    assert len(edges(z)) == 2 * WIDE + 1
