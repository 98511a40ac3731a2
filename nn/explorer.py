"""The explorer of a network: the network view and the expression graph, in one offline page.

``explore(model, E)`` (also ``nn.view.explore``) draws the network as ``draw_network`` does,
and the graph that computed ``E`` as ``autograd.draw`` does, switchable (``autograd.page``).
In the network view a weight's label and a neuron's box can be clicked: a weight's paths are
its connection, then every chain of connections up to E; a neuron stands for its net input
(its δ = ∂E/∂net, and its bias, whose paths are the same). Each step of the backward pass
shows the weight or neuron whose gradient ``backward`` has just completed, with the products
it added; a neuron's step comes when its δ is complete.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

from autograd import Value, explain, explain_all
from autograd.explore import (
    MAX_GRAPH_NODES,
    Backward,
    Explorer,
    check_path,
    finite_or_none,
    graph_view,
)
from autograd.graph import inputs, leaves, local_grads
from autograd.names import Names
from autograd.notation import check_digits, number
from autograd.page import Training, View, inline_svg, page
from autograd.render import picture
from autograd.validate import whole

from .layers import MLP, Neuron
from .readout import Readout, readout
from .view import draw_network


def _slope(ro: Readout, n: Neuron) -> float | None:
    """∂out/∂net of a neuron, when out is a function of its own net alone (not a softmax)."""
    net, out = ro.nets.get(n), ro.outs.get(n)
    if net is None or out is None:
        return None
    if out is net:
        return 1.0
    return local_grads(out)[0] if inputs(out) == (net,) else None


def _times(a: float | None, b: float) -> float | None:
    return None if a is None else finite_or_none(a * b)


def _input_value(model: MLP, ro: Readout, k: int, i: int) -> float | None:
    """The number weight i of a neuron of layer k multiplies: an input, or an output below."""
    if k == 0:
        x = ro.inputs[i] if ro.inputs else None
        return x.data if isinstance(x, Value) else x
    out = ro.outs.get(model.layers[k - 1].neurons[i])
    return out.data if out is not None else None


class _Network:
    """The network view's nodes, built from the model and the graph of E: the keys are the DOT
    names ``draw_network`` gives (``n0_0`` a neuron, ``n0_0_w1`` a weight's label, ``E``)."""

    def __init__(self, model: MLP, output: Value, ro: Readout, back: Backward, digits: int) -> None:
        self.model, self.output, self.ro, self.back, self.digits = model, output, ro, back, digits
        self.E = output.label or "E"
        self.keys: dict[Value, str] = {output: "E"}  # graph node -> the network node showing it
        self.biases = {n.b for layer in model.layers for n in layer.neurons}
        self.view = View("network", "Network view", output="E")
        self.view.nodes["E"] = {"label": self.E, "grad": "1", "derivation": f"∂{self.E}/∂{self.E} = 1"}
        for k, layer in enumerate(model.layers):
            for j, n in enumerate(layer.neurons):
                self._neuron(k, j, n)

    def _neuron(self, k: int, j: int, n: Neuron) -> None:
        key, ro, grad = f"n{k}_{j}", self.ro, self.back.grad
        for v in (n.b, ro.nets.get(n), ro.outs.get(n)):
            if v is not None:
                self.keys[v] = key
        net = ro.nets.get(n)
        delta = number(grad.get(net, 0.0), self.digits) if net is not None else ""
        self.view.nodes[key] = {"label": n.name, "grad": delta,  # a neuron stands for its δ
                                "heading": f"δ_{n.name} = ∂E/∂net_{n.name} = {delta}" if delta else ""}
        slope = _slope(ro, n)
        layers = self.model.layers
        if k + 1 < len(layers):
            self.view.up[key] = [[f"n{k + 1}_{m}", [f"{key}->n{k + 1}_{m}", f"n{k + 1}_{m}_w{j}"],
                                  _times(slope, user.w[j].data)]
                                 for m, user in enumerate(layers[k + 1].neurons)]
        elif net is not None and net in grad:  # E depends on it: read, or through a softmax
            self.view.up[key] = [["E", [f"{key}->E"], finite_or_none(grad[net])]]  # ∂E/∂net = δ
        src = (lambda i: f"in{i}") if k == 0 else (lambda i: f"n{k - 1}_{i}")
        for i, w in enumerate(n.w):
            wkey = f"{key}_w{i}"
            self.keys[w] = wkey
            self.view.nodes[wkey] = {"label": w.label or "w", "grad": number(grad.get(w, 0.0), self.digits)}
            x = _input_value(self.model, ro, k, i)
            self.view.up[wkey] = [[key, [f"{src(i)}->{key}"], None if x is None else finite_or_none(x)]]

    def derive(self, given: Mapping[Value, str]) -> None:
        """Each node's derivation: ``given``'s when it has one, else ``explain``'s (a neuron's:
        its δ, then its bias's gradient)."""
        params = self.model.parameters()
        explained = {e.wrt: str(e) for e in explain_all(self.output, params, digits=self.digits)}
        explained.update(given)
        for layer_k, layer in enumerate(self.model.layers):
            for j, n in enumerate(layer.neurons):
                self.view.nodes[f"n{layer_k}_{j}"]["derivation"] = self._neuron_text(n, given, explained)
                for i, w in enumerate(n.w):
                    self.view.nodes[f"n{layer_k}_{j}_w{i}"]["derivation"] = explained.get(w, "")

    def _neuron_text(self, n: Neuron, given: Mapping[Value, str], explained: Mapping[Value, str]) -> str:
        """A neuron's derivation: its δ and its bias's gradient, as ``given`` writes them, or each
        from ``explain``."""
        net = self.ro.nets.get(n)
        if net is None:
            return explained.get(n.b, "")
        if net in given:
            return given[net]
        delta = str(explain(self.output, net, digits=self.digits))
        return "\n\n".join(t for t in (delta, explained.get(n.b)) if t)

    def steps(self, names: Names) -> list[dict[str, Any]]:
        """The backward pass in the network view: one step per weight or neuron, when the last of
        the graph's nodes it shows is complete (a neuron's: its net, its δ), with the products
        added into each of them (a neuron's bias's too: it is δ again)."""
        lines: dict[str, list[str]] = {}
        last: dict[str, int] = {}
        for t, v in enumerate(self.back.events):
            key = self.keys.get(v)
            if key is not None:
                lines.setdefault(key, []).extend(self.back.lines(v, names, self.digits))
                if v not in self.biases or key not in last:  # a bias's lines join its neuron's step
                    last[key] = t
        return [{"node": key, "lines": lines[key]} for key in sorted(last, key=last.__getitem__)]


def network_view(model: MLP, output: Value, *, outputs: Sequence[Value] = (),
                 input_names: Sequence[str] | None = None, loss: str | None = None,
                 targets: Sequence[float] | int | None = None, digits: int = 4,
                 derivations: Mapping[Value, str] | None = None, highlight: Value | None = None) -> View:
    """The network view as the explorer shows it (see the module doc), ``highlight`` selected."""
    diagram = draw_network(model, output=output, outputs=outputs, input_names=input_names, loss=loss,
                           targets=targets, digits=digits)
    ro = readout(model, output, *outputs)
    built = _Network(model, output, ro, Backward(output), digits)
    built.derive(derivations or {})
    view = built.view
    view.steps = built.steps(Names(output))
    clickable = {key: node["label"] for key, node in view.nodes.items()}
    view.svg = inline_svg(picture(diagram, "svg"), clickable, lambda text: text.startswith("∂"))
    view.selected = built.keys.get(highlight, "") if highlight is not None else ""
    return view


def explore(model: MLP, output: Value, path: str | os.PathLike[str] | None = None, *,
            outputs: Sequence[Value] = (), input_names: Sequence[str] | None = None, loss: str | None = None,
            targets: Sequence[float] | int | None = None, digits: int = 4, max_nodes: int = MAX_GRAPH_NODES,
            overwrite: bool = False, derivations: Mapping[Value, str] | None = None,
            training: Training | None = None, title: str | None = None,
            highlight: Value | None = None) -> Explorer:
    """The explorer of ``model`` and the graph of ``output`` (E), written to ``path`` when given.

    Run a forward pass and the loss first; the options are ``draw_network``'s. The expression
    graph is left out, with a note, above ``max_nodes`` values; ``derivations`` replaces the
    derivation shown for a parameter (or a neuron's net node); ``training`` adds the slider;
    ``highlight``, one of the model's parameters, is selected when the page opens.
    """
    if not isinstance(model, MLP):
        raise TypeError(f"explore: expected an nn.MLP, not {type(model).__name__}")
    if not isinstance(output, Value):
        raise TypeError(f"explore: output must be a Value (the loss E), not {type(output).__name__}")
    check_path(path, "explore", overwrite)
    check_digits(digits, "explore")
    whole(max_nodes, "explore: max_nodes", 1)
    if highlight is not None and not any(highlight is p for p in model.parameters()):
        raise ValueError(f"explore: highlight must be one of the model's parameters, not {highlight!r:.60}")
    reached = {id(v) for v in leaves(output)}
    if not any(id(p) in reached for p in model.parameters()):
        raise ValueError("explore: output does not depend on the model's parameters; pass the loss "
                         "computed from this model's outputs")
    views = [network_view(model, output, outputs=outputs, input_names=input_names, loss=loss, targets=targets,
                          digits=digits, derivations=derivations, highlight=highlight),
             graph_view(output, digits=digits, max_nodes=max_nodes)]
    result = Explorer(page(title or f"chainrule explorer: {output.label or 'E'}", views, training))
    if path is not None:
        result.save(path, overwrite=overwrite)
    return result
