"""Properties of random expression graphs (see random_graphs.py): gradcheck agrees, and
backward applies exactly the local derivatives that ``local_grads`` reports."""

import math
from collections import defaultdict

from hypothesis import given
from random_graphs import build, function, programs, run

import autograd


@given(programs())
def test_random_graphs_pass_gradcheck(program):
    leaves, _ = build(program)
    result = autograd.gradcheck(function(program[1]), leaves)
    assert result, str(result)
    assert len(result.rows) == len(leaves)


def reverse_pass(root, order):
    """Reverse mode by hand from ``.inputs`` and ``.local_grads`` alone, along ``order``
    (inputs before users). Returns each node's gradient and a bound on its magnitude (the
    same sums over absolute values), which bounds the rounding error of any other order."""
    grad, scale = defaultdict(float), defaultdict(float)
    grad[root] = scale[root] = 1.0
    for node in reversed(order):
        assert len(node.inputs) == len(node.local_grads)
        for x, d in zip(node.inputs, node.local_grads):
            assert type(d) is float
            grad[x] += grad[node] * d
            scale[x] += scale[node] * abs(d)
    return grad, scale


def own_topological_order(root):
    """Inputs before users, by Kahn's algorithm: independent of the engine's order."""
    users, stack, seen = defaultdict(int), [root], {root}
    while stack:
        for x in stack.pop().inputs:
            users[x] += 1
            if x not in seen:
                seen.add(x)
                stack.append(x)
    order, ready = [], [root]
    while ready:
        node = ready.pop()
        order.append(node)
        for x in node.inputs:
            users[x] -= 1
            if users[x] == 0:
                ready.append(x)
    assert len(order) == len(seen)
    return [n for n in reversed(order) if not n.is_leaf]


@given(programs(max_steps=15))
def test_backward_uses_exactly_the_reported_local_grads(program):
    leaves, nodes = build(program)
    root = nodes[-1]
    root.backward()
    everything = set(autograd.topological_order(root)) | set(autograd.leaves(root))

    # Same order as backward: bit-identical gradients.
    grad, _ = reverse_pass(root, autograd.topological_order(root))
    for v in everything:
        assert v.grad.hex() == grad[v].hex(), (v, grad[v])

    # An order of our own: equal up to rounding, bounded by the sums of absolute terms.
    grad, scale = reverse_pass(root, own_topological_order(root))
    for v in everything:
        assert math.isclose(v.grad, grad[v], rel_tol=1e-12, abs_tol=1e-12 * scale[v]), (v, grad[v])
    for leaf in leaves:  # unreachable leaves get nothing
        assert leaf in everything or leaf.grad == 0.0


@given(programs(max_steps=15))
def test_topological_order_puts_inputs_first_and_lists_each_node_once(program):
    _, nodes = build(program)
    root = nodes[-1]
    order = autograd.topological_order(root)
    position = {node: k for k, node in enumerate(order)}
    assert len(position) == len(order)
    assert order[-1] is root
    assert set(order) == set(own_topological_order(root))
    for node in order:
        assert all(x.is_leaf or position[x] < position[node] for x in node.inputs)


@given(programs())
def test_backward_twice_doubles_every_gradient_exactly(program):
    leaves, nodes = build(program)
    root = nodes[-1]
    root.backward()
    first = {v: v.grad for v in autograd.topological_order(root) + leaves}
    root.backward()
    for v, g in first.items():
        assert v.grad == 2 * g, (v, g)


@given(programs())
def test_zero_grad_clears_the_whole_graph(program):
    _, nodes = build(program)
    root = nodes[-1]
    root.backward()
    root.zero_grad()
    assert all(v.grad == 0.0 for v in autograd.topological_order(root) + autograd.leaves(root))


@given(programs())
def test_no_grad_computes_the_same_values(program):
    leaves, nodes = build(program)
    with autograd.no_grad():
        plain = run(program[1], leaves)
    assert [v.data.hex() for v in plain] == [v.data.hex() for v in nodes]
    assert all(v.is_leaf and v.op == "" and v.inputs == () for v in plain)
