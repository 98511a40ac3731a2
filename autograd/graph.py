"""Reading the graph: a node's inputs, constants and local derivatives; topological order.

A node keeps its operands in two fixed slots, ``_a`` and ``_b``, laid out by its op's kind
(see ``ops``); this module is the one place that knows the layout. Nothing here recurses,
so graphs of any depth work.
"""

from __future__ import annotations

import threading
from itertools import chain
from operator import attrgetter
from typing import TYPE_CHECKING

from .op import BINARY, CONST_LEFT, NARY, UNARY

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


def operands(node: Value) -> tuple[Value | float, ...]:
    """All of a node's operands in order, plain numbers included: (w₀…, x₀…, b) for a dot."""
    op = node._op
    if op is None:
        return ()
    if op.kind == NARY:
        return tuple(node._a)
    if op.kind == BINARY:
        return (node._a, node._b)
    if op.kind == CONST_LEFT:
        return (node._b, node._a)
    return (node._a,) if node._b is None else (node._a, node._b)


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


# Walks mark the nodes they reach and backward adds into their gradients: one at a time, so
# that two threads sharing a subgraph never mix their marks or lose an addition.
GRAPH_LOCK = threading.RLock()


def walk(root: Value) -> tuple[list[Value], list[Value]]:
    """(the non-leaf nodes ``root`` depends on in topological order, the leaves it reaches).

    A node's depth (1 + the deepest input; leaves are 0) is larger than any of its inputs',
    so listing the reachable nodes by depth gives a valid order. Reaching them is an
    explicit-stack walk (no recursion: a million-node chain is fine) that marks each node with
    a token fresh for this walk, instead of hashing nodes into a set.
    """
    with GRAPH_LOCK:
        return _walk(root)


def _walk(root: Value) -> tuple[list[Value], list[Value]]:
    # Each node is filed, in the order the walk finds it, in a list per depth (per band of
    # depths in graphs deeper than 2¹² levels, such as long chains; those lists are then
    # sorted, stably), and the lists are joined: the order of a stable sort of the found
    # nodes by depth, for a quarter of the cost of sorting them all.
    shift = max(0, root._depth.bit_length() - 12)
    bands: list[list[Value]] = [[] for _ in range((root._depth >> shift) + 1)]
    token = object()
    root._mark = token
    stack = [root]
    found_leaves = []
    push = stack.append
    pop = stack.pop
    while stack:
        node = pop()
        op = node._op
        if op is None:
            found_leaves.append(node)
            continue
        bands[node._depth >> shift].append(node)
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
    if shift:
        for band in bands:
            band.sort(key=_depth)
    return [*chain.from_iterable(bands)], found_leaves


def leaves(root: Value) -> list[Value]:
    """The leaf Values (inputs and parameters) that ``root`` depends on, each once."""
    return walk(root)[1]
