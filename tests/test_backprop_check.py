"""``nn.check_backprop`` (nn/backprop_check.py): a correct hand-written backprop passes; each
known slip put into it is found where it first shows (the forward pass, then from the output
layer down) and named; numbers no single slip explains are said to be so."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from doc_2331 import B_2331, W_2331, network_2331

import nn
from chainrule import netfile, walkthrough
from nn.backprop_check import BackpropCheck, check_backprop, named_gradients

ROOT = Path(__file__).resolve().parent.parent
X_2331, T_2331, LR_2331 = [0.23, 0.55], [0.01], 0.01
F = {"relu": lambda z: max(z, 0.0), "sigmoid": lambda z: 1.0 / (1.0 + math.exp(-z)),
     "tanh": math.tanh, "linear": lambda z: z}
DF = {"relu": lambda z, a: 1.0 if z > 0 else 0.0, "sigmoid": lambda z, a: a * (1.0 - a),
      "tanh": lambda z, a: 1.0 - a * a, "linear": lambda z, a: 1.0}


def hand_backprop(W, B, acts, x, t, *, slip: str = "", at: int = -1, lr: float = 0.5) -> dict[str, float]:
    """A plain-Python backprop of E = ½Σ(t − out)², written as a student writes it, with one slip
    put in when ``slip`` says so (at layer ``at`` where the slip has a place):
    "sign", "no_fprime", "transposed_grad", "down_through_w", "updated", "no_half"."""
    W = [[list(row) for row in layer] for layer in W]
    xs, nets = [list(x)], []
    for Wl, bl, act in zip(W, B, acts):
        net = [sum(w * xi for w, xi in zip(row, xs[-1])) + b for row, b in zip(Wl, bl)]
        nets.append(net)
        xs.append([F[act](z) for z in net])
    L = len(W) - 1
    at = L if at < 0 else at
    g = [(ti - o) if slip == "sign" else (o - ti) for o, ti in zip(xs[-1], t)]  # ∂E/∂out
    if slip == "no_half":
        g = [2 * gi for gi in g]
    got: dict[str, float] = {}
    for k in range(L, -1, -1):
        fp = [1.0 if slip == "no_fprime" and k == at else DF[acts[k]](z, a)
              for z, a in zip(nets[k], xs[k + 1])]
        delta = [gi * f for gi, f in zip(g, fp)]
        dW = [[d * xi for xi in xs[k]] for d in delta]
        shown = [list(c) for c in zip(*dW)] if slip == "transposed_grad" and k == at else dW
        got |= {f"w[{k}][{j},{i}]": v for j, row in enumerate(shown) for i, v in enumerate(row)}
        got |= {f"b[{k}][{j}]": d for j, d in enumerate(delta)}
        got |= {f"δ[{k},{j}]": d for j, d in enumerate(delta)}
        got |= {f"net[{k},{j}]": z for j, z in enumerate(nets[k])}
        got |= {f"out[{k},{j}]": a for j, a in enumerate(xs[k + 1])}
        if slip == "updated":
            W[k] = [[w - lr * gw for w, gw in zip(row, grow)] for row, grow in zip(W[k], dW)]
        n = len(xs[k])
        g = ([sum(W[k][i][j] * d for j, d in enumerate(delta)) for i in range(n)]
             if slip == "down_through_w" and k == at else
             [sum(W[k][j][i] * d for j, d in enumerate(delta)) for i in range(n)])
    return got


def only(numbers: dict[str, float], *prefixes: str) -> dict[str, float]:
    return {k: v for k, v in numbers.items() if k.startswith(prefixes)}


ACTS_2331 = ["relu", "relu", "sigmoid"]
SPEC_222 = netfile.resolve("all_sigmoid_222")


def check_2331(numbers: dict[str, float], **kw) -> BackpropCheck:
    return check_backprop(network_2331(), X_2331, T_2331, "squared_error", numbers, **kw)


def hand_222(**kw) -> dict[str, float]:
    layers = SPEC_222.layers
    return hand_backprop([layer.weights for layer in layers], [layer.biases for layer in layers],
                         ["sigmoid", "sigmoid"], SPEC_222.inputs, SPEC_222.target, **kw)


def check_222(numbers: dict[str, float], **kw) -> BackpropCheck:
    model = walkthrough.build(SPEC_222)
    return check_backprop(model, SPEC_222.inputs, SPEC_222.target, "squared_error", numbers, **kw)


def test_a_correct_hand_written_backprop_passes():
    mine = hand_backprop(W_2331, B_2331, ACTS_2331, X_2331, T_2331)
    result = check_2331(mine)
    assert result and result.ok and result.disagreements == []
    assert result.compared == len(mine) == 25 + 7 * 3
    assert str(result).startswith(f"✓ all {len(mine)} numbers agree")
    assert check_222(hand_222())
    assert nn.check_backprop is check_backprop


def test_the_document_names_are_read_as_the_walkthrough_writes_them():
    mine = {"w16": 0.0024682, "∂E/∂w17": 0.140813, "dE/dw1": 0.0559043, "delta_n3": 0.243062,
            "δn9": 0.12529, "δ_n4": 0.0, "net_n3": 0.343, "out_n9": 0.803482, "E": 0.3148}
    result = check_2331(mine, rtol=1e-5, atol=1e-4)
    assert result, str(result)
    assert not check_2331({"w16": 0.0024682})  # to 1e-6 a number written to 5 digits is wrong


# (slip, layer, the network, the first disagreement, words its name holds)
SLIPS = [
    ("no_fprime", 2, "2331", "δ_n9", "missing activation derivative: δ_n9 without the factor sigmoid′"),
    ("no_fprime", 0, "2331", "δ_n4",
     "missing activation derivative: δ_n3, δ_n4, δ_n5 without the factor relu′"),
    ("sign", -1, "2331", "δ_n9", "sign error in ∂E/∂out"),
    ("transposed_grad", 1, "2331", "∂E/∂w10", "transposed weight: layer 1's ∂E/∂W written transposed"),
    ("down_through_w", 1, "2331", "δ_n3", "transposed weight: δ sent down from layer 1 through W"),
    ("updated", -1, "2331", "δ_n6", "using updated weights: δ sent down through weights already updated "
                                    "with lr = 0.01"),
    ("no_half", -1, "2331", "δ_n9", "constant factor: every δ and gradient is 2 times"),
    ("no_fprime", 1, "222", "δ_o1", "missing activation derivative: δ_o1, δ_o2 without the factor sigmoid′"),
    ("no_fprime", 0, "222", "δ_h1", "missing activation derivative: δ_h1, δ_h2 without the factor sigmoid′"),
    ("sign", -1, "222", "δ_o1", "sign error in ∂E/∂out"),
    ("transposed_grad", 1, "222", "∂E/∂w6", "transposed weight: layer 1's ∂E/∂W written transposed"),
    ("transposed_grad", 0, "222", "∂E/∂w2", "transposed weight: layer 0's ∂E/∂W written transposed"),
    ("down_through_w", 1, "222", "δ_h1", "transposed weight: δ sent down from layer 1 through W"),
    ("updated", -1, "222", "δ_h1", "using updated weights: δ sent down through weights already updated "
                                   "with lr = 0.5"),
]


def slipped(slip: str, at: int, network: str) -> BackpropCheck:
    if network == "2331":
        mine = hand_backprop(W_2331, B_2331, ACTS_2331, X_2331, T_2331, slip=slip, at=at, lr=LR_2331)
        return check_2331(mine)
    return check_222(hand_222(slip=slip, at=at, lr=SPEC_222.learning_rate))


@pytest.mark.parametrize("slip, at, network, first, named", SLIPS,
                         ids=[f"{s[2]}-{s[0]}-{s[1]}" for s in SLIPS])
def test_each_slip_is_found_where_it_first_shows_and_named(slip, at, network, first, named):
    result = slipped(slip, at, network)
    assert not result
    d = result.disagreements[0]
    assert d.name == first
    assert named in d.slip, d.slip
    assert f"Most likely slip: {d.slip}" in str(result)
    assert d.derivation and d.derivation in str(result).replace("\n  ", "\n")


def test_the_updated_weights_slip_is_found_without_being_told_the_rate():
    mine = hand_backprop(W_2331, B_2331, ACTS_2331, X_2331, T_2331, slip="updated", lr=0.1)
    assert "already updated with lr = 0.1 " in check_2331(mine).disagreements[0].slip


def test_gradients_after_a_step_are_named_as_updated_weights():
    stepped = network_2331()
    E = nn.losses.squared_error(stepped(X_2331), T_2331[0])
    E.backward()
    for p in stepped.parameters():
        p.data -= 0.5 * p.grad
    stepped.zero_grad()
    nn.losses.squared_error(stepped(X_2331), T_2331[0]).backward()
    mine = {name: p.grad for name, p in stepped.named_parameters()}
    mine = {p.label: p.grad for p in stepped.parameters()}
    d = check_2331(mine, lr=0.5).disagreements[0]
    assert d.name == "∂E/∂w16" and "gradients after a step of lr = 0.5" in d.slip


def test_only_gradients_given_puts_the_first_where_the_gradients_show_it():
    mine = only(hand_backprop(W_2331, B_2331, ACTS_2331, X_2331, T_2331, slip="no_fprime", at=2), "w[", "b[")
    d = check_2331(mine).disagreements[0]
    assert d.name == "∂E/∂w16" and "δ_n9 without the factor sigmoid′" in d.slip
    assert "∂E/∂w16 = ∂E/∂net_n9" in d.derivation or "σ′(net_n9)" in d.derivation


def test_a_wrong_forward_value_comes_first():
    mine = hand_backprop(W_2331, B_2331, ACTS_2331, X_2331, T_2331)
    mine["net[0,1]"] += 0.1
    result = check_2331(mine)
    d = result.disagreements[0]
    assert (d.name, len(result.disagreements)) == ("net_n4", 1)
    assert d.derivation == "net_n4 = w2·x1 + w5·x2 + b2 = 0.2·0.23 + 0.5·0.55 + (−0.4) = −0.079"
    assert d.slip.startswith("no single known slip explains it")


def test_two_slips_at_once_are_no_single_known_slip():
    mine = hand_backprop(W_2331, B_2331, ACTS_2331, X_2331, T_2331, slip="sign")
    mine["w[0][0,0]"] = 7.0
    assert check_2331(mine).disagreements[0].slip.startswith("no single known slip explains it")


def test_nan_from_a_buggy_backprop_is_a_disagreement_not_an_error():
    result = check_2331({"w16": math.nan, "w17": np.float64(0.14081327)}, rtol=1e-6, atol=1e-7)
    assert [d.name for d in result.disagreements] == ["∂E/∂w16"]


def test_float32_numpy_agrees_with_a_looser_tolerance():
    right = hand_backprop(W_2331, B_2331, ACTS_2331, X_2331, T_2331)
    mine = {k: float(np.float32(v)) for k, v in right.items()}
    assert check_2331(mine, rtol=1e-4)


def test_named_gradients_reads_numpy_arrays():
    dW = [np.array([[1.0, 2.0]]), np.array([[3.0], [4.0]])]
    db = [np.array([5.0]), np.array([[6.0], [7.0]])]
    assert named_gradients(dW, db, [np.array([8.0])]) == {
        "∂E/∂w[0][0,0]": 1.0, "∂E/∂w[0][0,1]": 2.0, "∂E/∂w[1][0,0]": 3.0, "∂E/∂w[1][1,0]": 4.0,
        "∂E/∂b[0][0]": 5.0, "∂E/∂b[1][0]": 6.0, "∂E/∂b[1][1]": 7.0, "δ_[0,0]": 8.0}


def test_bad_names_and_values_are_refused_with_the_closest_names():
    with pytest.raises(ValueError, match=r"no number is named 'w166'; did you mean .*w16"):
        check_2331({"w166": 0.1})
    with pytest.raises(TypeError, match=r"'w16' is '0.1', not a number"):
        check_2331({"w16": "0.1"})
    with pytest.raises(TypeError, match="mapping of names to numbers"):
        check_2331([0.1])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"must be an nn\.MLP"):
        check_backprop("net", X_2331, T_2331, "squared_error", {})  # type: ignore[arg-type]


def test_the_model_is_not_changed():
    net = network_2331()
    before = [(p.data, p.grad) for p in net.parameters()]
    check_2331({"w16": 1.0})
    check_backprop(net, X_2331, T_2331, "squared_error", {"w16": 1.0})
    assert [(p.data, p.grad) for p in net.parameters()] == before


def test_a_softmax_network_with_a_loss_function():
    model = nn.MLP.from_weights([[[0.1, 0.2], [0.3, -0.1]], [[0.5, -0.4], [0.2, 0.3], [-0.3, 0.1]]],
                                [[0.0, 0.1], [0.0, 0.1, -0.1]], ["tanh", "softmax"])
    x = [0.5, -1.0]
    result = check_backprop(model, x, 2, lambda outs, k: nn.losses.cross_entropy(outs, k, from_logits=False),
                            {"w[1][0,0]": 0.0})
    assert result.disagreements[0].name == "∂E/∂w[1][0,0]"
    assert check_backprop(model, x, 2, "cross_entropy", {"E": result.disagreements[0].theirs}, atol=1) \
        .compared == 1


def test_the_demo_catches_its_planted_bug_and_passes_when_fixed():
    import importlib.util
    import sys

    sys.path.insert(0, str(ROOT / "demos"))
    try:
        spec = importlib.util.spec_from_file_location("numpy_backprop", ROOT / "demos" / "numpy_backprop.py")
        demo = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(demo)
    finally:
        sys.path.remove(str(ROOT / "demos"))
    result = demo.run()
    first = result.disagreements[0]
    assert first.name == "δ_n9" and "δ_n9 without the factor sigmoid′" in first.slip
    with pytest.raises(AssertionError, match="Most likely slip: a missing activation derivative"):
        demo.test_my_backprop()
    assert demo.run(fixed=True)


def test_no_numbers_to_check_is_an_error():
    with pytest.raises(ValueError, match=r"no numbers to check: give ∂E/∂p of the parameters"):
        check_2331({})


def test_the_number_of_inputs_must_be_the_models():
    for x in ([0.23], [0.23, 0.55, 1.0]):
        with pytest.raises(ValueError, match=f"the model takes 2 inputs, not {len(x)}"):
            check_backprop(network_2331(), x, T_2331, "squared_error", {"w16": 0.1})


def test_named_gradients_reads_rows_and_refuses_other_shapes():
    dW = [np.array([[1.0, 2.0], [3.0, 4.0]])]
    row = named_gradients(dW, [np.array([[5.0, 6.0]])], [np.array([[7.0, 8.0]])])  # keepdims=True
    assert row == named_gradients(dW, [np.array([5.0, 6.0])], [[[7.0], [8.0]]])
    assert (row["∂E/∂b[0][1]"], row["δ_[0,1]"]) == (6.0, 8.0)
    with pytest.raises(ValueError, match=r"bias_grads\[0\] has shape \(2, 2\): expected \(n,\), \(n, 1\) or "
                                         r"\(1, n\), one number per neuron of layer 0"):
        named_gradients(dW, [np.ones((2, 2))])
    with pytest.raises(ValueError, match=r"deltas\[1\] has shape \(1, 2, 1\)"):
        named_gradients([], [], [[1.0], np.ones((1, 2, 1))])
    with pytest.raises(ValueError, match=r"weight_grads\[0\] has shape \(2,\): expected a matrix"):
        named_gradients([np.ones(2)], [])


def test_a_constant_factor_needs_two_independent_numbers_and_reads_only_known_factors():
    right = hand_backprop(W_2331, B_2331, ACTS_2331, X_2331, T_2331)
    one = check_2331({"w16": 0.0025}, rtol=1e-2).disagreements[0].slip
    assert one.startswith("no single known slip")  # one number is no evidence of a factor
    same = {"δ[2,0]": 3 * right["δ[2,0]"], "b[2][0]": 3 * right["b[2][0]"]}  # δ_n and ∂E/∂b_n: one number
    assert check_2331(same).disagreements[0].slip.startswith("no single known slip")
    assert check_2331({"w16": 1e400, "w17": 1e400}).disagreements[0].slip.startswith("no single known slip")
    scaled = {k: 9.17718 * v if k.startswith(("w[2]", "b[2]", "δ[2")) else v for k, v in right.items()}
    slip = check_2331(only(scaled, "w[2]", "b[2]", "δ[2")).disagreements[0].slip
    assert slip == ("a constant factor: every δ and gradient is 9.17718 times the right one: the output "
                    "layer's δ is off by that factor")
    half = check_2331(only({k: v / 2 for k, v in right.items()}, "w[", "b[")).disagreements[0].slip
    assert "0.5 times the right one: a ½ too many in ∂E/∂out" in half
    two = check_222(only(hand_222(slip="no_half"), "w[", "b[")).disagreements[0].slip
    assert "E without its ½" in two and "a sum over the 2 outputs where their mean is meant" in two


def test_two_names_of_one_number_with_different_values_are_refused():
    with pytest.raises(ValueError, match=r"'w16' and '∂E/∂w\[2\]\[0,0\]' name the same number \(∂E/∂w16\), "
                                         r"with different values \(0.0025 and 0.5\)"):
        check_2331({"w16": 0.0025, "∂E/∂w[2][0,0]": 0.5})
    assert check_2331({"w16": 0.0024682, "dE/dw16": 0.0024682}, rtol=1e-4).compared == 1
    assert check_2331({"δ_n9": math.nan, "∂E/∂net_n9": math.nan}).compared == 1


def test_dE_dnet_is_delta_and_dE_dout_is_checked():
    mine = {"∂E/∂net_n9": 0.125289795, "∂E/∂net[0,0]": 0.243062203, "∂E/∂out_n9": 0.793481881,
            "∂E/∂out[1,0]": 0.0877029, "out_n9": 0.803481881}
    result = check_2331(mine, rtol=1e-5)
    assert result and result.compared == 5, str(result)
    wrong = check_2331({"∂E/∂out_n9": -0.793481881, "δ_n9": -0.125289795, "w16": -0.00246820897})
    assert wrong.disagreements[0].name == "∂E/∂out_n9"  # ∂E/∂out before δ, from the output layer down
    assert "sign error in ∂E/∂out" in wrong.disagreements[0].slip
    assert wrong.disagreements[0].derivation == "∂E/∂out_n9 = out_n9 − 0.01 = 0.8035 − 0.01 = 0.7935"
