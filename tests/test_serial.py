"""copy, deepcopy and pickle of Values, graphs and Modules: the same numbers, the same gradients."""

import copy
import math
import pickle

import pytest

from autograd import Value, dot, ops, shift, vsum
from autograd.op import op_named
from nn import MLP, SGD, losses

COPIES = {
    "deepcopy": copy.deepcopy,
    "pickle": lambda v: pickle.loads(pickle.dumps(v)),
    "pickle-0": lambda v: pickle.loads(pickle.dumps(v, protocol=0)),
}


def graph():
    """A graph with every operand layout: binary, constants on either side, n-ary, held-constant."""
    x, y = Value(0.5, label="x"), Value(-1.5, label="y")
    h = (x * y + 2.0 - x.exp()).tanh()
    h.label = "h"
    out = vsum([h, dot([x, 0.25], [y, x], bias=1.0), (3.0 / (y * y + 1.0)) ** x, shift([x, y]) * y])
    return out, (x, y)


def leaves_of(out):
    from autograd import leaves

    return sorted(leaves(out), key=lambda v: v.label)


@pytest.mark.parametrize("make", COPIES.values(), ids=COPIES)
def test_a_copied_graph_gives_the_same_gradients(make):
    out, (x, y) = graph()
    twin = make(out)
    assert twin is not out and twin.data == out.data and twin.label == out.label
    out.backward()
    twin.backward()
    tx, ty = leaves_of(twin)
    assert (tx.label, ty.label) == ("x", "y") and tx is not x
    assert (tx.grad, ty.grad) == (x.grad, y.grad) != (0.0, 0.0)


def test_copy_copy_rebuilds_the_graph_over_the_same_leaves():
    out, (x, y) = graph()
    twin = copy.copy(out)
    twin.backward()
    reference = graph()[0]
    reference.backward()
    assert set(map(id, leaves_of(twin))) == {id(x), id(y)}
    assert (x.grad, y.grad) == tuple(v.grad for v in leaves_of(reference))


@pytest.mark.parametrize("make", COPIES.values(), ids=COPIES)
def test_ops_travel_by_name_and_stay_the_rows_of_the_table(make):
    for op in (*ops.NODE_OPS, ops.DOT, ops.SUM, ops.SHIFT):
        assert make(op) is op
        assert copy.copy(op) is op
    assert op_named("mul", "c") is ops.MUL.forms[0]
    with pytest.raises(ValueError, match="no op 'cube'"):
        op_named("cube")


@pytest.mark.parametrize("make", COPIES.values(), ids=COPIES)
def test_a_deep_graph_copies_without_recursion(make):
    x = Value(1.0, label="x")
    y = x
    for k in range(20_000):
        y = y * 1.0001 if k % 2 else y + 0.5
    twin = make(y)
    twin.backward()
    (tx,) = leaves_of(twin)
    assert math.isclose(tx.grad, 1.0001 ** 10_000, rel_tol=1e-12)


@pytest.mark.parametrize("make", COPIES.values(), ids=COPIES)
def test_a_model_copies_and_trains_the_same(make):
    net = MLP(2, [3, 2], activations=["tanh", "softmax"], seed=4)
    twin = make(net)
    assert twin.state_dict() == net.state_dict()
    for model in (net, twin):
        opt = SGD(model.parameters(), lr=0.1)
        for x, k in (([0.5, -1.0], 0), ([1.5, 0.25], 1)):
            E = losses.cross_entropy(model(x), k, from_logits=False)
            model.zero_grad()
            E.backward()
            opt.step()
    assert twin.state_dict() == net.state_dict()
    assert [p.label for p in twin.parameters()] == [p.label for p in net.parameters()]


def test_a_model_and_its_loss_pickled_together_share_the_parameters():
    net = MLP(2, [2, 1], seed=1)
    E = losses.squared_error(net([1.0, 2.0]), 0.5)
    net2, E2 = pickle.loads(pickle.dumps((net, E)))
    E2.backward()
    E.backward()
    assert [p.grad for p in net2.parameters()] == [p.grad for p in net.parameters()]
    assert any(p.grad for p in net2.parameters())


def test_multiprocessing_can_send_a_model():
    import multiprocessing

    net = MLP(2, [2, 1], seed=2)
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        (got,) = pool.map(_output, [net])
    assert got == net([0.3, -0.7]).data


def _output(net):
    return net([0.3, -0.7]).data


@pytest.mark.parametrize("make", [*COPIES.values(), copy.copy], ids=[*COPIES, "copy"])
def test_a_graph_with_a_changed_leaf_is_not_copied(make):
    x = Value(2.0, label="x")
    y = x * x
    x.data = 3.0
    with pytest.raises(RuntimeError, match=r"cannot copy .*'x' changed"):
        make(y)
