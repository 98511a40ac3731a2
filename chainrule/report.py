"""The worked step as one report: every section and number that any output shows.

``as_text``, ``as_markdown`` and ``as_json`` each render a ``Report`` and nothing else, so the
terminal, report.md and report.json cannot disagree: a number is added here, or nowhere.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

from autograd import Explanation, Value
from autograd.notation import check_digits, exact
from autograd.update import UpdateRow, UpdateTable
from nn.losses import LOSSES

from .claims import ClaimResult, check_claims
from .derivations import Derivation, Deriver
from .matrix_form import LayerMatrices, matrix_form
from .walkthrough import NeuronStep, Walkthrough

UPDATE_DIGITS = 6
CHANGE = {"down": "down", "unchanged": "unchanged: every gradient is 0",
          "too small": "unchanged: the step is too small to change E in a float (the gradients vanish)",
          "not a number": "E is not a number: the forward pass overflowed, or a loss took log of 0 or less",
          "up": "NOT down: the learning rate is too large"}


@dataclass(frozen=True)
class Quantity:
    """A named number: an input, a weight, a bias."""

    name: str
    value: float


@dataclass(frozen=True)
class NeuronParameters:
    """A neuron's weights and bias, as section 1 groups them."""

    neuron: str
    parameters: tuple[Quantity, ...]


@dataclass(frozen=True)
class LayerParameters:
    """Section 1: a layer's activation and its parameters, neuron by neuron."""

    index: int
    activation: str
    n_neurons: int
    neurons: tuple[NeuronParameters, ...]

    @property
    def parameters(self) -> tuple[Quantity, ...]:
        return tuple(p for n in self.neurons for p in n.parameters)

    @property
    def size(self) -> str:
        """ "3 neurons", "1 neuron"."""
        return f"{self.n_neurons} neuron" + ("s" if self.n_neurons != 1 else "")


@dataclass(frozen=True)
class NeuronForward:
    """Section 2: net = Σ weight·input + bias, out = activation(net); δ = ∂E/∂net (section 4)."""

    neuron: str
    activation: str
    net_label: str
    products: tuple[tuple[Quantity, Quantity], ...]  # (weight, input)
    bias: Quantity
    net: float
    out: float
    delta: float
    net_line: Derivation
    out_line: Derivation | None  # None: no graph reads the output


@dataclass(frozen=True)
class Gradient:
    """Sections 4 and 5: a parameter, ∂E/∂p with its derivation, and its value after the step."""

    name: str
    value: float
    grad: float
    new: float
    explanation: Explanation  # the chain rule along every path (``paths``)
    line: Derivation  # δ · input
    new_line: Derivation


@dataclass(frozen=True)
class Report:
    title: str
    source: str
    inputs: tuple[Quantity, ...]
    layers: tuple[LayerParameters, ...]
    forward: tuple[NeuronForward, ...]
    loss: str
    loss_formula: str
    loss_latex: str
    E: float
    loss_line: Derivation
    target: str  # the targets, or the class, as the loss takes them
    deltas: tuple[Derivation, ...]  # the output layer's first, as backpropagation goes
    learning_rate: float
    gradients: tuple[Gradient, ...]
    E_after: float
    history: tuple[float, ...]
    claims: tuple[ClaimResult, ...] | None  # None: nothing was claimed
    digits: int = 4
    paths: bool = False  # show each gradient's chain rule along every path, not only δ·input
    matrices: tuple[LayerMatrices, ...] = ()  # the layers in matrix form: ∂E/∂W = δxᵀ, …
    matrices_in_text: bool = False  # the terminal shows them too (report.md and JSON always do)

    def forward_lines(self) -> list[tuple[Derivation, bool]]:
        """The forward pass as a learner works it, (line, is an output): each neuron's net, then
        its out; a softmax layer's nets all first, since each of its outs reads every net."""
        lines: list[tuple[Derivation, bool]] = []
        waiting: list[tuple[Derivation, bool]] = []
        for n in self.forward:
            if n.activation != "softmax":
                lines += waiting
                waiting = []
            lines.append((n.net_line, False))
            if n.out_line is not None:
                (waiting if n.activation == "softmax" else lines).append((n.out_line, True))
        return lines + waiting

    def derivations(self) -> dict[str, Derivation]:
        """Every derivation by the name a claim gives its quantity (net_n3, δ_n3, ∂E/∂w1, …)."""
        lines = [*(n.net_line for n in self.forward), *(n.out_line for n in self.forward if n.out_line),
                 self.loss_line, *self.deltas, *(g.line for g in self.gradients),
                 *(g.new_line for g in self.gradients)]
        return {d.quantity: d for d in lines}

    @property
    def change(self) -> str:
        """What the step did to E: "down", "unchanged" (every gradient 0), "too small" (E the
        same to the last bit), "not a number" (E is nan or infinite) or "up"."""
        if not math.isfinite(self.E):
            return "not a number"
        if not math.isfinite(self.E_after):  # the step itself overflowed
            return "up"
        if self.E_after < self.E:
            return "down"
        if all(g.grad == 0 for g in self.gradients):
            return "unchanged"
        return "too small" if self.E_after == self.E else "up"

    @property
    def change_note(self) -> str:
        """``change`` in words, with the reason where there is one."""
        return CHANGE[self.change]

    def update_table(self) -> UpdateTable:
        """Section 5 as the engine's update table (its text and Markdown forms), to ``digits`` but
        at least 6: a step of 0.01·0.0025 changes w16 = 0.7 in its sixth digit, not its fourth."""
        rows = tuple(UpdateRow(g.name, g.value, g.grad, g.new) for g in self.gradients)
        return UpdateTable(rows, self.learning_rate, max(self.digits, UPDATE_DIGITS))


def _quantity(x: Value | float, fallback: str) -> Quantity:
    if isinstance(x, Value):
        return Quantity(x.label or fallback, x.data)
    return Quantity(fallback, x)


def _forward(n: NeuronStep, row: list[NeuronStep], d: Deriver) -> NeuronForward:
    products = tuple((_quantity(w, "w"), _quantity(x, "x")) for w, x in zip(n.weights, n.inputs))
    # a linear neuron's out is its net: one node, one line
    out_line = d.out_of(n, row, n.out_node) if n.out_node not in (None, n.net_node) else None
    return NeuronForward(n.name, n.activation, n.net_label, products, _quantity(n.bias, "b"),
                         n.net, n.out, n.delta, d.net_of(n), out_line)


def _gradients(w: Walkthrough, d: Deriver) -> tuple[Gradient, ...]:
    """Each parameter's ∂E/∂p as δ·input (and along every path), and its new value."""
    where: dict[Value, tuple[NeuronStep, int | None]] = {}  # parameter: (neuron, input index; None: bias)
    for row in w.neurons:
        for n in row:
            where.update({p: (n, i) for i, p in enumerate(n.weights)})
            where[n.bias] = (n, None)
    return tuple(Gradient(p.label, p.data, p.grad, new, e, d.gradient_of(p, *where[p]), d.new_of(p, new))
                 for p, new, e in zip(w.params, w.new_values, w.explanations))


def _layers(w: Walkthrough) -> tuple[LayerParameters, ...]:
    return tuple(LayerParameters(k, layer.activation, len(layer.neurons), tuple(
        NeuronParameters(n.name, tuple(_quantity(p, "p") for p in n.parameters())) for n in layer.neurons))
        for k, layer in enumerate(w.model.layers))


def target_text(w: Walkthrough) -> str:
    """The targets as the loss reads them: "target = 0.01", "class y = 1 (p2)"."""
    spec = w.spec
    if isinstance(spec.target, int):
        names = [n.name for n in w.neurons[-1]]
        return f"class y = {spec.target} ({names[spec.target]})"
    names = [n.name for n in w.neurons[-1]]
    if len(names) == 1:
        return f"target = {_as_written(spec.target[0])}"
    return ", ".join(f"target_{name} = {_as_written(t)}" for name, t in zip(names, spec.target))


def _as_written(t: float) -> str:
    """A target as a file writes it: 1, not 1.0; 0.99, not 0.98999999999999999."""
    return exact(t).removesuffix(".0")


def build_report(w: Walkthrough, claims: dict[str, str] | None = None, *, digits: int = 4,
                 paths: bool = False, matrices: bool = False) -> Report:
    """The report of a worked step; ``claims`` default to the network file's own. ``digits``:
    significant digits in every section; ``paths``: each gradient along every path too;
    ``matrices``: the layers in matrix form in the text too."""
    check_digits(digits, "build_report")
    spec = w.spec
    claims = spec.claims if claims is None else claims
    loss = LOSSES[spec.loss]
    d = Deriver(w)
    deltas = tuple(d.delta_of(n, n.out_node, n.net_node) for row in reversed(w.neurons) for n in row
                   if n.out_node is not None and n.net_node is not None)
    forward = tuple(_forward(n, row, d) for row in w.neurons for n in row)
    inputs = tuple(map(Quantity, spec.names_of_inputs, spec.inputs))
    report = Report(spec.title, spec.source, inputs, _layers(w),
                    forward, spec.loss, loss.formula, loss.latex, w.E.data, d.loss(), target_text(w), deltas,
                    spec.learning_rate, _gradients(w, d), w.loss_after, tuple(w.history), None, digits, paths,
                    tuple(matrix_form(w)), matrices)
    if not claims:
        return report
    return dataclasses.replace(report, claims=tuple(check_claims(w, claims, _whys(report))))


def _whys(report: Report) -> dict[str, str]:
    """Each quantity's derivation as a claim's explanation shows it."""
    return {q: line.text(digits=report.digits) for q, line in report.derivations().items()}
