"""A network's numbers read back from a graph: its inputs, and each neuron's net input and output.

Models keep no record of their forward passes; the graph an output was computed by is the
record, read by its structure, not by labels (two models share ``out[0,0]``, and a user may
relabel an output): a neuron's net input is the ``dot`` node over its own weights and bias; its
output is the activation node computed from that net (the net itself for a linear neuron;
pⱼ = e^(netⱼ − m) / Σ for softmax). A graph of several passes (a batch) gives no numbers:
which sample's to show would be a guess.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from autograd import Value, topological_order
from autograd.graph import operands

from .layers import MLP, Neuron


@dataclass(frozen=True)
class Readout:
    """``inputs``: the values fed to the first layer (numbers or Values); ``nets[n]`` and
    ``outs[n]``: neuron n's net-input and output nodes; ``passes``: how many forward passes of
    the model the graph holds (numbers are read only when it holds one)."""

    inputs: list[Value | float] = field(default_factory=list)
    nets: dict[Neuron, Value] = field(default_factory=dict)
    outs: dict[Neuron, Value] = field(default_factory=dict)
    passes: int = 0


def readout(model: MLP, *outputs: Value | None) -> Readout:
    """What the graphs of ``outputs`` recorded of ``model``'s forward pass (see the module doc).

    A neuron's output is missing when no graph holds it (a softmax output that the loss does
    not read): pass the model's outputs too, ``readout(model, E, *outs)``.
    """
    nodes = _nodes(outputs)
    found = _nets(model, nodes)
    passes = max((len(v) for v in found.values()), default=0)
    if passes != 1:
        return Readout(passes=passes)
    nets = {n: v[0] for n, v in found.items()}
    users = _users(nodes)
    outs = {}
    for layer in model.layers:
        for n in layer.neurons:
            out = _out(layer.activation, nets[n], users) if n in nets else None
            if out is not None:
                outs[n] = out
    first = model.layers[0].neurons[0]
    inputs = list(operands(nets[first])[len(first.w): 2 * len(first.w)]) if first in nets else []
    return Readout(inputs, nets, outs, passes)


def _nodes(outputs: tuple[Value | None, ...]) -> list[Value]:
    """The computed nodes of every output's graph, each once, inputs before users."""
    seen: set[int] = set()
    nodes = []
    for output in outputs:
        for node in topological_order(output) if output is not None else ():
            if id(node) not in seen:
                seen.add(id(node))
                nodes.append(node)
    return nodes


def _nets(model: MLP, nodes: list[Value]) -> dict[Neuron, list[Value]]:
    """Each neuron's net-input nodes: the dot nodes over exactly its weights and bias."""
    by_first_weight = {id(n.w[0]): n for layer in model.layers for n in layer.neurons}
    nets: dict[Neuron, list[Value]] = defaultdict(list)
    for node in nodes:
        neuron = by_first_weight.get(id(node.inputs[0])) if node.op == "dot" and node.inputs else None
        if neuron is not None and _is_net_of(node, neuron):
            nets[neuron].append(node)
    return nets


def _is_net_of(node: Value, neuron: Neuron) -> bool:
    ops = operands(node)
    n = len(neuron.w)
    return len(ops) == 2 * n + 1 and all(a is w for a, w in zip(ops, neuron.w)) and ops[-1] is neuron.b


def _users(nodes: list[Value]) -> dict[int, list[Value]]:
    """{id(node): the nodes that read it}, over the given nodes."""
    users: dict[int, list[Value]] = defaultdict(list)
    for node in nodes:
        for x in node.inputs:
            users[id(x)].append(node)
    return users


def _user(users: dict[int, list[Value]], v: Value, op: str) -> Value | None:
    """The node of op ``op`` whose first input is ``v``."""
    return next((u for u in users.get(id(v), ()) if u.op == op and u.inputs[0] is v), None)


def _out(activation: str, net: Value, users: dict[int, list[Value]]) -> Value | None:
    """The neuron's output node, found from its net by the structure the layer builds."""
    if activation == "linear":
        return net
    if activation == "softmax":  # pⱼ = exp(netⱼ − m) / Σ (nn.functional.softmax)
        shifted = _user(users, net, "sub")
        e = _user(users, shifted, "exp") if shifted is not None else None
        return _user(users, e, "div") if e is not None else None
    return _user(users, net, activation)  # relu, sigmoid, tanh: the op is the activation's name
