"""Values across ``copy``, ``deepcopy`` and ``pickle`` (multiprocessing, joblib): graph and all.

A computed Value travels as its whole graph, flattened in topological order, so that a graph
of any depth copies without recursion (Python's default would recurse once per level and stop
near a thousand). Leaves travel as themselves, so a model's parameters keep their identity
when the model and a loss are pickled together; ops travel by name (``op.op_named``), since
backward tells them apart by identity. Computed nodes are rebuilt per copied root: copying
a root together with some of its own inner nodes (a list of both) gives those inner nodes a
graph of their own, so differentiate the copied root, not its copied parts. A graph whose
leaves changed after it was computed is not copied (the copy would hide that).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .anomaly import name
from .backprop import check_unchanged
from .generated import operators
from .graph import walk
from .op import BINARY, NARY, Op

if TYPE_CHECKING:
    from .value import Value

# One computed node: (op, first slot, second slot, data, grad, label, depth), where a slot that
# holds a Value holds its index in the rebuilt list instead (leaves first, then nodes).
Row = tuple[Op, Any, Any, float, float, str, int]


def reduce(v: Value) -> tuple[Callable[..., Value], tuple[Any, ...]]:
    """``v.__reduce__``: a leaf by its numbers, a computed Value by its flattened graph."""
    if v._op is None:
        return leaf, (v._data, v._grad, v._label)
    order, leaves = walk(v)
    check_unchanged(v, leaves, f"cannot copy {name(v)}")  # a copy would look fresh, its numbers stale
    index = {id(x): i for i, x in enumerate([*leaves, *order])}
    rows = [(n._op, _slot_a(n, index), _slot_b(n, index), n._data, n._grad, n._label, n._depth)
            for n in order]
    return graph, (leaves, rows)


def _slot_a(node: Value, index: dict[int, int]) -> Any:
    if node._op is not None and node._op.kind == NARY:
        return tuple(x if type(x) is float else index[id(x)] for x in node._a)
    return index[id(node._a)]


def _slot_b(node: Value, index: dict[int, int]) -> Any:
    return index[id(node._b)] if node._op is not None and node._op.kind == BINARY else node._b


def leaf(data: float, grad: float, label: str) -> Value:
    """A leaf Value with these numbers (``Value(data, label)`` with its gradient)."""
    from .value import Value

    v = Value(data, label)
    v._grad = grad
    return v


def graph(leaves: list[Value], rows: list[Row]) -> Value:
    """The graph ``reduce`` flattened, rebuilt over ``leaves``: its root, the last node."""
    from .value import Value

    nodes: list[Any] = list(leaves)
    for op, a, b, data, grad, label, depth in rows:
        v = object.__new__(Value)
        v._op, v._data, v._grad, v._label, v._depth, v._mark = op, data, grad, label, depth, None
        v._born = operators.EPOCH  # made now, from the copied numbers
        v._a = tuple(x if type(x) is float else nodes[x] for x in a) if op.kind == NARY else nodes[a]
        v._b = nodes[b] if op.kind == BINARY else b
        nodes.append(v)
    root: Value = nodes[-1]
    return root
