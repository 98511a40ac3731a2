"""Neurons, layers and MLPs whose every number has a name a reader can find.

A neuron's net input Σ wᵢxᵢ + b is one ``autograd.dot`` node, labelled ``net[l,j]`` (layer l,
neuron j, both counted from 0 as in the parameter names), and its activation ``out[l,j]``;
weights are ``w[l][j,i]`` (from input i to neuron j) and biases ``b[l][j]``. ``rename`` and
``name_neurons`` switch to a document's names (w1…w18, b1…b7, n3…n9, h1, o1, …).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeGuard

from autograd import Value, dot
from autograd.validate import finite, random_seed, whole

from .functional import softmax
from .module import Module

Activation = Callable[[Value], Value]


def linear(v: Value) -> Value:
    """The identity: a linear neuron's output is its net input (a named function, so models pickle)."""
    return v


# Each is one op of the table with its parameters at their defaults (leaky_relu's slope 0.01,
# elu's alpha 1, GELU's tanh form: PyTorch's defaults), so a neuron's out is one node.
ACTIVATIONS: dict[str, Activation] = {
    "relu": Value.relu,
    "sigmoid": Value.sigmoid,
    "tanh": Value.tanh,
    "linear": linear,
    "leaky_relu": Value.leaky_relu,
    "elu": Value.elu,
    "gelu": Value.gelu,
    "softplus": Value.softplus,
}
LAYER_ACTIVATIONS = ("softmax",)  # act on a whole layer's outputs, so output layers only
INITS = ("uniform", "xavier", "he")


def _check_activation(name: object, where: str) -> str:
    if not isinstance(name, str) or (name not in ACTIVATIONS and name not in LAYER_ACTIVATIONS):
        valid = ", ".join([*ACTIVATIONS, *LAYER_ACTIVATIONS])
        raise ValueError(f"{where}: unknown activation {name!r}; choose one of {valid}")
    return name


def weight_label(layer: int, j: int, i: int) -> str:
    """The label of the weight from input i to neuron j of a layer: ``w[1][2,0]``."""
    return f"w[{layer}][{j},{i}]"


def bias_label(layer: int, j: int) -> str:
    """The label of neuron j's bias: ``b[1][2]``."""
    return f"b[{layer}][{j}]"


def neuron_labels(name: str) -> tuple[str, str]:
    """A neuron's net-input and output labels: ``net[1,0]``, ``out[1,0]`` for "[1,0]" (its place),
    ``net_n3``, ``out_n3`` for a document's name "n3"."""
    tag = name if name.startswith("[") else f"_{name}"
    return f"net{tag}", f"out{tag}"


class Neuron(Module):
    """out = activation(Σᵢ wᵢ·xᵢ + b), with the net input as one graph node."""

    def __init__(
        self,
        nin: int,
        activation: str = "relu",
        *,
        init: str = "uniform",
        rng: random.Random | None = None,
        index: tuple[int, int] = (0, 0),
        nout: int = 1,
    ) -> None:
        nin = whole(nin, "Neuron: nin", least=1)
        self.activation = _check_activation(activation, "Neuron")
        if activation in LAYER_ACTIVATIONS:
            raise ValueError(f"Neuron: {activation!r} acts on a whole layer; use it on a Layer")
        rng = rng or random.Random()
        layer, j = index
        self.w = [Value(_draw(init, nin, nout, rng), label=weight_label(layer, j, i)) for i in range(nin)]
        self.b = Value(0.0, label=bias_label(layer, j))
        self._act = ACTIVATIONS[activation]
        self.name_as(f"[{layer},{j}]")

    def name_as(self, name: str) -> None:
        """Label this neuron's net input and output ``net…``/``out…``: "[1,0]" gives
        ``net[1,0]``; a document's name such as "n3" or "h1" gives ``net_n3``, ``out_n3``."""
        if not isinstance(name, str) or not name:
            raise ValueError(f"a neuron name must be a non-empty str, not {name!r}")
        self.net_label, self.out_label = neuron_labels(name)

    def net(self, x: Sequence[Value | float]) -> Value:
        """The net input Σᵢ wᵢ·xᵢ + b (one ``dot`` node)."""
        if len(x) != len(self.w):
            raise ValueError(f"{self.net_label}: expected {len(self.w)} inputs, got {len(x)}")
        return dot(self.w, x, self.b, label=self.net_label)

    def __call__(self, x: Sequence[Value | float]) -> Value:
        net = self.net(x)
        out = self._act(net)
        if out is not net:  # "linear" returns the net node itself: it keeps its label
            out.label = self.out_label
        return out

    @property
    def name(self) -> str:
        """The neuron's name in labels: "[1,0]" by default, or a document's "n3"."""
        return self.net_label[3:].lstrip("_")

    def __repr__(self) -> str:
        return f"Neuron({len(self.w)}, {self.activation!r})"


def _draw(init: str, nin: int, nout: int, rng: random.Random) -> float:
    if init == "uniform":
        return rng.uniform(-1.0, 1.0)
    if init == "xavier":  # Glorot & Bengio: keeps the variance across tanh/sigmoid layers
        bound = math.sqrt(6.0 / (nin + nout))
        return rng.uniform(-bound, bound)
    if init == "he":  # He et al.: for ReLU layers
        return rng.gauss(0.0, math.sqrt(2.0 / nin))
    raise ValueError(f"unknown init {init!r}; choose one of {', '.join(INITS)}")


class Layer(Module):
    """``nout`` neurons reading the same inputs; ``softmax`` normalizes their outputs together."""

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str = "relu",
        *,
        init: str = "uniform",
        rng: random.Random | None = None,
        index: int = 0,
    ) -> None:
        nout = whole(nout, "Layer: nout", least=1)
        self.activation = _check_activation(activation, "Layer")
        if init not in INITS:
            raise ValueError(f"Layer: unknown init {init!r}; choose one of {', '.join(INITS)}")
        per_neuron = "linear" if activation in LAYER_ACTIVATIONS else activation
        rng = rng or random.Random()
        self.neurons = [
            Neuron(nin, per_neuron, init=init, rng=rng, index=(index, j), nout=nout) for j in range(nout)
        ]

    def __call__(self, x: Sequence[Value | float]) -> Value | list[Value]:
        """The layer's outputs: a list, or a single Value when the layer has one neuron."""
        if self.activation == "softmax":
            nets = [n.net(x) for n in self.neurons]
            out = softmax(nets)
            for n, p in zip(self.neurons, out):
                p.label = n.out_label
        else:
            out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def __repr__(self) -> str:
        return f"Layer({len(self.neurons[0].w)}, {len(self.neurons)}, {self.activation!r})"


class MLP(Module):
    """A multilayer perceptron: ``MLP(2, [3, 3, 1], activations=["relu", "relu", "sigmoid"])``.

    Without ``activations``, hidden layers are ReLU and the output is linear, as in
    micrograd, so micrograd code runs unchanged. ``seed`` makes the random weights
    reproducible; ``init`` is "uniform" (U(−1, 1), micrograd's), "xavier" or "he".
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activations: Sequence[str] | None = None,
        *,
        seed: int | None = None,
        init: str = "uniform",
    ) -> None:
        nin = whole(nin, "MLP: nin", least=1)
        if isinstance(nouts, (str, bytes)) or not isinstance(nouts, Sequence) or not nouts:
            raise ValueError(f"MLP: nouts must be a non-empty list of layer sizes, not {nouts!r}")
        if activations is None:
            activations = ["relu"] * (len(nouts) - 1) + ["linear"]
        elif isinstance(activations, str) or len(activations) != len(nouts):
            raise ValueError(
                f"MLP: activations must be a list with one name per layer ({len(nouts)}), "
                f"not {activations!r}"
            )
        for k, act in enumerate(activations[:-1]):
            if act in LAYER_ACTIVATIONS:
                raise ValueError(f"MLP: {act!r} on hidden layer {k}; it is for the output layer only")
        rng = random.Random(random_seed(seed, "MLP: seed"))
        sizes = [nin, *nouts]
        self.layers = [
            Layer(sizes[k], sizes[k + 1], activations[k], init=init, rng=rng, index=k)
            for k in range(len(nouts))
        ]

    @property
    def nin(self) -> int:
        return len(self.layers[0].neurons[0].w)

    def __call__(self, x: Sequence[Value | float]) -> Value | list[Value]:
        """Forward pass; ``x`` is a list of numbers or Values of length ``nin``."""
        if isinstance(x, (Value, str, bytes)) or not isinstance(x, Sequence):  # a number is no Sequence
            raise TypeError(f"MLP: the input must be a list of {self.nin} numbers, not {x!r}")
        if len(x) != self.nin:
            raise ValueError(f"MLP: expected {self.nin} inputs, got {len(x)}")
        out: Value | list[Value] = list(x)  # type: ignore[arg-type]
        for layer in self.layers:
            out = layer(out if isinstance(out, list) else [out])
        return out

    @classmethod
    def from_weights(
        cls,
        weights: Sequence[Sequence[Sequence[float]]],
        biases: Sequence[Sequence[float]],
        activations: Sequence[str],
    ) -> MLP:
        """The network with exactly these numbers: ``weights[l][j][i]`` is the weight from input
        i to neuron j of layer l, ``biases[l][j]`` its bias; so a textbook network can be typed in.
        """
        _check_weight_lists(weights, biases)
        model = cls(len(weights[0][0]), [len(W) for W in weights], activations)
        for k, (layer, W, B) in enumerate(zip(model.layers, weights, biases)):
            _set_layer(layer, k, W, B)
        return model

    @classmethod
    def from_torch(cls, module: Any) -> MLP:
        """The network with exactly the weights of a PyTorch ``nn.Sequential`` of ``Linear`` layers
        and activations (or one ``Linear``), so its gradients can be explained; see ``nn.bridge``."""
        from .bridge import from_torch  # PyTorch is optional: imported only when asked for

        return from_torch(module, cls)

    def to_torch(self) -> Any:
        """This network as a float64 PyTorch ``nn.Sequential`` with exactly its weights, to train
        or deploy with PyTorch; see ``nn.bridge``."""
        from .bridge import to_torch

        return to_torch(self)

    def rename(self, names: Mapping[str, str]) -> None:
        """Relabel parameters: keys are dotted names (``layers.0.neurons.0.w.0``) or current
        labels (``w[0][0,0]``), values the new labels (``w1``). Unknown keys raise KeyError."""
        by_key = {}
        for name, p in self.named_parameters():
            by_key[name] = p
            by_key.setdefault(p.label, p)
        unknown = [k for k in names if k not in by_key]
        if unknown:
            raise KeyError(f"rename: no parameter named {', '.join(map(repr, unknown))}")
        for key, label in names.items():
            if not isinstance(label, str):
                raise TypeError(f"rename: the new label for {key!r} must be a str, not {label!r}")
        for key, label in names.items():
            by_key[key].label = label

    def name_neurons(self, names: Sequence[Sequence[str]]) -> None:
        """Name each layer's neurons, e.g. ``[["n3", "n4", "n5"], ["n6", "n7", "n8"], ["n9"]]``:
        their net inputs and outputs are then labelled ``net_n3``, ``out_n3``, …"""
        if len(names) != len(self.layers):
            raise ValueError(f"name_neurons: {len(names)} lists of names for {len(self.layers)} layers")
        for k, (layer, layer_names) in enumerate(zip(self.layers, names)):  # check all, then name
            if isinstance(layer_names, str):
                raise ValueError(f"name_neurons: layer {k}'s names must be a list of names, "
                                 f"not the string {layer_names!r}")
            if len(layer_names) != len(layer.neurons):
                raise ValueError(f"name_neurons: {len(layer_names)} names for the {len(layer.neurons)} "
                                 f"neurons of layer {k}")
            bad = [n for n in layer_names if not isinstance(n, str) or not n]
            if bad:
                raise ValueError(f"name_neurons: a neuron name must be a non-empty str, not {bad[0]!r}")
        for layer, layer_names in zip(self.layers, names):
            for neuron, name in zip(layer.neurons, layer_names):
                neuron.name_as(name)

    def __repr__(self) -> str:
        return f"MLP({self.nin}, {[len(layer.neurons) for layer in self.layers]}, " \
               f"{[layer.activation for layer in self.layers]})"


def _check_weight_lists(weights: Sequence[object], biases: Sequence[object]) -> None:
    """Refuse what is not nested lists before building a network, so errors name an index."""
    if not _is_list(weights) or not _is_list(biases):
        raise ValueError("from_weights: weights and biases must be lists, one entry per layer "
                         f"(weights[l][j][i], biases[l][j]), not {type(weights).__name__} and "
                         f"{type(biases).__name__}")
    if len(weights) != len(biases) or not weights:
        raise ValueError(f"from_weights: {len(weights)} weight matrices but {len(biases)} bias "
                         "vectors; give one of each per layer")
    for k, (W, B) in enumerate(zip(weights, biases)):
        _check_layer_lists(k, W, B)


def _check_layer_lists(k: int, W: object, B: object) -> None:
    """Layer k's weights must be a non-empty list of non-empty rows, its biases a list."""
    if not _is_list(W) or not W or not all(_is_list(row) and row for row in W):
        raise ValueError(f"from_weights: weights[{k}] must be a non-empty list of rows "
                         "(weights[l][j][i] is the weight from input i to neuron j of layer l)")
    if not _is_list(B):
        raise ValueError(f"from_weights: biases[{k}] must be a list of numbers, one per neuron")


def _set_layer(layer: Layer, k: int, W: Sequence[Sequence[object]], B: Sequence[object]) -> None:
    """Copy layer k's typed-in numbers, checking each row's length against the built layer."""
    cols = len(layer.neurons[0].w)
    if len(B) != len(layer.neurons):
        raise ValueError(f"from_weights: biases[{k}] has {len(B)} entries; layer {k} has "
                         f"{len(layer.neurons)} neurons")
    for j, (neuron, row) in enumerate(zip(layer.neurons, W)):
        if len(row) != cols:
            raise ValueError(f"from_weights: weights[{k}][{j}] has {len(row)} entries; layer {k} has "
                             f"{cols} inputs (weights[l][j][i] is input i to neuron j)")
        for i, (w, value) in enumerate(zip(neuron.w, row)):
            w.data = _number(value, f"weights[{k}][{j}][{i}]")
        neuron.b.data = _number(B[j], f"biases[{k}][{j}]")


def _is_list(x: object) -> TypeGuard[Sequence[Any]]:
    """A sequence of entries; a str is a sequence too but never a list of numbers."""
    return isinstance(x, Sequence) and not isinstance(x, (str, bytes))


def _number(x: object, where: str) -> float:
    """A typed-in weight: any finite real number, the error naming its index."""
    return finite(x, f"from_weights: {where}")
