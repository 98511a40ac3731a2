"""One training step of a small network, worked the way a student works it by hand.

``work(spec)`` builds the network of a ``netfile.NetSpec``, runs the forward pass, the loss,
backpropagation and one gradient-descent step (and ``spec.steps`` more), and keeps every
number with the formula it came from. ``text``, ``markdown`` and ``as_json`` render it;
``check_claims`` grades numbers a document or a student wrote down against it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from autograd import Explanation, Value, explain, update_table
from autograd.notation import latex_name, number

from . import losses
from .layers import MLP
from .netfile import NetSpec
from .optim import SGD
from .readout import readout

LOSS_FORMULAS = {
    "squared_error": ("E = ½ Σₖ (targetₖ − outₖ)²", r"E = \tfrac{1}{2}\sum_k (t_k - o_k)^2"),
    "mse": ("E = (1/n) Σₖ (targetₖ − outₖ)²", r"E = \tfrac{1}{n}\sum_k (t_k - o_k)^2"),
    "binary_cross_entropy": ("E = −[t·log p + (1 − t)·log(1 − p)]", r"E = -[t \log p + (1-t)\log(1-p)]"),
    "cross_entropy": ("E = −log pᵧ, p = softmax(z)", r"E = -\log p_y"),
    "hinge": ("E = max(0, 1 − y·s)", r"E = \max(0, 1 - y s)"),
}


@dataclass
class NeuronStep:
    name: str
    activation: str
    net_formula: str  # net_n3 = w1·x1 + w4·x2 + b1
    net_numbers: str  # 0.1·0.23 + 0.4·0.55 + 0.1
    net: float
    out: float
    delta: float = 0.0  # ∂E/∂net


@dataclass
class Walkthrough:
    spec: NetSpec
    model: MLP
    E: Value
    neurons: list[list[NeuronStep]]
    params: list[Value]
    explanations: list[Explanation]
    new_values: list[float]
    loss_after: float
    history: list[float] = field(default_factory=list)  # E after each further step
    nodes: dict[str, Value] = field(default_factory=dict)  # every labelled node of the graph

    def value_of(self, quantity: str) -> float | None:
        """The number a claim names: a label (net_n3), E, ∂E/∂w16 (or dE/dw16), new w16."""
        q = quantity.strip()
        m = re.fullmatch(r"(?:∂|d)E\s*/\s*(?:∂|d)\s*(.+)", q)
        if m:
            v = self.nodes.get(m.group(1).strip())
            return None if v is None else v.grad
        m = re.fullmatch(r"new\s+(.+)|(.+?)\s+after", q)
        if m:
            name = (m.group(1) or m.group(2)).strip()
            if name == self.E.label:
                return self.loss_after
            for p, new in zip(self.params, self.new_values):
                if p.label == name:
                    return new
            return None
        v = self.nodes.get(q)
        return None if v is None else v.data


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
            if spec_layer.weight_names:
                for i in range(len(neuron.w)):
                    names[f"w[{k}][{j},{i}]"] = spec_layer.weight_names[j][i]
    model.rename(names)
    return model


def _loss(spec: NetSpec, out: Value | list[Value]) -> Value:
    outs = out if isinstance(out, list) else [out]
    if spec.loss == "cross_entropy":
        return losses.cross_entropy(outs, spec.target, from_logits=spec.layers[-1].activation != "softmax")
    targets = spec.target if isinstance(spec.target, list) else [float(spec.target)]
    if spec.loss == "hinge":
        return losses.hinge(outs[0], targets[0])
    if spec.loss == "binary_cross_entropy":  # a linear output is a logit, a sigmoid's a probability
        logits = spec.layers[-1].activation == "linear"
        return losses.binary_cross_entropy(outs[0], targets[0], from_logits=logits)
    return (losses.squared_error if spec.loss == "squared_error" else losses.mse)(outs, targets)


def _forward(spec: NetSpec, model: MLP) -> tuple[list[Value], Value]:
    names = spec.input_names or [f"x{i + 1}" for i in range(len(spec.inputs))]
    xs = [Value(x, label=name) for x, name in zip(spec.inputs, names)]
    out = model(xs)
    outs = out if isinstance(out, list) else [out]
    E = _loss(spec, outs)
    E.label = "E"
    return outs, E


def work(spec: NetSpec) -> Walkthrough:
    """Forward, loss, backward, one SGD step (+ ``spec.steps`` more): every number kept."""
    model = build(spec)
    outputs, E = _forward(spec, model)
    model.zero_grad()
    E.backward()
    nodes: dict[str, Value] = {}
    stack = [E]
    while stack:
        v = stack.pop()
        if v.label and v.label not in nodes:
            nodes[v.label] = v
            stack.extend(v.inputs)
        elif not v.label:
            stack.extend(v.inputs)
    ro = readout(model, E, *outputs)
    steps = []
    for layer in model.layers:
        row = []
        for n in layer.neurons:
            net, out = ro.nets[n], ro.outs[n]
            xs_in = net.inputs[len(n.w): 2 * len(n.w)]  # the dot's operands after the weights
            terms = [f"{w.label}·{x.label}" for w, x in zip(n.w, xs_in)] + [n.b.label]
            values = [f"{_signed(w.data)}·{_signed(x.data)}" for w, x in zip(n.w, xs_in)]
            row.append(NeuronStep(n.name, layer.activation, f"{net.label} = {' + '.join(terms)}",
                                  _plus([*values, number(n.b.data)]), net.data, out.data, net.grad))
        steps.append(row)
    # Backpropagation goes from the output back: the last layer's parameters first.
    params = [p for layer in reversed(model.layers) for p in layer.parameters()]
    explanations = [explain(E, p) for p in params]
    new_values = [p.data - spec.learning_rate * p.grad for p in params]
    # The step itself, on a second copy, so that this one keeps the numbers before it.
    trained = build(spec)  # (data set directly: a step that diverges to nan is shown, not refused)
    new_of = {id(p): new for p, new in zip(params, new_values)}
    for p, q in zip(model.parameters(), trained.parameters()):
        q.data = new_of[id(p)]
    after = _forward(spec, trained)[1].data
    opt = SGD(trained.parameters(), lr=spec.learning_rate)
    history = []
    for _ in range(spec.steps):
        _, E_k = _forward(spec, trained)
        trained.zero_grad()
        E_k.backward()
        opt.step()
        history.append(_forward(spec, trained)[1].data)
    return Walkthrough(spec, model, E, steps, params, explanations, new_values, after, history, nodes)


def _signed(x: float) -> str:
    """A factor as the documents write it: negative numbers in parentheses."""
    return f"({number(x)})" if x < 0 else number(x)


def _plus(terms: list[str]) -> str:
    """Terms joined by + and −: "0.1·0.23 + 0.4·0.55 − 0.4"."""
    text = terms[0]
    for t in terms[1:]:
        text += f" − {t[1:]}" if t.startswith("-") else f" + {t}"
    return text


@dataclass
class ClaimResult:
    quantity: str
    claimed: str
    value: float | None
    right: bool
    why: str = ""


def _agrees(value: float, claimed: float, text: str) -> bool:
    """Is ``claimed`` ``value`` rounded, or cut off, to the digits written in ``text``?

    0.0025 for 0.002468 is right (rounded), and so is 0.0024 (cut off, as the documents
    sometimes do: 0.699 for 0.6997); 0.0026 or 0.0023 are wrong. In scientific notation
    ("2.468e-3") the digits of the mantissa count. A claim of 0 must be 0 to 4 places.
    """
    if math.isnan(value) or math.isnan(claimed) or math.isinf(value) or math.isinf(claimed):
        return value == claimed or (math.isnan(value) and math.isnan(claimed))
    mantissa, _, exponent = text.lower().partition("e")
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    if claimed == 0:  # "0" claims zero, not "rounds to 0": 0 for 0.14 is wrong (4 places)
        decimals = max(decimals, 4)
    unit = 10.0 ** (int(exponent or 0) - decimals)
    scaled = value / unit
    return any(abs(candidate * unit - claimed) <= unit * 1e-6
               for candidate in (round(scaled), math.trunc(scaled)))


def check_claims(w: Walkthrough, claims: dict[str, str]) -> list[ClaimResult]:
    """Grade each claimed number: right when it is the computed value rounded or cut off to
    the digits written (so 0.0025 and 0.0024 are right for 0.002468, 0.0026 is not), wrong
    otherwise, with the right value and, for a gradient, its derivation."""
    results = []
    for quantity, text in claims.items():
        value = w.value_of(quantity)
        if value is None:
            results.append(ClaimResult(quantity, text, None, False, "no such quantity in this network"))
            continue
        claimed = float(text)
        right = _agrees(value, claimed, text)
        why = ""
        if not right and re.match(r"(∂|d)E", quantity):
            label = re.sub(r"^(?:∂|d)E\s*/\s*(?:∂|d)\s*", "", quantity)
            target = w.nodes.get(label)
            if target is not None:
                why = str(explain(w.E, target))
        results.append(ClaimResult(quantity, text, value, right, why))
    return results


def _claims_table(results: list[ClaimResult], mark: tuple[str, str]) -> list[str]:
    cells = [(r.quantity, r.claimed, "—" if r.value is None else f"{r.value:.8g}") for r in results]
    w = [max(len(c[i]) for c in [("quantity", "claimed", "chainrule"), *cells]) for i in range(3)]
    rows = [f"{'quantity':<{w[0]}}  {'claimed':>{w[1]}}  {'chainrule':>{w[2]}}"]
    for r, (q, claimed, got) in zip(results, cells):
        verdict = mark[0] if r.right else f"{mark[1]} wrong" + (f" ({r.why})" if r.value is None else "")
        rows.append(f"{q:<{w[0]}}  {claimed:>{w[1]}}  {got:>{w[2]}}   {verdict}")
    return rows


def text(w: Walkthrough, color: bool = False) -> str:
    """The worked example as terminal text (ANSI colour when ``color``)."""
    def bold(s: str) -> str:
        return f"\033[1m{s}\033[0m" if color else s

    ok, bad = ("\033[32m✓\033[0m", "\033[31m✗\033[0m") if color else ("✓", "✗")
    spec = w.spec
    out = [bold(spec.title)] + ([f"source: {spec.source}"] if spec.source else [])
    out += ["", bold("1. The network")]
    names = spec.input_names or [f"x{i + 1}" for i in range(len(spec.inputs))]
    out.append("inputs: " + ", ".join(f"{n} = {number(x)}" for n, x in zip(names, spec.inputs)))
    for k, layer in enumerate(w.model.layers):
        params = ", ".join(f"{p.label} = {number(p.data)}" for p in layer.parameters())
        count = f"{len(layer.neurons)} neuron" + ("s" if len(layer.neurons) > 1 else "")
        out.append(f"layer {k} ({layer.activation}, {count}): {params}")
    out += ["", bold("2. Forward pass")]
    for row in w.neurons:
        for n in row:
            out.append(f"{n.net_formula} = {n.net_numbers} = {number(n.net)}")
            act = n.activation if n.activation != "linear" else "identity"
            out.append(f"{' ' * 4}out = {act}(net) = {number(n.out)}")
    out += ["", bold("3. Error"), LOSS_FORMULAS[spec.loss][0], f"E = {number(w.E.data)}"]
    out += ["", bold("4. Backpropagation"), "δ = ∂E/∂net for each neuron:"]
    out += [f"    δ_{n.name} = {number(n.delta)}" for row in w.neurons for n in row]
    for e in w.explanations:
        out += ["", str(e)]
    out += ["", bold(f"5. Gradient descent, learning rate {number(spec.learning_rate)}")]
    out.append(str(update_table(w.params, spec.learning_rate)))
    change = ("  (down)" if w.loss_after < w.E.data
              else "  (unchanged: every gradient is 0)" if all(p.grad == 0 for p in w.params)
              else "  (NOT down: the learning rate is too large)")
    out += ["", bold("6. After the step"), f"E = {number(w.E.data)} → {number(w.loss_after)}{change}"]
    if w.history:
        out.append("further steps: " + ", ".join(f"{number(e)}" for e in w.history))
    if spec.claims:
        out += ["", bold("7. The document's numbers")]
        results = check_claims(w, spec.claims)
        out += _claims_table(results, (ok, bad))
        wrong = [r for r in results if not r.right]
        out.append(f"{len(results) - len(wrong)} of {len(results)} agree"
                   + (f"; wrong: {', '.join(r.quantity for r in wrong)}" if wrong else ""))
    return "\n".join(out)


def markdown(w: Walkthrough, images: list[str] | None = None) -> str:
    """The worked example as a Markdown report with LaTeX maths (and the diagrams' images)."""
    spec = w.spec
    md = [f"# {spec.title}", ""] + ([f"Source: {spec.source}", ""] if spec.source else [])
    for image in images or []:
        md += [f"![{image}]({image})", ""]
    md += ["## Forward pass", ""]
    for row in w.neurons:
        for n in row:
            net = latex_name(n.net_formula.split(" = ")[0])
            numbers = n.net_numbers.replace("·", r" \cdot ").replace("−", "-")
            md.append(f"- ${net} = {numbers} = {number(n.net)}$, "
                      f"out = {n.activation}(net) = ${number(n.out)}$")
    md += ["", "## Error", "", f"$${LOSS_FORMULAS[spec.loss][1]} = {number(w.E.data)}$$", "",
           "## Backpropagation", ""]
    for e in w.explanations:
        md += [e.markdown(), ""]
    md += [f"## Gradient descent (learning rate {number(spec.learning_rate)})", "",
           update_table(w.params, spec.learning_rate).markdown(), "",
           f"After the step E = {number(w.loss_after)} (was {number(w.E.data)}).", ""]
    if spec.claims:
        md += ["## The document's numbers", "", "| quantity | claimed | chainrule | |", "|---|---:|---:|---|"]
        for r in check_claims(w, spec.claims):
            got = "—" if r.value is None else f"{r.value:.8g}"
            md.append(f"| {r.quantity} | {r.claimed} | {got} | {'✓' if r.right else '✗ wrong'} |")
    return "\n".join(md) + "\n"


def as_json(w: Walkthrough) -> dict[str, Any]:
    """Every number of the worked example, machine-readable."""
    spec = w.spec
    doc: dict[str, Any] = {
        "title": spec.title,
        "inputs": spec.inputs,
        "loss": spec.loss,
        "learning_rate": spec.learning_rate,
        "forward": [{"neuron": n.name, "net": n.net, "out": n.out, "delta": n.delta}
                    for row in w.neurons for n in row],
        "E": w.E.data,
        "parameters": [{"name": p.label, "value": p.data, "grad": p.grad, "new": new}
                       for p, new in zip(w.params, w.new_values)],
        "E_after": w.loss_after,
        "history": w.history,
    }
    if spec.claims:
        doc["claims"] = [{"quantity": r.quantity, "claimed": r.claimed, "value": r.value, "right": r.right}
                         for r in check_claims(w, spec.claims)]
    return doc
