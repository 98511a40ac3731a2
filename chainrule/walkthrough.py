"""One training step of a small network, worked the way a student works it by hand.

``work(spec)`` builds the network of a ``netfile.NetSpec``, runs the forward pass, the loss,
backpropagation and one gradient-descent step (and ``spec.steps`` more), and keeps every
number. It computes only: ``claims`` grades numbers against it, ``report`` turns it into the
report that the text, Markdown and JSON renderers write.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from autograd import Explanation, Value
from autograd.explain import explain_all
from autograd.graph import operands
from nn import MLP, SGD
from nn.losses import LOSSES
from nn.readout import readout

from .netfile import NetSpec


@dataclass(frozen=True)
class NeuronStep:
    """One neuron's forward pass: net = Σ weightᵢ·inputᵢ + bias, out = activation(net)."""

    name: str
    activation: str
    net_label: str
    weights: list[Value]
    inputs: list[Value | float]
    bias: Value
    net: float
    out: float
    delta: float = 0.0  # ∂E/∂net
    net_node: Value | None = field(default=None, compare=False, repr=False)
    out_node: Value | None = field(default=None, compare=False, repr=False)  # None: no graph reads it


@dataclass
class Walkthrough:
    spec: NetSpec
    model: MLP
    E: Value
    outputs: list[Value]
    neurons: list[list[NeuronStep]]
    params: list[Value]  # backpropagation's order: the output layer's first
    explanations: list[Explanation]
    new_values: list[float]
    loss_after: float
    history: list[float] = field(default_factory=list)  # E after each further step
    nodes: dict[str, Value] = field(default_factory=dict)  # every labelled node of the graph


def build(spec: NetSpec) -> MLP:
    """The network a spec describes, with its names."""
    model = MLP.from_weights([layer.weights for layer in spec.layers],
                             [layer.biases for layer in spec.layers],
                             [layer.activation for layer in spec.layers])
    names = {}
    for k, (layer, spec_layer) in enumerate(zip(model.layers, spec.layers)):
        for j, neuron in enumerate(layer.neurons):
            if spec_layer.neurons:
                neuron.name_as(spec_layer.neurons[j])
            if spec_layer.bias_names:
                names[f"b[{k}][{j}]"] = spec_layer.bias_names[j]
            for i, name in enumerate(spec_layer.weight_names[j] if spec_layer.weight_names else []):
                names[f"w[{k}][{j},{i}]"] = name
    model.rename(names)
    return model


def forward(spec: NetSpec, model: MLP) -> tuple[list[Value], Value]:
    """The network's outputs on the spec's inputs, and the loss E (labelled "E")."""
    xs = [Value(x, label=name) for x, name in zip(spec.inputs, spec.names_of_inputs)]
    out = model(xs)
    outs = out if isinstance(out, list) else [out]
    E = LOSSES[spec.loss].of_network(outs, targets(spec, model), spec.layers[-1].activation)
    E.label = "E"
    return outs, E


def targets(spec: NetSpec, model: MLP) -> object:
    """The targets as the loss takes them; numbers that a squared error subtracts become named
    leaves ("target", or "target_o1" for output o1 of several), so that E's formula and ∂E/∂out
    read out − target. Others (a class, a label, a probability) stay as they are."""
    if spec.loss not in ("squared_error", "mse") or not isinstance(spec.target, list):
        return spec.target
    names = [n.name for n in model.layers[-1].neurons]
    if len(names) == 1:
        return [Value(spec.target[0], label="target")]
    return [Value(t, label=f"target_{name}") for t, name in zip(spec.target, names)]


def work(spec: NetSpec) -> Walkthrough:
    """Forward, loss, backward, one SGD step (+ ``spec.steps`` more): every number kept."""
    model = build(spec)
    outputs, E = forward(spec, model)
    model.zero_grad()
    E.backward()
    # Backpropagation goes from the output back: the last layer's parameters first.
    params = [p for layer in reversed(model.layers) for p in layer.parameters()]
    new_values = [p.data - spec.learning_rate * p.grad for p in params]
    after, history = _train_on(spec, model, {id(p): new for p, new in zip(params, new_values)})
    # One set of sweeps for every derivation: explain(E, p) for each p would walk the whole
    # graph per parameter, quadratic in the network's size.
    return Walkthrough(spec, model, E, outputs, _neuron_steps(model, E, outputs), params,
                       explain_all(E, params), new_values, after, history, _labelled(E))


def _neuron_steps(model: MLP, E: Value, outputs: list[Value]) -> list[list[NeuronStep]]:
    """Each neuron's net input and output as the graph recorded them, layer by layer."""
    ro = readout(model, E, *outputs)
    steps = []
    for layer in model.layers:
        row = []
        for n in layer.neurons:
            net, out = ro.nets[n], ro.outs[n]
            xs = [x if isinstance(x, Value) else float(x) for x in net_inputs(net, len(n.w))]
            row.append(NeuronStep(n.name, layer.activation, net.label, n.w, xs, n.b,
                                  net.data, out.data, net.grad, net, out))
        steps.append(row)
    return steps


def net_inputs(net: Value, n: int) -> list[Value | float]:
    """The inputs of a neuron's dot node: its operands after the n weights."""
    return list(operands(net)[n: 2 * n])


def _labelled(E: Value) -> dict[str, Value]:
    """Every labelled node of E's graph by label: the quantities a claim may name."""
    nodes: dict[str, Value] = {}
    stack, seen = [E], set()
    while stack:
        v = stack.pop()
        if id(v) in seen:
            continue
        seen.add(id(v))
        if v.label:
            nodes.setdefault(v.label, v)
        stack.extend(v.inputs)
    return nodes


def _train_on(spec: NetSpec, model: MLP, new_of: dict[int, float]) -> tuple[float, list[float]]:
    """E after the step, and after each of ``spec.steps`` more, on a copy of the network (so the
    walkthrough keeps the numbers before the step). The new values are set directly: a step
    that diverges to nan is shown, not refused."""
    trained = build(spec)
    for p, q in zip(model.parameters(), trained.parameters()):
        q.data = new_of[id(p)]
    after = forward(spec, trained)[1].data
    opt = SGD(trained.parameters(), lr=spec.learning_rate)
    history = []
    for _ in range(spec.steps):
        E = forward(spec, trained)[1]
        trained.zero_grad()
        E.backward()
        opt.step()
        history.append(forward(spec, trained)[1].data)
    return after, history
