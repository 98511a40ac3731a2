"""The ops of issue 13: cos, log1p, expm1, softplus, gelu, leaky_relu(slope), elu(alpha), max and
min of two, and comparisons on .data; as activations of ``nn`` and of network files.

op_cases.py has their hand-worked rows (so test_ops.py, the random graphs, the tape, the arrays
and the explanations take them like every op); here: PyTorch's float64 numbers at the edges
(kinks, ties, nan, inf, overflow), parameters other than the defaults through every path a node
takes, the comparisons, and networks that use the new activations.
"""

from __future__ import annotations

import copy
import math
import pickle

import pytest
from helpers import same
from op_cases import apply

from autograd import Value, explain, gradcheck, trace, trace_rows
from autograd.ieee import FUNCTIONS
from chainrule import netfile
from chainrule.derivations import UNARY_ACTIVATIONS
from chainrule.walkthrough import work
from nn import MLP, losses

INF, NAN = math.inf, math.nan

# (method, arguments after x): a default, and every parameter somewhere other than its default
CALLS = [("cos", ()), ("log1p", ()), ("expm1", ()), ("softplus", ()), ("gelu", ()), ("leaky_relu", ()),
         ("leaky_relu", (0.2,)), ("leaky_relu", (-0.5,)), ("elu", ()), ("elu", (2.0,)), ("elu", (0.3,))]
EDGES = [0.0, -0.0, 1e-20, -1e-20, 0.5, -0.5, 1.0, -1.0, -2.0, 3.0, -7.5, 19.5, 25.0, 700.0, 800.0,
         -800.0, 1e200, -1e200, INF, -INF, NAN]


def torch_call(torch, method, x, args):
    """The op on a float64 tensor, as PyTorch computes it (op_cases.TORCH_CALLS)."""
    return apply(method, x, *args)


@pytest.mark.parametrize("x", EDGES, ids=repr)
@pytest.mark.parametrize(("method", "args"), CALLS, ids=lambda c: c if isinstance(c, str) else repr(c))
def test_unary_ops_agree_with_torch_at_the_edges(method, args, x):
    torch = pytest.importorskip("torch")
    v = Value(x)
    out = getattr(v, method)(*args)
    out.backward()
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    expected = torch_call(torch, method, t, args)
    expected.backward()
    assert same(out.data, expected.item(), rel=1e-14), (out.data, expected.item())
    assert same(v.grad, t.grad.item(), rel=1e-13), (v.grad, t.grad.item())


PAIRS = [(3.0, 4.0), (4.0, 3.0), (2.0, 2.0), (-0.0, 0.0), (INF, INF), (-INF, 1.0), (NAN, 1.0), (1.0, NAN),
         (NAN, NAN)]


@pytest.mark.parametrize(("x", "y"), PAIRS, ids=repr)
@pytest.mark.parametrize("method", ["max", "min"])
def test_max_and_min_agree_with_torch_ties_and_nan_included(method, x, y):
    """A tie gives each operand half the gradient; a nan operand makes nan, with both partials 1."""
    torch = pytest.importorskip("torch")
    for y_is_value in (True, False):
        a, b = Value(x), Value(y)
        out = a.max(b if y_is_value else y) if method == "max" else a.min(b if y_is_value else y)
        out.backward()
        ta, tb = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (x, y))
        expected = getattr(torch, f"{method}imum")(ta, tb)
        expected.backward()
        assert same(out.data, expected.item())
        assert math.copysign(1, out.data) == math.copysign(1, expected.item())  # PyTorch's zero, too
        assert a.grad == ta.grad.item()
        if y_is_value:
            assert b.grad == tb.grad.item()
        else:
            assert out.constants == (y,) or math.isnan(y)


def test_the_conventions_at_kinks_and_ties():
    x = Value(0.0)
    assert x.relu().local_grads == (0.0,)  # as before
    assert x.leaky_relu().local_grads == (0.01,) and x.leaky_relu(0.3).local_grads == (0.3,)
    assert x.elu().local_grads == (1.0,) and x.elu(2.5).local_grads == (2.5,)
    a = Value(1.5)
    assert a.max(a).local_grads == (0.5, 0.5) and a.min(1.5).local_grads == (0.5,)
    out = a.max(a)  # max(x, x) = x: the halves make its derivative 1
    out.backward()
    assert a.grad == 1.0


def test_no_overflow_where_the_naive_formula_overflows():
    assert Value(1000.0).softplus().data == 1000.0 and Value(-1000.0).softplus().data == 0.0
    assert Value(800.0).expm1().data == INF and Value(-1.0).log1p().data == -INF
    assert math.isnan(Value(-2.0).log1p().data) and math.isnan(Value(INF).cos().data)
    assert Value(1e-20).log1p().data == 1e-20 and Value(1e-20).expm1().data == 1e-20  # exact near 0
    assert Value(1e200).gelu().data == 1e200 and Value(-1e200).gelu().data == 0.0


def test_softplus_is_exact_where_pytorchs_default_threshold_cuts_it():
    """PyTorch returns x above 20; ours is ln(1 + eˣ) = x + ln(1 + e⁻ˣ), within e⁻²⁰ of it."""
    torch = pytest.importorskip("torch")
    for x in (20.5, 25.0, 30.0, 40.0):
        ours = Value(x).softplus().data
        theirs = torch.nn.functional.softplus(torch.tensor(x, dtype=torch.float64)).item()
        assert theirs == x and 0.0 <= ours - x <= math.exp(-20.0)
        assert ours == x + math.log1p(math.exp(-x))  # x itself from 37 on, where e⁻ˣ is below x's ulp
    assert Value(25.0).softplus().data > 25.0


@pytest.mark.parametrize(("method", "args"), CALLS, ids=lambda c: c if isinstance(c, str) else repr(c))
@pytest.mark.parametrize("x", [-1.3, -0.4, 0.35, 1.7])
def test_central_differences_agree(method, args, x):
    x = abs(x) - 0.5 if method == "log1p" else x  # above −1, its domain
    assert gradcheck(lambda v: getattr(v, method)(*args) * 1.5, [x])


def test_max_and_min_pass_gradcheck_on_either_side():
    for a, b in ((0.3, 1.2), (1.2, 0.3), (-2.0, -0.5)):
        assert gradcheck(lambda x, y: x.max(y) * 2.0 + x.min(y) * y, [a, b])
        assert gradcheck(lambda x: x.max(0.7) - x.min(-0.9), [a])


# --- parameters other than the defaults, through every path a node takes ----------------------------------


def parameterized(x, y):
    """A graph with every parameter off its default, and max/min with a number."""
    h = (x * 1.5).leaky_relu(0.2) + (y - x).elu(1.7) + x.leaky_relu(-0.3).max(y.elu(0.5))
    return (h.min(2.5) + h.gelu() + y.softplus() * x.cos()).log1p() + (y * 0.1).expm1()


@pytest.mark.parametrize("xs", [(0.7, -0.3), (-0.5, 0.8), (0.0, 0.0), (-2.0, 1.25), (1.9, 1.9)])
def test_parameters_come_through_tape_and_compiled_program_bit_for_bit(xs):
    tape = trace(parameterized, [0.7, -0.3])
    a, b = Value(xs[0]), Value(xs[1])
    out = parameterized(a, b)
    out.backward()
    for replay in (tape, tape.compile()):
        value, _ = replay(*xs)
        assert value.hex() == out.data.hex()
        assert [g.hex() for g in replay.input_grads] == [a.grad.hex(), b.grad.hex()]
    assert "0.2" in tape.listing(None) and "1.7" in tape.listing(None)


def test_parameters_come_through_the_arrays():
    pytest.importorskip("numpy")
    rt = trace_rows(lambda x, y, t: (parameterized(x, y) - t) ** 2, [0.7, -0.3, 0.5])
    rows = [[0.1 * k - 0.6, 0.3 - 0.2 * k, 0.05 * k] for k in range(9)]
    value, grads = rt(rows)
    a_value, a_grads = rt(rows, numpy=True)
    assert a_value == pytest.approx(value, rel=1e-12) and a_grads == pytest.approx(grads, rel=1e-12)


def test_parameters_survive_copy_and_pickle():
    x = Value(-1.5, label="x")
    out = x.leaky_relu(0.2).elu(3.0).max(-0.1)
    for clone in (copy.deepcopy(out), pickle.loads(pickle.dumps(out))):
        assert (clone.data, clone.constants) == (-0.1, (-0.1,))  # max(elu(−0.3) = −0.78, −0.1)
        elu = clone.inputs[0]
        assert elu.data == out.inputs[0].data
        assert (elu.constants, elu.inputs[0].constants) == ((3.0,), (0.2,))
    twin = pickle.loads(pickle.dumps(x.leaky_relu(0.2).elu(3.0)))
    twin.backward()
    (leaf,) = twin.inputs[0].inputs
    assert leaf.grad == pytest.approx(0.2 * 3.0 * math.exp(-0.3), rel=1e-15)


def test_explanations_show_the_parameter_and_the_new_names():
    x = Value(-1.0, label="x")
    y = x.leaky_relu(0.2)
    y.label = "y"
    assert str(explain(y, x)) == ("∂y/∂x = leaky_relu′(x) = (1 if x > 0 else 0.2) = "
                                  "(1 if −1 > 0 else 0.2) = 0.2")
    for method, text, tex in [("softplus", "softplus′(x) = σ(x)", r"\operatorname{softplus}'"),
                              ("log1p", "log1p′(x) = 1/(1 + x)", r"\frac{1}{1 + x}"),
                              ("expm1", "expm1′(x) = exp(x)", r"\operatorname{expm1}'"),
                              ("cos", "cos′(x) = −sin(x)", r"\cos'\left(x\right) = -\sin")]:
        x = Value(0.5, label="x")
        y = getattr(x, method)()
        y.label = "y"
        assert text in str(explain(y, x)) and tex in explain(y, x).latex()
    b = Value(2.0, label="b")
    m = Value(2.0, label="a").max(b)
    m.label = "m"
    assert str(explain(m, b)).endswith("= 0.5")  # the tie


def test_every_new_function_has_a_numpy_twin_and_a_latex_name():
    np = pytest.importorskip("numpy")
    from autograd import arrays
    from autograd.symbolic import _LATEX_CALLS

    twins = arrays.namespace()
    xs = np.array([-800.0, -3.0, -0.5, 0.0, 0.5, 3.0, 800.0])
    for name in ("log1p", "expm1", "softplus", "gelu", "leaky_relu", "elu"):
        assert name in _LATEX_CALLS
        with np.errstate(all="ignore"):
            got = twins[name](xs)
        assert all(same(float(g), FUNCTIONS[name](float(x)), rel=1e-15) for g, x in zip(got, xs)), name
    assert twins["maximum"](np.array([1.0, NAN]), 2.0).tolist()[0] == 2.0
    assert math.isnan(twins["minimum"](np.array([NAN]), 2.0)[0])


# --- comparisons -------------------------------------------------------------------------------------------


def test_comparisons_are_plain_bools_on_the_data():
    np = pytest.importorskip("numpy")
    a, b = Value(1.0), Value(2.0)
    assert (a < b, a <= b, a > b, a >= b) == (True, True, False, False)
    # a number on the left: Python asks the Value's reflection (1.5 < a is a > 1.5)
    assert (a < 1.5, 1.5 < a, 2 >= b, a >= 1, np.float64(0.5) < a) == (True, False, True, True, True)  # noqa: SIM300
    assert type(a < b) is bool and type(3 > a) is bool  # noqa: SIM300
    nan = Value(NAN)
    assert not (nan < a or nan >= a or a < nan or nan <= NAN)
    assert sorted([b, a, Value(-1.0)], reverse=True)[1] is a and max(a, b) is b and min(a, 1.5) is a


def test_equality_stays_identity_so_values_are_keys():
    a, b = Value(1.0), Value(1.0)
    assert (a == b, a != b, a == a) == (False, True, True)
    assert a <= b and a >= b  # equal numbers, different nodes
    grads = {a: "a", b: "b"}
    assert grads[a] == "a" and len({a, b, a}) == 2 and hash(a) == hash(a)


@pytest.mark.parametrize("bad", ["1", None, True, 1j, [1.0]], ids=repr)
def test_comparing_with_what_is_not_a_number_is_a_type_error(bad):
    with pytest.raises(TypeError):
        Value(1.0) < bad  # noqa: B015
    with pytest.raises(TypeError):
        bad >= Value(1.0)  # noqa: B015


# --- networks ----------------------------------------------------------------------------------------------

NET = """
title = "2-2-1, gelu and leaky_relu"
inputs = [0.23, 0.55]
input_names = ["x1", "x2"]
targets = [0.01]
loss = "squared_error"
learning_rate = 0.1

[[layers]]
activation = "{hidden}"
weights = [[0.1, 0.4], [-0.2, 0.5]]
biases = [0.1, -0.4]
neurons = ["h1", "h2"]

[[layers]]
activation = "{output}"
weights = [[0.3, -0.6]]
biases = [-0.2]
neurons = ["o1"]
"""


def torch_gradients(hidden, output):
    """E and ∂E/∂(w, b) of NET in float64 PyTorch, output layer first (the walkthrough's order)."""
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    act = {"gelu": lambda z: F.gelu(z, approximate="tanh"), "leaky_relu": F.leaky_relu, "elu": F.elu,
           "softplus": lambda z: F.softplus(z, threshold=40.0)}
    t = lambda v: torch.tensor(v, dtype=torch.float64, requires_grad=True)  # noqa: E731
    W0, b0, W1, b1 = t([[0.1, 0.4], [-0.2, 0.5]]), t([0.1, -0.4]), t([[0.3, -0.6]]), t([-0.2])
    out = act[output](W1 @ act[hidden](W0 @ torch.tensor([0.23, 0.55], dtype=torch.float64) + b0) + b1)
    E = 0.5 * ((0.01 - out) ** 2).sum()
    E.backward()
    grads = [*W1.grad.flatten().tolist(), *b1.grad.tolist(), *W0.grad[0].tolist(), b0.grad[0].item(),
             *W0.grad[1].tolist(), b0.grad[1].item()]
    return E.item(), grads


@pytest.mark.parametrize(("hidden", "output"), [("gelu", "leaky_relu"), ("elu", "softplus"),
                                                ("leaky_relu", "gelu"), ("softplus", "elu")])
def test_network_files_with_the_new_activations_work_like_pytorch(hidden, output):
    w = work(netfile.parse(NET.format(hidden=hidden, output=output)))
    E, grads = torch_gradients(hidden, output)
    assert w.E.data == pytest.approx(E, rel=1e-13)
    assert [p.grad for p in w.params] == pytest.approx(grads, rel=1e-12, abs=1e-18)


def test_the_walkthrough_writes_the_activation_and_its_derivative(tmp_path, capsys):
    from chainrule.cli import main

    path = tmp_path / "net.toml"
    path.write_text(NET.format(hidden="gelu", output="leaky_relu"), encoding="utf-8")
    assert main([str(path)]) == 0
    text = capsys.readouterr().out
    assert "out_h1 = GELU(net_h1) = GELU(0.343) = 0.2175" in text
    assert "out_o1 = leaky_relu(net_o1) = leaky_relu(−0.09041) = −0.0009041" in text
    assert "δ_o1 = ∂E/∂out_o1·leaky_relu′(net_o1) = (out_o1 − target)·leaky_relu′(net_o1)" in text
    assert "·GELU′(net_h1) = " in text
    assert set(UNARY_ACTIVATIONS) == {"relu", "sigmoid", "tanh", "leaky_relu", "elu", "gelu", "softplus"}


def test_an_mlp_of_the_new_activations_learns_and_pickles():
    net = MLP(2, [6, 6, 1], activations=["gelu", "leaky_relu", "softplus"], seed=3)
    rows = [([0.1 * k, -0.05 * k], 0.3 + 0.02 * k) for k in range(8)]

    def loss():
        return sum(losses.squared_error(net(x), t) for x, t in rows) * (1 / len(rows))

    first = loss().data
    for _ in range(30):
        net.zero_grad()
        L = loss()
        L.backward()
        for p in net.parameters():
            p.data -= 0.05 * p.grad
    assert loss().data < 0.5 * first
    clone = pickle.loads(pickle.dumps(net))
    assert clone([0.2, 0.1]).data == net([0.2, 0.1]).data
    assert [layer.activation for layer in MLP(1, [2, 1], activations=["elu", "elu"]).layers] == ["elu", "elu"]


def test_networks_of_the_new_activations_agree_over_arrays():
    pytest.importorskip("numpy")
    net = MLP(3, [5, 4, 1], activations=["leaky_relu", "gelu", "softplus"], seed=5)
    rt = trace_rows(lambda a, b, c, t: losses.squared_error(net([a, b, c]), t), [0.1, 0.2, 0.3, 0.5])
    rows = [[0.3 * k - 1.0, -0.2 * k, 0.4, 0.05 * k] for k in range(9)]
    value, grads = rt(rows)
    a_value, a_grads = rt(rows, numpy=True)
    assert a_value == pytest.approx(value, rel=1e-12)
    assert a_grads == pytest.approx(grads, rel=1e-11, abs=1e-15)
    assert "gelu(Z" in rt.array_source  # a layer's GELUs, one call on its matrix
