"""The seed documents' networks, rebuilt with ``nn`` and checked number by number.

Their titles and the numbers they print are in docs/sources.md:
"Deep Learning - The Mathematics Behind Neural Network - Part 2": a 2-3-3-1 network (ReLU,
ReLU, sigmoid) worked by hand, with updates; "Mathematics Fun!!! in Neural Network": a 2-2-2
network (ReLU hidden, sigmoid outputs), derivatives by hand; "Mathematical Comprehension of
Neural Networks": dense layers, softmax and sparse categorical cross-entropy, the chain rule in
matrix form.
"""

from __future__ import annotations

import math

import pytest
from doc_2331 import network_2331

from autograd import Value, gradcheck, numerical_grad
from nn import MLP, SGD, Adam, data, fit, losses


# --- 002: the 2-3-3-1 network -------------------------------------------------------------
@pytest.fixture
def doc_2331():
    """The document's network after forward and backward: (model, params by name, nodes by label, E)."""
    net = network_2331()
    out = net([0.23, 0.55])
    E = losses.squared_error(out, 0.01)
    net.zero_grad()
    E.backward()
    nodes = {}
    stack = [E]
    while stack:
        v = stack.pop()
        if v.label:
            nodes[v.label] = v
        stack.extend(v.inputs)
    params = {p.label: p for p in net.parameters()}
    return net, params, nodes, E


@pytest.mark.parametrize(
    ("label", "printed", "places"),
    [
        ("out_n3", 0.343, 3), ("out_n4", 0.0, 3), ("out_n5", 0.699, 3),
        ("out_n6", 0.0197, 4), ("out_n7", 1.1239, 4), ("out_n8", 1.3281, 4),
        ("net_n9", 1.4082, 4), ("out_n9", 0.8035, 4),
    ],
)
def test_2331_forward_values_match_the_document(doc_2331, label, printed, places):
    _, _, nodes, _ = doc_2331
    assert round(nodes[label].data, places) == printed


def test_2331_net_n4_is_negative_so_relu_cuts_it(doc_2331):
    _, _, nodes, _ = doc_2331
    assert nodes["net_n4"].data == pytest.approx(-0.079, abs=1e-12)
    assert nodes["out_n4"].data == 0.0


def test_2331_total_error(doc_2331):
    _, _, _, E = doc_2331
    assert round(E.data, 3) == 0.315
    assert E.data == pytest.approx(0.5 * (0.01 - 1 / (1 + math.exp(-1.4082))) ** 2, rel=1e-12)


def test_2331_output_layer_gradients(doc_2331):
    _, p, nodes, _ = doc_2331
    out9 = nodes["out_n9"].data
    dE_dout9, dout9_dnet9 = out9 - 0.01, out9 * (1 - out9)
    assert round(dE_dout9, 4) == 0.7935 and round(dout9_dnet9, 4) == 0.1579
    assert round(p["w16"].grad, 4) == 0.0025  # document: 0.7935 · 0.1579 · 0.0197 = 0.0025
    assert p["w16"].grad == pytest.approx(dE_dout9 * dout9_dnet9 * 0.0197, rel=1e-12)
    assert round(p["b7"].grad, 4) == 0.1253
    # The document prints ∂E/∂w17 = 0.0850 and ∂E/∂w18 = 0.1003: both wrong. The chain rule
    # gives 0.7935 · 0.1579 · out_n7 and · out_n8, and the document's own updated w17, w18
    # (below) were computed with these right values.
    assert round(p["w17"].grad, 4) == 0.1408
    assert round(p["w18"].grad, 4) == 0.1664
    assert p["w17"].grad == pytest.approx(dE_dout9 * dout9_dnet9 * 1.1239, rel=1e-12)


def test_2331_hidden_weight_gradient_w7(doc_2331):
    _, p, _, _ = doc_2331
    # ∂E/∂w7 = 0.7935 · 0.1579 · w16 · relu'(net_n6) · out_n3 = 0.03008
    assert round(p["w7"].grad, 5) == 0.03008


def test_2331_gradients_agree_with_central_differences(doc_2331):
    net, _, _, _ = doc_2331
    for p in net.parameters():
        if p.grad == 0.0:
            continue  # the dead ReLU n4: its exact zeros are checked by the forward test
        original = p.data

        def error(x, p=p):
            p.data = x.data  # nudge the model's own parameter, then recompute E
            return losses.squared_error(net([0.23, 0.55]), 0.01)

        (numeric,) = numerical_grad(error, [original])
        p.data = original
        assert p.grad == pytest.approx(numeric, rel=1e-6, abs=1e-10), p.label


@pytest.mark.parametrize(
    ("name", "printed"),
    [("w16", 0.699975), ("w17", 0.798592), ("w18", 0.898336), ("b7", -0.701253)],
)
def test_2331_sgd_update_matches_the_document(doc_2331, name, printed):
    net, p, _, _ = doc_2331
    SGD(net.parameters(), lr=0.01).step()
    assert round(p[name].data, 6) == printed


def test_2331_w7_update_document_rounds_it_down(doc_2331):
    net, p, _, _ = doc_2331
    SGD(net.parameters(), lr=0.01).step()
    # The document prints w7_new = 0.7 − 0.01 · 0.03008 = 0.699; it is 0.6996992 (0.700 to 3 places).
    assert p["w7"].data == pytest.approx(0.7 - 0.01 * 0.0300820, abs=1e-8)


def test_2331_error_goes_down_after_the_step(doc_2331):
    net, _, _, E = doc_2331
    SGD(net.parameters(), lr=0.01).step()
    assert losses.squared_error(net([0.23, 0.55]), 0.01).data < E.data


# --- 000: the 2-2-2 network (ReLU hidden, sigmoid outputs) -----------------------------------
# w1, w2: i1 -> h1, h2; w3, w4: i2 -> h1, h2; w5, w6: h1 -> o1, o2; w7, w8: h2 -> o1, o2.
I1, I2, T1, T2 = 0.05, 0.10, 0.01, 0.99
W = dict(w1=0.15, w2=0.20, w3=0.25, w4=0.30, w5=0.40, w6=0.45, w7=0.50, w8=0.55)
BH, BO = (0.35, 0.35), (0.60, 0.60)


def _network_222():
    net = MLP.from_weights(
        [[[W["w1"], W["w3"]], [W["w2"], W["w4"]]], [[W["w5"], W["w7"]], [W["w6"], W["w8"]]]],
        [list(BH), list(BO)],
        ["relu", "sigmoid"],
    )
    return net


def test_222_every_gradient_equals_the_hand_derived_formula():
    net = _network_222()
    E = losses.squared_error(net([I1, I2]), [T1, T2])
    E.backward()
    relu = lambda z: max(z, 0.0)  # noqa: E731
    sig = lambda z: 1 / (1 + math.exp(-z))  # noqa: E731
    h1 = relu(W["w1"] * I1 + W["w3"] * I2 + BH[0])
    h2 = relu(W["w2"] * I1 + W["w4"] * I2 + BH[1])
    o1 = sig(W["w5"] * h1 + W["w7"] * h2 + BO[0])
    o2 = sig(W["w6"] * h1 + W["w8"] * h2 + BO[1])
    d1, d2 = (o1 - T1) * o1 * (1 - o1), (o2 - T2) * o2 * (1 - o2)  # ∂E/∂net_o
    expected = {
        "w5": d1 * h1, "w7": d1 * h2, "w6": d2 * h1, "w8": d2 * h2, "bo1": d1, "bo2": d2,
        # ReLU'(net_h) = 1 here (both nets positive): ∂E/∂w1 = (d1·w5 + d2·w6)·1·i1
        "w1": (d1 * W["w5"] + d2 * W["w6"]) * I1, "w3": (d1 * W["w5"] + d2 * W["w6"]) * I2,
        "w2": (d1 * W["w7"] + d2 * W["w8"]) * I1, "w4": (d1 * W["w7"] + d2 * W["w8"]) * I2,
        "bh1": d1 * W["w5"] + d2 * W["w6"], "bh2": d1 * W["w7"] + d2 * W["w8"],
    }
    (h1n, h2n), (o1n, o2n) = net.layers[0].neurons, net.layers[1].neurons
    actual = {
        "w1": h1n.w[0], "w3": h1n.w[1], "w2": h2n.w[0], "w4": h2n.w[1], "bh1": h1n.b, "bh2": h2n.b,
        "w5": o1n.w[0], "w7": o1n.w[1], "w6": o2n.w[0], "w8": o2n.w[1], "bo1": o1n.b, "bo2": o2n.b,
    }
    assert E.data == pytest.approx(0.5 * ((T1 - o1) ** 2 + (T2 - o2) ** 2), rel=1e-14)
    for name, p in actual.items():
        assert p.grad == pytest.approx(expected[name], rel=1e-12), name


def test_222_gradients_pass_gradcheck():
    params = [Value(v, label=k) for k, v in W.items()]

    def total_error(w1, w2, w3, w4, w5, w6, w7, w8):
        h1 = (w1 * I1 + w3 * I2 + BH[0]).relu()
        h2 = (w2 * I1 + w4 * I2 + BH[1]).relu()
        o1 = (w5 * h1 + w7 * h2 + BO[0]).sigmoid()
        o2 = (w6 * h1 + w8 * h2 + BO[1]).sigmoid()
        return 0.5 * (T1 - o1) ** 2 + 0.5 * (T2 - o2) ** 2

    result = gradcheck(total_error, params)
    assert result, str(result)
    assert all(not row.kink for row in result.rows)


# --- 003: dense layers, softmax, sparse categorical cross-entropy ----------------------------


def test_003_cross_entropy_gradient_is_p_minus_onehot():
    logits = [Value(z, label=f"z{k}") for k, z in enumerate([2.0, -1.0, 0.5, 3.0])]
    y = 2
    E = losses.cross_entropy(logits, y)
    E.backward()
    m = max(z.data for z in logits)
    exps = [math.exp(z.data - m) for z in logits]
    p = [e / sum(exps) for e in exps]
    for k, z in enumerate(logits):
        assert z.grad == pytest.approx(p[k] - (k == y), abs=1e-15)
    assert E.data == pytest.approx(-math.log(p[y]), rel=1e-14)


def test_003_layer_identities_hold():
    """Y = X·W + B: ∂E/∂X = ∂E/∂Y·Wᵀ, ∂E/∂W = Xᵀ·∂E/∂Y, ∂E/∂B = ∂E/∂Y, layer by layer."""
    net = MLP(3, [4, 3], activations=["relu", "linear"], seed=3)
    X = [Value(v, label=f"x{i}") for i, v in enumerate([0.5, -1.2, 2.0])]
    E = losses.cross_entropy(net(X), 1)
    E.backward()
    hidden = [n.net(X) for n in net.layers[0].neurons]  # same values; grads come from the graph
    assert [h.data for h in hidden] == [n.net(X).data for n in net.layers[0].neurons]
    # Read ∂E/∂Y (the nets of the output layer) off the graph:
    nets = {}
    stack = [E]
    while stack:
        v = stack.pop()
        if v.label.startswith("net["):
            nets[v.label] = v
        stack.extend(v.inputs)
    for k, layer in enumerate(net.layers):
        dY = [nets[f"net[{k},{j}]"].grad for j in range(len(layer.neurons))]
        inputs = X if k == 0 else [nets[f"net[0,{i}]"] for i in range(len(net.layers[0].neurons))]
        x_values = [x.data if k == 0 else max(x.data, 0.0) for x in inputs]
        for j, neuron in enumerate(layer.neurons):
            assert neuron.b.grad == pytest.approx(dY[j], rel=1e-14)  # ∂E/∂B = ∂E/∂Y
            for i, w in enumerate(neuron.w):
                assert w.grad == pytest.approx(x_values[i] * dY[j], rel=1e-12, abs=1e-300)  # Xᵀ·∂E/∂Y
        if k == 0:
            for i, x in enumerate(X):  # ∂E/∂X = ∂E/∂Y · Wᵀ
                expected = sum(n.w[i].data * dY[j] for j, n in enumerate(layer.neurons))
                assert x.grad == pytest.approx(expected, rel=1e-12)


# --- training works ---------------------------------------------------------------------------


@pytest.mark.slow
def test_two_moons_mlp_reaches_full_training_accuracy():
    """micrograd's demo: MLP(2, [16, 16, 1]), hinge + 1e-4·L2, SGD with a decaying rate."""
    X, y01 = data.moons(100, noise=0.1, seed=1)
    y = [2 * t - 1 for t in y01]
    net = MLP(2, [16, 16, 1], seed=1337)
    params = net.parameters()
    for k in range(100):
        scores = [net(x) for x in X]
        loss = losses.hinge(scores, y) + 1e-4 * sum(p * p for p in params)
        net.zero_grad()
        loss.backward()
        SGD(params, lr=1.0 - 0.9 * k / 100).step()
    accuracy = sum((net(x).data > 0) == (t > 0) for x, t in zip(X, y)) / len(X)
    assert accuracy == 1.0


@pytest.mark.slow
def test_spiral_softmax_classifier_learns_well_above_chance():
    X, y = data.spirals(30, classes=3, noise=0.1, seed=0)
    net = MLP(2, [12, 12, 3], activations=["relu", "relu", "linear"], seed=0)
    history = fit(net, X, y, losses.cross_entropy, epochs=60,
                  optimizer=Adam(net.parameters(), lr=0.05), progress=False)
    assert history[-1] < 0.2 < math.log(3) < history[0] + 0.5
    outputs = [net(x) for x in X]
    predictions = [max(range(3), key=lambda k, out=out: out[k].data) for out in outputs]
    accuracy = sum(p == t for p, t in zip(predictions, y)) / len(y)
    assert accuracy >= 0.85  # chance is 1/3
