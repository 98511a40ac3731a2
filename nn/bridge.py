"""The bridge to PyTorch: a ``torch.nn.Sequential`` of ``Linear`` layers and activations in,
an ``MLP`` with exactly its numbers out, and back; so a PyTorch model's gradients can be
explained, and a chainrule model carried on to the engine people graduate to.

Both directions copy every number exactly (float32, float16 and bfloat16 widen to float64
without rounding), so ``to_torch(from_torch(m))`` has ``m``'s tensors, in float64, under the same
names when ``m`` is written in PyTorch's idiom (``Linear, ReLU, Linear``: no ``Identity``), and
``from_torch(to_torch(model))`` has ``model``'s weights. chainrule's ``w[l][j,i]`` is Linear l's
``weight[j, i]`` and ``b[l][j]`` its ``bias[j]``: both index a weight (to neuron, from input).

PyTorch is optional: it is imported inside these functions only, never by ``import nn``.
"""

from __future__ import annotations

import importlib
from typing import Any

from .layers import ACTIVATIONS, MLP

INSTALL = "pip install torch==2.13.0"

# chainrule's activation name -> the torch module computing the same function, with the
# parameters chainrule's function has (its slope, alpha, ...: fixed, so other values are refused).
# Each is used only while its name is in nn.layers.ACTIVATIONS, read at every call. Softplus's
# threshold=20 is PyTorch's default, taken although chainrule's softplus is the exact ln(1 + eˣ)
# everywhere: where a net input is above 20, PyTorch's is x itself, and the two differ by less
# than e⁻²⁰ ≈ 2.1e-9 (in the value and the slope); everywhere else they agree to 1e-12.
TORCH_ACTIVATIONS: dict[str, tuple[str, dict[str, Any]]] = {
    "relu": ("ReLU", {}),
    "sigmoid": ("Sigmoid", {}),
    "tanh": ("Tanh", {}),
    "leaky_relu": ("LeakyReLU", {"negative_slope": 0.01}),
    "elu": ("ELU", {"alpha": 1.0}),
    "gelu": ("GELU", {"approximate": "tanh"}),
    "softplus": ("Softplus", {"beta": 1.0, "threshold": 20.0}),
}
SOFTMAX_DIMS = (-1, 1, None)  # the features of a sample (1-D) or of a batch (2-D)


def _torch() -> Any:
    """The ``torch`` module, or an ImportError that says how to install it."""
    try:
        return importlib.import_module("torch")  # not a static import: mypy runs without torch too
    except ImportError:
        raise ImportError(f"the PyTorch bridge needs PyTorch, an optional dependency of chainrule: "
                          f"{INSTALL} (the CPU build)") from None


def _supported() -> list[tuple[str, str, dict[str, Any]]]:
    """(chainrule name, torch class, its parameters) for the activations chainrule has now."""
    return [(name, cls, params) for name, (cls, params) in TORCH_ACTIVATIONS.items() if name in ACTIVATIONS]


def _supported_names() -> str:
    def shown(cls: str, params: dict[str, Any]) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in params.items())
        return f"{cls}({args})" if params else cls
    return ", ".join(["Linear", *(shown(c, p) for _, c, p in _supported()), "Identity",
                      "Softmax(dim=-1) last"])


def _unsupported(i: int, module: Any, why: str = "is not supported") -> ValueError:
    return ValueError(f"from_torch: layer {i}, {module!r}, {why}; supported: {_supported_names()}")


def _activation(torch: Any, i: int, module: Any, last: bool) -> str | None:
    """The chainrule name of an activation module, None for anything that is not one; a
    ValueError for an activation whose parameters chainrule's function does not have."""
    kind = type(module)
    if kind is torch.nn.Identity:
        return "linear"
    if kind is torch.nn.Softmax:
        if module.dim not in SOFTMAX_DIMS:
            raise _unsupported(i, module, f"normalizes over dim={module.dim}, not the features")
        if not last:
            raise _unsupported(i, module, "is not the last layer: softmax is for the output layer only")
        return "softmax"
    for name, cls, params in _supported():
        if kind is getattr(torch.nn, cls):
            wrong = [f"{k}={getattr(module, k)!r}" for k, v in params.items() if getattr(module, k) != v]
            if wrong:
                raise _unsupported(i, module, f"has {', '.join(wrong)}; chainrule's {name} has "
                                   + ", ".join(f"{k}={v!r}" for k, v in params.items()))
            return name
    return None


def _numbers(torch: Any, i: int, linear: Any, what: str) -> list[Any]:
    """A Linear's weight or bias as float64 lists, exactly; non-finite entries refused."""
    tensor = getattr(linear, what)
    if not (tensor.is_floating_point() and torch.isfinite(tensor).all()):
        raise _unsupported(i, linear, f"has a {what} that is not all finite real numbers ({tensor.dtype})")
    values: list[Any] = tensor.detach().to(device="cpu", dtype=torch.float64).tolist()
    return values


def _children(torch: Any, module: Any) -> list[Any]:
    """The layers of a Sequential, or the one Linear; exact types, since a subclass may compute
    something else."""
    if type(module) is torch.nn.Linear:
        return [module]
    if type(module) is torch.nn.Sequential:
        return list(module)
    raise TypeError(f"from_torch: expected a torch.nn.Sequential of Linear layers and activations, "
                    f"or a torch.nn.Linear, not {type(module).__name__}")


def _layers(torch: Any, children: list[Any]) -> list[tuple[int, Any, str]]:
    """(index, Linear, the chainrule name of its activation) per layer; any other module, an
    activation first or two in a row a ValueError naming it by its index."""
    layers: list[tuple[int, Any, str]] = []
    activated = False  # has the last Linear its activation already?
    for i, child in enumerate(children):
        if type(child) is torch.nn.Linear:
            if layers and child.in_features != layers[-1][1].out_features:
                raise _unsupported(i, child, f"takes {child.in_features} inputs but the layer before it "
                                   f"gives {layers[-1][1].out_features}")
            layers.append((i, child, "linear"))
            activated = False
            continue
        name = _activation(torch, i, child, last=i == len(children) - 1)
        if name is None:
            raise _unsupported(i, child)
        if not layers or activated:
            raise _unsupported(i, child, "does not follow a Linear layer")
        layers[-1] = (*layers[-1][:2], name)
        activated = True
    if not layers:
        raise ValueError("from_torch: the Sequential has no Linear layer")
    return layers


def from_torch(module: Any, cls: type[MLP] = MLP) -> MLP:
    """The ``MLP`` (or ``cls``) with exactly the weights of ``module``: a ``torch.nn.Sequential``
    of ``Linear`` layers, each followed by at most one activation (``Softmax`` only last), or a
    single ``Linear``; so the chain rule of a PyTorch model can be written out and explained.

    A Linear with no activation after it is "linear". A Linear without a bias (``bias=False``)
    gets biases of 0.0, since every chainrule neuron has one: the same function and the same
    weight gradients. Anything else is a ValueError naming the first layer it cannot take.
    """
    torch = _torch()
    layers = _layers(torch, _children(torch, module))
    weights = [_numbers(torch, i, linear, "weight") for i, linear, _ in layers]
    biases = [_numbers(torch, i, linear, "bias") if linear.bias is not None else [0.0] * linear.out_features
              for i, linear, _ in layers]
    return cls.from_weights(weights, biases, [name for _, _, name in layers])


def _torch_activation(torch: Any, name: str) -> Any:
    """The torch module for chainrule's activation ``name``; None for "linear"."""
    if name == "linear":
        return None
    if name == "softmax":
        return torch.nn.Softmax(dim=-1)
    if name not in TORCH_ACTIVATIONS:
        raise ValueError(f"to_torch: chainrule's activation {name!r} has no PyTorch module here")
    cls, params = TORCH_ACTIVATIONS[name]
    return getattr(torch.nn, cls)(**params)


def _torch_linear(torch: Any, weights: list[list[float]], biases: list[float]) -> Any:
    """A float64 Linear holding exactly these numbers; made on the meta device, so that making
    it draws no random numbers (a seeded torch program goes on as it would have)."""
    linear = torch.nn.Linear(len(weights[0]), len(weights), device="meta", dtype=torch.float64)
    linear.weight = torch.nn.Parameter(torch.tensor(weights, dtype=torch.float64))
    linear.bias = torch.nn.Parameter(torch.tensor(biases, dtype=torch.float64))
    return linear


def to_torch(model: MLP) -> Any:
    """A float64 ``torch.nn.Sequential`` with exactly ``model``'s weights, to train or deploy with
    PyTorch: each layer a ``Linear`` followed by its activation's module, none for "linear"
    (PyTorch's idiom, ``Linear, ReLU, Linear``), so a model from ``from_torch`` goes back as it came.
    """
    torch = _torch()
    if not isinstance(model, MLP):
        raise TypeError(f"to_torch: expected an nn.MLP, not {type(model).__name__}")
    modules = []
    for layer in model.layers:
        weights = [[w.data for w in n.w] for n in layer.neurons]
        modules.append(_torch_linear(torch, weights, [n.b.data for n in layer.neurons]))
        act = _torch_activation(torch, layer.activation)
        if act is not None:
            modules.append(act)
    return torch.nn.Sequential(*modules)
