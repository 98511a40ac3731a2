"""``autograd.trace_rows``: one sample's loss, compiled once, looped over a batch's rows.

Each row's value and gradient are the eager engine's to the last bit (a one-row batch checks
the gradient exactly); the batch's value is exact too (fsum of the same row values); the
batch's gradient adds rows in another order than one eager graph does, so it agrees to 1e-13.
"""

from __future__ import annotations

import math

import pytest
from doc_2331 import network_2331

from autograd import Value, trace_rows, vsum
from nn import MLP, data, losses

ALPHA = 1e-4


def hexes(xs):
    return [x.hex() for x in xs]


def moons_problem(n=20):
    X, y01 = data.moons(n, noise=0.1, seed=1)
    net = MLP(2, [16, 16, 1], seed=1337)
    rows = [[*x, float(2 * t - 1)] for x, t in zip(X, y01)]
    return net, rows


def hinge_rows(net, l2=True):
    params = net.parameters()
    return trace_rows(lambda x0, x1, t: (1 + -t * net([x0, x1])).relu(), [0.1, 0.2, 1.0],
                      extra=(lambda: ALPHA * sum(p * p for p in params)) if l2 else None)


def eager(net, rows, params, l2=True):
    """The same batch as one eager graph: mean of the rows' losses, + the L2 term."""
    for p in params:
        p.grad = 0.0
    losses_ = [(1 + -Value(t) * net([Value(a), Value(b)])).relu() for a, b, t in rows]
    E = vsum(losses_) * (1.0 / len(rows))
    if l2:
        E = E + ALPHA * sum(p * p for p in net.parameters())
    E.backward()
    return E, [x.data for x in losses_], [p.grad for p in params]


def test_one_row_equals_eager_bit_for_bit():
    net, rows = moons_problem()
    rt = hinge_rows(net, l2=False)
    active = 0
    for row in rows[:8]:
        value, grads = rt([row])
        E, _, eager_grads = eager(net, [row], rt.params, l2=False)
        assert value.hex() == E.data.hex()
        assert hexes(grads) == hexes(eager_grads)
        active += value > 0
    assert active > 2


def test_a_batch_has_eager_row_values_and_value_and_gradients_to_1e13():
    net, rows = moons_problem()
    rt = hinge_rows(net)
    value, grads = rt(rows)
    E, row_values, eager_grads = eager(net, rows, rt.params)
    assert hexes(rt.row_values) == hexes(row_values)
    assert value.hex() == E.data.hex()
    assert 0 < sum(v > 0 for v in row_values) < len(rows)  # both sides of the hinge
    assert len(grads) == len(net.parameters())
    assert {id(p) for p in rt.params} == {id(p) for p in net.parameters()}
    for g, e in zip(grads, eager_grads):
        assert math.isclose(g, e, rel_tol=1e-13, abs_tol=1e-18)
    assert any(abs(g) > 1e-3 for g in grads)


def test_sum_instead_of_mean_and_no_extra():
    net = network_2331()
    rt = trace_rows(lambda a, b, t: losses.squared_error(net([a, b]), t), [0.23, 0.55, 0.01], mean=False)
    rows = [[0.23, 0.55, 0.01], [-0.4, 0.9, 0.5], [1.5, 0.2, 0.9]]
    value, grads = rt(rows)
    for p in rt.params:
        p.grad = 0.0
    E = vsum([losses.squared_error(net([Value(a), Value(b)]), Value(t)) for a, b, t in rows])
    E.backward()
    assert value.hex() == E.data.hex()
    assert round(rt([rows[0]])[0], 3) == 0.315  # the document's E
    for g, p in zip(grads, rt.params):
        assert math.isclose(g, p.grad, rel_tol=1e-13, abs_tol=1e-18)


def test_parameters_are_read_at_each_call_and_accumulate_adds_into_grad():
    net, rows = moons_problem()
    rt = hinge_rows(net)
    before, _ = rt(rows)
    for p in rt.params:
        p.data = p.data * 0.5
        p.grad = 1.0
    after, grads = rt(rows, accumulate=True)
    assert after != before
    for p, g in zip(rt.params, grads):
        assert p.grad == 1.0 + g
    E, _, _ = eager(net, rows, [])
    assert after.hex() == E.data.hex()


def test_listing_is_a_loop_over_the_rows():
    net, _ = moons_problem()
    text = hinge_rows(net).listing(limit=None)
    assert text.startswith("def rows(rows, ps, seed):")
    assert "    for x0, x1, x2, in rows:" in text
    assert "        append(" in text
    assert "g_x0" not in text  # the data's gradients are not computed


@pytest.mark.parametrize(
    ("rows", "error", "message"),
    [
        ([], TypeError, "non-empty list of rows"),
        ("abc", TypeError, "non-empty list of rows"),
        ([[1.0, 2.0]], ValueError, "row 0 must be a list of 3 numbers .*, not 2 numbers"),
        ([[1.0, 2.0, 1.0], [1.0, 2.0, 3.0, 4.0]], ValueError, "row 1 must be a list of 3 numbers"),
        ([[1.0, "x", 1.0]], TypeError, "row 0, item 1"),
        ([[1.0, 2.0, 1.0], "abc"], ValueError, "row 1 must be a list of 3 numbers .*, not str"),
        ([[1.0, 2.0, 1.0], 5.0], ValueError, "row 1 must be a list of 3 numbers .*, not float"),
    ],
)
def test_bad_rows_are_named(rows, error, message):
    net, _ = moons_problem(4)
    with pytest.raises(error, match=message):
        hinge_rows(net)(rows)


def test_int_rows_are_numbers_too():
    net, _ = moons_problem(4)
    rt = hinge_rows(net)
    assert rt([[1, 0, 1]]) == rt([[1.0, 0.0, 1.0]])


def test_numpy_arrays_are_rows_too():
    np = pytest.importorskip("numpy")
    net, rows = moons_problem(6)
    rt = hinge_rows(net)
    assert rt(np.array(rows)) == rt(rows) == rt([np.array(r) for r in rows])


@pytest.mark.parametrize("weight", [Value(1.0), "a", True])
def test_a_weight_must_be_a_number(weight):
    net, rows = moons_problem(4)
    with pytest.raises(TypeError, match="trace_rows: weight"):
        hinge_rows(net)(rows, weight=weight)


@pytest.mark.parametrize("numpy", [False, True])
def test_a_sample_that_returns_a_leaf_counts_it_once_per_row(numpy):
    w = Value(2.0, label="w")
    rt = trace_rows(lambda x: w, [1.0], mean=False)
    assert rt([[1.0], [2.0], [3.0]], numpy=numpy) == (6.0, [3.0])
    rt = trace_rows(lambda x: x * w + w, [1.0])
    value, grads = rt([[1.0], [2.0], [3.0]], numpy=numpy)
    assert value == 6.0 and grads == [3.0]  # mean of x + 1 over the rows


@pytest.mark.parametrize("numpy", [False, True])
@pytest.mark.parametrize("label", ["n", "P", "PG", "XT", "np", "where", "stack", "len", "rows_of",
                                   "over_rows", "W1", "B0", "Z1", "G3", "GX1", "A2", "GZ2", "seed",
                                   "isfinite"])
def test_labels_never_shadow_the_programs_own_names(label, numpy):
    n = Value(2.0, label=label)
    rt = trace_rows(lambda x: (x - 1.0) ** 2 + n * n, [1.0])
    value, grads = rt([[1.0], [2.0], [3.0]], numpy=numpy)
    assert value == pytest.approx(5 / 3 + 4.0, rel=1e-15)  # mean of 0, 1, 4; plus n²
    assert grads == [pytest.approx(4.0, rel=1e-15)]
