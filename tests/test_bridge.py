"""nn.bridge: PyTorch models in and out, every number exact and every gradient PyTorch's.

The torch tests skip without PyTorch, except under CI=true, where a test that cannot run
fails (tests/conftest.py); the test that PyTorch's absence is reported runs everywhere.
"""

from __future__ import annotations

import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from autograd import Value
from nn import ACTIVATIONS, MLP, losses
from nn.bridge import TORCH_ACTIVATIONS, from_torch, to_torch

TOL = 1e-12
ABOVE_THRESHOLD = 2.1e-9  # softplus, above 20: e⁻²⁰ ≈ 2.06e-9 bounds the difference
SHAPES = [(1, [1]), (2, [3, 1]), (3, [4, 4, 2]), (4, [5, 3, 3])]


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def agree(a: float, b: float, tol: float = TOL) -> bool:
    """Equal to 1e-12, relative to the larger of 1 and PyTorch's number."""
    return abs(a - b) <= tol * max(1.0, abs(b))


def torch_activation(torch, name):
    cls, params = TORCH_ACTIVATIONS[name]
    return getattr(torch.nn, cls)(**params)


def random_net(torch, nin, nouts, acts, seed, *, bias=True, dtype=None):
    """A Sequential of Linears with weights from U(−1, 1) and the activation modules of ``acts``
    (None: no module), drawn from its own generator."""
    gen = torch.Generator().manual_seed(seed)
    modules, sizes = [], [nin, *nouts]
    for k, act in enumerate(acts):
        linear = torch.nn.Linear(sizes[k], sizes[k + 1], bias=bias, dtype=dtype or torch.float64)
        for p in linear.parameters():
            torch.nn.init.uniform_(p, -1.0, 1.0, generator=gen)
        modules += [linear] if act is None else [linear, act]
    return torch.nn.Sequential(*modules)


def as_list(out):
    return out if isinstance(out, list) else [out]


def linears(tnet):
    return [m for m in tnet if type(m).__name__ == "Linear"]


def pairs(model, tnet):
    """(chainrule parameter, the torch parameter's gradient there, a name) for every weight and
    bias: ``w[l][j,i]`` is Linear l's ``weight[j, i]``."""
    for k, (layer, linear) in enumerate(zip(model.layers, linears(tnet))):
        for j, neuron in enumerate(layer.neurons):
            for i, w in enumerate(neuron.w):
                yield w, linear.weight.grad[j, i].item(), f"layer {k} weight[{j}, {i}]"
            bias = 0.0 if linear.bias is None else linear.bias.grad[j].item()
            yield neuron.b, bias, f"layer {k} bias[{j}]"


def check_against_torch(torch, tnet, x, loss, torch_loss):
    """The output, the loss and every parameter's gradient, chainrule's against PyTorch's."""
    model = from_torch(tnet)
    out = as_list(model(x))
    E = loss(out)
    E.backward()
    tout = tnet(torch.tensor([x], dtype=torch.float64))[0]
    tE = torch_loss(tout)
    tE.backward()
    for o, t in zip(out, tout.tolist(), strict=True):
        assert agree(o.data, t), (o.data, t)
    assert agree(E.data, tE.item()), (E.data, tE.item())
    n = 0
    for p, g, name in pairs(model, tnet):
        assert agree(p.grad, g), (name, p.grad, g)
        n += 1
    assert n == len(model.parameters())
    return model


def inputs(nin, seed):
    rng = random.Random(seed)
    return [rng.uniform(-2.0, 2.0) for _ in range(nin)]


# --- outputs and gradients --------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(TORCH_ACTIVATIONS))
@pytest.mark.parametrize(("nin", "nouts"), SHAPES)
def test_outputs_and_every_gradient_agree_with_torch(torch, name, nin, nouts):
    """Hidden layers of each activation, the output of it too and linear; squared error."""
    for seed, last in enumerate([name, "linear"]):
        acts = [torch_activation(torch, name) for _ in nouts[:-1]]
        acts.append(None if last == "linear" else torch_activation(torch, name))
        tnet = random_net(torch, nin, nouts, acts, seed)
        if name not in ACTIVATIONS:  # not (yet) one of chainrule's: refused, by name
            with pytest.raises(ValueError, match=re.escape(f"{acts[0]!r}, is not supported")):
                from_torch(tnet)
            return
        target = inputs(nouts[-1], seed + 100)
        model = check_against_torch(
            torch, tnet, inputs(nin, seed), lambda out, t=target: losses.squared_error(out, t),
            lambda tout, t=target: 0.5 * ((tout - torch.tensor(t, dtype=torch.float64)) ** 2).sum())
        assert [layer.activation for layer in model.layers] == [name] * (len(nouts) - 1) + [last]


@pytest.mark.parametrize("seed", range(4))
def test_softmax_output_with_cross_entropy_agrees_with_torch(torch, seed):
    tnet = random_net(torch, 3, [5, 4], [torch.nn.Tanh(), torch.nn.Softmax(dim=-1)], seed)
    y = seed % 4
    model = check_against_torch(torch, tnet, inputs(3, seed),
                                lambda out: losses.cross_entropy(out, y, from_logits=False),
                                lambda tout: -tout[y].log())
    assert model.layers[-1].activation == "softmax"


@pytest.mark.parametrize("seed", range(4))
def test_logits_with_cross_entropy_agree_with_torch(torch, seed):
    tnet = random_net(torch, 2, [6, 6, 3], [torch.nn.ReLU(), torch.nn.Sigmoid(), None], seed)
    y = seed % 3
    check_against_torch(torch, tnet, inputs(2, seed), lambda out: losses.cross_entropy(out, y),
                        lambda tout: torch.nn.functional.cross_entropy(tout[None], torch.tensor([y])))


def test_identity_and_no_module_are_both_linear(torch):
    tnet = random_net(torch, 2, [3, 3, 1], [torch.nn.Identity(), None, torch.nn.Sigmoid()], 0)
    model = check_against_torch(torch, tnet, [0.3, -0.7], lambda out: losses.squared_error(out, 1.0),
                                lambda tout: 0.5 * ((tout - 1.0) ** 2).sum())
    assert [layer.activation for layer in model.layers] == ["linear", "linear", "sigmoid"]


def test_a_single_linear(torch):
    tnet = random_net(torch, 3, [2], [None], 5)[0]
    model = check_against_torch(torch, torch.nn.Sequential(tnet), [1.0, 2.0, -1.0],
                                lambda out: losses.squared_error(out, [0.0, 1.0]),
                                lambda tout: 0.5 * ((tout - torch.tensor([0.0, 1.0])) ** 2).sum())
    assert from_torch(tnet).state_dict() == model.state_dict()


@pytest.mark.parametrize("name", sorted(TORCH_ACTIVATIONS))
def test_each_mapped_module_computes_chainrules_activation(torch, name):
    """The table's parameters are chainrule's: values and derivatives at points across every
    piece of the function, or the name is refused. Above PyTorch's softplus threshold, 20, its
    softplus is x and ours ln(1 + eˣ): less than e⁻²⁰ ≈ 2.1e-9 apart (nn/bridge.py says so)."""
    if name not in ACTIVATIONS:
        with pytest.raises(ValueError, match="is not supported"):
            from_torch(torch.nn.Sequential(torch.nn.Linear(1, 1), torch_activation(torch, name)))
        return
    xs = [-800.0, -30.0, -5.0, -1.0, -0.3, 0.4, 2.0, 19.0, 25.0, 800.0]
    tx = torch.tensor(xs, dtype=torch.float64, requires_grad=True)
    ty = torch_activation(torch, name)(tx)
    ty.sum().backward()
    for x, y, g in zip(xs, ty.tolist(), tx.grad.tolist()):
        v = Value(x)
        out = ACTIVATIONS[name](v)
        out.backward()
        tol = ABOVE_THRESHOLD if name == "softplus" and x > 20.0 else TOL
        assert agree(out.data, y, tol) and agree(v.grad, g, tol), (name, x, out.data, y, v.grad, g)


def test_every_chainrule_activation_has_a_torch_module():
    """An activation added to chainrule must be added to the bridge too."""
    assert set(ACTIVATIONS) - {"linear"} <= set(TORCH_ACTIVATIONS)


# --- exact numbers and round trips ------------------------------------------------------------

def test_a_linear_without_bias_gets_zero_biases(torch):
    tnet = random_net(torch, 2, [3, 2], [torch.nn.Tanh(), None], 7, bias=False)
    model = from_torch(tnet)
    assert all(n.b.data == 0.0 for layer in model.layers for n in layer.neurons)
    with_bias = random_net(torch, 2, [3, 2], [torch.nn.Tanh(), None], 7)
    with torch.no_grad():
        for a, b in zip(linears(with_bias), linears(tnet)):
            a.weight.copy_(b.weight)
            a.bias.zero_()
    check_against_torch(torch, with_bias, [0.5, -1.5], lambda out: losses.squared_error(out, [1.0, 0.0]),
                        lambda tout: 0.5 * ((tout - torch.tensor([1.0, 0.0])) ** 2).sum())
    back = to_torch(model)  # the biases come back as zeros: the same function
    for a, b in zip(linears(back), linears(tnet)):
        assert torch.equal(a.weight, b.weight) and not a.bias.any()


@pytest.mark.parametrize("dtype", ["float32", "float16", "bfloat16"])
def test_narrower_floats_are_copied_exactly(torch, dtype):
    tnet = random_net(torch, 3, [4, 2], [torch.nn.ReLU(), None], 3, dtype=getattr(torch, dtype))
    model = from_torch(tnet)
    for layer, linear in zip(model.layers, linears(tnet)):
        for j, neuron in enumerate(layer.neurons):
            assert [w.data for w in neuron.w] == [float(t) for t in linear.weight[j].detach()]
            assert neuron.b.data == float(linear.bias[j].detach())
    for a, b in zip(to_torch(model).state_dict().values(), tnet.state_dict().values()):
        assert a.dtype == torch.float64 and torch.equal(a, b.double())


@pytest.mark.parametrize("name", sorted(TORCH_ACTIVATIONS))
@pytest.mark.parametrize(("nin", "nouts"), SHAPES)
def test_torch_chainrule_torch_is_exact(torch, name, nin, nouts):
    if name not in ACTIVATIONS:
        return  # refused: test_outputs_and_every_gradient_agree_with_torch checks how
    acts = [torch_activation(torch, name) for _ in nouts[:-1]] + [None]
    tnet = random_net(torch, nin, nouts, acts, 11)
    back = to_torch(from_torch(tnet))
    assert repr(back) == repr(tnet)
    theirs, ours = tnet.state_dict(), back.state_dict()
    assert list(ours) == list(theirs)
    assert all(ours[k].dtype == torch.float64 and torch.equal(ours[k], theirs[k]) for k in theirs)


def test_torch_chainrule_torch_with_softmax_is_exact(torch):
    tnet = random_net(torch, 2, [3, 3], [torch.nn.Sigmoid(), torch.nn.Softmax(dim=-1)], 2)
    back = to_torch(from_torch(tnet))
    assert repr(back) == repr(tnet)
    assert all(torch.equal(a, b) for a, b in zip(back.state_dict().values(), tnet.state_dict().values()))


@pytest.mark.parametrize("activations", [["relu", "relu", "linear"], ["tanh", "sigmoid", "softmax"],
                                         ["linear", "tanh", "sigmoid"]])
def test_chainrule_torch_chainrule_is_exact(torch, activations):
    model = MLP(3, [4, 5, 2], activations, seed=1)
    back = from_torch(to_torch(model))
    assert back.state_dict() == model.state_dict()
    assert [layer.activation for layer in back.layers] == activations


def test_to_torch_computes_the_model(torch):
    model = MLP(2, [3, 2], ["tanh", "softmax"], seed=4)
    x = [0.25, -1.5]
    out = to_torch(model)(torch.tensor(x, dtype=torch.float64))
    assert all(agree(o.data, t) for o, t in zip(model(x), out.tolist()))


def test_to_torch_draws_no_random_numbers(torch):
    state = torch.get_rng_state()
    to_torch(MLP(2, [8, 8, 1], seed=0))
    assert torch.equal(torch.get_rng_state(), state)


# --- errors -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("make", "index", "why"), [
    (lambda nn: [nn.Linear(2, 3), nn.ReLU(), nn.Dropout(p=0.5), nn.Linear(3, 1)], 2, "is not supported"),
    (lambda nn: [nn.Linear(2, 3), nn.BatchNorm1d(3), nn.Linear(3, 1)], 1, "is not supported"),
    (lambda nn: [nn.Conv1d(1, 1, 3)], 0, "is not supported"),
    (lambda nn: [nn.Linear(2, 2), nn.Sequential(nn.Linear(2, 2))], 1, "is not supported"),
    (lambda nn: [nn.ReLU(), nn.Linear(2, 1)], 0, "does not follow a Linear layer"),
    (lambda nn: [nn.Linear(2, 3), nn.ReLU(), nn.Tanh()], 2, "does not follow a Linear layer"),
    (lambda nn: [nn.Linear(2, 3), nn.ReLU(), nn.Identity()], 2, "does not follow a Linear layer"),
    (lambda nn: [nn.Linear(2, 3), nn.Softmax(dim=-1), nn.Linear(3, 1)], 1, "is not the last layer"),
    (lambda nn: [nn.Linear(2, 3), nn.Softmax(dim=0)], 1, "normalizes over dim=0"),
    (lambda nn: [nn.Linear(2, 3), nn.LogSoftmax(dim=-1)], 1, "is not supported"),
    (lambda nn: [nn.Linear(2, 3), nn.ReLU(), nn.Linear(4, 1)], 2, "takes 4 inputs but the layer before"),
])
def test_the_first_unsupported_layer_is_named(torch, make, index, why):
    layers = make(torch.nn)
    with pytest.raises(ValueError) as info:
        from_torch(torch.nn.Sequential(*layers))
    message = str(info.value)
    assert message.startswith(f"from_torch: layer {index}, {layers[index]!r}, {why}"), message
    assert "supported: Linear, ReLU, Sigmoid, Tanh" in message


def test_the_dropout_message_in_full(torch):
    seq = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Dropout(p=0.5))
    with pytest.raises(ValueError, match=re.escape(
            "from_torch: layer 2, Dropout(p=0.5, inplace=False), is not supported; supported: Linear, ReLU")):
        from_torch(seq)


OTHER_PARAMETERS = {"negative_slope": 0.2, "alpha": 0.5, "approximate": "none", "beta": 2.0,
                    "threshold": 10.0}


@pytest.mark.parametrize(("name", "param"), [(name, k) for name, (_, params) in TORCH_ACTIVATIONS.items()
                                             for k in params])
def test_other_parameters_of_an_activation_are_refused(torch, name, param):
    """chainrule's leaky_relu has one slope (elu one alpha, ...): other values are refused,
    naming both; an activation chainrule lacks is refused whatever its parameters."""
    cls, params = TORCH_ACTIVATIONS[name]
    module = getattr(torch.nn, cls)(**{**params, param: OTHER_PARAMETERS[param]})
    with pytest.raises(ValueError) as info:
        from_torch(torch.nn.Sequential(torch.nn.Linear(2, 3), module))
    if name in ACTIVATIONS:
        ours = ", ".join(f"{k}={v!r}" for k, v in params.items())
        assert f"layer 1, {module!r}, has {param}={OTHER_PARAMETERS[param]!r}; chainrule's {name} " \
               f"has {ours}; supported: " in str(info.value)
    else:
        assert f"layer 1, {module!r}, is not supported" in str(info.value)


def test_an_empty_sequential_is_refused(torch):
    with pytest.raises(ValueError, match="no Linear layer"):
        from_torch(torch.nn.Sequential())


@pytest.mark.parametrize("bad", ["nan", "inf"])
def test_non_finite_weights_are_refused(torch, bad):
    linear = torch.nn.Linear(2, 2, dtype=torch.float64)
    with torch.no_grad():
        linear.weight[1, 0] = float(bad)
    with pytest.raises(ValueError, match=r"layer 0, Linear\(.*\), has a weight that is not all finite"):
        from_torch(torch.nn.Sequential(linear))


def test_what_is_no_torch_model_is_a_type_error(torch):
    class MySequential(torch.nn.Sequential):
        pass

    linear = torch.nn.Linear(2, 1)
    for bad in [None, [linear], MLP(2, [1]), torch.nn.ReLU(), MySequential(linear)]:
        with pytest.raises(TypeError, match=r"from_torch: expected a torch\.nn\.Sequential"):
            from_torch(bad)
    with pytest.raises(TypeError, match=r"to_torch: expected an nn\.MLP, not Sequential"):
        to_torch(torch.nn.Sequential(torch.nn.Linear(2, 1)))


def test_an_activation_torch_lacks_is_named(torch):
    model = MLP(2, [1], ["tanh"], seed=0)
    model.layers[0].activation = "swish"
    with pytest.raises(ValueError, match="to_torch: chainrule's activation 'swish' has no PyTorch module"):
        to_torch(model)


def test_without_torch_the_error_says_how_to_install_it(monkeypatch):
    """Runs with or without PyTorch: ``import torch`` fails as if it were not installed."""
    monkeypatch.setitem(sys.modules, "torch", None)
    for call in (lambda: from_torch(None), lambda: to_torch(MLP(2, [1]))):
        with pytest.raises(ImportError, match=re.escape("pip install torch==2.13.0")):
            call()


def test_import_nn_does_not_import_torch():
    """torch is optional: importing chainrule's packages never loads it."""
    code = "import sys, nn, nn.bridge, autograd; assert 'torch' not in sys.modules"
    root = Path(__file__).resolve().parent.parent
    assert subprocess.run([sys.executable, "-c", code], cwd=root, check=False).returncode == 0



def test_the_mlp_methods_are_the_bridge(torch):
    tnet = random_net(torch, 2, [3, 1], [torch.nn.Tanh(), torch.nn.Sigmoid()], 9)
    model = MLP.from_torch(tnet)
    assert type(model) is MLP and model.state_dict() == from_torch(tnet).state_dict()
    assert repr(model.to_torch()) == repr(tnet)
    assert all(torch.equal(a, b) for a, b in zip(model.to_torch().state_dict().values(),
                                                 tnet.state_dict().values()))
