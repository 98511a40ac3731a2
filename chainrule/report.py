"""The worked step as one report: every section and number that any output shows.

``as_text``, ``as_markdown`` and ``as_json`` each render a ``Report`` and nothing else, so the
terminal, report.md and report.json cannot disagree: a number is added here, or nowhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from autograd import Explanation, Value
from autograd.update import UpdateRow, UpdateTable
from nn.losses import LOSSES

from .claims import ClaimResult, check_claims
from .walkthrough import NeuronStep, Walkthrough

CHANGE = {"down": "down", "unchanged": "unchanged: every gradient is 0",
          "up": "NOT down: the learning rate is too large"}


@dataclass(frozen=True)
class Quantity:
    """A named number: an input, a weight, a bias."""

    name: str
    value: float


@dataclass(frozen=True)
class LayerParameters:
    """Section 1: a layer's activation and its parameters, neuron by neuron."""

    index: int
    activation: str
    n_neurons: int
    parameters: tuple[Quantity, ...]

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


@dataclass(frozen=True)
class Gradient:
    """Sections 4 and 5: a parameter, ∂E/∂p with its derivation, and its value after the step."""

    name: str
    value: float
    grad: float
    new: float
    explanation: Explanation


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
    learning_rate: float
    gradients: tuple[Gradient, ...]
    E_after: float
    history: tuple[float, ...]
    claims: tuple[ClaimResult, ...] | None  # None: nothing was claimed

    @property
    def change(self) -> str:
        """What the step did to E: "down", "unchanged" (every gradient 0) or "up"."""
        if self.E_after < self.E:
            return "down"
        return "unchanged" if all(g.grad == 0 for g in self.gradients) else "up"

    @property
    def change_note(self) -> str:
        """``change`` in words, with the reason where there is one."""
        return CHANGE[self.change]

    def update_table(self) -> UpdateTable:
        """Section 5 as the engine's update table (its text and Markdown forms)."""
        rows = tuple(UpdateRow(g.name, g.value, g.grad, g.new) for g in self.gradients)
        return UpdateTable(rows, self.learning_rate)


def _quantity(x: Value | float, fallback: str) -> Quantity:
    if isinstance(x, Value):
        return Quantity(x.label or fallback, x.data)
    return Quantity(fallback, x)


def _forward(n: NeuronStep) -> NeuronForward:
    products = tuple((_quantity(w, "w"), _quantity(x, "x")) for w, x in zip(n.weights, n.inputs))
    return NeuronForward(n.name, n.activation, n.net_label, products, _quantity(n.bias, "b"),
                         n.net, n.out, n.delta)


def build_report(w: Walkthrough, claims: dict[str, str] | None = None) -> Report:
    """The report of a worked step; ``claims`` default to the network file's own."""
    spec = w.spec
    claims = spec.claims if claims is None else claims
    loss = LOSSES[spec.loss]
    layers = tuple(LayerParameters(k, layer.activation, len(layer.neurons),
                                   tuple(_quantity(p, "p") for p in layer.parameters()))
                   for k, layer in enumerate(w.model.layers))
    gradients = tuple(Gradient(p.label, p.data, p.grad, new, e)
                      for p, new, e in zip(w.params, w.new_values, w.explanations))
    return Report(spec.title, spec.source, tuple(map(Quantity, spec.names_of_inputs, spec.inputs)), layers,
                  tuple(_forward(n) for row in w.neurons for n in row), spec.loss, loss.formula, loss.latex,
                  w.E.data, spec.learning_rate, gradients, w.loss_after, tuple(w.history),
                  tuple(check_claims(w, claims)) if claims else None)
