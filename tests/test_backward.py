"""Reverse mode: the chain rule, accumulation, repeated calls, zero_grad, deep graphs."""

import math
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import autograd
from autograd import Value


def test_chain_rule_on_a_small_graph():
    x, y = Value(3.0, label="x"), Value(-2.0, label="y")
    z = (x * y + x.exp()).tanh()  # dz/dx = (1 - z²)(y + eˣ), dz/dy = (1 - z²)x
    z.backward()
    t = 1 - math.tanh(-6.0 + math.exp(3.0)) ** 2
    assert math.isclose(x.grad, t * (-2.0 + math.exp(3.0)), rel_tol=1e-14)
    assert math.isclose(y.grad, t * 3.0, rel_tol=1e-14)
    assert z.grad == 1.0


@pytest.mark.parametrize(
    ("f", "grad"),
    [
        (lambda a: a * a, 6.0),
        (lambda a: a * a * a, 27.0),
        (lambda a: a * 2 + a * 5, 7.0),
        (lambda a: (a + 1) * (a - 1), 6.0),  # d/da (a² - 1)
        (lambda a: autograd.vsum([a * a, a, a]), 8.0),
    ],
)
def test_every_use_of_a_value_contributes(f, grad):
    a = Value(3.0)
    f(a).backward()
    assert a.grad == grad


def test_gradients_accumulate_across_outputs():
    x = Value(2.0)
    (x * 3).backward()
    (x * x).backward()
    assert x.grad == 3.0 + 4.0


def test_backward_seed_scales_every_gradient():
    x, y = Value(3.0), Value(4.0)
    z = x * y
    z.backward(2.5)
    assert (z.grad, x.grad, y.grad) == (2.5, 10.0, 7.5)
    z.backward(2)  # an int seed
    assert (z.grad, x.grad, y.grad) == (4.5, 18.0, 13.5)


@pytest.mark.parametrize(("seed", "type_name"), [("1", "str"), (None, "NoneType"), (True, "bool")])
def test_backward_seed_must_be_a_real_number(seed, type_name):
    z = Value(1.0) * 2
    with pytest.raises(TypeError, match=type_name):
        z.backward(seed)


def test_backward_of_a_leaf_seeds_it():
    x = Value(5.0)
    x.backward()
    assert x.grad == 1.0


def test_backward_twice_doubles_every_gradient_exactly():
    x, y = Value(0.3, label="x"), Value(-1.7, label="y")
    h = (x * y).tanh()  # each leaf used once; h used twice
    z = h * 0.7 + h.exp()
    z.backward()
    first = [v.grad for v in (x, y, h, z)]
    z.backward()
    assert [v.grad for v in (x, y, h, z)] == [2 * g for g in first]


def test_backward_twice_doubles_a_leaf_with_two_contributions_exactly():
    x = Value(1.0)
    y = x * 0.2 + x * 0.1
    y.backward()
    assert x.grad == 0.30000000000000004
    y.backward()
    assert x.grad == 2 * 0.30000000000000004  # not 0.6, which (g + c1) + c2 would give


def test_backward_from_an_inner_node_after_the_output():
    x = Value(2.0)
    h = x * x
    out = h * 3
    out.backward()
    h.backward()
    assert (x.grad, h.grad, out.grad) == (12.0 + 4.0, 3.0 + 1.0, 1.0)


@pytest.mark.parametrize("zero", [lambda v: v.zero_grad(), autograd.zero_grad], ids=["method", "function"])
def test_zero_grad_clears_leaves_and_inner_nodes(zero):
    x, y = Value(2.0), Value(3.0)
    h = x * y
    z = autograd.vsum([h.tanh(), h, 2 * x])
    z.backward()
    assert x.grad != 0.0 and h.grad != 0.0
    zero(z)
    assert [v.grad for v in (x, y, h, z)] == [0.0] * 4
    z.backward()
    dz_dh = 1 - math.tanh(6.0) ** 2 + 1
    assert (x.grad, y.grad) == (2.0 + dz_dh * 3.0, dz_dh * 2.0)


def test_topological_order_and_leaves():
    x, y = Value(1.0, label="x"), Value(2.0, label="y")
    a = x * y
    b = a + x
    ab = a * b
    c = ab.tanh()
    assert autograd.topological_order(c) == [a, b, ab, c]  # inputs before users
    assert set(autograd.leaves(c)) == {x, y} and len(autograd.leaves(c)) == 2
    assert autograd.topological_order(x) == [] and autograd.leaves(x) == [x]


def test_sum_of_100000_products():
    n = 100_000
    xs = [Value(float(i % 7 - 3)) for i in range(n)]
    ys = [Value(float(i % 5 - 2)) for i in range(n)]
    total = sum(x * y for x, y in zip(xs, ys))  # a 200,000-deep chain
    total.backward()
    assert total.data == sum((i % 7 - 3) * (i % 5 - 2) for i in range(n))  # integers: exact
    assert all(x.grad == y.data and y.grad == x.data for x, y in zip(xs, ys))


@pytest.mark.slow
def test_backward_through_a_chain_of_a_million_nodes():
    c, d = 1.000001, 0.5
    x = Value(1.0)
    y = x
    for i in range(1_000_000):
        y = y * c if i % 2 else y + d
    y.backward()
    # d y / d x is the product of the 500,000 factors c.
    assert math.isclose(x.grad, math.pow(c, 500_000), rel_tol=1e-9)
    assert math.isclose(x.grad, math.exp(0.5), rel_tol=1e-6)


@pytest.mark.slow
def test_dropping_a_million_deep_graph_does_not_crash():
    script = textwrap.dedent(
        """
        from autograd import Value, dot
        x = Value(1.0)
        y = x
        for i in range(1_000_000):
            y = (y + x) if i % 3 == 0 else (-y if i % 3 == 1 else dot([y], [1.0]))
        del y
        print("survived")
        """
    )
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "survived"


def test_concurrent_backward_over_a_shared_subgraph_loses_no_addition():
    """Threads calling backward on outputs that share inputs and inner nodes: each gradient is
    the sum of every call's contribution, as if they ran one after another."""
    import sys
    import threading

    def graph():
        xs = [Value(0.1 * k - 1.0, label=f"x{k}") for k in range(20)]
        shared = autograd.vsum([x * x for x in xs]).tanh()
        outs = [(shared * x).sigmoid() + shared for x in xs for _ in range(2)]
        return xs, outs

    xs, outs = graph()
    for out in outs:
        out.backward()
    expected = [x.grad for x in xs]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        for _ in range(10):  # without the lock about one run in five went wrong
            xs, outs = graph()
            threads = [threading.Thread(target=out.backward) for out in outs]
            for t in threads:
                t.start()
            for t in threads:
                t.join(10)
            assert [x.grad for x in xs] == pytest.approx(expected, rel=1e-12)
    finally:
        sys.setswitchinterval(interval)


# --- a leaf changed between forward and backward ---------------------------------------------


def test_a_leaf_changed_after_the_forward_pass_is_refused_naming_it():
    w, x = Value(0.5, label="w"), Value(2.0, label="x")
    y = (w * x).tanh()
    y.label = "y"
    w.data = -3.0  # y still holds tanh(0.5 * 2): a gradient now would be right for neither w
    with pytest.raises(RuntimeError, match=r"backward: 'w' changed .* after 'y' was computed from it"):
        y.backward()
    assert (w.grad, x.grad) == (0.0, 0.0)
    y = (w * x).tanh()  # computed again from the new value: fine
    y.backward()
    assert w.grad == pytest.approx(2.0 * (1 - math.tanh(-6.0) ** 2), rel=1e-12)


def test_a_second_backward_after_an_optimizer_step_is_refused():
    from nn import MLP, SGD, losses

    net = MLP(2, [2, 1], seed=0)
    E = losses.squared_error(net([1.0, -1.0]), 0.5)
    E.backward()
    SGD(net.parameters(), lr=0.1).step()
    with pytest.raises(RuntimeError, match="changed"):
        E.backward()
    net.load_state_dict(net.state_dict())  # loading sets data too
    E2 = losses.squared_error(net([1.0, -1.0]), 0.5)
    E2.backward()  # a graph computed after the changes is fine


def test_changes_before_the_forward_pass_and_to_other_leaves_are_fine():
    w, other = Value(1.0, label="w"), Value(5.0)
    w.data = 2.0
    y = w * w
    other.data = 7.0  # not in y's graph
    y.backward()
    assert w.grad == 4.0
