"""``fit(..., compiled=True)``: training through ``autograd.trace_rows`` tapes.

One sample's loss is traced once and looped over a batch's rows (over NumPy arrays when the
batch is large enough). Each sample's gradient is the eager one bit for bit (tests/test_rows.py);
the batch's gradient adds them in another order, so histories and weights agree with the eager
path to rounding, and the first epoch's loss, from the same weights, is the same number.
"""

from __future__ import annotations

import math

import pytest
from doc_2331 import network_2331

import nn.train
from nn import MLP, SGD, Adam, data, fit, losses


def hexes(xs):
    return [x.hex() for x in xs]


@pytest.fixture
def traces(monkeypatch):
    """Every sample tape fit makes: a list of (number of example inputs, tape)."""
    made = []
    real = nn.train.trace_rows

    def counting(fn, example_row, **kw):
        tape = real(fn, example_row, **kw)
        made.append((len(example_row), tape.sample))
        return tape

    monkeypatch.setattr(nn.train, "trace_rows", counting)
    return made


# Problems: a factory giving (model, X, y, loss, fit keyword arguments); the model is fresh
# and identical on every call.
def moons_hinge():
    X, y01 = data.moons(30, noise=0.1, seed=1)
    net = MLP(2, [16, 16, 1], seed=1337)
    return net, X, [2 * t - 1 for t in y01], losses.hinge, dict(l2=1e-4, lr=0.5)


def moons_hinge_adam():
    net, X, y, loss, _ = moons_hinge()
    return net, X, y, loss, dict(l2=1e-4, optimizer=Adam(net.parameters(), lr=0.02))


def doc_2331():
    net = network_2331()
    X = [[0.23, 0.55], [-0.4, 0.9], [1.5, 0.2], [0.7, -1.1]]
    return net, X, [0.01, 0.5, 0.9, 0.01], losses.squared_error, dict(lr=0.5)


def doc_2331_momentum():
    net, X, y, loss, _ = doc_2331()
    return net, X, y, loss, dict(optimizer=SGD(net.parameters(), lr=0.3, momentum=0.9))


def two_outputs():
    """Two sigmoid outputs, list targets (the 2-2-2 document's shape)."""
    net = MLP(2, [4, 2], activations=["tanh", "sigmoid"], seed=7)
    X = [[0.05, 0.1], [0.5, -0.3], [-0.8, 0.2], [0.3, 0.9], [1.0, 1.0]]
    y = [[0.01, 0.99], [0.9, 0.1], [0.01, 0.99], [0.9, 0.1], [0.5, 0.5]]
    return net, X, y, losses.squared_error, dict(lr=0.8)


def spirals_logits():
    X, y = data.spirals(8, classes=3, noise=0.1, seed=0)
    net = MLP(2, [8, 3], activations=["relu", "linear"], seed=0)
    return net, X, y, losses.cross_entropy, dict(lr=0.5)


def spirals_softmax():
    X, y = data.spirals(8, classes=3, noise=0.1, seed=0)
    net = MLP(2, [8, 3], activations=["relu", "softmax"], seed=0)
    return net, X, y, lambda o, t: losses.cross_entropy(o, t, from_logits=False), dict(lr=0.5)


def train(problem, compiled, epochs, **extra):
    net, X, y, loss, kw = problem()
    history = fit(net, X, y, loss, epochs=epochs, progress=False, compiled=compiled, **{**kw, **extra})
    return history, net


# --- full batch ---------------------------------------------------------------------------------


def assert_agree(h_tape, net_tape, h_eager, net_eager, exact_first=True):
    assert len(h_tape) == len(h_eager)
    if exact_first:  # the same weights: the same loss, an exactly rounded sum of the same terms
        assert h_tape[0] == h_eager[0]
    for a, b in zip(h_tape, h_eager):
        assert math.isclose(a, b, rel_tol=1e-12), (h_tape, h_eager)
    assert list(net_tape.state_dict()) == list(net_eager.state_dict())
    eager_state = net_eager.state_dict()
    for name, value in net_tape.state_dict().items():
        assert abs(value - eager_state[name]) <= 1e-10, name


@pytest.mark.parametrize(
    ("problem", "targets_are_inputs"),
    [(moons_hinge, False), (moons_hinge_adam, False), (doc_2331, True), (doc_2331_momentum, True),
     (two_outputs, True), (spirals_logits, False), (spirals_softmax, False)],
)
@pytest.mark.parametrize("batch_size", [None, "len", "more"])
def test_full_batch_compiled_agrees_with_eager(problem, targets_are_inputs, batch_size, traces):
    _, X, y, _, _ = problem()
    size = {None: None, "len": len(X), "more": len(X) + 3}[batch_size]
    h_eager, net_eager = train(problem, False, 6, batch_size=size)
    assert traces == []
    h_tape, net_tape = train(problem, True, 6, batch_size=size)
    assert_agree(h_tape, net_tape, h_eager, net_eager)
    for p, q in zip(net_tape.parameters(), net_eager.parameters()):  # the gradients fit leaves
        assert math.isclose(p.grad, q.grad, rel_tol=1e-11, abs_tol=1e-14)
    width = len(X[0]) + (len(nn.train._numbers_of(y[0])) if targets_are_inputs else 0)
    distinct = 1 if targets_are_inputs else len({repr(t) for t in y})
    assert [n for n, _ in traces] == [width] * distinct, "one sample tape per target, or one for all"
    assert h_tape[-1] < h_tape[0]


def test_full_batch_2331_first_epoch_is_the_documents_error():
    history, _ = train(doc_2331, True, 3)
    eager, _ = train(doc_2331, False, 3)
    assert history[0] == eager[0]
    assert history == pytest.approx(eager, rel=1e-13)
    net, X, y, loss, _ = doc_2331()
    first = sum(loss(net(x), t).data for x, t in zip(X, y)) / len(X)
    assert history[0] == pytest.approx(first, rel=1e-15)


def test_compiled_and_eager_epochs_can_be_mixed():
    """Parameters are read and written as in the eager path: 3 compiled + 3 eager ≈ 6 eager."""
    net, X, y, loss, kw = moons_hinge()
    h1 = fit(net, X, y, loss, epochs=3, progress=False, compiled=True, **kw)
    h2 = fit(net, X, y, loss, epochs=3, progress=False, compiled=False, **kw)
    h_eager, net_eager = train(moons_hinge, False, 6)
    assert_agree(h1 + h2, net, h_eager, net_eager)


@pytest.mark.parametrize("numpy", [False, True])
def test_large_batches_agree_on_either_path(numpy, monkeypatch):
    """A batch this large goes through NumPy arrays when it is installed."""
    monkeypatch.setattr(nn.train, "NUMPY", numpy)
    X, y01 = data.moons(40, noise=0.1, seed=1)
    y = [2 * t - 1 for t in y01]
    runs = []
    for compiled in (False, True):
        net = MLP(2, [16, 16, 1], seed=1337)
        runs.append((fit(net, X, y, losses.hinge, epochs=4, lr=0.5, l2=1e-4, progress=False,
                         compiled=compiled), net))
    assert_agree(*runs[1], *runs[0], exact_first=not numpy)  # NumPy rounds its own way


# --- mini-batches: per-sample tapes, equal up to rounding ---------------------------------------


@pytest.mark.parametrize(
    ("problem", "batch_size", "n_targets"),
    [
        (moons_hinge, 7, 2),
        (moons_hinge, 1, 2),
        (moons_hinge_adam, 10, 2),
        (doc_2331, 1, 1),
        (doc_2331, 3, 1),
        (doc_2331_momentum, 2, 1),
        (two_outputs, 2, 1),
        (spirals_logits, 5, 3),
        (spirals_softmax, 4, 3),
    ],
)
def test_mini_batch_compiled_agrees_with_eager(problem, batch_size, n_targets, traces):
    epochs = 6
    h_eager, net_eager = train(problem, False, epochs, batch_size=batch_size)
    h_tape, net_tape = train(problem, True, epochs, batch_size=batch_size)
    assert len(h_tape) == epochs
    for a, b in zip(h_tape, h_eager):
        assert math.isclose(a, b, rel_tol=1e-12), (h_tape, h_eager)
    eager_state = net_eager.state_dict()
    for name, value in net_tape.state_dict().items():
        assert abs(value - eager_state[name]) <= 1e-10, name
    assert len(traces) == n_targets, "one sample tape per distinct target, or one for all"


def test_cross_entropy_over_three_classes_uses_one_tape_per_class_and_trains(traces):
    X, y = data.spirals(10, classes=3, noise=0.1, seed=2)
    net = MLP(2, [10, 3], activations=["tanh", "linear"], seed=1)
    history = fit(net, X, y, losses.cross_entropy, epochs=25, batch_size=6, lr=0.3,
                  progress=False, compiled=True)
    assert len(traces) == 3
    tapes = [tape for _, tape in traces]
    assert all(len(t.inputs) == 2 for t in tapes)
    assert all(set(t.params) <= set(net.parameters()) for t in tapes)
    # The tapes differ only in the class they pick: same size, same ops.
    assert len({len(t) for t in tapes}) == 1
    assert len({tuple(sorted(t.op_counts().items())) for t in tapes}) == 1
    assert history[0] > history[-1]
    assert history[-1] < 0.8 * history[0]
    assert all(math.isfinite(h) for h in history)


def test_only_the_targets_that_occur_get_a_tape(traces):
    X, _ = data.spirals(6, classes=3, noise=0.1, seed=0)
    y = [0 if k % 2 else 2 for k in range(len(X))]  # class 1 never occurs
    net = MLP(2, [6, 3], activations=["relu", "linear"], seed=0)
    fit(net, X, y, losses.cross_entropy, epochs=3, batch_size=4, progress=False, compiled=True)
    assert len(traces) == 2


def test_per_sample_tapes_are_reused_across_epochs(traces):
    train(doc_2331, True, 1, batch_size=2)
    first = len(traces)
    traces.clear()
    net, X, y, loss, kw = doc_2331()
    fit(net, X, y, loss, epochs=12, batch_size=2, progress=False, compiled=True, **kw)
    assert len(traces) == first == 1


# --- value-branching losses under per-sample tapes ------------------------------------------------


def bce_logits(o, t):
    return losses.binary_cross_entropy(o, t, from_logits=True)


def test_mini_batch_bce_from_logits_at_extreme_logits_matches_eager():
    def run(compiled):
        net = MLP.from_weights([[[1.0]]], [[0.0]], ["linear"])
        h = fit(net, [[1.0], [-1000.0]], [0, 0], bce_logits, epochs=1, lr=1e-6, batch_size=1,
                progress=False, compiled=compiled)
        return h, net.state_dict()

    (h_eager, s_eager), (h_tape, s_tape) = run(False), run(True)
    assert math.isfinite(h_eager[0])
    assert h_tape == pytest.approx(h_eager, rel=1e-12)
    assert list(s_tape.values()) == pytest.approx(list(s_eager.values()), abs=1e-10)


def test_mini_batch_cross_entropy_at_extreme_logits_matches_eager():
    def run(compiled):
        net = MLP.from_weights([[[1.0], [0.0]]], [[0.0, 0.0]], ["linear"])
        h = fit(net, [[0.0], [1000.0]], [1, 1], losses.cross_entropy, epochs=1, lr=1e-6,
                batch_size=1, progress=False, compiled=compiled)
        return h, net.state_dict()

    (h_eager, s_eager), (h_tape, s_tape) = run(False), run(True)
    assert math.isfinite(h_eager[0])
    assert h_tape == pytest.approx(h_eager, rel=1e-12)
    assert list(s_tape.values()) == pytest.approx(list(s_eager.values()), abs=1e-10)


def test_mini_batch_bce_from_logits_at_moderate_logits_agrees():
    X, y = data.moons(20, noise=0.1, seed=3)
    runs = []
    for compiled in (False, True):
        net = MLP(2, [6, 1], activations=["tanh", "linear"], seed=5)
        runs.append(fit(net, X, y, bce_logits, epochs=5, batch_size=4, lr=0.5, progress=False,
                        compiled=compiled))
    assert runs[1] == pytest.approx(runs[0], rel=1e-12)


# --- fit's arguments still checked --------------------------------------------------------------


def test_compiled_fit_checks_its_arguments_like_eager():
    net, X, y, loss, _ = doc_2331()
    with pytest.raises(ValueError, match=r"inputs and .* targets"):
        fit(net, X, y[:-1], loss, compiled=True, progress=False)
    with pytest.raises(ValueError, match="batch_size"):
        fit(net, X, y, loss, batch_size=0, compiled=True, progress=False)


@pytest.mark.parametrize("batch_size", [None, 3])
def test_compiled_fit_takes_a_loss_by_name_like_eager(batch_size):
    X, y = data.spirals(4, classes=3, noise=0.1, seed=2)
    runs = []
    for loss, compiled in ((losses.cross_entropy, False), ("cross_entropy", False), ("cross_entropy", True)):
        net = MLP(2, [4, 3], activations=["tanh", "linear"], seed=1)
        runs.append(fit(net, X, y, loss, epochs=3, batch_size=batch_size, lr=0.2, progress=False,
                        compiled=compiled))
    assert runs[0] == runs[1]
    assert runs[2] == (runs[0] if batch_size is None else pytest.approx(runs[0], rel=1e-12))


# --- losses that branch on the target, many targets, bad rows ---------------------------------------


def bce_by_hand(p, t):
    return -p.log() if t == 1 else -(1.0 - p).log()  # branches on the target's value


def weighted(o, t):
    return {0: 1.0, 1: 3.0}[t] * (o - t) ** 2  # looks the target up


@pytest.mark.parametrize("loss", [bce_by_hand, weighted])
@pytest.mark.parametrize("batch_size", [None, 2])
def test_a_custom_loss_gets_its_targets_as_numbers_not_values(loss, batch_size, traces):
    X = [[0.1, 0.2], [0.3, -0.1], [0.5, 0.5], [-0.2, 0.4]]
    y = [0, 1, 0, 1]
    runs = [fit(MLP(2, [3, 1], activations=["tanh", "sigmoid"], seed=0), X, y, loss, epochs=3,
                batch_size=batch_size, progress=False, compiled=c) for c in (False, True)]
    assert runs[1][0] == runs[0][0]
    assert runs[1] == pytest.approx(runs[0], rel=1e-13)
    assert len(traces) == 2  # one tape per target: a constant of each


def test_more_distinct_targets_than_max_tapes_train_eagerly(traces, monkeypatch):
    monkeypatch.setattr(nn.train, "MAX_TAPES", 4)
    X, _ = data.moons(12, noise=0.1, seed=2)
    y = [k / 11 for k in range(12)]  # soft labels: twelve distinct targets
    runs = [fit(MLP(2, [4, 1], activations=["tanh", "sigmoid"], seed=1), X, y, "binary_cross_entropy",
                epochs=3, batch_size=3, progress=False, compiled=c) for c in (False, True)]
    assert runs[1] == pytest.approx(runs[0], rel=1e-13)
    assert len(traces) <= 4


def test_targets_of_other_lengths_get_their_own_tape_or_the_losses_error():
    net = MLP(2, [2], activations=["sigmoid"], seed=3)
    X, y = [[0.1, 0.2], [0.3, 0.4]], [[0.0, 1.0], [1.0]]
    for compiled in (False, True):
        with pytest.raises(ValueError, match="2 outputs but 1 targets"):
            fit(net, X, y, losses.squared_error, epochs=1, progress=False, compiled=compiled)


def test_an_input_of_another_width_is_named():
    net = MLP(2, [2, 1], seed=3)
    with pytest.raises(ValueError, match="input 1 of the batch has 3 numbers, the first had 2"):
        fit(net, [[0.1, 0.2], [0.3, 0.4, 0.5]], [0.0, 1.0], "mse", epochs=1, progress=False, compiled=True)
