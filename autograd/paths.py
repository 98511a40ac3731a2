"""Paths through the graph between an output and one of its inputs: the chain rule's terms.

``PathSet(output, wrt)`` finds every node on a path from ``output`` down to ``wrt``, counts
the paths without listing them (a deep network has exponentially many) and computes
∂output/∂node along them by the same reverse sweep as ``backward``; ``dag_paths`` lists them
one at a time. ``explain`` and ``draw`` read them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from .graph import inputs, local_grads, topological_order

if TYPE_CHECKING:
    from .value import Value

    Edges = dict[Value, list[tuple[Value, float]]]  # {node: [(input, local derivative), ...]}


class PathSet:
    """The paths from ``output`` down to ``wrt``: how many, which edges, and ∂output/∂node.

    ``edges[node]`` lists (input, local derivative) for the inputs of ``node`` that lead to
    ``wrt``; ``delta[node]`` is ∂output/∂node for every node on a path, computed by the same
    reverse sweep (same order, same products) as ``backward``, so ``total`` equals
    ``wrt.grad`` after a single ``output.backward()``. Counting paths needs no enumeration:
    a deep network has exponentially many.
    """

    def __init__(self, output: Value, wrt: Value) -> None:
        self.output, self.wrt = output, wrt
        order = topological_order(output)
        edges = _edges_to(wrt, order)
        self.n_paths = count_paths(edges, order, output, wrt)
        self.delta = _deltas(output, order, edges)
        self.total = self.delta.get(wrt, 0.0) if self.n_paths else 0.0
        # Keep only what the output reaches: a node that leads to wrt but hangs below the
        # output only through a held-constant shift is on no path.
        self.edges: Edges = {n: e for n, e in edges.items() if n in self.delta}
        self.order = [n for n in order if n in self.edges]

    @property
    def nodes(self) -> set[Value]:
        """Every node on some path from output to wrt (both included when connected)."""
        if not self.n_paths:
            return set()
        return {*self.edges, self.wrt}

    def paths(self) -> Iterator[list[tuple[Value, float]]]:
        """Each path as its edges [(node reached, local derivative), ...], depth first.

        The list is reused between paths: copy it to keep one.
        """
        return dag_paths(self.edges, self.output, self.wrt)

    def labelled_edges(self) -> Edges:
        """The paths seen through labelled nodes only: {P: [(Q, ∂P/∂Q), ...]} for each labelled
        node P (and the output), Q the labelled nodes (or wrt) first met below P, and ∂P/∂Q
        summed over every route through unlabelled nodes between them. Paths that differ only
        in unlabelled nodes are then one path, with one edge per pair of labelled nodes.

        One sweep in topological order, no path enumeration.
        """
        below: dict[Value, dict[Value, float]] = {}
        for node in self.order:  # inputs before users
            acc: dict[Value, float] = {}
            for x, d in self.edges[node]:
                if x is self.wrt or x.label:
                    acc[x] = acc.get(x, 0.0) + d
                else:
                    for q, v in below[x].items():
                        acc[q] = acc.get(q, 0.0) + d * v
            below[node] = acc
        return {n: list(acc.items()) for n, acc in below.items() if n.label or n is self.output}

    def nearest_labelled_users(self) -> dict[Value, float]:
        """{P: ∂P/∂wrt along routes through unlabelled nodes only}, for the labelled nodes P
        first met going up from wrt (the output counts as labelled)."""
        return {p: d for p, edges in self.labelled_edges().items() for q, d in edges if q is self.wrt}


def _edges_to(wrt: Value, order: list[Value]) -> Edges:
    """{node: its input edges that lead to wrt}, in one sweep, inputs before users."""
    edges: Edges = {}
    reaches = {wrt}
    for node in order:  # inputs before users
        op = node._op
        if node is wrt or op is None or op.blocks:  # a held-constant node passes no path on
            continue
        through = [(x, d) for x, d in zip(inputs(node), local_grads(node)) if x in reaches]
        if through:
            edges[node] = through
            reaches.add(node)
    return edges


def count_paths(edges: Edges, order: list[Value], start: Value, end: Value) -> int:
    """How many paths ``edges`` has from ``start`` down to ``end``: a node's count is the sum of
    its inputs', so they are counted without listing them (a deep network has exponentially many)."""
    counts = {end: 1}
    for node in order:  # inputs before users
        if node in edges:
            counts[node] = sum(counts.get(q, 0) for q, _ in edges[node])
    return counts.get(start, 1 if start is end else 0)


def _deltas(output: Value, order: list[Value], edges: Edges) -> dict[Value, float]:
    """∂output/∂node along ``edges``, by ``backward``'s own reverse sweep: same order, same sums."""
    delta: dict[Value, float] = {output: 1.0}
    for node in reversed(order):
        g = delta.get(node)
        if g is not None and node in edges:
            for x, d in edges[node]:
                delta[x] = delta.get(x, 0.0) + g * d
    return delta


def dag_paths(
    edges: dict[Value, list[tuple[Value, float]]], start: Value, end: Value
) -> Iterator[list[tuple[Value, float]]]:
    """Every path from ``start`` to ``end`` along ``edges`` ({node: [(next, weight), ...]}),
    depth first, as a list of (node reached, weight) that is reused between paths."""
    if start is end:
        yield []
        return
    stack: list[tuple[Value, int]] = [(start, 0)]
    trail: list[tuple[Value, float]] = []
    while stack:
        node, i = stack.pop()
        del trail[len(stack):]  # the trail reaches node: one edge per stack entry below it
        out = edges.get(node, ())
        if i < len(out):
            stack.append((node, i + 1))
            x, d = out[i]
            trail.append((x, d))
            if x is end:
                yield trail
                trail.pop()
            else:
                stack.append((x, 0))
