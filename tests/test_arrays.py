"""``trace_rows(...)(rows, numpy=True)``: one sample's tape over a whole batch with NumPy.

The formulas are the op table's made elementwise, and a layer is a matrix product: each
row's value and the summed gradients agree with the scalar program (itself the eager engine's
per row) to 1e-12, on networks, on every op in random graphs, and through nan and inf.
"""

from __future__ import annotations

import math
import re

import pytest
from doc_2331 import network_2331
from hypothesis import given
from hypothesis import strategies as st
from random_graphs import programs, run, valid

from autograd import Value, arrays, dot, shift, trace_rows, vsum
from nn import MLP, data, losses

np = pytest.importorskip("numpy")  # the numpy extra; CI=true turns a skip into a failure


def close(a, b, rel=1e-12):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b or math.isclose(a, b, rel_tol=rel, abs_tol=1e-300)


def assert_paths_agree(rt, rows, rel=1e-12):
    """The array path against the scalar program: value, each row's value, every gradient."""
    value, grads = rt(rows)
    row_values = rt.row_values
    a_value, a_grads = rt(rows, numpy=True)
    assert close(value, a_value, rel), (value, a_value)
    assert all(close(x, y, rel) for x, y in zip(row_values, rt.row_values))
    assert len(a_grads) == len(grads)
    scale = max([abs(g) for g in grads if math.isfinite(g)], default=1.0)
    for g, a in zip(grads, a_grads):
        assert close(g, a, rel) or abs(g - a) <= rel * scale, (g, a)
    return value, grads


def moons_rows(n=40):
    X, y01 = data.moons(n, noise=0.1, seed=1)
    return [[*x, float(2 * t - 1)] for x, t in zip(X, y01)]


def test_moons_mlp_hinge_with_l2_agrees_and_is_three_layers():
    net = MLP(2, [16, 16, 1], seed=1337)
    params = net.parameters()
    rt = trace_rows(lambda x0, x1, t: (1 + -t * net([x0, x1])).relu(), [0.1, 0.2, 1.0],
                    extra=lambda: 1e-4 * sum(p * p for p in params))
    _, grads = assert_paths_agree(rt, moons_rows())
    assert any(abs(g) > 1e-3 for g in grads)
    assert len(re.findall(r"^    Z\d+ = P\[W\d+\] @ X\d+", rt.array_source, re.M)) == 3  # a layer, a product
    assert len(re.findall(r"^    A\d+ = relu\(Z\d+\)$", rt.array_source, re.M)) == 2  # its ReLUs, one call


@pytest.mark.parametrize("activations", [["sigmoid", "sigmoid"], ["tanh", "softmax"], ["relu", "linear"],
                                         ["relu", "logits"]])
def test_networks_and_losses_agree(activations):
    classes = activations[-1] in ("softmax", "logits")
    shown = ["relu", "linear"] if activations[-1] == "logits" else activations
    net = MLP(3, [5, 4 if classes else 1], activations=shown, seed=3)
    if classes:
        logits = activations[-1] == "logits"
        rt = trace_rows(lambda a, b, c: losses.cross_entropy(net([a, b, c]), 2, from_logits=logits),
                        [0.1, 0.2, 0.3])
        rows = [[0.1 * k, -0.2 * k, 0.3] for k in range(7)]
    else:
        rt = trace_rows(lambda a, b, c, t: losses.squared_error(net([a, b, c]), t), [0.1, 0.2, 0.3, 0.5])
        rows = [[0.1 * k, -0.2 * k, 0.3, 0.05 * k] for k in range(7)]
    assert_paths_agree(rt, rows)


def test_the_2331_document_network():
    net = network_2331()
    rt = trace_rows(lambda a, b, t: losses.squared_error(net([a, b]), t), [0.23, 0.55, 0.01])
    value, _ = assert_paths_agree(rt, [[0.23, 0.55, 0.01]])
    assert round(value, 4) == 0.3148


@given(programs(max_steps=10), st.integers(1, 3), st.lists(st.floats(0.5, 1.5), min_size=1, max_size=4))
def test_random_graphs_of_every_op_agree(program, n_inputs, scales):
    values, steps = program
    n_inputs = min(n_inputs, len(values) - 1)
    params = [Value(v, label=f"p{k}") for k, v in enumerate(values[n_inputs:])]
    rows = [[v * s for v in values[:n_inputs]] for s in scales]
    for row in rows:
        if not valid(steps, run(steps, [*map(Value, row), *params])):
            return
    rt = trace_rows(lambda *xs: run(steps, [*xs, *params])[-1], values[:n_inputs])
    assert_paths_agree(rt, rows, rel=1e-9)


def test_nan_inf_and_a_shift_come_through():
    p = Value(2.0, label="p")
    rt = trace_rows(lambda x, y: (x.log() * p + shift([x, y]) + (y / x)).exp(), [1.0, 1.0])
    rows = [[1.0, 2.0], [0.0, 1.0], [-1.0, 3.0], [800.0, 1.0], [float("nan"), 1.0]]
    assert_paths_agree(rt, rows)
    assert math.isnan(rt([[-1.0, 3.0]], numpy=True)[0])


def test_a_sample_that_ignores_its_row_counts_once_per_row():
    p = Value(3.0, label="p")
    rt = trace_rows(lambda x: p * p, [1.0], mean=False)
    assert rt([[1.0], [2.0], [5.0]], numpy=True) == rt([[1.0], [2.0], [5.0]]) == (27.0, [18.0])


def test_vectorized_formulas_are_elementwise():
    assert arrays.vectorized("1.0 if x > 0.0 else 0.0") == "where(x > 0.0, 1.0, 0.0)"
    assert arrays.vectorized("0.0 if x == 0.0 and y >= 0.0 else out * ieee_log(x)") == (
        "where(logical_and(x == 0.0, y >= 0.0), 0.0, out * ieee_log(x))")


def test_arrays_are_chosen_for_batches_where_they_are_faster():
    small, large = MLP(2, [4, 1], seed=1), MLP(2, [64, 64, 1], seed=1)
    rts = [trace_rows(lambda a, b, t, net=net: losses.squared_error(net([a, b]), t), [0.1, 0.2, 0.3])
           for net in (small, large)]
    assert [rt.arrays_faster(1) for rt in rts] == [False, False]
    assert [rt.arrays_faster(8) for rt in rts] == [False, True]  # measured: 2-64-64-1 from 3 rows
    assert [rt.arrays_faster(200) for rt in rts] == [True, True]  # 2-4-1 from about 60


def test_every_function_a_formula_may_call_has_an_array_twin():
    from autograd.ieee import FUNCTIONS

    assert set(FUNCTIONS) <= set(arrays.namespace())


@pytest.mark.parametrize("exponent", [0.5, 2.0, -1.0, 1 / 3, 3.0])
def test_powers_are_cs_pow_at_minus_infinity_and_zero(exponent):
    """NumPy takes x ** 0.5 as √x, which differs from C's pow at −inf and −0."""
    rt = trace_rows(lambda x: x**exponent, [1.0], mean=False)
    rows = [[-math.inf], [-0.0], [0.0], [math.inf], [-8.0], [4.0]]
    rt(rows)
    scalar = rt.row_values
    rt(rows, numpy=True)
    assert [v.hex() if not math.isnan(v) else "nan" for v in rt.row_values] == [
        v.hex() if not math.isnan(v) else "nan" for v in scalar]


def test_dots_of_a_bias_alone_are_not_a_layer():
    b = [Value(0.1), Value(0.2)]
    rt = trace_rows(lambda x: (dot([], [], b[0]) + dot([], [], b[1])) * x, [1.0])
    assert rt([[1.0], [3.0]], numpy=True) == rt([[1.0], [3.0]])


@pytest.mark.parametrize("activation", ["leaky_relu", "elu"])
def test_layers_of_an_activation_with_a_parameter_are_one_call(activation):
    net = MLP(2, [4, 1], activations=[activation, "linear"], seed=2)
    rt = trace_rows(lambda a, b, t: losses.squared_error(net([a, b]), t), [0.1, 0.2, 0.3])
    assert_paths_agree(rt, [[0.1 * k, -0.3 * k, 0.2] for k in range(-5, 6)])
    assert re.search(rf"^    A\d+ = {activation}\(Z\d+, ", rt.array_source, re.M), rt.array_source[:400]


def test_a_layer_scaled_by_one_constant_is_fused_but_not_two():
    w = [[Value(0.5), Value(-1.0)], [Value(2.0), Value(0.25)]]

    def two_constants(x0, x1):
        z = [dot(row, [x0, x1]) for row in w]
        return vsum([z[0] * 2.0, z[1] * -2.0])

    rt = trace_rows(two_constants, [0.1, 0.2])
    assert_paths_agree(rt, [[0.1, 0.2], [1.0, -3.0]])
    assert not re.search(r"^    A\d+ = ", rt.array_source, re.M)  # two constants: node by node
