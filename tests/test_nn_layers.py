"""nn.layers: Neuron, Layer, MLP: forward values, initialisation, labels, errors, from_weights."""

from __future__ import annotations

import math
import random
import re
import statistics
from decimal import Decimal
from fractions import Fraction

import pytest

from autograd import Value, gradcheck
from nn import ACTIVATIONS, MLP, Layer, Neuron


def by_hand(net: MLP, x: list[float]) -> list[list[float]]:
    """Each layer's outputs computed with the math module from the parameters' data."""
    acts = {
        "relu": lambda z: max(0.0, z),
        "sigmoid": lambda z: 1.0 / (1.0 + math.exp(-z)),
        "tanh": math.tanh,
        "linear": lambda z: z,
    }
    outs = []
    for layer in net.layers:
        nets = [math.fsum([*(w.data * xi for w, xi in zip(n.w, x)), n.b.data]) for n in layer.neurons]
        if layer.activation == "softmax":
            m = max(nets)
            e = [math.exp(z - m) for z in nets]
            x = [v / math.fsum(e) for v in e]
        else:
            x = [acts[layer.activation](z) for z in nets]
        outs.append(x)
    return outs


def as_list(out):
    return out if isinstance(out, list) else [out]


# --- defaults and forward values ------------------------------------------------------------

def test_default_activations_are_relu_hidden_and_linear_output_like_micrograd():
    net = MLP(2, [3, 4, 1])
    assert [layer.activation for layer in net.layers] == ["relu", "relu", "linear"]
    assert repr(net) == "MLP(2, [3, 4, 1], ['relu', 'relu', 'linear'])"


@pytest.mark.parametrize("seed", range(6))
def test_default_mlp_hidden_is_max_of_zero_and_net_and_output_is_net(seed):
    net = MLP(2, [4, 1], seed=seed)
    x = [0.7, -1.3]
    out = net(x)
    assert isinstance(out, Value)
    # the hidden outputs, read off the graph: the output node's inputs labelled out[0,j]
    hidden = [o for o in out.inputs if o.label.startswith("out[0,")]
    assert [h.label for h in hidden] == ["out[0,0]", "out[0,1]", "out[0,2]", "out[0,3]"]
    for j, (h, neuron) in enumerate(zip(hidden, net.layers[0].neurons)):
        z = math.fsum([neuron.w[0].data * x[0], neuron.w[1].data * x[1], neuron.b.data])
        assert h.op == "relu"
        assert h.data == max(0.0, z)
        assert h.inputs[0].label == f"net[0,{j}]" and h.inputs[0].data == z
    o = net.layers[1].neurons[0]
    assert out.op == "dot"  # linear: the output is the net input node itself
    assert out.data == math.fsum([*(w.data * h.data for w, h in zip(o.w, hidden)), o.b.data])


def test_relu_hidden_really_clips_some_units():
    """Over a few seeds both signs of net occur, so the max(0, net) check above is not vacuous."""
    clipped = positive = 0
    for seed in range(6):
        net = MLP(2, [4, 1], seed=seed)
        for h in by_hand(net, [0.7, -1.3])[0]:
            clipped += h == 0.0
            positive += h > 0.0
    assert clipped > 0 and positive > 0


@pytest.mark.parametrize("acts", [["tanh", "sigmoid"], ["sigmoid", "tanh", "linear"], ["relu", "softmax"],
                                  ["linear", "relu", "tanh"]])
def test_forward_matches_math_for_every_activation(acts):
    nouts = [3] * (len(acts) - 1) + [2]
    net = MLP(3, nouts, acts, seed=2)
    x = [0.3, -0.8, 1.1]
    got = [o.data for o in as_list(net(x))]
    want = by_hand(net, x)[-1]
    assert got == pytest.approx(want, rel=1e-14, abs=1e-15)


def test_activation_table():
    assert sorted(ACTIVATIONS) == ["elu", "gelu", "leaky_relu", "linear", "relu", "sigmoid", "softplus",
                                   "tanh"]
    v = Value(-0.5)
    assert ACTIVATIONS["relu"](v).data == 0.0
    assert ACTIVATIONS["tanh"](v).data == math.tanh(-0.5)
    assert ACTIVATIONS["sigmoid"](v).data == pytest.approx(1 / (1 + math.exp(0.5)), rel=1e-15)
    assert ACTIVATIONS["linear"](v) is v
    # the others at their defaults: slope 0.01, alpha 1, GELU's tanh form, ln(1 + eˣ)
    assert ACTIVATIONS["leaky_relu"](v).data == -0.005
    assert ACTIVATIONS["elu"](v).data == math.expm1(-0.5)
    t = math.tanh(math.sqrt(2 / math.pi) * (-0.5 + 0.044715 * -0.125))
    assert ACTIVATIONS["gelu"](v).data == pytest.approx(-0.25 * (1 + t), rel=1e-15)
    assert ACTIVATIONS["softplus"](v).data == pytest.approx(math.log1p(math.exp(-0.5)), rel=1e-15)
    assert all(ACTIVATIONS[name](v).op == name for name in ("leaky_relu", "elu", "gelu", "softplus"))


@pytest.mark.parametrize("acts", [["tanh", "sigmoid"], ["sigmoid", "softmax"], ["tanh", "tanh", "linear"]])
def test_gradients_through_mlp_pass_gradcheck(acts):
    nouts = [3] * (len(acts) - 1) + [2]
    net = MLP(2, nouts, acts, seed=8)
    result = gradcheck(lambda a, b: as_list(net([a, b]))[0] * 1.5 + as_list(net([a, b]))[-1], [0.4, -0.9])
    assert result.ok, str(result)
    # and w.r.t. two weights: backward's grads against central differences of the data
    w = net.layers[0].neurons[1].w[0]
    b = net.layers[-1].neurons[0].b
    out = as_list(net([0.4, -0.9]))[0]
    net.zero_grad()
    out.backward()
    eps = 1e-6
    for p in (w, b):
        x0 = p.data
        p.data = x0 + eps
        up = as_list(net([0.4, -0.9]))[0].data
        p.data = x0 - eps
        down = as_list(net([0.4, -0.9]))[0].data
        p.data = x0
        assert p.grad != 0.0
        assert p.grad == pytest.approx((up - down) / (2 * eps), rel=1e-5, abs=1e-8)


# --- seeds and initialisation ----------------------------------------------------------------

@pytest.mark.parametrize("init", ["uniform", "xavier", "he"])
def test_same_seed_same_weights_different_seed_different(init):
    random.seed(1)
    a = MLP(3, [5, 2], seed=42, init=init).state_dict()
    random.seed(2)  # the global random state does not matter
    b = MLP(3, [5, 2], seed=42, init=init).state_dict()
    c = MLP(3, [5, 2], seed=43, init=init).state_dict()
    assert a == b
    assert a != c
    weights = [v for k, v in a.items() if ".w." in k]
    assert len(set(weights)) == len(weights)  # no two weights drawn equal


def test_unseeded_models_differ():
    assert MLP(3, [5, 2]).state_dict() != MLP(3, [5, 2]).state_dict()


@pytest.mark.parametrize("init", ["uniform", "xavier", "he"])
def test_biases_start_at_zero(init):
    net = MLP(4, [6, 3], seed=0, init=init)
    assert all(v == 0.0 for k, v in net.state_dict().items() if k.endswith(".b"))


def test_uniform_init_is_u_minus1_1():
    net = MLP(20, [30, 10], seed=0)
    ws = [v for k, v in net.state_dict().items() if ".w." in k]
    assert all(-1.0 <= w <= 1.0 for w in ws)
    assert max(ws) > 0.95 and min(ws) < -0.95


def test_xavier_weights_within_glorot_bound():
    net = MLP(30, [20, 10], seed=0, init="xavier")
    for layer, (nin, nout) in zip(net.layers, [(30, 20), (20, 10)]):
        bound = math.sqrt(6.0 / (nin + nout))
        ws = [w.data for n in layer.neurons for w in n.w]
        assert len(ws) == nin * nout
        assert all(abs(w) <= bound for w in ws)
        assert max(abs(w) for w in ws) > 0.9 * bound  # uses the whole range, not a narrower one
    # the two layers' bounds differ, and layer 1's weights exceed layer 0's bound sometimes
    l1 = [w.data for n in net.layers[1].neurons for w in n.w]
    assert max(abs(w) for w in l1) > math.sqrt(6.0 / 50)


def test_he_weights_have_std_sqrt_2_over_nin():
    net = MLP(200, [60, 40], seed=3, init="he")
    for layer, nin in zip(net.layers, [200, 60]):
        ws = [w.data for n in layer.neurons for w in n.w]
        sd = statistics.pstdev(ws)
        assert sd == pytest.approx(math.sqrt(2.0 / nin), rel=0.06)
        assert abs(statistics.fmean(ws)) < 0.1 * sd
    # gaussian, not uniform: some weights beyond 2 standard deviations
    ws = [w.data for n in net.layers[0].neurons for w in n.w]
    assert sum(abs(w) > 2 * math.sqrt(0.01) for w in ws) > 0.02 * len(ws)


# --- construction errors --------------------------------------------------------------------

@pytest.mark.parametrize(
    ("make", "error", "words"),
    [
        (lambda: MLP(2, [3, 1], ["relu", "swish"]), ValueError, ["swish", "unknown activation"]),
        (lambda: MLP(2, [3, 1], ["softmax", "linear"]), ValueError, ["softmax", "hidden layer 0"]),
        (lambda: MLP(2, [3, 3, 2], ["relu", "softmax", "softmax"]), ValueError, ["hidden layer 1"]),
        (lambda: MLP(2, [3, 1], ["relu"]), ValueError, ["one name per layer", "(2)"]),
        (lambda: MLP(2, [3, 1], ["relu", "relu", "relu"]), ValueError, ["one name per layer"]),
        (lambda: MLP(2, [3, 1], "relu"), ValueError, ["one name per layer"]),
        (lambda: MLP(2, [3, 1], ["relu", None]), ValueError, ["unknown activation", "None"]),
        (lambda: MLP(2, [3, 1], init="glorot"), ValueError, ["unknown init", "glorot"]),
        (lambda: MLP(0, [3, 1]), ValueError, ["nin", "0"]),
        (lambda: MLP(-1, [3, 1]), ValueError, ["nin", "-1"]),
        (lambda: MLP(2.0, [3, 1]), ValueError, ["nin", "2.0"]),
        (lambda: MLP(True, [3, 1]), ValueError, ["nin", "True"]),
        (lambda: MLP(2, []), ValueError, ["nouts"]),
        (lambda: MLP(2, 3), ValueError, ["nouts"]),
        (lambda: MLP(2, "31"), ValueError, ["nouts"]),
        (lambda: MLP(2, [3, 0]), ValueError, ["nout", "0"]),
        (lambda: Neuron(0), ValueError, ["nin", "0"]),
        (lambda: Neuron(2, "softmax"), ValueError, ["softmax", "whole layer"]),
        (lambda: Neuron(2, "selu"), ValueError, ["selu"]),
        (lambda: Neuron(2, init="zeros"), ValueError, ["unknown init", "zeros"]),
        (lambda: Layer(2, 0), ValueError, ["nout", "0"]),
        (lambda: Layer(2, 2, init="bad"), ValueError, ["unknown init", "bad"]),
    ],
)
def test_bad_construction_raises_naming_the_problem(make, error, words):
    with pytest.raises(error) as info:
        make()
    for w in words:
        assert w in str(info.value)


@pytest.mark.parametrize(
    ("x", "error", "words"),
    [
        ([1.0], ValueError, ["expected 2 inputs, got 1"]),
        ([1.0, 2.0, 3.0], ValueError, ["expected 2 inputs, got 3"]),
        ([], ValueError, ["expected 2 inputs, got 0"]),
        (1.0, TypeError, ["list of 2 numbers"]),
        (Value(1.0), TypeError, ["list of 2 numbers"]),
        (None, TypeError, ["list of 2 numbers"]),
        ({1.0, 2.0}, TypeError, ["list of 2 numbers"]),
        ([1.0, "2"], TypeError, ["str"]),
        ([1.0, True], TypeError, ["bool"]),
        ([1.0, None], TypeError, ["NoneType"]),
    ],
)
def test_bad_input_raises_naming_the_problem(x, error, words):
    net = MLP(2, [3, 1], seed=0)
    with pytest.raises(error) as info:
        net(x)
    for w in words:
        assert w in str(info.value)


def test_tuple_and_int_inputs_are_accepted():
    net = MLP(2, [3, 1], seed=0)
    assert net((1, 2)).data == net([1.0, 2.0]).data


def test_neuron_and_layer_reject_wrong_input_length():
    with pytest.raises(ValueError, match=r"net\[0,0\]: expected 3 inputs, got 2"):
        Neuron(3)([1.0, 2.0])
    with pytest.raises(ValueError, match="expected 2 inputs, got 1"):
        Layer(2, 3)([1.0])


# --- from_weights ---------------------------------------------------------------------------

def test_from_weights_places_w_l_j_i_from_input_i_to_neuron_j():
    W = [[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], [[0.5, -1.0, 0.25]]]
    B = [[0.1, 0.2, 0.3], [-0.5]]
    net = MLP.from_weights(W, B, ["linear", "linear"])
    assert net.layers[0].neurons[1].w[0].data == 3.0  # weights[0][1][0]: input 0 -> neuron 1
    assert net.layers[0].neurons[0].w[1].data == 2.0
    assert net.layers[1].neurons[0].w[2].data == 0.25
    assert net.layers[0].neurons[2].b.data == 0.3
    x = [10.0, 100.0]
    h = [1 * 10 + 2 * 100 + 0.1, 3 * 10 + 4 * 100 + 0.2, 5 * 10 + 6 * 100 + 0.3]  # 210.1, 430.2, 650.3
    out = net(x)
    assert out.data == pytest.approx(0.5 * h[0] - 1.0 * h[1] + 0.25 * h[2] - 0.5, rel=1e-15)
    assert out.data == pytest.approx(-163.075, rel=1e-15)


def test_from_weights_sigmoid_by_hand():
    net = MLP.from_weights([[[0.5, -0.5]]], [[0.1]], ["sigmoid"])
    out = net([1.0, 2.0])
    assert out.data == pytest.approx(1.0 / (1.0 + math.exp(0.4)), rel=1e-15)


def test_from_weights_round_trips_state_dict():
    src = MLP(3, [4, 2], ["tanh", "sigmoid"], seed=9)
    W = [[[w.data for w in n.w] for n in layer.neurons] for layer in src.layers]
    B = [[n.b.data for n in layer.neurons] for layer in src.layers]
    dst = MLP.from_weights(W, B, ["tanh", "sigmoid"])
    assert dst.state_dict() == src.state_dict()
    assert all(type(v) is float for v in MLP.from_weights([[[1, 2]]], [[3]], ["relu"]).state_dict().values())


@pytest.mark.parametrize(
    ("W", "B", "acts", "error", "words"),
    [
        ([[[1.0, 2.0], [3.0]]], [[0.0, 0.0]], ["linear"], ValueError,
         ["weights[0][1]", "1 entries", "2 inputs"]),
        ([[[1.0, 2.0]], [[1.0, 2.0]]], [[0.0], [0.0]], ["relu", "linear"], ValueError,
         ["weights[1][0]", "2 entries", "1 inputs"]),
        ([[[1.0], [2.0]], [[1.0, 2.0]]], [[0.0, 0.0], [0.0, 0.0]], ["relu", "linear"], ValueError,
         ["biases[1]", "2 entries", "1 neurons"]),
        ([[[1.0, 2.0]]], [[0.0, 1.0]], ["linear"], ValueError, ["biases[0]", "2 entries"]),
        ([[[1.0, 2.0]]], [[0.0], [1.0]], ["linear"], ValueError, ["1 weight matrices but 2 bias"]),
        ([[[1.0]], [[1.0]]], [[0.0]], ["linear", "linear"], ValueError, ["2 weight matrices but 1 bias"]),
        ([], [], [], ValueError, ["0 weight matrices"]),
        ([[[1.0, "2"]]], [[0.0]], ["linear"], TypeError, ["weights[0][0][1]", "str"]),
        ([[[1.0, 2.0]], [[None]]], [[0.0], [0.0]], ["relu", "linear"], TypeError,
         ["weights[1][0][0]", "NoneType"]),
        ([[[1.0, True]]], [[0.0]], ["linear"], TypeError, ["weights[0][0][1]", "bool"]),
        ([[[1.0], [2.0]]], [[0.0, "b"]], ["linear"], TypeError, ["biases[0][1]", "str"]),
        ([[[1.0]]], [[0.0]], ["linear", "linear"], ValueError, ["one name per layer"]),
        ([[[1.0]]], [[0.0]], ["swish"], ValueError, ["swish"]),
    ],
)
def test_from_weights_rejects_bad_shapes_naming_the_index(W, B, acts, error, words):
    with pytest.raises(error) as info:
        MLP.from_weights(W, B, acts)
    for w in words:
        assert w in str(info.value)


# --- one notion of a number (autograd.validate): NumPy integers as sizes, any real as a weight ---

def test_sizes_may_be_numpy_integers():
    np = pytest.importorskip("numpy")
    net = MLP(np.int64(2), [np.int32(3), np.uint8(1)], seed=0)
    assert net.state_dict() == MLP(2, [3, 1], seed=0).state_dict()
    assert type(net.nin) is int and repr(net) == repr(MLP(2, [3, 1]))
    assert len(Neuron(np.int16(4)).w) == 4
    assert len(Layer(np.int64(2), np.int8(5)).neurons) == 5


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda np: MLP(np.bool_(True), [1]), ["MLP: nin", "True"]),
        (lambda np: MLP(2, [np.bool_(True)]), ["nout", "True"]),
        (lambda np: MLP(2, [np.float64(3.0)]), ["nout", "3.0"]),
        (lambda np: Layer(2, True), ["nout"]),
        (lambda np: Neuron(np.float32(2.0)), ["Neuron: nin", "2.0"]),
    ],
)
def test_sizes_refuse_booleans_and_floats_of_any_kind(make, words):
    np = pytest.importorskip("numpy")
    with pytest.raises(ValueError, match="must be a positive int") as info:
        make(np)
    for w in words:
        assert w in str(info.value)


def test_from_weights_accepts_any_real_number_and_stores_floats():
    np = pytest.importorskip("numpy")
    W = [[[np.float32(0.5), Fraction(-1, 4)], [np.int64(2), Decimal("0.125")]], [[np.array(1.5), 3]]]
    B = [[np.float64(-0.5), Fraction(3, 8)], [np.int8(-1)]]
    net = MLP.from_weights(W, B, ["relu", "linear"])
    got = net.state_dict()
    assert list(got.values()) == [0.5, -0.25, -0.5, 2.0, 0.125, 0.375, 1.5, 3.0, -1.0]
    assert all(type(v) is float for v in got.values())


@pytest.mark.parametrize(
    ("bad", "error", "words"),
    [
        (lambda np: np.bool_(True), TypeError, ["weights[0][0][1]", "bool"]),
        (lambda np: np.array([1.0]), TypeError, ["weights[0][0][1]", "ndarray"]),
        (lambda np: np.float64("nan"), ValueError, ["weights[0][0][1]", "finite"]),
        (lambda np: Fraction(10**400, 3), ValueError, ["weights[0][0][1]", "finite"]),
    ],
)
def test_from_weights_refuses_booleans_arrays_and_non_finite_numbers(bad, error, words):
    np = pytest.importorskip("numpy")
    with pytest.raises(error) as info:
        MLP.from_weights([[[1.0, bad(np)]]], [[0.0]], ["linear"])
    for w in words:
        assert w in str(info.value)


# --- labels, rename, name_neurons ------------------------------------------------------------

def test_parameter_and_node_labels():
    net = MLP(2, [3, 2], ["tanh", "sigmoid"], seed=0)
    assert net.layers[1].neurons[0].w[2].label == "w[1][0,2]"
    assert net.layers[0].neurons[2].w[1].label == "w[0][2,1]"
    assert net.layers[1].neurons[1].b.label == "b[1][1]"
    labels = [p.label for p in net.parameters()]
    assert len(set(labels)) == len(labels) == 17
    o0, o1 = net([0.5, -0.5])
    assert (o0.label, o0.op) == ("out[1,0]", "sigmoid")
    assert (o1.label, o1.op) == ("out[1,1]", "sigmoid")
    n1 = o1.inputs[0]
    assert (n1.label, n1.op) == ("net[1,1]", "dot")
    hidden = [v.label for v in n1.inputs if v.op == "tanh"]
    assert hidden == ["out[0,0]", "out[0,1]", "out[0,2]"]
    assert [v.inputs[0].label for v in n1.inputs if v.op == "tanh"] == ["net[0,0]", "net[0,1]", "net[0,2]"]


def test_softmax_outputs_are_labelled_out():
    net = MLP(2, [3], ["softmax"], seed=0)
    probs = net([1.0, 2.0])
    assert [p.label for p in probs] == ["out[0,0]", "out[0,1]", "out[0,2]"]


def test_rename_by_dotted_name_and_by_label():
    net = MLP(2, [2, 1], seed=0)
    net.rename({"layers.0.neurons.0.w.0": "w1", "w[0][1,0]": "w2", "b[1][0]": "b3"})
    assert net.layers[0].neurons[0].w[0].label == "w1"
    assert net.layers[0].neurons[1].w[0].label == "w2"
    assert net.layers[1].neurons[0].b.label == "b3"
    assert net.layers[0].neurons[0].w[1].label == "w[0][0,1]"  # others untouched
    net.rename({"w1": "alpha"})  # the current label is a key now
    assert net.layers[0].neurons[0].w[0].label == "alpha"
    # the dotted names (and so the state dict) never change
    assert "layers.0.neurons.0.w.0" in net.state_dict()
    out = net([1.0, 1.0])
    assert "b3" in [v.label for v in out.inputs]


@pytest.mark.parametrize("key", ["w1", "layers.5.neurons.0.b", "w[0][0,9]", "w[0][0,0]x"])
def test_rename_unknown_key_raises_keyerror_and_renames_nothing(key):
    net = MLP(2, [2, 1], seed=0)
    before = [p.label for p in net.parameters()]
    with pytest.raises(KeyError, match=re.escape(repr(key))):
        net.rename({"w[0][0,0]": "ok", key: "new"})
    assert [p.label for p in net.parameters()] == before


def test_name_neurons_labels_forward_nodes():
    net = MLP(2, [3, 3, 1], ["relu", "relu", "sigmoid"], seed=1)
    net.name_neurons([["n3", "n4", "n5"], ["n6", "n7", "n8"], ["n9"]])
    out = net([0.05, 0.10])
    assert out.label == "out_n9" and out.op == "sigmoid"
    net9 = out.inputs[0]
    assert net9.label == "net_n9"
    h2 = [v for v in net9.inputs if v.op == "relu"]
    assert [v.label for v in h2] == ["out_n6", "out_n7", "out_n8"]
    assert [v.inputs[0].label for v in h2] == ["net_n6", "net_n7", "net_n8"]
    h1 = [v for v in h2[0].inputs[0].inputs if v.op == "relu"]
    assert [v.label for v in h1] == ["out_n3", "out_n4", "out_n5"]
    assert [v.inputs[0].label for v in h1] == ["net_n3", "net_n4", "net_n5"]


@pytest.mark.parametrize(
    ("names", "words"),
    [
        ([["a", "b", "c"], ["d"]], ["2 lists of names for 3 layers"]),
        ([["a", "b"], ["d", "e", "f"], ["g"]], ["2 names", "3", "layer 0"]),
        ([["a", "b", "c"], ["d", "e", "f"], ["g", "h"]], ["2 names", "layer 2"]),
        ([["a", "", "c"], ["d", "e", "f"], ["g"]], ["non-empty str"]),
    ],
)
def test_name_neurons_rejects_wrong_shapes(names, words):
    net = MLP(2, [3, 3, 1], seed=1)
    with pytest.raises(ValueError) as info:
        net.name_neurons(names)
    for w in words:
        assert w in str(info.value)


# --- output shape, softmax, graph structure ------------------------------------------------

@pytest.mark.parametrize(("nouts", "n"), [([1], 1), ([3, 1], 1), ([3, 2], 2), ([1, 4], 4), ([2, 1, 5], 5)])
def test_single_output_is_a_value_several_a_list(nouts, n):
    out = MLP(2, nouts, seed=0)([0.3, 0.4])
    if n == 1:
        assert isinstance(out, Value)
    else:
        assert isinstance(out, list) and len(out) == n and all(isinstance(o, Value) for o in out)


@pytest.mark.parametrize("seed", range(5))
def test_softmax_output_sums_to_one(seed):
    net = MLP(3, [8, 6], ["tanh", "softmax"], seed=seed)
    rng = random.Random(seed)
    probs = net([rng.uniform(-3, 3) for _ in range(3)])
    assert len(probs) == 6
    assert all(0.0 < p.data < 1.0 for p in probs)
    assert abs(math.fsum(p.data for p in probs) - 1.0) <= 1e-15


def test_softmax_output_is_stable_for_huge_logits():
    net = MLP.from_weights([[[1000.0], [0.0], [-1000.0]]], [[0.0, 0.0, 0.0]], ["softmax"])
    probs = net([1.0])
    assert [p.data for p in probs] == [1.0, 0.0, 0.0]
    (probs[0] + 2.0 * probs[1]).backward()
    for p in net.parameters():
        assert math.isfinite(p.grad)
    # moderate logits: the exact values
    net = MLP.from_weights([[[1.0], [0.0], [-1.0]]], [[0.0, 0.0, 0.0]], ["softmax"])
    probs = [p.data for p in net([1.0])]
    e = [math.e, 1.0, 1 / math.e]
    assert probs == pytest.approx([v / sum(e) for v in e], rel=1e-15)


@pytest.mark.parametrize("nin", [1, 2, 5])
def test_net_input_is_one_dot_node(nin):
    net = MLP(nin, [3, 2], ["tanh", "linear"], seed=0)
    xs_float = [0.1 * (i + 1) for i in range(nin)]
    neuron = net.layers[0].neurons[1]
    z = neuron.net(xs_float)  # constants are not nodes: n weights + the bias
    assert z.op == "dot" and z.label == "net[0,1]"
    assert len(z.inputs) == nin + 1
    assert z.inputs == (*neuron.w, neuron.b)
    assert z.constants == tuple(xs_float)
    xs_val = [Value(x) for x in xs_float]
    z = neuron.net(xs_val)
    assert len(z.inputs) == 2 * nin + 1
    assert z.inputs == (*neuron.w, *xs_val, neuron.b)
    assert z.local_grads == (*xs_float, *(w.data for w in neuron.w), 1.0)
    # the second layer reads Values: 2·3 + 1 inputs, and it is the linear output itself
    out = net(xs_float)
    assert out[0].op == "dot" and len(out[0].inputs) == 7


def test_dot_net_input_value_matches_sum():
    n = Neuron(4, "linear", rng=random.Random(0))
    x = [0.1, -2.0, 3.5, 1e-3]
    assert n(x).data == math.fsum([*(w.data * xi for w, xi in zip(n.w, x)), n.b.data])


def test_reprs():
    assert repr(Neuron(3, "tanh")) == "Neuron(3, 'tanh')"
    assert repr(Layer(2, 4, "softmax")) == "Layer(2, 4, 'softmax')"
    assert MLP(3, [2, 1]).nin == 3
