"""Derivatives of derivatives: ``grad(..., create_graph=True)``, ``backward(create_graph=True)``,
``hessian``, ``hvp`` and ``gradgradcheck``, all from the op table's partials evaluated on Values.

First derivatives built as graphs are backward's numbers bit for bit; second derivatives agree
with PyTorch (float64) to 1e-9 relative on random graphs of every op, and with central
differences of the first derivatives.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import pytest
from hypothesis import given
from random_graphs import ALL_OPS, KINKED, SMOOTH_OPS, build, function, programs, run, valid

from autograd import (
    Value,
    dot,
    explain,
    grad,
    gradgradcheck,
    hessian,
    hvp,
    shift,
    trace,
    vsum,
)
from autograd.higher import PIECEWISE_CONSTANT, gradient_graph, partial_on_values
from autograd.ieee import FUNCTIONS


def hexes(xs):
    return [x.hex() for x in xs]


# --- the lessons --------------------------------------------------------------------------------


def test_grad_of_grad_of_x_cubed_at_2_is_12():
    x = Value(2.0, label="x")
    (g,) = grad(x**3, [x], create_graph=True)
    assert isinstance(g, Value) and g.data == 12.0  # 3x²
    (h,) = grad(g, [x], create_graph=True)
    assert h.data == 12.0  # 6x
    assert grad(h, [x]) == [6.0]  # and the third


def test_the_second_derivative_of_a_sigmoid_changes_sign_at_0():
    def second(at):
        return hessian(lambda x: x.sigmoid(), [at])[0][0]

    assert second(-1.0) > 0 > second(1.0)
    assert second(0.0) == 0.0
    s = 1 / (1 + math.exp(-1.0))
    assert second(1.0) == pytest.approx(s * (1 - s) * (1 - 2 * s), rel=1e-15)


def test_backward_with_create_graph_keeps_float_grads_and_returns_graphs():
    x, y = Value(1.5, label="x"), Value(-0.5, label="y")
    f = (x * y).tanh() + x.exp() * y
    grads = f.backward(create_graph=True)
    assert type(x.grad) is float and type(y.grad) is float
    assert isinstance(grads[x], Value) and grads[x].data == x.grad
    # ∂/∂y of ∂f/∂x is the mixed second derivative, symmetric
    assert grad(grads[x], [y]) == pytest.approx(grad(grads[y], [x]), rel=1e-14)


def test_relu_second_derivative_is_0_by_convention():
    assert hessian(lambda x: x.relu() * x.relu(), [1.5]) == [[2.0]]  # (x²)″ where relu is the identity
    assert hessian(lambda x: x.relu(), [0.0]) == [[0.0]]
    assert hessian(lambda x: abs(x) * 3.0, [-2.0]) == [[0.0]]


def test_hvp_is_the_hessian_times_the_vector():
    def f(a, b, c):
        return (a * b).sin() + (b * c).exp() + a**3 * c

    point, v = [0.3, -0.7, 1.1], [1.0, 2.0, -0.5]
    H = hessian(f, point)
    expected = [sum(h * vj for h, vj in zip(row, v)) for row in H]
    assert hvp(f, point, v) == pytest.approx(expected, rel=1e-13)
    assert all(H[i][j] == pytest.approx(H[j][i], rel=1e-13) for i in range(3) for j in range(3))


def test_dot_vsum_and_shift_differentiate_twice():
    def f(a, b, c):
        z = [a * b, b * c, a + c]
        m = shift(z)  # held constant: no derivative at all
        return dot([a, b], [b, c], bias=c) ** 2 + vsum([(zi - m).exp() for zi in z]).log()

    point = [0.4, -0.3, 0.9]
    assert gradgradcheck(f, point, rtol=1e-5)
    assert hessian(f, point)[0][2] == pytest.approx(hessian(f, point)[2][0], rel=1e-13)


# --- the numbers: first order exactly backward's, second order PyTorch's --------------------------


@given(programs())
def test_first_derivatives_built_as_graphs_are_backwards_bit_for_bit(program):
    leaves, nodes = build(program)
    nodes[-1].backward()
    plain = [leaf.grad for leaf in leaves]
    fresh = [Value(v) for v in program[0]]
    out = run(program[1], fresh)[-1]
    grads = out.backward(create_graph=True)
    assert hexes(x.grad for x in fresh) == hexes(plain)
    assert hexes(grads[x].data if isinstance(grads[x], Value) else grads[x] for x in fresh if x in grads) == \
        hexes(x.grad for x in fresh if x in grads)


def smooth_program(program):
    """Programs whose kinked ops stay well away from their kinks."""
    values, steps = program
    return valid(steps, run(steps, [Value(v) for v in values]))


def torch_dot(weights, xs, bias=None):
    return sum(w * x for w, x in zip(weights, xs)) + (0.0 if bias is None else bias)


@given(programs(ops=ALL_OPS, max_steps=6))
def test_hessians_of_random_graphs_agree_with_torch(program):
    torch = pytest.importorskip("torch")
    lib = SimpleNamespace(dot=torch_dot, vsum=sum)  # PyTorch tensors run the same program

    values, steps = program
    if not smooth_program(program):
        return
    ours = hessian(function(steps), values)
    f = lambda *ts: run(steps, ts, lib)[-1]  # noqa: E731
    theirs = torch.autograd.functional.hessian(f, tuple(torch.tensor(v, dtype=torch.float64) for v in values))
    for i, row in enumerate(ours):
        for j, h in enumerate(row):
            t = theirs[i][j].item()
            assert math.isclose(h, t, rel_tol=1e-9, abs_tol=1e-9), (i, j, h, t)


@pytest.mark.parametrize("name", sorted(set(SMOOTH_OPS) - KINKED))
def test_gradgradcheck_passes_on_every_op_away_from_kinks(name):
    make = SMOOTH_OPS[name]
    assert gradgradcheck(lambda a, b: make(a, b, 0.7, None) * (a + 2.0), [0.8, 1.3], rtol=1e-4)


def test_gradgradcheck_finds_a_wrong_second_derivative(monkeypatch):
    """tanh's partial with the right number but no graph: first derivatives stay right, the
    second loses tanh″, and gradgradcheck says so."""
    from autograd import higher

    def detached(formula):
        partial = partial_on_values(formula)
        if formula != "1.0 - out * out":
            return partial
        return lambda out, x, y: Value(partial(out, x, y).data)

    assert gradgradcheck(lambda a: a.tanh() * 2.0, [0.6])
    monkeypatch.setattr(higher, "partial_on_values", detached)
    result = gradgradcheck(lambda a: a.tanh() * 2.0, [0.6])
    assert not result and "∂²/∂x0∂x0" in str(result)


# --- the graph of a gradient is a graph like any other ------------------------------------------------


def test_explain_works_on_a_gradients_graph():
    w, x = Value(0.5, label="w"), Value(1.5, label="x")
    E = (w * x).sigmoid()
    (dE_dw,) = grad(E, [w], create_graph=True)
    explanation = explain(dE_dw, x)
    assert explanation.total == pytest.approx(grad(dE_dw, [x])[0], rel=1e-15)
    assert "∂" in str(explanation)


@pytest.mark.parametrize("at", [[0.7, -0.2], [0.1, 0.9], [-1.3, 0.4]])
def test_a_traced_function_that_calls_grad_replays_bit_identically(at):
    def slope(a, b):
        f = (a * b).tanh() + a.exp() * b**2
        (g,) = grad(f, [a], create_graph=True)
        return g

    tape = trace(slope, [0.7, -0.2])
    value, _ = tape(*at)
    a, b = Value(at[0]), Value(at[1])
    eager = slope(a, b)
    eager.backward()
    assert value.hex() == eager.data.hex()
    assert hexes(tape.input_grads) == hexes([a.grad, b.grad])
    assert hexes(tape.compile()(*at)[1]) == hexes(tape(*at)[1])


# --- edges and errors ----------------------------------------------------------------------------------


def test_an_input_the_output_does_not_depend_on_gets_zero():
    x, y = Value(1.0), Value(2.0)
    assert grad(x * 3.0, [x, y]) == [3.0, 0.0]
    assert grad(x * 3.0, [x, y], create_graph=True) == [3.0, 0.0]  # a constant: no graph


def test_grad_leaves_grads_alone():
    x = Value(2.0)
    x.grad = 5.0
    assert grad(x * x, [x]) == [4.0]
    assert x.grad == 5.0


def test_nan_and_inf_come_through_as_backward_gives_them():
    x = Value(0.0)
    grads = (x.log() * 0.0).backward(create_graph=True)
    assert math.isnan(x.grad) and math.isnan(grads[x].data)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: grad(3.0, []), "output must be a Value"),
        (lambda: grad(Value(1.0), Value(1.0)), "inputs must be a list of Values"),
        (lambda: grad(Value(1.0), [1.0]), "input 0 is float, not a Value"),
        (lambda: hessian(3, [1.0]), "fn must be callable"),
        (lambda: hessian(lambda x: 3.0, [1.0]), "fn must return a Value"),
        (lambda: hessian(lambda x: x, []), "non-empty list of numbers"),
        (lambda: hessian(lambda x: x, ["a"]), "input 0"),
        (lambda: hvp(lambda x: x * x, [1.0], [1.0, 2.0]), "vector must be a list of 1 numbers"),
    ],
)
def test_bad_calls_are_named(call, message):
    with pytest.raises((TypeError, ValueError), match=message):
        call()


def test_a_changed_leaf_is_refused_as_backward_refuses_it():
    x = Value(1.0)
    y = x * x
    x.data = 2.0
    with pytest.raises(RuntimeError, match="changed"):
        y.backward(create_graph=True)


def test_every_function_a_partial_calls_has_a_value_twin():
    from autograd import ops

    used = {n for op in ops.TABLE for d in op.partials for n in FUNCTIONS if f"{n}(" in d}
    for name in used:
        assert callable(higher_twin(name)), name
    assert set(FUNCTIONS) >= PIECEWISE_CONSTANT


def higher_twin(name):
    from autograd.higher import _twin

    return _twin(name)


def test_gradient_graph_covers_inner_nodes_too():
    x = Value(0.5, label="x")
    h = x.tanh()
    out = h * h
    grads = gradient_graph(out)
    assert set(map(id, grads)) == {id(out), id(h), id(x)}
    assert grads[h].data == 2 * h.data


def test_draw_works_on_a_gradients_graph():
    from autograd import draw

    w, x = Value(0.5, label="w"), Value(1.5, label="x")
    (g,) = grad((w * x).sigmoid() ** 2, [w], create_graph=True)
    source = draw(g, highlight=x).source
    assert "sigmoid" in source and "pow" in source  # σ′ and the square's partial, as nodes
    assert "w·x" in source  # the unlabelled product, named from its op
    assert source.count("->") >= 8


def test_a_zero_gradient_has_backwards_sign():
    x, y = Value(1.0), Value(2.0)
    E = (x - y).relu()  # dead: every gradient 0
    assert [g.hex() for g in grad(E, [x, y], create_graph=True)] == [g.hex() for g in grad(E, [x, y])]
    (gy,) = grad(E, [y], create_graph=True)
    assert gy == 0.0 and math.copysign(1.0, gy) == 1.0  # backward adds onto 0.0: never −0.0


def test_a_gradient_is_never_one_of_the_graphs_own_nodes():
    m, n = Value(2.0, label="m"), Value(3.0, label="n")
    grads = (m * n).backward(create_graph=True)
    assert grads[m] is not n and grads[m].data == 3.0
    grads[m].label = "dm"
    assert n.label == "n"
