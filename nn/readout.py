"""A network's numbers read back from a graph: its inputs, and each neuron's net input and output.

Models keep no record of their forward passes; the graph an output was computed by is the
record. A neuron's net input is the ``dot`` node over its own weights; its output is the node
its layer labelled ``out…`` (the net itself for a linear neuron). A graph of several passes
(a batch) is refused: which sample's numbers to show would be a guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from autograd import Value, topological_order
from autograd.graph import operands

from .layers import MLP, Neuron


@dataclass(frozen=True)
class Readout:
    """``inputs``: the values fed to the first layer (numbers or Values); ``nets[n]`` and
    ``outs[n]``: neuron n's net-input and output nodes. Empty when the graph holds no pass."""

    inputs: list[Value | float] = field(default_factory=list)
    nets: dict[Neuron, Value] = field(default_factory=dict)
    outs: dict[Neuron, Value] = field(default_factory=dict)


def readout(model: MLP, *outputs: Value | None) -> Readout:
    """What the graphs of ``outputs`` recorded of ``model``'s forward pass (see the module doc).

    A neuron's output is missing when no graph holds it (a softmax output that the loss does
    not read): pass the model's outputs too, ``readout(model, E, *outs)``.
    """
    by_first_weight = {id(n.w[0]): n for layer in model.layers for n in layer.neurons}
    nets: dict[Neuron, Value] = {}
    by_label: dict[str, Value] = {}
    for node in _nodes(outputs):
        neuron = by_first_weight.get(id(node.inputs[0])) if node.op == "dot" and node.inputs else None
        if neuron is not None and _is_net_of(node, neuron):
            if neuron in nets:
                raise ValueError(f"the graph holds more than one forward pass of {neuron.net_label}: "
                                 "the network view shows one sample; draw that sample's output")
            nets[neuron] = node
        if node.label:
            by_label[node.label] = node
    outs = {}
    for layer in model.layers:  # a linear neuron's output is its net node itself
        for n in layer.neurons:
            out = by_label.get(n.out_label, nets.get(n) if layer.activation == "linear" else None)
            if out is not None:
                outs[n] = out
    first = model.layers[0].neurons[0]
    inputs = list(operands(nets[first])[len(first.w): 2 * len(first.w)]) if first in nets else []
    return Readout(inputs, nets, outs)


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


def _is_net_of(node: Value, neuron: Neuron) -> bool:
    ops = operands(node)
    n = len(neuron.w)
    return len(ops) == 2 * n + 1 and all(a is w for a, w in zip(ops, neuron.w)) and ops[-1] is neuron.b
