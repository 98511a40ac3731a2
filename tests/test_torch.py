"""Values and gradients against PyTorch (float64), on random graphs and at the edge cases."""

import math
from types import SimpleNamespace

import pytest
from helpers import same
from hypothesis import given
from random_graphs import build, programs, run

import autograd
from autograd import Value

torch = pytest.importorskip("torch")


def tensor(x):
    return torch.tensor(float(x), dtype=torch.float64, requires_grad=True)


def torch_dot(weights, xs, bias=None):
    return sum(w * x for w, x in zip(weights, xs)) + (0.0 if bias is None else bias)


TORCH_LIB = SimpleNamespace(dot=torch_dot, vsum=sum)


def close(a, b):
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


@given(programs())
def test_random_graphs_agree_with_torch(program):
    leaves, nodes = build(program)
    nodes[-1].backward()
    tensors = [tensor(x) for x in program[0]]
    expected = run(program[1], tensors, TORCH_LIB)
    expected[-1].backward()
    for ours, theirs in zip(nodes, expected):
        assert close(ours.data, theirs.item()), (ours.data, theirs.item())
    for leaf, t in zip(leaves, tensors):
        theirs = 0.0 if t.grad is None else t.grad.item()
        assert close(leaf.grad, theirs), (leaf, theirs)


EDGE_CASES = [
    # (name, f, inputs): the same expression for Values and for tensors
    ("relu at 0", lambda x: x.relu(), [0.0]),
    ("abs at 0", lambda x: x.abs(), [0.0]),
    ("abs at -0.0", lambda x: abs(x), [-0.0]),
    ("0 ** 0", lambda x, y: x**y, [0.0, 0.0]),
    ("0 ** 2", lambda x, y: x**y, [0.0, 2.0]),
    ("0 ** 1", lambda x, y: x**y, [0.0, 1.0]),
    ("0 ** 0.5", lambda x, y: x**y, [0.0, 0.5]),
    ("0 ** -1", lambda x, y: x**y, [0.0, -1.0]),
    ("-0.0 ** -1", lambda x, y: x**y, [-0.0, -1.0]),
    ("2 ** 0", lambda x, y: x**y, [2.0, 0.0]),
    ("-2 ** 3", lambda x, y: x**y, [-2.0, 3.0]),
    ("-8 ** (1/3)", lambda x, y: x**y, [-8.0, 1 / 3]),
    ("x ** 0 at 0", lambda x: x**0.0, [0.0]),
    ("0 ** x at 0", lambda x: 0.0**x, [0.0]),
    ("0 ** x at 3", lambda x: 0.0**x, [3.0]),
    ("0 ** x at -1", lambda x: 0.0**x, [-1.0]),
    ("1 / 0", lambda x, y: x / y, [1.0, 0.0]),
    ("0 / 0", lambda x, y: x / y, [0.0, 0.0]),
    ("log 0", lambda x: x.log(), [0.0]),
    ("log -1", lambda x: x.log(), [-1.0]),
    ("sqrt 0", lambda x: x.sqrt(), [0.0]),
    ("sqrt -1", lambda x: x.sqrt(), [-1.0]),
    ("exp 1000", lambda x: x.exp(), [1000.0]),
    ("sigmoid 1000", lambda x: x.sigmoid(), [1000.0]),
    ("sigmoid -1000", lambda x: x.sigmoid(), [-1000.0]),
    ("tanh 1000", lambda x: x.tanh(), [1000.0]),
]


@pytest.mark.parametrize(("name", "f", "inputs"), EDGE_CASES, ids=[c[0] for c in EDGE_CASES])
def test_edge_case_values_and_derivatives_agree_with_torch(name, f, inputs):
    values = [Value(x) for x in inputs]
    out = f(*values)
    out.backward()
    tensors = [tensor(x) for x in inputs]
    expected = f(*tensors)
    expected.backward()
    assert same(out.data, expected.item()), (out.data, expected.item())
    for v, t in zip(values, tensors):
        assert same(v.grad, t.grad.item()), (v.grad, t.grad.item())


def test_dot_and_vsum_agree_with_torch():
    ws, xs = [0.5, -1.25, 2.0], [3.0, 0.75, -0.5]
    w, x, b = [Value(v) for v in ws], [Value(v) for v in xs], Value(0.3)
    out = autograd.vsum([autograd.dot(w, x, b).tanh(), autograd.dot(w, [1.0, 2.0, 3.0])])
    out.backward()
    tw, tx, tb = [tensor(v) for v in ws], [tensor(v) for v in xs], tensor(0.3)
    expected = torch_dot(tw, tx, tb).tanh() + torch_dot(tw, [1.0, 2.0, 3.0])
    expected.backward()
    assert close(out.data, expected.item())
    for v, t in zip([*w, *x, b], [*tw, *tx, tb]):
        assert close(v.grad, t.grad.item()), (v.grad, t.grad.item())
