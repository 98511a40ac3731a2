"""Paths through the graph between an output and one of its inputs: the chain rule's terms.

``PathSet(output, wrt)`` finds every node on a path from ``output`` down to ``wrt``, counts
the paths without listing them (a deep network has exponentially many) and computes
∂output/∂node along them by the same reverse sweep as ``backward``; ``dag_paths`` lists them
one at a time. ``explain`` and ``draw`` read them. ``AllPaths(output, targets)`` gives the
same for many targets from one set of sweeps (``explain_all``: a network's every parameter
in time linear in the network, where one ``PathSet`` per parameter walks the whole graph
each time).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from operator import itemgetter
from typing import TYPE_CHECKING, Protocol

from .graph import inputs, local_grads, topological_order

if TYPE_CHECKING:
    from .value import Value

    Edges = dict[Value, list[tuple[Value, float]]]  # {node: [(input, local derivative), ...]}
    Parents = dict[Value, list[tuple[Value, float, int]]]  # {Q: [(P, ∂P/∂Q, Q's place in P's), ...]}


class PathView(Protocol):
    """What a derivation reads of the paths from ``output`` down to ``wrt``: a ``PathSet``, or
    one target's view of an ``AllPaths``."""

    output: Value
    wrt: Value
    total: float  # ∂output/∂wrt by backward's sweep; 0.0 when no path
    delta: dict[Value, float]  # ∂output/∂node, for every node on a path at least

    @property
    def n_labelled_paths(self) -> int:
        """The paths seen through labelled nodes (``labelled_edges``): 0 when not connected."""
        ...

    def labelled_edges(self) -> Edges: ...

    def nearest_labelled_users(self) -> dict[Value, float]: ...


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
        self.order, self.edges, self.delta = _on_paths(output, {wrt})
        self.n_paths = count_paths(self.edges, self.order, output, wrt)
        self.total = self.delta.get(wrt, 0.0) if self.n_paths else 0.0
        self._labelled: Edges | None = None

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

        One sweep in topological order, no path enumeration; computed once, then kept.
        """
        if self._labelled is None:
            self._labelled = _labelled(_below(self.order, self.edges, {self.wrt}), self.output)
        return self._labelled

    @property
    def n_labelled_paths(self) -> int:
        """How many paths ``labelled_edges`` has from output to wrt (0 when not connected)."""
        return count_paths(self.labelled_edges(), self.order, self.output, self.wrt) if self.n_paths else 0

    def nearest_labelled_users(self) -> dict[Value, float]:
        """{P: ∂P/∂wrt along routes through unlabelled nodes only}, for the labelled nodes P
        first met going up from wrt (the output counts as labelled)."""
        return {p: d for p, edges in self.labelled_edges().items() for q, d in edges if q is self.wrt}


class AllPaths:
    """``PathSet``'s reading of the paths from ``output`` down to each of many ``targets``, from
    one set of sweeps over the graph shared by all: ``to(wrt)`` is one target's view.

    The labelled graph is built once: ``parents[Q]`` lists the labelled nodes P (and the
    output) first met going up from Q, with ∂P/∂Q summed over the routes through unlabelled
    nodes between, and ``counts[Q]`` is how many paths through labelled nodes lead down to Q.
    Every number is the one ``PathSet(output, wrt)`` computes, bit for bit: each sweep adds the
    same products in the same order, only for more targets at once. The stops of the labelled
    graph are the labelled nodes and the leaf targets (a leaf is never passed through), so a
    target that is an unlabelled inner node gets its own ``PathSet`` from ``to``.
    """

    def __init__(self, output: Value, targets: Iterable[Value]) -> None:
        self.output = output
        self.targets = {t for t in targets if t.label or t._op is None or t is output}
        order, edges, self.delta = _on_paths(output, self.targets)
        # The targets are stops too: a leaf is never passed through, the rest are labelled.
        labelled = _labelled(_below(order, edges, self.targets), output)  # topological order
        self.counts = _counts_down(labelled, output)
        self.parents: Parents = {}
        for p, below in labelled.items():
            for place, (q, d) in enumerate(below):
                self.parents.setdefault(q, []).append((p, d, place))

    def to(self, wrt: Value) -> PathView:
        """The paths from the output down to ``wrt``, read as a ``PathSet`` reads them."""
        if wrt in self.targets:
            return _PathsTo(self, wrt)
        return PathSet(self.output, wrt)


class _PathsTo:
    """One target's view of ``AllPaths``: what ``PathSet`` gives, read from the shared sweeps.

    Reading costs what it returns (the labelled parents of wrt; the labelled edges of the nodes
    above it), not the graph's size.
    """

    def __init__(self, paths: AllPaths, wrt: Value) -> None:
        self.output, self.wrt, self.delta = paths.output, wrt, paths.delta
        self._parents = paths.parents
        self.n_labelled_paths = paths.counts.get(wrt, 0)
        self.total = self.delta.get(wrt, 0.0) if self.n_labelled_paths else 0.0

    def labelled_edges(self) -> Edges:
        """``PathSet.labelled_edges``: each labelled node above wrt with its labelled inputs that
        lead to wrt, in the order the sweep met them; found going up from wrt."""
        found: dict[Value, list[tuple[int, Value, float]]] = {}
        seen, stack = {self.wrt}, [self.wrt]
        while stack:
            q = stack.pop()
            for p, d, place in self._parents.get(q, ()):
                found.setdefault(p, []).append((place, q, d))
                if p not in seen:
                    seen.add(p)
                    stack.append(p)
        return {p: [(q, d) for _, q, d in sorted(e, key=itemgetter(0))] for p, e in found.items()}

    def nearest_labelled_users(self) -> dict[Value, float]:
        """``PathSet.nearest_labelled_users``: the labelled parents of wrt, in topological order."""
        return {p: d for p, d, _ in self._parents.get(self.wrt, ())}


def _below(order: list[Value], edges: Edges, stops: set[Value]) -> dict[Value, dict[Value, float]]:
    """{node: {Q: ∂node/∂Q summed over the routes through unlabelled nodes}}, Q the labelled
    nodes (and ``stops``) first met below node along ``edges``: one sweep, inputs before users.

    An unlabelled node read by one user alone, through a partial of 1 (``sum(terms)``'s chain
    of additions), hands that user its map instead of a copy: a sum of n labelled terms costs
    n steps, not n²/2. The numbers are the same (1·v is v), but for the sign of a zero."""
    users: dict[Value, int] = {}
    for node in order:
        for x, _ in edges[node]:
            users[x] = users.get(x, 0) + 1
    below: dict[Value, dict[Value, float]] = {}
    for node in order:  # inputs before users
        acc: dict[Value, float] | None = None
        for x, d in edges[node]:
            if acc is None and d == 1.0 and users[x] == 1 and not (x.label or x in stops):
                acc = below.pop(x)  # its only reader: taken over, not copied
                continue
            acc = {} if acc is None else acc
            if x.label or x in stops:
                acc[x] = acc.get(x, 0.0) + d
            else:
                for q, v in below[x].items():
                    acc[q] = acc.get(q, 0.0) + d * v
        below[node] = {} if acc is None else acc
    return below


def _labelled(below: dict[Value, dict[Value, float]], output: Value) -> Edges:
    """``below`` kept for the labelled nodes and the output, as edge lists."""
    return {n: list(acc.items()) for n, acc in below.items() if n.label or n is output}


def _counts_down(labelled: Edges, output: Value) -> dict[Value, int]:
    """How many paths along ``labelled`` (in topological order) lead from ``output`` down to each
    node: a node's count is the sum of its users', so one sweep from the output down counts
    them for every node at once."""
    counts = {output: 1}
    for p in reversed(list(labelled)):  # users before inputs
        c = counts[p]
        for q, _ in labelled[p]:
            counts[q] = counts.get(q, 0) + c
    return counts


def _on_paths(output: Value, targets: set[Value]) -> tuple[list[Value], Edges, dict[Value, float]]:
    """(the nodes on a path from output down to a target, in topological order; their input
    edges that lead on to a target; ∂output/∂node by backward's sweep along those edges)."""
    order = topological_order(output)
    edges = _edges_to(targets, order)
    delta = _deltas(output, order, edges)
    # Keep only what the output reaches: a node that leads to a target but hangs below the
    # output only through a held-constant shift is on no path.
    edges = {n: e for n, e in edges.items() if n in delta}
    return [n for n in order if n in edges], edges, delta


def _edges_to(targets: set[Value], order: list[Value]) -> Edges:
    """{node: its input edges that lead to one of ``targets``}, in one sweep, inputs before users."""
    edges: Edges = {}
    reaches = set(targets)
    for node in order:  # inputs before users
        op = node._op
        if op is None or op.blocks:  # a held-constant node passes no path on
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
