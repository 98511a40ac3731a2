"""The eager engine's fast paths give exactly what the plain paths gave.

``graph.walk`` files nodes by depth instead of sorting them (by bands of depths, then sorted,
in graphs deeper than 2¹² levels): its order must be that of a stable sort by depth of the
nodes in the order the walk finds them, since the order in which a node's users are visited
decides how its gradient is rounded. ``dot`` reads exact Values and floats in one pass and
leaves everything else to the checking loop.
"""

from __future__ import annotations

import random
from fractions import Fraction
from itertools import pairwise
from operator import attrgetter

import pytest

from autograd import Value, dot, vsum
from autograd.graph import walk
from autograd.op import BINARY, NARY
from nn import MLP


def _reference_order(root: Value) -> list[Value]:
    """The walk as it was: depth-first discovery, then a stable sort by depth."""
    token = object()
    root._mark = token
    stack, order = [root], []
    while stack:
        node = stack.pop()
        if node._op is None:
            continue
        order.append(node)
        kind = node._op.kind
        found = [x for x in node._a if type(x) is not float] if kind == NARY else \
            [node._a, node._b] if kind == BINARY else [node._a]
        for x in found:
            if x._mark is not token:
                x._mark = token
                stack.append(x)
    order.sort(key=attrgetter("_depth"))
    return order


def _random_graph(n: int, window: int, seed: int) -> Value:
    """n nodes, each reading one of the last ``window`` nodes and any earlier one."""
    rng = random.Random(seed)
    nodes = [Value(0.5), Value(-1.5)]
    for i in range(n):
        a, b = rng.choice(nodes[-window:]), rng.choice(nodes)
        kind = i % 4
        nodes.append(a * b if kind == 0 else a + 0.25 if kind == 1 else
                     dot([a, b], [b, 2.0], a) if kind == 2 else (a - b).tanh())
    return nodes[-1]


@pytest.mark.parametrize(("n", "window", "seed"), [(2_000, 40, 1), (2_000, 400, 2), (12_000, 2, 3)])
def test_the_walk_lists_nodes_as_a_stable_sort_by_depth_would(n, window, seed):
    root = _random_graph(n, window, seed)
    order, _ = walk(root)
    assert order == _reference_order(root)


def test_a_graph_deeper_than_a_band_keeps_the_same_order():
    root = _random_graph(12_000, 2, 4)
    assert root._depth > 4096  # the banded path
    order, leaves = walk(root)
    assert order == _reference_order(root)
    assert len(leaves) == 2


@pytest.mark.slow
def test_a_million_node_chain_walks_in_order():
    x = Value(0.5)
    y = x
    for i in range(1_000_000):
        y = y * 0.9999999 if i % 2 else y + 1e-7
    order, leaves = walk(y)
    assert order[0]._depth == 1 and order[-1] is y and leaves == [x]
    assert all(a._depth < b._depth for a, b in pairwise(order))


def test_dot_with_a_label_names_its_node():
    w, x = [Value(1.0), Value(2.0)], [Value(3.0), 4.0]
    net = dot(w, x, Value(0.5), label="net[0,0]")
    assert net.label == "net[0,0]" and net.data == 11.5
    with pytest.raises(TypeError):
        dot(w, x, label=3)  # type: ignore[arg-type]


@pytest.mark.parametrize("plain", [2, Fraction(1, 3), 2.5])
def test_dot_converts_what_is_not_an_exact_float_as_before(plain):
    class Sub(Value):
        __slots__ = ()

    w = [Value(1.5), Sub(-2.0)]
    net = dot(w, [plain, Value(0.25)], 1)
    assert net.constants == (float(plain), 1.0)
    assert net.data == 1.5 * float(plain) - 0.5 + 1.0
    with pytest.raises(TypeError, match="or a Value"):
        dot(w, ["1", 2.0])


def test_the_fast_and_checked_passes_give_the_same_bits():
    rng = random.Random(7)
    xs = [rng.uniform(-1, 1) for _ in range(16)]
    ws = [Value(rng.uniform(-1, 1)) for _ in range(16)]
    fast = dot(ws, [Value(x) for x in xs], Value(0.1))
    checked = dot(ws, [Value(x) for x in xs[:-1]] + [Fraction(xs[-1])], Value(0.1))
    assert fast.data == checked.data
    fast.backward()
    grads = [w.grad for w in ws]
    for w in ws:
        w.grad = 0.0
    checked.backward()
    assert grads == [w.grad for w in ws]
    assert vsum([Value(1.0), 2.0, Value(3.0)]).data == 6.0


def test_neurons_still_label_their_nodes():
    model = MLP(2, [3, 1], seed=1)
    out = model([0.5, -0.5])
    assert out.label == "net[1,0]"  # a linear output keeps its net label
    hidden = [x for x in out.inputs if x.op == "relu"]
    assert sorted(h.label for h in hidden) == ["out[0,0]", "out[0,1]", "out[0,2]"]
    assert sorted(h.inputs[0].label for h in hidden) == ["net[0,0]", "net[0,1]", "net[0,2]"]
