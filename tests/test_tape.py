"""``autograd.trace``: a function recorded once and replayed over floats.

The tape claims the eager engine's numbers to the last bit (same formulas, same order), with
value-dependent derivatives (relu, abs) evaluated at replay and branches frozen at trace.
Every comparison here is exact: ``float.hex`` on both sides, so even -0.0 vs 0.0 would fail.
"""

from __future__ import annotations

import math
import re
from collections import Counter

import pytest
from doc_2331 import NAMES_2331, network_2331
from hypothesis import assume, given
from hypothesis import strategies as st
from random_graphs import ALL_OPS, SMOOTH_OPS, VALUE_LIB, build, function, programs, run, valid

from autograd import Tape, TapeMismatch, Value, dot, no_grad, ops, shift, topological_order, trace, vsum
from nn import MLP, SGD, data, losses

# --- helpers -------------------------------------------------------------------------------


def hexes(xs):
    return [x.hex() for x in xs]


def eager(fn, xs, params=()):
    """A fresh eager graph at xs: (value, [p.grad for params], [x.grad for inputs])."""
    for p in params:
        p.grad = 0.0
    vs = [Value(x) for x in xs]
    out = fn(*vs)
    out.backward()
    return out.data, [p.grad for p in params], [v.grad for v in vs]


def assert_tape_equals_eager(tape, fn, xs):
    """Value, every parameter gradient and every input gradient, bit for bit: the tape's loops
    and its compiled program both."""
    e_value, e_grads, e_inputs = eager(fn, xs, tape.params)
    for replay in (tape, tape.compile()):
        value, grads = replay(*xs)
        assert type(value) is float
        assert value.hex() == e_value.hex()
        assert len(grads) == len(tape.params)
        assert hexes(grads) == hexes(e_grads)
        assert hexes(replay.input_grads) == hexes(e_inputs)
        assert replay.forward(*xs).hex() == e_value.hex()
    return value, grads


def net_2331():
    return network_2331()


def error_2331(net):
    return lambda x0, x1: losses.squared_error(net([x0, x1]), 0.01)


# --- 1. bit-identical to the eager engine -------------------------------------------------


@pytest.mark.parametrize(
    "xs",
    [(0.23, 0.55), (-0.4, 0.9), (1.5, -2.0), (0.0, 0.0), (3.0, 4.0), (-1.0, -1.0)],
    ids=["traced", "replay-a", "replay-b", "zeros", "large", "negative"],
)
def test_2331_network_equals_eager_at_traced_and_other_inputs(xs):
    net = net_2331()
    fn = error_2331(net)
    tape = trace(fn, [0.23, 0.55])
    value, grads = assert_tape_equals_eager(tape, fn, list(xs))
    assert {p.label for p in tape.params} == set(NAMES_2331.values())
    if xs == (0.23, 0.55):  # the document's numbers
        assert round(value, 3) == 0.315
        by_label = dict(zip((p.label for p in tape.params), grads))
        assert round(by_label["w16"], 4) == 0.0025
        assert round(by_label["w7"], 5) == 0.03008


def test_2331_replays_many_inputs_in_a_row_without_drift():
    net = net_2331()
    fn = error_2331(net)
    tape = trace(fn, [0.23, 0.55])
    for k in range(25):
        xs = [math.sin(k) * 2.0, math.cos(3 * k) * 1.5]
        assert_tape_equals_eager(tape, fn, xs)


@pytest.fixture(scope="module")
def moons():
    X, y01 = data.moons(30, noise=0.1, seed=1)
    return X, [2 * t - 1 for t in y01]


@pytest.mark.parametrize("target", [1, -1])
def test_moons_mlp_hinge_per_sample_equals_eager(moons, target):
    X, _ = moons
    net = MLP(2, [16, 16, 1], seed=1337)
    fn = lambda x0, x1: losses.hinge(net([x0, x1]), target)  # noqa: E731
    tape = trace(fn, X[0])
    assert len(tape.params) == len(net.parameters())
    active = 0
    for x in X:  # the hinge's relu is active for some samples, flat for others
        value, _ = assert_tape_equals_eager(tape, fn, x)
        active += value > 0
    assert active > 0
    if target == -1:  # some scores are below -1: those samples sit on the hinge's flat side
        assert active < len(X)


def test_moons_mlp_hinge_whole_batch_with_l2_equals_eager(moons):
    X, y = moons
    net = MLP(2, [16, 16, 1], seed=1337)
    params = net.parameters()

    def batch(*xs):
        scores = [net([xs[2 * k], xs[2 * k + 1]]) for k in range(len(X))]
        return losses.hinge(scores, y) + 1e-4 * sum(p * p for p in params)

    flat = [v for row in X for v in row]
    tape = trace(batch, flat)
    assert_tape_equals_eager(tape, batch, flat)
    shifted = [v * 0.9 + 0.05 for v in flat]
    assert_tape_equals_eager(tape, batch, shifted)


SOFTMAX_NETS = {
    "softmax-probabilities": (["tanh", "softmax"], False),
    "linear-logits": (["relu", "linear"], True),
}


@pytest.mark.parametrize("kind", sorted(SOFTMAX_NETS))
@pytest.mark.parametrize("target", [0, 1, 2])
def test_softmax_classifier_equals_eager_at_traced_inputs(kind, target):
    activations, from_logits = SOFTMAX_NETS[kind]
    net = MLP(2, [5, 3], activations=activations, seed=4)
    fn = lambda a, b: losses.cross_entropy(net([a, b]), target, from_logits=from_logits)  # noqa: E731
    for xs in ([0.3, -0.8], [1.7, 0.4], [-2.0, -0.1]):
        tape = trace(fn, xs)
        assert_tape_equals_eager(tape, fn, xs)
        assert tape.op_counts()["exp"] == 3  # one per class


@pytest.mark.parametrize("kind", sorted(SOFTMAX_NETS))
def test_softmax_classifier_replays_exactly_at_new_inputs(kind):
    """softmax/logsumexp shift by m = max z, a `shift` node held constant: the tape recomputes
    it at every replay, so replays equal eager to the last bit and verify=True finds no
    difference in the graph."""
    activations, from_logits = SOFTMAX_NETS[kind]
    net = MLP(2, [5, 3], activations=activations, seed=4)
    fn = lambda a, b: losses.cross_entropy(net([a, b]), 1, from_logits=from_logits)  # noqa: E731
    tape = trace(fn, [0.3, -0.8])
    for xs in ([1.7, 0.4], [-2.0, -0.1], [300.0, -900.0]):
        assert_tape_equals_eager(tape, fn, xs)
        trace(fn, [0.3, -0.8], verify=True)(*xs)  # no TapeMismatch


def every_op(x, y, z):
    """One graph with every op of the table in every form (random_graphs.SMOOTH_OPS: Values and
    constants on either side), and the n-ary ops with plain numbers in every position."""
    terms = [f(x, y, 1.5, VALUE_LIB) for f in SMOOTH_OPS.values()]
    terms += [f(z, x, -0.75, VALUE_LIB) for f in SMOOTH_OPS.values()]
    terms += [
        dot([x, 2.0, y], [z, x, 3], bias=1.0),  # dot with plain-number operands
        dot([0.5, -1.5], [x, y]),  # only the inputs are Values
        dot([x, y], [x, y], bias=z),  # a Value repeated
        dot([], [], bias=y),  # a single operand
        vsum([x]), vsum([x, 1.5, y, x]),
        shift([x, 2.0, y]) * x,  # a held-constant max
    ]
    return vsum(terms)


@pytest.mark.parametrize(
    "xs",
    [(0.7, -0.3, 1.2), (-0.5, 0.8, -1.1), (0.0, 0.0, 0.0), (1.3, 1.3, 1.3), (-2.0, 0.25, 0.9)],
)
def test_every_op_equals_eager(xs):
    tape = trace(every_op, [0.7, -0.3, 1.2])
    assert set(tape.code) == {*ops.NODE_OPS, ops.DOT, ops.SUM, ops.SHIFT}, "the graph must use every op"
    assert tape.params == []
    assert_tape_equals_eager(tape, every_op, list(xs))


@pytest.mark.parametrize("name", sorted(ALL_OPS))
def test_each_random_graph_op_alone_equals_eager(name):
    steps = [(name, 0, 1, -1.25), (name, 2, 0, 0.75)]
    fn = function(steps)
    tape = trace(fn, [0.6, -1.4])
    for xs in ([0.6, -1.4], [-0.9, 0.35], [1.8, 1.1]):
        assert_tape_equals_eager(tape, fn, xs)


def test_fn_returning_an_input_or_ignoring_one():
    tape = trace(lambda x: x, [3.0])
    assert len(tape) == 0 and tape.params == []
    assert tape(5.0) == (5.0, [])
    assert tape.input_grads == [1.0]
    tape = trace(lambda x, y: x * 2, [1.0, 2.0])
    assert tape(4.0, 7.0) == (8.0, [])
    assert tape.input_grads == [2.0, 0.0]


def test_fn_returning_a_parameter():
    p = Value(1.5, label="p")
    tape = trace(lambda x: p, [0.0])
    assert tape.params == [p]
    assert tape(9.0) == (1.5, [1.0])
    assert tape.input_grads == [0.0]


@given(programs(max_steps=12), st.data())
def test_random_graphs_equal_eager_at_traced_and_replayed_inputs(program, draws):
    values, steps = program
    leaves, nodes = build(program)
    root = nodes[-1]
    root.backward()
    fn = function(steps)
    tape = trace(fn, values)
    value, grads = tape(*values)
    assert grads == [] and value.hex() == root.data.hex()
    assert hexes(tape.input_grads) == hexes(x.grad for x in leaves)

    # Replay elsewhere: compare with a fresh eager graph at the new inputs.
    others = [draws.draw(st.floats(0.1, 2.0)) * draws.draw(st.sampled_from([1.0, -1.0])) for _ in values]
    again = [Value(x) for x in others]
    fresh = run(steps, again)
    assume(valid(steps, fresh))
    fresh[-1].backward()
    for replay in (tape, tape.compile()):
        value, _ = replay(*others)
        assert value.hex() == fresh[-1].data.hex()
        assert hexes(replay.input_grads) == hexes(x.grad for x in again)


@given(programs(max_steps=12), st.integers(1, 3))
def test_random_graphs_with_captured_parameters_equal_eager(program, n_inputs):
    values, steps = program
    n_inputs = min(n_inputs, len(values) - 1)
    params = [Value(v, label=f"p{k}") for k, v in enumerate(values[n_inputs:])]
    fn = lambda *xs: run(steps, [*xs, *params])[-1]  # noqa: E731
    nodes = run(steps, [Value(v) for v in values])
    assume(valid(steps, nodes))
    tape = trace(fn, values[:n_inputs])
    assert len(tape) == len(topological_order(nodes[-1]))
    assert {id(p) for p in tape.params} <= {id(p) for p in params}
    assert_tape_equals_eager(tape, fn, values[:n_inputs])
    # Parameters are read at replay: move them, then compare again.
    for p in params:
        p.data = p.data * 0.75 + 0.1
    assume(valid(steps, run(steps, [Value(v) for v in values[:n_inputs]] + params)))
    assert_tape_equals_eager(tape, fn, values[:n_inputs])


NON_FINITE = {
    "log0-times-0": (lambda x: x.log() * 0, [0.0]),
    "sqrt0-times-0": (lambda x: x.sqrt() * 0, [0.0]),
    "pow-half-at-0": (lambda x: x**0.5 * 0 + x, [0.0]),
    "div-by-0": (lambda x, y: x / y, [1.0, 0.0]),
    "relu-dead": (lambda x: x.relu() * 0, [1.0]),
    "dot-inf-operand": (lambda x, y: dot([x], [y], bias=1.0) * 0, [math.inf, 2.0]),
    "vsum-nan": (lambda x, y: vsum([x, y]) * 0, [math.nan, 1.0]),
    "exp-overflow": (lambda x: x.exp() - x.exp(), [1000.0]),
    "inf-minus-inf": (lambda x, y: (x - y) * 2, [math.inf, math.inf]),
}


@pytest.mark.parametrize("name", sorted(NON_FINITE))
def test_non_finite_values_and_zero_gradients_match_eager(name):
    """nan and inf, and 0 times an infinite partial, come out exactly as in the eager engine."""
    fn, xs = NON_FINITE[name]
    tape = trace(fn, xs)
    assert_tape_equals_eager(tape, fn, xs)
    assert_tape_equals_eager(tape, fn, [1.5] * len(xs))


# --- 2. value-dependent derivatives are evaluated at replay --------------------------------


@pytest.mark.parametrize(
    ("method", "at", "value", "grad"),
    [
        ("relu", -1.0, 0.0, 0.0),
        ("relu", 2.5, 2.5, 1.0),
        ("relu", 0.0, 0.0, 0.0),  # relu'(0) = 0
        ("abs", -1.0, 1.0, -1.0),
        ("abs", 0.0, 0.0, 0.0),  # abs'(0) = 0
        ("abs", 3.0, 3.0, 1.0),
    ],
)
def test_kinked_ops_take_their_derivative_at_replay(method, at, value, grad):
    fn = lambda x: getattr(x, method)()  # noqa: E731
    tape = trace(fn, [1.0])
    assert tape(1.0) == (1.0, [])
    assert tape.input_grads == [1.0]
    assert tape(at) == (value, [])
    assert tape.input_grads == [grad]
    _, _, (eager_grad,) = eager(fn, [at])
    assert eager_grad == grad


def test_relu_replay_inside_a_network_kills_the_branch():
    w = Value(2.0, label="w")
    tape = trace(lambda x: (w * x).relu() * 3, [1.0])
    assert tape(1.0) == (6.0, [3.0])
    assert tape(-1.0) == (0.0, [0.0])  # the relu is dead at -1: no gradient reaches w
    assert tape.input_grads == [0.0]


# --- 3. data-dependent control flow ----------------------------------------------------------


def branchy(x):
    return x * 2 if x.data > 0 else x * 3


def test_branches_are_frozen_at_trace_time():
    tape = trace(branchy, [1.0])
    assert tape(-1.0) == (-2.0, [])  # the x*2 branch, although eager takes x*3 at -1
    assert tape.input_grads == [2.0]
    assert eager(branchy, [-1.0])[0] == -3.0
    assert tape.forward(-1.0) == -2.0


def test_verify_raises_tape_mismatch_when_the_graph_differs():
    tape = trace(branchy, [1.0], verify=True)
    with pytest.raises(TapeMismatch) as info:
        tape(-1.0)
    message = str(info.value)
    assert "different graph" in message and "-1.0" in message and "branches on values" in message
    with pytest.raises(TapeMismatch):
        tape.forward(-1.0)
    assert isinstance(info.value, RuntimeError)
    assert tape(5.0) == (10.0, [])  # the same branch: no complaint
    assert tape.input_grads == [2.0]


def test_verify_accepts_a_relu_network_at_any_inputs():
    net = net_2331()
    fn = error_2331(net)
    tape = trace(fn, [0.23, 0.55], verify=True)
    for xs in ([-0.4, 0.9], [1.5, -2.0], [0.0, 0.0]):
        assert_tape_equals_eager(tape, fn, xs)


# --- 4. accumulate=True, parameters read at every replay -------------------------------------


def test_accumulate_adds_into_grad_exactly_like_backward():
    net_t, net_e = net_2331(), net_2331()
    tape = trace(error_2331(net_t), [0.23, 0.55])
    start = [0.25 * k - 1.0 for k in range(len(tape.params))]
    by_label_e = {p.label: p for p in net_e.parameters()}
    for p, g in zip(tape.params, start):
        p.grad = g
        by_label_e[p.label].grad = g
    value, grads = tape(-0.4, 0.9, accumulate=True)
    E = error_2331(net_e)(Value(-0.4), Value(0.9))
    E.backward()
    assert value == E.data
    assert hexes(p.grad for p in tape.params) == hexes(by_label_e[p.label].grad for p in tape.params)
    assert [p.grad for p in tape.params] == [s + g for s, g in zip(start, grads)]
    # Twice: adds the same again, as a second backward does.
    tape(-0.4, 0.9, accumulate=True)
    E.backward()
    assert hexes(p.grad for p in tape.params) == hexes(by_label_e[p.label].grad for p in tape.params)


def test_accumulate_false_leaves_grad_alone():
    net = net_2331()
    tape = trace(error_2331(net), [0.23, 0.55])
    net.zero_grad()
    _, grads = tape(0.23, 0.55)
    assert any(grads) and all(p.grad == 0.0 for p in net.parameters())


def test_parameters_are_read_at_every_replay():
    w = Value(2.0, label="w")
    tape = trace(lambda x: w * x + 1, [3.0])
    assert tape(3.0) == (7.0, [3.0])
    w.data = -0.5
    assert tape(3.0) == (-0.5, [3.0])
    assert tape.input_grads == [-0.5]
    assert tape.forward(4.0) == -1.0


def test_optimizer_steps_between_replays_match_eager_training():
    net_t, net_e = net_2331(), net_2331()
    tape = trace(error_2331(net_t), [0.23, 0.55])
    opt_t, opt_e = SGD(net_t.parameters(), lr=0.5), SGD(net_e.parameters(), lr=0.5)
    fn_e = error_2331(net_e)
    samples = [(0.23, 0.55), (-0.4, 0.9), (1.5, 0.2)]
    history_t, history_e = [], []
    for step in range(30):
        xs = samples[step % 3]
        opt_t.zero_grad()
        value, _ = tape(*xs, accumulate=True)
        opt_t.step()
        history_t.append(value)
        opt_e.zero_grad()
        E = fn_e(*(Value(x) for x in xs))
        E.backward()
        opt_e.step()
        history_e.append(E.data)
    assert hexes(history_t) == hexes(history_e)
    assert history_t[-1] < history_t[0]
    assert hexes(net_t.state_dict().values()) == hexes(net_e.state_dict().values())


# --- 5. inspection -----------------------------------------------------------------------------


@pytest.fixture
def tape_2331():
    net = net_2331()
    fn = error_2331(net)
    E = fn(Value(0.23), Value(0.55))
    return trace(fn, [0.23, 0.55]), E


def test_len_is_the_number_of_op_nodes(tape_2331):
    tape, E = tape_2331
    assert len(tape) == len(topological_order(E)) == 18
    assert len(tape.params) == 25


def test_op_counts(tape_2331):
    tape, E = tape_2331
    expected = Counter({"dot": 7, "relu": 6, "sigmoid": 1, "sub": 1, "pow": 1, "sum": 1, "mul": 1})
    assert tape.op_counts() == expected
    assert tape.op_counts() == Counter(n.op for n in topological_order(E))
    assert sum(tape.op_counts().values()) == len(tape)


def program_parts(listing):
    """(forward lines of run, backward lines of run) of a tape's program, unindented."""
    run = listing.split("\n\n\n")[0].splitlines()[1:-1]  # def run(...) ... return
    body = [line[4:] for line in run]
    first_grad = next(k for k, line in enumerate(body) if line.startswith("g_"))
    return body[:first_grad], body[first_grad:]


def test_listing_is_the_program_compile_runs(tape_2331):
    tape, _ = tape_2331
    assert tape.listing(limit=None) == tape.compile().source.rstrip("\n")
    forward, backward = program_parts(tape.listing(limit=None))
    assert forward[0] == "x0, x1, = xs"
    nodes = forward[2:]
    assert len(nodes) == len(tape)
    assert sum(" = ieee_sum((" in line for line in nodes) == 8  # 7 dots and the loss's sum
    assert "net_n3 = ieee_sum((w1 * x0, w4 * x1, b1,))" in nodes  # named by the labels
    assert "out_n3 = relu(net_n3)" in nodes
    assert "out_n9 = sigmoid(net_n9)" in nodes
    text = "\n".join(backward)
    assert "g_net_n9 = g_out_n9 * (out_n9 * (1.0 - out_n9))" in text  # the op table's σ′
    assert "g_w16 += g_net_n9 * out_n6" in text
    assert "g_net_n3 = g_out_n3 * (1.0 if net_n3 > 0.0 else 0.0)" in text
    assert re.search(r"\bp\d+\b", text) is None  # no fallback names: every parameter is labelled


@pytest.mark.parametrize("limit", [1, 5, 17])
def test_listing_respects_limit_and_says_how_many_more(tape_2331, limit):
    tape, _ = tape_2331
    whole = tape.listing(limit=None).splitlines()
    lines = tape.listing(limit=limit).splitlines()
    assert lines[:-1] == whole[:limit]
    assert lines[-1] == f"# … {len(whole) - limit} more lines"


def test_listing_default_limit_is_200_lines(tape_2331):
    tape, _ = tape_2331
    assert len(tape.listing(limit=None).splitlines()) < 200
    assert tape.listing() == tape.listing(limit=None)
    assert "more lines" not in tape.listing()


def test_listing_of_constant_forms_names_constants_and_unlabelled_parameters():
    p = Value(0.5)
    tape = trace(lambda x: (2 - x) * p + dot([x], [3.0]), [1.0])
    listing = tape.listing()
    sub = re.search(r"^    (v\d+) = 2\.0 - x0$", listing, re.M)
    assert sub, listing
    assert re.search(r"^    v\d+ = ieee_sum\(\(x0 \* 3\.0,\)\)$", listing, re.M), listing
    assert re.search(r"^    v\d+ = v\d+ \* p0$", listing, re.M), listing  # unlabelled: p0
    assert f"g_x0 -= g_{sub.group(1)}" in listing  # ∂(2 − x)/∂x = −1: the eager loop's shortcut


@pytest.mark.parametrize("label", ["x0", "g_w", "rows", "ieee_sum", "class", "é", "", "p0", "[]"])
def test_labels_that_cannot_name_a_local_fall_back(label):
    p, q = Value(0.5, label=label), Value(2.0, label="q")
    tape = trace(lambda x: x * p + q, [1.0])
    listing = tape.listing()
    assert "p0, q, = ps" in listing
    assert_tape_equals_eager(tape, lambda x: x * p + q, [3.0])


def test_two_parameters_with_one_label_get_two_names():
    p, q = Value(0.5, label="w"), Value(2.0, label="w")
    tape = trace(lambda x: x * p + q, [1.0])
    assert "w, p1, = ps" in tape.listing()


def test_programs_are_compiled_once_per_structure():
    from autograd import program

    program._compiled.cache_clear()
    for _ in range(3):
        net = net_2331()
        trace(error_2331(net), [0.23, 0.55]).compile()
    info = program._compiled.cache_info()
    assert (info.misses, info.hits) == (1, 5)  # run and value, from one compile


# --- 6. bad use -----------------------------------------------------------------------------------


@pytest.fixture(params=["tape", "compiled"])
def tape_xy(request):
    tape = trace(lambda x, y: x * y, [1.0, 2.0])
    return tape if request.param == "tape" else tape.compile()


@pytest.mark.parametrize("xs", [(), (1.0,), (1.0, 2.0, 3.0)])
def test_wrong_number_of_inputs(tape_xy, xs):
    with pytest.raises(TypeError, match=f"expected 2 inputs, got {len(xs)}"):
        tape_xy(*xs)
    with pytest.raises(TypeError, match=f"expected 2 inputs, got {len(xs)}"):
        tape_xy.forward(*xs)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("1.0", "input 1 must be a real number, not str"),
        (None, "input 1 must be a real number, not NoneType"),
        (Value(1.0), "input 1 is a Value; pass numbers"),
        (True, "input 1 must be a real number, not bool"),
        ([1.0], "input 1 must be a real number, not list"),
        (1j, "input 1 must be a real number, not complex"),
    ],
)
def test_bad_input_types(tape_xy, bad, message):
    with pytest.raises(TypeError, match=message):
        tape_xy(3.0, bad)
    with pytest.raises(TypeError, match=message):
        tape_xy.forward(3.0, bad)


def test_ints_and_numpy_like_numbers_are_accepted(tape_xy):
    from fractions import Fraction

    assert tape_xy(3, Fraction(1, 2)) == (1.5, [])
    assert tape_xy.input_grads == [0.5, 3.0]


@pytest.mark.parametrize("fn", [3, None, "lambda x: x", [abs]])
def test_fn_must_be_callable(fn):
    with pytest.raises(TypeError, match=f"fn must be callable, not {type(fn).__name__}"):
        trace(fn, [1.0])


@pytest.mark.parametrize(
    ("fn", "returned"),
    [(lambda x: 3.0, "float"), (lambda x: [x], "list"), (lambda x: None, "NoneType"),
     (lambda x: x.data, "float")],
)
def test_fn_must_return_a_value(fn, returned):
    with pytest.raises(TypeError, match=f"fn must return a Value, but returned {returned}"):
        trace(fn, [1.0])


@pytest.mark.parametrize(
    ("example", "kind"),
    [(1.0, "float"), ("12", "str"), (Value(1.0), "Value"), (None, "NoneType"), ({1.0}, "set"),
     (iter([1.0]), "list_iterator"), (b"\x01", "bytes")],
)
def test_example_inputs_must_be_a_list(example, kind):
    with pytest.raises(TypeError, match=f"example_inputs must be a list of numbers, not {kind}"):
        trace(lambda x: x * 2, example)


@pytest.mark.parametrize(
    ("bad", "kind"), [("1", "str"), (None, "NoneType"), (Value(1.0), "Value"), (False, "bool")]
)
def test_example_inputs_must_hold_numbers(bad, kind):
    with pytest.raises(TypeError, match=f"example input 1 must be a real number, not (a )?{kind}"):
        trace(lambda x, y: x * y, [1.0, bad])


def test_example_inputs_may_be_a_tuple():
    tape = trace(lambda x, y: x - y, (5, 2.0))
    assert isinstance(tape, Tape)
    assert tape(1, 2) == (-1.0, [])


def test_arity_mismatch_at_trace_is_a_type_error():
    with pytest.raises(TypeError, match="argument"):
        trace(lambda x, y: x * y, [1.0])


def test_trace_inside_no_grad_is_an_error():
    with no_grad(), pytest.raises(RuntimeError, match="no_grad"):
        trace(lambda x: x * x, [2.0])


def test_verify_accepts_constants_fn_wraps_in_values_at_each_call():
    tape = trace(lambda z: losses.cross_entropy([z, 1.0], 0), [0.3], verify=True)
    value, _ = tape(0.5)
    assert value == losses.cross_entropy([Value(0.5), 1.0], 0).data
