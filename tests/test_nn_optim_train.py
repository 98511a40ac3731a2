"""nn.optim (SGD, Adam), nn.train.fit and nn.data, and a neuron that learns a line."""

from __future__ import annotations

import contextlib
import io
import itertools
import math
import random
import re
from decimal import Decimal
from fractions import Fraction

import pytest

from autograd import Value, no_grad
from nn import MLP, SGD, Adam, data, fit, losses


def quad_grads(params, targets, scales):
    """E = Σ sₖ·(pₖ − tₖ)² + p₀·p₁ (grads change every step and couple the parameters)."""
    E = sum(s * (p - t) ** 2 for p, t, s in zip(params, targets, scales)) + params[0] * params[1]
    for p in params:
        p.grad = 0.0
    E.backward()
    return [p.grad for p in params]


START = [1.5, -0.7, 3.0]
TARGETS = [0.5, 2.0, -1.0]
SCALES = [1.0, 0.3, 2.0]


# --- SGD ------------------------------------------------------------------------------------

@pytest.mark.parametrize("lr", [0.1, 0.01, 1.0, 3])
def test_sgd_step_is_p_minus_lr_grad(lr):
    ps = [Value(x) for x in START]
    grads = [0.25, -3.5, 1e-3]
    for p, g in zip(ps, grads):
        p.grad = g
    SGD(ps, lr=lr).step()
    assert [p.data for p in ps] == [x - lr * g for x, g in zip(START, grads)]
    assert [p.grad for p in ps] == grads  # step does not touch the gradients
    assert all(p.is_leaf for p in ps)


@pytest.mark.parametrize("momentum", [0.0, 0.5, 0.9])
def test_sgd_momentum_three_steps_equals_the_recurrence(momentum):
    lr = 0.05
    ps = [Value(x) for x in START]
    opt = SGD(ps, lr=lr, momentum=momentum)
    want, vel = list(START), [0.0] * 3
    for _ in range(3):
        grads = quad_grads(ps, TARGETS, SCALES)
        # the same gradients by hand at the hand-updated point
        hand = [2 * s * (w - t) for w, t, s in zip(want, TARGETS, SCALES)]
        hand[0] += want[1]
        hand[1] += want[0]
        assert grads == pytest.approx(hand, rel=1e-14)
        opt.step()
        for i in range(3):
            vel[i] = momentum * vel[i] + grads[i]
            want[i] -= lr * vel[i]
        assert [p.data for p in ps] == want
    if momentum:  # momentum really changes the path
        plain = [Value(x) for x in START]
        sgd = SGD(plain, lr=lr)
        for _ in range(3):
            quad_grads(plain, TARGETS, SCALES)
            sgd.step()
        assert [p.data for p in plain] != want


def hand_adam(start, steps, lr, b1, b2, eps):
    ps = list(start)
    m = [0.0] * len(ps)
    v = [0.0] * len(ps)
    history = []
    for t in range(1, steps + 1):
        g = [2 * s * (w - tt) for w, tt, s in zip(ps, TARGETS, SCALES)]
        g[0] += ps[1]
        g[1] += ps[0]
        for i in range(len(ps)):
            m[i] = b1 * m[i] + (1 - b1) * g[i]
            v[i] = b2 * v[i] + (1 - b2) * g[i] ** 2
            mhat = m[i] / (1 - b1**t)
            vhat = v[i] / (1 - b2**t)
            ps[i] = ps[i] - lr * mhat / (math.sqrt(vhat) + eps)
        history.append(list(ps))
    return history


ADAM_SETTINGS = [(0.001, (0.9, 0.999), 1e-8), (0.1, (0.8, 0.99), 1e-6), (0.5, (0.0, 0.5), 0.1)]


@pytest.mark.parametrize(("lr", "betas", "eps"), ADAM_SETTINGS)
def test_adam_three_steps_equals_hand_written_adam(lr, betas, eps):
    ps = [Value(x) for x in START]
    opt = Adam(ps, lr=lr, betas=betas, eps=eps)
    for want in hand_adam(START, 3, lr, *betas, eps):
        quad_grads(ps, TARGETS, SCALES)
        opt.step()
        for p, w in zip(ps, want):
            assert p.data == pytest.approx(w, rel=1e-14, abs=1e-15)
    # the first Adam step moves every parameter by about lr (bias correction)
    ps = [Value(x) for x in START]
    opt = Adam(ps, lr=lr, betas=betas, eps=eps)
    quad_grads(ps, TARGETS, SCALES)
    opt.step()
    for p, x in zip(ps, START):
        assert abs(p.data - x) == pytest.approx(lr, rel=max(1e-6, 10 * eps))


@pytest.mark.parametrize(("lr", "betas", "eps"), ADAM_SETTINGS)
def test_adam_matches_torch(lr, betas, eps):
    torch = pytest.importorskip("torch")
    ps = [Value(x) for x in START]
    opt = Adam(ps, lr=lr, betas=betas, eps=eps)
    tp = torch.tensor(START, dtype=torch.float64, requires_grad=True)
    topt = torch.optim.Adam([tp], lr=lr, betas=betas, eps=eps)
    tt = torch.tensor(TARGETS, dtype=torch.float64)
    ts = torch.tensor(SCALES, dtype=torch.float64)
    for _ in range(3):
        quad_grads(ps, TARGETS, SCALES)
        opt.step()
        topt.zero_grad()
        E = (ts * (tp - tt) ** 2).sum() + tp[0] * tp[1]
        E.backward()
        topt.step()
        for p, w in zip(ps, tp.tolist()):
            assert abs(p.data - w) <= 1e-12 * max(abs(w), 1.0)


def test_sgd_momentum_matches_torch():
    torch = pytest.importorskip("torch")
    ps = [Value(x) for x in START]
    opt = SGD(ps, lr=0.05, momentum=0.9)
    tp = torch.tensor(START, dtype=torch.float64, requires_grad=True)
    topt = torch.optim.SGD([tp], lr=0.05, momentum=0.9)
    tt = torch.tensor(TARGETS, dtype=torch.float64)
    ts = torch.tensor(SCALES, dtype=torch.float64)
    for _ in range(4):
        quad_grads(ps, TARGETS, SCALES)
        opt.step()
        topt.zero_grad()
        ((ts * (tp - tt) ** 2).sum() + tp[0] * tp[1]).backward()
        topt.step()
        assert [p.data for p in ps] == pytest.approx(tp.tolist(), rel=1e-14)


def test_optimizer_zero_grad_and_step_record_no_graph():
    ps = [Value(1.0), Value(2.0)]
    opt = SGD(ps, lr=0.1)
    for p in ps:
        p.grad = 5.0
    opt.step()
    assert all(p.is_leaf and p.op == "" for p in ps)
    opt.zero_grad()
    assert [p.grad for p in ps] == [0.0, 0.0]


def test_optimizer_works_inside_no_grad_and_accepts_generators():
    net = MLP(2, [2, 1], seed=0)
    opt = Adam(p for p in net.parameters())
    assert len(opt.params) == 9
    with no_grad():
        opt.step()  # zero grads: m = v = 0, no movement
    assert [p.data for p in net.parameters()] == list(MLP(2, [2, 1], seed=0).state_dict().values())


@pytest.mark.parametrize(
    ("make", "error", "words"),
    [
        (lambda ps: SGD(ps, lr=0), ValueError, ["lr", "> 0", "0"]),
        (lambda ps: SGD(ps, lr=-0.1), ValueError, ["lr", "-0.1"]),
        (lambda ps: SGD(ps, lr=math.nan), ValueError, ["lr", "nan"]),
        (lambda ps: SGD(ps, lr=math.inf), ValueError, ["lr", "inf"]),
        (lambda ps: SGD(ps, lr=True), TypeError, ["lr", "True"]),
        (lambda ps: SGD(ps, lr="0.1"), TypeError, ["lr", "'0.1'"]),
        (lambda ps: SGD(ps, lr=None), TypeError, ["lr", "None"]),
        (lambda ps: SGD(ps, lr=0.1, momentum=-0.5), ValueError, ["momentum", ">= 0", "-0.5"]),
        (lambda ps: SGD(ps, lr=0.1, momentum=math.nan), ValueError, ["momentum", "nan"]),
        (lambda ps: Adam(ps, lr=0), ValueError, ["Adam: lr"]),
        (lambda ps: Adam(ps, lr=-1e-3), ValueError, ["Adam: lr"]),
        (lambda ps: Adam(ps, betas=(1.0, 0.999)), ValueError, ["betas[0]", "[0, 1)", "1.0"]),
        (lambda ps: Adam(ps, betas=(0.9, 1.0)), ValueError, ["betas[1]", "[0, 1)"]),
        (lambda ps: Adam(ps, betas=(0.9, 1.5)), ValueError, ["betas[1]", "1.5"]),
        (lambda ps: Adam(ps, betas=(-0.1, 0.999)), ValueError, ["betas[0]", "-0.1"]),
        (lambda ps: Adam(ps, betas=(math.nan, 0.999)), ValueError, ["betas[0]"]),
        (lambda ps: Adam(ps, eps=0.0), ValueError, ["eps", "> 0"]),
        (lambda ps: Adam(ps, eps=-1e-8), ValueError, ["eps"]),
        (lambda ps: SGD([], lr=0.1), ValueError, ["SGD: no parameters"]),
        (lambda ps: Adam([]), ValueError, ["Adam: no parameters"]),
        (lambda ps: SGD([ps[0], 1.0], lr=0.1), TypeError, ["parameter 1", "float", "not a Value"]),
        (lambda ps: Adam([ps[0], ps[1] * 2]), ValueError, ["parameter 1", "op 'mul'", "leaves"]),
        (lambda ps: SGD([ps[0] + ps[1]], lr=0.1), ValueError, ["parameter 0", "op 'add'"]),
    ],
)
def test_optimizers_reject_bad_arguments(make, error, words):
    ps = [Value(1.0), Value(2.0)]
    with pytest.raises(error) as info:
        make(ps)
    for w in words:
        assert w in str(info.value)


# --- fit ------------------------------------------------------------------------------------

LINE_X = [[-1.0], [-0.5], [0.0], [0.5], [1.0], [1.5]]
LINE_Y = [2 * x[0] + 1 for x in LINE_X]


def test_fit_returns_a_decreasing_per_epoch_history():
    net = MLP(1, [1], ["linear"], seed=0)
    start = net.state_dict()
    hist = fit(net, LINE_X, LINE_Y, losses.mse, epochs=30, lr=0.1)
    assert len(hist) == 30 and all(type(h) is float for h in hist)
    # history[0] is the mean loss at the starting weights
    ref = MLP(1, [1], ["linear"], seed=0)
    assert ref.state_dict() == start
    assert hist[0] == pytest.approx(losses.mse([ref(x) for x in LINE_X], LINE_Y).data, rel=1e-15)
    assert all(b < a for a, b in itertools.pairwise(hist))  # convex, small lr: strictly decreasing
    assert hist[-1] < 1e-2 * hist[0]


def test_fit_minibatches_are_seeded():
    X, y = data.moons(24, noise=0.1, seed=1)
    ys = [2 * t - 1 for t in y]

    def run(seed):
        net = MLP(2, [4, 1], seed=3)
        return fit(net, X, ys, losses.hinge, epochs=3, batch_size=5, lr=0.05, seed=seed), net.state_dict()

    h1, s1 = run(0)
    h2, s2 = run(0)
    h3, s3 = run(1)
    assert h1 == h2 and s1 == s2
    assert h1 != h3 and s1 != s3


def test_fit_l2_adds_the_penalty_to_the_loss():
    net1 = MLP(1, [2, 1], ["tanh", "linear"], seed=5)
    net2 = MLP(1, [2, 1], ["tanh", "linear"], seed=5)
    penalty = sum(v * v for v in net1.state_dict().values())
    h1 = fit(net1, LINE_X, LINE_Y, losses.mse, epochs=1, lr=0.01)
    h2 = fit(net2, LINE_X, LINE_Y, losses.mse, epochs=1, lr=0.01, l2=0.1)
    assert h2[0] == pytest.approx(h1[0] + 0.1 * penalty, rel=1e-13)
    assert net1.state_dict() != net2.state_dict()


def test_fit_uses_the_given_optimizer():
    net = MLP(1, [1], ["linear"], seed=0)
    start = list(net.state_dict().values())
    fit(net, LINE_X, LINE_Y, losses.mse, epochs=1, optimizer=Adam(net.parameters(), lr=0.25))
    # one Adam step moves each parameter by lr (bias correction), whatever the gradient's size
    assert [abs(a - b) for a, b in zip(net.state_dict().values(), start)] == pytest.approx([0.25, 0.25])


@pytest.mark.parametrize("progress", [True, False, None])
def test_fit_prints_a_progress_bar_only_when_asked(progress):
    stream = io.StringIO()
    net = MLP(1, [1], ["linear"], seed=0)
    hist = fit(net, LINE_X, LINE_Y, losses.mse, epochs=4, lr=0.1, progress=progress, stream=stream)
    out = stream.getvalue()
    if progress:
        assert out.count("\r") == 4
        for k in range(1, 5):
            assert f"epoch {k}/4" in out
        assert "[" + "#" * 30 + "]" in out
        assert f"loss {hist[-1]:.4g}" in out
        assert out.endswith("\n")
    else:  # StringIO is not a terminal, so None means no bar
        assert out == ""


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"X": [[1.0], [2.0]], "y": [1.0]}, ["2 inputs and 1 targets"]),
        ({"X": [], "y": []}, ["0 inputs"]),
        ({"epochs": 0}, ["epochs", "0"]),
        ({"epochs": 2.0}, ["epochs", "2.0"]),
        ({"epochs": True}, ["epochs"]),
        ({"batch_size": 0}, ["batch_size", "0"]),
        ({"batch_size": 1.5}, ["batch_size", "1.5"]),
        ({"lr": -1.0}, ["lr"]),
    ],
)
def test_fit_rejects_bad_arguments(kwargs, words):
    net = MLP(1, [1], ["linear"], seed=0)
    before = net.state_dict()
    args = {"X": LINE_X, "y": LINE_Y, **kwargs}
    with pytest.raises(ValueError) as info:
        fit(net, args.pop("X"), args.pop("y"), losses.mse, **args)
    for w in words:
        assert w in str(info.value)
    assert net.state_dict() == before


def test_fit_history_with_squared_error_is_the_mean_over_samples():
    net = MLP(1, [1], ["linear"], seed=0)
    ref = MLP(1, [1], ["linear"], seed=0)
    want = sum(0.5 * (t - ref(x).data) ** 2 for x, t in zip(LINE_X, LINE_Y)) / len(LINE_X)
    hist = fit(net, LINE_X, LINE_Y, losses.squared_error, epochs=1, lr=1e-3)
    assert hist[0] == pytest.approx(want, rel=1e-12)


# --- data -----------------------------------------------------------------------------------

@pytest.mark.parametrize("n", [2, 3, 10, 101])
def test_moons_sizes_labels_and_determinism(n):
    X, y = data.moons(n, noise=0.1, seed=4)
    assert len(X) == len(y) == n
    assert all(len(p) == 2 and all(type(c) is float for c in p) for p in X)
    assert y == [0] * (n - n // 2) + [1] * (n // 2)
    assert data.moons(n, noise=0.1, seed=4) == (X, y)
    assert data.moons(n, noise=0.1, seed=5)[0] != X


def test_moons_without_noise_lie_on_the_two_half_circles():
    X, y = data.moons(40, noise=0.0)
    for (a, b), label in zip(X, y):
        if label == 0:
            assert math.hypot(a, b) == pytest.approx(1.0, rel=1e-14) and b >= -1e-15
        else:
            assert math.hypot(a - 1, b - 0.5) == pytest.approx(1.0, rel=1e-14) and b <= 0.5 + 1e-15
    assert X[0] == [1.0, 0.0] and X[19] == pytest.approx([-1.0, 0.0], abs=1e-15)
    assert X[20] == [0.0, 0.5] and X[-1] == pytest.approx([2.0, 0.5], abs=1e-15)


@pytest.mark.parametrize(("n", "classes"), [(2, 2), (5, 3), (50, 4)])
def test_spirals_sizes_labels_and_determinism(n, classes):
    X, y = data.spirals(n, classes=classes, noise=0.2, seed=2)
    assert len(X) == len(y) == n * classes
    assert y == [k for k in range(classes) for _ in range(n)]
    assert data.spirals(n, classes=classes, noise=0.2, seed=2) == (X, y)
    assert data.spirals(n, classes=classes, noise=0.2, seed=3)[0] != X
    for i, (a, b) in enumerate(X):  # noise is on the angle only: the radius is i/(n-1)
        assert math.hypot(a, b) == pytest.approx((i % n) / (n - 1), abs=1e-15)


def test_spirals_without_noise_follow_the_formula():
    X, _ = data.spirals(5, classes=3, noise=0.0)
    r, k = 0.75, 2
    t = 4 * r + 2 * math.pi * k / 3
    assert X[2 * 5 + 3] == pytest.approx([r * math.sin(t), r * math.cos(t)], rel=1e-15)


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: data.moons(1), ValueError, ["int >= 2", "1"]),
        (lambda: data.moons(0), ValueError, ["int >= 2"]),
        (lambda: data.moons(10.0), ValueError, ["10.0"]),
        (lambda: data.moons(True), ValueError, ["True"]),
        (lambda: data.moons(10, noise=-0.1), ValueError, ["noise", "-0.1"]),
        (lambda: data.moons(10, noise=math.nan), ValueError, ["noise", "nan"]),
        # not a number at all: a TypeError, as everywhere in chainrule (autograd.validate.real)
        (lambda: data.moons(10, noise="0.1"), TypeError, ["noise", "str"]),
        (lambda: data.moons(10, noise=True), TypeError, ["noise", "bool"]),
        (lambda: data.spirals(1), ValueError, ["int >= 2"]),
        (lambda: data.spirals(10, classes=1), ValueError, ["classes", "1"]),
        (lambda: data.spirals(10, classes=2.0), ValueError, ["classes", "2.0"]),
        (lambda: data.spirals(10, classes=True), ValueError, ["classes"]),
        (lambda: data.spirals(10, noise=-1), ValueError, ["noise", "-1"]),
        (lambda: data.spirals(10, noise=None), TypeError, ["noise", "NoneType"]),
    ],
)
def test_data_rejects_bad_arguments(call, error, words):
    with pytest.raises(error) as info:
        call()
    for w in words:
        assert w in str(info.value)


# --- one notion of a number (autograd.validate): NumPy scalars, Fraction, Decimal; never bool --

def _plain(points_labels):
    points, labels = points_labels
    return all(type(v) is float for p in points for v in p) and all(type(k) is int for k in labels)


def test_data_accepts_numpy_integer_counts_and_any_real_noise():
    np = pytest.importorskip("numpy")
    want = data.moons(10, noise=0.25, seed=3)
    for n, noise in [(np.int64(10), np.float64(0.25)), (np.int32(10), np.float32(0.25)),
                     (10, Fraction(1, 4)), (np.uint8(10), Decimal("0.25")), (10, np.array(0.25))]:
        got = data.moons(n, noise=noise, seed=3)
        assert got == want and _plain(got)
    got = data.spirals(np.int16(5), classes=np.int64(3), noise=Fraction(1, 2), seed=1)
    assert got == data.spirals(5, classes=3, noise=0.5, seed=1) and _plain(got)


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda np: data.moons(np.bool_(True)), ValueError, ["number of points"]),
        (lambda np: data.moons(np.float64(10.0)), ValueError, ["number of points", "10.0"]),
        (lambda np: data.moons(10, noise=np.bool_(False)), TypeError, ["noise", "bool"]),
        (lambda np: data.moons(10, noise=np.float32("nan")), ValueError, ["noise", "nan"]),
        (lambda np: data.spirals(10, classes=np.bool_(True)), ValueError, ["classes"]),
        (lambda np: data.spirals(10, noise=1j), TypeError, ["noise", "complex"]),
    ],
)
def test_data_refuses_booleans_and_non_reals_of_any_kind(call, error, words):
    np = pytest.importorskip("numpy")
    with pytest.raises(error) as info:
        call(np)
    for w in words:
        assert w in str(info.value)


def test_optimizers_accept_any_real_number_as_a_float():
    np = pytest.importorskip("numpy")
    ps = [Value(1.0), Value(2.0)]
    sgd = SGD(ps, lr=np.float32(0.5), momentum=Fraction(1, 2))
    assert (sgd.lr, sgd.momentum) == (0.5, 0.5) and type(sgd.lr) is type(sgd.momentum) is float
    adam = Adam(ps, lr=Decimal("0.125"), betas=(Fraction(9, 10), np.float64(0.999)), eps=np.float64(1e-8))
    assert adam.betas == (0.9, 0.999) and all(type(b) is float for b in adam.betas)
    assert type(adam.lr) is float and adam.lr == 0.125


@pytest.mark.parametrize(
    "make",
    [
        lambda ps, np: SGD(ps, lr=np.bool_(True)),
        lambda ps, np: SGD(ps, lr=0.1, momentum=True),
        lambda ps, np: Adam(ps, betas=(True, 0.999)),
        lambda ps, np: Adam(ps, betas=(0.9, np.bool_(False))),
        lambda ps, np: Adam(ps, eps=np.array([1e-8])),
    ],
)
def test_optimizers_refuse_booleans_and_arrays(make):
    np = pytest.importorskip("numpy")
    with pytest.raises(TypeError, match="must be a real number"):
        make([Value(1.0), Value(2.0)], np)


def test_fit_accepts_numpy_integer_sizes_and_any_real_rate():
    np = pytest.importorskip("numpy")
    runs = []
    for epochs, batch_size, lr in [(3, 2, 0.1), (np.int64(3), np.int32(2), Fraction(1, 10)),
                                   (np.uint8(3), np.int64(2), np.float64(0.1))]:
        net = MLP(1, [1], ["linear"], seed=0)
        runs.append((fit(net, LINE_X, LINE_Y, losses.mse, epochs=epochs, batch_size=batch_size, lr=lr),
                     net.state_dict()))
    assert runs[0] == runs[1] == runs[2] and len(runs[0][0]) == 3


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        (lambda np: {"epochs": np.bool_(True)}, "epochs"),
        (lambda np: {"epochs": np.float64(3.0)}, "epochs"),
        (lambda np: {"batch_size": True}, "batch_size"),
        (lambda np: {"batch_size": np.bool_(True)}, "batch_size"),
    ],
)
def test_fit_refuses_boolean_and_float_sizes(kwargs, word):
    np = pytest.importorskip("numpy")
    net = MLP(1, [1], ["linear"], seed=0)
    before = net.state_dict()
    with pytest.raises(ValueError, match=word):
        fit(net, LINE_X, LINE_Y, losses.mse, **kwargs(np))
    assert net.state_dict() == before


# --- fit(loss="name"): the registry's losses by name ---------------------------------------------

def _classes():
    X, y = data.spirals(6, classes=3, noise=0.1, seed=2)
    return MLP(2, [5, 3], ["tanh", "linear"], seed=4), X, y


def _labels_pm1():
    X, y = data.moons(12, noise=0.1, seed=1)
    return MLP(2, [4, 1], seed=3), X, [2 * t - 1 for t in y]


def _probabilities():
    X, y = data.moons(12, noise=0.1, seed=1)
    return MLP(2, [4, 1], ["tanh", "sigmoid"], seed=3), X, y


def _line():
    return MLP(1, [1], ["linear"], seed=0), LINE_X, LINE_Y


@pytest.mark.parametrize(
    ("name", "fn", "problem"),
    [
        ("mse", losses.mse, _line),
        ("squared_error", losses.squared_error, _line),
        ("hinge", losses.hinge, _labels_pm1),
        ("binary_cross_entropy", losses.binary_cross_entropy, _probabilities),
        ("cross_entropy", losses.cross_entropy, _classes),
    ],
)
def test_fit_takes_a_loss_by_its_registry_name(name, fn, problem):
    assert losses.LOSSES[name].fn is fn
    runs = []
    for loss in (fn, name):
        net, X, y = problem()
        runs.append((fit(net, X, y, loss, epochs=3, batch_size=4, lr=0.1), net.state_dict()))
    assert runs[0] == runs[1]


def test_fit_unknown_loss_name_lists_the_names_and_trains_nothing():
    net, X, y = _line()
    before = net.state_dict()
    with pytest.raises(ValueError, match="unknown loss 'l1'") as info:
        fit(net, X, y, "l1", epochs=2)
    for name in losses.LOSSES:
        assert name in str(info.value)
    assert net.state_dict() == before


@pytest.mark.parametrize("loss", [None, 3, ["mse"]])
def test_fit_loss_that_is_neither_function_nor_name_is_a_type_error(loss):
    net, X, y = _line()
    with pytest.raises(TypeError, match="loss must be a function") as info:
        fit(net, X, y, loss, epochs=2)
    assert "cross_entropy" in str(info.value)


# --- training: a neuron learns a plane ------------------------------------------------------

GRID = [[a, b] for a in (-1.0, -0.5, 0.0, 0.5, 1.0) for b in (-1.0, 0.0, 1.0)]
PLANE = [2 * a - 3 * b + 1 for a, b in GRID]


@pytest.mark.parametrize("seed", [0, 1])
def test_a_single_neuron_learns_2x1_minus_3x2_plus_1_by_gradient_descent(seed):
    """z = w1·x1 + w2·x2 + b, E = ½ mean (t − z)², w ← w − η ∂E/∂w."""
    net = MLP(2, [1], ["linear"], seed=seed)
    neuron = net.layers[0].neurons[0]
    opt = SGD(net.parameters(), lr=0.3)
    for _ in range(150):
        E = losses.squared_error([[net(x)] for x in GRID], PLANE)
        net.zero_grad()
        E.backward()
        opt.step()
    w1, w2, b = neuron.w[0].data, neuron.w[1].data, neuron.b.data
    assert abs(w1 - 2.0) < 1e-3 and abs(w2 + 3.0) < 1e-3 and abs(b - 1.0) < 1e-3
    assert E.data < 1e-6


def test_a_one_input_neuron_learns_a_line_with_fit():
    net = MLP(1, [1], ["linear"], seed=7)
    rng = random.Random(0)
    X = [[rng.uniform(-2, 2)] for _ in range(12)]
    y = [-1.5 * x[0] + 0.25 for x in X]
    hist = fit(net, X, y, losses.mse, epochs=200, lr=0.1)
    n = net.layers[0].neurons[0]
    assert abs(n.w[0].data + 1.5) < 1e-3 and abs(n.b.data - 0.25) < 1e-3
    assert hist[-1] < 1e-6 < hist[0]


def test_sgd_step_by_step_on_one_neuron_by_hand():
    """One gradient-descent step on z = w·x + b, E = ½(t − z)², done by hand."""
    net = MLP.from_weights([[[0.5, -1.0]]], [[0.2]], ["linear"])
    x, t, lr = [2.0, 1.5], 1.0, 0.1
    z = net(x)
    assert z.data == 0.5 * 2.0 - 1.0 * 1.5 + 0.2  # -0.3
    E = losses.squared_error(z, t)
    assert E.data == pytest.approx(0.5 * 1.3**2, rel=1e-15)
    E.backward()
    n = net.layers[0].neurons[0]
    dz = z.data - t  # -1.3
    assert [n.w[0].grad, n.w[1].grad, n.b.grad] == pytest.approx([dz * 2.0, dz * 1.5, dz], rel=1e-15)
    SGD(net.parameters(), lr=lr).step()
    assert [n.w[0].data, n.w[1].data, n.b.data] == pytest.approx(
        [0.5 - lr * dz * 2.0, -1.0 - lr * dz * 1.5, 0.2 - lr * dz], rel=1e-15)
    assert losses.squared_error(net(x), t).data < E.data


def test_numpy_numbers_are_numbers_in_nn():
    np = pytest.importorskip("numpy")
    net = MLP(2, [3, 1], seed=0)
    opt = SGD(net.parameters(), lr=np.float32(0.1))
    assert opt.lr == pytest.approx(0.1)
    assert losses.hinge(net([0.5, -0.5]), np.int64(-1)).data >= 0
    history = fit(net, np.array([[0.1, 0.2], [0.3, -0.1]]), np.array([1.0, -1.0]), losses.hinge,
                  epochs=2, lr=0.1, progress=False)
    assert len(history) == 2


def test_passing_the_parameters_method_is_a_clear_error():
    net = MLP(2, [1], seed=0)
    with pytest.raises(TypeError, match=r"net.parameters\(\)"):
        SGD(net.parameters, lr=0.1)


@pytest.mark.parametrize(
    ("l2", "error", "message"),
    [(-5.0, ValueError, "fit: l2 must be a finite number >= 0, not -5.0"),
     (math.nan, ValueError, "fit: l2 must be a finite number, not nan"),
     (True, TypeError, "fit: l2 must be a real number, not bool True"),
     ("0.1", TypeError, "fit: l2 must be a real number, not str '0.1'")],
)
def test_fit_checks_l2_before_training(l2, error, message):
    net = MLP(2, [1], seed=0)
    before = net.state_dict()
    with pytest.raises(error, match=re.escape(message)):
        fit(net, [[1.0, 2.0]], [1.0], "mse", l2=l2, epochs=1)
    assert net.state_dict() == before


@pytest.mark.parametrize("make", [lambda seed: MLP(2, [1], seed=seed), lambda seed: data.moons(4, seed=seed),
                                  lambda seed: data.spirals(3, seed=seed),
                                  lambda seed: fit(MLP(2, [1], seed=0), [[1.0, 2.0]], [1.0], "mse",
                                                   epochs=1, batch_size=1, seed=seed)])
def test_seeds_are_whole_numbers(make):
    np = pytest.importorskip("numpy")
    assert make(np.int64(3)) is not None and make(None) is not None
    for bad in (True, 1.5, "3"):
        with pytest.raises(ValueError, match="seed must be an int"):
            make(bad)


def test_fit_stops_at_a_non_finite_loss_naming_the_step():
    net = MLP(1, [1], activations=["linear"], seed=0)
    X, y = [[3.0], [-2.0]], [1.0, -1.0]
    with pytest.warns(RuntimeWarning, match="diverging"), pytest.raises(
            FloatingPointError, match=r"the loss is (inf|nan) at step (\d+) \(epoch \d+\)") as info:
        fit(net, X, y, "mse", lr=1e5, epochs=50, batch_size=1)
    assert all(math.isfinite(p.data) for p in net.parameters())  # as before the step that blew up
    assert "smaller learning rate" in str(info.value)


def test_fit_warns_once_when_the_loss_grows_a_millionfold():
    import warnings

    net = MLP(1, [1], activations=["linear"], seed=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with contextlib.suppress(FloatingPointError):
            fit(net, [[3.0]], [1.0], "mse", lr=0.5, epochs=40)
    grew = [w for w in caught if "training is diverging" in str(w.message)]
    assert len(grew) == 1 and "in epoch" in str(grew[0].message)


def test_fit_does_not_call_one_large_batch_among_small_ones_divergence():
    """Mini-batches of one: a sample of loss 1 among samples of loss 1e-10 is not divergence."""
    import warnings

    net = MLP(1, [1], activations=["linear"], seed=0)
    w, b = net.parameters()
    w.data, b.data = 1.0, 0.0
    X = [[0.0]] * 9 + [[1.0]]
    y = [1e-5] * 9 + [1.0 + 2 ** 0.5]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit(net, X, y, "mse", lr=1e-12, epochs=3, batch_size=1, seed=3)
