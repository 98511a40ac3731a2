"""Reading the graph: a node's inputs and local derivatives, and topological order.

A node keeps its operands in two fixed slots, ``_a`` and ``_b``, laid out by its op's kind
(see ``ops``); this module is the one place that knows the layout. Nothing here recurses,
so graphs of any depth work.
"""

from __future__ import annotations

from collections.abc import Iterator
from operator import attrgetter
from typing import TYPE_CHECKING

from .ops import BINARY, CONST_LEFT, NARY, UNARY

if TYPE_CHECKING:
    from .value import Value

_depth = attrgetter("_depth")


def inputs(node: Value) -> tuple[Value, ...]:
    """The Values a node was computed from, in operand order (constants left out)."""
    op = node._op
    if op is None:
        return ()
    kind = op.kind
    if kind == BINARY:
        return (node._a, node._b)
    if kind == NARY:
        return tuple(x for x in node._a if type(x) is not float)
    return (node._a,)


def local_grads(node: Value) -> tuple[float, ...]:
    """∂node/∂input for each of ``inputs(node)``, at the forward values, from the op table."""
    op = node._op
    if op is None:
        return ()
    out = node._data
    kind = op.kind
    if kind == UNARY:
        return (op.d0(out, node._a._data, node._b),)
    if kind == BINARY:
        x, y = node._a._data, node._b._data
        return (op.d0(out, x, y), op.d1(out, x, y))
    if kind == CONST_LEFT:
        return (op.d0(out, node._b, node._a._data),)
    operands = node._a
    partials = op.dn(out, operand_data(operands))
    return tuple(d for x, d in zip(operands, partials) if type(x) is not float)


def operand_data(operands: tuple) -> list[float]:
    """The floats of an NARY node's operands (constants are already floats)."""
    return [x if type(x) is float else x._data for x in operands]


def constants(node: Value) -> tuple[float, ...]:
    """The plain-number operands a node holds besides its input Values (e.g. the 2 in x*2)."""
    op = node._op
    if op is None or op.kind == BINARY:
        return ()
    if op.kind == NARY:
        return tuple(x for x in node._a if type(x) is float)
    return () if node._b is None else (node._b,)


def topological_order(root: Value) -> list[Value]:
    """Every non-leaf node that ``root`` depends on (root included), inputs before users."""
    return walk(root)[0]


def walk(root: Value) -> tuple[list[Value], list[Value]]:
    """(the non-leaf nodes ``root`` depends on in topological order, the leaves it reaches).

    A node's depth (1 + the deepest input; leaves are 0) is larger than any of its inputs',
    so sorting the reachable set by depth, a C-level sort, gives a valid order. Reaching the
    set is an explicit-stack walk (no recursion: a million-node chain is fine) that marks
    each node with a token fresh for this walk, instead of hashing nodes into a set.
    """
    token = object()
    root._mark = token
    stack = [root]
    order = []
    found_leaves = []
    push = stack.append
    while stack:
        node = stack.pop()
        op = node._op
        if op is None:
            found_leaves.append(node)
            continue
        order.append(node)
        kind = op.kind
        a = node._a
        if kind == NARY:
            for x in a:
                if type(x) is not float and x._mark is not token:
                    x._mark = token
                    push(x)
            continue
        if a._mark is not token:
            a._mark = token
            push(a)
        if kind == BINARY:
            b = node._b
            if b._mark is not token:
                b._mark = token
                push(b)
    order.sort(key=_depth)
    return order, found_leaves


def leaves(root: Value) -> list[Value]:
    """The leaf Values (inputs and parameters) that ``root`` depends on, each once."""
    return walk(root)[1]


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
        self.edges: dict[Value, list[tuple[Value, float]]] = {}
        counts: dict[Value, int] = {wrt: 1}
        for node in order:  # inputs before users
            op = node._op
            if node is wrt or op is None or op.blocks:  # a held-constant node passes no path on
                continue
            edges = [(x, d) for x, d in zip(inputs(node), local_grads(node)) if x in counts]
            if edges:
                self.edges[node] = edges
                counts[node] = sum(counts[x] for x, _ in edges)
        self.n_paths = counts.get(output, 0)
        self.delta: dict[Value, float] = {output: 1.0}
        for node in reversed(order):
            g = self.delta.get(node)
            if g is not None and node in self.edges:
                for x, d in self.edges[node]:
                    self.delta[x] = self.delta.get(x, 0.0) + g * d
        self.total = self.delta.get(wrt, 0.0) if self.n_paths else 0.0
        # Keep only what the output reaches: a node that leads to wrt but hangs below the
        # output only through a held-constant shift is on no path.
        self.edges = {n: e for n, e in self.edges.items() if n in self.delta}
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

    def nearest_labelled_users(self) -> dict[Value, float]:
        """{P: ∂P/∂wrt along routes through unlabelled nodes only}, for the labelled nodes P
        first met going up from wrt (the output counts as labelled).

        One sweep in topological order, no path enumeration: ``through[n]`` is ∂n/∂wrt along
        routes whose inner nodes are all unlabelled.
        """
        through: dict[Value, float] = {self.wrt: 1.0}
        found: dict[Value, float] = {}
        for node in self.order:  # inputs before users
            total = 0.0
            reached = False
            for x, d in self.edges[node]:
                if x in through:
                    total += d * through[x]
                    reached = True
            if not reached:
                continue
            if node.label or node is self.output:
                found[node] = total
            else:
                through[node] = total
        return found


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
