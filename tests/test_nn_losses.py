"""nn.losses: values against their formulas, gradients, stability, errors, and PyTorch."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value, gradcheck
from nn import losses
from nn.functional import logsumexp, softmax


def V(xs):
    return [Value(x) for x in xs]


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


# --- values against formulas ---------------------------------------------------------------

def test_squared_error_one_output():
    o = Value(0.75136507)
    assert losses.squared_error(o, 0.01).data == pytest.approx(0.5 * (0.01 - 0.75136507) ** 2, rel=1e-15)
    assert losses.squared_error(o, 0.01).data == pytest.approx(0.274811083, rel=1e-8)  # Mazur's E_o1
    assert losses.squared_error(Value(2.0), 5).data == 4.5


def test_squared_error_list_is_one_multi_output_sample():
    outs, ts = [0.75136507, 0.772928465], [0.01, 0.99]
    E = losses.squared_error(V(outs), ts)
    want = 0.5 * math.fsum((t - o) ** 2 for o, t in zip(outs, ts))
    assert E.data == pytest.approx(want, rel=1e-15)
    assert E.data == pytest.approx(0.298371109, rel=1e-8)  # Mazur's E_total: a sum, not a mean


def test_squared_error_list_of_lists_is_a_batch_mean():
    outs = [[1.0, 2.0], [0.5, -1.0], [3.0, 0.0]]
    ts = [[0.0, 2.5], [1.0, 1.0], [3.0, -2.0]]
    E = losses.squared_error([V(o) for o in outs], ts)
    per = [0.5 * sum((t - o) ** 2 for o, t in zip(oo, tt)) for oo, tt in zip(outs, ts)]
    assert per == [0.625, 2.125, 2.0]
    assert E.data == pytest.approx(sum(per) / 3, rel=1e-15)
    # a batch of single-output samples written as one-item lists, targets as numbers
    E = losses.squared_error([[Value(1.0)], [Value(3.0)]], [0.0, 1.0])
    assert E.data == pytest.approx((0.5 + 2.0) / 2, rel=1e-15)


def test_mse_is_the_mean_over_all_outputs_either_way():
    outs, ts = [1.0, 2.0, 0.5, -1.0], [0.0, 2.5, 1.0, 1.0]
    want = sum((t - o) ** 2 for o, t in zip(outs, ts)) / 4
    assert want == 1.375
    assert losses.mse(V(outs), ts).data == pytest.approx(want, rel=1e-15)
    assert losses.mse([V(outs[:2]), V(outs[2:])], [ts[:2], ts[2:]]).data == pytest.approx(want, rel=1e-15)
    assert losses.mse(Value(3.0), 1.0).data == 4.0


@pytest.mark.parametrize(("p", "t"), [(0.9, 1.0), (0.2, 0.0), (0.3, 0.7), (0.5, 0.5), (1e-6, 1.0)])
def test_binary_cross_entropy_one_sample(p, t):
    want = -(t * math.log(p) + (1 - t) * math.log(1 - p))
    assert losses.binary_cross_entropy(Value(p), t).data == pytest.approx(want, rel=1e-14)


def test_binary_cross_entropy_batch_is_the_mean():
    ps, ts = [0.9, 0.2, 0.6], [1, 0, 1]
    want = (-math.log(0.9) - math.log(0.8) - math.log(0.6)) / 3
    assert losses.binary_cross_entropy(V(ps), ts).data == pytest.approx(want, rel=1e-15)
    zs = [2.0, -1.0, 0.5]
    want = sum(-(t * math.log(sigmoid(z)) + (1 - t) * math.log(1 - sigmoid(z))) for z, t in zip(zs, ts)) / 3
    got = losses.binary_cross_entropy(V(zs), ts, from_logits=True).data
    assert got == pytest.approx(want, rel=1e-14)


@pytest.mark.parametrize("seed", range(5))
def test_binary_cross_entropy_from_probabilities_and_logits_agree(seed):
    rng = random.Random(seed)
    for _ in range(10):
        zv = rng.uniform(-8, 8)
        t = rng.choice([0.0, 1.0, rng.random()])
        z1, z2 = Value(zv), Value(zv)
        e1 = losses.binary_cross_entropy(z1.sigmoid(), t)
        e2 = losses.binary_cross_entropy(z2, t, from_logits=True)
        assert abs(e1.data - e2.data) <= 1e-12
        e1.backward()
        e2.backward()
        assert abs(z1.grad - (sigmoid(zv) - t)) <= 1e-12
        assert abs(z2.grad - (sigmoid(zv) - t)) <= 1e-12


@pytest.mark.parametrize(("z", "t", "want", "dz"), [
    (1000.0, 1.0, 0.0, 0.0), (1000.0, 0.0, 1000.0, 1.0),
    (-1000.0, 0.0, 0.0, 0.0), (-1000.0, 1.0, 1000.0, -1.0),
    (800.0, 0.25, 600.0, 0.75),
])
def test_binary_cross_entropy_from_logits_is_finite_for_huge_logits(z, t, want, dz):
    zv = Value(z)
    E = losses.binary_cross_entropy(zv, t, from_logits=True)
    E.backward()
    assert E.data == want
    assert zv.grad == dz


@pytest.mark.parametrize("t", [0.0, 1.0, 0.3])
def test_binary_cross_entropy_from_logits_gradient_at_zero_logit(t):
    z = Value(0.0)
    E = losses.binary_cross_entropy(z, t, from_logits=True)
    assert E.data == pytest.approx(math.log(2.0), rel=1e-15)
    E.backward()
    assert z.grad == pytest.approx(0.5 - t, abs=1e-12)


@pytest.mark.parametrize(("p", "t"), [(1.0, 1.0), (0.0, 0.0)])
def test_binary_cross_entropy_of_a_perfect_prediction_is_zero(p, t):
    assert losses.binary_cross_entropy(Value(p), t).data == 0.0


def test_binary_cross_entropy_of_a_saturated_sigmoid_is_finite():
    z = Value(40.0)
    p = z.sigmoid()
    assert p.data == 1.0
    E = losses.binary_cross_entropy(p, 1.0)
    E.backward()
    assert E.data == 0.0
    assert math.isfinite(z.grad)


@pytest.mark.parametrize(("s", "y"), [(0.3, 1), (0.3, -1), (2.5, 1), (-2.5, 1), (-0.2, -1.0), (1.0, 1.0)])
def test_hinge_is_max_zero_one_minus_ys(s, y):
    assert losses.hinge(Value(s), y).data == max(0.0, 1.0 - y * s)


def test_hinge_batch_is_the_mean():
    scores, ys = [0.3, -2.0, 1.5, -0.4], [1, 1, 1, -1]
    want = (0.7 + 3.0 + 0.0 + 0.6) / 4
    assert losses.hinge(V(scores), ys).data == pytest.approx(want, rel=1e-15)


def test_cross_entropy_from_logits_and_probabilities():
    z = [2.0, -1.0, 0.5]
    lse = math.log(sum(math.exp(v) for v in z))
    for y in range(3):
        assert losses.cross_entropy(V(z), y).data == pytest.approx(lse - z[y], rel=1e-15)
    p = [0.7, 0.2, 0.1]
    for y in range(3):
        assert losses.cross_entropy(V(p), y, from_logits=False).data == -math.log(p[y])
    # batch: mean
    zs, ys = [[2.0, -1.0, 0.5], [0.0, 0.0, 3.0]], [0, 1]
    want = ((lse - 2.0) + (math.log(2 + math.exp(3.0)) - 0.0)) / 2
    assert losses.cross_entropy([V(z) for z in zs], ys).data == pytest.approx(want, rel=1e-15)
    # plain float logits are fine too
    assert losses.cross_entropy([2.0, -1.0, 0.5], 1).data == pytest.approx(lse + 1.0, rel=1e-15)


@given(
    st.lists(st.floats(-50, 50, allow_nan=False), min_size=2, max_size=7),
    st.integers(0, 6),
)
def test_cross_entropy_gradient_is_softmax_minus_onehot(logits, y):
    y = y % len(logits)
    zs = V(logits)
    E = losses.cross_entropy(zs, y)
    E.backward()
    m = max(logits)
    e = [math.exp(z - m) for z in logits]
    p = [v / math.fsum(e) for v in e]
    for k, z in enumerate(zs):
        assert abs(z.grad - (p[k] - (k == y))) <= 1e-12
    assert E.data == pytest.approx(m + math.log(math.fsum(e)) - logits[y], rel=1e-13, abs=1e-13)


def test_cross_entropy_is_stable_for_huge_logits():
    z = V([1000.0, -1000.0])
    E = losses.cross_entropy(z, 1)
    E.backward()
    assert E.data == 2000.0
    assert [v.grad for v in z] == [1.0, -1.0]
    z = V([1000.0, -1000.0])
    E = losses.cross_entropy(z, 0)
    E.backward()
    assert E.data == 0.0
    assert [v.grad for v in z] == [0.0, 0.0]


def test_softmax_and_logsumexp_functional():
    assert [p.data for p in softmax([1000.0, 0.0, -1000.0])] == [1.0, 0.0, 0.0]
    assert logsumexp([1000.0, 1000.0]).data == pytest.approx(1000.0 + math.log(2.0), rel=1e-15)
    with pytest.raises(ValueError, match="softmax of no values"):
        softmax([])
    with pytest.raises(ValueError, match="logsumexp of no values"):
        logsumexp([])


# --- gradcheck ------------------------------------------------------------------------------

def _points(seed, n, lo, hi, avoid=()):
    rng = random.Random(seed)
    out = []
    while len(out) < n:
        x = rng.uniform(lo, hi)
        if all(abs(x - a) > 0.05 for a in avoid):
            out.append(x)
    return out


LOSS_FNS = {
    "squared_error_one": (lambda a: losses.squared_error(a, 0.3), 1, (-2, 2), ()),
    "squared_error_sample": (lambda a, b, c: losses.squared_error([a, b, c], [0.1, -0.5, 2.0]),
                             3, (-2, 2), ()),
    "squared_error_batch": (lambda a, b, c, d: losses.squared_error([[a, b], [c, d]],
                                                                    [[0.0, 1.0], [2.0, -1.0]]),
                            4, (-2, 2), ()),
    "mse": (lambda a, b, c, d: losses.mse([[a, b], [c, d]], [[0.0, 1.0], [2.0, -1.0]]), 4, (-2, 2), ()),
    "bce_probs": (lambda a, b: losses.binary_cross_entropy([a, b], [1.0, 0.3]), 2, (0.05, 0.95), ()),
    "bce_logits": (lambda a, b, c: losses.binary_cross_entropy([a, b, c], [1.0, 0.0, 0.4], from_logits=True),
                   3, (-6, 6), (0.0,)),
    "hinge": (lambda a, b: losses.hinge([a, b], [1, -1]), 2, (-3, 3), (1.0, -1.0)),
    "cross_entropy_logits": (lambda a, b, c: losses.cross_entropy([a, b, c], 2), 3, (-5, 5), ()),
    "cross_entropy_batch": (lambda a, b, c, d: losses.cross_entropy([[a, b], [c, d]], [0, 1]),
                            4, (-5, 5), ()),
    "cross_entropy_probs": (lambda a, b, c: losses.cross_entropy([a, b, c], 1, from_logits=False),
                            3, (0.05, 0.95), ()),
}


@pytest.mark.parametrize("name", list(LOSS_FNS))
@pytest.mark.parametrize("seed", range(3))
def test_every_loss_passes_gradcheck(name, seed):
    fn, n, (lo, hi), avoid = LOSS_FNS[name]
    result = gradcheck(fn, _points(seed, n, lo, hi, avoid), atol=1e-7, rtol=1e-5)
    assert result.ok, str(result)
    assert all(r.abs_err <= 1e-6 for r in result.rows), str(result)
    assert any(r.analytic != 0.0 for r in result.rows)


# --- errors ---------------------------------------------------------------------------------

OUT = Value(0.5)


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: losses.squared_error([OUT, OUT], [1.0]), ValueError, ["2 outputs but 1 targets"]),
        (lambda: losses.squared_error([[OUT], [OUT]], [[1.0], [1.0], [1.0]]), ValueError,
         ["2 outputs but 3 targets"]),
        (lambda: losses.squared_error([[OUT], [OUT]], 1.0), TypeError, ["needs a list of targets"]),
        (lambda: losses.squared_error([], []), TypeError, ["non-empty list"]),
        (lambda: losses.squared_error(OUT, "1"), TypeError, ["'1'"]),
        (lambda: losses.squared_error(OUT, [True]), TypeError, ["bool"]),
        (lambda: losses.squared_error([OUT, None], [1.0, 1.0]), TypeError, ["NoneType"]),
        (lambda: losses.mse([OUT, OUT, OUT], [1.0, 2.0]), ValueError, ["3 outputs but 2 targets"]),
        (lambda: losses.mse([[OUT, OUT], [OUT]], [[1.0, 2.0], [1.0, 2.0]]), ValueError,
         ["3 outputs but 4 targets"]),
        (lambda: losses.mse([], []), TypeError, ["non-empty list"]),
        (lambda: losses.binary_cross_entropy([], []), ValueError, ["empty batch"]),
        (lambda: losses.binary_cross_entropy([OUT, OUT], [1.0]), ValueError, ["2 outputs but 1 targets"]),
        (lambda: losses.binary_cross_entropy([OUT], 1.0), TypeError, ["list of targets"]),
        (lambda: losses.binary_cross_entropy(OUT, 1.5), ValueError, ["[0, 1]", "1.5"]),
        (lambda: losses.binary_cross_entropy(OUT, -0.1), ValueError, ["[0, 1]"]),
        (lambda: losses.binary_cross_entropy(OUT, math.nan), ValueError, ["[0, 1]"]),
        (lambda: losses.binary_cross_entropy(OUT, True), TypeError, ["True"]),
        (lambda: losses.binary_cross_entropy(0.5, 1.0), TypeError, ["must be a Value"]),
        (lambda: losses.hinge(OUT, 0), ValueError, ["(-1.0, 1.0)", "not 0"]),
        (lambda: losses.hinge(OUT, 0.5), ValueError, ["0.5"]),
        (lambda: losses.hinge(OUT, 2), ValueError, ["not 2"]),
        (lambda: losses.hinge(OUT, True), TypeError, ["True"]),
        (lambda: losses.hinge([OUT, OUT], [1, 0]), ValueError, ["not 0"]),
        (lambda: losses.hinge([], []), ValueError, ["empty batch"]),
        (lambda: losses.hinge(1.0, 1), TypeError, ["must be a Value"]),
        (lambda: losses.cross_entropy([OUT, OUT, OUT], 3), ValueError, ["class index in 0..2", "not 3"]),
        (lambda: losses.cross_entropy([OUT, OUT, OUT], -1), ValueError, ["not -1"]),
        (lambda: losses.cross_entropy([OUT, OUT, OUT], 1.0), ValueError, ["not 1.0"]),
        (lambda: losses.cross_entropy([OUT, OUT, OUT], True), ValueError, ["not True"]),
        (lambda: losses.cross_entropy([OUT, OUT, OUT], [0, 1, 2]), TypeError, ["list of output lists"]),
        (lambda: losses.cross_entropy([[OUT, OUT], [OUT, OUT]], [0]), ValueError,
         ["2 outputs but 1 targets"]),
        (lambda: losses.cross_entropy([], []), TypeError, ["list of output lists"]),
        (lambda: losses.cross_entropy([0.5, 0.5], 0, from_logits=False), TypeError, ["must be Values"]),
    ],
)
def test_loss_errors_name_the_problem(call, error, words):
    with pytest.raises(error) as info:
        call()
    for w in words:
        assert w in str(info.value)


# --- PyTorch --------------------------------------------------------------------------------

def _rel(a: float, b: float) -> float:
    return abs(a - b) / max(abs(b), 1e-300)


@pytest.mark.parametrize("seed", range(3))
def test_cross_entropy_matches_torch(seed):
    torch = pytest.importorskip("torch")
    rng = random.Random(seed)
    n, k = 5, 4
    logits = [[rng.uniform(-4, 4) for _ in range(k)] for _ in range(n)]
    ys = [rng.randrange(k) for _ in range(n)]
    zs = [V(row) for row in logits]
    E = losses.cross_entropy(zs, ys)
    E.backward()
    tz = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
    tE = torch.nn.functional.cross_entropy(tz, torch.tensor(ys))
    tE.backward()
    assert _rel(E.data, tE.item()) <= 1e-9
    for row, trow in zip(zs, tz.grad.tolist()):
        for v, g in zip(row, trow):
            assert abs(v.grad - g) <= 1e-9 * max(abs(g), 1e-3)
    # from probabilities: torch's nll_loss of log-probabilities
    ps = [[v / sum(math.exp(x) for x in row) for v in (math.exp(x) for x in row)] for row in logits]
    pv = [V(row) for row in ps]
    E = losses.cross_entropy(pv, ys, from_logits=False)
    E.backward()
    tp = torch.tensor(ps, dtype=torch.float64, requires_grad=True)
    tE = torch.nn.functional.nll_loss(tp.log(), torch.tensor(ys))
    tE.backward()
    assert _rel(E.data, tE.item()) <= 1e-9
    for row, trow in zip(pv, tp.grad.tolist()):
        for v, g in zip(row, trow):
            assert abs(v.grad - g) <= 1e-9 * max(abs(g), 1e-3)


@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize("seed", range(3))
def test_binary_cross_entropy_matches_torch(from_logits, seed):
    torch = pytest.importorskip("torch")
    rng = random.Random(seed)
    if from_logits:
        xs = [rng.choice([-1, 1]) * rng.uniform(0.01, 30) for _ in range(6)] + [1000.0, -1000.0]
    else:
        xs = [rng.uniform(0.01, 0.99) for _ in range(8)]
    ts = [rng.choice([0.0, 1.0, rng.random()]) for _ in xs]
    vs = V(xs)
    E = losses.binary_cross_entropy(vs, ts, from_logits=from_logits)
    E.backward()
    tx = torch.tensor(xs, dtype=torch.float64, requires_grad=True)
    tt = torch.tensor(ts, dtype=torch.float64)
    F = torch.nn.functional
    tE = F.binary_cross_entropy_with_logits(tx, tt) if from_logits else F.binary_cross_entropy(tx, tt)
    tE.backward()
    assert _rel(E.data, tE.item()) <= 1e-9
    for v, g in zip(vs, tx.grad.tolist()):
        assert abs(v.grad - g) <= 1e-9 * max(abs(g), 1e-6)


@pytest.mark.parametrize("seed", range(3))
def test_mse_matches_torch(seed):
    torch = pytest.importorskip("torch")
    rng = random.Random(seed)
    outs = [[rng.uniform(-3, 3) for _ in range(3)] for _ in range(4)]
    ts = [[rng.uniform(-3, 3) for _ in range(3)] for _ in range(4)]
    vs = [V(row) for row in outs]
    E = losses.mse(vs, ts)
    E.backward()
    to = torch.tensor(outs, dtype=torch.float64, requires_grad=True)
    tE = torch.nn.functional.mse_loss(to, torch.tensor(ts, dtype=torch.float64))
    tE.backward()
    assert _rel(E.data, tE.item()) <= 1e-9
    for row, trow in zip(vs, to.grad.tolist()):
        for v, g in zip(row, trow):
            assert abs(v.grad - g) <= 1e-9 * max(abs(g), 1e-6)


def test_a_numpy_class_index_is_a_class_index():
    np = pytest.importorskip("numpy")
    zs = [Value(0.1), Value(0.2), Value(-0.3)]
    assert losses.cross_entropy(zs, np.int64(1)).data == losses.cross_entropy(zs, 1).data
